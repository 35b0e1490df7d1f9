// The local bucket registry (table r2_buckets, schema in runtime/store/registries.ts).
// Wrangler creates buckets on Cloudflare's side; bunflare records them here.
// Objects do not require a registered bucket: as with wrangler's local mode,
// any bucket a binding or `r2 object` names simply exists once written to.
import { rmSync } from "node:fs";
import type { Store } from "../../store/index.ts";

export interface BucketRecord {
  name: string;
  location: string | null;
  storage_class: string;
  jurisdiction: string | null;
  created_at: number;
}

export const BUCKET_NAME_RULES =
  "Bucket names must begin and end with an alphanumeric character, only contain lowercase letters, numbers, and hyphens, and be between 3 and 63 characters long.";

export const BUCKET_LOCATIONS = ["weur", "eeur", "apac", "wnam", "enam", "oc"] as const;

export function isValidBucketName(name: string): boolean {
  return /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(name);
}

/** Failures worded as R2's API words them (wrangler shows these for remote buckets). */
export class BucketError extends Error {
  constructor(message: string, readonly code: number) {
    super(`${message} [code: ${code}]`);
    this.name = "BucketError";
  }
}

function hasObjectsTable(store: Store): boolean {
  return store.db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'r2_objects'").get() !== null;
}

export function getBucket(store: Store, name: string): BucketRecord | null {
  const record = store.db.query("SELECT * FROM r2_buckets WHERE name = ?").get(name) as BucketRecord | null;
  if (record) return record;
  // A bucket that only has objects (written by a binding or `r2 object put`) exists too.
  if (!hasObjectsTable(store)) return null;
  const implicit = store.db
    .query("SELECT min(uploaded) AS created FROM r2_objects WHERE bucket = ?")
    .get(name) as { created: number | null };
  return implicit.created === null
    ? null
    : { name, location: null, storage_class: "Standard", jurisdiction: null, created_at: implicit.created };
}

export function createBucket(
  store: Store,
  options: { name: string; location?: string; storageClass?: string; jurisdiction?: string },
): BucketRecord {
  const record: BucketRecord = {
    name: options.name,
    location: options.location ?? null,
    storage_class: options.storageClass ?? "Standard",
    jurisdiction: options.jurisdiction ?? null,
    created_at: Date.now(),
  };
  store.db
    .transaction(() => {
      if (getBucket(store, record.name)) {
        throw new BucketError("The bucket you tried to create already exists, and you own it.", 10004);
      }
      store.db
        .query("INSERT INTO r2_buckets (name, location, storage_class, jurisdiction, created_at) VALUES (?, ?, ?, ?, ?)")
        .run(record.name, record.location, record.storage_class, record.jurisdiction, record.created_at);
    })
    .immediate();
  return record;
}

/** Registered buckets and buckets that only have objects, by name. */
export function listBuckets(store: Store): BucketRecord[] {
  const byName = new Map<string, BucketRecord>();
  for (const record of store.db.query("SELECT * FROM r2_buckets").all() as BucketRecord[]) byName.set(record.name, record);
  if (hasObjectsTable(store)) {
    const rows = store.db
      .query("SELECT bucket, min(uploaded) AS created FROM r2_objects GROUP BY bucket")
      .all() as { bucket: string; created: number }[];
    for (const row of rows) {
      if (!byName.has(row.bucket)) {
        byName.set(row.bucket, { name: row.bucket, location: null, storage_class: "Standard", jurisdiction: null, created_at: row.created });
      }
    }
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Delete an empty bucket; R2 refuses to delete one that still has objects. */
export function deleteBucket(store: Store, name: string): void {
  store.db
    .transaction(() => {
      if (!getBucket(store, name)) throw new BucketError("The specified bucket does not exist.", 10006);
      if (hasObjectsTable(store) && store.db.query("SELECT 1 FROM r2_objects WHERE bucket = ? LIMIT 1").get(name)) {
        throw new BucketError("The bucket you tried to delete is not empty.", 10008);
      }
      store.db.query("DELETE FROM r2_buckets WHERE name = ?").run(name);
      if (store.db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'r2_multipart_uploads'").get()) {
        store.db.query("DELETE FROM r2_multipart_parts WHERE upload_id IN (SELECT upload_id FROM r2_multipart_uploads WHERE bucket = ?)").run(name);
        store.db.query("DELETE FROM r2_multipart_uploads WHERE bucket = ?").run(name);
      }
    })
    .immediate();
  // Only leftovers (unfinished multipart parts, orphans) can remain in an empty bucket's directory.
  rmSync(store.r2Dir(name), { recursive: true, force: true });
}
