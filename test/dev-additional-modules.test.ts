// find_additional_modules: rule-matched modules stay separate, so a name built
// at run time can be imported, and an edit to one is served after the reload.
import { afterEach, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { project, startDev, write, type DevProcess } from "./dev-helpers.ts";

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
