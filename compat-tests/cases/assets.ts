// Static assets: `_headers`, `_redirects`, `.assetsignore`, content types, encoded
// paths, conditional requests and run_worker_first, served by wrangler dev and
// bunflare dev from the same files, responses compared.
//
// Not compared here: Range requests. wrangler dev's asset worker ignores `Range`
// and sends the whole file with 200; bunflare answers 206 with the requested
// bytes, as Cloudflare's edge does in front of deployed assets (test/assets-http.test.ts).
import path from "node:path";
import { FIXTURES_DIR, type CompatCase } from "../harness.ts";
import { devCase, type HttpProbe } from "../dev-harness.ts";

const ASSETS_ONLY = 'name = "site"\ncompatibility_date = "2025-01-01"\n[assets]\ndirectory = "./public"\n';

const HEADERS = `/*
  X-All: yes
/sub/*
  X-Sub: :splat
  ! X-All
/a.txt
  X-Multi: one
/a.txt
  X-Multi: two
  Cache-Control: max-age=3600
/twice.txt
  X-Twice: one
  X-Twice: two
bad line here
/:name.json
  X-Name: :name
`;

const REDIRECTS = `/old /a.txt 301
/tmp/* /sub/:splat 302
/p/:id/x /a.txt?id=:id 307
/prox /a.txt 200
/gone-proxy /missing.txt 200
/q /a.txt?x=1 308
/see /a.txt 303
/out https://example.com/path
this is bad
/bad /x 999
https://example.com/x /y
`;

const compared = ["location", "x-all", "x-sub", "x-multi", "x-twice", "x-name", "cache-control", "content-type"];

const EXTENSIONS = ["html", "css", "js", "mjs", "json", "map", "wasm", "webmanifest", "woff", "woff2", "ttf", "otf", "eot", "ico", "svg", "png", "jpg",
  "gif", "webp", "avif", "txt", "md", "xml", "csv", "pdf", "zip", "mp4", "webm", "mp3", "wav", "ogg", "bin", "unknownext", "yaml", "jsonld", "rss",
  "atom", "ics", "vtt"];

const rulesProbes: HttpProbe[] = [
  ...["/", "/a.txt", "/twice.txt", "/data.json", "/sub/page", "/sub/page/", "/sub/page.html", "/old", "/old?z=1", "/tmp/foo/bar", "/p/42/x",
    "/prox", "/gone-proxy", "/q", "/q?y=2", "/see", "/out", "/out?k=v", "/nothing", "/_headers", "/_redirects"].map((path) => ({ path, headers_compared: compared })),
  { path: "/a.txt", method: "POST", body: "x", headers_compared: compared },
  { path: "/nothing", method: "POST", body: "x", headers_compared: compared },
  { path: "/a.txt", method: "HEAD", headers_compared: compared },
];

export const cases: CompatCase[] = [
  devCase({
    name: "assets: _headers and _redirects rules in an assets-only project",
    fast: true,
    files: {
      "wrangler.toml": ASSETS_ONLY,
      "public/index.html": "<p>home</p>\n",
      "public/a.txt": "a\n",
      "public/twice.txt": "t\n",
      "public/data.json": "{}\n",
      "public/sub/page.html": "<p>sub</p>\n",
      "public/_headers": HEADERS,
      "public/_redirects": REDIRECTS,
    },
    requests: rulesProbes,
  }),
  devCase({
    name: "assets: content types by extension",
    files: {
      "wrangler.toml": ASSETS_ONLY,
      ...Object.fromEntries(EXTENSIONS.map((ext) => [`public/f.${ext}`, "x"])),
      "public/noext": "x",
    },
    requests: [...EXTENSIONS.map((ext) => `/f.${ext}`), "/noext"].map((path) => ({ path, headers_compared: ["content-type", "content-disposition"] })),
  }),
  devCase({
    name: "assets: encoded, non-ASCII and escaping paths",
    files: {
      "wrangler.toml": ASSETS_ONLY,
      "secret.txt": "outside the assets directory\n",
      "public/café menu.txt": "menu\n",
      "public/a.txt": "a\n",
      "public/100%.txt": "percent\n",
    },
    requests: [
      "/caf%C3%A9%20menu.txt", "/café menu.txt", "/caf%c3%a9%20menu.txt", "/a%2etxt", "/100%25.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt",
      "/..%5csecret.txt", "/%5c..%5csecret.txt", "/a.txt%00", "/a.txt%00.png", "/./a.txt", "/sub/..%2fa.txt",
    ].map((path) => ({ path, headers_compared: ["location", "content-type"] })),
  }),
  devCase({
    name: "assets: .assetsignore and the files never served",
    files: {
      "wrangler.toml": ASSETS_ONLY,
      "public/.assetsignore": "secret.txt\n*.log\nprivate/\n!keep.log\n",
      "public/secret.txt": "s",
      "public/x.log": "l",
      "public/keep.log": "k",
      "public/private/p.txt": "p",
      "public/ok.txt": "ok",
      "public/_headers": "/ok.txt\n  X-Ok: 1\n",
    },
    requests: ["/secret.txt", "/x.log", "/keep.log", "/private/p.txt", "/ok.txt", "/.assetsignore", "/_headers"].map((path) => ({
      path,
      headers_compared: ["x-ok", "content-type"],
    })),
  }),
  devCase({
    name: "assets: run_worker_first routes, not_found_handling with a worker, and env.ASSETS conditionals",
    files: {
      "wrangler.toml":
        'name = "rwf"\nmain = "index.js"\ncompatibility_date = "2025-05-01"\n[assets]\ndirectory = "./public"\nbinding = "ASSETS"\n' +
        'not_found_handling = "single-page-application"\nrun_worker_first = ["/api/*", "!/api/static/*"]\n',
      "public/index.html": "<p>app</p>\n",
      "public/api/static/s.txt": "static\n",
      "public/api/shadow.txt": "shadowed by the worker\n",
      "public/r.txt": "0123456789",
      "public/_headers": "/*\n  X-All: yes\n",
      "index.js": `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/etag") {
      const first = await env.ASSETS.fetch(new URL("/r.txt", url));
      const tag = first.headers.get("etag");
      const again = await env.ASSETS.fetch(new URL("/r.txt", url), { headers: { "If-None-Match": tag } });
      const weak = await env.ASSETS.fetch(new URL("/r.txt", url), { headers: { "If-None-Match": "W/" + tag } });
      const other = await env.ASSETS.fetch(new URL("/r.txt", url), { headers: { "If-None-Match": '"nope"' } });
      return Response.json({ tagShape: /^"[0-9a-f]{32}"$/.test(tag), again: again.status, againBody: await again.text(), weak: weak.status,
        other: other.status, cc: again.headers.get("cache-control"), x: again.headers.get("x-all") });
    }
    if (url.pathname === "/via-binding-missing") {
      const r = await env.ASSETS.fetch(new URL("/some/route", url));
      return new Response(r.status + " " + (await r.text()));
    }
    return new Response("worker " + url.pathname);
  },
};
`,
    },
    requests: [
      { path: "/api/x" },
      { path: "/api/shadow.txt" },
      { path: "/api/static/s.txt", headers_compared: ["x-all"] },
      { path: "/api/static/missing", headers_compared: ["x-all"] },
      { path: "/r.txt", headers_compared: ["x-all", "cache-control"] },
      { path: "/some/route", headers_compared: ["x-all"] },
      { path: "/some/route", headers: { "Sec-Fetch-Mode": "navigate" }, headers_compared: ["x-all", "content-type"] },
      { path: "/etag" },
      { path: "/via-binding-missing" },
    ],
  }),
  devCase({
    name: "assets: an assets directory with no config (--assets)",
    files: { "public/index.html": "<p>hi</p>\n", "public/a.txt": "a\n" },
    args: ["--assets", "./public", "--compatibility-date", "2025-01-01"],
    requests: [
      { path: "/", headers_compared: ["content-type"] },
      { path: "/a.txt", headers_compared: ["content-type"] },
      { path: "/nope" },
      { path: "/a.txt", method: "POST", body: "x" },
    ],
  }),
  devCase({
    name: "assets: _redirects edited while dev runs is read again",
    files: { "wrangler.toml": ASSETS_ONLY, "public/a.txt": "a\n", "public/_redirects": "/go /a.txt 302\n" },
    requests: [{ path: "/go", headers_compared: ["location"] }],
    reload: {
      files: { "public/_redirects": "/go /a.txt 301\n/new /a.txt 200\n" },
      waitFor: "/new",
      until: /^a/,
      requests: [{ path: "/go", headers_compared: ["location"] }, { path: "/new", headers_compared: ["location"] }],
    },
  }),
];

// html_handling's four modes and not_found_handling's three, on the same tree.
const HTML_TREE = {
  "public/index.html": "<p>root</p>\n",
  "public/about.html": "<p>about</p>\n",
  "public/dir/index.html": "<p>dir</p>\n",
  "public/both.html": "<p>both file</p>\n",
  "public/both/index.html": "<p>both dir</p>\n",
  "public/404.html": "<p>top 404</p>\n",
  "public/docs/404.html": "<p>docs 404</p>\n",
  "public/docs/page.html": "<p>docs page</p>\n",
};
const HTML_PROBES = ["/", "/index.html", "/about", "/about/", "/about.html", "/dir", "/dir/", "/dir/index.html", "/dir/index", "/both", "/both/",
  "/both.html", "/docs/page", "/docs/missing", "/docs/deep/missing", "/missing", "/missing/"].map((path) => ({ path, headers_compared: ["location"] }));

for (const html of ["auto-trailing-slash", "force-trailing-slash", "drop-trailing-slash", "none"]) {
  for (const notFound of html === "auto-trailing-slash" ? ["none", "single-page-application", "404-page"] : ["404-page"]) {
    cases.push(
      devCase({
        name: `assets: html_handling = ${html}, not_found_handling = ${notFound}`,
        files: {
          "wrangler.toml": `${ASSETS_ONLY}html_handling = "${html}"\nnot_found_handling = "${notFound}"\n`,
          ...HTML_TREE,
        },
        requests: HTML_PROBES,
      }),
    );
  }
}

cases.push(
  devCase({
    name: "assets: run_worker_first = true hands every request to the worker, env.ASSETS still serves",
    files: {
      "wrangler.toml": 'name = "first"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[assets]\ndirectory = "./public"\nbinding = "ASSETS"\nrun_worker_first = true\n',
      "public/a.txt": "asset a\n",
      "public/_redirects": "/old /a.txt 301\n",
      "index.js": `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname.startsWith("/assets/")) {
      const inner = new Request(new URL(url.pathname.slice("/assets".length) + url.search, url), request);
      const response = await env.ASSETS.fetch(inner);
      return new Response(response.status + " " + (response.headers.get("location") ?? "-") + " " + (await response.text()));
    }
    return new Response("worker " + url.pathname);
  },
};
`,
    },
    requests: [
      { path: "/a.txt" },
      { path: "/old" },
      { path: "/assets/a.txt" },
      { path: "/assets/old" },
      { path: "/assets/a.txt", method: "POST", body: "x" },
      { path: "/assets/nope" },
    ],
  }),
);

// ETags: wrangler dev tags an asset with a hash of its absolute path and mtime, so the
// two tools give the same tag only for the same file. Both serve one directory of the
// repo's fixtures here, by absolute path, and the tags themselves are compared, with
// what a conditional request gets back (through env.ASSETS: the client's asset answers
// come from the same code in both).
const SHARED_ASSETS = path.join(FIXTURES_DIR, "dev-assets", "public");
cases.push(
  devCase({
    name: "assets: ETags are wrangler dev's (path and mtime), strong, and If-None-Match answers 304 with the asset's headers",
    files: {
      "wrangler.toml": `name = "tags"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[assets]\ndirectory = ${JSON.stringify(SHARED_ASSETS)}\nbinding = "ASSETS"\nrun_worker_first = ["/check"]\n`,
      "index.js": `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const asset = new URL(url.searchParams.get("p"), url);
    const tag = (await env.ASSETS.fetch(asset)).headers.get("etag");
    const out = {};
    for (const [name, value] of Object.entries({ strong: tag, weak: "W/" + tag, list: '"nope", ' + tag, any: "*", unquoted: tag.slice(1, -1), other: '"nope"' })) {
      const response = await env.ASSETS.fetch(asset, { headers: { "If-None-Match": value, "Accept-Encoding": "gzip" } });
      out[name] = { status: response.status, headers: [...response.headers].filter(([key]) => key !== "content-length").sort(), body: (await response.text()).length };
    }
    return Response.json(out);
  },
};
`,
    },
    requests: [
      ...["/style.css", "/", "/about", "/dir/"].map((path) => ({ path, headers_compared: ["etag", "content-type", "cache-control"] })),
      { path: "/style.css", method: "HEAD", headers_compared: ["etag"] },
      { path: "/check?p=/style.css" },
      { path: "/check?p=/" },
    ],
  }),
);
