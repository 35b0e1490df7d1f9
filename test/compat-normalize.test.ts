// The compat harness's normaliser: the Go dump wrangler's esbuild sometimes prints as it dies
// is left out of wrangler's stderr, and nothing else is, blank lines included; a module-rule
// error's box is rewritten alone; a second build wrangler may run before Ready on is left out.
import { expect, test } from "bun:test";
import { MODULE_RULE_BUILD_ERROR, normalize, withoutGoDump } from "../compat-tests/harness.ts";
import { withoutSecondStartBuild } from "../compat-tests/dev-harness.ts";

const REFUSAL = ['✘ [ERROR] Compatibility date "2999-01-01" is in the future and unsupported', "", ""];
// As esbuild's service prints it, with a line of wrangler's landing in the middle (two processes, one stderr).
const DUMP = [
  "fatal error: all goroutines are asleep - deadlock!",
  "",
  "goroutine 1 [chan receive]:",
  "github.com/evanw/esbuild/internal/helpers.(*ThreadSafeWaitGroup).Wait(...)",
  "\tgithub.com/evanw/esbuild/internal/helpers/waitgroup.go:36",
  "main.runService.func2()",
  "\tgithub.com/evanw/esbuild/cmd/esbuild/service.go:114 +0x59",
  "main.main()",
  "\tgithub.com/evanw/esbuild/cmd/esbuild/main.go:240 +0xa29",
  "wrangler's line in between",
  "",
  "goroutine 18 [chan receive, 2 minutes]:",
  "main.(*serviceType).sendRequest(0xc0000deed0, {0x9f48c0, 0xc010708480})",
  "\tgithub.com/evanw/esbuild/cmd/esbuild/service.go:192 +0x12b",
  "created by main.runService in goroutine 1",
  "\tgithub.com/evanw/esbuild/cmd/esbuild/service.go:97 +0x1ce",
];

test("the Go dump of wrangler's dying esbuild is left out of its stderr, with the blank lines Go puts in it, and only those", () => {
  const stderr = [...REFUSAL, ...DUMP, "", "after"].join("\n");
  expect(withoutGoDump(stderr)).toBe([...REFUSAL, "wrangler's line in between", "", "after"].join("\n"));
  expect(normalize(stderr, "wrangler", "/nowhere")).toBe(normalize([...REFUSAL, "wrangler's line in between", "", "after"].join("\n"), "wrangler", "/nowhere"));
});

test("without a dump, stderr is left as it is: a blank line more or less is still a difference", () => {
  const stderr = REFUSAL.join("\n");
  expect(withoutGoDump(stderr)).toBe(stderr);
  expect(normalize(stderr, "wrangler", "/nowhere")).not.toBe(normalize(REFUSAL.slice(0, 2).join("\n"), "wrangler", "/nowhere"));
});

test("bunflare's stderr keeps a dump: it would be bunflare's own crash", () => {
  const stderr = [...REFUSAL, ...DUMP].join("\n");
  expect(normalize(stderr, "bunflare", "/nowhere")).toContain("goroutine 18 [chan receive, 2 minutes]:");
});

test("the module-rule build error's box is rewritten without its colours, and colours outside it are kept", () => {
  const warning = "‹33›▲ ‹43;33›[‹43;97›WARNING‹43;33›]‹0› ‹1›a warning‹0›";
  const box = [
    "‹31›✘ ‹41;31›[‹41;97›ERROR‹41;31›]‹0› ‹1›Build failed with 1 error:‹0›",
    "",
    "  ‹31›✘ ‹41;31›[‹41;97›ERROR‹41;31›]‹0› ‹1›The file a.md matched a module rule (x).‹0› ‹2›[plugin wrangler]‹0›",
    "    src/index.js:1:14:",
    "",
    "",
  ].join("\n");
  const rewritten = MODULE_RULE_BUILD_ERROR.bunflare!(`${warning}\n${box}\nafter\n`);
  expect(rewritten).toBe(`${warning}\n<module rule error: The file a.md matched a module rule (x).>\nafter\n`);
});

test("a second build wrangler runs before Ready on, after a fix written at start, is left out; nothing else is", () => {
  const table = "Attaching additional modules:\n│ a.md │ text │";
  const once = [table, "‹2›⎔ Starting local server...‹22›", "‹32›[wrangler:info]‹39› Ready on ‹32›http://localhost:<PORT>‹39›"].join("\n");
  const twice = [table, "‹2›⎔ Starting local server...‹22›", table, "‹2›⎔ Reloading local server...‹22›", "‹2›⎔ Local server updated and ready‹22›", "‹32›[wrangler:info]‹39› Ready on ‹32›http://localhost:<PORT>‹39›"].join("\n");
  expect(withoutSecondStartBuild(twice)).toBe(once);
  expect(withoutSecondStartBuild(once)).toBe(once);
  // A reload without "updated and ready" (a failed one) is still compared.
  const failed = [table, "‹2›⎔ Starting local server...‹22›", "‹2›⎔ Reloading local server...‹22›", "‹32›[wrangler:info]‹39› Ready on"].join("\n");
  expect(withoutSecondStartBuild(failed)).toBe(failed);
});
