// The .bunflare store: the one place the dev server and every CLI command
// share state. data.sqlite holds the registries and each binding's tables
// (KV entries, R2 metadata, Durable Object alarms, ...: see each descriptor's
// `schema`); R2 bodies are files under r2/ (Stream's videos, captions and
// watermarks under stream/), each D1 database is its own SQLite file under d1/,
// each Durable Object's storage one under do/.
import { Database } from "bun:sqlite";
import { accessSync, constants, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { REGISTRY_MIGRATIONS } from "./registries.ts";

export const STORE_DIR_NAME = ".bunflare";
/** The store's main SQLite file inside its directory. */
export const STORE_FILE = "data.sqlite";
/**
 * How long a writer waits for another process's lock before SQLITE_BUSY.
 * The wait only covers taking a lock: a deferred transaction that reads and then
 * writes can still fail at once if another process wrote in between (WAL cannot
 * upgrade a stale read snapshot), so read-then-write code uses
 * `db.transaction(fn).immediate()`, which takes the write lock up front.
 */
export const BUSY_TIMEOUT_MS = 30_000;

export interface StoreOptions {
  deferDb?: boolean;
  schemas?: readonly Schema[];
}

export class StoreError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StoreError";
  }
}

export interface Store {
  readonly dir: string;
  readonly db: Database;
  /** Directory holding one bucket's blobs. */
  r2Dir(bucket: string): string;
  /** SQLite file of one D1 database. */
  d1Path(databaseId: string): string;
  /** Directory for one Durable Object namespace's SQLite files. */
  doDir(namespace: string): string;
  /** Runs `release` when the store closes (files a binding keeps open for this store). */
  onClose(release: () => void): void;
  close(): void;
}

/** Open (creating on first use) a SQLite file with the settings every store file needs. */
export function openSqlite(file: string): Database {
  let db: Database | undefined;
  try {
    db = new Database(file, { create: true, strict: true });
    // busy_timeout first: switching to WAL itself takes a lock another process may hold.
    db.run(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Reading the schema is what finds a damaged file, here rather than mid-request.
    const { pages } = retryWhileBusy(
      () => db!.query("SELECT count(*) AS n, (SELECT page_count FROM pragma_page_count()) AS pages FROM sqlite_master").get() as { pages: number },
    );
    // A file just created (no page yet) is switched to WAL, a rollback-journal write of its
    // first page, without fsyncs (three): it holds no data yet for a power cut to lose. Later
    // writes are synced as NORMAL says (its first commit: see immediateTransaction), and closing
    // checkpoints it with fsyncs as before.
    db.run(pages === 0 ? "PRAGMA synchronous = OFF" : "PRAGMA synchronous = NORMAL");
    retryWhileBusy(() => db!.run("PRAGMA journal_mode = WAL"));
    if (pages === 0) {
      db.run("PRAGMA synchronous = NORMAL");
      emptyAtOpen.add(db);
      newWal.add(db);
    }
    db.run("PRAGMA foreign_keys = ON");
    return db;
  } catch (error) {
    const code = String((error as { code?: unknown }).code ?? "");
    if (code.startsWith("SQLITE_NOTADB") || code.startsWith("SQLITE_CORRUPT")) {
      db?.close();
      throw new StoreError(
        `The local store file "${file}" is damaged (${(error as Error).message}). ` +
          `Move it aside (or delete it, with its -wal and -shm files) to start that data afresh, or restore it from a backup.`,
      );
    }
    throw error;
  }
}

/**
 * `db.transaction(fn).immediate()` (nested: its savepoint). Outside a transaction, BEGIN IMMEDIATE
 * and COMMIT come from the handle's statement cache: bun:sqlite's transaction controller prepares
 * nine statements at a handle's first transaction (~0.5 ms of a one-shot command).
 *
 * The first one on a file this handle created commits without fsyncs when the WAL is still empty
 * under the write lock: the WAL header is then new, so leaving it unsynced cannot bring older
 * frames back after a power cut, and in NORMAL mode no commit is durable before the checkpoint
 * anyway, which closing the handle still does with its fsyncs (WAL, directory, file). That saves
 * the fsync of a new WAL's header (~1 ms per fresh file). No automatic checkpoint runs in that
 * commit: it would copy into the file unsynced, leaving closing nothing to sync.
 */
export function immediateTransaction<T>(db: Database, fn: () => T): T {
  if (db.inTransaction) return db.transaction(fn).immediate();
  if (!newWal.delete(db)) return inImmediate(db, fn);
  // SQLite takes these only outside a transaction.
  db.run("PRAGMA synchronous = OFF");
  db.run("PRAGMA wal_autocheckpoint = 0");
  try {
    return inImmediate(db, () => {
      // Another process may have written to the WAL since the open: then the commit is synced as usual.
      if ((statSync(`${db.filename}-wal`, { throwIfNoEntry: false })?.size ?? 0) !== 0) throw WAL_IN_USE;
      return fn();
    });
  } catch (error) {
    if (error !== WAL_IN_USE) throw error;
  } finally {
    db.run(`PRAGMA wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    db.run("PRAGMA synchronous = NORMAL");
  }
  return inImmediate(db, fn);
}

/** What bun:sqlite's transaction wrapper does outside a transaction: rolled back on any error, if SQLite has not already. */
function inImmediate<T>(db: Database, fn: () => T): T {
  db.query("BEGIN IMMEDIATE").run();
  try {
    const result = fn();
    db.query("COMMIT").run();
    return result;
  } catch (error) {
    if (db.inTransaction) db.query("ROLLBACK").run();
    throw error;
  }
}

const WAL_IN_USE = Symbol("WAL in use");
/** SQLite's default, which every store handle keeps. */
const WAL_AUTOCHECKPOINT_PAGES = 1000;

/**
 * While several processes create the same fresh database at once, SQLite can
 * answer "database is locked" without waiting on the busy timeout (the WAL
 * switch and its first schema writes race for the file's creation locks).
 * Those steps are retried briefly; everything after them waits normally.
 */
function retryWhileBusy<T>(step: () => T): T {
  for (let attempt = 1; ; attempt++) {
    try {
      return step();
    } catch (error) {
      const busy = String((error as { code?: unknown }).code ?? "").startsWith("SQLITE_BUSY") || /database is locked/.test(String(error));
      if (!busy || attempt >= 50) throw error;
      Bun.sleepSync(attempt * 5);
    }
  }
}

/**
 * Open the store at `dir` (usually `<config dir>/.bunflare`, or `--persist-to`).
 * Brings the schema up to the current version; a store from an older bunflare
 * is migrated forward in place. With `deferDb`, data.sqlite is opened (and
 * checked, migrated, tidied) on the first use of `store.db` instead: a command
 * that only needs one D1 file does not create, migrate and checkpoint it.
 * `schemas`: components the caller is about to use, brought up to date with the
 * registries (a fresh store then gets all its tables in one commit).
 */
export function openStore(dir: string, options: StoreOptions = {}): Store {
  const root = path.resolve(dir);
  try {
    for (const sub of ["", "r2", "d1", "do"]) mkdirSync(path.join(root, sub), { recursive: true });
    accessSync(root, constants.W_OK);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new StoreError(`Cannot use the local store at "${root}": it is not a writable directory (${reason}).`);
  }
  let db: Database | undefined;
  const releases: (() => void)[] = [];
  const store: Store = {
    dir: root,
    get db() {
      if (!db) {
        db = openStoreFile(root, options.schemas ?? []);
        recoverLeftovers(store);
      }
      return db;
    },
    r2Dir: (bucket) => path.join(root, "r2", safeSegment(bucket)),
    d1Path: (databaseId) => path.join(root, "d1", `${safeSegment(databaseId)}.sqlite`),
    doDir: (namespace) => path.join(root, "do", safeSegment(namespace)),
    onClose: (release) => void releases.push(release),
    close: () => {
      for (const release of releases.splice(0)) release();
      db?.close();
    },
  };
  if (!options.deferDb) void store.db;
  return store;
}

function openStoreFile(root: string, schemas: readonly Schema[]): Database {
  try {
    const db = openSqlite(path.join(root, STORE_FILE));
    retryWhileBusy(() => ensureSchemas(db, [{ component: "registries", migrations: REGISTRY_MIGRATIONS }, ...schemas]));
    return db;
  } catch (error) {
    if (error instanceof StoreError) throw error;
    throw new StoreError(`Cannot open the local store at "${root}": ${(error as Error).message}`);
  }
}

/**
 * Each binding removes what a writer killed mid-write left behind (R2 bodies
 * never committed, ...). Best effort: a store that cannot be tidied still opens.
 * The registry is loaded here, not imported, because bindings import the store.
 */
function recoverLeftovers(store: Store): void {
  const { BINDINGS } = require("../bindings/registry.ts") as typeof import("../bindings/registry.ts");
  for (const descriptor of BINDINGS) {
    try {
      descriptor.recover?.(store);
    } catch {
      // Tidying is retried at the next open.
    }
  }
}

/** A name used as one path segment: never `..`, never a separator. */
function safeSegment(name: string): string {
  if (name === "" || name === "." || name === ".." || /[\/\\\0]/.test(name)) {
    return encodeURIComponent(name).replace(/\./g, "%2E") || "%00";
  }
  return name;
}

/** A component's tables: `migrations[i]` takes it from version i to i + 1 (a descriptor's `schema`). */
export interface Schema {
  component: string;
  migrations: readonly string[];
}

/**
 * Schema versions are kept per component ("registries", "kv", "r2", ...), so each
 * binding owns its tables and their forward migrations, beside its code.
 * `migrations[i]` takes the component from version i to i + 1.
 */
export function ensureSchema(db: Database, component: string, migrations: readonly string[]): void {
  ensureSchemas(db, [{ component, migrations }]);
}

/** ensureSchema for several components: those behind are migrated in one transaction (one commit for a fresh file). */
export function ensureSchemas(db: Database, schemas: readonly Schema[]): void {
  let done = ensured.get(db);
  if (!done) {
    ensured.set(db, (done = new Set()));
    readVersions(db);
  }
  const read = versionsRead.get(db)!;
  // Another process may have migrated since the read: checked without the write lock, which a
  // long-running process (the dev server) must not wait for behind another process's writer.
  const behind = schemas.filter(
    ({ component, migrations }) =>
      !done.has(component) &&
      (read.get(component) ?? -1) < migrations.length &&
      !(versionTable.has(db) && schemaVersion(db, component) >= migrations.length),
  );
  if (behind.length > 0) {
    // IMMEDIATE: two processes opening a fresh store at once must not both migrate. The version
    // table is created in the same transaction: a fresh file gets its schema in one commit.
    immediateTransaction(db, () => {
      db.run(
        "CREATE TABLE IF NOT EXISTS schema_version (component TEXT PRIMARY KEY, version INTEGER NOT NULL, updated_at INTEGER NOT NULL)",
      );
      for (const { component, migrations } of behind) {
        const from = schemaVersion(db, component);
        if (from >= migrations.length) continue;
        for (let version = from; version < migrations.length; version++) db.run(migrations[version]!);
        db.run(
          "INSERT INTO schema_version (component, version, updated_at) VALUES (?, ?, ?) " +
            "ON CONFLICT (component) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at",
          [component, migrations.length, Date.now()],
        );
      }
    });
    versionTable.add(db);
  }
  for (const { component } of schemas) done.add(component);
}

const ensured = new WeakMap<Database, Set<string>>();
/** Each component's version as read once per handle: a current store needs no more than that one read. */
const versionsRead = new WeakMap<Database, Map<string, number>>();
/** Handles whose file is known to have the schema_version table (a fresh file has none until its first migration). */
const versionTable = new WeakSet<Database>();
/** Handles whose file had no schema at all when opened (a file just created). */
const emptyAtOpen = new WeakSet<Database>();
/** Handles of a file just created that have not run immediateTransaction() yet. */
const newWal = new WeakSet<Database>();

/** Reads every component's version in one query (none on a fresh file); versions only go up, so one read current stays current. */
function readVersions(db: Database): void {
  let rows: { component: string; version: number }[] = [];
  // A file that was empty when opened has no version table yet: no query (its error costs ~0.2 ms).
  if (!emptyAtOpen.has(db)) {
    try {
      rows = db.query("SELECT component, version FROM schema_version").all() as { component: string; version: number }[];
      versionTable.add(db);
    } catch {
      // No version table yet.
    }
  }
  versionsRead.set(db, new Map(rows.map((row) => [row.component, row.version])));
}

export function schemaVersion(db: Database, component: string): number {
  const row = db.query("SELECT version FROM schema_version WHERE component = ?").get(component) as
    | { version: number }
    | null;
  return row?.version ?? 0;
}
