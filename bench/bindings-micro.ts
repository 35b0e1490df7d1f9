// Per-call cost of the binding calls the HTTP scenarios make (KV read, D1
// indexed query, Durable Object counter), in one process and without HTTP,
// beside the raw bun:sqlite statement doing the same work: the part of a
// request that is the binding's own. CPU microseconds per call, median of rounds.
// `bun bench/bindings-micro.ts [kv|d1|do ...] [--calls N] [--rounds N]`
import { Database } from "bun:sqlite";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore } from "../runtime/store/index.ts";
import { createKVNamespace } from "../runtime/bindings/kv/index.ts";
import { createD1Database } from "../runtime/bindings/d1/index.ts";
import { createDurableObjectNamespace } from "../runtime/bindings/durable-objects/index.ts";
import { DurableObject } from "../runtime/modules/workers.ts";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(name);
  return at === -1 ? fallback : Number(args[at + 1]);
};
const CALLS = option("--calls", 20_000);
const ROUNDS = option("--rounds", 7);
const picked = args.filter((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
const which = picked.length ? picked : ["kv", "d1", "do"];

const dir = mkdtempSync(path.join(tmpdir(), "bindings-micro-"));

function rawDb(name: string): Database {
  const db = new Database(path.join(dir, name), { create: true });
  db.run("PRAGMA journal_mode = WAL");
  db.run("PRAGMA synchronous = NORMAL");
  return db;
}

/** CPU µs per call of `call`, awaited one after another as a request would. */
async function measure(call: () => unknown, calls = CALLS): Promise<number> {
  const samples: number[] = [];
  for (let round = 0; round <= ROUNDS; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < calls; i++) await call();
    const used = process.cpuUsage(start);
    if (round > 0) samples.push((used.user + used.system) / calls); // round 0 warms up
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

function report(name: string, binding: number, raw: number): void {
  console.log(`${name.padEnd(10)} binding ${binding.toFixed(2).padStart(6)} µs   raw ${raw.toFixed(2).padStart(5)} µs   extra ${(binding - raw).toFixed(2)} µs`);
}

const store = openStore(path.join(dir, ".bunflare"));
try {
  if (which.includes("kv")) {
    const kv = createKVNamespace(store, "micro");
    await kv.put("greeting", "Hello from KV!");
    const db = rawDb("kv.sqlite");
    db.run("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB NOT NULL)");
    db.run("INSERT OR REPLACE INTO kv (key, value) VALUES ('greeting', 'Hello from KV!')");
    const get = db.query<{ value: string }, [string]>("SELECT value FROM kv WHERE key = ?");
    report("KV get", await measure(() => kv.get("greeting")), await measure(() => get.get("greeting")?.value));
  }
  if (which.includes("d1")) {
    const d1 = createD1Database(store, "micro");
    await d1.exec("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT NOT NULL);");
    await d1.exec("CREATE UNIQUE INDEX IF NOT EXISTS users_email ON users (email);");
    const insert = d1.prepare("INSERT OR REPLACE INTO users (id, email, name) VALUES (?1, ?2, ?3)");
    await d1.batch(Array.from({ length: 1000 }, (_, i) => insert.bind(i + 1, `user${i + 1}@example.com`, `User ${i + 1}`)));
    const db = rawDb("d1.sqlite");
    db.run("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT NOT NULL)");
    db.run("CREATE UNIQUE INDEX IF NOT EXISTS users_email ON users (email)");
    const rawInsert = db.query("INSERT OR REPLACE INTO users (id, email, name) VALUES (?1, ?2, ?3)");
    db.transaction(() => {
      for (let i = 1; i <= 1000; i++) rawInsert.run(i, `user${i}@example.com`, `User ${i}`);
    })();
    const find = db.query("SELECT id, name FROM users WHERE email = ?1");
    let n = 0;
    const email = () => `user${1 + (n++ % 1000)}@example.com`;
    report(
      "D1 first",
      await measure(() => d1.prepare("SELECT id, name FROM users WHERE email = ?1").bind(email()).first()),
      await measure(() => find.get(email())),
    );
  }
  if (which.includes("do")) {
    class Counter extends DurableObject {
      async increment() {
        const storage = (this.ctx as { storage: { get(k: string): Promise<number | undefined>; put(k: string, v: number): Promise<void> } }).storage;
        const next = ((await storage.get("count")) ?? 0) + 1;
        await storage.put("count", next);
        return next;
      }
    }
    const ns = createDurableObjectNamespace({ store, className: "Counter", getClass: () => Counter, getEnv: () => ({}), sqlite: true });
    const db = rawDb("do.sqlite");
    db.run("CREATE TABLE IF NOT EXISTS storage (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
    const get = db.query<{ value: number }, [string]>("SELECT value FROM storage WHERE key = ?");
    const put = db.query("INSERT OR REPLACE INTO storage (key, value) VALUES (?, ?)");
    report(
      "DO counter",
      await measure(() => (ns.get(ns.idFromName("bench")) as unknown as { increment(): Promise<number> }).increment()),
      await measure(() => {
        const next = (get.get("count")?.value ?? 0) + 1;
        put.run("count", next);
        return next;
      }),
    );
    // 16 callers at once, as the HTTP scenario's 16 connections: all but the first wait at the input gate.
    const stub = () => ns.get(ns.idFromName("bench")) as unknown as { increment(): Promise<number> };
    const burst = () => Promise.all(Array.from({ length: 16 }, () => stub().increment()));
    const rawBurst = () => {
      for (let i = 0; i < 16; i++) put.run("count", (get.get("count")?.value ?? 0) + 1);
    };
    const perCall = async (f: () => unknown) => (await measure(f, Math.ceil(CALLS / 16))) / 16;
    report("DO ×16", await perCall(burst), await perCall(rawBurst));
    ns.dispose();
  }
} finally {
  store.close();
  rmSync(dir, { recursive: true, force: true });
}
