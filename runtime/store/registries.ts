// Local registries of the resources wrangler would create on Cloudflare's side:
// KV namespaces, R2 buckets, D1 databases and queues. `kv namespace create`,
// `d1 create`, ... write here; bindings look names and ids up here. The code that
// reads and writes each table lives with its binding in runtime/bindings/.

export const REGISTRY_MIGRATIONS: readonly string[] = [
  `CREATE TABLE kv_namespaces (
     id TEXT PRIMARY KEY,
     title TEXT NOT NULL UNIQUE,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE r2_buckets (
     name TEXT PRIMARY KEY,
     location TEXT,
     storage_class TEXT NOT NULL DEFAULT 'Standard',
     jurisdiction TEXT,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE d1_databases (
     uuid TEXT PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     location TEXT,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE queues (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     settings TEXT NOT NULL DEFAULT '{}',
     created_at INTEGER NOT NULL
   );`,
];
