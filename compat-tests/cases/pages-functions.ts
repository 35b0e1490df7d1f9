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

// `pages functions build`: what it writes and prints. The Worker's code is generated by each tool's own
// compiler (wrangler's template and path-to-regexp, bunflare's router), so its body is not compared;
// everything around it is: the form's parts and headers, the metadata, the modules, the routes files,
// the file names, the messages and the exit codes.
const BUILD_FILES: Record<string, string> = {
  "functions/_middleware.js": 'export const onRequest = async (c) => { const r = await c.next(); r.headers.set("x-mw", "1"); return r; };',
  "functions/index.js": 'export function onRequest() { return new Response("home"); }',
  "functions/api/[id].ts": "export const onRequestGet = ({ params }: { params: { id: string } }) => new Response(`id ${params.id}`);",
  "functions/api/v1/users/[id].js": 'export const onRequestPost = () => new Response("post");',
  "functions/admin/_middleware.ts": "export const onRequest = ({ next }: { next: () => Promise<Response> }) => next();",
  "functions/admin/index.ts": 'export const onRequest = () => new Response("admin");',
  "functions/docs/[[path]].js": "export const onRequest = ({ params }) => new Response(String(params.path));",
  "functions/about.js": 'export const onRequestGet = () => new Response("about");',
  "functions/notes.txt": "notes\n",
  "functions/text.js": 'import t from "./notes.txt";\nexport const onRequest = () => new Response(t);',
};
/** The form's boundary and the random name wrangler gives the Worker (`functionsWorker-<Math.random()>.js`), and the Worker's generated code. */
const buildOutput = (text: string) =>
  text
    .replace(/----formdata-undici-0\d{11}/g, "<BOUNDARY>")
    .replace(/functionsWorker-0\.\d+\.js/g, "functionsWorker-<RANDOM>.js")
    .replace(/bundledWorker-0\.\d+\.mjs/g, "bundledWorker-<RANDOM>.mjs")
    .replace(/(Content-Type: application\/javascript\+module\r\n\r\n)[^]*?(\r\n--<BOUNDARY>)/g, "$1<GENERATED WORKER>$2")
    // _routes.json names the tool that wrote it.
    .replace(/"Generated by wrangler@[\d.]+"/, '"Generated by wrangler@<VERSION>"');

cases.push(
  {
    // Bunflare handed the command to a real wrangler. Wrangler 4 writes the upload by default: `_worker.bundle`,
    // multipart form data whose metadata names the Worker module; a text import is a module of its own.
    name: "pages functions build: the default output is the upload, _worker.bundle: metadata, the Worker and its modules as parts",
    fast: true,
    files: BUILD_FILES,
    normalize: buildOutput,
    steps: [
      { args: ["pages", "functions", "build"], files: ["_worker.bundle"] },
      { args: ["pages", "functions", "build", "--outfile", "deep/er/worker.bundle", "--minify"], files: ["deep/er/worker.bundle"] },
    ],
  },
  {
    // The routes config lists each route with its middleware and modules; _routes.json the globs Pages
    // sends to the Worker, least specific last; --metafile writes esbuild's into --outdir; --sourcemap a map.
    name: "pages functions build --outdir: index.js, its map, the metafile, the modules; --output-config-path and --output-routes-path",
    files: BUILD_FILES,
    normalize: buildOutput,
    steps: [
      {
        args: ["pages", "functions", "build", "--outdir", "out", "--output-config-path", "config.json", "--output-routes-path", "_routes.json", "--metafile", "--sourcemap"],
        files: ["config.json", "_routes.json"],
      },
      {
        shell: `test "$(cd out && ls | tr '\\n' ' ')" = "b9350f295d01cbab7589bc1c6850a621e86992ed-notes.txt bundle-meta.json index.js index.js.map " && tail -n 1 out/index.js | grep -qx '//# sourceMappingURL=index.js.map'`,
        args: [],
      },
      // (A --metafile in a directory that does not exist: wrangler fails after saying it compiled; bunflare makes the directory.)
      { args: ["pages", "functions", "build", "--outdir", "plain", "--metafile", "m.json"] },
      { shell: `test "$(cd plain && ls | tr '\\n' ' ')" = "b9350f295d01cbab7589bc1c6850a621e86992ed-notes.txt index.js " && test -s m.json`, args: [] },
    ],
  },
  {
    // Exit codes 157 (nothing to build) and 156 (no routes), and wrangler's words for each; a route file
    // that does not parse is esbuild's error; both --outdir and --outfile are refused; --node-compat is gone.
    name: "pages functions build: nothing to build, no routes, a file that does not parse, conflicting flags",
    files: {
      "empty/functions/a.js": "export const x = 1;",
      "bad/functions/a.js": "export const onRequest = ( => 1;",
      "ok/functions/index.js": 'export const onRequest = () => new Response("x");',
    },
    normalize: (text) => text.replace(/compat-wrangler-\w+/g, "<SCRATCH>"),
    steps: [
      { args: ["pages", "functions", "build"] },
      { args: ["pages", "functions", "build", "nowhere", "--build-output-directory", "empty"] },
      { args: ["pages", "functions", "build", "empty/functions"] },
      { args: ["pages", "functions", "build", "bad/functions"] },
      { args: ["pages", "functions", "build", "ok/functions", "--outdir", "x", "--outfile", "y"] },
      { args: ["pages", "functions", "build", "ok/functions", "--node-compat"] },
      { args: ["pages", "functions", "build", "ok/functions", "--plugin", "--build-output-directory", "ok"] },
      { shell: "test ! -e x && test ! -e y && test ! -e _worker.bundle", args: [] },
    ],
  },
  {
    // Wrangler prints an unresolved import's build failure twice (its esbuild notifier, then the thrown error).
    name: "pages functions build: an import that does not resolve is esbuild's error, exit 1",
    files: { "functions/index.js": 'import x from "./missing.js";\nexport const onRequest = () => new Response(x);' },
    steps: [
      {
        args: ["pages", "functions", "build"],
        expected: [
          {
            reason: "wrangler prints the build failure twice (its esbuild notifier's box, then the error thrown); bunflare once",
            streams: ["stderr"],
            wrangler: (text) => text.replace(/^([^]*?\n\n\n)\1/, "$1"),
          },
        ],
      },
    ],
  },
  {
    // A Pages Plugin: index.js in --outdir; the deprecated forms (no --outdir, or --outfile) warn and write a
    // file re-exporting it.
    name: "pages functions build --plugin: index.js in --outdir; without it, or with --outfile, a warning and a re-export",
    files: BUILD_FILES,
    steps: [
      { args: ["pages", "functions", "build", "--plugin", "--outdir", "plugin"] },
      { shell: `test "$(cd plugin && ls | tr '\\n' ' ')" = "b9350f295d01cbab7589bc1c6850a621e86992ed-notes.txt index.js "`, args: [] },
      { args: ["pages", "functions", "build", "--plugin", "--outfile", "p2/x.js"], files: ["p2/x.js"] },
      { args: ["pages", "functions", "build", "--plugin"], files: ["_worker.js"] },
      { shell: "test -s index.js && test -s p2/index.js", args: [] },
    ],
  },
  {
    // A _worker.js in the build output directory is what gets built (Functions or not); with --outdir it keeps its name.
    name: "pages functions build: a _worker.js in --build-output-directory is built instead of the Functions",
    files: {
      ...BUILD_FILES,
      "dist/_worker.js": 'export default { fetch() { return new Response("advanced"); } };',
      "dist/index.html": "<h1>hi</h1>",
      "dir/_worker.js/index.js": 'import { x } from "./lib.js";\nexport default { fetch() { return new Response(x); } };',
      "dir/_worker.js/lib.js": 'export const x = "lib";',
    },
    normalize: buildOutput,
    steps: [
      { args: ["pages", "functions", "build", "--build-output-directory", "dist"], files: ["_worker.bundle"] },
      { args: ["pages", "functions", "build", "--build-output-directory", "dist", "--outdir", "o", "--sourcemap"] },
      { shell: `test "$(cd o && ls | tr '\\n' ' ')" = "_worker.js _worker.js.map "`, args: [] },
      // A _worker.js directory: its other JavaScript files are modules of their own, listed in wrangler's table.
      { args: ["pages", "functions", "build", "--build-output-directory", "dir", "--outfile", "dir.bundle"], files: ["dir.bundle"] },
    ],
  },
  {
    // With --project-directory and --build-metadata-path, a Pages config is read: its bindings and
    // compatibility settings go into the upload's metadata, its hash and output directory into the file.
    name: "pages functions build: a Pages config's bindings in the upload and its build metadata",
    files: {
      "wrangler.toml":
        'name = "proj"\npages_build_output_dir = "dist"\ncompatibility_date = "2025-01-01"\ncompatibility_flags = ["nodejs_compat"]\n' +
        '[vars]\nA = "x"\nN = 3\n[[kv_namespaces]]\nbinding = "KV"\nid = "abc"\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "d"\ndatabase_id = "1"\n' +
        '[[r2_buckets]]\nbinding = "R2"\nbucket_name = "bkt"\n[[services]]\nbinding = "S"\nservice = "other"\n',
      "dist/index.html": "<h1>hi</h1>",
      "functions/index.js": 'export const onRequest = () => new Response("x");',
    },
    normalize: buildOutput,
    steps: [{ args: ["pages", "functions", "build", "--project-directory", ".", "--build-metadata-path", "meta.json"], files: ["_worker.bundle", "meta.json"] }],
  },
  {
    // A node:* import warns without nodejs_compat (--compatibility-flags), and is kept for the runtime with it.
    name: "pages functions build: --compatibility-flags nodejs_compat, and the warning without it",
    files: { "functions/index.js": 'import { Buffer } from "node:buffer";\nexport const onRequest = () => new Response(Buffer.from("x").toString("hex"));' },
    steps: [
      { args: ["pages", "functions", "build", "--outdir", "a"] },
      { args: ["pages", "functions", "build", "--outdir", "b", "--compatibility-flags", "nodejs_compat", "--compatibility-date", "2025-01-01"] },
      { shell: `grep -q 'from "node:buffer"' b/index.js`, args: [] },
    ],
  },
  {
    name: "pages functions build: help",
    fast: true,
    steps: [{ args: ["pages", "functions", "--help"] }, { args: ["pages", "functions", "build", "--help"] }],
  },
  devCase({
    // The built Worker runs: each tool's build of the same Functions, as a _worker.js directory, served by pages dev.
    name: "pages functions build: the Worker built to --outdir serves the routes under pages dev",
    files: { ...Object.fromEntries(Object.entries(BUILD_FILES).map(([file, text]) => [file.replace(/^functions\//, "fns/"), text])), "public/static.txt": "static file" },
    prepare: [["pages", "functions", "build", "fns", "--outdir", "public/_worker.js"]],
    command: COMMAND,
    args: DATE,
    requests: [
      { path: "/", headers_compared: ["x-mw"] },
      { path: "/api/7", headers_compared: ["x-mw"] },
      { path: "/api/7", method: "POST" },
      { path: "/api/v1/users/3", method: "POST" },
      { path: "/admin" },
      { path: "/docs/a/b" },
      { path: "/about" },
      { path: "/text" },
      { path: "/static.txt", headers_compared: ["x-mw"] },
    ],
  }),
);
