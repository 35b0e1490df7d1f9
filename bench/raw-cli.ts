// Raw Bun doing each CLI scenario's work directly: the raw column of the CLI
// rows, the floor a Bun-based CLI cannot go under on this machine.
// `bun bench/raw-cli.ts <start|kv-put|d1-command|kv-bulk|d1-file> [file]`, run in the scratch project.
//   start       nothing at all: starting Bun and exiting
//   kv-put      one INSERT into a WAL SQLite file
//   d1-command  the d1 scenario's two statements on a WAL SQLite file
//   kv-bulk     the JSON array of key/value pairs, one prepared INSERT in one transaction
//   d1-file     the dump, run by SQLite as one script in one transaction
import { Database } from "bun:sqlite";
import { mkdirSync, readFileSync } from "node:fs";
import { D1_COMMAND_SQL } from "./generate.ts";

const [mode = "start", file = ""] = process.argv.slice(2);

function open(name: string): Database {
  mkdirSync(".raw", { recursive: true });
  const db = new Database(`.raw/${name}`, { create: true });
  db.run("PRAGMA journal_mode = WAL");
  return db;
}

switch (mode) {
  case "start":
    break;
  case "kv-put": {
    const db = open("kv.sqlite");
    db.run("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB NOT NULL)");
    db.run("INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)", ["greeting", "hello"]);
    break;
  }
  case "d1-command": {
    const db = open("d1.sqlite");
    db.transaction(() => db.run(D1_COMMAND_SQL)).immediate();
    break;
  }
  case "kv-bulk": {
    const db = open("kv.sqlite");
    db.run("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB NOT NULL)");
    const items = JSON.parse(readFileSync(file, "utf8")) as { key: string; value: string }[];
    const put = db.prepare("INSERT OR REPLACE INTO kv (key, value) VALUES (?, ?)");
    db.transaction(() => {
      for (const item of items) put.run(item.key, item.value);
    }).immediate();
    break;
  }
  case "d1-file": {
    const db = open("d1.sqlite");
    const sql = readFileSync(file, "utf8");
    db.transaction(() => db.run(sql)).immediate();
    break;
  }
  default:
    throw new Error(`unknown mode ${mode}`);
}
