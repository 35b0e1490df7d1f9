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
// of those bytes tells, in a few loads, whether the file is as it was: the
// header's commit count (bumped by every commit) and its checksum (changed by
// anything else that rewrites it, such as recovery after a crash) are enough.
// The count also lets a writer tell that the only commit since it last looked
// was its own.
//
// The mapping is only safe while a connection of this process keeps the -shm
// open (SQLite truncates it only when no connection anywhere has it open), so
// it is dropped when that connection closes.
import type { Database } from "bun:sqlite";
import type { Store } from "./index.ts";

/** Words (u32) of one header copy. */
const HEADER_WORDS = 12;
/** The header's count of committed transactions. */
const COMMIT_COUNT = 2;
/** The two words of the header's checksum over its other words. */
const CHECKSUM = 10;

export class CommitWatch {
  #db: Database;
  #header: Uint32Array | undefined;
  #seenCount = 0;
  #seenSum0 = 0;
  #seenSum1 = 0;
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
    const count = header[COMMIT_COUNT]!;
    const sum0 = header[CHECKSUM]!;
    const sum1 = header[CHECKSUM + 1]!;
    if (count !== header[COMMIT_COUNT + HEADER_WORDS] || sum0 !== header[CHECKSUM + HEADER_WORDS] || sum1 !== header[CHECKSUM + 1 + HEADER_WORDS]) {
      return -1;
    }
    if (count !== this.#seenCount || sum0 !== this.#seenSum0 || sum1 !== this.#seenSum1) {
      this.#seenCount = count;
      this.#seenSum0 = sum0;
      this.#seenSum1 = sum1;
      this.#epoch++;
    }
    this.commits = count;
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

/** Values kept per cache: small ones only, so a cache stays a few MB at most. */
const CACHED_ENTRIES = 256;
const CACHED_VALUE_BYTES = 16 * 1024;

/**
 * Values read from (or written to) one file while its commit epoch stayed the
 * same: still what the file holds. Shared by KV's get and a Durable Object's
 * storage.get(); null stands for "no such key".
 */
export class CommitCache<V> {
  #values = new Map<string, V>();
  #epoch = -1;

  /** A read at `epoch` (CommitWatch.epoch()): what was kept at another epoch, or when it could not be told, goes. */
  at(epoch: number): void {
    if (epoch === -1 || epoch !== this.#epoch) this.clear(epoch);
  }

  /** Whether the cache speaks for `epoch`. */
  isAt(epoch: number): boolean {
    return epoch !== -1 && epoch === this.#epoch;
  }

  get(key: string): V | undefined {
    return this.#values.get(key);
  }

  /** Keeps a value read at the current epoch (nothing while that is unknown), unless it is large. */
  keep(key: string, value: V, bytes: number): void {
    if (this.#epoch === -1 || bytes > CACHED_VALUE_BYTES) return;
    if (this.#values.size >= CACHED_ENTRIES) this.#values.clear();
    this.#values.set(key, value);
  }

  /** Our own commit was the only one since: what is kept holds at the new epoch too. */
  advance(epoch: number): void {
    this.#epoch = epoch;
  }

  clear(epoch = -1): void {
    this.#values.clear();
    this.#epoch = epoch;
  }
}
