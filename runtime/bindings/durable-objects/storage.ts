// ctx.storage: the KV API (and, for SQLite-backed classes, the SQL API) over one
// SQLite file per object. Like the runtime, KV pairs live in a hidden `_cf_KV`
// table of the object's own database, so sql.exec and get/put share one
// transaction boundary and deleteAll() can drop everything at once.
import type { Database, Statement } from "bun:sqlite";
import { deserialize, serialize } from "bun:jsc";
import { CommitCache, CommitWatch } from "../../store/commits.ts";
import { openSqlite } from "../../store/index.ts";
import { leaveAtNoWait, restoreWait, whenUnlocked, withoutBlocking } from "../../store/lock.ts";
import { SqlStorage, sqlError } from "./sql.ts";
import {
  ALARM_NEEDS_HANDLER,
  alarmTime,
  checkRowSize,
  checkValueSize,
  listLimit,
  putUndefined,
  SQL_NOT_ENABLED,
  storageKey,
  TOO_BIG,
  tooLong,
} from "./validate.ts";

export interface ListOptions {
  start?: string;
  startAfter?: string;
  end?: string;
  prefix?: string;
  reverse?: boolean;
  limit?: number;
}

/** What storage needs from its object: the gate to close, and where alarms go. */
export interface StorageHost {
  /** Called by every storage operation; closes the input gate until the op's continuation has run. */
  touch(): void;
  /** Keep other events out while `fn` runs (a transaction spanning awaits must not interleave). */
  hold<T>(fn: () => Promise<T>): Promise<T>;
  hasAlarmHandler(): boolean;
  getAlarm(): number | null;
  setAlarm(time: number): Promise<void>;
  deleteAlarm(): Promise<void>;
}

export const NAME_SCHEMA = "CREATE TABLE IF NOT EXISTS _cf_NAME (id INTEGER PRIMARY KEY, name TEXT NOT NULL)";
const KV_SCHEMA = "CREATE TABLE IF NOT EXISTS _cf_KV (key TEXT PRIMARY KEY, value BLOB) WITHOUT ROWID";

function encode(value: unknown, sqlite: boolean): Buffer {
  let bytes: Buffer;
  try {
    bytes = serialize(value, { binaryType: "nodebuffer" });
  } catch (error) {
    const e = error as Error;
    if (e?.name === "DataCloneError") {
      const shown = typeof value === "function" ? String(value) : Object.prototype.toString.call(value);
      throw new DOMException(`${shown} could not be cloned.`, "DataCloneError");
    }
    throw error;
  }
  checkValueSize(bytes.byteLength, sqlite);
  return bytes;
}

/** A KV pair as stored: the value serialized first, then the key and the row checked against SQLite's limit, in workerd's order. */
function pair(key: unknown, value: unknown, sqlite: boolean): readonly [string, Buffer] {
  const bytes = encode(value, sqlite);
  const k = storageKey(key);
  checkRowSize(k, bytes.byteLength);
  return [k, bytes];
}

function decode(bytes: Uint8Array): unknown {
  return deserialize(bytes);
}

class Statements {
  readonly get: Statement;
  readonly put: Statement;
  readonly delete: Statement;
  constructor(db: Database) {
    db.run(KV_SCHEMA);
    this.get = db.prepare("SELECT value FROM _cf_KV WHERE key = ?");
    this.put = db.prepare("INSERT INTO _cf_KV (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    this.delete = db.prepare("DELETE FROM _cf_KV WHERE key = ?");
  }
}

/**
 * Bounds how many object databases a namespace keeps open (each holds three
 * file descriptors in WAL mode): an app touching thousands of objects must not
 * run out of them. The least recently used idle one is closed; it reopens on
 * its next storage call.
 */
export class DatabasePool {
  readonly #max: number;
  readonly #open = new Map<DurableObjectStorage, true>();
  #last: DurableObjectStorage | undefined;

  constructor(max: number) {
    this.#max = max;
  }

  use(storage: DurableObjectStorage): void {
    if (this.#last === storage) return;
    this.#last = storage;
    this.#open.delete(storage);
    this.#open.set(storage, true);
    if (this.#open.size <= this.#max) return;
    for (const candidate of this.#open.keys()) {
      if (this.#open.size <= this.#max) break;
      if (candidate === storage || candidate.busy) continue;
      candidate.close();
      this.#open.delete(candidate);
    }
  }

  forget(storage: DurableObjectStorage): void {
    this.#open.delete(storage);
    if (this.#last === storage) this.#last = undefined;
  }
}

export class DurableObjectStorage {
  readonly #file: string;
  readonly #sqlite: boolean;
  readonly #host: StorageHost;
  readonly #pool: DatabasePool;
  #db: Database | undefined;
  #stmts: Statements | undefined;
  #sql: SqlStorage | undefined;
  #savepoints = 0;
  #syncKv: SyncKvStorage | undefined;
  /** Settles when the writes that had to wait for another process's lock are done. */
  #waiting: Promise<void> | undefined;
  #commits: CommitWatch | undefined;
  /** Stored bytes of keys the async API read or wrote while nothing else committed to the file (null: absent). */
  #cache = new CommitCache<Uint8Array | null>();

  readonly #name: string | undefined;

  constructor(file: string, sqlite: boolean, host: StorageHost, pool: DatabasePool, name?: string) {
    this.#name = name;
    this.#pool = pool;
    this.#file = file;
    this.#sqlite = sqlite;
    this.#host = host;
  }

  /**
   * The asynchronous API's writes: done at once when the file's lock is free,
   * else retried off the event loop while another process (a `bunflare` command,
   * another connection) holds it. Later async reads and writes of this object
   * queue behind a write that waits, so they keep their order. The synchronous
   * APIs (sql.exec, ctx.storage.kv, transactionSync) cannot wait that way and
   * use the busy timeout.
   */
  #write<T>(op: () => T): T | Promise<T> {
    if (this.#waiting) return this.#track(this.#waiting.then(() => withoutBlocking(this.#database(), op)));
    return this.#now(op);
  }

  /**
   * `op` at once, or retried as #write() retries it. The connection is left at
   * busy timeout 0 between these (no toggles per call: this object's
   * connection is its own); a synchronous API restores the wait first (#waitingDb).
   */
  #now<T>(op: () => T): T | Promise<T> {
    const db = this.#database();
    leaveAtNoWait(db);
    const result = whenUnlocked(db, op);
    return result instanceof Promise ? this.#track(result) : result;
  }

  /** The connection for a synchronous API, which waits on the busy timeout for another process's lock. */
  #waitingDb(): Database {
    const db = this.#database();
    restoreWait(db);
    return db;
  }

  #track<T>(write: Promise<T>): Promise<T> {
    const settled = write.then(
      () => {},
      () => {},
    );
    this.#waiting = settled;
    void settled.then(() => {
      if (this.#waiting === settled) this.#waiting = undefined;
    });
    return write;
  }

  /** Opened on first use: an object that never stores anything leaves no file. */
  #database(): Database {
    this.#pool.use(this);
    if (this.#db) return this.#db;
    this.#db = openSqlite(this.#file);
    this.#commits = new CommitWatch(this.#db);
    // The name an object was reached by (idFromName), kept in its own file so the
    // Local Explorer can show names, not only ids; a hidden _cf_ table like _cf_KV.
    if (this.#name !== undefined) {
      this.#db.run(NAME_SCHEMA);
      const known = this.#db.query("SELECT name FROM _cf_NAME WHERE id = 1").get() as { name: string } | null;
      if (known?.name !== this.#name) this.#db.run("INSERT OR REPLACE INTO _cf_NAME (id, name) VALUES (1, ?)", [this.#name]);
    }
    return this.#db;
  }

  /** A transaction is open: closing the file now would lose it. */
  get busy(): boolean {
    return this.#db?.inTransaction === true || this.#waiting !== undefined;
  }

  #kv(): Statements {
    this.#host.touch();
    this.#pool.use(this);
    return (this.#stmts ??= new Statements(this.#database()));
  }

  get sql(): SqlStorage {
    if (!this.#sqlite) throw new Error(SQL_NOT_ENABLED);
    return (this.#sql ??= new SqlStorage(() => {
      this.#host.touch();
      return this.#waitingDb();
    }));
  }

  // Every method is async so validation errors surface as rejections, as in the runtime.
  async get(keys: unknown, _options?: unknown): Promise<unknown> {
    if (this.#waiting) await this.#waiting;
    if (Array.isArray(keys)) {
      const list = keys.map(storageKey);
      const stmts = this.#kv();
      return this.#now(() => this.#getMany(stmts, list));
    }
    const key = storageKey(keys);
    const stmts = this.#kv();
    // While nothing has committed to the file since (this connection or any
    // other: see commits.ts), the bytes read or written last are still stored.
    this.#cache.at(this.#commits!.epoch());
    const cached = this.#cache.get(key);
    if (cached !== undefined) return cached === null ? undefined : decode(cached);
    const row = this.#now(() => stmts.get.get(key) as { value: Uint8Array } | null);
    if (row instanceof Promise) {
      const found = await row;
      return found ? decode(found.value) : undefined;
    }
    this.#cache.keep(key, row ? row.value : null, row?.value.byteLength ?? 0);
    return row ? decode(row.value) : undefined;
  }

  /** @internal the synchronous ctx.storage.kv API's get. */
  getSync(keys: unknown): unknown {
    const key = storageKey(keys);
    const stmts = this.#kv();
    restoreWait(this.#database());
    const row = stmts.get.get(key) as { value: Uint8Array } | null;
    return row ? decode(row.value) : undefined;
  }

  /** The synchronous KV API of SQLite-backed objects (ctx.storage.kv). */
  get kv(): SyncKvStorage {
    if (!this.#sqlite) throw new Error(SQL_NOT_ENABLED);
    return (this.#syncKv ??= new SyncKvStorage(this));
  }

  #getMany(stmts: Statements, keys: string[]): Map<string, unknown> {
    const found: [string, unknown][] = [];
    for (const key of new Set(keys)) {
      const row = stmts.get.get(key) as { value: Uint8Array } | null;
      if (row) found.push([key, decode(row.value)]);
    }
    // The runtime returns keys in storage order, whatever order they were asked in.
    found.sort((a, b) => compareKeys(a[0], b[0]));
    return new Map(found);
  }

  async put(keyOrEntries: unknown, value?: unknown, _options?: unknown): Promise<void> {
    if (keyOrEntries !== null && typeof keyOrEntries === "object" && !Array.isArray(keyOrEntries)) {
      // The runtime skips an entry whose value is undefined and stores the others.
      const entries = Object.entries(keyOrEntries as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => pair(k, v, this.#sqlite));
      const stmts = this.#kv();
      await this.#write(() =>
        this.#atomically(() => {
          for (const [k, v] of entries) stmts.put.run(k, v);
        }),
      );
      return;
    }
    if (value === undefined) throw putUndefined();
    const [key, bytes] = pair(keyOrEntries, value, this.#sqlite);
    const stmts = this.#kv();
    await this.#write(() => {
      const commits = this.#commits!;
      const epoch = commits.epoch();
      const count = commits.commits;
      stmts.put.run(key, bytes);
      // Our commit was the only one since the epoch was read: the cache (if
      // it was current then) stays so, with this key's new bytes.
      if (!this.#cache.isAt(epoch)) this.#cache.clear();
      const after = commits.epoch();
      if (after === -1 || commits.commits !== count + 1) return this.#cache.clear();
      this.#cache.advance(after);
      this.#cache.keep(key, bytes, bytes.byteLength);
    });
  }

  /** @internal */
  putSync(keyArg: unknown, value: unknown): void {
    // Only the single-key form rejects undefined; put({ ... }) skips such an entry.
    if (value === undefined) throw putUndefined();
    const [key, bytes] = pair(keyArg, value, this.#sqlite);
    const stmts = this.#kv();
    restoreWait(this.#database());
    stmts.put.run(key, bytes);
  }

  async delete(keys: unknown, _options?: unknown): Promise<boolean | number> {
    if (Array.isArray(keys)) {
      const list = keys.map(storageKey);
      const stmts = this.#kv();
      return this.#write(() => {
        let count = 0;
        this.#atomically(() => {
          for (const key of list) count += stmts.delete.run(key).changes;
        });
        return count;
      });
    }
    const key = storageKey(keys);
    const stmts = this.#kv();
    return this.#write(() => stmts.delete.run(key).changes > 0);
  }

  /** @internal */
  deleteSync(keyArg: unknown): boolean {
    const key = storageKey(keyArg);
    const stmts = this.#kv();
    restoreWait(this.#database());
    return stmts.delete.run(key).changes > 0;
  }

  async deleteAll(_options?: unknown): Promise<void> {
    this.#host.touch();
    if (!this.#sqlite) {
      this.#kv();
      await this.#write(() => this.#database().run("DELETE FROM _cf_KV"));
      return;
    }
    if (this.#waiting) await this.#waiting;
    // A SQLite-backed object's deleteAll() wipes its whole database, user tables
    // included (its alarm stays, as in the runtime). Dropped in place rather than
    // deleting the file, so any other open handle stays valid.
    this.#finalizeStatements();
    const db = this.#database();
    db.run("PRAGMA foreign_keys = OFF");
    try {
      await this.#write(() => {
        const objects = db
          .query("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%'")
          .all() as { type: string; name: string }[];
        this.#atomically(() => {
          for (const o of objects) db.run(`DROP ${o.type === "view" ? "VIEW" : "TABLE"} IF EXISTS "${o.name.replace(/"/g, '""')}"`);
        });
      });
    } finally {
      db.run("PRAGMA foreign_keys = ON");
    }
  }

  async list(options: ListOptions = {}): Promise<Map<string, unknown>> {
    if (this.#waiting) await this.#waiting;
    return new Map(this.listSync(options));
  }

  /** @internal */
  listSync(options: ListOptions = {}): [string, unknown][] {
    const limit = listLimit(options.limit);
    if (options.start !== undefined && options.startAfter !== undefined) {
      throw new TypeError("list() cannot be called with both start and startAfter values.");
    }
    // An empty range lists nothing, whatever its bounds' size: the runtime does not query it.
    // Its lower bound is start, or startAfter plus a NUL byte.
    const from = options.start ?? (options.startAfter === undefined ? undefined : `${options.startAfter}\0`);
    if (from !== undefined && options.end !== undefined && compareKeys(String(from), String(options.end)) >= 0) return [];
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (options.start !== undefined) (where.push("key >= ?"), args.push(storageKey(options.start)));
    if (options.startAfter !== undefined) {
      // workerd lists from startAfter plus a NUL byte: that key must pass SQLite's limit.
      const after = String(options.startAfter);
      if (tooLong(after, undefined, 1)) throw new Error(TOO_BIG);
      where.push("key > ?"), args.push(after);
    }
    if (options.end !== undefined) (where.push("key < ?"), args.push(storageKey(options.end)));
    if (options.prefix !== undefined && options.prefix !== "") {
      const prefix = storageKey(options.prefix);
      where.push("key >= ? AND substr(key, 1, ?) = ?");
      // substr() counts code points, JS length counts UTF-16 units.
      args.push(prefix, [...prefix].length, prefix);
    }
    let sql = "SELECT key, value FROM _cf_KV";
    if (where.length) sql += ` WHERE ${where.join(" AND ")}`;
    sql += options.reverse ? " ORDER BY key DESC" : " ORDER BY key";
    if (limit !== undefined) (sql += " LIMIT ?"), args.push(limit);
    this.#kv();
    const rows = this.#waitingDb().query(sql).all(...args) as { key: string; value: Uint8Array }[];
    return rows.map((r) => [r.key, decode(r.value)]);
  }

  /**
   * Runs `fn` in a SQLite savepoint: its writes commit together, or none do when
   * it throws or calls txn.rollback().
   */
  transaction<T>(fn: (txn: DurableObjectTransaction) => T | Promise<T>): Promise<T> {
    return this.#host.hold(() => this.#transaction(fn));
  }

  async #transaction<T>(fn: (txn: DurableObjectTransaction) => T | Promise<T>): Promise<T> {
    const db = this.#database();
    this.#host.touch();
    // The outermost transaction takes the file's write lock up front, waiting
    // for another process's off the event loop; its writes then never wait.
    const outermost = !db.inTransaction;
    if (outermost) await this.#write(() => db.run("BEGIN IMMEDIATE"));
    const name = `bunflare_txn_${++this.#savepoints}`;
    try {
      db.run(`SAVEPOINT ${name}`);
      const txn = new DurableObjectTransaction(this);
      let result: T;
      try {
        result = await fn(txn);
      } catch (error) {
        this.#rollback(db, name);
        throw error;
      }
      if (txn.rolledBack) this.#rollback(db, name);
      else db.run(`RELEASE ${name}`);
      return result;
    } finally {
      if (outermost && db.inTransaction) db.run("COMMIT");
    }
  }

  transactionSync<T>(fn: () => T): T {
    if (!this.#sqlite) throw new Error(SQL_NOT_ENABLED);
    const db = this.#waitingDb();
    this.#host.touch();
    const name = `bunflare_txn_${++this.#savepoints}`;
    db.run(`SAVEPOINT ${name}`);
    try {
      const result = fn();
      db.run(`RELEASE ${name}`);
      return result;
    } catch (error) {
      this.#rollback(db, name);
      throw error;
    }
  }

  #rollback(db: Database, name: string): void {
    db.run(`ROLLBACK TO ${name}`);
    db.run(`RELEASE ${name}`);
  }

  #atomically(fn: () => void): void {
    const db = this.#database();
    const name = `bunflare_txn_${++this.#savepoints}`;
    db.run(`SAVEPOINT ${name}`);
    try {
      fn();
      db.run(`RELEASE ${name}`);
    } catch (error) {
      this.#rollback(db, name);
      throw sqlError(error);
    }
  }

  /** Writes are durable when each statement returns (WAL), so there is nothing to flush. */
  async sync(): Promise<void> {
    this.#host.touch();
  }

  async getAlarm(_options?: unknown): Promise<number | null> {
    this.#host.touch();
    return this.#host.getAlarm();
  }

  async setAlarm(scheduledTime: unknown, _options?: unknown): Promise<void> {
    const time = alarmTime(scheduledTime);
    if (!this.#host.hasAlarmHandler()) throw new TypeError(ALARM_NEEDS_HANDLER);
    this.#host.touch();
    await this.#host.setAlarm(time);
  }

  async deleteAlarm(_options?: unknown): Promise<void> {
    this.#host.touch();
    await this.#host.deleteAlarm();
  }

  /** Release the file handle (the namespace was disposed, or deleteAll() removed the file). */
  close(): void {
    this.#close();
    this.#pool.forget(this);
  }

  #finalizeStatements(): void {
    this.#stmts?.get.finalize();
    this.#stmts?.put.finalize();
    this.#stmts?.delete.finalize();
    this.#stmts = undefined;
  }

  #close(): void {
    this.#commits?.close();
    this.#commits = undefined;
    this.#cache.clear();
    this.#finalizeStatements();
    this.#db?.close();
    this.#db = undefined;
  }
}

/** The `txn` handed to storage.transaction(): the same KV API, plus rollback(). */
export class DurableObjectTransaction {
  readonly #storage: DurableObjectStorage;
  rolledBack = false;

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
  }

  get(keys: unknown, options?: unknown) {
    return this.#storage.get(keys, options);
  }
  put(keyOrEntries: unknown, value?: unknown, options?: unknown) {
    return this.#storage.put(keyOrEntries, value, options);
  }
  delete(keys: unknown, options?: unknown) {
    return this.#storage.delete(keys, options);
  }
  list(options?: ListOptions) {
    return this.#storage.list(options);
  }
  getAlarm(options?: unknown) {
    return this.#storage.getAlarm(options);
  }
  setAlarm(time: unknown, options?: unknown) {
    return this.#storage.setAlarm(time, options);
  }
  deleteAlarm(options?: unknown) {
    return this.#storage.deleteAlarm(options);
  }
  rollback(): void {
    this.rolledBack = true;
  }
}

/** Storage order: UTF-8 byte order, which is SQLite's BINARY collation on TEXT. */
function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** ctx.storage.kv: the same pairs as the async API, read and written synchronously. */
export class SyncKvStorage {
  readonly #storage: DurableObjectStorage;

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
  }

  get(key: string): unknown {
    return this.#storage.getSync(key);
  }
  put(key: string, value: unknown): void {
    this.#storage.putSync(key, value);
  }
  delete(key: string): boolean {
    return this.#storage.deleteSync(key);
  }
  list(options?: ListOptions): IterableIterator<[string, unknown]> {
    return this.#storage.listSync(options)[Symbol.iterator]();
  }
}
