// The Cache API's table in data.sqlite (component "cache"); bodies are files under cache/.
// One entry per (cache name, URL), as the runtime keeps one response per URL (it ignores
// Vary when matching: only `Vary: *` matters, and that is refused at put).

/** Forward-only: never edit a shipped entry, append a new one. */
export const CACHE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE cache_entries (
     cache TEXT NOT NULL,
     url TEXT NOT NULL,
     status INTEGER NOT NULL,
     headers TEXT NOT NULL,
     blob_id TEXT NOT NULL,
     size INTEGER NOT NULL,
     expires INTEGER NOT NULL,
     PRIMARY KEY (cache, url)
   ) WITHOUT ROWID`,
];
