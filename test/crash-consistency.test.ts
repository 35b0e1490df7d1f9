// kill -9 at seeded random points: of `bunflare dev` during mixed KV / R2 / D1 /
// Durable Object writes, and of `d1 execute --file` and `kv bulk put` mid-import.
// Afterwards every SQLite file passes integrity_check, every acknowledged write
// is there, imports are all or nothing, and the next open leaves no orphan files.
// The seed is printed; CRASH_SEED=<n> replays a run.
import { afterAll, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { openStore } from "../runtime/store/index.ts";
import { createKVNamespace } from "../runtime/bindings/kv/index.ts";
import { cleanup, project, ROOT, startDev } from "./dev-helpers.ts";

const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
console.log(`crash-consistency seed: ${SEED} (replay with CRASH_SEED=${SEED})`);

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = seeded(SEED);

const dirs: string[] = [];
afterAll(() => dirs.forEach(cleanup));

function sqliteFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...sqliteFiles(full));
    else if (entry.name.endsWith(".sqlite")) found.push(full);
  }
  return found;
}

function expectIntact(storeDir: string): void {
  const files = sqliteFiles(storeDir);
  expect(files.length).toBeGreaterThan(0);
  for (const file of files) {
    const db = new Database(file);
    expect({ file, check: (db.query("PRAGMA integrity_check").get() as { integrity_check: string }).integrity_check }).toEqual({ file, check: "ok" });
    db.close();
  }
}

/** Polls until `condition` holds (no fixed sleeps); fails after `limitMs`. */
async function until(condition: () => boolean, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not reached");
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const walSize = (file: string) => (existsSync(`${file}-wal`) ? statSync(`${file}-wal`).size : 0);

function spawnCli(dir: string, args: string[]) {
  const child = spawn(path.join(ROOT, "bin", "bunflare"), args, { cwd: dir, env: { ...process.env, NO_COLOR: "1", HOME: dir }, stdio: "ignore" });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited };
}

const WORKER = `
import { DurableObject } from "cloudflare:workers";
export class Box extends DurableObject {
  async fetch(request) {
    const i = new URL(request.url).searchParams.get("i");
    // Two keys per write, through both atomic paths: a transaction, and a put of several entries.
    if (Number(i) % 2 === 0) {
      await this.ctx.storage.transaction(async (txn) => {
        await txn.put("k" + i, i);
        await txn.put("t" + i, i);
      });
    } else {
      await this.ctx.storage.put({ ["k" + i]: i, ["t" + i]: i });
    }
    return new Response("ok");
  }
}
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const i = url.searchParams.get("i");
    switch (url.pathname) {
      case "/kv": await env.KV.put("k" + i, "v" + i); break;
      case "/r2": await env.R2.put("k" + i, "x".repeat(200000) + i); break;
      case "/d1":
        await env.DB.exec("CREATE TABLE IF NOT EXISTS w (i INTEGER PRIMARY KEY)");
        await env.DB.prepare("INSERT INTO w VALUES (?)").bind(Number(i)).run();
        break;
      case "/do": return env.BOX.get(env.BOX.idFromName("one")).fetch(request);
    }
    return new Response("ok");
  },
};
`;
const CONFIG = `name = "crash"
main = "index.js"
compatibility_date = "2025-01-01"
[[kv_namespaces]]
binding = "KV"
id = "kv1"
[[r2_buckets]]
binding = "R2"
bucket_name = "bucket"
[[d1_databases]]
binding = "DB"
database_name = "db"
database_id = "db1"
[[durable_objects.bindings]]
name = "BOX"
class_name = "Box"
[[migrations]]
tag = "v1"
new_sqlite_classes = ["Box"]
`;

test("kill -9 of bunflare dev during mixed KV, R2, D1 and Durable Object writes loses no acknowledged write", async () => {
  const dir = project({ "wrangler.toml": CONFIG, "index.js": WORKER });
  dirs.push(dir);
  const dev = await startDev(dir);
  const kinds = ["kv", "r2", "d1", "do"] as const;
  const acknowledged: { kind: (typeof kinds)[number]; i: number }[] = [];
  const killAfter = 20 + Math.floor(random() * 60);
  let next = 0;
  let killed = false;
  // Four writers at once, so the kill lands with writes in flight.
  const writer = async () => {
    while (!killed) {
      const i = next++;
      const kind = kinds[Math.floor(random() * kinds.length)]!;
      try {
        const response = await fetch(`${dev.url}/${kind}?i=${i}`);
        if (response.status === 200 && (await response.text()) === "ok") acknowledged.push({ kind, i });
      } catch {
        // Cut off by the kill: not acknowledged.
      }
      if (!killed && acknowledged.length >= killAfter) {
        killed = true;
        dev.child.kill("SIGKILL");
      }
    }
  };
  await Promise.all([writer(), writer(), writer(), writer()]);
  await new Promise((resolve) => (dev.child.exitCode !== null || dev.child.signalCode !== null ? resolve(null) : dev.child.on("exit", resolve)));

  const storeDir = path.join(dir, ".bunflare");
  expectIntact(storeDir);
  // The next open tidies what the killed writer left; then every body has its row.
  const store = openStore(storeDir);
  try {
    const kv = createKVNamespace(store, "kv1");
    const d1 = new Database(store.d1Path("db1"), { readonly: true });
    const bucketDir = store.r2Dir("bucket");
    const rows = existsSync(bucketDir)
      ? (store.db.query("SELECT key, blob_id FROM r2_objects WHERE bucket = 'bucket'").all() as { key: string; blob_id: string }[])
      : [];
    const doFiles = sqliteFiles(path.join(storeDir, "do"));
    const doKeys = new Set<string>();
    for (const file of doFiles) {
      const db = new Database(file, { readonly: true });
      const tables = db.query("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
      for (const { name } of tables) {
        const columns = (db.query(`PRAGMA table_info("${name}")`).all() as { name: string }[]).map((c) => c.name);
        if (columns.includes("key")) for (const row of db.query(`SELECT key FROM "${name}"`).all() as { key: string }[]) doKeys.add(row.key);
      }
      db.close();
    }
    // A Durable Object's multi-key writes are all or nothing, acknowledged or not.
    for (const key of doKeys) {
      const pair = key.startsWith("k") ? `t${key.slice(1)}` : `k${key.slice(1)}`;
      expect({ key, pair: doKeys.has(pair) }).toEqual({ key, pair: true });
    }
    for (const { kind, i } of acknowledged) {
      if (kind === "kv") expect({ i, value: await kv.get(`k${i}`) }).toEqual({ i, value: `v${i}` });
      if (kind === "r2") expect({ i, stored: rows.some((row) => row.key === `k${i}`) }).toEqual({ i, stored: true });
      if (kind === "d1") expect({ i, row: d1.query("SELECT i FROM w WHERE i = ?").get(i) }).toEqual({ i, row: { i } });
      if (kind === "do") expect({ i, stored: doKeys.has(`k${i}`) }).toEqual({ i, stored: true });
    }
    d1.close();
    if (existsSync(bucketDir)) {
      const files = readdirSync(bucketDir).sort();
      expect(files).toEqual(rows.map((row) => row.blob_id).sort());
    }
  } finally {
    store.close();
  }
}, 60_000);

test("kill -9 of d1 execute --file mid-import leaves all rows or none, and an intact file", async () => {
  const rows = 40_000;
  const lines = ["CREATE TABLE orders (id INTEGER PRIMARY KEY, note TEXT);"];
  for (let i = 1; i <= rows; i++) lines.push(`INSERT INTO orders VALUES (${i}, 'order ${i}');`);
  const dir = project({
    "wrangler.toml": 'name = "x"\ncompatibility_date = "2025-01-01"\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "db"\ndatabase_id = "db1"\n',
    "dump.sql": lines.join("\n"),
  });
  dirs.push(dir);
  // The database exists first, so the import's progress shows in its WAL.
  const init = spawnCli(dir, ["d1", "execute", "DB", "--local", "--command", "SELECT 1"]);
  expect(await init.exited).toBe(0);
  const file = path.join(dir, ".bunflare", "d1", "db1.sqlite");
  const threshold = 4096 + Math.floor(random() * 400_000);
  const run = spawnCli(dir, ["d1", "execute", "DB", "--local", "--file", "dump.sql"]);
  let code: number | null | undefined;
  void run.exited.then((c) => (code = c));
  await until(() => code !== undefined || walSize(file) > threshold);
  run.child.kill("SIGKILL");
  await run.exited;
  expectIntact(path.join(dir, ".bunflare"));
  const db = new Database(file);
  const hasTable = db.query("SELECT 1 FROM sqlite_master WHERE name = 'orders'").get() !== null;
  const count = hasTable ? (db.query("SELECT count(*) AS n FROM orders").get() as { n: number }).n : 0;
  db.close();
  expect([0, rows]).toContain(count);
  if (code === 0) expect(count).toBe(rows);
}, 60_000);

test("kill -9 of kv bulk put mid-import leaves all keys or none", async () => {
  const keys = 20_000;
  const items = Array.from({ length: keys }, (_, i) => ({ key: `key-${i}`, value: `value ${i} ${"x".repeat(64)}` }));
  const dir = project({
    "wrangler.toml": 'name = "x"\ncompatibility_date = "2025-01-01"\n[[kv_namespaces]]\nbinding = "KV"\nid = "kv1"\n',
    "bulk.json": JSON.stringify(items),
  });
  dirs.push(dir);
  const init = spawnCli(dir, ["kv", "key", "put", "--binding", "KV", "--local", "first", "1"]);
  expect(await init.exited).toBe(0);
  const file = path.join(dir, ".bunflare", "data.sqlite");
  const before = walSize(file);
  const threshold = before + 4096 + Math.floor(random() * 1_000_000);
  const run = spawnCli(dir, ["kv", "bulk", "put", "bulk.json", "--binding", "KV", "--local"]);
  let code: number | null | undefined;
  void run.exited.then((c) => (code = c));
  await until(() => code !== undefined || walSize(file) > threshold);
  run.child.kill("SIGKILL");
  await run.exited;
  expectIntact(path.join(dir, ".bunflare"));
  const db = new Database(file);
  const count = (db.query("SELECT count(*) AS n FROM kv_entries WHERE namespace_id = 'kv1' AND key LIKE 'key-%'").get() as { n: number }).n;
  db.close();
  expect([0, keys]).toContain(count);
  if (code === 0) expect(count).toBe(keys);
}, 60_000);
