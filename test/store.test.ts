import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureSchema, openStore, schemaVersion } from "../runtime/store/index.ts";

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
  for (const sub of ["data.sqlite", "r2", "d1", "do"]) expect(Bun.file(path.join(dir, sub)).name).toBeTruthy();
  expect(schemaVersion(store.db, "registries")).toBe(1);
  const tables = store.db.query("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
  expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["kv_namespaces", "r2_buckets", "d1_databases", "queues"]));
  store.close();
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
