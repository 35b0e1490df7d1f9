// The compat harness's normaliser: the Go dump wrangler's esbuild sometimes prints as it dies
// is left out of wrangler's stderr, and nothing else is, blank lines included.
import { expect, test } from "bun:test";
import { normalize, withoutGoDump } from "../compat-tests/harness.ts";

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
