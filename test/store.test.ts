import { afterEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { openProject } from "../src/project.ts";
import { UserError } from "../src/errors.ts";
import { tmpdir } from "node:os";
import path from "node:path";
import { Database } from "bun:sqlite";
import { ensureSchema, immediateTransaction, openSqlite, openStore, schemaVersion, StoreError } from "../runtime/store/index.ts";

const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "store-test-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test("opening a store creates data.sqlite in WAL mode and the blob directories", () => {
  const dir = path.join(scratch(), ".bunflare");
  const store = openStore(dir);
  expect((store.db.query("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode).toBe("wal");
  expect(statSync(path.join(dir, "data.sqlite")).isFile()).toBe(true);
  for (const sub of ["r2", "d1", "do"]) expect(statSync(path.join(dir, sub)).isDirectory()).toBe(true);
  expect(schemaVersion(store.db, "registries")).toBe(1);
  const tables = store.db.query("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["kv_namespaces", "r2_buckets", "d1_databases", "queues"]));
  store.close();
});

test("a new file's first commit (unsynced) and one after another process's write leave the usual settings and the data", () => {
  const settings = (db: Database) => [
    (db.query("PRAGMA synchronous").get() as { synchronous: number }).synchronous,
    (db.query("PRAGMA wal_autocheckpoint").get() as { wal_autocheckpoint: number }).wal_autocheckpoint,
  ];
  const file = path.join(scratch(), "fresh.sqlite");
  const db = openSqlite(file);
  immediateTransaction(db, () => db.run("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('first')"));
  immediateTransaction(db, () => db.run("INSERT INTO t VALUES ('second')"));
  expect(settings(db)).toEqual([1, 1000]);
  db.close();
  expect(new Database(file).query("SELECT v FROM t").values()).toEqual([["first"], ["second"]]);

  // Another handle writes to the WAL between the open and the first commit: that commit is synced as usual.
  const other = path.join(scratch(), "raced.sqlite");
  const mine = openSqlite(other);
  const theirs = new Database(other);
  theirs.run("CREATE TABLE t (v TEXT); INSERT INTO t VALUES ('theirs')");
  expect(statSync(`${other}-wal`).size).toBeGreaterThan(0);
  immediateTransaction(mine, () => mine.run("INSERT INTO t VALUES ('mine')"));
  expect(settings(mine)).toEqual([1, 1000]);
  theirs.close();
  mine.close();
  expect(new Database(other).query("SELECT v FROM t").values()).toEqual([["theirs"], ["mine"]]);
});

test("a component's migrations run forward from the version a store was left at", () => {
  const dir = scratch();
  const v1 = ["CREATE TABLE thing (id INTEGER PRIMARY KEY)"];
  const v2 = [...v1, "ALTER TABLE thing ADD COLUMN label TEXT"];
  let store = openStore(dir);
  ensureSchema(store.db, "thing", v1);
  store.db.run("INSERT INTO thing (id) VALUES (1)");
  store.close();
  store = openStore(dir);
  ensureSchema(store.db, "thing", v2);
  expect(schemaVersion(store.db, "thing")).toBe(2);
  expect(store.db.query("SELECT id, label FROM thing").all()).toEqual([{ id: 1, label: null }]);
  store.close();
});

test("two processes writing to the store at once lose nothing and never see SQLITE_BUSY", async () => {
  const dir = scratch();
  const writer = `
    import { openStore } from ${JSON.stringify(path.resolve("runtime/store/index.ts"))};
    const store = openStore(process.argv[2]);
    store.db.run("CREATE TABLE IF NOT EXISTS hammer (who TEXT, n INTEGER)");
    for (let n = 0; n < 500; n++) {
      store.db.transaction(() => store.db.run("INSERT INTO hammer VALUES (?, ?)", [process.argv[3], n])).immediate();
    }
    store.close();
  `;
  const script = path.join(dir, "writer.ts");
  await Bun.write(script, writer);
  const procs = ["a", "b", "c"].map((who) =>
    Bun.spawn([process.execPath, script, path.join(dir, ".bunflare"), who], { stderr: "pipe" }),
  );
  const codes = await Promise.all(procs.map((p) => p.exited));
  const errors = await Promise.all(procs.map((p) => new Response(p.stderr).text()));
  expect(errors.join("")).not.toContain("SQLITE_BUSY");
  expect(codes).toEqual([0, 0, 0]);
  const store = openStore(path.join(dir, ".bunflare"));
  expect(store.db.query("SELECT count(*) AS n FROM hammer").get()).toEqual({ n: 1500 });
  store.close();
});

test("several processes opening a fresh store at the same moment all succeed", async () => {
  const dir = scratch();
  const opener = `
    import { openStore, schemaVersion } from ${JSON.stringify(path.resolve("runtime/store/index.ts"))};
    const store = openStore(process.argv[2]);
    store.db.run("CREATE TABLE IF NOT EXISTS seen (who TEXT)");
    store.db.run("INSERT INTO seen VALUES (?)", [process.argv[3]]);
    console.log(schemaVersion(store.db, "registries"));
    store.close();
  `;
  const script = path.join(dir, "opener.ts");
  await Bun.write(script, opener);
  const storeDir = path.join(dir, "fresh", ".bunflare");
  const procs = Array.from({ length: 6 }, (_, i) =>
    Bun.spawn([process.execPath, script, storeDir, String(i)], { stdout: "pipe", stderr: "pipe" }),
  );
  const codes = await Promise.all(procs.map((p) => p.exited));
  const errors = await Promise.all(procs.map((p) => new Response(p.stderr).text()));
  const outputs = await Promise.all(procs.map((p) => new Response(p.stdout).text()));
  expect(errors.join("")).toBe("");
  expect(codes).toEqual([0, 0, 0, 0, 0, 0]);
  expect(outputs.map((o) => o.trim())).toEqual(["1", "1", "1", "1", "1", "1"]);
  const store = openStore(storeDir);
  expect(store.db.query("SELECT count(*) AS n FROM seen").get()).toEqual({ n: 6 });
  store.close();
});

test("a store path that cannot be a directory is one clear error, not a crash", () => {
  const dir = scratch();
  const file = path.join(dir, "somefile");
  writeFileSync(file, "not a directory");
  expect(() => openStore(path.join(file, "x"))).toThrow(StoreError);
  try {
    openStore(path.join(file, "x"));
  } catch (error) {
    expect((error as Error).message).toBe(
      `Cannot use the local store at "${path.join(file, "x")}": it is not a writable directory (ENOTDIR).`,
    );
  }
  expect(readFileSync(file, "utf8")).toBe("not a directory");
});

test("a store from an older bunflare keeps its data when a newer one opens it", () => {
  const dir = scratch();
  let store = openStore(dir);
  store.db.run("INSERT INTO kv_namespaces (id, title, created_at) VALUES ('abc', 'MY_KV', 1)");
  // An older bunflare knew no "thing" component; the newer one adds it on open.
  store.close();
  store = openStore(dir);
  ensureSchema(store.db, "thing", ["CREATE TABLE thing (id INTEGER)"]);
  expect(store.db.query("SELECT id, title FROM kv_namespaces").all()).toEqual([{ id: "abc", title: "MY_KV" }]);
  expect(schemaVersion(store.db, "thing")).toBe(1);
  store.close();
});

test("--persist-to under a regular file gives the CLI one clear UserError", () => {
  const dir = scratch();
  writeFileSync(path.join(dir, "wrangler.toml"), 'name = "x"\n');
  writeFileSync(path.join(dir, "somefile"), "keep me");
  const project = openProject({ _: [], config: path.join(dir, "wrangler.toml"), "persist-to": path.join(dir, "somefile", "x") });
  expect(() => project.store()).toThrow(UserError);
  expect(() => project.store()).toThrow(/^Cannot use the local store at ".*somefile\/x": it is not a writable directory \(ENOTDIR\)\.$/);
  expect(readFileSync(path.join(dir, "somefile"), "utf8")).toBe("keep me");
});

test("the store sits beside the config file, wherever the command runs from", () => {
  const dir = scratch();
  mkdirSync(path.join(dir, "sub"));
  writeFileSync(path.join(dir, "wrangler.toml"), 'name = "x"\n');
  const project = openProject({ _: [], config: path.join(dir, "wrangler.toml") });
  expect(project.storeDir).toBe(path.join(dir, ".bunflare"));
  project.store().close();
});
