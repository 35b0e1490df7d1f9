// wrangler dev's request path: content encoding both ways, request.cf, https
// with a generated certificate, the host routes give the worker, and the errors
// for routes dev cannot use.
import type { CompatCase, ExpectedDifference } from "../harness.ts";
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

// What fetch does not show, read off a raw connection: the status line, how a body is
// framed, and the answers for a worker that throws, rejects or returns no Response.
const WIRE_WORKER = `export default {
  async fetch(request) {
    const url = new URL(request.url);
    const status = Number(url.searchParams.get("s") ?? 200);
    const statusText = url.searchParams.get("text") ?? undefined;
    const empty = () => new ReadableStream({ start(controller) { controller.close(); } });
    switch (url.pathname) {
      case "/status": return new Response(null, { status, statusText });
      case "/text": return new Response("hello");
      case "/empty": return new Response("");
      case "/empty-stream": return new Response(empty());
      case "/empty-declared": return new Response("", { headers: { "content-encoding": url.searchParams.get("e") } });
      case "/empty-declared-stream": return new Response(empty(), { headers: { "content-encoding": "gzip" } });
      case "/throw": throw new Error("thrown");
      case "/reject": return Promise.reject(new Error("rejected"));
      case "/not-a-response": return "not a response";
      case "/throw-mid-stream": {
        let sent = false;
        return new Response(new ReadableStream({ async pull(controller) {
          if (sent) throw new Error("mid-stream");
          sent = true;
          controller.enqueue(new TextEncoder().encode("start"));
        } }));
      }
      default: return new Response("not found", { status: 404 });
    }
  },
};
`;

const withoutReason = (text: string) => text.replace(/("status-line": "HTTP\/1\.1 \d{3})[^"]*"/, '$1 <reason>"');
/** Bun.serve writes the reason phrase from its own table and takes no status text from a Response. */
const BUN_REASON: ExpectedDifference = {
  reason: "Bun.serve sends the reason phrase of its own table (\"HM\" for a code it does not know, \"I'm a Teapot\"), never a Response's statusText (Bun's node:http would, at the request path's speed); workerd sends the worker's, or its own default",
  wrangler: withoutReason,
  bunflare: withoutReason,
};
/** wrangler's error answers come from its Node proxy, which writes the error's empty status text. */
const ERROR_REASON: ExpectedDifference = { ...BUN_REASON, reason: "wrangler's 500 for a thrown error has no reason phrase (\"500 \", its Node proxy writes the empty statusText); Bun.serve always writes one" };
const EMPTY_FRAMING: ExpectedDifference = {
  reason: "a body without a byte: Bun.serve sends \"Content-Length: 0\", workerd a chunked body with no chunk (both are empty)",
  bunflare: (text) => text.replace(/"wire content-length": "0",(\s*)"wire transfer-encoding": "<absent>"/, '"wire content-length": "<absent>",$1"wire transfer-encoding": "chunked"'),
};
const ENDED_STREAM: ExpectedDifference = {
  reason: "a stream the worker made that has ended by the time Bun.serve answers goes out with its Content-Length; workerd sends any stream's body chunked",
  bunflare: (text) => text.replace(/"wire content-length": "\d+",(\s*)"wire transfer-encoding": "<absent>"/, '"wire content-length": "<absent>",$1"wire transfer-encoding": "chunked"'),
};
const HEAD_FRAMING: ExpectedDifference = {
  reason: "a HEAD answer: workerd sends no length header, Bun.serve always one (the GET's length, or chunked)",
  bunflare: (text) => text.replace(/"wire content-length": "[^"]*",(\s*)"wire transfer-encoding": "[^"]*"/, '"wire content-length": "<absent>",$1"wire transfer-encoding": "<absent>"'),
};
const STACK_SIZE: ExpectedDifference = {
  reason: "the stack's frames differ (JSC and V8; wrangler's adds a frame of its entry worker to a handler that returns no Response), so does its size",
  wrangler: (text) => text.replace(/("wire (?:content-length|body bytes)": )"\d+"/g, '$1"<size>"'),
  bunflare: (text) => text.replace(/("wire (?:content-length|body bytes)": )"\d+"/g, '$1"<size>"'),
};
const HEAD_ERROR: ExpectedDifference = {
  reason: "wrangler loses a HEAD request's error (its proxy reads the error from the empty HEAD body and logs \"SyntaxError: Unexpected end of JSON input\"), answering 500 without a Content-Type; bunflare logs the worker's error and sends the GET's headers",
  bunflare: (text) => text.replace(/"content-type": "[^"]*"/, '"content-type": "<absent>"'),
};

const AE_PROBE = (value: string): Partial<HttpProbe> => ({ headers: AE(value), encoded: true });
const wire = (path: string, extra: Partial<HttpProbe> = {}): HttpProbe => ({ path, wire: true, ...extra });

cases.push(
  devCase({
    name: "request path: status lines, framing and error answers on the wire",
    files: { "wrangler.toml": config, "worker.js": WIRE_WORKER },
    requests: [
      // Reason phrases: a standard code's is the same; Bun has its own for the rest and ignores statusText.
      ...["200", "201", "404", "451", "503", "302"].map((status) => wire(`/status?s=${status}`)),
      ...["418", "425", "299", "509", "599", "200&text=Custom", "200&text="].map((status) => wire(`/status?s=${status}`, { expected: [BUN_REASON] })),
      // Empty bodies: a known empty body has Content-Length: 0 on both; 204 and 304 none.
      wire("/empty"),
      wire("/empty", AE_PROBE("gzip")),
      wire("/empty", AE_PROBE("br")),
      ...["204", "304"].flatMap((status) => [wire(`/status?s=${status}`), wire(`/status?s=${status}`, AE_PROBE("gzip"))]),
      wire("/empty-stream", { expected: [EMPTY_FRAMING] }),
      // A worker's own encoding on an empty body: no bytes at all, not even an empty gzip stream.
      ...["gzip", "br"].flatMap((coding) => ["gzip", "br", "identity"].map((client) => wire(`/empty-declared?e=${coding}`, { ...AE_PROBE(client), expected: [EMPTY_FRAMING] }))),
      wire("/empty-declared-stream", { ...AE_PROBE("gzip"), expected: [EMPTY_FRAMING] }),
      // HEAD: the headers of the GET, no body.
      ...["/text", "/empty", "/status?s=200", "/status?s=404"].map((path) => wire(path, { method: "HEAD", expected: [HEAD_FRAMING] })),
      ...["/status?s=204", "/status?s=304"].map((path) => wire(path, { method: "HEAD" })),
      // Errors: the stack's first line, as text or as the pretty page.
      ...["/throw", "/reject"].map((path) => wire(path, { headers_compared: ["content-type"], firstLineOnly: true, expected: [ERROR_REASON, STACK_SIZE] })),
      wire("/throw", { headers: { accept: "text/html", "user-agent": "Mozilla/5.0" }, headers_compared: ["content-type"], ignoreBody: true, expected: [ERROR_REASON, { ...STACK_SIZE, reason: "wrangler's error page is another page" }] }),
      wire("/throw", { method: "HEAD", headers_compared: ["content-type"], expected: [HEAD_ERROR] }),
      wire("/not-a-response", { headers_compared: ["content-type"], firstLineOnly: true, expected: [STACK_SIZE] }),
      // A stream that throws after its first chunk: what came before, then a clean end. (Encoded,
      // workerd cuts the gzip stream short, where bunflare ends it: not compared.)
      wire("/throw-mid-stream", { headers: AE("identity"), expected: [ENDED_STREAM] }),
    ],
  }),
);
