// KV: one implementation for env.KV in a worker and `bunflare kv ...` on the CLI.
// Behaviour lives here and in storage.ts, limits in limits.ts, and input
// validation (with the runtime's own messages) in validate.ts.
import type { KVNamespace } from "@cloudflare/workers-types/index.ts";
import type { Store } from "../../store/index.ts";
import { CommitCache, storeCommits, type CommitWatch } from "../../store/commits.ts";
import { withoutBlocking } from "../../store/lock.ts";
import type { KVNamespaceConfig } from "./config.ts";
import { KV_LIMITS } from "./limits.ts";
import { deleteEntry, kvStatementsReady, listRows, nowSeconds, readEntry, writeEntry, type StoredEntry } from "./storage.ts";
import {
  parseListOptions,
  parsePutOptions,
  parseReadOptions,
  validateBulkKeys,
  validateKey,
  valueBytes,
  serviceError,
  type KVValueType,
} from "./validate.ts";

export { KV_LIMITS };

/** The namespace id a binding reads and writes in dev: its id, else the binding name (`kv` commands choose with --preview themselves). */
export function kvNamespaceIdFor(binding: KVNamespaceConfig): string {
  return binding.id ?? binding.binding;
}

export interface KVListKey {
  name: string;
  expiration?: number;
  metadata?: unknown;
}

export interface KVListResult {
  keys: KVListKey[];
  list_complete: boolean;
  cursor?: string;
  cacheStatus: null;
}

export interface KVValueWithMetadata {
  value: unknown;
  metadata: unknown;
  cacheStatus?: null;
}

const decoder = new TextDecoder();

function decodeValue(bytes: Uint8Array, type: KVValueType): unknown {
  switch (type) {
    case "text":
      return decoder.decode(bytes);
    case "json":
      return JSON.parse(decoder.decode(bytes));
    case "arrayBuffer":
      return bytes.slice().buffer;
    case "stream": {
      const copy = bytes.slice();
      return new ReadableStream<Uint8Array>({
        start(controller) {
          if (copy.byteLength > 0) controller.enqueue(copy);
          controller.close();
        },
      });
    }
  }
}

function parseMetadata(json: string | null): unknown {
  return json === null ? null : JSON.parse(json);
}

/** Cursors are base64 of the last key returned, as workerd's local KV makes them. */
export function encodeCursor(key: string): string {
  return Buffer.from(key, "utf8").toString("base64");
}

function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, "base64").toString("utf8");
}

/** The Workers KVNamespace API over the store. */
export class LocalKVNamespace {
  // The runtime's name for the type: constructor.name, Object.prototype.toString and RPC's DataCloneError show it.
  static {
    Object.defineProperty(this, "name", { value: "KvNamespace" });
  }
  get [Symbol.toStringTag](): string {
    return "KvNamespace";
  }

  readonly #store: Store;
  readonly #id: string;
  #commits: CommitWatch | undefined;
  /** Rows read while nothing committed to the store (null: no such key). */
  #cache = new CommitCache<StoredEntry | null>();

  constructor(store: Store, namespaceId: string) {
    this.#store = store;
    this.#id = namespaceId;
  }

  // Async methods turn synchronous validation errors into rejections, as in the runtime.
  async get(key: unknown, options?: unknown): Promise<unknown> {
    if (arguments.length === 0) {
      throw new TypeError("Failed to execute 'get' on 'KvNamespace': parameter 1 is not of type 'string or Array'.");
    }
    if (Array.isArray(key)) {
      const results = await withoutBlocking(this.#store.db, () => this.#bulk(key, options));
      return new Map([...results].map(([name, entry]) => [name, entry && entry.value]));
    }
    const { type } = parseReadOptions("GET", options);
    const name = validateKey("GET", key);
    const entry = this.#read(name);
    const found = entry instanceof Promise ? await entry : entry;
    return found ? decodeValue(found.value, type) : null;
  }

  async getWithMetadata(key: unknown, options?: unknown): Promise<unknown> {
    if (arguments.length === 0) {
      throw new TypeError("Failed to execute 'getWithMetadata' on 'KvNamespace': parameter 1 is not of type 'string or Array'.");
    }
    if (Array.isArray(key)) return withoutBlocking(this.#store.db, () => this.#bulk(key, options));
    const { type } = parseReadOptions("GET", options);
    const name = validateKey("GET", key);
    const read = this.#read(name);
    const entry = read instanceof Promise ? await read : read;
    if (!entry) return { value: null, metadata: null, cacheStatus: null };
    return { value: decodeValue(entry.value, type), metadata: parseMetadata(entry.metadata), cacheStatus: null };
  }

  /**
   * One key's row. A read runs at once, without the lock dance of
   * withoutBlocking(): in WAL mode a reader never waits for another process's
   * writer. Only the first call, which may create the table, goes through it.
   * While nothing has committed to the store since (any process: see
   * commits.ts), the row read last time is still the answer, bar its expiry.
   */
  #read(name: string): StoredEntry | null | Promise<StoredEntry | null> {
    const db = this.#store.db;
    if (!kvStatementsReady(db)) return withoutBlocking(db, () => readEntry(db, this.#id, name));
    this.#cache.at((this.#commits ??= storeCommits(this.#store)).epoch());
    const cached = this.#cache.get(name);
    if (cached === null) return null;
    if (cached !== undefined) return cached.expiration === null || cached.expiration > nowSeconds() ? cached : null;
    const entry = readEntry(db, this.#id, name);
    this.#cache.keep(name, entry, entry?.value.byteLength ?? 0);
    return entry;
  }

  /** Bulk reads: text or json only, 1 to 100 keys, duplicates collapse, missing keys map to null. */
  #bulk(keys: unknown[], options: unknown): Map<string, KVValueWithMetadata | null> {
    const { type } = parseReadOptions("GET_BULK", options);
    const names = validateBulkKeys(keys);
    const db = this.#store.db;
    const result = new Map<string, KVValueWithMetadata | null>();
    for (const name of names) {
      if (result.has(name)) continue;
      const entry = readEntry(db, this.#id, name);
      if (!entry) {
        result.set(name, null);
        continue;
      }
      let value: unknown = decoder.decode(entry.value);
      if (type === "json") {
        try {
          value = JSON.parse(value as string);
        } catch {
          throw serviceError("GET_BULK", 400, "At least one of the requested keys corresponds to a non-json value");
        }
      }
      result.set(name, { value, metadata: parseMetadata(entry.metadata) });
    }
    return result;
  }

  async put(key: unknown, value: unknown, options?: unknown): Promise<void> {
    const name = validateKey("PUT", key);
    const bytes = await valueBytes(value);
    const { expiration, metadata } = parsePutOptions(options, nowSeconds());
    await withoutBlocking(this.#store.db, () => writeEntry(this.#store.db, this.#id, name, { value: bytes, expiration, metadata }));
  }

  async delete(key: unknown): Promise<void> {
    const name = validateKey("DELETE", key);
    await withoutBlocking(this.#store.db, () => deleteEntry(this.#store.db, this.#id, name));
  }

  async list(options?: unknown): Promise<KVListResult> {
    const { prefix, limit, cursor } = parseListOptions(options);
    const after = cursor === null ? null : decodeCursor(cursor);
    const rows = await withoutBlocking(this.#store.db, () => listRows(this.#store.db, this.#id, prefix, after, limit));
    const complete = rows.length <= limit;
    const keys = rows.slice(0, limit).map((row) => {
      const key: KVListKey = { name: row.key };
      if (row.expiration !== null) key.expiration = row.expiration;
      if (row.metadata !== null) key.metadata = JSON.parse(row.metadata);
      return key;
    });
    if (complete) return { keys, list_complete: true, cacheStatus: null };
    return { keys, list_complete: false, cursor: encodeCursor(keys.at(-1)!.name), cacheStatus: null };
  }
}

/** What `env.KV` is in a worker. */
export function createKVNamespace(store: Store, namespaceId: string): KVNamespace {
  return new LocalKVNamespace(store, namespaceId) as unknown as KVNamespace;
}

export interface BulkPutItem {
  key: unknown;
  value: unknown;
  expiration?: unknown;
  expirationTtl?: unknown;
  metadata?: unknown;
}

/**
 * Many puts as one transaction (`kv bulk put`): each item is validated exactly as
 * `put()` validates it, and if any is rejected nothing is written.
 */
export async function putMany(store: Store, namespaceId: string, items: Iterable<BulkPutItem>): Promise<number> {
  const now = nowSeconds();
  const rows: [string, StoredEntry][] = [];
  for (const item of items) {
    const name = validateKey("PUT", item.key);
    const bytes = await valueBytes(item.value);
    const { expiration, metadata } = parsePutOptions(
      { expiration: item.expiration, expirationTtl: item.expirationTtl, metadata: item.metadata },
      now,
    );
    rows.push([name, { value: bytes, expiration, metadata }]);
  }
  await withoutBlocking(store.db, () =>
    store.db.transaction(() => {
      for (const [name, entry] of rows) writeEntry(store.db, namespaceId, name, entry);
    }).immediate(),
  );
  return rows.length;
}

/** Many deletes as one transaction (`kv bulk delete`). */
export function deleteMany(store: Store, namespaceId: string, keys: Iterable<unknown>): number {
  const names = [...keys].map((key) => validateKey("DELETE", key));
  store.db.transaction(() => {
    for (const name of names) deleteEntry(store.db, namespaceId, name);
  }).immediate();
  return names.length;
}
