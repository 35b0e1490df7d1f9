// The Cache API (`caches.default`, `caches.open(name)`) for workers in dev.
// Kept in memory for the life of the dev server; what is stored and for how
// long follows the response's Cache-Control / Expires, as the runtime does.
// TODO(cache): persist in the store so it survives restarts, as wrangler's does.

interface Entry {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: Uint8Array;
  expires: number;
}

function keyOf(request: Request | string | URL): string {
  return typeof request === "string" || request instanceof URL ? String(request) : request.url;
}

function methodOf(request: Request | string | URL): string {
  return typeof request === "string" || request instanceof URL ? "GET" : request.method;
}

/** Seconds the response may be cached for; 0 means it is not stored. */
function ttlSeconds(headers: Headers, now: number): number {
  const control = (headers.get("cache-control") ?? "").toLowerCase();
  if (/\b(no-store|private)\b/.test(control)) return 0;
  if (/\bno-cache\b/.test(control)) return 0;
  const shared = control.match(/\bs-maxage\s*=\s*(\d+)/);
  const max = control.match(/\bmax-age\s*=\s*(\d+)/);
  if (shared) return Number(shared[1]);
  if (max) return Number(max[1]);
  const expires = headers.get("expires");
  if (expires) return Math.max(0, Math.floor((Date.parse(expires) - now) / 1000));
  return 0;
}

export class WorkerCache {
  readonly #entries = new Map<string, Entry>();

  async put(request: Request | string | URL, response: Response): Promise<void> {
    if (methodOf(request) !== "GET") throw new TypeError("Cannot cache response to non-GET request.");
    if (response.status === 206) throw new TypeError("Cannot cache response to a range request (206 Partial Content).");
    if (response.headers.get("vary")?.includes("*")) throw new TypeError("Cannot cache response with 'Vary: *' header.");
    if (response.bodyUsed) throw new TypeError("Body has already been used. It can only be used once. Use tee() first if you need to read it twice.");
    const body = new Uint8Array(await response.arrayBuffer());
    const now = Date.now();
    const ttl = ttlSeconds(response.headers, now);
    if (ttl <= 0 || response.headers.has("set-cookie")) return;
    this.#entries.set(keyOf(request), {
      status: response.status,
      statusText: response.statusText,
      headers: [...response.headers],
      body,
      expires: now + ttl * 1000,
    });
  }

  async match(request: Request | string | URL, options?: { ignoreMethod?: boolean }): Promise<Response | undefined> {
    if (methodOf(request) !== "GET" && !options?.ignoreMethod) return undefined;
    const key = keyOf(request);
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expires <= Date.now()) {
      this.#entries.delete(key);
      return undefined;
    }
    const headers = new Headers(entry.headers);
    headers.set("CF-Cache-Status", "HIT");
    return new Response(entry.body.slice(), { status: entry.status, statusText: entry.statusText, headers });
  }

  async delete(request: Request | string | URL, options?: { ignoreMethod?: boolean }): Promise<boolean> {
    if (methodOf(request) !== "GET" && !options?.ignoreMethod) return false;
    return this.#entries.delete(keyOf(request));
  }
}

export class WorkerCacheStorage {
  readonly default = new WorkerCache();
  readonly #named = new Map<string, WorkerCache>();

  async open(name: string): Promise<WorkerCache> {
    let cache = this.#named.get(name);
    if (!cache) this.#named.set(name, (cache = new WorkerCache()));
    return cache;
  }
}
