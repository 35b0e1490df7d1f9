// fetch() through a service binding, env.ASSETS or a Durable Object stub, as workerd's Fetcher does it:
// redirects followed (or not, with redirect: "manual"), the answer's url and
// redirected, no body for HEAD. Over real HTTP through `bunflare dev`.
import { afterAll, expect, test } from "bun:test";
import { cleanup, project, startDev, type DevProcess } from "./dev-helpers.ts";

const WORKER = `import { DurableObject } from "cloudflare:workers";
export class Obj extends DurableObject {
  async fetch(request) {
    const u = new URL(request.url);
    if (u.pathname === "/start") return new Response(null, { status: 302, headers: { location: "/final" } });
    return new Response(request.redirect + " " + request.method + " " + u.pathname);
  }
}
export default {
  async fetch(request, env) {
    const u = new URL(request.url);
    switch (u.pathname) {
      case "/start": return new Response("moving", { status: 302, headers: { location: "/final?x=1" } });
      case "/t307": return new Response(null, { status: 307, headers: { location: "/final" } });
      case "/loop": return new Response(null, { status: 301, headers: { location: "/loop" } });
      case "/final": return new Response(request.method + " " + u.pathname + u.search + " " + (await request.text()));
      case "/mode": return new Response(request.redirect);
      case "/derived": {
        const r = await env.ASSETS.fetch(new Request(new URL("/index.html", u), request));
        return new Response(r.status + " " + r.headers.get("location"));
      }
      case "/via": case "/assets": case "/object": break;
      default: return new Response("no such path", { status: 404 });
    }
    const binding = u.pathname === "/assets" ? env.ASSETS : u.pathname === "/object" ? env.D.getByName("a") : env.SELF;
    const init = { method: u.searchParams.get("m") ?? "GET", body: u.searchParams.get("body") ?? undefined, redirect: u.searchParams.get("r") ?? undefined };
    try {
      const r = await binding.fetch(new URL(u.searchParams.get("p"), "http://example.com"), init);
      return Response.json({ status: r.status, url: r.url, redirected: r.redirected, body: await r.text() });
    } catch (error) {
      return new Response(error.message.slice(0, 40), { status: 500 });
    }
  },
};
`;

let dir: string;
let dev: DevProcess;
const ready = (async () => {
  dir = project({
    "wrangler.toml":
      'name = "follow"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\nservices = [{ binding = "SELF", service = "follow" }]\n' +
      '[[durable_objects.bindings]]\nname = "D"\nclass_name = "Obj"\n[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["Obj"]\n' +
      '[assets]\ndirectory = "public"\nbinding = "ASSETS"\n',
    "index.js": WORKER,
    "public/index.html": "<p>home</p>\n",
  });
  dev = await startDev(dir);
})();
afterAll(async () => {
  await dev?.stop();
  cleanup(dir);
});

const via = async (query: string) => {
  await ready;
  const response = await fetch(new URL(`/via?${query}`, dev.url));
  return response.status === 200 ? response.json() : `${response.status} ${await response.text()}`;
};

test("a redirect from the bound worker is followed; the answer names the last URL and says it was redirected", async () => {
  expect(await via("p=/start")).toEqual({ status: 200, url: "http://example.com/final?x=1", redirected: true, body: "GET /final?x=1 " });
  expect(await via("p=/final")).toEqual({ status: 200, url: "http://example.com/final", redirected: false, body: "GET /final " });
});

test("redirect: 'manual' hands back the redirect itself", async () => {
  expect(await via("p=/start&r=manual")).toEqual({ status: 302, url: "http://example.com/start", redirected: false, body: "moving" });
});

test("a POST redirected with 302 becomes a GET without a body; a 307 sends the method and body again", async () => {
  expect(await via("p=/start&m=POST&body=payload")).toEqual({ status: 200, url: "http://example.com/final?x=1", redirected: true, body: "GET /final?x=1 " });
  expect(await via("p=/t307&m=POST&body=payload")).toEqual({ status: 200, url: "http://example.com/final", redirected: true, body: "POST /final payload" });
});

test("an answer to HEAD has no body, whatever the bound worker sent", async () => {
  expect(await via("p=/final&m=HEAD")).toEqual({ status: 200, url: "http://example.com/final", redirected: false, body: "" });
});

test("more than 20 redirects is workerd's TypeError", async () => {
  expect(await via("p=/loop")).toBe("500 Too many redirects.http://example.com/lo");
});

test("env.ASSETS.fetch follows the asset server's own redirect (/index.html to /)", async () => {
  await ready;
  const seen = await (await fetch(new URL("/assets?p=/index.html", dev.url))).json();
  expect(seen).toEqual({ status: 200, url: "http://example.com/", redirected: true, body: "<p>home</p>\n" });
});

test("a fetch event's request says redirect: 'manual', so a request made from it gets the redirect back", async () => {
  await ready;
  expect(await (await fetch(new URL("/mode", dev.url))).text()).toBe("manual");
  expect(await via("p=/mode")).toEqual({ status: 200, url: "http://example.com/mode", redirected: false, body: "manual" });
  expect(await (await fetch(new URL("/derived", dev.url))).text()).toBe("307 /");
});

test("a Durable Object stub's fetch follows the object's redirect, and the object's request says 'manual'", async () => {
  await ready;
  const seen = await (await fetch(new URL("/object?p=/start", dev.url))).json();
  expect(seen).toEqual({ status: 200, url: "http://example.com/final", redirected: true, body: "manual GET /final" });
});
