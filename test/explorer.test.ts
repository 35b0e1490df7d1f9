// The Local Explorer over real HTTP: `bunflare explorer` and `bunflare dev`
// serving /cdn-cgi/explorer on a real store, with the CLI writing and reading
// the same data the API shows and edits.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { spawn, type ChildProcess } from "node:child_process";
import { networkInterfaces } from "node:os";
import path from "node:path";
import { cleanup, project, startDev, strip, type DevProcess } from "./dev-helpers.ts";
import { D1, durableObject, FLOW, JOBS, KV, R2, toml } from "./configs.ts";

setDefaultTimeout(60_000);

const BIN = path.resolve(import.meta.dir, "..", "bin", "bunflare");
const CONFIG = toml("app", KV, D1, R2, FLOW, JOBS);
const WORKER = `export default {
  async fetch(request, env) {
    await env.KV.put("from-worker", "written by the worker");
    return new Response("worker");
  },
};
`;

const dirs: string[] = [];
const children: ChildProcess[] = [];
const devs: DevProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  await Promise.all(devs.splice(0).map((dev) => dev.stop()));
  for (const dir of dirs.splice(0)) cleanup(dir);
});

function newProject(): string {
  const dir = project({ "wrangler.toml": CONFIG, "src/index.js": WORKER });
  dirs.push(dir);
  return dir;
}

function cli(dir: string, ...args: string[]) {
  const result = Bun.spawnSync([BIN, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: "1", CI: "true", HOME: dir }, stdout: "pipe", stderr: "pipe" });
  return { code: result.exitCode, stdout: strip(result.stdout.toString()), stderr: strip(result.stderr.toString()) };
}

/** Starts `bunflare explorer --port 0` and returns its API base URL once it prints where it listens. */
async function startExplorer(dir: string): Promise<string> {
  const child = spawn(BIN, ["explorer", "--port", "0"], { cwd: dir, env: { ...process.env, NO_COLOR: "1", HOME: dir } });
  children.push(child);
  let output = "";
  return await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = strip(output).match(/Local Explorer ready on (http:\/\/\S+)/);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`bunflare explorer exited (${code}):\n${output}`)));
  });
}

/** A response's JSON, loosely typed: the tests assert on its shape. */
const bodyOf = async (response: Promise<Response> | Response): Promise<any> => (await response).json();
const json = (init: { method: string; body: unknown }) => ({ method: init.method, headers: { "content-type": "application/json" }, body: JSON.stringify(init.body) });

describe("bunflare explorer", () => {
  test("shows data written by the CLI, in wrangler's envelopes", async () => {
    const dir = newProject();
    expect(cli(dir, "kv", "key", "put", "--binding", "KV", "greeting", "hello").code).toBe(0);
    expect(cli(dir, "d1", "execute", "db1", "--local", "--command", "CREATE TABLE t (a INTEGER, b TEXT); INSERT INTO t VALUES (1, 'one')").code).toBe(0);
    await Bun.write(path.join(dir, "file.txt"), "file body");
    expect(cli(dir, "r2", "object", "put", "bucket-one/docs/file.txt", "--file", "file.txt", "--local", "--content-type", "text/plain").code).toBe(0);
    const base = await startExplorer(dir);
    const api = `${base}/api`;

    expect(await bodyOf(fetch(`${api}/storage/kv/namespaces`))).toEqual({
      success: true,
      errors: [],
      messages: [],
      result: [{ id: "kv-id", title: "KV" }],
      result_info: { count: 1 },
    });
    expect(await bodyOf(fetch(`${api}/storage/kv/namespaces/kv-id/keys`))).toMatchObject({ result: [{ name: "greeting" }], result_info: { count: 1, cursor: "" } });
    expect(await (await fetch(`${api}/storage/kv/namespaces/kv-id/values/greeting`)).text()).toBe("hello");

    expect((await bodyOf(fetch(`${api}/d1/database`))).result).toEqual([{ name: "DB", uuid: "db-id", version: "production" }]);
    const query = await bodyOf(fetch(`${api}/d1/database/db-id/raw`, json({ method: "POST", body: { sql: "SELECT a, b FROM t" } })));
    expect(query.success).toBe(true);
    expect(query.result[0].results).toEqual({ columns: ["a", "b"], rows: [[1, "one"]] });
    expect(query.result[0].meta.rows_read).toBe(1);

    expect((await bodyOf(fetch(`${api}/r2/buckets`))).result).toEqual({ buckets: [{ name: "bucket-one" }] });
    const listed = await bodyOf(fetch(`${api}/r2/buckets/bucket-one/objects?delimiter=/`));
    expect(listed.result).toEqual([]);
    expect(listed.result_info).toEqual({ delimited: ["docs/"], is_truncated: "false" });
    const inFolder = await bodyOf(fetch(`${api}/r2/buckets/bucket-one/objects?prefix=docs/`));
    expect(inFolder.result).toMatchObject([{ key: "docs/file.txt", size: 9, http_metadata: { contentType: "text/plain" } }]);
    const object = await fetch(`${api}/r2/buckets/bucket-one/objects/${encodeURIComponent("docs/file.txt")}`);
    expect(object.headers.get("content-type")).toBe("text/plain");
    expect(await object.text()).toBe("file body");

    const page = await fetch(base);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await page.text()).toContain("<title>Local Explorer</title>");
  });

  test("an edit through the API is what `kv key get` reads; a delete is gone for it too", async () => {
    const dir = newProject();
    const api = `${await startExplorer(dir)}/api`;
    const form = new FormData();
    form.append("value", '{"edited":true}');
    form.append("metadata", '{"by":"explorer"}');
    expect((await bodyOf(fetch(`${api}/storage/kv/namespaces/kv-id/values/config`, { method: "PUT", body: form }))).success).toBe(true);
    const got = cli(dir, "kv", "key", "get", "--binding", "KV", "config");
    expect(got.code).toBe(0);
    expect(got.stdout.trim().split("\n").at(-1)).toBe('{"edited":true}');
    const keys = await bodyOf(fetch(`${api}/storage/kv/namespaces/kv-id/keys`));
    expect(keys.result).toEqual([{ name: "config", metadata: { by: "explorer" } }]);

    expect((await bodyOf(fetch(`${api}/storage/kv/namespaces/kv-id/values/config`, { method: "DELETE" }))).success).toBe(true);
    expect(cli(dir, "kv", "key", "get", "--binding", "KV", "config").stdout).toContain("Value not found");
  });

  test("KV keys page with a cursor and filter by prefix; bulk get and bulk delete", async () => {
    const dir = newProject();
    const api = `${await startExplorer(dir)}/api`;
    const names = Array.from({ length: 25 }, (_, i) => `k${String(i).padStart(2, "0")}`);
    for (const name of names) await fetch(`${api}/storage/kv/namespaces/kv-id/values/${name}`, { method: "PUT", body: `v-${name}` });
    const seen: string[] = [];
    let cursor = "";
    do {
      const page = await bodyOf(fetch(`${api}/storage/kv/namespaces/kv-id/keys?limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`));
      expect(page.result.length).toBeLessThanOrEqual(10);
      seen.push(...page.result.map((key: { name: string }) => key.name));
      cursor = page.result_info.cursor;
    } while (cursor);
    expect(seen).toEqual(names);
    const prefixed = await bodyOf(fetch(`${api}/storage/kv/namespaces/kv-id/keys?prefix=k1`));
    expect(prefixed.result.map((key: { name: string }) => key.name)).toEqual(names.filter((name) => name.startsWith("k1")));

    const bulk = await bodyOf(fetch(`${api}/storage/kv/namespaces/kv-id/bulk/get`, json({ method: "POST", body: { keys: ["k00", "missing"] } })));
    expect(bulk.result).toEqual({ values: { k00: "v-k00", missing: null } });
    await fetch(`${api}/storage/kv/namespaces/kv-id/bulk/delete`, json({ method: "POST", body: ["k00", "k01"] }));
    const after = await bodyOf(fetch(`${api}/storage/kv/namespaces/kv-id/keys`));
    expect(after.result_info.count).toBe(23);
  });

  test("bad input answers 4xx with the API's JSON error and stores nothing wrong", async () => {
    const dir = newProject();
    const api = `${await startExplorer(dir)}/api`;
    const error = async (response: Response) => ({ status: response.status, body: await bodyOf(response) });

    expect(await error(await fetch(`${api}/storage/kv/namespaces/kv-id/keys?limit=abc`))).toEqual({
      status: 400,
      body: { success: false, errors: [{ code: 10001, message: 'limit: Expected query param to be number but received "abc"' }], messages: [], result: null },
    });
    expect((await error(await fetch(`${api}/storage/kv/namespaces/kv-id/keys?limit=5`))).body.errors[0].message).toBe("limit: Number must be greater than or equal to 10");
    expect(await error(await fetch(`${api}/storage/kv/namespaces/nope/keys`))).toMatchObject({ status: 404, body: { errors: [{ code: 10013, message: "list keys: 'namespace not found'" }] } });
    expect(await error(await fetch(`${api}/storage/kv/namespaces/kv-id/values/absent`))).toMatchObject({ status: 404, body: { errors: [{ code: 10009, message: "get: 'key not found'" }] } });

    const form = new FormData();
    form.append("value", "v");
    form.append("metadata", "{not json");
    expect(await error(await fetch(`${api}/storage/kv/namespaces/kv-id/values/x`, { method: "PUT", body: form }))).toMatchObject({ status: 400, body: { errors: [{ message: "Invalid metadata JSON" }] } });
    expect((await fetch(`${api}/storage/kv/namespaces/kv-id/values/x`)).status).toBe(404);

    // Expiration through the binding's own checks.
    const shortTtl = await fetch(`${api}/storage/kv/namespaces/kv-id/values/ttl?expiration_ttl=30`, { method: "PUT", body: "v" });
    expect(shortTtl.status).toBe(400);
    expect((await bodyOf(shortTtl)).errors[0].message).toContain("60");
    await fetch(`${api}/storage/kv/namespaces/kv-id/values/ttl?expiration_ttl=3600`, { method: "PUT", body: "v" });
    const withTtl = (await bodyOf(fetch(`${api}/storage/kv/namespaces/kv-id/keys?prefix=ttl`))).result[0];
    expect(withTtl.expiration).toBeGreaterThan(Date.now() / 1000 + 3000);
    await fetch(`${api}/storage/kv/namespaces/kv-id/values/ttl`, { method: "DELETE" });

    // Keys with "/", ".." and unicode round-trip as one key each.
    for (const key of ["a/b/c", "../up", "ключ ✓"]) {
      await fetch(`${api}/storage/kv/namespaces/kv-id/values/${encodeURIComponent(key)}`, { method: "PUT", body: `value of ${key}` });
      expect(await (await fetch(`${api}/storage/kv/namespaces/kv-id/values/${encodeURIComponent(key)}`)).text()).toBe(`value of ${key}`);
    }
    const keys = await bodyOf(fetch(`${api}/storage/kv/namespaces/kv-id/keys`));
    expect(keys.result.map((k: { name: string }) => k.name).sort()).toEqual(["../up", "a/b/c", "ключ ✓"]);

    // SQL errors in D1's words; a bad body; an unknown database.
    expect(await error(await fetch(`${api}/d1/database/db-id/raw`, json({ method: "POST", body: { sql: "SELECT * FROM missing" } })))).toMatchObject({
      status: 500,
      body: { errors: [{ code: 10001, message: "D1_ERROR: no such table: missing: SQLITE_ERROR" }] },
    });
    expect((await error(await fetch(`${api}/d1/database/db-id/raw`, json({ method: "POST", body: { query: "x" } })))).body.errors[0].message).toBe("Invalid input");
    expect(await error(await fetch(`${api}/d1/database/zzz/raw`, json({ method: "POST", body: { sql: "SELECT 1" } })))).toMatchObject({
      status: 404,
      body: { errors: [{ code: 7404, message: "The database zzz could not be found" }] },
    });
    expect((await error(await fetch(`${api}/r2/buckets/bucket-one/objects`, json({ method: "DELETE", body: [] })))).status).toBe(400);

    expect((await fetch(`${api}/storage/kv/namespaces/kv-id/values/%E0%A4%A`)).status).toBe(400);

    const unknown = await fetch(`${api}/no/such/route`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe("404 Not Found");
  });

  test("an INSERT through the SQL console runs once, and `d1 execute` sees it", async () => {
    const dir = newProject();
    const api = `${await startExplorer(dir)}/api`;
    const run = (sql: string) => fetch(`${api}/d1/database/db-id/raw`, json({ method: "POST", body: { sql } })).then(bodyOf);
    await run("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)");
    const inserted = await run("INSERT INTO notes (body) VALUES ('from the explorer')");
    expect(inserted.result[0].meta.changes).toBe(1);
    const out = cli(dir, "d1", "execute", "db1", "--local", "--json", "--command", "SELECT count(*) AS n, max(body) AS body FROM notes");
    expect(JSON.parse(out.stdout)[0].results).toEqual([{ n: 1, body: "from the explorer" }]);
  });

  test("R2: upload, head with custom metadata, delete; the CLI agrees", async () => {
    const dir = newProject();
    const api = `${await startExplorer(dir)}/api`;
    const big = new Uint8Array(3 * 1024 * 1024).map((_, i) => i % 251);
    const put = await bodyOf(
      fetch(`${api}/r2/buckets/bucket-one/objects/${encodeURIComponent("up/big.bin")}`, {
        method: "PUT",
        headers: { "content-type": "application/octet-stream", "cf-r2-custom-metadata": '{"origin":"explorer"}' },
        body: big,
      }),
    );
    expect(put.result).toMatchObject({ key: "up/big.bin", size: big.length });
    const head = await bodyOf(fetch(`${api}/r2/buckets/bucket-one/objects/${encodeURIComponent("up/big.bin")}`, { headers: { "cf-metadata-only": "true" } }));
    expect(Object.keys(head.result)).toEqual(["key", "etag", "last_modified", "size", "http_metadata", "custom_metadata"]);
    expect(head.result.custom_metadata).toEqual({ origin: "explorer" });
    const out = cli(dir, "r2", "object", "get", "bucket-one/up/big.bin", "--local", "--pipe");
    expect(out.code).toBe(0);
    const removed = await bodyOf(fetch(`${api}/r2/buckets/bucket-one/objects`, json({ method: "DELETE", body: ["up/big.bin"] })));
    expect(removed.result).toEqual([{ key: "up/big.bin" }]);
    expect(cli(dir, "r2", "object", "get", "bucket-one/up/big.bin", "--local", "--pipe").code).toBe(1);
  });

  test("workflows: listed from the config, instances created and terminated through the API", async () => {
    const dir = newProject();
    const api = `${await startExplorer(dir)}/api`;
    expect((await bodyOf(fetch(`${api}/workflows`))).result).toEqual([{ name: "flow", class_name: "Flow", script_name: "app" }]);
    const created = await bodyOf(fetch(`${api}/workflows/flow/instances`, json({ method: "POST", body: { id: "run-1", params: { n: 1 } } })));
    expect(created.result).toEqual({ id: "run-1" });
    const list = await bodyOf(fetch(`${api}/workflows/flow/instances`));
    expect(list.result).toMatchObject([{ id: "run-1", status: "queued" }]);
    expect(list.result_info).toMatchObject({ page: 1, per_page: 25, total_count: 1, total_pages: 1 });
    const terminated = await bodyOf(fetch(`${api}/workflows/flow/instances/run-1/status`, json({ method: "PATCH", body: { action: "terminate" } })));
    expect(terminated.result.status).toBe("terminated");
    const details = await bodyOf(fetch(`${api}/workflows/flow`));
    expect(details.result.instances.terminated).toBe(1);
    expect(cli(dir, "workflows", "instances", "describe", "flow", "run-1").stdout).toContain("Terminated");
    const bad = await fetch(`${api}/workflows/flow/instances/run-1/status`, json({ method: "PATCH", body: { action: "explode" } }));
    expect(bad.status).toBe(400);
    expect((await fetch(`${api}/workflows/nope`)).status).toBe(404);
  });
});

describe("queues in the explorer (bunflare's addition)", () => {
  test("listed with their waiting messages; a test message sent through the producer; purge", async () => {
    const dir = newProject();
    const api = `${await startExplorer(dir)}/api`;
    expect((await bodyOf(fetch(`${api}/queues`))).result).toEqual([{ queue_id: "jobs", queue_name: "jobs", messages: 0, consumer: null, dead_letter_for: [] }]);
    const sent = await bodyOf(fetch(`${api}/queues/jobs/messages`, json({ method: "POST", body: { body: { task: 1 } } })));
    expect(sent.success).toBe(true);
    await fetch(`${api}/queues/jobs/messages`, json({ method: "POST", body: { body: "plain", content_type: "text" } }));
    expect((await bodyOf(fetch(`${api}/queues/jobs`))).result.messages).toBe(2);
    const tooBig = await fetch(`${api}/queues/jobs/messages`, json({ method: "POST", body: { body: "x".repeat(130_000), content_type: "text" } }));
    expect(tooBig.status).toBe(400);
    expect((await bodyOf(tooBig)).errors[0].message).toBe("Queue send failed: message length of 130000 bytes exceeds limit of 128000");
    expect((await bodyOf(fetch(`${api}/queues/jobs/purge`, { method: "POST" }))).result.messages).toBe(0);
    expect((await fetch(`${api}/queues/nope`)).status).toBe(404);
  });
});

describe("bunflare dev serves the explorer", () => {
  test("/cdn-cgi/explorer answers beside the worker, showing what the worker wrote", async () => {
    const dir = newProject();
    const dev = await startDev(dir);
    devs.push(dev);
    expect(await (await fetch(`${dev.url}/`)).text()).toBe("worker");
    const value = await fetch(`${dev.url}/cdn-cgi/explorer/api/storage/kv/namespaces/kv-id/values/from-worker`);
    expect(await value.text()).toBe("written by the worker");
    const page = await fetch(`${dev.url}/cdn-cgi/explorer`);
    expect(await page.text()).toContain("<title>Local Explorer</title>");
    const openapi = await bodyOf(fetch(`${dev.url}/cdn-cgi/explorer/api`));
    expect(openapi.openapi).toStartWith("3.");
  });

  test("X_LOCAL_EXPLORER=false hands /cdn-cgi/explorer to the worker, as in wrangler", async () => {
    const dir = newProject();
    const dev = await startDev(dir, [], { env: { X_LOCAL_EXPLORER: "false" } });
    devs.push(dev);
    expect(await (await fetch(`${dev.url}/cdn-cgi/explorer/api/storage/kv/namespaces`)).text()).toBe("worker");
  });

  test("Durable Objects: the worker's classes and the objects that stored data", async () => {
    const dir = project({
      "wrangler.toml": toml("do-app", durableObject("COUNTER", "Counter")),
      "src/index.js": `import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  async fetch() {
    const n = ((await this.ctx.storage.get("n")) ?? 0) + 1;
    await this.ctx.storage.put("n", n);
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS hits (at INTEGER)");
    this.ctx.storage.sql.exec("INSERT INTO hits VALUES (?)", n);
    await this.ctx.storage.setAlarm(Date.UTC(2099, 0, 1));
    return new Response(String(n));
  }
  alarm() {}
}
export default {
  fetch(request, env) {
    const name = new URL(request.url).searchParams.get("name") ?? "a";
    return env.COUNTER.get(env.COUNTER.idFromName(name)).fetch(request);
  },
};
`,
    });
    dirs.push(dir);
    const dev = await startDev(dir);
    devs.push(dev);
    const api = `${dev.url}/cdn-cgi/explorer/api/workers/durable_objects/namespaces`;
    expect(await bodyOf(fetch(api))).toEqual({
      success: true,
      errors: [],
      messages: [],
      result: [{ id: "do-app-Counter", name: "do-app_Counter", script: "do-app", class: "Counter", use_sqlite: true }],
      result_info: { count: 1 },
    });
    expect((await bodyOf(fetch(`${api}/do-app-Counter/objects`))).result).toEqual([]);
    expect(await (await fetch(`${dev.url}/?name=a`)).text()).toBe("1");
    expect(await (await fetch(`${dev.url}/?name=b`)).text()).toBe("1");
    const objects = await bodyOf(fetch(`${api}/do-app-Counter/objects`));
    expect(objects.result).toHaveLength(2);
    // Named as the worker reached them (idFromName), as wrangler's explorer names SQLite-backed objects.
    expect(objects.result.map((object: { name: string }) => object.name).sort()).toEqual(["a", "b"]);
    expect(objects.result[0]).toEqual({ id: expect.stringMatching(/^[0-9a-f]{64}$/), name: expect.any(String), hasStoredData: true });
    expect(objects.result_info).toEqual({ count: 2, cursor: "" });
    expect((await fetch(`${api}/nope/objects`)).status).toBe(404);

    // One object by name: its alarm and tables (not the runtime's _cf_ ones), its KV storage decoded.
    const one = await bodyOf(fetch(`${api}/do-app-Counter/objects/a`));
    expect(one.result).toMatchObject({ name: "a", use_sqlite: true, alarm: { scheduled_time: "2099-01-01T00:00:00.000Z", retry_count: 0 } });
    expect(one.result.tables.map((table: { name: string }) => table.name)).toEqual(["hits"]);
    const storage = await bodyOf(fetch(`${api}/do-app-Counter/objects/a/storage`));
    expect(storage.result).toEqual([{ key: "n", value: 1, type: "number" }]);

    // wrangler's SQL console path, by name and by id; SQL errors are a 400 with the runtime's words.
    const query = (body: unknown) => fetch(`${api}/do-app-Counter/query`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const byName = await bodyOf(query({ durable_object_name: "a", queries: [{ sql: "SELECT at FROM hits" }] }));
    expect(byName.result).toEqual([{ columns: ["at"], rows: [[1]], meta: { rows_read: 1, rows_written: 0 } }]);
    const byId = await bodyOf(query({ durable_object_id: one.result.id, queries: [{ sql: "INSERT INTO hits VALUES (?)", params: [7] }] }));
    expect(byId.result[0].meta.rows_written).toBe(1);
    const bad = await query({ durable_object_name: "a", queries: [{ sql: "SELECT nope FROM hits" }] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).errors[0].message).toContain("no such column: nope");
    const internal = await query({ durable_object_name: "a", queries: [{ sql: "SELECT * FROM _cf_KV" }] });
    expect(internal.status).toBe(400);
    expect((await query({ durable_object_id: "zz", queries: [] })).status).toBe(400);
    // An object never stored (or deleted since a tab opened it): 404, and nothing is created for it.
    const missing = await fetch(`${api}/do-app-Counter/objects/never`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as any).errors[0].message).toContain("has no stored data");
    expect((await bodyOf(fetch(`${api}/do-app-Counter/objects`))).result).toHaveLength(2);
  });

  const external = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry && entry.family === "IPv4" && !entry.internal)?.address;
  test.skipIf(!external)("on --ip 0.0.0.0 the explorer refuses other machines' addresses, the worker does not", async () => {
    const dir = newProject();
    const dev = await startDev(dir, ["--ip", "0.0.0.0"]);
    devs.push(dev);
    const port = new URL(dev.url).port;
    expect((await fetch(`http://${external}:${port}/`)).status).toBe(200);
    expect((await fetch(`http://${external}:${port}/cdn-cgi/explorer/api/storage/kv/namespaces`)).status).toBe(403);
    expect((await fetch(`http://127.0.0.1:${port}/cdn-cgi/explorer/api/storage/kv/namespaces`)).status).toBe(200);
  });
});
