// The Cache API under wrangler dev and bunflare dev: what put stores, what match
// answers (conditionals, ranges, Vary, cf-cache-status), the runtime's errors,
// and entries kept across a reload.
import type { CompatCase } from "../harness.ts";
import { devCase } from "../dev-harness.ts";

const WORKER = `const BASE = "https://cache.test/";
const put = async (cache, path, body, headers, request) => {
  try {
    await cache.put(request ?? BASE + path, new Response(body, { headers }));
    return "stored";
  } catch (error) {
    return error.constructor.name + ": " + error.message;
  }
};
const show = async (response) =>
  response
    ? { status: response.status, body: await response.text(), cf: response.headers.get("cf-cache-status"), range: response.headers.get("content-range"), etag: response.headers.get("etag") }
    : null;

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const c = caches.default;
    if (url.pathname === "/behaviour") {
      const out = {};
      out.maxAge = await put(c, "max-age", "m", { "Cache-Control": "max-age=60", ETag: '"v1"', "Last-Modified": "Wed, 21 Oct 2015 07:28:00 GMT" });
      out.hit = await show(await c.match(BASE + "max-age"));
      out.hitByRequest = await show(await c.match(new Request(BASE + "max-age")));
      out.sMaxAge = await put(c, "s-maxage", "s", { "Cache-Control": "s-maxage=60" });
      out.sMaxAgeHit = await show(await c.match(BASE + "s-maxage"));
      out.expires = await put(c, "expires", "e", { Expires: new Date(Date.now() + 60000).toUTCString() });
      out.expiresHit = await show(await c.match(BASE + "expires"));
      out.pastExpires = await put(c, "past", "p", { Expires: "Wed, 21 Oct 2015 07:28:00 GMT" });
      out.pastHit = await show(await c.match(BASE + "past"));
      for (const control of ["no-store", "private, max-age=60", "no-cache", "max-age=0"]) {
        const path = "cc-" + control.replace(/\\W/g, "");
        out[path] = [await put(c, path, "x", { "Cache-Control": control }), await show(await c.match(BASE + path))];
      }
      out.cookie = [await put(c, "cookie", "c", { "Cache-Control": "max-age=60", "Set-Cookie": "a=b" }), await show(await c.match(BASE + "cookie"))];
      out.notModified = await show(await c.match(new Request(BASE + "max-age", { headers: { "If-None-Match": '"v1"' } })));
      out.otherTag = await show(await c.match(new Request(BASE + "max-age", { headers: { "If-None-Match": '"v2"' } })));
      out.since = await show(await c.match(new Request(BASE + "max-age", { headers: { "If-Modified-Since": "Thu, 22 Oct 2015 07:28:00 GMT" } })));
      await put(c, "range", "0123456789", { "Cache-Control": "max-age=60" });
      out.range = await show(await c.match(new Request(BASE + "range", { headers: { Range: "bytes=2-5" } })));
      out.suffix = await show(await c.match(new Request(BASE + "range", { headers: { Range: "bytes=-3" } })));
      out.post = await show(await c.match(new Request(BASE + "max-age", { method: "POST" })));
      out.postIgnored = await show(await c.match(new Request(BASE + "max-age", { method: "POST" }), { ignoreMethod: true }));
      out.putPost = await put(c, "x", "x", { "Cache-Control": "max-age=60" }, new Request(BASE + "x", { method: "POST" }));
      try {
        await c.put(BASE + "partial", new Response("x", { status: 206, headers: { "Cache-Control": "max-age=60" } }));
        out.put206 = "stored";
      } catch (error) {
        out.put206 = error.constructor.name + ": " + error.message;
      }
      out.varyStar = await put(c, "vary-star", "v", { "Cache-Control": "max-age=60", Vary: "*" });
      out.vary = await put(c, "vary", "v", { "Cache-Control": "max-age=60", Vary: "Accept-Language" }, new Request(BASE + "vary", { headers: { "Accept-Language": "en" } }));
      out.varySame = await show(await c.match(new Request(BASE + "vary", { headers: { "Accept-Language": "en" } })));
      out.varyOther = await show(await c.match(new Request(BASE + "vary", { headers: { "Accept-Language": "fr" } })));
      out.deleted = await c.delete(BASE + "max-age");
      out.deletedAgain = await c.delete(BASE + "max-age");
      out.afterDelete = await show(await c.match(BASE + "max-age"));
      const named = await caches.open("mine");
      await put(named, "named", "n", { "Cache-Control": "max-age=60" });
      out.namedHit = await show(await named.match(BASE + "named"));
      out.namedInDefault = await show(await c.match(BASE + "named"));
      return Response.json(out);
    }
    if (url.pathname === "/keep") {
      return new Response(await put(c, "kept", "kept body", { "Cache-Control": "max-age=600" }));
    }
    if (url.pathname === "/kept") return Response.json(await show(await c.match(BASE + "kept")));
    return new Response("version 1");
  },
};
`;

export const cases: CompatCase[] = [
  devCase({
    name: "cache: put, match and delete as the runtime does them",
    files: { "wrangler.toml": 'name = "cache"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n', "index.js": WORKER },
    requests: [{ path: "/behaviour" }],
  }),
  devCase({
    name: "cache: entries outlive a reload of the worker",
    files: { "wrangler.toml": 'name = "cache"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n', "index.js": WORKER },
    requests: [{ path: "/keep" }, { path: "/kept" }],
    reload: {
      files: { "index.js": WORKER.replace('"version 1"', '"version 2"') },
      waitFor: "/",
      until: /version 2/,
      requests: [{ path: "/kept" }],
    },
  }),
];
