import type { CompatCase } from "../harness.ts";

// What legitimately differs between the tools in D1 output, and nothing more:
// - the local store path in "🌀 Executing on local database DB (id) from <path>:"
//   (.wrangler/state/v3/d1 vs .bunflare/d1; --persist-to dirs likewise);
// - query durations in milliseconds;
// - applied_at timestamps of migrations (wall clock).
function normalizeD1(text: string): string {
  return text
    .replace(/^(🌀 (?:Executing on|Exporting) local database .*\)) from .*:$/gm, "$1 from <D1_STORE>:")
    .replace(/"duration": \d+(\.\d+)?/g, '"duration": <N>')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/g, "<TIMESTAMP>");
}

const d1 = (args: string[]) => ["d1", ...args];
const exec = (db: string, command: string, ...extra: string[]) => d1(["execute", db, "--local", "--command", command, ...extra]);

const dumpSql = [
  "PRAGMA defer_foreign_keys=TRUE;",
  "CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT, tag TEXT);",
  "-- a comment; with a semicolon",
  "INSERT INTO notes VALUES(1,'semi;colon','a');",
  "/* block; comment */ INSERT INTO notes VALUES(2,'it''s \"quoted\"','b');",
  "CREATE TABLE log(id INTEGER PRIMARY KEY AUTOINCREMENT, note_id INTEGER, what TEXT);",
  "CREATE TRIGGER notes_log AFTER INSERT ON notes BEGIN",
  "  INSERT INTO log(note_id, what) VALUES (NEW.id, 'inserted; ok');",
  "END;",
  "INSERT INTO notes VALUES(3,'after trigger',NULL);",
  "",
].join("\n");

// The fast subset (run by `npm test`) is kept to three cases: each wrangler
// run costs over a second. The rest run with `npm run compat`.
export const cases: CompatCase[] = [
  {
    // Clearer than wrangler on purpose: wrangler repeats only SQLite's words,
    // which in a long dump do not say where; bunflare adds the statement's
    // number, line and start. Both roll the whole file back.
    name: "d1 execute --file: a bad statement is named by number and line, and nothing is written",
    fixture: "d1-basic",
    normalize: normalizeD1,
    files: { "bad.sql": "CREATE TABLE t (x);\nINSERT INTO t VALUES (1);\n\nINSERT INTO t VALUES (2);\nINSERT INTO t VALUES (3;\nINSERT INTO t VALUES (4);\n" },
    steps: [
      {
        args: d1(["execute", "DB", "--local", "--file", "bad.sql"]),
        expected: [
          {
            reason: "bunflare names the failing statement (number, line, first characters) and says nothing was written",
            streams: ["stderr"],
            bunflare: (text) =>
              text.replace(
                /\nThe failing statement is number 4 of 5, on line 5: INSERT INTO t VALUES \(3\nNothing was written: the statements run as one transaction\./,
                "",
              ),
          },
        ],
      },
      { args: exec("DB", "SELECT name FROM sqlite_master WHERE name = 't'") },
    ],
  },
  {
    // Wrangler looks for the migrations folder before the database, so an
    // unknown name there reads "No migrations present"; bunflare names the database.
    name: "d1 migrations apply with an unknown database and no migrations folder names the database",
    files: { "wrangler.toml": 'name = "x"\ncompatibility_date = "2025-01-01"\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "app"\ndatabase_id = "a1"\n' },
    steps: [
      {
        args: d1(["migrations", "apply", "nosuchdb", "--local"]),
        expected: [
          {
            reason: "an unknown database is named as such instead of \"No migrations present\"",
            bunflare: (text) =>
              text.replace(
                /^(.*)Couldn't find a D1 DB with the name or binding 'nosuchdb' in your wrangler\.toml file\./m,
                "$1No migrations present at <DIR>.",
              ),
            wrangler: (text) => text.replace(/No migrations present at .*?migrations\./, "No migrations present at <DIR>.").replace(/^.*No migrations folder found.*\n\n\n/m, ""),
          },
        ],
      },
    ],
  },
  {
    name: "d1 help lists wrangler's D1 commands and flags",
    steps: [
      { args: ["d1", "--help"] },
      { args: ["d1", "execute", "--help"] },
      { args: ["d1", "export", "--help"] },
      { args: ["d1", "migrations", "--help"] },
      { args: ["d1", "migrations", "apply", "--help"] },
    ],
  },
  {
    name: "d1 execute --command creates, inserts and selects (JSON when not a terminal)",
    fixture: "d1-basic",
    fast: true,
    normalize: normalizeD1,
    steps: [
      { args: exec("DB", "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, b BLOB, r REAL); INSERT INTO t(name, b, r) VALUES ('a', x'0102ff', 1.5), ('b', NULL, 1e300)") },
      { args: exec("DB", "SELECT * FROM t") },
      { args: exec("app-db", "SELECT count(*) AS n FROM t; SELECT name FROM t WHERE id = 2", "--json") },
    ],
  },
  {
    name: "d1 execute with a failing statement prints the SQLite error, exit 1",
    fixture: "d1-basic",
    fast: true,
    normalize: normalizeD1,
    steps: [
      { args: exec("DB", "SELECT * FROM nope") },
      { args: exec("DB", "SELECT * FROM nope", "--json") },
      { args: exec("DB", "SELEC 1") },
    ],
  },
  {
    name: "d1 execute rolls back the whole command when one statement fails",
    fixture: "d1-basic",
    normalize: normalizeD1,
    steps: [
      { args: exec("DB", "CREATE TABLE u(id INTEGER PRIMARY KEY, v TEXT NOT NULL)"), setup: true },
      { args: exec("DB", "INSERT INTO u(v) VALUES ('kept')"), setup: true },
      {
        args: exec("DB", "INSERT INTO u(v) VALUES ('lost'); INSERT INTO u(v) VALUES (NULL)"),
        expected: [
          {
            reason: "bunflare names the failing statement and says nothing was written",
            streams: ["stderr"],
            bunflare: (text) =>
              text.replace(/\nThe failing statement is number 2 of 2, on line 1: INSERT INTO u\(v\) VALUES \(NULL\)\nNothing was written: the statements run as one transaction\./, ""),
          },
        ],
      },
      { args: exec("DB", "INSERT INTO u(id, v) VALUES (1, 'dup')", "--json") },
      { args: exec("DB", "SELECT * FROM u", "--json") },
    ],
  },
  {
    name: "d1 execute names a missing database or flags in one line",
    fixture: "d1-basic",
    normalize: normalizeD1,
    steps: [
      { args: exec("NOPE", "SELECT 1") },
      { args: exec("NOPE", "SELECT 1", "--json") },
      { args: d1(["execute", "DB", "--local"]) },
      { args: d1(["execute", "DB", "--local", "--command", "SELECT 1", "--file", "x.sql"]) },
      { args: d1(["execute", "DB", "--command", "SELECT 1", "--preview"]) },
      { args: d1(["execute", "DB", "--local", "--file", "missing.sql"]) },
    ],
  },
  {
    name: "d1 execute --file runs a dump with comments, strings and triggers",
    fixture: "d1-basic",
    normalize: normalizeD1,
    files: { "dump.sql": dumpSql, "tx.sql": `BEGIN TRANSACTION;\nCREATE TABLE z(a);\nINSERT INTO z VALUES (1);\nCOMMIT;\n` },
    steps: [
      { args: d1(["execute", "DB", "--local", "--file", "dump.sql", "--yes"]) },
      { args: exec("DB", "SELECT * FROM notes ORDER BY id; SELECT * FROM log ORDER BY id", "--json") },
      { args: d1(["execute", "DB", "--local", "--file", "tx.sql", "--json"]) },
    ],
  },
  {
    name: "d1 execute refuses a statement over the runtime's length limit",
    fixture: "d1-basic",
    normalize: normalizeD1,
    files: { "long.sql": `SELECT length('${"x".repeat(150_000)}') AS n;\n` },
    steps: [
      { args: d1(["execute", "DB", "--local", "--file", "long.sql"]) },
      { args: d1(["execute", "DB", "--local", "--file", "long.sql", "--json"]) },
    ],
  },
  {
    name: "d1 execute --persist-to keeps the database in that directory",
    fixture: "d1-basic",
    normalize: normalizeD1,
    steps: [
      { args: d1(["execute", "DB", "--local", "--persist-to", "elsewhere", "--command", "CREATE TABLE p(x); INSERT INTO p VALUES (42)"]) },
      { args: d1(["execute", "DB", "--local", "--persist-to", "elsewhere", "--command", "SELECT * FROM p", "--json"]) },
      { args: exec("DB", "SELECT * FROM p", "--json") },
      { args: d1(["execute", "DB", "--persist-to", "elsewhere", "--command", "SELECT 1"]) },
    ],
  },
  {
    name: "d1 execute addresses the databases of an environment",
    normalize: normalizeD1,
    files: {
      "wrangler.toml": [
        'name = "envs"',
        'compatibility_date = "2025-01-01"',
        "[[d1_databases]]",
        'binding = "DB"',
        'database_name = "top"',
        'database_id = "11111111-1111-4111-8111-111111111111"',
        "[env.staging]",
        "[[env.staging.d1_databases]]",
        'binding = "DB"',
        'database_name = "staging-db"',
        'database_id = "22222222-2222-4222-8222-222222222222"',
        "",
      ].join("\n"),
    },
    steps: [
      { args: [...exec("DB", "CREATE TABLE s(x); INSERT INTO s VALUES ('staging')"), "--env", "staging"] },
      { args: [...exec("staging-db", "SELECT * FROM s", "--json"), "--env", "staging"] },
      { args: exec("DB", "SELECT * FROM s", "--json") },
    ],
  },
  {
    name: "d1 migrations create numbers files and offers to create the folder",
    fixture: "d1-basic",
    normalize: (text) => normalizeD1(text),
    steps: [
      { args: d1(["migrations", "create", "OTHER", "first change"]) },
      { args: d1(["migrations", "create", "DB", "add posts"]) },
      { args: d1(["migrations", "create", "NOPE", "x"]) },
      // A message with a slash names a file in a folder that does not exist: wrangler's
      // handler for any file-not-found error, naming the path.
      { args: d1(["migrations", "create", "DB", "bad/name"]) },
    ],
  },
  {
    name: "d1 migrations list and apply in wrangler's table layout",
    fixture: "d1-basic",
    fast: true,
    normalize: normalizeD1,
    steps: [
      { args: d1(["migrations", "list", "DB", "--local"]) },
      { args: d1(["migrations", "apply", "DB", "--local"]) },
      { args: d1(["migrations", "list", "DB", "--local"]) },
      { args: d1(["migrations", "apply", "DB", "--local"]) },
      { args: exec("DB", "SELECT * FROM d1_migrations; SELECT * FROM users; SELECT * FROM audit", "--json") },
    ],
  },
  {
    name: "d1 migrations apply stops at a failing migration and keeps the good ones",
    fixture: "d1-basic",
    normalize: normalizeD1,
    files: {
      "migrations/0003_broken.sql": "INSERT INTO users (email) VALUES ('carol@example.com');\nCREATE TABLE broken (;\n",
      "migrations/0004_after.sql": "CREATE TABLE after_broken (x);\n",
    },
    steps: [
      { args: d1(["migrations", "apply", "DB", "--local"]) },
      { args: exec("DB", "SELECT name FROM d1_migrations ORDER BY id; SELECT email FROM users ORDER BY id", "--json") },
      { args: d1(["migrations", "list", "DB", "--local"]) },
    ],
  },
  {
    // Wrangler's migrations run through `d1 execute`, whose flag checks refuse both flags.
    name: "d1 migrations apply and list with --local and --remote together (or --preview) apply nothing",
    fixture: "d1-basic",
    normalize: normalizeD1,
    steps: [
      { args: d1(["migrations", "apply", "DB", "--local", "--remote"]) },
      { args: d1(["migrations", "apply", "DB", "--local", "--preview"]) },
      {
        args: d1(["migrations", "list", "DB", "--local", "--remote"]),
        expected: [
          {
            reason: "wrangler 4.86's list asks for Cloudflare credentials before it reaches the same flag check (with them it gives this error); bunflare gives the error without going to the network",
            streams: ["stderr"],
            wrangler: (text) =>
              text.replace(/^(.*)In a non-interactive environment, it's necessary to set a CLOUDFLARE_API_TOKEN environment variable.*?(‹0›)?$/m, "$1Error: can't use --local and --remote at the same time$2"),
          },
          {
            reason: "past the credentials, wrangler's flag check fails inside its quiet migrations-table query, so its error handler's blank stdout line is not printed (as for apply)",
            streams: ["stdout"],
            wrangler: (text) => text.replace(/\n$/, ""),
          },
        ],
      },
      { args: d1(["migrations", "list", "DB", "--local"]) },
    ],
  },
  {
    name: "d1 migrations honour migrations_dir and migrations_table",
    fixture: "d1-basic",
    normalize: normalizeD1,
    files: { "other-migrations/0001_things.sql": "CREATE TABLE things (id INTEGER PRIMARY KEY);\n" },
    steps: [
      { args: d1(["migrations", "apply", "other-db", "--local"]) },
      { args: exec("OTHER", "SELECT id, name FROM schema_history", "--json") },
      { args: d1(["migrations", "list", "DB", "--local", "--persist-to", "p"]) },
    ],
  },
  {
    name: "d1 migrations list without a migrations folder",
    files: {
      "wrangler.toml": 'name = "x"\ncompatibility_date = "2025-01-01"\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "x-db"\n',
    },
    normalize: normalizeD1,
    steps: [{ args: d1(["migrations", "list", "DB", "--local"]) }, { args: d1(["migrations", "apply", "DB", "--local"]) }],
  },
  {
    name: "d1 export writes a dump that execute --file loads back to the same data",
    fixture: "d1-basic",
    normalize: normalizeD1,
    files: { "dump.sql": dumpSql },
    steps: [
      { args: d1(["execute", "DB", "--local", "--file", "dump.sql"]), setup: true },
      { args: exec("DB", "CREATE TABLE bin(b BLOB, r REAL, t TEXT); INSERT INTO bin VALUES (x'00ff10', 0.1, 'line1\nline2')"), setup: true },
      { args: d1(["export", "DB", "--local", "--output", "out.sql"]) },
      { args: d1(["execute", "OTHER", "--local", "--file", "out.sql"]) },
      { args: exec("OTHER", "SELECT * FROM notes; SELECT * FROM log; SELECT * FROM bin; SELECT name, type FROM sqlite_schema WHERE name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY name", "--json") },
    ],
  },
  {
    name: "d1 export options: --table, --no-data, --no-schema",
    fixture: "d1-basic",
    normalize: normalizeD1,
    files: { "dump.sql": dumpSql },
    steps: [
      { args: d1(["execute", "DB", "--local", "--file", "dump.sql"]), setup: true },
      { args: d1(["export", "DB", "--local", "--output", "schema.sql", "--no-data"]) },
      { args: d1(["execute", "OTHER", "--local", "--file", "schema.sql"]) },
      { args: d1(["export", "DB", "--local", "--output", "data.sql", "--no-schema", "--table", "notes"]) },
      { args: d1(["execute", "OTHER", "--local", "--file", "data.sql"]) },
      { args: exec("OTHER", "SELECT * FROM notes; SELECT count(*) AS n FROM log", "--json") },
      { args: d1(["export", "DB", "--local", "--output", "x.sql", "--no-data", "--no-schema"]) },
      { args: d1(["export", "NOPE", "--local", "--output", "x.sql"]) },
    ],
  },
];
