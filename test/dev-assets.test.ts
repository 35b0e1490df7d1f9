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
  const spa = createAssets(dir, { not_found_handling: "single-page-application" });
  expect(await spa.match(get("/some/route"))!.text()).toBe("app");
  const pages = createAssets(dir, { not_found_handling: "404-page" });
  const missing = pages.match(get("/docs/nope"))!;
  expect(missing.status).toBe(404);
  expect(await missing.text()).toBe("docs 404");
  expect(await pages.match(get("/elsewhere"))!.text()).toBe("top 404");
  expect(createAssets(dir).match(get("/elsewhere"))).toBeUndefined();
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
