// The Cache API workers get (runtime/bindings/cache): kept in the .bunflare store.
import { afterEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore, type Store } from "../runtime/store/index.ts";
import { WorkerCacheStorage } from "../runtime/bindings/cache/index.ts";

const opened: { dir: string; store: Store }[] = [];
afterEach(() => {
  for (const { dir, store } of opened.splice(0)) {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

function storage(dir = mkdtempSync(path.join(tmpdir(), "bunflare-cache-"))) {
  const store = openStore(path.join(dir, ".bunflare"));
  opened.push({ dir, store });
  return { caches: new WorkerCacheStorage(() => store), store, dir };
}

const cacheable = (body: string, headers: Record<string, string> = {}) =>
  new Response(body, { headers: { "Cache-Control": "max-age=60", ...headers } });

test("a cacheable response is matched later, marked as a cache hit, its body a file in the store", async () => {
  const { caches, store } = storage();
  await caches.default.put("https://example.com/a", cacheable("cached body"));
  const hit = await caches.default.match(new Request("https://example.com/a"));
  expect(await hit!.text()).toBe("cached body");
  expect(hit!.headers.get("cf-cache-status")).toBe("HIT");
  expect(await caches.default.match("https://example.com/other")).toBeUndefined();
  expect(readdirSync(path.join(store.dir, "cache")).filter((name) => !name.startsWith("."))).toHaveLength(1);
});

test("entries outlive the store handle: a new process opening the store finds them", async () => {
  const first = storage();
  await first.caches.default.put("https://e.com/k", cacheable("kept"));
  const again = openStore(path.join(first.dir, ".bunflare"));
  try {
    const hit = await new WorkerCacheStorage(() => again).default.match("https://e.com/k");
    expect(await hit!.text()).toBe("kept");
  } finally {
    again.close();
  }
});

test("no-store, private, no-cache, max-age=0, a past Expires, no lifetime and Set-Cookie are not stored", async () => {
  const { caches } = storage();
  const cases: Record<string, Record<string, string>> = {
    "no-store": { "Cache-Control": "no-store" },
    private: { "Cache-Control": "private, max-age=60" },
    "no-cache": { "Cache-Control": "no-cache" },
    zero: { "Cache-Control": "max-age=0" },
    past: { "Cache-Control": "", Expires: "Wed, 21 Oct 2015 07:28:00 GMT" },
    cookie: { "Set-Cookie": "a=b" },
  };
  for (const [name, headers] of Object.entries(cases)) await caches.default.put(`https://e.com/${name}`, cacheable("x", headers));
  await caches.default.put("https://e.com/none", new Response("x"));
  for (const name of [...Object.keys(cases), "none"]) expect(await caches.default.match(`https://e.com/${name}`)).toBeUndefined();
});

test("s-maxage wins over max-age, and Expires gives a lifetime", async () => {
  const { caches } = storage();
  await caches.default.put("https://e.com/s", cacheable("s", { "Cache-Control": "max-age=0, s-maxage=60" }));
  await caches.default.put("https://e.com/e", new Response("e", { headers: { Expires: new Date(Date.now() + 60_000).toUTCString() } }));
  expect(await (await caches.default.match("https://e.com/s"))!.text()).toBe("s");
  expect(await (await caches.default.match("https://e.com/e"))!.text()).toBe("e");
});

test("put rejects non-GET requests, partial responses and Vary: * with the runtime's messages", async () => {
  const { caches } = storage();
  const cache = caches.default;
  expect(cache.put(new Request("https://e.com/", { method: "POST" }), cacheable("x"))).rejects.toThrow("Cannot cache response to non-GET request.");
  expect(cache.put("https://e.com/", new Response("x", { status: 206 }))).rejects.toThrow("Cannot cache response to a range request (206 Partial Content).");
  expect(cache.put("https://e.com/", cacheable("x", { Vary: "*" }))).rejects.toThrow("Cannot cache response with 'Vary: *' header.");
});

test("match answers If-None-Match / If-Modified-Since with 304 and Range with 206", async () => {
  const { caches } = storage();
  await caches.default.put("https://e.com/r", cacheable("0123456789", { ETag: '"v1"', "Last-Modified": "Wed, 21 Oct 2015 07:28:00 GMT" }));
  const conditional = (headers: Record<string, string>) => caches.default.match(new Request("https://e.com/r", { headers }));
  expect((await conditional({ "If-None-Match": '"v1"' }))!.status).toBe(304);
  expect((await conditional({ "If-None-Match": '"v2"' }))!.status).toBe(200);
  expect((await conditional({ "If-Modified-Since": "Thu, 22 Oct 2015 07:28:00 GMT" }))!.status).toBe(304);
  const partial = (await conditional({ Range: "bytes=2-5" }))!;
  expect([partial.status, partial.headers.get("content-range"), await partial.text()]).toEqual([206, "bytes 2-5/10", "2345"]);
  expect((await conditional({ Range: "bytes=20-30" }))!.status).toBe(416);
});

test("Vary is ignored when matching, as the runtime does (only Vary: * is refused, at put)", async () => {
  const { caches } = storage();
  const en = new Request("https://e.com/v", { headers: { "Accept-Language": "en" } });
  await caches.default.put(en, cacheable("english", { Vary: "Accept-Language" }));
  expect(await (await caches.default.match(en))!.text()).toBe("english");
  const other = await caches.default.match(new Request("https://e.com/v", { headers: { "Accept-Language": "fr" } }));
  expect(await other!.text()).toBe("english");
});

test("ignoreMethod matches and deletes for other methods; delete removes the entry and its file", async () => {
  const { caches, store } = storage();
  await caches.default.put("https://e.com/k", cacheable("v"));
  const post = new Request("https://e.com/k", { method: "POST" });
  expect(await caches.default.match(post)).toBeUndefined();
  expect(await (await caches.default.match(post, { ignoreMethod: true }))!.text()).toBe("v");
  expect(await caches.default.delete(post)).toBe(false);
  expect(await caches.default.delete(post, { ignoreMethod: true })).toBe(true);
  expect(await caches.default.match("https://e.com/k")).toBeUndefined();
  expect(readdirSync(path.join(store.dir, "cache")).filter((name) => !name.startsWith("."))).toHaveLength(0);
});

test("named caches are separate from the default one and from each other", async () => {
  const { caches } = storage();
  const mine = await caches.open("mine");
  await mine.put("https://e.com/k", cacheable("named"));
  expect(await caches.default.match("https://e.com/k")).toBeUndefined();
  expect(await (await caches.open("other")).match("https://e.com/k")).toBeUndefined();
  expect(await (await (await caches.open("mine")).match("https://e.com/k"))!.text()).toBe("named");
});

test("an entry whose body file was removed by hand is a miss, not an error", async () => {
  const { caches, store } = storage();
  await caches.default.put("https://e.com/k", cacheable("v"));
  for (const name of readdirSync(path.join(store.dir, "cache"))) rmSync(path.join(store.dir, "cache", name));
  expect(await caches.default.match("https://e.com/k")).toBeUndefined();
});

test("a replaced entry's old body file is removed", async () => {
  const { caches, store } = storage();
  await caches.default.put("https://e.com/k", cacheable("one"));
  await caches.default.put("https://e.com/k", cacheable("two"));
  expect(await (await caches.default.match("https://e.com/k"))!.text()).toBe("two");
  expect(readdirSync(path.join(store.dir, "cache")).filter((name) => !name.startsWith("."))).toHaveLength(1);
});

test("over HTTP: caches.default in bunflare dev keeps entries across a restart, in the --persist-to store", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "bunflare-cache-dev-"));
  const worker = `export default {
  async fetch(request) {
    const key = "https://cache.test/k";
    if (new URL(request.url).pathname === "/put") {
      await caches.default.put(key, new Response("stored body", { headers: { "Cache-Control": "max-age=600" } }));
      return new Response("put");
    }
    const hit = await caches.default.match(key);
    return new Response(hit ? (await hit.text()) + " " + hit.headers.get("cf-cache-status") : "miss");
  },
};
`;
  const { write, startDev } = await import("./dev-helpers.ts");
  write(dir, "wrangler.toml", 'name = "c"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n');
  write(dir, "index.js", worker);
  const args = ["--persist-to", path.join(dir, "elsewhere")];
  try {
    const first = await startDev(dir, args);
    try {
      expect(await (await fetch(`${first.url}/get`)).text()).toBe("miss");
      expect(await (await fetch(`${first.url}/put`)).text()).toBe("put");
      expect(await (await fetch(`${first.url}/get`)).text()).toBe("stored body HIT");
    } finally {
      await first.stop();
    }
    expect(readdirSync(path.join(dir, "elsewhere", "cache")).filter((name) => !name.startsWith("."))).toHaveLength(1);
    const second = await startDev(dir, args);
    try {
      expect(await (await fetch(`${second.url}/get`)).text()).toBe("stored body HIT");
    } finally {
      await second.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("over HTTP: the workers of a dev session share the first one's store and its cache, as under wrangler", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "bunflare-cache-multi-"));
  const { write, startDev } = await import("./dev-helpers.ts");
  write(dir, "a/wrangler.toml", 'name = "a"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[services]]\nbinding = "B"\nservice = "b"\n');
  write(
    dir,
    "a/index.js",
    `export default { async fetch(request, env) {
  const stored = await (await env.B.fetch("https://b/put")).text();
  const own = await caches.default.match("https://cache.test/k");
  return new Response(stored + ", a sees " + (own ? await own.text() : "nothing"));
} };\n`,
  );
  write(dir, "b/wrangler.toml", 'name = "b"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n');
  write(
    dir,
    "b/index.js",
    `export default { async fetch() {
  await caches.default.put("https://cache.test/k", new Response("b's entry", { headers: { "Cache-Control": "max-age=600" } }));
  const hit = await caches.default.match("https://cache.test/k");
  return new Response("b sees " + (hit ? await hit.text() : "nothing"));
} };\n`,
  );
  const dev = await startDev(dir, ["-c", "a/wrangler.toml", "-c", "b/wrangler.toml"]);
  try {
    expect(await (await fetch(dev.url)).text()).toBe("b sees b's entry, a sees b's entry");
    expect(readdirSync(path.join(dir, "a", ".bunflare", "cache")).filter((name) => !name.startsWith("."))).toHaveLength(1);
    expect(existsSync(path.join(dir, "b", ".bunflare"))).toBe(false);
  } finally {
    await dev.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
