// The D1 binding on a real store in a temp dir: what a worker's env.DB returns.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Database } from "bun:sqlite";
import { openStore, type Store } from "../runtime/store/index.ts";
import { createD1Database, d1DatabaseIdFor, type D1Database } from "../runtime/bindings/d1/index.ts";
import { splitStatements, stripTransaction } from "../runtime/bindings/d1/split.ts";
import { exportSql } from "../runtime/bindings/d1/export.ts";
import { applyMigration, appliedMigrations, ensureMigrationsTable } from "../runtime/bindings/d1/migrations.ts";
import { createDatabaseRecord, deleteDatabase, findDatabaseRecord, listDatabaseRecords } from "../runtime/bindings/d1/registry.ts";
import { D1_LIMITS } from "../runtime/bindings/d1/limits.ts";

let dir: string;
let store: Store;
let db: D1Database;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "d1-test-"));
  store = openStore(path.join(dir, ".bunflare"));
  db = createD1Database(store, "test-db");
  await db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n REAL, b BLOB)");
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown> | (() => unknown)): Promise<Error> {
  try {
    await (typeof promise === "function" ? promise() : promise);
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("binding values", () => {
  test("bind converts null, numbers, strings, booleans and bytes, and reads blobs back as byte arrays", async () => {
    const insert = db.prepare("INSERT INTO t (name, n, b) VALUES (?, ?, ?)");
    await insert.bind("a", 1.5, new Uint8Array([1, 2, 3])).run();
    await insert.bind(null, true, new Uint8Array([4]).buffer).run();
    await insert.bind("c", false, new DataView(new Uint8Array([9, 8]).buffer)).run();
    const { results } = await db.prepare("SELECT * FROM t ORDER BY id").all();
    expect(results).toEqual([
      { id: 1, name: "a", n: 1.5, b: [1, 2, 3] },
      { id: 2, name: null, n: 1, b: [4] },
      { id: 3, name: "c", n: 0, b: [9, 8] },
    ]);
  });

  test("?NNN parameters bind by position", async () => {
    const row = await db.prepare("SELECT ?2 AS second, ?1 AS first").bind("x", "y").first();
    expect(row).toEqual({ second: "y", first: "x" });
  });

  test("undefined, bigint and objects are rejected with the runtime's D1_TYPE_ERROR", async () => {
    const select = db.prepare("SELECT ? AS v");
    expect(() => select.bind(undefined)).toThrow("D1_TYPE_ERROR: Type 'undefined' not supported for value 'undefined'");
    expect(() => select.bind(5n)).toThrow("D1_TYPE_ERROR: Type 'bigint' not supported for value '5'");
    const error = await rejection(() => select.bind({ a: 1 }));
    expect(error.message).toBe("D1_TYPE_ERROR: Type 'object' not supported for value '[object Object]'");
    expect((error.cause as Error).message).toBe("Type 'object' not supported for value '[object Object]'");
  });

  test("the wrong number of parameters is a D1_ERROR", async () => {
    const error = await rejection(db.prepare("SELECT ?, ?").bind(1).all());
    expect(error.message).toBe("D1_ERROR: Wrong number of parameter bindings for SQL query.");
  });

  test("large integers come back as (lossy) numbers, as in the runtime", async () => {
    expect(await db.prepare("SELECT 9223372036854775807 AS v").first("v")).toBe(9223372036854775807);
  });

  test("statements longer than the limit are refused", async () => {
    const long = `SELECT '${"x".repeat(D1_LIMITS.maxStatementBytes)}'`;
    expect((await rejection(db.prepare(long).all())).message).toBe("D1_ERROR: statement too long: SQLITE_TOOBIG");
  });

  test("more bound variables than the runtime allows are refused", async () => {
    const many = `SELECT ${Array.from({ length: D1_LIMITS.maxBoundParameters + 1 }, () => "?").join(", ")}`;
    const values = Array.from({ length: D1_LIMITS.maxBoundParameters + 1 }, (_, i) => i);
    expect((await rejection(db.prepare(many).bind(...values).all())).message).toBe("D1_ERROR: too many SQL variables: SQLITE_ERROR");
  });
});

describe("statement methods", () => {
  beforeEach(async () => {
    await db.prepare("INSERT INTO t (name) VALUES ('a'), ('b')").run();
  });

  test("first() returns the first row, one column of it, or null", async () => {
    expect(await db.prepare("SELECT id, name FROM t ORDER BY id").first()).toEqual({ id: 1, name: "a" });
    expect(await db.prepare("SELECT id, name FROM t ORDER BY id").first("name")).toBe("a");
    expect(await db.prepare("SELECT * FROM t WHERE id = 99").first()).toBeNull();
    expect(await db.prepare("SELECT * FROM t WHERE id = 99").first("zzz")).toBeNull();
  });

  test("first(column) for a column the row lacks is D1_COLUMN_NOTFOUND", async () => {
    const error = await rejection(db.prepare("SELECT id FROM t").first("zzz"));
    expect(error.message).toBe("D1_COLUMN_NOTFOUND: Column not found (zzz)");
    expect((error.cause as Error).message).toBe("Column not found");
  });

  test("raw() returns arrays, with the column names first when asked", async () => {
    expect(await db.prepare("SELECT id, name FROM t ORDER BY id").raw()).toEqual([[1, "a"], [2, "b"]]);
    expect(await db.prepare("SELECT id, name FROM t ORDER BY id").raw({ columnNames: true })).toEqual([["id", "name"], [1, "a"], [2, "b"]]);
    expect(await db.prepare("SELECT id, name FROM t WHERE 0").raw({ columnNames: true })).toEqual([["id", "name"]]);
  });

  test("run() and all() report the runtime's meta fields", async () => {
    const insert = await db.prepare("INSERT INTO t (name) VALUES ('c')").run();
    expect(insert.success).toBe(true);
    expect(insert.results).toEqual([]);
    expect(Object.keys(insert.meta)).toEqual([
      "served_by", "duration", "changes", "last_row_id", "changed_db", "size_after", "rows_read", "rows_written",
    ]);
    expect(insert.meta).toMatchObject({ served_by: "miniflare.db", changes: 1, last_row_id: 3, changed_db: true, rows_written: 1 });
    expect(insert.meta.size_after).toBeGreaterThan(0);
    const select = await db.prepare("SELECT * FROM t").all();
    expect(select.meta).toMatchObject({ changes: 0, changed_db: false, rows_read: 3, rows_written: 0, last_row_id: 3 });
    const update = await db.prepare("UPDATE t SET name = 'z' WHERE id > 1").run();
    expect(update.meta).toMatchObject({ changes: 2, rows_read: 2, rows_written: 2, changed_db: true });
  });

  test("size_after is the file's size as SQLite counts it, after our writes and another connection's", async () => {
    const sizeNow = (file: Database) =>
      (file.query("SELECT (SELECT page_count FROM pragma_page_count()) * (SELECT page_size FROM pragma_page_size()) AS s").get() as { s: number }).s;
    const other = new Database(store.d1Path("test-db"));
    try {
      const read = () => db.prepare("SELECT count(*) AS n FROM t WHERE id > ?").bind(0).all();
      const first = await read();
      expect(first.meta.size_after).toBe(sizeNow(other));
      // Our own write grows the file: the next read reports the new size.
      const grown = await db.prepare("INSERT INTO t (name) VALUES (?)").bind("x".repeat(20_000)).run();
      expect(grown.meta.size_after).toBeGreaterThan(first.meta.size_after);
      expect((await read()).meta.size_after).toBe(grown.meta.size_after);
      // Another connection's write (a CLI command) grows it too; a read of ours sees that.
      other.run("INSERT INTO t (name) VALUES (?)", ["y".repeat(40_000)]);
      const after = await read();
      expect(after.meta.size_after).toBe(sizeNow(other));
      expect(after.meta.size_after).toBeGreaterThan(grown.meta.size_after);
      expect(after.meta).toMatchObject({ changes: 0, changed_db: false, rows_written: 0 });
      // A statement that writes no row but changes the schema still reports a changed database.
      const created = await db.prepare("CREATE TABLE grown (a)").run();
      expect(created.meta.changed_db).toBe(true);
      expect(created.meta.size_after).toBe(sizeNow(other));
    } finally {
      other.close();
    }
  });

  test("a query run before sees a column added since (SELECT * after ALTER TABLE)", async () => {
    await db.prepare("INSERT INTO t (id, name) VALUES (100, 'a')").run();
    const select = () => db.prepare("SELECT * FROM t WHERE id = ?").bind(100);
    expect(await select().first()).toEqual({ id: 100, name: "a", n: null, b: null });
    await db.exec("ALTER TABLE t ADD COLUMN extra TEXT DEFAULT 'x'");
    expect(await select().first()).toEqual({ id: 100, name: "a", n: null, b: null, extra: "x" });
    expect((await select().raw({ columnNames: true }))[0]).toEqual(["id", "name", "n", "b", "extra"]);
  });

  test("column names: a caller's copy from raw() is its own, and a renamed column shows by the next run", async () => {
    const select = () => db.prepare("SELECT * FROM t WHERE id = ?").bind(1);
    const names = (await select().raw({ columnNames: true }))[0] as string[];
    names[0] = "changed";
    expect((await select().raw({ columnNames: true }))[0]).toEqual(["id", "name", "n", "b"]);
    expect(await select().first()).toEqual({ id: 1, name: "a", n: null, b: null });
    await db.exec("ALTER TABLE t RENAME COLUMN name TO label");
    await select().first();
    expect(await select().first()).toEqual({ id: 1, label: "a", n: null, b: null });
    expect((await select().all()).results).toEqual([{ id: 1, label: "a", n: null, b: null }]);
  });

  test("duplicate column names keep the last value, as the runtime does", async () => {
    expect((await db.prepare("SELECT 1 AS a, 2 AS a").all()).results).toEqual([{ a: 2 }]);
  });

  test("a prepared text with several statements runs them all and returns the last one's rows", async () => {
    const result = await db.prepare("INSERT INTO t (name) VALUES ('m'); SELECT count(*) AS n FROM t").all();
    expect(result.results).toEqual([{ n: 3 }]);
  });

  test("SQLite errors carry the D1_ERROR prefix and SQLite's code", async () => {
    expect((await rejection(db.prepare("SELECT * FROM nope").all())).message).toBe("D1_ERROR: no such table: nope: SQLITE_ERROR");
    expect((await rejection(db.prepare("SELEC 1").all())).message).toBe('D1_ERROR: near "SELEC": syntax error at offset 0: SQLITE_ERROR');
    const unique = await rejection(db.prepare("INSERT INTO t (id) VALUES (1)").run());
    expect(unique.message).toBe("D1_ERROR: UNIQUE constraint failed: t.id: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_PRIMARYKEY)");
    expect((unique.cause as Error).message).toBe("UNIQUE constraint failed: t.id: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_PRIMARYKEY)");
    expect((await rejection(db.prepare("").all())).message).toBe("D1_ERROR: No SQL statements detected.");
  });
});

describe("batch, exec, sessions, dump", () => {
  test("batch returns one result per statement", async () => {
    const results = await db.batch([db.prepare("INSERT INTO t (name) VALUES (?)").bind("x"), db.prepare("SELECT count(*) AS c FROM t")]);
    expect(results.map((r) => r.results)).toEqual([[], [{ c: 1 }]]);
  });

  test("a failing batch rolls every statement back", async () => {
    const error = await rejection(db.batch([db.prepare("INSERT INTO t (name) VALUES ('y')"), db.prepare("SELECT * FROM nope")]));
    expect(error.message).toBe("D1_ERROR: no such table: nope: SQLITE_ERROR");
    expect(await db.prepare("SELECT count(*) AS c FROM t").first("c")).toBe(0);
  });

  test("exec runs one query per line and counts them", async () => {
    const result = await db.exec("INSERT INTO t (name) VALUES ('semi;colon')\n\nCREATE TRIGGER tr AFTER INSERT ON t BEGIN UPDATE t SET n = 7 WHERE id = NEW.id; END;\nINSERT INTO t (name) VALUES ('x')");
    expect(result.count).toBe(3);
    expect(typeof result.duration).toBe("number");
    expect((await db.prepare("SELECT name, n FROM t ORDER BY id").raw())).toEqual([["semi;colon", null], ["x", 7]]);
  });

  test("a failing exec is a D1_EXEC_ERROR and changes nothing", async () => {
    const error = await rejection(db.exec("INSERT INTO t (name) VALUES ('a')\nSELECT * FROM nope"));
    expect(error.message).toBe("D1_EXEC_ERROR: Error in line 1: INSERT INTO t (name) VALUES ('a'): no such table: nope: SQLITE_ERROR");
    expect(await db.prepare("SELECT count(*) AS c FROM t").first("c")).toBe(0);
    expect((await rejection(db.exec(""))).message).toBe("D1_EXEC_ERROR: Error in line 1: : No SQL statements detected.");
  });

  test("withSession() queries the same data and hands out bookmarks", async () => {
    const session = db.withSession("first-primary");
    expect(session.getBookmark()).toBeNull();
    expect(await session.prepare("SELECT 1 AS one").first()).toEqual({ one: 1 });
    expect(session.getBookmark()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{32}$/);
    expect(db.withSession("some-bookmark").getBookmark()).toBe("some-bookmark");
    await session.batch([session.prepare("INSERT INTO t (name) VALUES ('s')")]);
    expect(await db.prepare("SELECT name FROM t").first("name")).toBe("s");
  });

  test("dump() returns the database file's bytes", async () => {
    await db.prepare("INSERT INTO t (name) VALUES ('dumped')").run();
    const bytes = await db.dump();
    expect(bytes).toBeInstanceOf(ArrayBuffer);
    const copy = Database.deserialize(new Uint8Array(bytes));
    expect(copy.query("SELECT name FROM t").get()).toEqual({ name: "dumped" });
    copy.close();
  });

  test("a write from one binding object is seen by another on the same store", async () => {
    await db.prepare("INSERT INTO t (name) VALUES ('shared')").run();
    const other = openStore(path.join(dir, ".bunflare"));
    const raw = new Database(other.d1Path("test-db"));
    expect(raw.query("SELECT name FROM t").get()).toEqual({ name: "shared" });
    raw.close();
    other.close();
  });
});

describe("statement splitting", () => {
  test("semicolons in strings, comments and trigger bodies do not end statements", () => {
    const sql = [
      "CREATE TABLE a (x TEXT); -- trailing; comment",
      "INSERT INTO a VALUES ('x;y'), (\"q;\");",
      "/* block; */ CREATE TRIGGER tr AFTER INSERT ON a BEGIN INSERT INTO a VALUES ('1;'); UPDATE a SET x = 2; END;",
      "INSERT INTO [we;ird] VALUES (1)",
    ].join("\n");
    expect(splitStatements(sql)).toEqual([
      "CREATE TABLE a (x TEXT)",
      "-- trailing; comment\nINSERT INTO a VALUES ('x;y'), (\"q;\")",
      "/* block; */ CREATE TRIGGER tr AFTER INSERT ON a BEGIN INSERT INTO a VALUES ('1;'); UPDATE a SET x = 2; END",
      "INSERT INTO [we;ird] VALUES (1)",
    ]);
    expect(splitStatements("  -- only a comment\n ; ;")).toEqual([]);
  });

  test("one BEGIN TRANSACTION/COMMIT pair is dropped, more are refused", () => {
    expect(stripTransaction("BEGIN TRANSACTION;\nSELECT 1;\nCOMMIT;")).toBe("\nSELECT 1;\n");
    expect(() => stripTransaction("BEGIN TRANSACTION;COMMIT;BEGIN TRANSACTION;COMMIT;")).toThrow("contains several transactions");
  });
});

describe("export", () => {
  test("the export is in wrangler's dump shape and loads back to the same data", async () => {
    await db.exec(
      [
        "INSERT INTO t (name, n, b) VALUES ('it''s', 1.5, x'00ff')",
        "CREATE TABLE seq (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)",
        "INSERT INTO seq (v) VALUES ('x')",
        "CREATE INDEX t_name ON t (name)",
        "CREATE VIEW v AS SELECT name FROM t",
      ].join("\n"),
    );
    await db.prepare("INSERT INTO t (name, n) VALUES (?, ?)").bind("two\nlines", 1e300).run();
    const engineDb = new Database(store.d1Path("test-db"));
    const sql = exportSql(engineDb);
    engineDb.close();
    expect(sql.split("\n")).toEqual([
      "PRAGMA defer_foreign_keys=TRUE;",
      "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n REAL, b BLOB);",
      `INSERT INTO "t" VALUES(1,'it''s',1.5,X'00ff');`,
      `INSERT INTO "t" VALUES(2,replace('two\\nlines','\\n',char(10)),1e+300,NULL);`,
      "CREATE TABLE seq (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT);",
      `INSERT INTO "seq" VALUES(1,'x');`,
      "DELETE FROM sqlite_sequence;",
      `INSERT INTO "sqlite_sequence" VALUES('seq',1);`,
      "CREATE INDEX t_name ON t (name);",
      "CREATE VIEW v AS SELECT name FROM t;",
    ]);
    const copy = createD1Database(store, "copy");
    await copy.batch(splitStatements(sql).map((s) => copy.prepare(s)));
    expect((await copy.prepare("SELECT * FROM t ORDER BY id").all()).results).toEqual(
      (await db.prepare("SELECT * FROM t ORDER BY id").all()).results,
    );
  });

  test("--no-data, --no-schema and --table narrow the export", async () => {
    await db.exec("INSERT INTO t (name) VALUES ('a')\nCREATE TABLE other (x)\nINSERT INTO other VALUES (1)");
    const file = new Database(store.d1Path("test-db"));
    expect(exportSql(file, { noData: true })).not.toContain("INSERT");
    expect(exportSql(file, { noSchema: true })).not.toContain("CREATE");
    expect(exportSql(file, { tables: ["other"], noSchema: true }).split("\n")).toEqual(["PRAGMA defer_foreign_keys=TRUE;", `INSERT INTO "other" VALUES(1);`]);
    file.close();
  });
});

describe("migrations and registry", () => {
  test("migrations are recorded in wrangler's table layout and a failing one leaves nothing behind", async () => {
    const migrations = path.join(dir, "migrations");
    await Bun.write(path.join(migrations, "0001_a.sql"), "CREATE TABLE m (x);\nINSERT INTO m VALUES (1);\n");
    await Bun.write(path.join(migrations, "0002_b.sql"), "INSERT INTO m VALUES (2);\nCREATE TABLE broken (;\n");
    await ensureMigrationsTable(db, "d1_migrations");
    await applyMigration(db, migrations, "0001_a.sql", "d1_migrations");
    expect((await rejection(applyMigration(db, migrations, "0002_b.sql", "d1_migrations"))).message).toBe("D1_ERROR: incomplete input: SQLITE_ERROR");
    expect(await appliedMigrations(db, "d1_migrations")).toEqual(["0001_a.sql"]);
    expect(await db.prepare("SELECT x FROM m").raw()).toEqual([[1]]);
    const columns = await db.prepare("SELECT name, type, pk, \"notnull\", dflt_value FROM pragma_table_info('d1_migrations')").raw();
    expect(columns).toEqual([
      ["id", "INTEGER", 1, 0, null],
      ["name", "TEXT", 0, 0, null],
      ["applied_at", "TIMESTAMP", 0, 1, "CURRENT_TIMESTAMP"],
    ]);
  });

  test("the registry creates, finds, lists and deletes databases with their files", async () => {
    const record = createDatabaseRecord(store, "app", "weur");
    expect(record.uuid).toMatch(/^[0-9a-f-]{36}$/);
    expect(() => createDatabaseRecord(store, "app")).toThrow("A database with that name already exists");
    await createD1Database(store, record.uuid).exec("CREATE TABLE x (y)");
    expect(findDatabaseRecord(store, "app")?.uuid).toBe(record.uuid);
    expect(listDatabaseRecords(store).map((r) => r.name)).toEqual(["app"]);
    deleteDatabase(store, record.uuid);
    expect(findDatabaseRecord(store, "app")).toBeNull();
    expect(() => readFileSync(store.d1Path(record.uuid))).toThrow();
  });

  test("a binding uses preview_database_id, then database_id, then its binding name", () => {
    expect(d1DatabaseIdFor({ binding: "DB", database_id: "a", preview_database_id: "p" })).toBe("p");
    expect(d1DatabaseIdFor({ binding: "DB", database_id: "a", database_name: "n" })).toBe("a");
    expect(d1DatabaseIdFor({ binding: "DB", database_name: "n" })).toBe("DB");
  });
});
