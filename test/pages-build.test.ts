// `pages functions build`: what it writes (the upload, --outdir, the routes files), that the Worker it
// builds answers as Pages Functions do, --fallback-service, --plugin, --watch, and its errors.
import { expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { BIN, runBunflare, scratchProjects } from "./cli-helpers.ts";
import { routesSpec } from "../src/pages/build.ts";
import type { FunctionsRoute } from "../src/pages/functions.ts";

const scratch = scratchProjects("pages-build-test-");
const run = runBunflare;

const FUNCTIONS = {
  "functions/_middleware.js": 'export const onRequest = async (c) => { c.data.mw = true; const r = await c.next(); r.headers.set("x-mw", "1"); return r; };',
  "functions/index.js": 'export function onRequest() { return new Response("home"); }',
  "functions/api/[id].ts": "export const onRequestGet = ({ params, data }: any) => Response.json({ id: params.id, data });",
  "functions/docs/[[path]].js": "export const onRequest = ({ params }) => Response.json(params.path ?? null);",
  "functions/notes.txt": "notes",
  "functions/text.js": 'import t from "./notes.txt";\nexport const onRequest = () => new Response(t);',
};

/** An ASSETS binding that answers every request with its path. */
const assets = { fetch: async (request: Request) => new Response(`asset ${new URL(request.url).pathname}`, { headers: { "x-asset": "1" } }) };
const ctx = { waitUntil() {}, passThroughOnException() {} };

test("the default output is _worker.bundle: the upload, whose Worker routes requests as Pages does", async () => {
  const dir = scratch(FUNCTIONS);
  const result = await run(["pages", "functions", "build"], dir);
  expect(result.exitCode).toBe(0);
  expect(result.stdout).toContain("✨ Compiled Worker successfully");
  const bytes = readFileSync(path.join(dir, "_worker.bundle"));
  const boundary = /^--(\S+)\r\n/.exec(bytes.toString("latin1"))![1]!;
  const form = await new Response(bytes, { headers: { "content-type": `multipart/form-data; boundary=${boundary}` } }).formData();
  const metadata = JSON.parse(String(form.get("metadata")));
  expect(Object.keys(metadata)).toEqual(["main_module"]);
  expect(metadata.main_module).toMatch(/^functionsWorker-0\.\d+\.js$/);
  const hash = new Bun.CryptoHasher("sha1").update("notes").digest("hex");
  expect([...(form as unknown as { keys(): Iterable<string> }).keys()]).toEqual(["metadata", metadata.main_module, `./${hash}-notes.txt`]);
  // The parts, laid out as modules, make a Worker that runs.
  const out = path.join(dir, "unpacked");
  mkdirSync(out);
  for (const [name, value] of (form as unknown as { entries(): Iterable<[string, string | Blob]> }).entries()) {
    if (typeof value !== "string") writeFileSync(path.join(out, name), new Uint8Array(await value.arrayBuffer()));
  }
  const worker = (await import(path.join(out, metadata.main_module))).default;
  const get = (url: string, init?: RequestInit) => worker.fetch(new Request(`https://x${url}`, init), { ASSETS: assets }, ctx) as Promise<Response>;
  const home = await get("/");
  expect(await home.text()).toBe("home");
  expect(home.headers.get("x-mw")).toBe("1");
  expect(await (await get("/api/7")).json()).toEqual({ id: "7", data: { mw: true } });
  expect(await (await get("/docs/a/b")).json()).toEqual(["a", "b"]);
  expect(await (await get("/text")).text()).toBe("notes");
  // No route for the method or path: the chain ends in env.ASSETS, the middleware still around it.
  const fallback = await get("/api/7", { method: "POST" });
  expect(await fallback.text()).toBe("asset /api/7");
  expect(fallback.headers.get("x-mw")).toBe("1");
});

test("--outdir writes index.js and the modules; the routes config and _routes.json are wrangler's", async () => {
  const dir = scratch(FUNCTIONS);
  const result = await run(["pages", "functions", "build", "--outdir", "out", "--output-config-path", "gen/config.json", "--output-routes-path", "gen/_routes.json"], dir);
  expect(result.exitCode).toBe(0);
  const hash = new Bun.CryptoHasher("sha1").update("notes").digest("hex");
  expect(readdirSync(path.join(dir, "out")).sort()).toEqual([`${hash}-notes.txt`, "index.js"]);
  const config = JSON.parse(readFileSync(path.join(dir, "gen/config.json"), "utf8"));
  expect(config.baseURL).toBe("/");
  // Most specific first: of two routes alike, the one for a method.
  expect(config.routes[0]).toEqual({ routePath: "/api/:id", mountPath: "/api", method: "GET", module: ["api/[id].ts:onRequestGet"] });
  expect(config.routes[1]).toEqual({ routePath: "/docs/:path*", mountPath: "/docs", method: "", module: ["docs/[[path]].js:onRequest"] });
  expect(config.routes.at(-1)).toEqual({ routePath: "/", mountPath: "/", method: "", middleware: ["_middleware.js:onRequest"], module: ["index.js:onRequest"] });
  const routes = JSON.parse(readFileSync(path.join(dir, "gen/_routes.json"), "utf8"));
  expect(routes).toEqual({ version: 1, description: expect.stringMatching(/^Generated by bunflare@/), include: ["/*"], exclude: [] });
  const worker = (await import(path.join(dir, "out/index.js"))).default;
  expect(await (await worker.fetch(new Request("https://x/api/9"), { ASSETS: assets }, ctx)).json()).toEqual({ id: "9", data: { mw: true } });
});

test("_routes.json: a route up to its first parameter, a middleware's path and below, covered globs dropped, least specific last", () => {
  const route = (routePath: string, extra: Partial<FunctionsRoute> = {}): FunctionsRoute => ({ routePath, mountPath: "/", method: "", module: ["x.js:onRequest"], ...extra });
  const spec = routesSpec(
    [
      route("/api/v1/users/:id", { method: "POST" }),
      route("/docs/:path*"),
      route("/admin", { middleware: ["admin/_middleware.ts:onRequest"] }),
      route("/admin/settings"),
      route("/about"),
      route(`/${"long/".repeat(30)}x`),
    ],
    "1.2.3",
  );
  expect(spec).toEqual({
    version: 1,
    description: "Generated by bunflare@1.2.3",
    include: ["/about", "/docs/*", "/admin/*", "/api/v1/users/*", `/${"long/".repeat(19)}*`],
    exclude: [],
  });
});

test("--fallback-service names the binding the chain ends in", async () => {
  const dir = scratch({ "functions/a.js": "export const onRequest = (c) => c.next();" });
  expect((await run(["pages", "functions", "build", "--outdir", "out", "--fallback-service", "OTHER"], dir)).exitCode).toBe(0);
  const worker = (await import(path.join(dir, "out/index.js"))).default;
  const response = await worker.fetch(new Request("https://x/a"), { OTHER: assets }, ctx);
  expect(await response.text()).toBe("asset /a");
});

test("--plugin builds a Pages Plugin: mounted by a project's middleware, its routes below the mount, its chain ending in the project's", async () => {
  const dir = scratch({
    "functions/_middleware.js": 'export const onRequest = async (c) => { const r = await c.next(); r.headers.set("x-plugin", String(c.pluginArgs)); return r; };',
    "functions/hello.js": 'export const onRequest = (c) => new Response("hello from the plugin at " + c.functionPath);',
  });
  const result = await run(["pages", "functions", "build", "--plugin", "--outdir", "plugin"], dir);
  expect(result.exitCode).toBe(0);
  const plugin = (await import(path.join(dir, "plugin/index.js"))).default;
  const onRequest = plugin("args!");
  const mount = (url: string) =>
    onRequest({
      request: new Request(`https://x${url}`),
      functionPath: "/mounted",
      next: async () => new Response("project's next"),
      params: {},
      data: {},
      env: {},
      waitUntil() {},
      passThroughOnException() {},
    }) as Promise<Response>;
  const hello = await mount("/mounted/hello");
  expect(await hello.text()).toBe("hello from the plugin at /mounted/hello");
  expect(hello.headers.get("x-plugin")).toBe("args!");
  expect(await (await mount("/mounted/other")).text()).toBe("project's next");
});

test("errors: nothing to build is exit 157, no routes 156, a file that does not parse 1", async () => {
  const dir = scratch({ "none/functions/a.js": "export const x = 1;", "bad/functions/a.js": "export const onRequest = ( => 1;" });
  const nothing = await run(["pages", "functions", "build"], dir);
  expect(nothing.exitCode).toBe(157);
  expect(nothing.stderr).toContain("Could not find anything to build.");
  const none = await run(["pages", "functions", "build", "none/functions"], dir);
  expect(none.exitCode).toBe(156);
  expect(none.stderr).toContain("No routes found when building Functions directory: none/functions");
  const bad = await run(["pages", "functions", "build", "bad/functions"], dir);
  expect(bad.exitCode).toBe(1);
  expect(bad.stderr).toContain('bad/functions/a.js:1:27: ERROR: Unexpected "=>"');
  expect(existsSync(path.join(dir, "_worker.bundle"))).toBe(false);
});

test("--watch builds again when a route file comes, and keeps watching after one that does not build", async () => {
  const dir = scratch({ "functions/a.js": 'export const onRequest = () => new Response("a");' });
  const proc = Bun.spawn([BIN, "pages", "functions", "build", "--outdir", "out", "--watch"], { cwd: dir, stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } });
  const bundle = path.join(dir, "out/index.js");
  const waitFor = async (check: () => boolean) => {
    while (!check()) await Bun.sleep(50);
  };
  try {
    await waitFor(() => existsSync(bundle));
    writeFileSync(path.join(dir, "functions/bad.js"), "export const onRequest = ( => 1;");
    writeFileSync(path.join(dir, "functions/b.js"), 'export const onRequest = () => new Response("bee");');
    rmSync(path.join(dir, "functions/bad.js"));
    await waitFor(() => readFileSync(bundle, "utf8").includes('"bee"'));
    expect(proc.exitCode).toBeNull();
  } finally {
    proc.kill();
    await proc.exited;
  }
});

test("check startup --pages builds the Functions as wrangler does and profiles the Worker's startup", async () => {
  const dir = scratch(FUNCTIONS);
  const result = await run(["check", "startup", "--pages", "--outfile", "p.cpuprofile"], dir);
  expect(result.exitCode).toBe(0);
  expect(result.stdout).toContain("│ Pages project detected\n│\n├ Building your Worker\n│ Worker Built! 🎉");
  expect(JSON.parse(readFileSync(path.join(dir, "p.cpuprofile"), "utf8")).nodes.length).toBeGreaterThan(0);
  // Built to a temporary upload: nothing left in the project.
  expect(existsSync(path.join(dir, "_worker.bundle"))).toBe(false);
});

test("check startup treats a project whose config has pages_build_output_dir as Pages, as wrangler does", async () => {
  const dir = scratch({ ...FUNCTIONS, "wrangler.toml": 'name = "site"\npages_build_output_dir = "public"\ncompatibility_date = "2025-01-01"\n', "public/index.html": "hi" });
  const result = await run(["check", "startup", "--outfile", "p.cpuprofile"], dir);
  expect(result.exitCode).toBe(0);
  expect(result.stdout).toContain("│ Pages project detected");
  expect(existsSync(path.join(dir, "p.cpuprofile"))).toBe(true);
});
