// Reading a class's stored objects from outside a running instance, for the
// Local Explorer: which objects have data (and the name each was reached by),
// their KV pairs, their SQL tables, a SQL console, the pending alarm. It uses
// the same storage code as ctx.storage (a second connection on the object's
// file: SQLite in WAL mode lets a live instance and this reader share it).
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { Database } from "bun:sqlite";
import type { Store } from "../../store/index.ts";
import { ensureSchema } from "../../store/index.ts";
import { DURABLE_OBJECT_MIGRATIONS } from "./schema.ts";
import { IdFactory } from "./id.ts";
import { DatabasePool, DurableObjectStorage, type StorageHost } from "./storage.ts";

export interface StoredObject {
  id: string;
  /** The name passed to idFromName / getByName, when the object was reached that way. */
  name?: string;
}

const OBJECT_FILE = /^[0-9a-f]{64}\.sqlite$/;

export class ObjectNotFoundError extends Error {}

/** One class's objects in one store, for inspection. */
export class DurableObjectInspector {
  readonly #store: Store;
  readonly #className: string;
  readonly #sqlite: boolean;
  readonly #ids: IdFactory;

  constructor(store: Store, className: string, sqlite: boolean) {
    this.#store = store;
    this.#className = className;
    this.#sqlite = sqlite;
    this.#ids = new IdFactory(className);
  }

  get dir(): string {
    return this.#store.doDir(this.#className);
  }

  /** Objects with stored data, by id, each with its name when known (from its file, else its alarm row). */
  list(): StoredObject[] {
    let files: string[] = [];
    try {
      files = readdirSync(this.dir).filter((file) => OBJECT_FILE.test(file));
    } catch {}
    const alarmNames = this.#alarmNames();
    return files.sort().map((file) => {
      const id = file.slice(0, -".sqlite".length);
      const name = this.#storedName(id) ?? alarmNames.get(id);
      return name === undefined ? { id } : { id, name };
    });
  }

  /** A hex id, or a name turned into its id the way idFromName does; throws the runtime's message for a bad id. */
  resolve(ref: { id?: string; name?: string }): string {
    if (ref.name !== undefined) return this.#ids.fromName(ref.name).toString();
    return this.#ids.fromString(ref.id ?? "").toString();
  }

  exists(id: string): boolean {
    return existsSync(this.#file(id));
  }

  /** The object's KV pairs (ctx.storage.list()), values decoded; `startAfter` pages. */
  listKv(id: string, options: { prefix?: string; startAfter?: string; limit?: number } = {}): [string, unknown][] {
    return this.#withStorage(id, (storage) => storage.listSync(options));
  }

  /** The user's tables (not the runtime's _cf_ ones), with their CREATE statements. */
  tables(id: string): { name: string; type: string; sql: string }[] {
    return this.#withStorage(id, (storage) => {
      if (!this.#sqlite) return [];
      const cursor = storage.sql.exec(
        "SELECT name, type, sql FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY name",
      );
      return cursor.toArray() as { name: string; type: string; sql: string }[];
    });
  }

  /** Runs statements as ctx.storage.sql.exec does (same errors, _cf_ tables out of reach), one result per query. */
  query(id: string, queries: { sql: string; params?: unknown[] }[]) {
    if (!this.#sqlite) throw new Error(`Durable Object class ${this.#className} does not use SQLite storage.`);
    return this.#withStorage(id, (storage) =>
      queries.map((query) => {
        const cursor = storage.sql.exec(query.sql, ...(query.params ?? []));
        const rows = cursor.raw().toArray();
        return { columns: cursor.columnNames, rows, meta: { rows_read: cursor.rowsRead, rows_written: cursor.rowsWritten } };
      }),
    );
  }

  /** The pending alarm's time (ms since the epoch) and retry count, or null. */
  alarm(id: string): { scheduled_time: number; retry_count: number } | null {
    ensureSchema(this.#store.db, "durable_objects", DURABLE_OBJECT_MIGRATIONS);
    return this.#store.db
      .query("SELECT scheduled_time, retry_count FROM do_alarms WHERE class_name = ? AND object_id = ?")
      .get(this.#className, id) as { scheduled_time: number; retry_count: number } | null;
  }

  #file(id: string): string {
    return path.join(this.dir, `${id}.sqlite`);
  }

  #alarmNames(): Map<string, string> {
    ensureSchema(this.#store.db, "durable_objects", DURABLE_OBJECT_MIGRATIONS);
    const rows = this.#store.db
      .query("SELECT object_id, object_name FROM do_alarms WHERE class_name = ? AND object_name IS NOT NULL")
      .all(this.#className) as { object_id: string; object_name: string }[];
    return new Map(rows.map((row) => [row.object_id, row.object_name]));
  }

  #storedName(id: string): string | undefined {
    let db: Database | undefined;
    try {
      db = new Database(this.#file(id), { readonly: true });
      const row = db.query("SELECT name FROM _cf_NAME WHERE id = 1").get() as { name: string } | null;
      return row?.name;
    } catch {
      return undefined; // no name table: reached by a unique or string id
    } finally {
      db?.close();
    }
  }

  /** Opens the object's storage only if its file exists: inspecting must not create objects. */
  #withStorage<T>(id: string, fn: (storage: DurableObjectStorage) => T): T {
    if (!this.exists(id)) throw new ObjectNotFoundError(`Durable Object ${id} has no stored data.`);
    const storage = new DurableObjectStorage(this.#file(id), this.#sqlite, INSPECTOR_HOST, new DatabasePool(1));
    try {
      return fn(storage);
    } finally {
      storage.close();
    }
  }
}

// No instance behind an inspector: no input gate to close, no alarm handler.
const INSPECTOR_HOST: StorageHost = {
  touch() {},
  hold: (fn) => fn(),
  hasAlarmHandler: () => false,
  getAlarm: () => null,
  setAlarm: async () => {},
  deleteAlarm: async () => {},
};
