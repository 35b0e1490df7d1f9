// The Cache API (`caches.default`, `caches.open(name)`) for workers in dev,
// kept in the store like the platform's cache, which outlives a deploy: a
// reload or a restart keeps entries, `--persist-to` moves them. What is stored
// and for how long follows Cache-Control / Expires; a match answers
// conditional (304) and range (206) requests as the cache in front of a
// zone does. Bodies stream to files under cache/, never whole in memory.
import path from "node:path";
import { ensureSchema, type Store } from "../../store/index.ts";
import { closeSync, existsSync, openSync, readSync } from "node:fs";
import { blobPath, bodySource, openBlobStream, removeBlobs, writeBlob } from "../r2/storage.ts";
import { CACHE_MIGRATIONS } from "./schema.ts";

type RequestLike = Request | string | URL;

interface Row {
  status: number;
  headers: string;
  blob_id: string;
  size: number;
  expires: number;
}

const toRequest = (request: RequestLike) => (typeof request === "string" || request instanceof URL ? new Request(String(request)) : request);

/** Seconds a response may be served from the cache; 0 means it is not stored. */
export function ttlSeconds(headers: Headers, now: number): number {
  const control = (headers.get("cache-control") ?? "").toLowerCase();
  if (/(^|[\s,])(no-store|no-cache|private)\b/.test(control)) return 0;
  const shared = /(^|[\s,])s-maxage\s*=\s*"?(\d+)/.exec(control);
  if (shared) return Number(shared[2]);
  const max = /(^|[\s,])max-age\s*=\s*"?(\d+)/.exec(control);
  if (max) return Number(max[2]);
  const expires = headers.get("expires");
  if (expires) {
    const at = Date.parse(expires);
    return Number.isNaN(at) ? 0 : Math.max(0, Math.floor((at - now) / 1000));
  }
  return 0;
}

/** The header names a response's Vary lists (lower case). */
const varyNames = (headers: Headers) =>
  (headers.get("vary") ?? "")
    .split(",")
    .map((name) => name.trim().toLowerCase())
    .filter(Boolean);

function rangeOf(header: string, size: number): [number, number] | "unsatisfiable" | undefined {
  const found = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!found || (found[1] === "" && found[2] === "")) return undefined;
  if (found[1] === "") return size === 0 ? "unsatisfiable" : [Math.max(0, size - Number(found[2])), size - 1];
  const start = Number(found[1]);
  const end = found[2] === "" ? size - 1 : Math.min(Number(found[2]), size - 1);
  return start >= size || start > end ? "unsatisfiable" : [start, end];
}

/** Whether an If-None-Match list names this ETag (weak comparison, as for GET). */
function etagListed(list: string, etag: string): boolean {
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return list.split(",").some((tag) => tag.trim() === "*" || bare(tag) === bare(etag));
}

const SMALL_BODY_BYTES = 64 * 1024;

/** A stored body: small ones read at once (a stream costs more than the read), larger ones streamed from the file. */
async function bodyOf(dir: string, blobId: string, offset: number, length: number): Promise<Uint8Array | ReadableStream<Uint8Array>> {
  if (length > SMALL_BODY_BYTES) return openBlobStream(dir, blobId, offset, length);
  const bytes = new Uint8Array(length);
  const fd = openSync(blobPath(dir, blobId), "r");
  try {
    let done = 0;
    while (done < length) {
      const read = readSync(fd, bytes, done, length - done, offset + done);
      if (!read) break;
      done += read;
    }
    return done === length ? bytes : bytes.subarray(0, done);
  } finally {
    closeSync(fd);
  }
}

export class WorkerCache {
  readonly #store: () => Store;
  readonly #name: string;

  constructor(store: () => Store, name: string) {
    this.#store = store;
    this.#name = name;
  }

  #open(): { store: Store; dir: string } {
    const store = this.#store();
    ensureSchema(store.db, "cache", CACHE_MIGRATIONS);
    return { store, dir: path.join(store.dir, "cache") };
  }

  async put(input: RequestLike, response: Response): Promise<void> {
    const request = toRequest(input);
    if (request.method !== "GET") throw new TypeError("Cannot cache response to non-GET request.");
    if (!(response instanceof Response)) throw new TypeError("Failed to execute 'put' on 'Cache': parameter 2 is not of type 'Response'.");
    if (response.status === 206) throw new TypeError("Cannot cache response to a range request (206 Partial Content).");
    if (varyNames(response.headers).includes("*")) throw new TypeError("Cannot cache response with 'Vary: *' header.");
    if (response.bodyUsed) throw new TypeError("Body has already been used. It can only be used once. Use tee() first if you need to read it twice.");
    const now = Date.now();
    const ttl = ttlSeconds(response.headers, now);
    // A response that sets a cookie is never shared through the cache.
    if (ttl <= 0 || response.headers.has("set-cookie")) {
      await response.body?.cancel();
      return;
    }
    const { store, dir } = this.#open();
    const written = await writeBlob(dir, bodySource(response.body, "put"), [], Infinity, () => new Error("unreachable"));
    let replaced: string | undefined;
    store.db
      .transaction(() => {
        const old = store.db.query("SELECT blob_id FROM cache_entries WHERE cache = ? AND url = ?").get(this.#name, request.url) as { blob_id: string } | null;
        replaced = old?.blob_id;
        store.db.run(
          "INSERT OR REPLACE INTO cache_entries (cache, url, status, headers, blob_id, size, expires) VALUES (?, ?, ?, ?, ?, ?, ?)",
          [this.#name, request.url, response.status, JSON.stringify([...response.headers]), written.blobId, written.size, now + ttl * 1000],
        );
      })
      .immediate();
    if (replaced) removeBlobs(dir, [replaced]);
  }

  async match(input: RequestLike, options?: { ignoreMethod?: boolean }): Promise<Response | undefined> {
    const request = toRequest(input);
    if (request.method !== "GET" && !options?.ignoreMethod) return undefined;
    const { store, dir } = this.#open();
    const row = store.db
      .query("SELECT status, headers, blob_id, size, expires FROM cache_entries WHERE cache = ? AND url = ?")
      .get(this.#name, request.url) as Row | null;
    if (!row) return undefined;
    if (row.expires <= Date.now()) {
      this.#remove(store, dir, request.url, row.blob_id);
      return undefined;
    }
    if (!existsSync(blobPath(dir, row.blob_id))) {
      // Its body file was removed by hand (a cleaned store): a miss, not an error in the worker.
      this.#remove(store, dir, request.url, row.blob_id);
      return undefined;
    }
    const headers = new Headers(JSON.parse(row.headers) as [string, string][]);
    headers.set("CF-Cache-Status", "HIT");
    const etag = headers.get("etag");
    const ifNoneMatch = request.headers.get("if-none-match");
    const lastModified = Date.parse(headers.get("last-modified") ?? "");
    const ifModifiedSince = Date.parse(request.headers.get("if-modified-since") ?? "");
    const notModified =
      ifNoneMatch !== null
        ? etag !== null && etagListed(ifNoneMatch, etag)
        : !Number.isNaN(lastModified) && !Number.isNaN(ifModifiedSince) && lastModified <= ifModifiedSince;
    if (notModified) return new Response(null, { status: 304, headers });
    const range = request.headers.get("range");
    const wanted = range !== null && row.status === 200 ? rangeOf(range, row.size) : undefined;
    if (wanted === "unsatisfiable") {
      headers.set("Content-Range", `bytes */${row.size}`);
      return new Response(null, { status: 416, headers });
    }
    if (wanted) {
      headers.set("Content-Range", `bytes ${wanted[0]}-${wanted[1]}/${row.size}`);
      headers.set("Content-Length", String(wanted[1] - wanted[0] + 1));
      return new Response(await bodyOf(dir, row.blob_id, wanted[0], wanted[1] - wanted[0] + 1), { status: 206, headers });
    }
    const nullBody = row.status === 204 || row.status === 205 || row.status === 304;
    return new Response(nullBody ? null : await bodyOf(dir, row.blob_id, 0, row.size), { status: row.status, headers });
  }

  async delete(input: RequestLike, options?: { ignoreMethod?: boolean }): Promise<boolean> {
    const request = toRequest(input);
    if (request.method !== "GET" && !options?.ignoreMethod) return false;
    const { store, dir } = this.#open();
    const row = store.db.query("SELECT blob_id, expires FROM cache_entries WHERE cache = ? AND url = ?").get(this.#name, request.url) as
      | { blob_id: string; expires: number }
      | null;
    if (!row) return false;
    this.#remove(store, dir, request.url, row.blob_id);
    return row.expires > Date.now();
  }

  #remove(store: Store, dir: string, url: string, blobId: string): void {
    store.db.run("DELETE FROM cache_entries WHERE cache = ? AND url = ? AND blob_id = ?", [this.#name, url, blobId]);
    removeBlobs(dir, [blobId]);
  }
}

export class WorkerCacheStorage {
  readonly #store: () => Store;
  readonly #named = new Map<string, WorkerCache>();
  #default: WorkerCache | undefined;

  constructor(store: () => Store) {
    this.#store = store;
  }

  get default(): WorkerCache {
    return (this.#default ??= new WorkerCache(this.#store, ":default"));
  }

  async open(name: string): Promise<WorkerCache> {
    name = String(name);
    let cache = this.#named.get(name);
    // Named caches live beside the default one, never under its name.
    if (!cache) this.#named.set(name, (cache = new WorkerCache(this.#store, `named:${name}`)));
    return cache;
  }
}

/** The `caches` of a worker using this store. Entries live in the store, so workers sharing it share them (as the platform's cache is per zone). */
export function cacheStorageFor(store: () => Store): WorkerCacheStorage {
  return new WorkerCacheStorage(store);
}

/** Every cached response in the store, for the Local Explorer: cache name (":default" or "named:<name>"), URL, status, size, expiry. */
export function listCacheEntries(store: Store, limit = 500): { cache: string; url: string; status: number; size: number; expires: number; headers: [string, string][] }[] {
  ensureSchema(store.db, "cache", CACHE_MIGRATIONS);
  const rows = store.db
    .query("SELECT cache, url, status, headers, size, expires FROM cache_entries WHERE expires > ? ORDER BY cache, url LIMIT ?")
    .all(Date.now(), limit) as { cache: string; url: string; status: number; headers: string; size: number; expires: number }[];
  return rows.map((row) => ({ ...row, headers: JSON.parse(row.headers) as [string, string][] }));
}

/** The cache a stored entry's name refers to (":default" or "named:<name>"), to delete through it. */
export function cacheByStoredName(store: () => Store, stored: string): WorkerCache {
  return new WorkerCache(store, stored);
}
