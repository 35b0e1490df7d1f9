// The dev server and the CLI meet in one store: what one writes the other
// reads at once, and a reload keeps everything stored.
import { afterEach, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { project, ROOT, startDev, type DevProcess } from "./dev-helpers.ts";

const BIN = path.join(ROOT, "bin", "bunflare");
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function devIn(dir: string): Promise<DevProcess> {
  const dev = await startDev(dir);
  cleanup.push(() => dev.stop());
  return dev;
}

function cli(dir: string, ...args: string[]) {
  const result = spawnSync(BIN, args, { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

test("KV, R2, D1 and Durable Object data written by a worker survives a reload", async () => {
  const dir = project({}, "dev-bindings");
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const dev = await devIn(dir);
  await fetch(`${dev.url}/kv?key=a`, { method: "PUT", body: "kv-value" });
  await fetch(`${dev.url}/r2?key=a`, { method: "PUT", body: "r2-value" });
  await fetch(`${dev.url}/d1`, { method: "PUT", body: "note" });
  expect(await (await fetch(`${dev.url}/counter`)).text()).toBe("1");

  const source = path.join(dir, "src", "index.js");
  writeFileSync(source, readFileSync(source, "utf8").replace('"not found"', '"still not found"'));
  await dev.waitForOutput(/Local server updated and ready/);
  expect(await (await fetch(`${dev.url}/nowhere`)).text()).toBe("still not found");

  expect(await (await fetch(`${dev.url}/kv?key=a`)).text()).toBe("kv-value");
  expect(await (await fetch(`${dev.url}/r2?key=a`)).text()).toBe("r2-value");
  expect(await (await fetch(`${dev.url}/d1`)).json()).toEqual([{ body: "note" }]);
  expect(await (await fetch(`${dev.url}/counter`)).text()).toBe("2");
});

test("R2 objects and D1 rows cross between the CLI and a running dev server", async () => {
  const dir = project({ "note.txt": "from-cli" }, "dev-bindings");
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const dev = await devIn(dir);

  expect(cli(dir, "r2", "object", "put", "dev-bindings-bucket/b", "--file", "note.txt", "--local").code).toBe(0);
  expect(await (await fetch(`${dev.url}/r2?key=b`)).text()).toBe("from-cli");

  await fetch(`${dev.url}/d1`, { method: "PUT", body: "from-worker" });
  const rows = cli(dir, "d1", "execute", "DB", "--local", "--json", "--command", "SELECT body FROM notes");
  expect(rows.code).toBe(0);
  expect(JSON.parse(rows.stdout)[0].results).toEqual([{ body: "from-worker" }]);

  expect(cli(dir, "d1", "execute", "DB", "--local", "--command", "INSERT INTO notes VALUES ('from-cli')").code).toBe(0);
  expect(await (await fetch(`${dev.url}/d1`)).json()).toEqual([{ body: "from-worker" }, { body: "from-cli" }]);
});
