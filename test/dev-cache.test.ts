// The Cache API workers get in bunflare dev (runtime/bindings/cache).
import { expect, test } from "bun:test";
import { WorkerCache, WorkerCacheStorage } from "../runtime/bindings/cache/index.ts";

const cacheable = (body: string, control = "max-age=60") => new Response(body, { headers: { "Cache-Control": control } });

test("a cacheable response is matched later, marked as a cache hit", async () => {
  const cache = new WorkerCache();
  await cache.put("https://example.com/a", cacheable("cached body"));
  const hit = await cache.match(new Request("https://example.com/a"));
  expect(await hit!.text()).toBe("cached body");
  expect(hit!.headers.get("cf-cache-status")).toBe("HIT");
  expect(await cache.match("https://example.com/other")).toBeUndefined();
});

test("responses without a lifetime, private or with Set-Cookie are not stored", async () => {
  const cache = new WorkerCache();
  await cache.put("https://e.com/none", new Response("x"));
  await cache.put("https://e.com/private", cacheable("x", "private, max-age=60"));
  const cookie = new Response("x", { headers: { "Cache-Control": "max-age=60", "Set-Cookie": "a=b" } });
  await cache.put("https://e.com/cookie", cookie);
  for (const path of ["none", "private", "cookie"]) expect(await cache.match(`https://e.com/${path}`)).toBeUndefined();
});

test("put rejects non-GET requests and partial responses with the runtime's messages", async () => {
  const cache = new WorkerCache();
  expect(cache.put(new Request("https://e.com/", { method: "POST" }), cacheable("x"))).rejects.toThrow("Cannot cache response to non-GET request.");
  expect(cache.put("https://e.com/", new Response("x", { status: 206 }))).rejects.toThrow(
    "Cannot cache response to a range request (206 Partial Content).",
  );
});

test("delete removes an entry; named caches are separate from the default one", async () => {
  const storage = new WorkerCacheStorage();
  const named = await storage.open("mine");
  await named.put("https://e.com/k", cacheable("named"));
  expect(await storage.default.match("https://e.com/k")).toBeUndefined();
  expect(await named.delete("https://e.com/k")).toBe(true);
  expect(await named.match("https://e.com/k")).toBeUndefined();
  expect(await storage.open("mine")).toBe(named);
});
