// Pages Functions (src/pages/functions.ts + runtime/pages/router.ts): a functions/ directory's routes as
// wrangler names and orders them, its errors, and the generated entry served by a
// real `bunflare dev` (main = the entry, an ASSETS binding), answered over HTTP.
import { expect, test } from "bun:test";
import path from "node:path";
import { FunctionsBuildError, FunctionsNoRoutesError, functionsRoutes, writeFunctionsEntry } from "../src/pages/functions.ts";
import { compile, run } from "../runtime/pages/router.ts";
import { cleanedAfterEach, project, ROOT, startDev } from "./dev-helpers.ts";

const { running, dirs } = cleanedAfterEach();

function site(files: Record<string, string>): string {
  const dir = project(files);
  dirs.push(dir);
  return dir;
}

const handler = (body: string) => `export const onRequest = () => new Response(${JSON.stringify(body)});`;

test("routes are named from file paths and ordered most specific first, as wrangler orders them", async () => {
  const dir = site({
    "functions/index.js": handler("root"),
    "functions/api.js": handler("api file"),
    "functions/api/index.js": handler("api index"),
    "functions/t.tsx": "export const onRequestGet = () => new Response('t');",
    "functions/users/_middleware.js": "export const onRequest = [() => new Response('m')];",
    "functions/users/me.js": handler("me"),
    "functions/users/[id]/index.ts": "export const onRequestPost = () => new Response('p'); export const onRequestGet = () => new Response('g');",
    "functions/users/[id]/settings.js": handler("settings"),
    "functions/blog/[[slug]]/index.js": handler("blog"),
    "functions/deep/a/b/c.js": handler("c"),
    "functions/deep/_middleware_.js": handler("deep"),
    "functions/cjs.js": "module.exports.onRequest = () => 1;",
    "functions/nothing.js": "const x = 1;",
    "functions/other.mts": handler("not a route file"),
    "functions/readme.txt": "not code",
  });
  const routes = await functionsRoutes(path.join(dir, "functions"));
  expect(routes.map((r) => [r.routePath, r.mountPath, r.method, r.middleware ?? r.module])).toEqual([
    ["/deep/a/b/c", "/deep/a/b", "", ["deep/a/b/c.js:onRequest"]],
    ["/users/:id/settings", "/users/:id", "", ["users/[id]/settings.js:onRequest"]],
    ["/users/me", "/users", "", ["users/me.js:onRequest"]],
    ["/users/:id", "/users/:id", "GET", ["users/[id]/index.ts:onRequestGet"]],
    ["/users/:id", "/users/:id", "POST", ["users/[id]/index.ts:onRequestPost"]],
    ["/blog/:slug*", "/blog/:slug*", "", ["blog/[[slug]]/index.js:onRequest"]],
    ["/t", "/", "GET", ["t.tsx:onRequestGet"]],
    // api.js and api/index.js name one route: the later file (breadth first) wins.
    ["/api", "/api", "", ["api/index.js:onRequest"]],
    ["/deep", "/deep", "", ["deep/_middleware_.js:onRequest"]],
    ["/users", "/users", "", ["users/_middleware.js:onRequest"]],
    ["/", "/", "", ["index.js:onRequest"]],
  ]);
});

test("a bad parameter name, a file that does not parse, and no routes are reported in wrangler's words", async () => {
  const badName = site({ "functions/[a-b].js": handler("x") });
  const cwd = process.cwd();
  process.chdir(badName);
  try {
    const error = await writeFunctionsEntry("functions", "out").catch((e) => e);
    expect(error).toBeInstanceOf(FunctionsBuildError);
    expect(error.message).toBe("Failed to build Functions at ./functions.");
    expect(error.detail).toBe('Invalid Pages function route parameter - "[a-b]". Parameter names must only contain alphanumeric and underscore characters.');
  } finally {
    process.chdir(cwd);
  }
  const badCatchAll = site({ "functions/[[a.b]].js": handler("x") });
  const catchAll = await functionsRoutes(path.join(badCatchAll, "functions")).catch((e) => e);
  expect(catchAll.detail).toBe('Invalid Pages function route parameter - "[[a.b]]". Parameters names must only contain alphanumeric and underscore characters.');

  // Only the first file that does not build is reported (breadth first), as wrangler builds them one by one.
  const broken = site({ "functions/bad.js": "export const onRequest = () => { return new Response(", "functions/a/worse.js": "export const (" });
  const build = await functionsRoutes(path.join(broken, "functions")).catch((e) => e);
  expect(build).toBeInstanceOf(FunctionsBuildError);
  expect(build.detail).toMatch(/^Build failed with 1 error:\n.*bad\.js:1:\d+: ERROR: /);
  expect(build.detail).not.toContain("worse");

  const empty = site({ "functions/a.js": "export const x = 1;" });
  const none = await writeFunctionsEntry(path.join(empty, "functions"), path.join(empty, "out")).catch((e) => e);
  expect(none).toBeInstanceOf(FunctionsNoRoutesError);
  expect(none.message).toStartWith("No routes found when building Functions directory: ");
});

test("route matching follows path-to-regexp: case-insensitive, optional trailing slash, catch-alls as arrays", () => {
  const exact = (route: string, pathname: string) => run(compile(route, true), pathname);
  expect(exact("/api/:name", "/API/Bob/")).toEqual({ path: "/API/Bob/", params: { name: "Bob" } });
  expect(exact("/api/:name", "/api/a/b")).toBeNull();
  expect(exact("/api/:rest*", "/api/a/b/c")).toEqual({ path: "/api/a/b/c", params: { rest: ["a", "b", "c"] } });
  expect(exact("/api/:rest*", "/api")).toEqual({ path: "/api", params: {} });
  expect(exact("/v1.2/x", "/v1x2/x")).toBeNull();
  expect(exact("/a/:b-c", "/a/z-c")).toEqual({ path: "/a/z-c", params: { b: "z" } });
  expect(exact("/api/:name", "/api/hello%20world")).toEqual({ path: "/api/hello%20world", params: { name: "hello%20world" } });
  const prefix = (route: string, pathname: string) => run(compile(route, false), pathname);
  expect(prefix("/users", "/users/7/x")?.path).toBe("/users");
  expect(prefix("/users", "/usersx")).toBeNull();
  expect(prefix("/", "/anything")?.path).toBe("/");
});

test("the entry served by bunflare dev: middleware chain, params, data, next(), methods, errors, assets", async () => {
  const dir = site({
    "public/index.html": "<h1>hi</h1>",
    "public/static.txt": "static file",
    "functions/_middleware.js": `
      const a = async (c) => { c.data.order = ["a"]; const r = await c.next(); r.headers.set("x-a", "1"); return r; };
      const b = async (c) => { c.data.order.push("b:" + c.functionPath); return c.next(); };
      export const onRequest = [a, b];`,
    "functions/api/[name].js": "export const onRequestGet = (c) => Response.json({ name: c.params.name, data: c.data, fp: c.functionPath });",
    "functions/api/[[rest]].js": "export const onRequest = (c) => Response.json({ rest: c.params.rest ?? null, data: c.data, m: c.request.method });",
    "functions/api/_middleware.ts": `export const onRequestPost = async (c) => { c.data.order.push("apimw"); return c.next(); };`,
    "functions/throw.js": `export const onRequest = () => { throw new Error("boom"); };`,
    "functions/pass.js": `export const onRequest = (c) => { c.passThroughOnException(); throw new Error("pass"); };`,
    "functions/data.js": "export const onRequest = (c) => { c.data = 5; return new Response('x'); };",
    "functions/data2.js": "export const onRequest = (c) => { c.data = { merged: 1 }; return Response.json(c.data); };",
    "functions/next.js": `export const onRequest = (c) => c.next("/static.txt");`,
    "functions/nonresp.js": `export const onRequest = () => "nope";`,
    "functions/head.js": `export const onRequestGet = () => new Response("get only", { headers: { "x-h": "1" } });`,
    "functions/fp/[id]/index.js": "export const onRequest = (c) => Response.json({ id: c.params.id, fp: c.functionPath });",
    "functions/fp/index.js": `export const onRequestGet = () => new Response("index fn");`,
    "functions/echo/_middleware.js": "export const onRequestPost = async (c) => { c.data.seen = await c.request.text(); return c.next(); };",
    "functions/echo/index.js": "export const onRequestPost = async (c) => Response.json({ seen: c.data.seen, body: await c.request.text() });",
  });
  const entry = await writeFunctionsEntry(path.join(dir, "functions"), path.join(dir, ".bunflare-pages"));
  await Bun.write(
    path.join(dir, "wrangler.toml"),
    `name = "pf"\nmain = ${JSON.stringify(entry)}\ncompatibility_date = "2025-01-01"\nassets = { directory = "public", binding = "ASSETS", run_worker_first = true }\n`,
  );
  const dev = await startDev(dir);
  running.push(dev);
  const get = (p: string, init?: RequestInit) => fetch(dev.url + p, init);

  let res = await get("/");
  expect([res.status, res.headers.get("x-a"), await res.text()]).toEqual([200, "1", "<h1>hi</h1>"]);
  res = await get("/api/bob");
  expect(await res.json()).toEqual({ name: "bob", data: { order: ["a", "b:/"] }, fp: "/api/bob" });
  expect(res.headers.get("x-a")).toBe("1");
  expect(await (await get("/API/Bob/")).json()).toEqual({ name: "Bob", data: { order: ["a", "b:/"] }, fp: "/API/Bob/" });
  expect(await (await get("/api/a/b/c")).json()).toEqual({ rest: ["a", "b", "c"], data: { order: ["a", "b:/"] }, m: "GET" });
  expect(await (await get("/api")).json()).toEqual({ rest: null, data: { order: ["a", "b:/"] }, m: "GET" });
  // POST skips the GET-only route; the POST middleware of api/ runs after the root's.
  expect(await (await get("/api/bob", { method: "POST" })).json()).toEqual({ rest: ["bob"], data: { order: ["a", "b:/", "apimw"] }, m: "POST" });
  // Each handler gets its own copy of the request: a middleware reading the body leaves it to the next.
  expect(await (await get("/echo", { method: "POST", body: "payload" })).json()).toEqual({ seen: "payload", body: "payload" });
  expect(await (await get("/fp/7")).json()).toEqual({ id: "7", fp: "/fp/7" });
  expect(await (await get("/fp")).text()).toBe("index fn");
  expect(await (await get("/next")).text()).toBe("static file");
  // context.data replaced by an object: later reads see the new object.
  expect(await (await get("/data2")).json()).toEqual({ merged: 1 });
  // HEAD matches no GET handler: it goes on to the assets.
  res = await get("/head", { method: "HEAD" });
  expect([res.headers.get("x-h"), res.headers.get("x-a")]).toEqual([null, "1"]);
  expect(await (await get("/head")).text()).toBe("get only");
  // passThroughOnException: the error falls through to the assets, past the middleware.
  res = await get("/pass");
  expect(res.headers.get("x-a")).toBeNull();

  for (const [p, message] of [
    ["/throw", "Error: boom"],
    ["/data", "Error: context.data must be an object"],
    ["/nonresp", "Error: Your Pages function should return a Response"],
  ] as const) {
    res = await get(p);
    expect(res.status).toBe(500);
    expect(await res.text()).toContain(message);
    await dev.waitForOutput(new RegExp(`\\[wrangler:error\\] ${message}`));
  }
});

async function pagesDevFailing(files: Record<string, string>) {
  const dir = site(files);
  const child = Bun.spawn([path.join(ROOT, "bin", "bunflare"), "pages", "dev", "public", "--port", "0", "--compatibility-date", "2025-01-01"], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: "1", HOME: dir },
    stdout: "pipe",
    stderr: "pipe",
  });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { stdout, stderr, exitCode };
}

test("pages dev: a route file that does not parse, a bad parameter name or an unresolved import end it, exit 1", async () => {
  const parse = await pagesDevFailing({ "public/index.html": "hi", "functions/bad.js": "export const onRequest = () => { return new Response(\n" });
  expect(parse.exitCode).toBe(1);
  expect(parse.stderr).toContain("✘ [ERROR] Unexpected end of file\n\n    functions/bad.js:2:0:");
  expect(parse.stderr).toContain("✘ [ERROR] Failed to build Functions at ./functions.");
  const name = await pagesDevFailing({ "public/index.html": "hi", "functions/[user-id].js": handler("x") });
  expect([name.exitCode, name.stderr.trim()]).toEqual([1, "✘ [ERROR] Failed to build Functions at ./functions."]);
  const unresolved = await pagesDevFailing({ "public/index.html": "hi", "functions/a.js": 'import x from "./nope.js";\nexport const onRequest = () => new Response(x);' });
  expect(unresolved.exitCode).toBe(1);
  expect(unresolved.stderr).toContain('Could not resolve "./nope.js"');
  expect(unresolved.stderr).toContain("✘ [ERROR] Failed to build Functions at ./functions.");
  expect(unresolved.stdout).not.toContain("Ready on");
});

test("pages dev: a functions directory where no file exports a handler is skipped, and the assets served", async () => {
  const dir = site({ "public/index.html": "<h1>hi</h1>", "functions/a.js": "export const x = 1;" });
  const dev = await startDev(dir, ["public", "--compatibility-date", "2025-01-01"], { command: ["pages", "dev"] });
  running.push(dev);
  expect(await (await fetch(dev.url + "/")).text()).toBe("<h1>hi</h1>");
  expect(dev.output()).toContain("No Functions. Shimming...");
  expect(dev.output()).toContain("✘ [ERROR] No routes found when building Functions directory: ./functions - skipping");
});
