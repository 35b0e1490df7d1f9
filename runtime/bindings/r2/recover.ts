// Crash recovery for R2 bodies, run when a store is opened. A writer killed
// mid-put leaves `.tmp-<pid>-...` (a body being streamed) or `<pid>-...` (a
// body renamed into place whose metadata row never committed); a kill between
// a commit and the unlink of a replaced or deleted body leaves a body no row
// names. Files whose writer is still alive are in flight and never touched.
import type { Database } from "bun:sqlite";
import { readdirSync, statSync, unlinkSync } from "node:fs";
import path from "node:path";
import { processAlive } from "../../processes.ts";

/** Files from before bodies carried their writer's pid are judged by age instead. */
const LEGACY_GRACE_MS = 60 * 60 * 1000;

/** Whether the writer of a blob file (by its name) is gone, so the file can be judged. */
export function writerGone(file: string, dir: string): boolean {
  const id = file.startsWith(".tmp-") ? file.slice(5) : file;
  const pid = /^(\d+)-[0-9a-f]{32}$/.exec(id)?.[1];
  if (pid !== undefined) return !processAlive(Number(pid));
  if (!/^[0-9a-f]{32}$/.test(id)) return false; // Not ours: leave it.
  try {
    return Date.now() - statSync(path.join(dir, file)).mtimeMs > LEGACY_GRACE_MS;
  } catch {
    return false;
  }
}

function hasTable(db: Database, name: string): boolean {
  return db.query("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== null;
}

/**
 * Removes dead writers' leftovers under `r2Root` (one directory per bucket).
 * Cheap when there is nothing to do: a directory listing per bucket, and the
 * referenced ids are read only when a bucket holds more bodies than rows.
 * Returns the files removed.
 */
export function recoverR2(db: Database, r2Root: string): string[] {
  let buckets: string[];
  try {
    buckets = readdirSync(r2Root);
  } catch {
    return [];
  }
  // No bucket has ever held a body (every fresh store): nothing to ask SQLite.
  if (buckets.length === 0) return [];
  const removed: string[] = [];
  const objects = hasTable(db, "r2_objects");
  const parts = objects && hasTable(db, "r2_multipart_parts");
  for (const bucketDir of buckets) {
    const dir = path.join(r2Root, bucketDir);
    let files: string[];
    try {
      files = readdirSync(dir);
    } catch {
      continue;
    }
    const bodies = files.filter((file) => !file.startsWith(".tmp-"));
    for (const file of files) {
      if (file.startsWith(".tmp-") && writerGone(file, dir)) removed.push(path.join(dir, file));
    }
    if (bodies.length > 0) {
      let bucket = bucketDir;
      try {
        bucket = decodeURIComponent(bucketDir);
      } catch {
        // A plain name with a stray "%": the directory is the name.
      }
      let referenced: Set<string> | null = null;
      if (objects) {
        const count = (sql: string) => (db.query(sql).get(bucket) as { n: number }).n;
        const rows =
          count("SELECT count(*) AS n FROM r2_objects WHERE bucket = ?") +
          (parts
            ? count("SELECT count(*) AS n FROM r2_multipart_parts WHERE upload_id IN (SELECT upload_id FROM r2_multipart_uploads WHERE bucket = ?)")
            : 0);
        if (bodies.length > rows) {
          referenced = new Set(
            (db.query("SELECT blob_id FROM r2_objects WHERE bucket = ?").all(bucket) as { blob_id: string }[]).map((r) => r.blob_id),
          );
          if (parts) {
            for (const row of db
              .query("SELECT blob_id FROM r2_multipart_parts WHERE upload_id IN (SELECT upload_id FROM r2_multipart_uploads WHERE bucket = ?)")
              .all(bucket) as { blob_id: string }[]) {
              referenced.add(row.blob_id);
            }
          }
        }
      } else {
        referenced = new Set();
      }
      if (referenced) {
        for (const file of bodies) {
          if (!referenced.has(file) && writerGone(file, dir)) removed.push(path.join(dir, file));
        }
      }
    }
  }
  for (const file of removed) {
    try {
      unlinkSync(file);
    } catch {
      // Removed by another process opening the store at the same time.
    }
  }
  return removed;
}
