// bunflare pages dev end to end: real processes on free ports, real HTTP.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync } from "node:fs";
import path from "node:path";
import { cleanedAfterEach, eventually, project, ROOT, startDev, strip, write } from "./dev-helpers.ts";

setDefaultTimeout(30_000);

const { running, dirs } = cleanedAfterEach();
const BIN = path.join(ROOT, "bin", "bunflare");

async function pages(files: Record<string, string>, args: string[] = ["public", "--compatibility-date", "2025-01-01"]) {
  const dir = project(files);
  dirs.push(dir);
  const dev = await startDev(dir, args, { command: ["pages", "dev"] });
  running.push(dev);
  return { dir, dev, get: (p: string, init?: RequestInit) => fetch(new URL(p, dev.url), { redirect: "manual", ...init }) };
}

async function failing(files: Record<string, string>, args: string[]) {
  const dir = project(files);
  dirs.push(dir);
  const child = Bun.spawn([BIN, "pages", "dev", "--port", "0", ...args], { cwd: dir, env: { ...process.env, NO_COLOR: "1", HOME: dir }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { stdout: strip(stdout), stderr: strip(stderr), exitCode };
}

const WORKER =
  'export default { async fetch(request, env) { const url = new URL(request.url); if (url.pathname === "/api") return new Response(`api ${env.CF_PAGES} ${env.CF_PAGES_BRANCH} ${env.FOO}`); return env.ASSETS.fetch(request); } };\n';


describe("bunflare pages dev", () => {
  test("an assets-only directory is served with Pages' headers, the shim line and the Pages vars in the table", async () => {
    const { dev, get } = await pages({ "public/index.html": "<h1>hi</h1>" });
    const response = await get("/");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("<h1>hi</h1>");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("x-server-env")).toBe("dev");
    expect(response.headers.get("cache-control")).toBe("public, max-age=0, must-revalidate");
    const out = dev.output();
    expect(out).toContain("No Functions. Shimming...");
    expect(out).toContain('env.CF_PAGES ("1")');
    expect(out).toContain('env.CF_PAGES_BRANCH ("local")');
    expect(out).toContain('env.CF_PAGES_COMMIT_SHA ("0000000000000000000000000000000000000...")');
    // The directory's name (a long one cut, as every var in the table).
    expect(out).toContain('env.CF_PAGES_URL ("https://00000000.bunflare-dev-test-');
    await dev.waitForOutput(/\[wrangler:info\] GET \/ 200 OK \(\d+ms\)/);
  });

  test("without a worker, the config's bindings and vars are left out of the table, the flags' and .dev.vars are in it", async () => {
    const { dev } = await pages(
      {
        "wrangler.toml": 'name = "site"\npages_build_output_dir = "public"\ncompatibility_date = "2025-01-01"\n[vars]\nFOO = "bar"\n[[kv_namespaces]]\nbinding = "KV"\nid = "kv-id"\n',
        ".dev.vars": "SECRET=x\n",
        "public/index.html": "hi",
      },
      ["--kv", "FLAG_KV", "-b", "B=1"],
    );
    const out = dev.output();
    expect(out).toMatch(/env\.FLAG_KV \(FLAG_KV\)\s+KV Namespace/);
    expect(out).toMatch(/env\.SECRET \("\(hidden\)"\)/);
    expect(out).toMatch(/env\.B \("\(hidden\)"\)/);
    expect(out).not.toContain("env.KV ");
    expect(out).not.toContain("env.FOO ");
  });

  test("html handling: .html and /index redirect with 308, a folder without its slash is redirected to it", async () => {
    const { get } = await pages({ "public/index.html": "home", "public/about.html": "about", "public/docs/index.html": "docs" });
    expect((await get("/about.html")).headers.get("location")).toBe("/about");
    expect((await get("/about.html")).status).toBe(308);
    expect(await (await get("/about")).text()).toBe("about");
    expect((await get("/index.html")).headers.get("location")).toBe("/");
    const docs = await get("/docs");
    expect(docs.status).toBe(308);
    expect(docs.headers.get("location")).toBe("/docs/");
    expect(await (await get("/docs/")).text()).toBe("docs");
  });

  test("a miss gets the nearest 404.html with status 404, or index.html (single-page app) without one", async () => {
    const spa = await pages({ "public/index.html": "app" });
    const fallback = await spa.get("/some/route");
    expect(fallback.status).toBe(200);
    expect(await fallback.text()).toBe("app");
    const site = await pages({ "public/index.html": "home", "public/404.html": "top 404", "public/blog/404.html": "blog 404" });
    const blog = await site.get("/blog/missing");
    expect(blog.status).toBe(404);
    expect(await blog.text()).toBe("blog 404");
    const top = await site.get("/missing");
    expect(top.status).toBe(404);
    expect(await top.text()).toBe("top 404");
  });

  test("_headers and _redirects in the directory apply", async () => {
    const { get } = await pages({
      "public/index.html": "home",
      "public/_headers": "/*\n  X-Custom: yes\n",
      "public/_redirects": "/old /index 301\n",
    });
    expect((await get("/")).headers.get("x-custom")).toBe("yes");
    const old = await get("/old");
    expect(old.status).toBe(301);
    expect(old.headers.get("location")).toBe("/index");
  });

  test("_worker.js is the worker: env.ASSETS serves the directory, -b vars and the Pages vars reach env, the file is never served", async () => {
    const { dev, get } = await pages({ "public/index.html": "home", "public/_worker.js": WORKER }, [
      "public",
      "--compatibility-date",
      "2025-01-01",
      "-b",
      "FOO=bar",
    ]);
    expect(await (await get("/api")).text()).toBe("api 1 local bar");
    const home = await get("/");
    expect(await home.text()).toBe("home");
    expect(home.headers.get("x-server-env")).toBe("dev");
    expect(await (await get("/_worker.js")).text()).toBe("home");
    expect(dev.output()).toContain("✨ Compiled Worker successfully");
    expect(dev.output()).toContain('env.FOO ("(hidden)")');
    expect(dev.output()).not.toContain("env.ASSETS");
  });

  test("a _worker.js directory with index.js is the worker", async () => {
    const { get } = await pages({ "public/index.html": "home", "public/_worker.js/index.js": WORKER });
    expect(await (await get("/api")).text()).toBe("api 1 local undefined");
  });

  test("_routes.json sends included paths (/api/* with /api itself) to the worker and the rest straight to the assets", async () => {
    const worker = 'export default { fetch() { return new Response("from worker"); } };\n';
    const { get } = await pages({
      "public/index.html": "home",
      "public/_worker.js": worker,
      "public/_routes.json": JSON.stringify({ version: 1, include: ["/api/*"], exclude: ["/api/static"] }),
    });
    expect(await (await get("/api/x")).text()).toBe("from worker");
    // As Pages reads the rules: `/api/*` covers `/api` itself.
    expect(await (await get("/api")).text()).toBe("from worker");
    expect(await (await get("/api/static")).text()).toBe("home");
    expect(await (await get("/other")).text()).toBe("home");
  });

  test("a config's pages_build_output_dir is the directory, and its vars and bindings reach the worker", async () => {
    const { dev, get } = await pages(
      {
        "wrangler.toml": 'name = "proj"\npages_build_output_dir = "./dist"\ncompatibility_date = "2025-01-01"\n[vars]\nFOO = "bar"\n[[kv_namespaces]]\nbinding = "KV"\nid = "abc"\n',
        "dist/index.html": "dist home",
        "dist/_worker.js":
          'export default { async fetch(request, env) { if (new URL(request.url).pathname === "/kv") { await env.KV.put("k", "v"); return new Response(await env.KV.get("k")); } if (new URL(request.url).pathname === "/api") return new Response(env.FOO); return env.ASSETS.fetch(request); } };\n',
      },
      [],
    );
    expect(await (await get("/")).text()).toBe("dist home");
    expect(await (await get("/api")).text()).toBe("bar");
    expect(await (await get("/kv")).text()).toBe("v");
    expect(dev.output()).toContain('env.CF_PAGES_URL ("https://00000000.proj.pages.dev")');
    expect(dev.output()).toContain("env.KV (abc)");
  });

  test("--kv, --d1, --r2 and --do flags bind as wrangler names them", async () => {
    const worker = "export default { fetch(request, env) { return new Response(JSON.stringify(Object.keys(env).sort())); } };\n";
    const { dev, get } = await pages({ "public/_worker.js": worker }, [
      "public",
      "--compatibility-date",
      "2025-01-01",
      "--kv",
      "KV",
      "--d1",
      "DB",
      "--r2",
      "B",
      "--do",
      "D=Cls@other",
    ]);
    expect(await (await get("/")).json()).toEqual(["ASSETS", "B", "CF_PAGES", "CF_PAGES_BRANCH", "CF_PAGES_COMMIT_SHA", "CF_PAGES_URL", "D", "DB", "KV"]);
    const out = dev.output();
    expect(out).toContain("env.KV (KV)");
    expect(out).toContain("env.DB (local-DB)");
    expect(out).toContain("env.B (B)");
    expect(out).toContain("env.D (Cls, defined in other)");
  });

  test("an edit of _worker.js reloads the worker", async () => {
    const { dir, get } = await pages({ "public/_worker.js": 'export default { fetch() { return new Response("one"); } };\n' });
    expect(await (await get("/")).text()).toBe("one");
    write(dir, "public/_worker.js", 'export default { fetch() { return new Response("two"); } };\n');
    await eventually(async () => (await (await get("/")).text()) === "two");
  });

  test("a matching If-None-Match gets 304 and HEAD gets Pages' headers without a body", async () => {
    const { get } = await pages({ "public/index.html": "home" });
    const etag = (await get("/")).headers.get("etag")!;
    expect(etag).toMatch(/^"[0-9a-f]{32}"$/);
    expect((await get("/", { headers: { "if-none-match": etag } })).status).toBe(304);
    const head = await get("/", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.headers.get("x-server-env")).toBe("dev");
    expect(await head.text()).toBe("");
    expect((await get("/", { method: "POST", body: "x" })).status).toBe(405);
  });

  test("--persist-to keeps the worker's data in that directory", async () => {
    const worker = 'export default { async fetch(request, env) { await env.KV.put("k", "v"); return new Response(await env.KV.get("k")); } };\n';
    const { dir, get } = await pages({ "public/_worker.js": worker }, ["public", "--compatibility-date", "2025-01-01", "--kv", "KV", "--persist-to", "state"]);
    expect(await (await get("/")).text()).toBe("v");
    expect(existsSync(path.join(dir, "state", "data.sqlite"))).toBe(true);
    expect(existsSync(path.join(dir, ".bunflare"))).toBe(false);
  });

  test("a directory that does not exist starts and answers 404, as wrangler's", async () => {
    const { get } = await pages({}, ["missing", "--compatibility-date", "2025-01-01"]);
    expect((await get("/")).status).toBe(404);
  });

  test("without a compatibility date, wrangler pages dev's warning names its command", async () => {
    const { dev } = await pages({ "public/index.html": "home" }, ["public"]);
    const out = dev.output();
    expect(out).toContain("No compatibility_date was specified. Using today's date:");
    expect(out).toContain("❯❯ Add one to your Wrangler configuration file: compatibility_date =");
    expect(out).toMatch(/❯❯ Pass it in your terminal: wrangler pages dev \[<DIRECTORY>\] --compatibility-date=\d{4}-\d{2}-\d{2}/);
  });

  test("no directory and no pages_build_output_dir: wrangler's error, exit 1", async () => {
    const result = await failing({}, ["--compatibility-date", "2025-01-01"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      "✘ [ERROR] Must specify a directory of static assets to serve, or a command to run, or a proxy port, or configure `pages_build_output_dir` in your Wrangler configuration file.",
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test("-c is refused as wrangler refuses it, exit 1", async () => {
    const result = await failing({ "other.toml": 'name = "x"\n', "public/index.html": "x" }, ["public", "-c", "other.toml"]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("✘ [ERROR] Pages does not support custom paths for the Wrangler configuration file");
  });

  test("the deprecated proxy command and --proxy are refused in one message, exit 1", async () => {
    for (const args of [["--proxy", "3000"], ["public", "npm start"]]) {
      const result = await failing({ "public/index.html": "x" }, ["--compatibility-date", "2025-01-01", ...args]);
      expect(result.exitCode).toBe(1);
      expect(result.stderr).toContain("✘ [ERROR] bunflare pages dev serves a directory of static assets only: it does not run a proxy command nor proxy a port");
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  });

  test("a functions/ directory is the worker, and a route file added later is served after the reload", async () => {
    const { dir, dev, get } = await pages({
      "public/index.html": "home",
      "functions/api/hello.js": 'export const onRequest = () => new Response("hello fn");\n',
    });
    expect(await (await get("/api/hello")).text()).toBe("hello fn");
    expect(await (await get("/")).text()).toBe("home");
    expect(dev.output()).toContain("✨ Compiled Worker successfully");
    write(dir, "functions/api/added.js", 'export const onRequest = () => new Response("added fn");\n');
    await eventually(async () => (await (await get("/api/added")).text()) === "added fn");
  });
});
