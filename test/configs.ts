// wrangler.toml pieces the tests and compat cases share, so a project's config
// reads as the bindings it has: toml("app", KV, D1, R2) instead of the same
// twenty lines in every file.

/** A wrangler.toml for a worker named `name` with `main = "<main>"`, followed by the given sections. */
export function toml(name: string, ...sections: string[]): string {
  return tomlWithMain(name, "src/index.js", ...sections);
}

export function tomlWithMain(name: string, main: string, ...sections: string[]): string {
  return [`name = "${name}"\nmain = "${main}"\ncompatibility_date = "2025-01-01"\n`, ...sections].join("\n");
}

export const KV = `[[kv_namespaces]]\nbinding = "KV"\nid = "kv-id"\n`;
export const D1 = `[[d1_databases]]\nbinding = "DB"\ndatabase_name = "db1"\ndatabase_id = "db-id"\n`;
export const R2 = `[[r2_buckets]]\nbinding = "BUCKET"\nbucket_name = "bucket-one"\n`;
export const FLOW = `[[workflows]]\nbinding = "FLOW"\nname = "flow"\nclass_name = "Flow"\n`;
export const JOBS = `[[queues.producers]]\nbinding = "JOBS"\nqueue = "jobs"\n`;

/** A SQLite-backed Durable Object class bound as `binding` (and its migration). */
export function durableObject(binding: string, className: string): string {
  return `[[durable_objects.bindings]]\nname = "${binding}"\nclass_name = "${className}"\n\n[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["${className}"]\n`;
}

/** Bindings wrangler dev simulates partly or not at all (no always-remote one: wrangler dev would stop to log in). */
export const PARTLY_LOCAL = `worker_loaders = [{ binding = "LOADER" }]
[[vectorize]]
binding = "VEC"
index_name = "idx"
[[mtls_certificates]]
binding = "CERT"
certificate_id = "cert-1"
[[pipelines]]
binding = "PIPE"
pipeline = "events"
[[dispatch_namespaces]]
binding = "DISPATCH"
namespace = "customers"
outbound = { service = "outbound-worker" }
[[unsafe.bindings]]
name = "UNSAFE_LIMIT"
type = "ratelimit"
namespace_id = "7"
simple = { limit = 1, period = 10 }
[[unsafe.bindings]]
name = "UNSAFE_OTHER"
type = "custom"
`;
