// `pages dev`: the same Pages project served by `wrangler pages dev` and `bunflare pages dev`,
// responses, start-up output and request logs compared. Each project has a wrangler.toml
// with a name, so CF_PAGES_URL (https://00000000.<project>.pages.dev) is the same under
// both: without one, the project is the working directory's name, and the scratch
// directories differ.
//
// Not compared: ETag values (wrangler pages dev hashes differently; both are 32 hex digits
// that change with the file) and response framing (wrangler sends files chunked).
import type { CompatCase } from "../harness.ts";
import { devCase, type HttpProbe } from "../dev-harness.ts";

const NAMED = 'name = "site"\ncompatibility_date = "2025-01-01"\n';
const PAGES_HEADERS = ["access-control-allow-origin", "referrer-policy", "x-content-type-options", "x-server-env", "cache-control", "content-type", "location"];
const probe = (path: string, extra: Partial<HttpProbe> = {}): HttpProbe => ({ path, headers_compared: PAGES_HEADERS, ...extra });

const WORKER = `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/api") return new Response(\`api \${env.CF_PAGES} \${env.CF_PAGES_BRANCH} \${env.CF_PAGES_COMMIT_SHA} \${env.CF_PAGES_URL} \${env.FOO}\`);
    if (url.pathname === "/env") return new Response(JSON.stringify(Object.keys(env).sort()));
    if (url.pathname === "/wrapped") {
      const asset = await env.ASSETS.fetch(new URL("/", request.url));
      return new Response("wrapped " + (await asset.text()), { headers: { "x-from": "worker" } });
    }
    return env.ASSETS.fetch(request);
  },
};
`;

export const cases: CompatCase[] = [
  devCase({
    // Checked, no change needed: a config without pages_build_output_dir still gives the worker its vars and bindings.
    name: "pages dev: a config without pages_build_output_dir still binds its vars and bindings for _worker.js",
    command: ["pages", "dev", "public"],
    files: {
      "wrangler.toml": `${NAMED}[vars]\nFOO = "one"\n[[kv_namespaces]]\nbinding = "KV"\nid = "kv-id"\n`,
      "public/_worker.js": 'export default { fetch(request, env) { return new Response("foo=" + env.FOO + " kv=" + typeof env.KV); } };\n',
    },
    requests: [probe("/x")],
    compareStartup: true,
  }),
  devCase({
    // Bunflare listed the Pages vars alone for a project without a worker, dropping the flags' bindings and the
    // secrets too. Wrangler's shim worker leaves out the config's bindings and vars only.
    name: "pages dev: without a worker, the config's bindings are left out; the flags', .dev.vars and --binding are bound",
    command: ["pages", "dev"],
    args: ["--kv", "FLAG_KV", "-b", "B=1"],
    files: {
      "wrangler.toml": `${NAMED}pages_build_output_dir = "public"\n[vars]\nFOO = "bar"\n[[kv_namespaces]]\nbinding = "KV"\nid = "kv-id"\n`,
      ".dev.vars": "SECRET=x\n",
      "public/index.html": "<h1>home</h1>\n",
    },
    requests: [probe("/")],
    compareStartup: true,
  }),
  devCase({
    name: "pages dev: an assets-only directory (html handling, single-page fallback, Pages' headers, startup and request log)",
    fast: true,
    command: ["pages", "dev", "public"],
    files: {
      "wrangler.toml": NAMED,
      "public/index.html": "<h1>home</h1>\n",
      "public/about.html": "<h1>about</h1>\n",
      "public/docs/index.html": "<h1>docs</h1>\n",
      "public/style.css": "a{}\n",
      "public/data.json": "{}\n",
      "public/café menu.html": "<h1>menu</h1>\n",
      "public/index/page.html": "<h1>index page</h1>\n",
    },
    requests: [
      probe("/caf%C3%A9%20menu"),
      probe("/caf%C3%A9%20menu.html"),
      probe("/index/page"),
      probe("/docs/index/"),
      probe("/a/b.c"),
      probe("/"),
      probe("/index.html"),
      probe("/about"),
      probe("/about.html"),
      probe("/about.html?x=1"),
      probe("/about/"),
      probe("/docs"),
      probe("/docs/"),
      probe("/docs/index"),
      probe("/docs/index.html"),
      probe("/style.css"),
      probe("/data.json"),
      probe("/nope"),
      probe("/deep/nope/"),
      probe("/missing.png"),
      probe("/", { method: "HEAD" }),
      probe("/", { method: "POST", body: "x" }),
    ],
    compareStartup: true,
    compareRequestLog: true,
    compareStderr: true,
  }),
  devCase({
    name: "pages dev: the nearest 404.html answers a miss with status 404",
    command: ["pages", "dev", "public"],
    files: {
      "wrangler.toml": NAMED,
      "public/index.html": "<h1>home</h1>\n",
      "public/404.html": "<h1>top 404</h1>\n",
      "public/blog/404.html": "<h1>blog 404</h1>\n",
      "public/blog/post.html": "<h1>post</h1>\n",
    },
    requests: [probe("/missing"), probe("/blog/missing"), probe("/blog/a/b/c"), probe("/blog/post"), probe("/404.html")],
    compareRequestLog: true,
  }),
  devCase({
    name: "pages dev: without index.html or 404.html a miss is an empty 404",
    command: ["pages", "dev", "public"],
    files: { "wrangler.toml": NAMED, "public/a.txt": "a\n" },
    requests: [probe("/missing"), probe("/dir/"), probe("/a.txt")],
  }),
  devCase({
    name: "pages dev: an edit of _worker.js reloads the worker",
    command: ["pages", "dev", "public"],
    files: { "wrangler.toml": NAMED, "public/_worker.js": 'export default { fetch() { return new Response("one"); } };\n' },
    requests: [probe("/")],
    reload: {
      files: { "public/_worker.js": 'export default { fetch() { return new Response("two"); } };\n' },
      waitFor: "/",
      until: /two/,
      requests: [probe("/")],
    },
    compareReloadLog: true,
  }),
  devCase({
    name: "pages dev: _headers and _redirects in the directory",
    command: ["pages", "dev", "public"],
    files: {
      "wrangler.toml": NAMED,
      "public/index.html": "<h1>home</h1>\n",
      "public/a.txt": "a\n",
      "public/_headers": "/*\n  X-All: yes\n/a.txt\n  X-A: 1\n  ! Access-Control-Allow-Origin\n",
      "public/_redirects": "/old /a.txt 301\n/prox /a.txt 200\n/perm /a.txt 308\n//double /a.txt 301\n/tmp/* /b/:splat 302\n/q /a.txt?x=1 307\n/out https://example.com/path\n",
    },
    requests: [
      ...["/", "/a.txt", "/old", "/old?z=1", "/prox", "/perm", "/tmp/x/y", "/q", "/out"].map((path) => probe(path, { headers_compared: [...PAGES_HEADERS, "x-all", "x-a"] })),
    ],
    compareStartup: true,
    compareRequestLog: true,
  }),
  devCase({
    name: "pages dev: _worker.js is the worker, with env.ASSETS, the Pages vars and --binding",
    fast: true,
    command: ["pages", "dev", "public"],
    args: ["--binding", "FOO=bar"],
    files: {
      "wrangler.toml": NAMED,
      "public/index.html": "<h1>home</h1>\n",
      "public/about.html": "<h1>about</h1>\n",
      "public/_worker.js": WORKER,
    },
    requests: [probe("/"), probe("/api"), probe("/env"), probe("/wrapped", { headers_compared: [...PAGES_HEADERS, "x-from"] }), probe("/about.html"), probe("/nope")],
    compareStartup: true,
    compareRequestLog: true,
    compareStderr: true,
  }),
  devCase({
    name: "pages dev: _worker.js, _headers and _redirects are never served as assets",
    command: ["pages", "dev", "public"],
    files: {
      "wrangler.toml": NAMED,
      "public/index.html": "<h1>home</h1>\n",
      "public/_worker.js": WORKER,
      "public/_headers": "/*\n  X-All: yes\n",
      "public/_redirects": "/old /index 301\n",
      "public/_routes.json": JSON.stringify({ version: 1, include: ["/api"], exclude: [] }),
    },
    // Outside _routes.json, these go straight to the asset server.
    requests: ["/_worker.js", "/_headers", "/_redirects"].map((path) => ({
      path,
      expected: [
        {
          reason:
            "wrangler 4.86 answers 502 with its own error ('Could not serve static asset: ENOTDIR ... <file>/index.html') and an error box; bunflare never serves these files either and answers as for any other miss (here index.html, the single-page fallback)",
          wrangler: (text: string) => (text.includes('"status": 502') && text.includes("Could not serve static asset") ? "not served" : text),
          bunflare: (text: string) => (text.includes('"status": 200') && text.includes("<h1>home</h1>") && !text.includes("export default") ? "not served" : text),
        },
      ],
    })),
  }),
  devCase({
    name: "pages dev: _worker.js wins over a functions/ directory, and .dev.vars are its secrets",
    command: ["pages", "dev", "public"],
    files: {
      "wrangler.toml": NAMED,
      ".dev.vars": "SEC=shh\n",
      "public/index.html": "<h1>home</h1>\n",
      "public/_worker.js": 'export default { fetch(request, env) { return new Response("worker " + env.SEC); } };\n',
      "functions/index.js": 'export const onRequest = () => new Response("functions");\n',
    },
    requests: [probe("/")],
    compareStartup: true,
    compareStderr: true,
  }),
  devCase({
    name: "pages dev: a _worker.js directory with index.js is the worker",
    command: ["pages", "dev", "public"],
    files: { "wrangler.toml": NAMED, "public/index.html": "<h1>home</h1>\n", "public/_worker.js/index.js": WORKER },
    requests: [probe("/"), probe("/api")],
    compareStartup: true,
  }),
  devCase({
    name: "pages dev: _routes.json sends its paths to _worker.js and the rest to the assets",
    command: ["pages", "dev", "public"],
    files: {
      "wrangler.toml": NAMED,
      "public/index.html": "<h1>home</h1>\n",
      "public/_worker.js": 'export default { fetch(request) { return new Response("worker " + new URL(request.url).pathname); } };\n',
      "public/_routes.json": JSON.stringify({ version: 1, include: ["/api/*", "/exact"], exclude: ["/api/static/*"] }),
    },
    requests: ["/", "/api", "/api/", "/api/x", "/api/x/y", "/api/static", "/api/static/z", "/exact", "/exact/", "/exact/more", "/other"].map((path) => probe(path)),
    compareRequestLog: true,
  }),
  devCase({
    name: "pages dev: the config's pages_build_output_dir, vars, bindings, and the binding flags",
    command: ["pages", "dev"],
    args: ["--kv", "KV2", "--kv", "KV3=abc", "--d1", "DB", "--r2", "B", "--do", "D=Cls@other", "--service", "S=other", "-b", "SECRET=s", "--version-metadata", "VM"],
    files: {
      "wrangler.toml":
        'name = "proj"\npages_build_output_dir = "./dist"\ncompatibility_date = "2025-01-01"\n[vars]\nFOO = "bar"\n[[kv_namespaces]]\nbinding = "KV"\nid = "kv-id"\n',
      "dist/index.html": "<h1>dist</h1>\n",
      "dist/_worker.js": WORKER,
    },
    requests: [probe("/"), probe("/api"), probe("/env")],
    compareStartup: true,
    compareStderr: true,
  }),
  devCase({
    name: "pages dev: --compatibility-flags and a config's compatibility date reach the worker",
    command: ["pages", "dev", "public"],
    args: ["--compatibility-flags", "nodejs_compat"],
    files: {
      "wrangler.toml": NAMED,
      "public/_worker.js": 'import { Buffer } from "node:buffer";\nexport default { fetch() { return new Response(Buffer.from("hi").toString("base64")); } };\n',
    },
    requests: [probe("/")],
    compareStartup: true,
  }),
  {
    name: "pages dev: help for pages and pages dev",
    fast: true,
    steps: [{ args: ["pages", "--help"] }, { args: ["pages", "dev", "--help"] }],
  },
  {
    name: "pages dev: no directory and no pages_build_output_dir is wrangler's error",
    fast: true,
    files: { "wrangler.toml": NAMED },
    steps: [{ args: ["pages", "dev", "--port", "0"] }],
  },
  {
    name: "pages dev: -c is refused, as Pages takes no custom config path",
    files: { "other.toml": 'name = "x"\npages_build_output_dir = "public"\ncompatibility_date = "2025-01-01"\n', "public/index.html": "x\n" },
    steps: [{ args: ["pages", "dev", "-c", "other.toml", "--port", "0"] }],
  },
];

// With a functions/ directory, the worker is compiled from it (src/pages/functions.ts).
cases.push(
  devCase({
    name: "pages dev: a functions/ directory is the worker, falling through to the assets",
    command: ["pages", "dev", "public"],
    files: {
      "wrangler.toml": NAMED,
      "public/index.html": "<h1>home</h1>\n",
      "functions/api/[name].js": "export const onRequest = ({ params, env }) => new Response(`hello ${params.name} ${env.CF_PAGES}`);\n",
      "functions/_middleware.js": 'export const onRequest = async ({ next }) => { const response = await next(); response.headers.set("x-mw", "1"); return response; };\n',
    },
    requests: [probe("/api/bob", { headers_compared: [...PAGES_HEADERS, "x-mw"] }), probe("/", { headers_compared: [...PAGES_HEADERS, "x-mw"] }), probe("/nope")],
    compareStartup: true,
    compareRequestLog: true,
  }),
);
