// `bunflare d1 ...` as a user runs it: real processes on a scratch copy of a
// fixture, asserting on printed lines, exit codes and the data left behind.
import { resultsJson } from "../src/commands/d1.ts";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore } from "../runtime/store/index.ts";
import { createD1Database } from "../runtime/bindings/d1/index.ts";

const ROOT = path.resolve(import.meta.dir, "..");
const BIN = path.join(ROOT, "bin", "bunflare");
let dir: string;

function run(...args: string[]) {
  const result = Bun.spawnSync([BIN, ...args], {
    cwd: dir,
    env: { ...process.env, CI: "true", NO_COLOR: "1", HOME: dir },
    stdin: "ignore",
  });
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

function json(...args: string[]) {
  const result = run(...args, "--json");
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout);
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "d1-cli-"));
  cpSync(path.join(ROOT, "fixtures", "d1-basic"), dir, { recursive: true });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("d1 execute", () => {
  test("--command results come back as wrangler's JSON, by binding or by database_name", () => {
    expect(run("d1", "execute", "DB", "--local", "--command", "CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB); INSERT INTO kv VALUES ('a', x'0102')").code).toBe(0);
    const out = json("d1", "execute", "app-db", "--local", "--command", "SELECT * FROM kv");
    expect(out).toEqual([{ results: [{ k: "a", v: "[1, 2]" }], success: true, meta: { duration: expect.any(Number) } }]);
  });

  test("a CLI write is seen by a binding that was already open (as in a running dev server)", async () => {
    const store = openStore(path.join(dir, ".bunflare"));
    const db = createD1Database(store, "6c1b5a8e-2f4d-4c3a-9e7b-0d1f2a3b4c5d");
    expect(await db.prepare("SELECT count(*) AS n FROM kv").first("n")).toBe(1);
    run("d1", "execute", "DB", "--local", "--command", "INSERT INTO kv VALUES ('from-cli', NULL)");
    expect(await db.prepare("SELECT k FROM kv WHERE k = ?").bind("from-cli").first("k")).toBe("from-cli");
    store.close();
  });

  test("a failing statement prints SQLite's error, exits 1 and keeps the earlier data", () => {
    const result = run("d1", "execute", "DB", "--local", "--command", "INSERT INTO kv VALUES ('b', NULL); INSERT INTO kv VALUES ('a', NULL)");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("UNIQUE constraint failed: kv.k: SQLITE_CONSTRAINT (extended: SQLITE_CONSTRAINT_PRIMARYKEY)");
    expect(result.stderr).not.toContain("    at ");
    expect(json("d1", "execute", "DB", "--local", "--command", "SELECT k FROM kv ORDER BY k")[0].results).toEqual([{ k: "a" }, { k: "from-cli" }]);
  });

  test("an unknown database is one clear line", () => {
    const result = run("d1", "execute", "NOPE", "--local", "--command", "SELECT 1");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Couldn't find a D1 DB with the name or binding 'NOPE' in your wrangler.toml file.");
  });

  test("--file loads a large dump in one go", () => {
    const lines = ["CREATE TABLE big (id INTEGER PRIMARY KEY, name TEXT);"];
    for (let i = 1; i <= 5000; i++) lines.push(`INSERT INTO big VALUES(${i},'row ${i}; with semicolon');`);
    writeFileSync(path.join(dir, "big.sql"), lines.join("\n"));
    const result = run("d1", "execute", "DB", "--local", "--file", "big.sql", "--json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toHaveLength(5001);
    expect(json("d1", "execute", "DB", "--local", "--command", "SELECT count(*) AS n FROM big")[0].results).toEqual([{ n: 5000 }]);
  });
});

describe("d1 export", () => {
  test("export then execute --file reproduces the data in another database", () => {
    expect(run("d1", "export", "DB", "--local", "--output", "out.sql").code).toBe(0);
    const text = readFileSync(path.join(dir, "out.sql"), "utf8");
    expect(text.startsWith("PRAGMA defer_foreign_keys=TRUE;\n")).toBe(true);
    expect(run("d1", "execute", "OTHER", "--local", "--file", "out.sql").code).toBe(0);
    const query = "SELECT count(*) AS n, sum(length(name)) AS l FROM big";
    expect(json("d1", "execute", "OTHER", "--local", "--command", query)[0].results).toEqual(json("d1", "execute", "DB", "--local", "--command", query)[0].results);
  });

  test("--no-schema with --no-data is refused", () => {
    const result = run("d1", "export", "DB", "--local", "--output", "x.sql", "--no-schema", "--no-data");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("You cannot specify both --no-schema and --no-data");
  });
});

describe("d1 migrations", () => {
  test("--local with --remote is refused by apply and list, and nothing is applied", () => {
    for (const command of ["apply", "list"]) {
      const result = run("d1", "migrations", command, "DB", "--local", "--remote");
      expect([result.code, result.stderr.trim()]).toEqual([1, "✘ [ERROR] Error: can't use --local and --remote at the same time"]);
    }
    expect(run("d1", "migrations", "list", "DB", "--local").stdout).toContain("│ 0001_create_users.sql │");
  });

  test("apply runs each pending migration once and records it in d1_migrations", () => {
    const first = run("d1", "migrations", "apply", "DB", "--local");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("│ 0001_create_users.sql │ ✅     │");
    expect(first.stdout).toContain("│ 0002_seed.sql         │ ✅     │");
    expect(run("d1", "migrations", "apply", "DB", "--local").stdout).toContain("✅ No migrations to apply!");
    const rows = json("d1", "execute", "DB", "--local", "--command", "SELECT name FROM d1_migrations ORDER BY id; SELECT name FROM users ORDER BY id");
    expect(rows[0].results).toEqual([{ name: "0001_create_users.sql" }, { name: "0002_seed.sql" }]);
    expect(rows[1].results).toEqual([{ name: "Ada; Countess" }, { name: "Bob 'the builder'" }]);
    run("d1", "execute", "DB", "--local", "--command", "INSERT INTO users (email) VALUES ('c@example.com')");
    expect(json("d1", "execute", "DB", "--local", "--command", "SELECT note FROM audit")[0].results).toEqual([{ note: "created; via trigger" }]);
  });

  test("create numbers the next file after the highest existing one", () => {
    const result = run("d1", "migrations", "create", "DB", "add posts");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("✅ Successfully created Migration '0003_add_posts.sql'!");
    expect(readdirSync(path.join(dir, "migrations"))).toContain("0003_add_posts.sql");
  });

  test("a failing migration leaves the database at the last good one", () => {
    writeFileSync(path.join(dir, "migrations", "0003_add_posts.sql"), "CREATE TABLE posts (id INTEGER PRIMARY KEY);\n");
    writeFileSync(path.join(dir, "migrations", "0004_bad.sql"), "INSERT INTO posts VALUES (1);\nSELECT * FROM nowhere;\n");
    const result = run("d1", "migrations", "apply", "DB", "--local");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Migration 0004_bad.sql failed with the following errors:");
    expect(result.stderr).toContain("no such table: nowhere: SQLITE_ERROR");
    const rows = json("d1", "execute", "DB", "--local", "--command", "SELECT name FROM d1_migrations ORDER BY id; SELECT count(*) AS n FROM posts");
    expect(rows[0].results.map((r: { name: string }) => r.name)).toEqual(["0001_create_users.sql", "0002_seed.sql", "0003_add_posts.sql"]);
    expect(rows[1].results).toEqual([{ n: 0 }]);
    expect(run("d1", "migrations", "list", "DB", "--local").stdout).toContain("│ 0004_bad.sql │");
  });
});

describe("d1 create / list / info / delete on the local registry", () => {
  test("create prints wrangler's success text and a config snippet", () => {
    const result = run("d1", "create", "my-new-db");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("✅ Successfully created DB 'my-new-db'");
    expect(result.stdout).toContain("To access your new D1 Database in your Worker, add the following snippet to your configuration file:");
    expect(result.stdout).toMatch(/\[\[d1_databases\]\]\nbinding = "my_new_db"\ndatabase_name = "my-new-db"\ndatabase_id = "[0-9a-f-]{36}"/);
    expect(run("d1", "create", "my-new-db").stderr).toContain("A database with that name already exists");
  });

  test("list and info show the created database", () => {
    const list = json("d1", "list");
    expect(list.map((db: { name: string }) => db.name)).toEqual(["my-new-db"]);
    const info = json("d1", "info", "my-new-db");
    expect(info).toMatchObject({ uuid: list[0].uuid, name: "my-new-db", num_tables: 0 });
  });

  test("delete removes the database and its file", () => {
    const { uuid } = json("d1", "info", "my-new-db");
    const result = run("d1", "delete", "my-new-db", "-y");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Deleted 'my-new-db' successfully.");
    expect(json("d1", "list")).toEqual([]);
    expect(existsSync(path.join(dir, ".bunflare", "d1", `${uuid}.sqlite`))).toBe(false);
    expect(run("d1", "info", "my-new-db").stderr).toContain("Couldn't find DB with name 'my-new-db'");
  });
});

test("the results JSON of d1 execute is JSON.stringify's, with row-less results written directly", () => {
  const results = [
    { results: [], success: true, meta: { duration: 0 } },
    { results: [{ a: 1, b: "x\ny", c: null, d: "[1, 2]" }], success: true, meta: { duration: 3 } },
    { results: [], success: true, meta: { duration: 0 } },
    { results: [], success: true, meta: { duration: 12 } },
    { results: [{}], success: true, meta: { duration: 0.5 } },
  ];
  expect(resultsJson(results)).toBe(JSON.stringify(results, null, 2));
  expect(resultsJson([])).toBe(JSON.stringify([], null, 2));
  expect(resultsJson(results.slice(0, 1))).toBe(JSON.stringify(results.slice(0, 1), null, 2));
});

test("a file-not-found error a command did not expect (a migration message with a slash) is wrangler's missing-file error naming the path, exit 1, nothing written", () => {
  const before = readdirSync(path.join(dir, "migrations"));
  const { code, stderr } = run("d1", "migrations", "create", "DB", "bad/name");
  expect(code).toBe(1);
  expect(stderr).toContain(`[ERROR] A file or directory could not be found.\n\n  \n  Missing file or directory: ${path.join(dir, "migrations")}/`);
  expect(stderr).toContain("_bad/name.sql");
  expect(stderr).toContain("Please check the file path and try again.");
  expect(stderr).not.toContain("ENOENT");
  expect(stderr).not.toContain("    at ");
  expect(readdirSync(path.join(dir, "migrations"))).toEqual(before);
});
