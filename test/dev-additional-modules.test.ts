// find_additional_modules: rule-matched modules stay separate, so a name built
// at run time can be imported, and an edit to one is served after the reload.
import { afterEach, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { eventually, project, spawnDev, startDev, write, type DevProcess } from "./dev-helpers.ts";

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

test("a module imported by a run-time name is served, and its edit after a reload", async () => {
  const dir = project({}, "dev-additional-modules");
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const dev: DevProcess = await startDev(dir);
  cleanup.push(() => dev.stop());

  expect(await (await fetch(`${dev.url}/?lang=fr`)).text()).toBe("Bonjour");
  const missing = await fetch(`${dev.url}/?lang=de`);
  expect(missing.status).toBe(404);
  expect(await missing.text()).toBe("no de; try en or fr");

  write(dir, "src/lang/fr.mjs", 'export const greeting = "Salut";\n');
  await dev.waitForOutput(/Local server updated and ready/);
  expect(await (await fetch(`${dev.url}/?lang=fr`)).text()).toBe("Salut");
  // As wrangler, the reload lists the modules again.
  expect(dev.output().split("Attaching additional modules:").length - 1).toBe(2);
});

test("no_bundle: a file only a removed rule matches fails the first build (the error, a 503, no Ready line) until the config lets it through", async () => {
  const toml = (extra: string) =>
    `name = "removed-rule"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\nno_bundle = true\n[[rules]]\ntype = "Text"\nglobs = ["**/*.md"]\n${extra}`;
  const dir = project({
    "wrangler.toml": toml(""),
    "src/index.js": 'import a from "./a.md";\nexport default { fetch() { return new Response(a); } };\n',
    "src/a.md": "md\n",
    "src/sub/b.txt": "b\n",
  });
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const dev = await spawnDev(dir);
  cleanup.push(() => dev.stop());
  const url = `http://127.0.0.1:${dev.port}/`;
  await eventually(async () => dev.output().includes("✘ [ERROR] The file sub/b.txt matched a module rule in your configuration"), 15_000);
  // Wrangler holds the request until a build succeeds; bunflare refuses it and logs it.
  await eventually(async () => (await fetch(url)).status === 503);
  await eventually(async () => dev.output().includes("[wrangler:info] GET / 503 Service Unavailable ("));
  expect(dev.output()).not.toContain("Ready on");
  expect(dev.child.exitCode).toBeNull();
  write(dir, "wrangler.toml", toml("fallthrough = true\n"));
  await eventually(async () => dev.output().includes("Ready on"), 15_000);
  expect(await (await fetch(url)).text()).toBe("md\n");
  expect(dev.output()).toContain("│ sub/b.txt         │ text │");
  // A later break keeps the last good worker answering, as any failed reload does.
  write(dir, "wrangler.toml", toml(""));
  await eventually(async () => dev.output().split("matched a module rule").length === 3, 15_000);
  expect(await (await fetch(url)).text()).toBe("md\n");
});
