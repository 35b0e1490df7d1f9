// Pages Functions: a functions/ directory served by `wrangler pages dev` and `bunflare pages dev`
// (src/pages/functions.ts, runtime/pages/router.ts): routes from file names, the middleware chain,
// params, data, next(), methods, passThroughOnException, errors; and what each prints when a route
// file does not build, is badly named, or no file exports a handler.
import type { CompatCase } from "../harness.ts";
import { devCase, devFailedStartCase, type HttpProbe } from "../dev-harness.ts";

const COMMAND = ["pages", "dev", "public"];
const DATE = ["--compatibility-date", "2025-01-01"];

// A named project: CF_PAGES_URL in the bindings table is then the same under both (else it is the scratch directory's name).
const SITE: Record<string, string> = {
  "wrangler.toml": 'name = "site"\ncompatibility_date = "2025-01-01"\n',
  "public/index.html": "<h1>hi</h1>",
  "public/static.txt": "static file",
  "functions/_middleware.js": [
    'const a = async (c) => { c.data.order = ["a"]; const r = await c.next(); r.headers.set("x-a", "1"); return r; };',
    'const b = async (c) => { c.data.order.push("b:" + c.functionPath); return c.next(); };',
    "export const onRequest = [a, b];",
  ].join("\n"),
  "functions/api/[name].js": "export const onRequestGet = (c) => Response.json({ name: c.params.name, data: c.data, fp: c.functionPath });",
  "functions/api/[[rest]].js": "export const onRequest = (c) => Response.json({ rest: c.params.rest ?? null, data: c.data, fp: c.functionPath, m: c.request.method });",
  "functions/api/_middleware.ts": 'export const onRequestPost = async (c) => { c.data.order.push("apimw"); return c.next(); };',
  "functions/api.js": 'export const onRequest = () => new Response("shadowed by api/index.js");',
  "functions/api/index.js": 'export const onRequestPut = (c) => new Response("api index " + c.functionPath);',
  "functions/throw.js": 'export const onRequest = () => { throw new Error("boom"); };',
  "functions/data.js": "export const onRequest = (c) => { c.data = 5; return new Response('x'); };",
  "functions/data2.js": "export const onRequest = (c) => { c.data = { merged: 1 }; return Response.json(c.data); };",
  "functions/next.js": 'export const onRequest = (c) => c.next("/static.txt");',
  "functions/next-init.js": 'export const onRequest = (c) => c.next(new URL("/api/x/y", c.request.url).toString(), { method: "DELETE" });',
  "functions/nonresp.js": 'export const onRequest = () => "nope";',
  "functions/empty.js": "const x = 1;",
  "functions/head.js": 'export const onRequestGet = () => new Response("get only", { headers: { "x-h": "1" } });',
  "functions/fp/[id]/index.js": "export const onRequest = (c) => Response.json({ id: c.params.id, fp: c.functionPath });",
  "functions/fp/index.js": 'export const onRequestGet = () => new Response("index fn");',
  "functions/status/[code].js": "export const onRequest = (c) => new Response(null, { status: Number(c.params.code) });",
};

const json = (path: string, init: Partial<HttpProbe> = {}): HttpProbe => ({ path, headers_compared: ["x-a", "x-h", "content-type"], ...init });

export const cases: CompatCase[] = [
  devCase({
    name: "pages functions: routes, middleware chain, params, data and next() in pages dev",
    fast: true,
    files: SITE,
    command: COMMAND,
    args: DATE,
    requests: [
      json("/api/bob"),
      json("/API/Bob/"),
      json("/api/a/b/c"),
      json("/api"),
      json("/api/bob", { method: "POST" }),
      json("/api/x/y", { method: "POST" }),
      json("/api", { method: "PUT" }),
      json("/fp/7"),
      json("/fp/7/"),
      json("/fp"),
      json("/next"),
      json("/next-init"),
      json("/data2"),
      json("/head"),
      json("/head", { method: "HEAD", headers_compared: ["x-a", "x-h"] }),
      json("/status/204"),
      json("/status/418"),
      json("/"),
      json("/static.txt"),
    ],
    compareStartup: true,
    compareStderr: true,
    compareRequestLog: true,
  }),
  devCase({
    name: "pages functions: a handler's error, a bad context.data, a non-Response, passThroughOnException",
    files: {
      ...SITE,
      "functions/pass.js": 'export const onRequest = (c) => { c.passThroughOnException(); throw new Error("pass"); };',
    },
    command: COMMAND,
    args: DATE,
    requests: [
      { path: "/throw", firstLineOnly: true },
      { path: "/data", firstLineOnly: true },
      { path: "/nonresp", firstLineOnly: true },
      { path: "/pass", headers_compared: ["x-a", "content-type"] },
    ],
    compareStderr: true,
    compareRequestLog: true,
  }),
  devFailedStartCase({
    name: "pages functions: a route file that does not build stops pages dev",
    files: { "public/index.html": "hi", "functions/bad.js": "export const onRequest = (c) => { return new Response(\n" },
    command: [...COMMAND, ...DATE],
    stderrUntil: /Failed to build Functions at \.\/functions\./,
    request: { path: "/" },
    compareStdout: true,
  }),
  devFailedStartCase({
    name: "pages functions: a route file importing what does not resolve stops pages dev",
    files: { "public/index.html": "hi", "functions/a.js": 'import x from "./nope.js";\nexport const onRequest = () => new Response(x);' },
    command: [...COMMAND, ...DATE],
    stderrUntil: /Failed to build Functions at \.\/functions\./,
    request: { path: "/" },
    // Bunflare printed "✨ Compiled Worker successfully" and the bindings table first, and named the file
    // functions/a.js (esbuild ran from the project, not from the Functions' directory as wrangler's does).
    compareStdout: true,
  }),
  devFailedStartCase({
    name: "pages functions: a parameter name path-to-regexp cannot take stops pages dev",
    files: { "public/index.html": "hi", "functions/users/[user-id].js": "export const onRequest = () => new Response('x');" },
    command: [...COMMAND, ...DATE],
    stderrUntil: /Failed to build Functions at \.\/functions\./,
    request: { path: "/" },
    compareStdout: true,
  }),
  devCase({
    name: "pages functions: edits reload; a route file that stops building keeps the last good Functions serving",
    files: { "public/index.html": "<h1>hi</h1>", "functions/hello.js": 'export const onRequest = () => new Response("v1");' },
    command: COMMAND,
    args: DATE,
    requests: [{ path: "/hello" }],
    compareStderr: true,
    reload: [
      { files: { "functions/hello.js": 'export const onRequest = () => new Response("v2");' }, waitFor: "/hello", until: /^v2$/, requests: [{ path: "/hello" }] },
      {
        files: { "functions/broken.js": "export const onRequest = () => { return new Response(\n" },
        printedUntil: /Failed to build Functions at \.\/functions\. Continuing to serve the last successfully built version of Functions\./,
        requests: [{ path: "/hello" }, { path: "/broken" }],
      },
      { files: { "functions/broken.js": 'export const onRequest = () => new Response("fixed");' }, waitFor: "/broken", until: /^fixed$/, requests: [{ path: "/hello" }] },
      // Bunflare printed esbuild's error alone here; wrangler follows it with this warning.
      {
        files: { "functions/broken.js": 'import x from "./nope.js";\nexport const onRequest = () => new Response(x);' },
        printedUntil: /Failed to build Functions at \.\/functions\. Continuing to serve the last successfully built version of Functions\./,
        requests: [{ path: "/hello" }, { path: "/broken" }],
      },
    ],
  }),
  devCase({
    // Bunflare printed "✨ Compiled Worker successfully" on a config change too; wrangler prints it when the
    // Functions are built again, and on a config change only the bindings and the reload lines.
    name: "pages functions: a config edit reloads with the new vars, without compiling the Functions again; a route edit compiles them",
    files: {
      "wrangler.toml": 'name = "site"\npages_build_output_dir = "public"\ncompatibility_date = "2025-01-01"\n[vars]\nFOO = "one"\n',
      "public/index.html": "<h1>hi</h1>",
      "functions/x.js": 'export const onRequest = ({ env }) => new Response("foo=" + env.FOO);',
    },
    command: ["pages", "dev"],
    requests: [{ path: "/x" }],
    reload: [
      {
        files: { "wrangler.toml": 'name = "site"\npages_build_output_dir = "public"\ncompatibility_date = "2025-01-01"\n[vars]\nFOO = "two"\n' },
        waitFor: "/x",
        until: /^foo=two$/,
        requests: [{ path: "/x" }],
      },
      { files: { "functions/x.js": 'export const onRequest = ({ env }) => new Response("v2 foo=" + env.FOO);' }, waitFor: "/x", until: /^v2 foo=two$/, requests: [{ path: "/x" }] },
    ],
    compareReloadLog: true,
  }),
  devCase({
    name: "pages functions: a functions directory without handlers serves the assets alone",
    files: { "public/index.html": "<h1>hi</h1>", "functions/a.js": "export const x = 1;" },
    command: COMMAND,
    args: DATE,
    requests: [{ path: "/" }, { path: "/a" }],
    compareStderr: true,
  }),
];
