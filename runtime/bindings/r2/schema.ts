// R2's metadata tables in data.sqlite (component "r2"); bodies are files under r2/.
// Kept apart so the descriptor can name them without loading the implementation.

/** Forward-only: never edit a shipped entry, append a new one. */
export const R2_MIGRATIONS: readonly string[] = [
  `CREATE TABLE r2_objects (
     bucket TEXT NOT NULL,
     key TEXT NOT NULL,
     blob_id TEXT NOT NULL,
     version TEXT NOT NULL,
     size INTEGER NOT NULL,
     etag TEXT NOT NULL,
     uploaded INTEGER NOT NULL,
     checksums TEXT NOT NULL,
     http_metadata TEXT NOT NULL,
     custom_metadata TEXT NOT NULL,
     storage_class TEXT NOT NULL,
     PRIMARY KEY (bucket, key)
   ) WITHOUT ROWID;
   CREATE TABLE r2_multipart_uploads (
     upload_id TEXT PRIMARY KEY,
     bucket TEXT NOT NULL,
     key TEXT NOT NULL,
     http_metadata TEXT NOT NULL,
     custom_metadata TEXT NOT NULL,
     storage_class TEXT NOT NULL,
     state TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE r2_multipart_parts (
     upload_id TEXT NOT NULL,
     part_number INTEGER NOT NULL,
     blob_id TEXT NOT NULL,
     size INTEGER NOT NULL,
     etag TEXT NOT NULL,
     md5 TEXT NOT NULL,
     PRIMARY KEY (upload_id, part_number)
   );`,
];
