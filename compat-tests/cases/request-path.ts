// wrangler dev's request path: content encoding both ways, request.cf, https
// with a generated certificate, the host routes give the worker, and the errors
// for routes dev cannot use.
import type { CompatCase } from "../harness.ts";
import { devCase, type HttpProbe } from "../dev-harness.ts";

const config = 'name = "enc"\nmain = "worker.js"\ncompatibility_date = "2025-01-01"\n';

// One response per path: a content type, a declared encoding, a manual body, no body.
const worker = `export default {
  async fetch(request) {
    const url = new URL(request.url);
    const big = "hello world ".repeat(20);
    switch (url.pathname) {
      case "/seen": return Response.json({ header: request.headers.get("accept-encoding"), cf: request.cf.clientAcceptEncoding });
      case "/type": return new Response(big, { headers: { "content-type": url.searchParams.get("t") } });
      case "/untyped": return new Response(new Blob([big]).stream());
      case "/small": return new Response("hi");
      case "/declared": return new Response(big, { headers: { "content-type": "text/plain", "content-encoding": url.searchParams.get("e") } });
      case "/declared-binary": return new Response(big, { headers: { "content-type": "application/octet-stream", "content-encoding": "gzip" } });
      case "/manual": {
        const gzipped = new Blob([big]).stream().pipeThrough(new CompressionStream("gzip"));
        return new Response(gzipped, { encodeBody: "manual", headers: { "content-type": "text/plain", "content-encoding": "gzip" } });
      }
      case "/manual-bytes": {
        const gzipped = await new Response(new Blob([big]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
        return new Response(gzipped, { encodeBody: "manual", headers: { "content-type": "text/plain", "content-encoding": "gzip" } });
      }
      case "/empty": return new Response(null, { status: Number(url.searchParams.get("s")), headers: { "content-type": "text/plain" } });
      case "/cf": return Response.json(request.cf);
      default: return new Response("not found", { status: 404 });
    }
  },
};
`;

const assets = {
  "public/style.css": "body { color: red; }\n".repeat(20),
  "public/data.json": JSON.stringify({ items: Array.from({ length: 100 }, (_, i) => i) }),
  "public/tiny.txt": "tiny\n",
  "public/blob.bin": "\u0001\u0002binary".repeat(10),
};

const AE = (value: string) => ({ "accept-encoding": value });

/** The same probe under several client Accept-Encoding headers. */
function under(values: string[], probe: HttpProbe): HttpProbe[] {
  return values.map((value) => ({ ...probe, headers: { ...probe.headers, ...AE(value) }, encoded: true, headers_compared: ["content-type", ...(probe.headers_compared ?? [])] }));
}

/** How a body is framed on the wire, and whether the answer varies with the client's encoding. */
const FRAMING = ["content-length", "transfer-encoding", "vary"];

const CLIENTS = ["gzip", "br", "identity", "deflate", "br;q=0.5, gzip;q=0.9", "identity, gzip", "gzip;q=0, identity;q=0", "*;q=0"];

export const cases: CompatCase[] = [
  devCase({
    name: "request path: what the worker sees of the client's Accept-Encoding",
    files: { "wrangler.toml": config, "worker.js": worker },
    fast: true,
    requests: [
      { path: "/seen", headers: AE("gzip, deflate") },
      { path: "/seen", headers: AE("identity") },
      { path: "/seen", headers: AE("") },
    ],
  }),
  devCase({
    name: "request path: worker responses encoded for the client as wrangler dev encodes them",
    files: { "wrangler.toml": config, "worker.js": worker },
    requests: [
      ...["text/plain", "text/html; charset=utf-8", "application/json", "application/javascript", "text/css", "image/svg+xml", "application/octet-stream", "image/png", "text/event-stream"].flatMap((type) =>
        under(["gzip", "br", "identity"], { path: `/type?t=${encodeURIComponent(type)}` }),
      ),
      ...under(CLIENTS, { path: "/untyped" }),
      ...under(["gzip", "br"], { path: "/small" }),
      ...["gzip", "br", "identity", "deflate"].flatMap((declared) => under(CLIENTS, { path: `/declared?e=${declared}` })),
      ...under(["gzip", "br", "identity"], { path: "/declared-binary" }),
      ...under(CLIENTS, { path: "/manual" }),
      ...["204", "304"].flatMap((status) => under(["gzip", "br", "identity"], { path: `/empty?s=${status}` })),
      ...under(["gzip", "br"], { path: "/type?t=text/plain", method: "HEAD" }),
    ],
  }),
  devCase({
    name: "request path: static assets encoded for the client as wrangler dev serves them",
    files: { "wrangler.toml": `${config}[assets]\ndirectory = "public"\n`, "worker.js": worker, ...assets },
    requests: ["/style.css", "/data.json", "/tiny.txt", "/blob.bin"].flatMap((path) =>
      under(["gzip", "br", "identity", "gzip;q=0, identity;q=0"], { path }),
    ),
  }),
  devCase({
    // workerd sends a body it encodes (or decodes) on the way out chunked, without a
    // length; a body it passes on as it is keeps its Content-Length. Not compared: an
    // HTML body the client gets as the worker sent it, which wrangler dev's proxy
    // (HTMLRewriter, for its live-reload script) also sends chunked (matching it cost
    // static HTML a third of its throughput) and an empty encoded body (Bun.serve sends
    // "Content-Length: 0" for it). HEAD: workerd sends no length header, Bun.serve always
    // one; bunflare sends "Transfer-Encoding: chunked" where Bun would claim a length of 0,
    // so only Content-Length is compared there (and not for a worker's plain HEAD answer
    // with a body, whose true length Bun counts and sends).
    name: "request path: an encoded body goes out chunked, a body passed on as it is keeps its length",
    files: { "wrangler.toml": `${config}[assets]\ndirectory = "public"\n`, "worker.js": worker, ...assets },
    requests: [
      ...under(["gzip", "br", "identity"], { path: "/type?t=text/plain", headers_compared: FRAMING }),
      ...under(["gzip", "identity"], { path: "/type?t=image/png", headers_compared: FRAMING }),
      ...under(["gzip"], { path: "/small", headers_compared: FRAMING }),
      ...["gzip", "deflate"].flatMap((declared) => under(["gzip", "identity"], { path: `/declared?e=${declared}`, headers_compared: FRAMING })),
      ...under(["gzip", "identity"], { path: "/manual-bytes", headers_compared: FRAMING }),
      ...["/style.css", "/data.json", "/blob.bin"].flatMap((path) => under(["gzip", "br", "identity"], { path, headers_compared: FRAMING })),
      ...["/style.css", "/blob.bin"].flatMap((path) => under(["gzip", "identity"], { path, method: "HEAD", headers_compared: ["content-length"] })),
      ...under(["gzip"], { path: "/type?t=text/plain", method: "HEAD", headers_compared: ["content-length"] }),
    ],
  }),
  devCase({
    name: "request path: request.cf placeholders",
    files: { "wrangler.toml": config, "worker.js": worker },
    requests: [{ path: "/cf", headers: AE("gzip, br") }, { path: "/cf", headers: AE("") }],
  }),
  devCase({
    name: "request path: --local-protocol https serves with a generated certificate",
    files: { "wrangler.toml": config, "worker.js": worker },
    args: ["--local-protocol", "https"],
    compareStartup: true,
    requests: [{ path: "/seen", headers: AE("gzip") }, ...under(["gzip"], { path: "/type?t=text/plain" })],
  }),
  devCase({
    name: "request path: the host a route gives the worker",
    files: {
      "wrangler.toml": `${config}routes = [{ pattern = "shop.example.com/*", zone_name = "example.com" }]\n`,
      "worker.js": 'export default { fetch(request) { return Response.json({ url: request.url, host: request.headers.get("host") }); } };\n',
    },
    requests: [{ path: "/a?b=1" }],
  }),
  devCase({
    name: "request path: a Custom Domain route is the worker's host",
    files: {
      "wrangler.toml": `${config}routes = [{ pattern = "api.example.com", custom_domain = true }]\n`,
      "worker.js": 'export default { fetch(request) { return Response.json({ url: request.url, host: request.headers.get("host") }); } };\n',
    },
    requests: [{ path: "/x" }],
  }),
  devCase({
    name: "request path: a route's port and dev.upstream_protocol reach the worker",
    files: {
      "wrangler.toml": `${config}route = "https://*.example.com:8443/a/*"\n[dev]\nupstream_protocol = "https"\n`,
      "worker.js": 'export default { fetch(request) { return Response.json({ url: request.url, host: request.headers.get("host") }); } };\n',
    },
    requests: [{ path: "/a/b" }],
  }),
  devCase({
    name: "request path: --upstream-protocol https without a host keeps the local host",
    files: {
      "wrangler.toml": config,
      "worker.js": 'export default { fetch(request) { return Response.json({ url: request.url, host: request.headers.get("host") }); } };\n',
    },
    args: ["--upstream-protocol", "https"],
    requests: [{ path: "/x" }],
  }),
  {
    name: "request path: routes and certificates dev cannot use are refused in wrangler's words",
    files: {
      "worker.js": worker,
      "wrangler.toml": config,
      "custom.toml": `${config}routes = [{ pattern = "api.example.com/*", custom_domain = true }, { pattern = "*.x.com", custom_domain = true }]\n`,
      "any-host.toml": `${config}route = "*/*"\n`,
      "any-host.json": JSON.stringify({ name: "enc", main: "worker.js", compatibility_date: "2025-01-01", routes: ["*/api/*"] }),
    },
    steps: [
      { args: ["dev", "-c", "custom.toml"] },
      { args: ["dev", "-c", "any-host.toml"] },
      { args: ["dev", "-c", "any-host.json"] },
      { args: ["dev", "--local-protocol", "https", "--https-key-path", "missing-key.pem"] },
      { args: ["dev", "--local-protocol", "https", "--https-key-path", "missing-key.pem", "--https-cert-path", "missing-cert.pem"] },
    ],
  },
];

cases.push(
  devCase({
    name: "request path: routes with a path in front of assets are warned about",
    files: {
      "wrangler.toml": `${config}routes = ["example.com/blog/*", "example.com/*", { pattern = "x.example.com/api/*", zone_name = "example.com" }, { pattern = "c.example.com", custom_domain = true }]\n[assets]\ndirectory = "public"\n`,
      "worker.js": worker,
      "public/a.txt": "a\n",
    },
    compareStderr: true,
    requests: [{ path: "/seen", headers: AE("gzip") }],
  }),
);

// What a worker prints with console.*: log, info and debug on stdout, warn and error in
// wrangler's WARNING / ERROR boxes on stderr (an error's stack as the box's note), each
// hidden below --log-level. Stack frames differ (wrangler's middleware, Bun's columns), so
// the worker prints values, not errors.
const consoleWorker = `export default {
  fetch() {
    console.log("plain log", { n: 1 });
    console.info("an info");
    console.debug("a debug");
    console.warn("careful", [1, 2], "now");
    console.error("broken:", "line one\\nline two");
    return new Response("logged");
  },
};
`;
// (--log-level warn hides "Ready on", which the harness waits for: a unit test covers the hiding.)
cases.push(
  devCase({
    name: "request path: a worker's console.log, info and debug on stdout, warn and error in wrangler's boxes on stderr",
    files: { "wrangler.toml": config, "worker.js": consoleWorker },
    compareStderr: true,
    compareLog: { extract: (text) => text.split("\n").filter((line) => /plain log|an info|a debug/.test(line)).join("\n") },
    requests: [{ path: "/" }],
  }),
);

// The headers a worker receives: none of the connection's own (Connection,
// Keep-Alive, TE, a non-WebSocket Upgrade), and not changeable in place;
// a copy made with new Request() is.
const RECEIVED_WORKER = `export default {
  async fetch(request) {
    const seen = { headers: [...request.headers].filter(([name]) => !["host", "user-agent", "accept", "accept-encoding"].includes(name)) };
    for (const method of ["set", "append", "delete"]) {
      try { request.headers[method]("x-custom", "changed"); seen[method] = "changed"; } catch (e) { seen[method] = e.constructor.name + ": " + e.message; }
    }
    const copy = new Request(request);
    copy.headers.set("x-custom", "changed");
    seen.copy = copy.headers.get("x-custom");
    return Response.json(seen);
  },
};
`;

cases.push(
  devCase({
    name: "request path: the worker sees no hop-by-hop headers and cannot change the request's headers",
    files: { "wrangler.toml": config, "worker.js": RECEIVED_WORKER },
    fast: true,
    requests: [
      { path: "/", headers: { connection: "keep-alive", "keep-alive": "timeout=5", te: "trailers", upgrade: "h2c", "proxy-connection": "keep-alive", "x-custom": "yes" } },
      { path: "/", headers: { "x-custom": "yes" } },
    ],
  }),
);
