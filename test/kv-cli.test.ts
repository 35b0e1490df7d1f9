// `bunflare kv ...` as a user runs it: real processes on a real project
// directory, asserting on printed lines, exit codes and stored bytes.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore } from "../runtime/store/index.ts";
import { createKVNamespace } from "../runtime/bindings/kv/index.ts";

const BIN = path.resolve(import.meta.dir, "..", "bin", "bunflare");
const CONFIG = 'name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n\n[[kv_namespaces]]\nbinding = "KV"\nid = "kv-id"\n';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "kv-cli-"));
  writeFileSync(path.join(dir, "wrangler.toml"), CONFIG);
  writeFileSync(path.join(dir, "index.js"), "export default { fetch() { return new Response('hi'); } };\n");
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
  const result = Bun.spawnSync([BIN, ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: "1", CI: "true", HOME: dir },
    stdout: "pipe",
    stderr: "pipe",
  });
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString(), raw: result.stdout };
}

/** The binding a worker would get, opened by this (other) process. */
function binding(namespaceId = "kv-id") {
  const store = openStore(path.join(dir, ".bunflare"));
  return { kv: createKVNamespace(store, namespaceId), close: () => store.close() };
}

test("a CLI put is visible through the binding in another process, and the other way round", async () => {
  expect(run("kv", "key", "put", "from-cli", "hello", "--binding", "KV").code).toBe(0);
  const { kv, close } = binding();
  expect(await kv.get("from-cli")).toBe("hello");
  await kv.put("from-worker", "hi there", { metadata: { by: "worker" } });
  const got = run("kv", "key", "get", "from-worker", "--binding", "KV");
  expect(got.stdout).toBe("hi there");
  expect(JSON.parse(run("kv", "key", "list", "--binding", "KV").stdout)).toEqual([
    { name: "from-cli" },
    { name: "from-worker", metadata: { by: "worker" } },
  ]);
  close();
});

test("kv key put prints wrangler's lines and kv key get writes the raw bytes", () => {
  const put = run("kv", "key", "put", "greeting", "hello", "--binding", "KV");
  expect(put.stdout).toContain("Resource location: local");
  expect(put.stdout).toContain('Writing the value "hello" to key "greeting" on namespace binding: "KV" (id: "kv-id").');
  const binary = new Uint8Array([0, 255, 10, 128, 13, 0]);
  writeFileSync(path.join(dir, "blob.bin"), binary);
  expect(run("kv", "key", "put", "blob", "--path", "blob.bin", "--binding", "KV").code).toBe(0);
  expect([...run("kv", "key", "get", "blob", "--binding", "KV").raw]).toEqual([...binary]);
  expect(run("kv", "key", "get", "greeting", "--binding", "KV", "--text").stdout).toBe("hello\n");
  expect(run("kv", "key", "get", "absent", "--binding", "KV").stdout).toBe("Value not found\n");
});

test("a rejected put exits 1 with the runtime's message and keeps the stored value", async () => {
  run("kv", "key", "put", "k", "original", "--binding", "KV");
  const bad = run("kv", "key", "put", "k", "replacement", "--binding", "KV", "--ttl", "10");
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain("KV PUT failed: 400 Invalid expiration_ttl of 10. Expiration TTL must be at least 60.");
  expect(bad.stderr).not.toContain("    at ");
  expect(run("kv", "key", "get", "k", "--binding", "KV").stdout).toBe("original");
});

test("--ttl, --expiration and --metadata reach the stored entry", () => {
  const at = Math.floor(Date.now() / 1000) + 7200;
  run("kv", "key", "put", "a", "1", "--binding", "KV", "--expiration", String(at), "--metadata", '{"tag":"x"}');
  run("kv", "key", "put", "b", "2", "--binding", "KV", "--ttl", "600");
  const [a, b] = JSON.parse(run("kv", "key", "list", "--binding", "KV").stdout);
  expect(a).toEqual({ name: "a", expiration: at, metadata: { tag: "x" } });
  expect(b.expiration).toBeGreaterThan(Math.floor(Date.now() / 1000) + 500);
});

test("--metadata may be any JSON value, an array included (the runtime's rule, not wrangler's repeated-flag check)", () => {
  expect(run("kv", "key", "put", "a", "1", "--binding", "KV", "--metadata", "[1,2]").code).toBe(0);
  expect(run("kv", "key", "put", "s", "1", "--binding", "KV", "--metadata", '"text"').code).toBe(0);
  expect(JSON.parse(run("kv", "key", "list", "--binding", "KV").stdout)).toEqual([
    { name: "a", metadata: [1, 2] },
    { name: "s", metadata: "text" },
  ]);
});

test("--persist-to keeps the data in that directory", () => {
  run("kv", "key", "put", "k", "elsewhere", "--binding", "KV", "--persist-to", "state");
  expect(run("kv", "key", "get", "k", "--binding", "KV", "--persist-to", "state").stdout).toBe("elsewhere");
  expect(run("kv", "key", "get", "k", "--binding", "KV").stdout).toBe("Value not found\n");
});

test("--remote goes to real wrangler: without one it is a clear message", () => {
  const result = run("kv", "key", "get", "k", "--binding", "KV", "--remote");
  expect(result.code).toBe(1);
  expect(result.stderr).toContain("needs Cloudflare's network, which bunflare hands to a real wrangler, and none is installed");
});

test("kv bulk put stores 10,000 keys with base64 values, and kv key list shows them all", async () => {
  const items = Array.from({ length: 10_000 }, (_, i) => ({ key: `key-${String(i).padStart(5, "0")}`, value: `value ${i}` }));
  items[0] = { key: "key-00000", value: Buffer.from([0, 1, 2, 255]).toString("base64"), base64: true } as never;
  writeFileSync(path.join(dir, "bulk.json"), JSON.stringify(items));
  const put = run("kv", "bulk", "put", "bulk.json", "--binding", "KV");
  expect(put.code).toBe(0);
  expect(put.stdout.trim().endsWith("Success!")).toBe(true);
  expect(JSON.parse(run("kv", "key", "list", "--binding", "KV").stdout).length).toBe(10_000);
  // Every page of a prefix too, where wrangler's local listing stops at the first 1000.
  const prefixed = JSON.parse(run("kv", "key", "list", "--binding", "KV", "--prefix", "key-0").stdout);
  expect(prefixed.length).toBe(10_000);
  expect(JSON.parse(run("kv", "key", "list", "--binding", "KV", "--prefix", "key-05").stdout).map((k: { name: string }) => k.name).at(-1)).toBe("key-05999");
  const { kv, close } = binding();
  expect([...new Uint8Array((await kv.get("key-00000", "arrayBuffer"))!)]).toEqual([0, 1, 2, 255]);
  expect(await kv.get("key-09999")).toBe("value 9999");
  close();
});

test("kv bulk put writes nothing when one item is rejected", () => {
  writeFileSync(path.join(dir, "bulk.json"), JSON.stringify([{ key: "ok", value: "1" }, { key: "..", value: "2" }]));
  const result = run("kv", "bulk", "put", "bulk.json", "--binding", "KV");
  expect(result.code).toBe(1);
  expect(result.stderr).toContain('".." is not allowed as a key name.');
  expect(JSON.parse(run("kv", "key", "list", "--binding", "KV").stdout)).toEqual([]);
});

test("kv bulk get prints values by key and kv bulk delete removes them", () => {
  run("kv", "key", "put", "a", "1", "--binding", "KV");
  run("kv", "key", "put", "b", "2", "--binding", "KV");
  writeFileSync(path.join(dir, "keys.json"), JSON.stringify(["a", { name: "b" }, "c"]));
  const got = run("kv", "bulk", "get", "keys.json", "--binding", "KV");
  expect(got.stdout).toBe(JSON.stringify({ a: { value: "1" }, b: { value: "2" }, c: { value: null } }, null, 2) + "\n\nSuccess!\n");
  const deleted = run("kv", "bulk", "delete", "keys.json", "--binding", "KV", "--force");
  expect(deleted.code).toBe(0);
  expect(JSON.parse(run("kv", "key", "list", "--binding", "KV").stdout)).toEqual([]);
});

test("kv namespace create, list, rename and delete work on the local registry", async () => {
  const created = run("kv", "namespace", "create", "my-cache");
  expect(created.code).toBe(0);
  expect(created.stdout).toContain('🌀 Creating namespace with title "my-cache"');
  expect(created.stdout).toContain("✨ Success!");
  const id = created.stdout.match(/id = "([0-9a-f]{32})"/)?.[1];
  expect(id).toBeDefined();
  expect(created.stdout).toContain(`[[kv_namespaces]]\nbinding = "my_cache"\nid = "${id}"`);

  const again = run("kv", "namespace", "create", "my-cache");
  expect(again.code).toBe(1);
  expect(again.stderr).toContain('A KV namespace with the title "my-cache" already exists.');

  expect(JSON.parse(run("kv", "namespace", "list").stdout)).toEqual([{ id, title: "my-cache", supports_url_encoding: true }]);
  expect(run("kv", "namespace", "rename", "my-cache", "--new-name", "renamed").stdout).toContain(
    '✨ Successfully renamed namespace to "renamed"',
  );

  run("kv", "key", "put", "k", "v", "--namespace-id", id!);
  const deleted = run("kv", "namespace", "delete", "renamed", "-y");
  expect(deleted.code).toBe(0);
  expect(deleted.stdout).toContain(`Deleted KV namespace name: "renamed" (id: "${id}").`);
  expect(JSON.parse(run("kv", "namespace", "list").stdout)).toEqual([]);
  expect(run("kv", "key", "get", "k", "--namespace-id", id!).stdout).toBe("Value not found\n");
});

test("kv namespace create prints a JSON snippet for a wrangler.json project", () => {
  rmSync(path.join(dir, "wrangler.toml"));
  writeFileSync(path.join(dir, "wrangler.json"), JSON.stringify({ name: "app", main: "index.js", compatibility_date: "2025-01-01" }));
  const created = run("kv", "namespace", "create", "cache", "--preview", "--binding", "CACHE");
  expect(created.code).toBe(0);
  const snippet = created.stdout.slice(created.stdout.indexOf("{"));
  const parsed = JSON.parse(snippet);
  expect(parsed.kv_namespaces[0].binding).toBe("CACHE");
  expect(parsed.kv_namespaces[0].preview_id).toMatch(/^[0-9a-f]{32}$/);
  // --binding asks for the config to be patched, as wrangler does for JSON configs.
  const config = JSON.parse(readFileSync(path.join(dir, "wrangler.json"), "utf8"));
  expect(config.kv_namespaces).toEqual([{ binding: "CACHE", preview_id: parsed.kv_namespaces[0].preview_id }]);
});

test("kv namespace create leaves a JSON config alone unless asked", () => {
  rmSync(path.join(dir, "wrangler.toml"));
  writeFileSync(path.join(dir, "wrangler.jsonc"), '{\n  // my worker\n  "name": "app"\n}\n');
  const created = run("kv", "namespace", "create", "cache");
  expect(created.stdout).toContain("? Would you like Wrangler to add it on your behalf?");
  expect(created.stdout).toContain("🤖 Using fallback value in non-interactive context: no");
  expect(readFileSync(path.join(dir, "wrangler.jsonc"), "utf8")).toBe('{\n  // my worker\n  "name": "app"\n}\n');
  run("kv", "namespace", "create", "other", "--update-config");
  const text = readFileSync(path.join(dir, "wrangler.jsonc"), "utf8");
  expect(text).toContain("// my worker");
  expect(text).toContain('"binding": "other"');
});
