// The smaller local bindings (version metadata, rate limits, Analytics Engine,
// send_email, Hyperdrive, Secrets Store) under wrangler dev and bunflare dev:
// the bindings table and one simple use of each, compared.
import type { CompatCase } from "../harness.ts";
import { devCase } from "../dev-harness.ts";
import { PARTLY_LOCAL, tomlWithMain } from "../../test/configs.ts";

const CONFIG = `name = "local-bindings"
main = "index.js"
compatibility_date = "2025-01-01"
version_metadata = { binding = "VERSION" }
[[ratelimits]]
name = "LIMITER"
namespace_id = "1001"
simple = { limit = 2, period = 60 }
[[analytics_engine_datasets]]
binding = "ANALYTICS"
dataset = "events"
[[send_email]]
name = "EMAIL"
destination_address = "to@example.com"
[[send_email]]
name = "LISTED"
allowed_destination_addresses = ["a@example.com", "b@example.com"]
allowed_sender_addresses = ["me@example.com"]
[[send_email]]
name = "ANY_EMAIL"
[[hyperdrive]]
binding = "DB"
id = "hd-id"
localConnectionString = "postgres://alice:s%40cret@localhost:6543/shop"
[[secrets_store_secrets]]
binding = "MISSING"
store_id = "store1"
secret_name = "missing"
`;

const WORKER = `import { EmailMessage } from "cloudflare:email";
const run = async (fn) => { try { return Response.json(await fn()); } catch (e) { return Response.json({ error: String(e) }); } };
const raw = (from, extra) => ["From: Sender <" + from + ">", "To: to@example.com", "Subject: hi", "Message-ID: <1@example.com>", ...(extra ? [extra] : []), "", "body"].join("\\r\\n");
const sent = async (promise) => { const { messageId } = await promise; return /^<[A-Za-z0-9]{36}@example\\.com>$/.test(messageId); };
export default {
  async fetch(request, env) {
    const { pathname, searchParams } = new URL(request.url);
    const key = searchParams.get("key") ?? "";
    switch (pathname) {
      case "/version": { const v = env.VERSION; return Response.json({ keys: Object.keys(v).sort(), id: /^[0-9a-f-]{36}$/.test(v.id), tag: v.tag, timestamp: new Date(v.timestamp).toISOString() === v.timestamp }); }
      case "/limit": return run(() => env.LIMITER.limit({ key }));
      case "/limit-bad": return run(() => env.LIMITER.limit({ key, other: 1 }));
      case "/limit-period": return run(() => env.LIMITER.limit({ key, period: 30 }));
      case "/limit-key": return run(() => env.LIMITER.limit({ key: 5 }));
      case "/analytics": return run(() => (env.ANALYTICS.writeDataPoint({ blobs: ["a"], doubles: [1], indexes: ["i"] }), "ok"));
      // Host and port differ on purpose: wrangler hands workerd a proxy (a made-up host, port 5432
      // whatever the database's); under Bun a driver connects to the local database itself, so
      // bunflare gives its real host and port.
      case "/hyperdrive": return run(() => { const h = env.DB; return { port: typeof h.port, user: h.user, password: h.password, database: h.database, url: (({ protocol, username, password, pathname }) => [protocol, username, password, pathname])(new URL(h.connectionString)) }; });
      case "/secret-missing": return run(() => env.MISSING.get());
      case "/email": return run(() => sent(env.EMAIL.send(new EmailMessage("from@example.com", "to@example.com", raw("from@example.com")))));
      case "/email-denied": return run(() => env.EMAIL.send(new EmailMessage("from@example.com", "other@example.com", raw("from@example.com"))));
      case "/email-sender": return run(() => env.LISTED.send(new EmailMessage("you@example.com", "a@example.com", raw("you@example.com"))));
      case "/email-mismatch": return run(() => env.EMAIL.send(new EmailMessage("from@example.com", "to@example.com", raw("someone@example.com"))));
      case "/email-received": return run(() => env.EMAIL.send(new EmailMessage("from@example.com", "to@example.com", raw("from@example.com", "Received: x"))));
      case "/email-builder": return run(() => sent(env.ANY_EMAIL.send({ from: "me@example.com", to: "you@example.com", subject: "Built", text: "plain words" })));
      case "/email-no-from": return run(() => env.EMAIL.send(new EmailMessage("from@example.com", "to@example.com", "Message-ID: <1@example.com>\\r\\nTo: to@example.com\\r\\n\\r\\nbody")));
      case "/email-not-mime": return run(() => env.EMAIL.send(new EmailMessage("from@example.com", "to@example.com", "this is not an email")));
      case "/email-bad-header": return run(() => env.EMAIL.send(new EmailMessage("from@example.com", "to@example.com", raw("from@example.com", "Bad Header: x"))));
      case "/email-not-object": return run(() => env.EMAIL.send("hello"));
      case "/email-builder-no-to": return run(() => env.ANY_EMAIL.send({ from: "me@example.com", subject: "x" }));
      case "/email-builder-full": return run(() => sent(env.ANY_EMAIL.send({ from: { name: "Me", email: "me@example.com" }, to: ["you@example.com", "b@example.com"], cc: "c@example.com", bcc: ["d@example.com"], subject: "Full", text: "plain words", html: "<p>hi</p>", attachments: [{ filename: "notes.txt", content: "attached text", type: "text/plain", disposition: "attachment" }, { filename: "logo", content: new Uint8Array([1, 2, 3]), type: "image/png", disposition: "inline", contentId: "logo" }] })));
      case "/email-builder-denied": return run(() => env.LISTED.send({ from: "me@example.com", to: ["a@example.com", "c@example.com"], subject: "x", text: "y" }));
    }
    return new Response("not found", { status: 404 });
  },
};
`;

export const cases: CompatCase[] = [
  devCase({
    name: "dev: version_metadata, ratelimits, analytics engine, send_email, hyperdrive and secrets store bindings",
    files: { "wrangler.toml": CONFIG, "index.js": WORKER },
    compareStartup: true,
    requests: [
      { path: "/version" },
      { path: "/limit?key=a" },
      { path: "/limit?key=a" },
      { path: "/limit?key=a" },
      { path: "/limit?key=b" },
      { path: "/limit-bad?key=c" },
      { path: "/limit-period?key=c" },
      { path: "/limit-key" },
      { path: "/analytics" },
      { path: "/hyperdrive" },
      { path: "/secret-missing" },
      { path: "/email" },
      { path: "/email-denied" },
      { path: "/email-sender" },
      { path: "/email-mismatch" },
      { path: "/email-received" },
      { path: "/email-builder" },
      { path: "/email-builder-denied" },
      { path: "/email-no-from" },
      { path: "/email-not-mime" },
      { path: "/email-bad-header" },
      { path: "/email-not-object" },
      { path: "/email-builder-no-to" },
      { path: "/email-builder-full" },
    ],
    // What each tool logs for a sent email; files are temp files under wrangler, store files under bunflare.
    compareLog: {
      extract: (text) =>
        (text.match(/^(‹[0-9;]*›)*\[wrangler:info\](‹[0-9;]*›)* (‹[0-9;]*›)*send_email binding called[^]*?(?=\n(‹[0-9;]*›)*\[wrangler:)/gm) ?? [])
          .join("\n")
          .replace(/(?:<DIR>|\/)\S*\.(eml|txt|html|bin)\b/g, "<FILE>"),
      expected: [
        {
          reason: "bunflare also writes a builder's whole message as one .eml file (attachments included) and names it",
          bunflare: (text) => text.replace(/\n\nEML: <FILE>|\nEML: <FILE>/g, ""),
        },
      ],
    },
  }),
];

cases.push(
  {
    name: "dev: a Hyperdrive binding without a local connection string stops dev in wrangler's words",
    fast: true,
    files: {
      "wrangler.toml": 'name = "w"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[hyperdrive]]\nbinding = "HD"\nid = "hid"\n',
      "index.js": 'export default { fetch() { return new Response("x"); } };\n',
    },
    steps: [{ args: ["dev"] }],
  },
  {
    name: "config: a rate limit binding without `simple` is refused in wrangler's words",
    fast: true,
    files: {
      "wrangler.toml": 'name = "w"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[ratelimits]]\nname = "RL"\nnamespace_id = "1"\n',
      "index.js": 'export default { fetch() { return new Response("x"); } };\n',
    },
    steps: [{ args: ["dev"] }],
  },
);

// Bindings wrangler dev simulates partly or not at all. No always-remote binding
// (AI, ...): wrangler dev would stop to log in to Cloudflare for it.
const PARTLY_LOCAL_CONFIG = tomlWithMain("partly-local", "index.js", PARTLY_LOCAL);

const PARTLY_LOCAL_WORKER = `const run = async (fn) => { try { return Response.json(await fn()); } catch (e) { return Response.json({ error: String(e) }); } };
const code = (who) => ({ compatibilityDate: "2025-01-01", mainModule: "main.js", modules: { "main.js": "import { WorkerEntrypoint } from 'cloudflare:workers'; import { greeting } from './lib/greet.js'; export class Api extends WorkerEntrypoint { add(a, b) { return a + b + Number(this.env.OFFSET); } } export default { fetch(request, env) { return new Response(greeting + ' ' + env.WHO + ' ' + new URL(request.url).pathname); } };", "lib/greet.js": "export const greeting = 'hello';" }, env: { WHO: who, OFFSET: "100" } });
export default {
  async fetch(request, env) {
    switch (new URL(request.url).pathname) {
      case "/keys": return Response.json(Object.keys(env).sort());
      case "/limit": return run(() => env.UNSAFE_LIMIT.limit({ key: "k" }));
      case "/loader": return run(async () => (await env.LOADER.get("w1", () => code("world")).getEntrypoint().fetch("http://dynamic/path")).text());
      case "/loader-rpc": return run(() => env.LOADER.load(code("rpc")).getEntrypoint("Api").add(1, 2));
      case "/dispatch": return run(async () => (await env.DISPATCH.get("customer-worker").fetch("http://x/")).text());
      case "/pipeline": return run(async () => (await env.PIPE.send([{ a: 1 }])) ?? "sent");
      case "/vectorize": return run(() => env.VEC.query([1, 2, 3]));
      case "/mtls": return run(async () => (await env.CERT.fetch("https://example.com/")).status);
    }
    return new Response("not found", { status: 404 });
  },
};
`;

cases.push(
  devCase({
    name: "dev: unsafe rate limits, worker loaders, pipelines, dispatch namespaces and bindings wrangler dev does not simulate",
    files: { "wrangler.toml": PARTLY_LOCAL_CONFIG, "index.js": PARTLY_LOCAL_WORKER },
    compareStartup: true,
    compareStderr: true,
    stderrExpected: [
      {
        reason:
          "bunflare says in one warning that the unsafe custom binding (a \"remote\" row, which wrangler leaves out of env without a word) does not work locally",
        bunflare: (text) => text.replace(/^.*These bindings are only available on Cloudflare's network.*\n\n\n/m, ""),
      },
    ],
    requests: [{ path: "/keys" }, { path: "/limit" }, { path: "/limit" }, { path: "/loader" }, { path: "/loader-rpc" }, { path: "/dispatch" }, { path: "/pipeline" }, { path: "/vectorize" }, { path: "/mtls" }],
  }),
);

cases.push({
  name: "config: dispatch namespace, worker loader and pipeline entries missing their fields are refused in wrangler's words",
  fast: true,
  files: {
    "wrangler.toml":
      'name = "w"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n' +
      '[[dispatch_namespaces]]\nbinding = "D"\n[[worker_loaders]]\nbinding = 1\nextra = true\n[[pipelines]]\nbinding = "P"\n',
    "index.js": 'export default { fetch() { return new Response("x"); } };\n',
  },
  steps: [{ args: ["dev"] }],
});

// `dev --local` ("Run locally with remote bindings disabled"): bunflare took the flag and ignored
// it, so `remote = true` bindings stayed remote stand-ins. Under wrangler each is then as with
// `remote = false`: KV and Images local, Stream's local simulation ("not supported" in the table,
// as wrangler lists it), AI "not supported" and failing on use.
cases.push(
  devCase({
    name: "dev: --local runs remote = true bindings locally, as remote = false",
    files: {
      "wrangler.toml":
        'name = "all-local"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n' +
        '[images]\nbinding = "IMAGES"\nremote = true\n[stream]\nbinding = "STREAM"\nremote = true\n[ai]\nbinding = "AI"\nremote = true\n' +
        '[[kv_namespaces]]\nbinding = "KV"\nid = "abc"\nremote = true\n',
      "index.js": `export default {
  async fetch(request, env) {
    const out = [];
    const attempt = async (label, run) => { try { out.push(label + " " + (await run())); } catch (e) { out.push(label + " threw " + e.message); } };
    await attempt("kv", async () => { await env.KV.put("k", "v"); return env.KV.get("k"); });
    await attempt("images", async () => typeof env.IMAGES.info);
    await attempt("stream", async () => (await env.STREAM.videos.list()).length);
    await attempt("ai", () => env.AI.run("@cf/meta/llama-3-8b-instruct", { prompt: "hi" }));
    return new Response(out.join("\\n"));
  },
};
`,
    },
    args: ["--local"],
    compareStartup: true,
    requests: [{ path: "/" }],
  }),
);
