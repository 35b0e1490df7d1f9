// Literal INSERTs run as one compiled statement per shape (runtime/bindings/d1/shape.ts):
// what ends up stored, and what the binding returns, must be what the
// statement as written gives.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Database } from "bun:sqlite";
import { openStore, type Store } from "../runtime/store/index.ts";
import { createD1Database, openD1Engine, type D1Database } from "../runtime/bindings/d1/index.ts";
import { literalShape, type LiteralShape } from "../runtime/bindings/d1/shape.ts";
import { eachStatement, splitStatements } from "../runtime/bindings/d1/split.ts";

const TABLE = "CREATE TABLE t (a, b TEXT, c REAL, d INTEGER)";

// Each runs once through the binding and once in plain SQLite; the rows must match.
const STATEMENTS = [
  `INSERT INTO t (a,b,c,d) VALUES(1,'x',1.25,7);`,
  `INSERT INTO "t" ("a","b","c","d") VALUES(-3,'it''s; "fine"',5.00,-0);`,
  `INSERT INTO t VALUES (0.5, NULL, -2.75, 4503599627370495)`,
  `insert or replace into t(a, b) values (5., 'é'), (-0, '')`,
  `REPLACE INTO [t] (\`a\`) VALUES (12)`,
  `INSERT INTO t (a) VALUES (4503599627370496)`,
  `INSERT INTO t (a) VALUES (9007199254740993)`,
  `INSERT INTO t (a) VALUES (1e3)`,
  `INSERT INTO t (a) VALUES (0x1F)`,
  `INSERT INTO t (a) VALUES (X'00ff')`,
  `INSERT INTO t (a) VALUES (0.1234567890123456789)`,
  `INSERT INTO t (a) VALUES (-0.0)`,
  `INSERT INTO t (a, b) VALUES (1, 2) RETURNING a`,
  `INSERT INTO t (a) SELECT 3`,
];

let dir: string;
let store: Store;
let db: D1Database;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "d1-shape-"));
  store = openStore(path.join(dir, ".bunflare"));
  db = createD1Database(store, "shapes");
  await db.exec(TABLE);
});

afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const dump = (rows: unknown[]) => JSON.stringify(rows);
const CONTENT = "SELECT typeof(a) ta, quote(a) a, typeof(b) tb, quote(b) b, typeof(c) tc, quote(c) c, typeof(d) td, quote(d) d FROM t ORDER BY rowid";

describe("literal INSERT shapes", () => {
  test("rows stored through shapes are the rows the statements as written store", async () => {
    const plain = new Database(":memory:");
    plain.run(TABLE);
    for (const sql of STATEMENTS) plain.run(sql);
    const results = await db.batch(STATEMENTS.map((sql) => db.prepare(sql)));
    expect(results.at(-2)!.results).toEqual([{ a: 1 }]);
    const stored = await db.prepare(CONTENT).all();
    expect(dump(stored.results)).toBe(dump(plain.query(CONTENT).all()));
  });

  test("the same rows one statement at a time, outside a batch", async () => {
    const plain = new Database(":memory:");
    plain.run(TABLE);
    for (const sql of STATEMENTS) {
      plain.run(sql);
      await db.prepare(sql).run();
    }
    const stored = await db.prepare(CONTENT).all();
    expect(dump(stored.results)).toBe(dump(plain.query(CONTENT).all()));
  });

  test("a dump line takes the shape; expressions, hex, exponents and clauses after VALUES do not", () => {
    expect(literalShape(`INSERT INTO "t" ("a","b") VALUES(1,'x;''y',2.50,NULL);`.slice(0, -1))).toEqual({
      sql: `INSERT INTO "t" ("a","b") VALUES(?,?,CAST(? AS REAL),NULL)`,
      values: [1, "x;'y", 2.5],
    });
    for (const sql of [
      "INSERT INTO t (a) VALUES (1e3)",
      "INSERT INTO t (a) VALUES (0x1F)",
      "INSERT INTO t (a) VALUES (X'00')",
      "INSERT INTO t (a) VALUES (1 + 1)",
      "INSERT INTO t (a) VALUES (1) ON CONFLICT DO NOTHING",
      "INSERT INTO t (a) VALUES (1) RETURNING a",
      "INSERT INTO t (a) SELECT 1",
      "INSERT INTO t (a) VALUES (9007199254740993)",
      "UPDATE t SET a = 1",
    ]) {
      expect(literalShape(sql)).toBeUndefined();
    }
  });

  test("errors are the ones the statement as written gives", async () => {
    await db.exec("CREATE TABLE u (id INTEGER PRIMARY KEY, v TEXT NOT NULL, CHECK (id < 100))");
    await db.prepare("INSERT INTO u (id, v) VALUES (1, 'a')").run();
    const message = (sql: string) => db.prepare(sql).run().then(() => "no error", (error: Error) => error.message);
    for (const sql of [
      "INSERT INTO nope (a) VALUES (1)",
      "INSERT INTO t (a, b) VALUES (1)",
      "INSERT INTO u (id, v) VALUES (2, NULL)",
      "INSERT INTO u (id, v) VALUES (1, 'b')",
      "INSERT INTO u (id, v) VALUES (100, 'c')",
      "INSERT INTO u (id, v) VALUES ('x', 'c')",
    ]) {
      // A trailing comment keeps a statement from taking a shape.
      const asWritten = `${sql} /* as written */`;
      expect(literalShape(sql)).toBeDefined();
      expect(literalShape(asWritten)).toBeUndefined();
      const shaped = await message(sql);
      expect(shaped).not.toBe("no error");
      expect(shaped).toBe(await message(asWritten));
    }
    // The shape's compiled statement still works after its failures.
    await db.prepare("INSERT INTO u (id, v) VALUES (2, 'b')").run();
    expect((await db.prepare("SELECT v FROM u ORDER BY id").all()).results).toEqual([{ v: "a" }, { v: "b" }]);
  });

  test("meta reports the changes and row id of each statement", async () => {
    const [first, second] = await db.batch([
      db.prepare("INSERT INTO t (a) VALUES (1), (2)"),
      db.prepare("INSERT INTO t (a) VALUES (3)"),
    ]);
    expect([first!.meta.changes, first!.meta.last_row_id, second!.meta.changes, second!.meta.last_row_id]).toEqual([2, 2, 1, 3]);
    expect(first!.meta.changed_db && second!.meta.changed_db).toBe(true);
  });
});

describe("splitting a script with shapes", () => {
  // The split that also works out shapes (d1 execute --file) must cut the same
  // statements as the plain one, and each shape must be the statement's own.
  const SCRIPTS = [
    STATEMENTS.map((sql) => (sql.endsWith(";") ? sql : `${sql};`)).join("\n"),
    `-- a comment\nINSERT INTO t (a) VALUES (1);\n  INSERT INTO t (a) VALUES (2) ;\n/* block */ INSERT INTO t (a) VALUES (3);\tINSERT INTO t (a) VALUES ('x;y');`,
    `CREATE TRIGGER tr AFTER INSERT ON t BEGIN INSERT INTO t (a) VALUES (1); INSERT INTO t (a) VALUES (2); END;\nINSERT INTO t (a) VALUES (4);`,
    `INSERT INTO t (a) VALUES (1)\f;INSERT INTO t (a) VALUES (2) -- trailing\n;INSERT INTO t (a) VALUES (5)`,
    `insert into t (a) values (1), (2);replace into t (a) values (3);INSERT INTO t (a) VALUES ('unterminated);`,
    `INSERT INTO t (a) VALUES (1);;INSERT INTO t (a) VALUES ('it''s');\n\nINSERT INTO t (a) VALUES (NULL)`,
  ];
  test.each(SCRIPTS.map((script, index) => [index, script] as const))("script %d", (_, script) => {
    const statements: string[] = [];
    const shapes: (LiteralShape | undefined)[] = [];
    eachStatement(script, true, (statement, shape) => {
      statements.push(statement);
      shapes.push(shape);
    });
    expect(statements).toEqual(splitStatements(script));
    statements.forEach((statement, index) => {
      if (shapes[index]) expect(shapes[index]).toEqual(literalShape(statement)!);
    });
    // Only statements that start a script or follow a `;` and some whitespace are shaped while splitting.
    expect(shapes.filter(Boolean).length).toBe([5, 2, 1, 0, 2, 2][SCRIPTS.indexOf(script)]!);
  });
});

describe("a run of lines of one shape", () => {
  // shape.ts hands a line the last shape's SQL string when its pieces match,
  // and the engine then skips its Map: lines that differ only in the table, in
  // one piece, or in their count must still get their own SQL, and rows land
  // in their own tables.
  test("each line gets its own shape's SQL, the same string for the same pieces", () => {
    const lines = [
      `INSERT INTO t (a,b) VALUES(1,'x')`,
      `INSERT INTO t (a,b) VALUES(2,'y')`,
      `INSERT INTO u (a,b) VALUES(3,'z')`,
      `INSERT INTO t (a,b) VALUES(4,NULL)`,
      `INSERT INTO t (a,b) VALUES(5.5,'w')`,
      `INSERT INTO t (a,b) VALUES(6,'v'),(7,'u')`,
      `INSERT INTO t (a,b) VALUES(8,'t')`,
    ];
    const sql = lines.map((line) => literalShape(line)!.sql);
    expect(sql).toEqual([
      `INSERT INTO t (a,b) VALUES(?,?)`,
      `INSERT INTO t (a,b) VALUES(?,?)`,
      `INSERT INTO u (a,b) VALUES(?,?)`,
      `INSERT INTO t (a,b) VALUES(?,NULL)`,
      `INSERT INTO t (a,b) VALUES(CAST(? AS REAL),?)`,
      `INSERT INTO t (a,b) VALUES(?,?),(?,?)`,
      `INSERT INTO t (a,b) VALUES(?,?)`,
    ]);
    // Consecutive lines of one shape share the string itself (what the engine compares first).
    expect(Object.is(sql[0], sql[1])).toBe(true);
    expect(literalShape(`INSERT INTO t (a,b) VALUES(9,'it''s')`)!.values).toEqual([9, "it's"]);
  });

  test("a script alternating between two tables of one column list stores each row in its table (a '?' in a string too)", async () => {
    await db.exec("CREATE TABLE u (a, b TEXT, c REAL, d INTEGER)");
    const script = Array.from({ length: 6 }, (_, i) => `INSERT INTO ${i % 3 === 2 ? "u" : "t"} (a,b) VALUES(${i},'r${i}${i === 4 ? "?" : ""}');`).join("\n");
    openD1Engine(store, "shapes").runScript(script);
    expect((await db.prepare("SELECT a, b FROM t ORDER BY a").raw()).map((row) => row.join())).toEqual(["0,r0", "1,r1", "3,r3", "4,r4?"]);
    expect((await db.prepare("SELECT a, b FROM u ORDER BY a").raw()).map((row) => row.join())).toEqual(["2,r2", "5,r5"]);
  });
});
