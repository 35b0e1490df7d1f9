// A binding call that needs a write lock another process holds waits without
// blocking the event loop, and completes once the lock is released, however long
// that takes. The other process is a real one holding a real SQLite lock.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore } from "../runtime/store/index.ts";
import { holdLock } from "./lock-holder.ts";
import { createD1Database } from "../runtime/bindings/d1/index.ts";
import { createKVNamespace } from "../runtime/bindings/kv/index.ts";
import { createQueueProducer } from "../runtime/bindings/queues/index.ts";
import { countMessages } from "../runtime/bindings/queues/storage.ts";
import { createWorkflowBinding } from "../runtime/bindings/workflows/index.ts";
import { createDurableObjectNamespace, type DurableObjectState } from "../runtime/bindings/durable-objects/index.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function checkWaitsWithoutBlocking(file: string, write: () => Promise<unknown>, read: () => Promise<unknown>) {
  const holder = holdLock(file);
  try {
    expect(await holder.nextLine()).toBe("locked");
    let done = false;
    const writing = write().then(() => (done = true));
    // The event loop keeps turning while the write waits: timers fire, other I/O runs.
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 1));
    expect(done).toBe(false);
    holder.release();
    await writing;
    expect(done).toBe(true);
    expect(await read()).toBeTruthy();
  } finally {
    holder.child.kill();
  }
}

test("a D1 write waiting for another process's lock lets the event loop run, then completes", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "store-lock-"));
  dirs.push(dir);
  const store = openStore(path.join(dir, ".bunflare"));
  const db = createD1Database(store, "locked-db");
  await db.exec("CREATE TABLE t (x INTEGER)");
  await checkWaitsWithoutBlocking(
    store.d1Path("locked-db"),
    () => db.prepare("INSERT INTO t VALUES (?)").bind(7).run(),
    async () => (await db.prepare("SELECT x FROM t").first("x")) === 7,
  );
  store.close();
});

test("a KV put waiting for another process's lock on data.sqlite lets the event loop run, then completes", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "store-lock-"));
  dirs.push(dir);
  const store = openStore(path.join(dir, ".bunflare"));
  const kv = createKVNamespace(store, "ns");
  await kv.put("warm", "up");
  await checkWaitsWithoutBlocking(
    path.join(store.dir, "data.sqlite"),
    () => kv.put("k", "v"),
    async () => (await kv.get("k")) === "v",
  );
  store.close();
});

test("a KV get and a D1 SELECT answer at once while another process holds the write lock (WAL readers never wait)", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "store-lock-"));
  dirs.push(dir);
  const store = openStore(path.join(dir, ".bunflare"));
  const kv = createKVNamespace(store, "ns");
  await kv.put("k", "v");
  const db = createD1Database(store, "read-db");
  await db.exec("CREATE TABLE t (x INTEGER)");
  await db.prepare("INSERT INTO t VALUES (?)").bind(7).run();
  const holders = [holdLock(path.join(store.dir, "data.sqlite")), holdLock(store.d1Path("read-db"))];
  try {
    for (const holder of holders) expect(await holder.nextLine()).toBe("locked");
    // Settled before any timer could fire: nothing waited for the locks.
    let timerFired = false;
    const timer = setTimeout(() => (timerFired = true), 0);
    const [value, x] = await Promise.all([kv.get("k"), db.prepare("SELECT x FROM t WHERE x = ?").bind(7).first("x")]);
    expect(timerFired).toBe(false);
    clearTimeout(timer);
    expect(value).toBe("v");
    expect(x).toBe(7);
  } finally {
    for (const holder of holders) holder.child.kill();
    store.close();
  }
});

test("a queue send waiting for another process's lock on data.sqlite lets the event loop run, then completes", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "store-lock-"));
  dirs.push(dir);
  const store = openStore(path.join(dir, ".bunflare"));
  const queue = createQueueProducer({ store, queue: "jobs" });
  await queue.send("warm");
  await checkWaitsWithoutBlocking(
    path.join(store.dir, "data.sqlite"),
    () => queue.sendBatch([{ body: 1 }, { body: 2 }]),
    async () => countMessages(store, "jobs") === 3,
  );
  store.close();
});

test("a workflow create waiting for another process's lock on data.sqlite lets the event loop run, then completes", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "store-lock-"));
  dirs.push(dir);
  const store = openStore(path.join(dir, ".bunflare"));
  const workflow = createWorkflowBinding(() => store, "flow");
  await workflow.create({ id: "warm" });
  await checkWaitsWithoutBlocking(
    path.join(store.dir, "data.sqlite"),
    () => workflow.create({ id: "second" }),
    async () => (await workflow.get("second")).id === "second",
  );
  store.close();
});

// Stands in for `DurableObject` from cloudflare:workers (RPC needs the name).
class DurableObject {
  constructor(readonly ctx: DurableObjectState) {}
}

/** An object whose methods write through ctx.storage's asynchronous API. */
class Writer extends DurableObject {
  /** A put, then a get before the put has settled: the get must see it. */
  async putThenGet(value: string) {
    const put = this.ctx.storage.put("k", value);
    const read = this.ctx.storage.get("k");
    await put;
    return read;
  }
  async inTransaction(value: string) {
    return this.ctx.storage.transaction(async (txn) => {
      await txn.put("t", value);
      return txn.get("t");
    });
  }
  async alarmAt(time: number) {
    await this.ctx.storage.setAlarm(time);
    return this.ctx.storage.getAlarm();
  }
  async read(key: string) {
    return this.ctx.storage.get(key);
  }
  /** A synchronous SQL write right after the asynchronous API's read. */
  async getThenExec(value: string) {
    await this.ctx.storage.get("k");
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS t (v TEXT)");
    this.ctx.storage.sql.exec("INSERT INTO t (v) VALUES (?)", value);
    return value;
  }
  alarm() {}
}

function writerNamespace(store: ReturnType<typeof openStore>) {
  return createDurableObjectNamespace({ store, className: "Writer", getClass: () => Writer as never, getEnv: () => ({}), sqlite: true });
}

test("Durable Object storage writes waiting for another process's lock on the object's file let the event loop run, keep their order, then complete", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "store-lock-"));
  dirs.push(dir);
  const store = openStore(path.join(dir, ".bunflare"));
  const ns = writerNamespace(store);
  const stub = ns.get(ns.idFromName("one")) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  expect(await stub.putThenGet!("warm")).toBe("warm");
  const file = path.join(store.doDir("Writer"), `${ns.idFromName("one")}.sqlite`);
  await checkWaitsWithoutBlocking(file, () => stub.putThenGet!("second").then((v) => expect(v).toBe("second")), async () => (await stub.read!("k")) === "second");
  await checkWaitsWithoutBlocking(file, () => stub.inTransaction!("third"), async () => (await stub.read!("t")) === "third");
  ns.dispose();
  store.close();
});

test("a synchronous Durable Object SQL write after the asynchronous API's calls waits for another process's lock (busy timeout), not SQLITE_BUSY", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "store-lock-"));
  dirs.push(dir);
  const store = openStore(path.join(dir, ".bunflare"));
  const ns = writerNamespace(store);
  const stub = ns.get(ns.idFromName("sync")) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  await stub.putThenGet!("warm");
  expect(await stub.getThenExec!("warm")).toBe("warm");
  const file = path.join(store.doDir("Writer"), `${ns.idFromName("sync")}.sqlite`);
  const holder = holdLock(file);
  try {
    expect(await holder.nextLine()).toBe("locked");
    // The holder commits once its stdin closes, while this process waits inside SQLite.
    holder.release();
    expect(await stub.getThenExec!("second")).toBe("second");
  } finally {
    holder.child.kill();
  }
  ns.dispose();
  store.close();
});

test("a Durable Object alarm set while another process holds data.sqlite's lock lets the event loop run; getAlarm sees it at once", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "store-lock-"));
  dirs.push(dir);
  const store = openStore(path.join(dir, ".bunflare"));
  const ns = writerNamespace(store);
  const stub = ns.get(ns.idFromName("alarmed")) as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const far = Date.now() + 3_600_000;
  expect(await stub.alarmAt!(far)).toBe(far);
  await checkWaitsWithoutBlocking(
    path.join(store.dir, "data.sqlite"),
    () => stub.alarmAt!(far + 1).then((seen) => expect(seen).toBe(far + 1)),
    async () => {
      const row = store.db.query("SELECT scheduled_time FROM do_alarms WHERE class_name = 'Writer'").get() as { scheduled_time: number };
      return row.scheduled_time === far + 1;
    },
  );
  ns.dispose();
  store.close();
});
