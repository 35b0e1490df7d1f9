// A binding call that needs a write lock another process holds waits without
// blocking the event loop, and completes once the lock is released, however long
// that takes. The other process is a real one holding a real SQLite lock.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore } from "../runtime/store/index.ts";
import { createD1Database } from "../runtime/bindings/d1/index.ts";
import { createKVNamespace } from "../runtime/bindings/kv/index.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A process that takes the write lock on `file`, says "locked", and commits when told to on stdin. */
function holdLock(file: string) {
  const script = `
    const { Database } = require("bun:sqlite");
    const db = new Database(${JSON.stringify(file)});
    db.run("PRAGMA busy_timeout = 30000");
    db.run("BEGIN IMMEDIATE");
    process.stdout.write("locked\\n");
    for await (const _ of Bun.stdin.stream()) break;
    db.run("COMMIT");
    process.stdout.write("released\\n");
  `;
  const child = Bun.spawn([process.execPath, "-e", script], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  const reader = child.stdout.getReader();
  const nextLine = async () => new TextDecoder().decode((await reader.read()).value).trim();
  return { child, nextLine, release: () => child.stdin.end() };
}

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
