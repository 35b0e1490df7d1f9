// The cache (bunflare's addition): responses stored by caches.default and
// named caches, not yet expired.
import { BAD_REQUEST, fail, notFound, ok, type ExplorerSection, type ExplorerStore } from "../common.ts";

export const cacheSection: ExplorerSection = {
  prefix: ["cache"],
  operations: [
    { method: "get", path: "/cache", summary: "Cached responses (caches.default and named caches) not yet expired", tag: "bunflare", extra: true },
    { method: "delete", path: "/cache/entries", summary: "Delete one cached response", tag: "bunflare", extra: true, query: { cache: "stored_name from GET /cache", url: "the cached URL" } },
  ],
  route: cacheRoutes,
};

async function cacheRoutes(request: Request, url: URL, rest: string[], stores: readonly ExplorerStore[]): Promise<Response> {
  const { listCacheEntries, cacheByStoredName } = require("../../../runtime/bindings/cache/index.ts") as typeof import("../../../runtime/bindings/cache/index.ts");
  if (rest.length === 0 && request.method === "GET") {
    const entries = stores.flatMap(({ store }) =>
      listCacheEntries(store).map((entry) => ({
        cache: entry.cache === ":default" ? "default" : entry.cache.replace(/^named:/, ""),
        stored_name: entry.cache,
        url: entry.url,
        status: entry.status,
        size: entry.size,
        expires: new Date(entry.expires).toISOString(),
        headers: Object.fromEntries(entry.headers),
      })),
    );
    return ok(entries, { count: entries.length });
  }
  if (rest.length === 1 && rest[0] === "entries" && request.method === "DELETE") {
    const cache = url.searchParams.get("cache");
    const target = url.searchParams.get("url");
    if (!cache || !target) return fail(400, BAD_REQUEST, "cache and url query parameters are required");
    let deleted = false;
    for (const { store } of stores) deleted = (await cacheByStoredName(() => store, cache).delete(target)) || deleted;
    return deleted ? ok({ deleted: true }) : fail(404, BAD_REQUEST, `No cached response for ${target} in cache ${cache}.`);
  }
  return notFound(request);
}
