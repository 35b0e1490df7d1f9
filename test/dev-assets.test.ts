// Static assets as bunflare dev serves them (runtime/bindings/assets).
import { afterEach, expect, test } from "bun:test";
import path from "node:path";
import { createAssets } from "../runtime/bindings/assets/index.ts";
import { cleanup, project } from "./dev-helpers.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) cleanup(dir);
});

function site(files: Record<string, string>) {
  const dir = project(files);
  dirs.push(dir);
  return dir;
}

const get = (path: string, init?: RequestInit) => new Request(`http://localhost${path}`, init);

test("serves files with a content type and revalidating cache headers", async () => {
  const assets = createAssets(site({ "style.css": "a{}", "index.html": "<p>home</p>" }));
  const css = assets.match(get("/style.css"))!;
  expect(css.status).toBe(200);
  expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
  expect(css.headers.get("cache-control")).toBe("public, max-age=0, must-revalidate");
  expect(await css.text()).toBe("a{}");
  expect(await assets.match(get("/"))!.text()).toBe("<p>home</p>");
});

test("a matching If-None-Match gets 304 and HEAD gets headers without a body", async () => {
  const assets = createAssets(site({ "a.txt": "hello" }));
  const etag = assets.match(get("/a.txt"))!.headers.get("etag")!;
  expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
  expect(assets.match(get("/a.txt", { headers: { "if-none-match": etag } }))!.status).toBe(304);
  const head = assets.match(get("/a.txt", { method: "HEAD" }))!;
  expect(head.status).toBe(200);
  expect(await head.text()).toBe("");
});

test("paths outside the directory are never served", () => {
  const dir = site({ "public/ok.txt": "ok", "secret.txt": "no" });
  const assets = createAssets(path.join(dir, "public"));
  expect(assets.match(get("/%2e%2e/secret.txt"))).toBeUndefined();
  expect(assets.match(get("/..%2fsecret.txt"))).toBeUndefined();
});

test("not_found_handling: single-page-application serves index.html, 404-page the nearest 404.html", async () => {
  const dir = site({ "index.html": "app", "404.html": "top 404", "docs/404.html": "docs 404" });
  const spa = createAssets(dir, { not_found_handling: "single-page-application" }, { hasWorker: false });
  expect(await spa.match(get("/some/route"))!.text()).toBe("app");
  const pages = createAssets(dir, { not_found_handling: "404-page" }, { hasWorker: false });
  const missing = pages.match(get("/docs/nope"))!;
  expect(missing.status).toBe(404);
  expect(await missing.text()).toBe("docs 404");
  expect(await pages.match(get("/elsewhere"))!.text()).toBe("top 404");
  expect(createAssets(dir).match(get("/elsewhere"))).toBeUndefined();
});

test("with a worker, a miss is the worker's unless it is a browser navigation (from 2025-04-01)", async () => {
  const dir = site({ "index.html": "app" });
  const config = { not_found_handling: "single-page-application" } as const;
  const old = createAssets(dir, config, { compatibilityDate: "2025-01-01" });
  const current = createAssets(dir, config, { compatibilityDate: "2025-05-01" });
  const navigate = get("/route", { headers: { "sec-fetch-mode": "navigate" } });
  expect(current.match(get("/route"))).toBeUndefined();
  expect(await current.match(navigate)!.text()).toBe("app");
  expect(old.match(navigate)).toBeUndefined();
  // env.ASSETS.fetch always applies not_found_handling.
  expect(await (await old.fetch("http://localhost/route")).text()).toBe("app");
});

test("html_handling: none serves exact paths only; drop-trailing-slash redirects /dir/ to /dir", () => {
  const dir = site({ "about.html": "about", "dir/index.html": "dir" });
  const none = createAssets(dir, { html_handling: "none" });
  expect(none.match(get("/about"))).toBeUndefined();
  expect(none.match(get("/about.html"))!.status).toBe(200);
  const drop = createAssets(dir, { html_handling: "drop-trailing-slash" });
  expect(drop.match(get("/dir/"))!.headers.get("location")).toBe("/dir");
  expect(drop.match(get("/dir"))!.status).toBe(200);
});

test("_headers: splats and placeholders fill values, `! Name` detaches, a later block for a path replaces an earlier one", async () => {
  const assets = createAssets(
    site({
      "a.txt": "a",
      "docs/x.json": "{}",
      _headers: "/*\n  X-All: yes\n/docs/*\n  X-Doc: :splat\n  ! X-All\n/a.txt\n  X-A: one\n/a.txt\n  X-A: two\n  X-A: three\n/docs/:file.json\n  X-File: :file\n",
    }),
  );
  const a = assets.match(get("/a.txt"))!;
  expect(a.headers.get("x-all")).toBe("yes");
  expect(a.headers.get("x-a")).toBe("two, three");
  const doc = assets.match(get("/docs/x.json"))!;
  expect(doc.headers.get("x-all")).toBeNull();
  expect(doc.headers.get("x-doc")).toBe("x.json");
  expect(doc.headers.get("x-file")).toBe("x");
});

test("_redirects: status codes, splats, placeholders, query strings and 200 proxying", async () => {
  const assets = createAssets(
    site({
      "a.txt": "a",
      _redirects: "/s /a.txt\n/p /a.txt 200\n/q /a.txt?x=1 301\n/blog/* /posts/:splat 308\n/u/:id/x /a.txt?id=:id 303\n/ext https://example.com/\n",
    }),
  );
  const location = (path: string) => assets.match(get(path))!.headers.get("location");
  expect(assets.match(get("/s"))!.status).toBe(302);
  expect(await assets.match(get("/p"))!.text()).toBe("a");
  expect(location("/q?y=2")).toBe("/a.txt?x=1");
  expect(location("/s?y=2")).toBe("/a.txt?y=2");
  expect([assets.match(get("/blog/2024/post"))!.status, location("/blog/2024/post")]).toEqual([308, "/posts/2024/post"]);
  expect([assets.match(get("/u/7/x"))!.status, location("/u/7/x")]).toEqual([303, "/a.txt?id=7"]);
  expect(location("/ext?k=v")).toBe("https://example.com/?k=v");
});

test("invalid _headers / _redirects lines are reported with wrangler's words and line numbers; the rest apply", () => {
  const dir = site({ "a.txt": "a", _redirects: "/ok /a.txt\nbad\n/x /y 418\n", _headers: "/a.txt\n  X-Ok: 1\nno colon\n" });
  const lines: string[] = [];
  const assets = createAssets(dir, {}, { log: (level, text) => lines.push(`${level}: ${text}`) });
  const shown = path.relative(process.cwd(), dir);
  expect(lines).toEqual([
    "info: ✨ Parsed 1 valid redirect rule.",
    `warn: Found 2 invalid redirect rules:\n▶︎ Expected exactly 2 or 3 whitespace-separated tokens. Got 1.\n    at ${shown}/_redirects:2 | bad\n\n▶︎ Valid status codes are 200, 301, 302 (default), 303, 307, or 308. Got 418.\n    at ${shown}/_redirects:3 | /x /y 418\n\n`,
    "info: ✨ Parsed 1 valid header rule.",
    `warn: Found 1 invalid header rule:\n▶︎ Expected a colon-separated header pair (e.g. name: value)\n    at ${shown}/_headers:3 | no colon\n\n`,
  ]);
  expect(assets.match(get("/ok"))!.status).toBe(302);
  expect(assets.match(get("/a.txt"))!.headers.get("x-ok")).toBe("1");
});

test("the rule limits: dynamic redirects past 100 are skipped with the rest of the file", () => {
  const rules = Array.from({ length: 102 }, (_, i) => `/d${i}/* /a.txt`).join("\n");
  const lines: string[] = [];
  createAssets(site({ "a.txt": "a", _redirects: rules }), {}, { log: (_level, text) => lines.push(text) });
  expect(lines[0]).toBe("✨ Parsed 100 valid redirect rules.");
  expect(lines[1]).toContain("▶︎ Maximum number of dynamic rules supported is 100. Skipping remaining 2 lines of file.");
});

test(".assetsignore hides files with gitignore patterns; the rule files are never served", () => {
  const assets = createAssets(
    site({ ".assetsignore": "*.log\nprivate/\n!keep.log\n", "x.log": "x", "keep.log": "k", "private/p.txt": "p", "ok.txt": "ok", _headers: "/ok.txt\n  A: b\n" }),
    {},
    { hasWorker: false },
  );
  for (const hidden of ["/x.log", "/private/p.txt", "/.assetsignore", "/_headers"]) expect(assets.match(get(hidden))!.status).toBe(404);
  expect(assets.match(get("/keep.log"))!.status).toBe(200);
  expect(assets.match(get("/ok.txt"))!.status).toBe(200);
});

test("run_worker_first: true leaves every request to the worker; patterns with `!` pick routes", () => {
  const dir = site({ "api/a.txt": "a", "api/static/s.txt": "s", "x.txt": "x" });
  expect(createAssets(dir, { run_worker_first: true }).match(get("/x.txt"))).toBeUndefined();
  const routed = createAssets(dir, { run_worker_first: ["/api/*", "!/api/static/*"] });
  expect(routed.match(get("/api/a.txt"))).toBeUndefined();
  expect(routed.match(get("/api/static/s.txt"))!.status).toBe(200);
  expect(routed.match(get("/api/static/none"))!.status).toBe(404);
  expect(routed.match(get("/x.txt"))!.status).toBe(200);
  expect(routed.match(get("/y.txt"))).toBeUndefined();
});

test("content types as the platform sends them: charset on text only, none for unknown extensions", () => {
  const names = ["a.js", "a.mjs", "a.json", "a.wasm", "a.webmanifest", "a.woff2", "a.svg", "a.ico", "a.md", "a.unknownext", "noext"];
  const assets = createAssets(site(Object.fromEntries(names.map((name) => [name, "x"]))));
  expect(names.map((name) => assets.match(get(`/${name}`))!.headers.get("content-type"))).toEqual([
    "text/javascript; charset=utf-8",
    "text/javascript; charset=utf-8",
    "application/json",
    "application/wasm",
    "application/manifest+json",
    "font/woff2",
    "image/svg+xml",
    "image/vnd.microsoft.icon",
    "text/markdown; charset=utf-8",
    null,
    null,
  ]);
});

test("a large file streams whole, and a range of it is cut from the file", async () => {
  const big = "0123456789".repeat(100_000);
  const assets = createAssets(site({ "big.txt": big }));
  const whole = assets.match(get("/big.txt"))!;
  expect(whole.body).toBeInstanceOf(ReadableStream);
  expect(await whole.text()).toBe(big);
  const part = assets.match(get("/big.txt", { headers: { range: "bytes=300000-300009" } }))!;
  expect([part.status, part.headers.get("content-range"), await part.text()]).toEqual([206, "bytes 300000-300009/1000000", "0123456789"]);
  const head = assets.match(get("/big.txt", { method: "HEAD" }))!;
  expect([head.status, await head.text()]).toEqual([200, ""]);
});
