// KV's tables in data.sqlite (component "kv"). Kept apart from storage.ts so
// the descriptor can name them without loading the implementation.

/** Forward-only: never edit a shipped entry, append a new one. */
export const KV_MIGRATIONS: readonly string[] = [
  // TEXT keys compare with SQLite's BINARY collation, i.e. by their UTF-8
  // bytes: exactly the order KV lists keys in.
  `CREATE TABLE kv_entries (
     namespace_id TEXT NOT NULL,
     key TEXT NOT NULL,
     value BLOB NOT NULL,
     expiration INTEGER,
     metadata TEXT,
     PRIMARY KEY (namespace_id, key)
   ) WITHOUT ROWID`,
];

export const KV_SCHEMA = { component: "kv", migrations: KV_MIGRATIONS };
