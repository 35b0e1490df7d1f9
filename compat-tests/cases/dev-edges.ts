// Edges of `dev` seen from the client: the answers the dev server writes itself (their
// type, encoding and status line), the Host and URL a worker sees for an odd Host,
// --log-level debug's lines for the handler endpoints, and how the email endpoint
// reads the addresses of a message's From and To headers.
import type { CompatCase } from "../harness.ts";
import { devCase, workerToml } from "../dev-harness.ts";

const GZIP = { "accept-encoding": "gzip" };
const TYPED = ["content-type", "content-encoding"];

const HANDLERS_WORKER = `export default {
  fetch(request) {
    // No Response: workerd's own 500, a plain-text answer too.
    if (new URL(request.url).pathname === "/none") return undefined;
    return new Response("worker");
  },
  scheduled(event) {
    if (event.cron === "throw") throw new Error("scheduled failed");
  },
  async email(message) {
    console.log("email", message.from, message.to);
  },
};
`;

const email = (query: string, body: string, headers: Record<string, string> = {}) => ({ path: `/cdn-cgi/handler/email?${query}`, method: "POST", body, headers });
const MESSAGE = "From: a@example.com\r\nTo: b@example.com\r\nMessage-ID: <m@example.com>\r\n\r\nhi";

// Bun.serve sends only the standard reason phrase; wrangler's 403 has its message there.
const REASON_PHRASE = {
  reason: "wrangler's /cdn-cgi/ refusal carries its message as the reason phrase (\"403 Invalid Host header\"); Bun.serve sends only the standard one (\"403 Forbidden\"), which is what clients show",
  wrangler: (text: string) => text.replace(/403 Invalid (Host|Origin) header"/, '403 Forbidden"'),
};

export const cases: CompatCase[] = [
  devCase({
    name: "dev edges: the dev server's own text answers are text/plain;charset=UTF-8 and encoded for the client, as wrangler's",
    files: { "wrangler.toml": workerToml("own-answers-app"), "index.js": HANDLERS_WORKER },
    args: ["--test-scheduled"],
    requests: [
      { path: "/cdn-cgi/handler/scheduled", headers_compared: TYPED, wire: true },
      { path: "/cdn-cgi/handler/scheduled", headers: GZIP, encoded: true, headers_compared: ["content-type"] },
      {
        path: "/cdn-cgi/handler/scheduled",
        method: "HEAD",
        headers: GZIP,
        headers_compared: TYPED,
        wire: true,
        expected: [
          {
            reason: "a HEAD of wrangler's own answer, gzipped, says Content-Length: 2 (the plain body's length, not what a GET sends: the GET is chunked); bunflare's HEAD frames as its GET does, chunked",
            wrangler: (text) => text.replace('"wire content-length": "2"', '"wire content-length": "<absent>"').replace('"wire transfer-encoding": "<absent>"', '"wire transfer-encoding": "chunked"'),
          },
        ],
      },
      { path: "/cdn-cgi/handler/scheduled?cron=throw", headers: { "accept-encoding": "br" }, encoded: true, headers_compared: ["content-type"] },
      { path: "/cdn-cgi/mf/scheduled", headers: GZIP, encoded: true, headers_compared: ["content-type"] },
      { path: "/__scheduled", headers: GZIP, encoded: true, headers_compared: ["content-type"] },
      { path: "/__scheduled", headers_compared: TYPED, wire: true },
      { path: "/__scheduled?cron=throw", headers: GZIP, encoded: true, headers_compared: ["content-type"], firstLineOnly: true },
      { path: "/cdn-cgi/handler/nope", headers: GZIP, encoded: true, headers_compared: ["content-type"] },
      { path: "/cdn-cgi/handler/nope", headers: { "accept-encoding": "identity;q=0" }, headers_compared: [...TYPED, "accept-encoding"] },
      { path: "/cdn-cgi/handler/email", headers: GZIP, encoded: true, headers_compared: ["content-type"] },
      { ...email("from=a@example.com&to=b@example.com", MESSAGE, GZIP), encoded: true, headers_compared: ["content-type"] },
      { ...email("from=a@example.com&to=b@example.com", "no id"), headers_compared: TYPED, wire: true },
      { path: "/none", headers: GZIP, encoded: true, headers_compared: ["content-type"], firstLineOnly: true },
      // Answered before encoding: the refusals of /cdn-cgi/ and of the platform proxy.
      // (Not on the raw connection, which sends a Host of its own: two Hosts are workerd's 500.)
      { path: "/cdn-cgi/xyz", headers: { host: "evil.example", ...GZIP }, headers_compared: TYPED },
      { path: "/cdn-cgi/xyz", headers: { origin: "http://evil.example", ...GZIP }, headers_compared: TYPED, wire: true, expected: [REASON_PHRASE] },
      { path: "/cdn-cgi/platform-proxy", headers: GZIP, headers_compared: TYPED, wire: true },
      { path: "/cdn-cgi/platform-proxy", headers: { "MF-Op": "GET", ...GZIP }, headers_compared: TYPED, wire: true },
    ],
  }),
  devCase({
    name: "dev edges: the worker's Host header and URL are the client's Host normalised (case, IPv4 shorthand, default port)",
    files: {
      "wrangler.toml": workerToml("host-app"),
      "index.js": `export default {
  fetch(request) {
    return Response.json({ url: request.url, host: request.headers.get("host") });
  },
};
`,
    },
    compareRequestLog: true,
    requests: [
      { path: "/a?b=1", headers: { host: "LOCALHOST" } },
      { path: "/a", headers: { host: "Example.COM:8080" } },
      { path: "/a", headers: { host: "127.1:9000" } },
      { path: "/a", headers: { host: "localhost.:9000" } },
      { path: "/a", headers: { host: "example.com:80" } },
      { path: "/a", headers: { host: "[0:0::1]:9000" } },
      { path: "/a", headers: { host: "xn--bcher-kva.example" } },
      // /cdn-cgi/ checks the Host as sent, then the worker sees it normalised.
      { path: "/cdn-cgi/x", headers: { host: "LOCALHOST:9000" } },
      {
        path: "/a",
        headers: { host: "a b" },
        expected: [
          {
            reason: "a Host that is no host name: wrangler's workerd fails to build the URL, answers 500 and prints an 'Uncaught exception: kj/compat/url.c++' box; bunflare answers it as workerd answers a missing Host, 400 Bad Request, and the worker never runs",
            wrangler: (text) => text.replace('"status": 500', '"status": 400').replace('"Internal Server Error"', '"Bad Request"'),
          },
        ],
      },
    ],
  }),
  devCase({
    name: "dev edges: --log-level debug logs the handler endpoints' requests under wrangler's worker-named loggers",
    files: { "wrangler.toml": workerToml("debug-log-app"), "index.js": HANDLERS_WORKER },
    args: ["--log-level", "debug"],
    compareRequestLog: true,
    compareLog: {
      // miniflare's own lines for the endpoints (the worker's debug chatter and the inspector's are wrangler's alone).
      extract: (text) => text.split("\n").filter((line) => /^\[wrangler-UserWorker:(warn|error)\] (Triggering|Provided)|^  (MAIL|RCPT|"(From|To)")|^email /.test(line)).join("\n"),
    },
    requests: [
      { path: "/" },
      { path: "/cdn-cgi/handler/scheduled" },
      { path: "/cdn-cgi/handler/scheduled?cron=throw" },
      { path: "/cdn-cgi/mf/scheduled" },
      { path: "/cdn-cgi/handler/nope" },
      { path: "/cdn-cgi/handler/email" },
      email("from=x@example.com&to=b@example.com", MESSAGE),
      // The worker's, under /cdn-cgi/: logged at debug only.
      { path: "/cdn-cgi/worker-path" },
      // Refused: not logged at all.
      { path: "/cdn-cgi/xyz", headers: { host: "evil.example" } },
      { path: "/cdn-cgi/platform-proxy" },
    ],
  }),
  devCase({
    name: "dev edges: the email endpoint reads From and To as miniflare does (quoted names with commas, several recipients, groups)",
    files: { "wrangler.toml": workerToml("email-address-app"), "index.js": HANDLERS_WORKER },
    compareLog: {
      extract: (text) => text.split("\n").filter((line) => /^\[wrangler:warn\] Provided|^  (MAIL|RCPT|"(From|To)")|^email /.test(line)).join("\n"),
    },
    requests: [
      ['"Doe, Jane" <jane@example.com>', '"Roe, Bob" <b@example.com>, c@example.com', "jane@example.com", "c@example.com"],
      ['"Doe, Jane" <jane@example.com>', '"Roe, Bob" <b@example.com>, "X, <y>" <c@example.com>', "jane@example.com", "c@example.com"],
      ["jane@example.com", "b@example.com", "<jane@example.com>", "<b@example.com>"],
      ["jane@example.com", "b@example.com, c@example.com", "Jane <jane@example.com>", "b@example.com,c@example.com"],
      ["jane@example.com", "b@example.com", "JANE@example.com", "B@example.com"],
      ["notanaddress", "b@example.com", "notanaddress", "b@example.com"],
      ["Jane Doe <jane@example.com> (home)", "Team: b@example.com, c@example.com;", "jane@example.com", "b@example.com"],
      ['"Doe, Jane" <jane@example.com>, other@example.com', "(b@example.com)", "jane@example.com", "b@example.com"],
      ["jane@example.com", "Bob b@example.com; c@example.com", "jane@example.com", "c@example.com"],
      ["jane@example.com", "", "jane@example.com", "b@example.com"],
    ].map(([fromHeader, toHeader, from, to]) =>
      email(
        `from=${encodeURIComponent(from!)}&to=${encodeURIComponent(to!)}`,
        `From: ${fromHeader}\r\n${toHeader ? `To: ${toHeader}\r\n` : ""}Message-ID: <m@example.com>\r\n\r\nhi`,
      ),
    ),
  }),
  devCase({
    name: "dev edges: send_email checks a raw message's From header as miniflare reads it (quoted commas, groups, comments, two addresses, case, folding, none)",
    files: {
      "wrangler.toml": workerToml("send-from-app", "index.js", '[[send_email]]\nname = "EMAIL"\nallowed_sender_addresses = ["jane@example.com", "JANE@example.com"]\n'),
      "index.js": `import { EmailMessage } from "cloudflare:email";
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const from = url.searchParams.get("from");
    const header = url.searchParams.get("header");
    const raw = (header === null ? "" : "From: " + header + "\\r\\n") + "To: b@example.com\\r\\nMessage-ID: <m@example.com>\\r\\n\\r\\nhi";
    try {
      await env.EMAIL.send(new EmailMessage(from, "b@example.com", raw));
      return new Response("sent");
    } catch (e) {
      return new Response(e.name + ": " + e.message);
    }
  },
};
`,
    },
    requests: [
      ["jane@example.com", '"Doe, Jane" <jane@example.com>'],
      ["jane@example.com", "Team: jane@example.com, other@example.com;"],
      ["jane@example.com", "Jane (work) <jane@example.com> (home)"],
      ["jane@example.com", "(comment) jane@example.com"],
      ["jane@example.com", "jane@example.com, other@example.com"],
      ["jane@example.com", "other@example.com, jane@example.com"],
      ["jane@example.com", "jane@EXAMPLE.COM"],
      ["JANE@example.com", "jane@example.com"],
      ["jane@example.com", "Jane\r\n <jane@example.com>"],
      ["jane@example.com", "\r\n jane@example.com"],
      ["jane@example.com", ""],
      ["jane@example.com", null],
      ["other@example.com", "other@example.com"],
    ].map(([from, header]) => ({ path: `/?from=${encodeURIComponent(from!)}${header === null ? "" : `&header=${encodeURIComponent(header!)}`}` })),
  }),
];
