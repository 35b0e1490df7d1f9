// KV rows in data.sqlite. Everything here assumes validated input; validate.ts
// guards the way in. Expired rows are never returned: every read filters on
// the current time, and listing now and then deletes them.
import type { Database, Statement } from "bun:sqlite";
import { ensureSchemas } from "../../store/index.ts";
import { KV_MIGRATIONS, KV_SCHEMA } from "./schema.ts";

export { KV_MIGRATIONS };

export interface StoredEntry {
  value: Uint8Array;
  expiration: number | null;
  metadata: string | null;
}

export interface ListedRow {
  key: string;
  expiration: number | null;
  metadata: string | null;
}

export interface KVStatements {
  get: Statement<StoredEntry & { key: string }, [string, string, number]>;
  put: Statement<unknown, [string, string, Uint8Array, number | null, string | null]>;
  delete: Statement<unknown, [string, string]>;
  purge: Statement<unknown, [string, number]>;
}

const prepared = new WeakMap<Database, KVStatements>();

/** Each statement prepared on first use, then kept: a one-shot `kv key put` compiles only its own. */
class LazyStatements implements KVStatements {
  #db: Database;
  #get?: KVStatements["get"];
  #put?: KVStatements["put"];
  #delete?: KVStatements["delete"];
  #purge?: KVStatements["purge"];
  constructor(db: Database) {
    this.#db = db;
  }
  get get(): KVStatements["get"] {
    return (this.#get ??= this.#db.query(
      "SELECT key, value, expiration, metadata FROM kv_entries WHERE namespace_id = ? AND key = ? AND (expiration IS NULL OR expiration > ?)",
    ));
  }
  get put(): KVStatements["put"] {
    return (this.#put ??= this.#db.query(
      "INSERT INTO kv_entries (namespace_id, key, value, expiration, metadata) VALUES (?, ?, ?, ?, ?) " +
        "ON CONFLICT (namespace_id, key) DO UPDATE SET value = excluded.value, expiration = excluded.expiration, metadata = excluded.metadata",
    ));
  }
  get delete(): KVStatements["delete"] {
    return (this.#delete ??= this.#db.query("DELETE FROM kv_entries WHERE namespace_id = ? AND key = ?"));
  }
  get purge(): KVStatements["purge"] {
    return (this.#purge ??= this.#db.query(
      "DELETE FROM kv_entries WHERE namespace_id = ? AND expiration IS NOT NULL AND expiration <= ?",
    ));
  }
}

/** Statements prepared once per database handle: a bulk put of 10,000 keys reuses them. */
export function kvStatements(db: Database): KVStatements {
  let statements = prepared.get(db);
  if (statements) return statements;
  ensureSchemas(db, [KV_SCHEMA]);
  statements = new LazyStatements(db);
  prepared.set(db, statements);
  return statements;
}

/** The statements are prepared (and the schema ensured) on this handle already. */
export function kvStatementsReady(db: Database): boolean {
  return prepared.has(db);
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

export function readEntry(db: Database, namespaceId: string, key: string): StoredEntry | null {
  return kvStatements(db).get.get(namespaceId, key, nowSeconds()) ?? null;
}

export function writeEntry(db: Database, namespaceId: string, key: string, entry: StoredEntry): void {
  kvStatements(db).put.run(namespaceId, key, entry.value, entry.expiration, entry.metadata);
}

export function deleteEntry(db: Database, namespaceId: string, key: string): void {
  kvStatements(db).delete.run(namespaceId, key);
}

/**
 * One page of live keys after `startAfter`, in UTF-8 byte order, at most
 * `limit + 1` rows so the caller can tell whether the listing is complete.
 */
export function listRows(db: Database, namespaceId: string, prefix: string, startAfter: string | null, limit: number): ListedRow[] {
  const statements = kvStatements(db);
  const now = nowSeconds();
  purgeExpired(db, statements, namespaceId, now);
  const upper = prefixUpperBound(prefix);
  const where = ["namespace_id = ?1", "key >= ?2", "(expiration IS NULL OR expiration > ?3)"];
  if (upper !== null) where.push("key < ?4");
  if (startAfter !== null) where.push("key > ?5");
  const sql = `SELECT key, expiration, metadata FROM kv_entries WHERE ${where.join(" AND ")} ORDER BY key LIMIT ?6`;
  return db.query(sql).all(namespaceId, prefix, now, upper, startAfter, limit + 1) as ListedRow[];
}

const lastPurge = new WeakMap<Database, Map<string, number>>();

/**
 * Expired rows are filtered out of every read anyway; deleting them is only
 * housekeeping, done at most once a minute per namespace so that a worker
 * listing in a loop does not take the write lock on every call.
 */
function purgeExpired(db: Database, statements: KVStatements, namespaceId: string, now: number): void {
  let byNamespace = lastPurge.get(db);
  if (!byNamespace) lastPurge.set(db, (byNamespace = new Map()));
  if (now - (byNamespace.get(namespaceId) ?? 0) < 60) return;
  byNamespace.set(namespaceId, now);
  statements.purge.run(namespaceId, now);
}

/**
 * The smallest string greater than every string starting with `prefix`, so a
 * prefix scan is an index range. Code point order is UTF-8 byte order, so
 * bumping the last code point (skipping surrogates) bounds the range.
 */
export function prefixUpperBound(prefix: string): string | null {
  const points = Array.from(prefix, (char) => char.codePointAt(0)!);
  while (points.length > 0) {
    let last = points.pop()! + 1;
    if (last === 0xd800) last = 0xe000;
    if (last <= 0x10ffff) return String.fromCodePoint(...points, last);
  }
  return null;
}

export function deleteNamespaceEntries(db: Database, namespaceId: string): void {
  kvStatements(db);
  db.query("DELETE FROM kv_entries WHERE namespace_id = ?").run(namespaceId);
}
