// Crash recovery for Stream's files, run when a store is opened (kept apart from
// the binding so that costs a store open one directory listing, not its code).
// A writer killed mid-upload leaves `.tmp-<pid>-...`, or a file renamed into
// place whose row never committed; a kill between a delete's commit and its
// unlink leaves a file no row names. Files of a live writer are never touched.
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { Store } from "../../store/index.ts";
import { writerGone } from "../r2/recover.ts";

/** Where a store keeps Stream's videos, captions and watermarks. */
export const blobDir = (store: Store): string => path.join(store.dir, "stream");

/** Removes files under stream/ that a killed writer left: bytes never committed to a row, or no longer named by one. */
export function recoverStream(store: Store): void {
  const dir = blobDir(store);
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return;
  }
  let named: Set<string> | undefined;
  for (const file of files) {
    if (!writerGone(file, dir)) continue;
    if (!file.startsWith(".tmp-")) {
      named ??= new Set(
        (
          store.db
            .query(
              `SELECT blob_id FROM stream_videos WHERE blob_id IS NOT NULL UNION SELECT blob_id FROM stream_captions WHERE blob_id IS NOT NULL
               UNION SELECT blob_id FROM stream_watermarks`,
            )
            .all() as { blob_id: string }[]
        ).map((row) => row.blob_id),
      );
      if (named.has(file)) continue;
    }
    rmSync(path.join(dir, file), { force: true });
  }
}
