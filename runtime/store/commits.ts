// Whether anything committed to a store file since a value was read from it,
// without asking SQLite: a point read's own cost is mostly the read
// transaction around it (locks on the -shm file, the WAL index check), which
// is what another process's commit would be noticed by.
//
// In WAL mode every commit, by any connection of any process, ends by
// rewriting the WAL-index header at the start of the -shm file: two copies of
// 48 bytes, the second written first, holding the last frame, the salts and a
// checksum over them (so a commit always changes it). SQLite's own readers
// take the header only when both copies agree; so does this. A shared mapping
// of those bytes tells, in a few loads, whether the file is as it was. Its
// third word counts commits, so a writer can also tell that the only commit
// since it last looked was its own.
//
// The mapping is only safe while a connection of this process keeps the -shm
// open (SQLite truncates it only when no connection anywhere has it open), so
// it is dropped when that connection closes.
import type { Database } from "bun:sqlite";
import type { Store } from "./index.ts";

const HEADER_WORDS = 12;
/** The header's count of committed transactions. */
const COMMIT_COUNT = 2;

export class CommitWatch {
  #db: Database;
  #header: Uint32Array | undefined;
  #seen = new Uint32Array(HEADER_WORDS);
  #epoch = 0;
  /** The header's commit count as of the last epoch() that could tell. */
  commits = 0;

  constructor(db: Database) {
    this.#db = db;
    try {
      const bytes = Bun.mmap(`${db.filename}-shm`, { shared: true, size: 2 * HEADER_WORDS * 4 });
      if (bytes.byteLength >= 2 * HEADER_WORDS * 4) this.#header = new Uint32Array(bytes.buffer, bytes.byteOffset, 2 * HEADER_WORDS);
    } catch {
      // No -shm (not WAL) or no mmap here: every read asks SQLite.
    }
  }

  /**
   * A number that stays the same while nothing commits to the file, or -1
   * when that cannot be told now (a writer is rewriting the header, this
   * connection has a transaction open, no mapping): then read from SQLite
   * and keep nothing. Read it before the read it vouches for.
   */
  epoch(): number {
    const header = this.#header;
    if (!header || this.#db.inTransaction) return -1;
    for (let i = 0; i < HEADER_WORDS; i++) if (header[i] !== header[i + HEADER_WORDS]) return -1;
    let changed = false;
    for (let i = 0; i < HEADER_WORDS; i++) {
      const word = header[i]!;
      if (word !== this.#seen[i]) {
        this.#seen[i] = word;
        changed = true;
      }
    }
    if (changed) this.#epoch++;
    this.commits = header[COMMIT_COUNT]!;
    return this.#epoch;
  }

  /** The connection is closing: never read the mapping again. */
  close(): void {
    this.#header = undefined;
  }
}

const watches = new WeakMap<Store, CommitWatch>();

/** The watch on a store's data.sqlite, made on first use and closed with the store. */
export function storeCommits(store: Store): CommitWatch {
  let watch = watches.get(store);
  if (!watch) {
    const made = (watch = new CommitWatch(store.db));
    store.onClose(() => made.close());
    watches.set(store, made);
  }
  return watch;
}
