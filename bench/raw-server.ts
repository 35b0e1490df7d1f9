// Raw Bun.serve doing each HTTP scenario's work directly (bun:sqlite for
// storage, no Worker runtime): the third column, the most Bun can do here.
// `bun bench/raw-server.ts <hello|kv|d1|do|static|static-gzip|cache> <port> <data-dir>`
import { Database } from "bun:sqlite";
import { readFileSync } from "node:fs";
import path from "node:path";

const [mode = "hello", portText = "0", dataDir = "."] = process.argv.slice(2);

function open(name: string): Database {
  const db = new Database(path.join(dataDir, name), { create: true });
  db.run("PRAGMA journal_mode = WAL");
  db.run("PRAGMA synchronous = NORMAL");
  return db;
}

function handler(): (request: Request) => Response {
  switch (mode) {
    case "hello":
      return () => new Response("Hello World!");
    case "kv": {
      const db = open("kv.sqlite");
      db.run("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value BLOB NOT NULL)");
      db.run("INSERT OR REPLACE INTO kv (key, value) VALUES ('greeting', 'Hello from KV!')");
      const get = db.query<{ value: string }, [string]>("SELECT value FROM kv WHERE key = ?");
      return () => new Response(get.get("greeting")?.value ?? "missing");
    }
    case "d1": {
      const rows = 1000;
      const db = open("d1.sqlite");
      db.run("CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, name TEXT NOT NULL)");
      db.run("CREATE UNIQUE INDEX IF NOT EXISTS users_email ON users (email)");
      const insert = db.query("INSERT OR REPLACE INTO users (id, email, name) VALUES (?1, ?2, ?3)");
      db.transaction(() => {
        for (let i = 1; i <= rows; i++) insert.run(i, `user${i}@example.com`, `User ${i}`);
      })();
      const find = db.query<{ id: number; name: string }, [string]>("SELECT id, name FROM users WHERE email = ?1");
      return () => {
        const n = 1 + Math.floor(Math.random() * rows);
        return Response.json(find.get(`user${n}@example.com`));
      };
    }
    case "do": {
      const db = open("do.sqlite");
      db.run("CREATE TABLE IF NOT EXISTS storage (key TEXT PRIMARY KEY, value INTEGER NOT NULL)");
      const get = db.query<{ value: number }, [string]>("SELECT value FROM storage WHERE key = ?");
      const put = db.query("INSERT OR REPLACE INTO storage (key, value) VALUES (?, ?)");
      return () => {
        const next = (get.get("count")?.value ?? 0) + 1;
        put.run("count", next);
        return new Response(String(next));
      };
    }
    case "static": {
      // The same file as fixtures/bench-static, read on each request with its type.
      const file = path.join(import.meta.dir, "../fixtures/bench-static/public/index.html");
      return () => new Response(Bun.file(file), { headers: { "Content-Type": "text/html; charset=utf-8" } });
    }
    case "static-gzip": {
      // The same file, gzipped on each request as the dev servers do for a client that accepts it.
      const file = path.join(import.meta.dir, "../fixtures/bench-static/public/index.html");
      return () =>
        new Response(Bun.gzipSync(readFileSync(file)), { headers: { "Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip" } });
    }
    case "cache": {
      // A row with the response's headers and a body file, as a persisted cache keeps them.
      const db = open("cache.sqlite");
      db.run("CREATE TABLE IF NOT EXISTS entries (url TEXT PRIMARY KEY, headers TEXT NOT NULL, body TEXT NOT NULL)");
      const body = path.join(dataDir, "cached-body");
      Bun.write(body, "Hello from the cache!");
      db.run("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", ["https://bench.test/cached", JSON.stringify([["cache-control", "max-age=86400"]]), body]);
      const get = db.query<{ headers: string; body: string }, [string]>("SELECT headers, body FROM entries WHERE url = ?");
      return () => {
        const row = get.get("https://bench.test/cached")!;
        return new Response(Bun.file(row.body), { headers: JSON.parse(row.headers) });
      };
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

const fetch = handler();
Bun.serve({ port: Number(portText), hostname: "127.0.0.1", fetch });
