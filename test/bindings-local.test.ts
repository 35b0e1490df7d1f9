// The smaller local bindings under a real `bunflare dev`: version metadata,
// rate limits, Analytics Engine, send_email, Hyperdrive and the Secrets Store,
// each called from a worker over real HTTP, with state in a real store.
import { afterAll, beforeAll, expect, setSystemTime, test } from "bun:test";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { project, ROOT, startDev, strip, type DevProcess } from "./dev-helpers.ts";
import { openStore } from "../runtime/store/index.ts";
import { putSecret } from "../runtime/bindings/secrets-store/index.ts";
import { createRateLimiter } from "../runtime/bindings/ratelimits/index.ts";
import { loadConfig } from "../src/config/index.ts";

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
name = "ANY_EMAIL"
[[hyperdrive]]
binding = "DB"
id = "hd-id"
localConnectionString = "postgres://alice:s%40cret@db.local:6543/shop"
[[hyperdrive]]
binding = "FROM_ENV"
id = "hd-env"
[[secrets_store_secrets]]
binding = "API_KEY"
store_id = "store1"
secret_name = "api-key"
[[secrets_store_secrets]]
binding = "MISSING"
store_id = "store1"
secret_name = "missing"
[images]
binding = "IMAGES"
`;

const WORKER = `import { EmailMessage } from "cloudflare:email";
const run = async (fn) => { try { return Response.json(await fn()); } catch (e) { return Response.json({ error: String(e) }); } };
const raw = (from, extra = "") => [\`From: Sender <\${from}>\`, "To: to@example.com", "Subject: hi", "Message-ID: <1@example.com>", extra, "", "body"].filter((l, i) => l !== "" || i > 3).join("\\r\\n");
export default {
  async fetch(request, env) {
    const { pathname, searchParams } = new URL(request.url);
    const key = searchParams.get("key") ?? "";
    switch (pathname) {
      case "/version": return Response.json(env.VERSION);
      case "/limit": return run(() => env.LIMITER.limit({ key }));
      case "/limit-bad": return run(() => env.LIMITER.limit({ key, other: 1 }));
      case "/limit-period": return run(() => env.LIMITER.limit({ key, period: 30 }));
      case "/analytics": return run(() => (env.ANALYTICS.writeDataPoint({ blobs: ["a"], doubles: [1], indexes: ["i"] }), "ok"));
      case "/hyperdrive": return run(() => { const h = env.DB; return { connectionString: h.connectionString, host: h.host, port: h.port, user: h.user, password: h.password, database: h.database }; });
      case "/hyperdrive-env": return run(() => env.FROM_ENV.connectionString);
      case "/secret": return run(() => env.API_KEY.get());
      case "/secret-missing": return run(() => env.MISSING.get());
      case "/email": return run(() => env.EMAIL.send(new EmailMessage("from@example.com", "to@example.com", raw("from@example.com"))));
      case "/email-denied": return run(() => env.EMAIL.send(new EmailMessage("from@example.com", "other@example.com", raw("from@example.com"))));
      case "/email-mismatch": return run(() => env.EMAIL.send(new EmailMessage("from@example.com", "to@example.com", raw("someone@example.com"))));
      case "/email-received": return run(() => env.EMAIL.send(new EmailMessage("from@example.com", "to@example.com", raw("from@example.com", "Received: x"))));
      case "/image": return run(async () => {
        const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="80" height="40"><rect width="80" height="40" fill="red"/></svg>';
        const result = await env.IMAGES.input(new Response(svg).body).transform({ width: 20 }).output({ format: "image/png" });
        return { type: result.contentType(), info: await env.IMAGES.info(result.image()) };
      });
      case "/email-builder": return run(() => env.ANY_EMAIL.send({ from: { name: "Me", email: "me@example.com" }, to: "you@example.com", subject: "Built", text: "plain words", attachments: [{ filename: "data.bin", content: new Uint8Array([0, 255, 1, 254]), type: "application/octet-stream", disposition: "attachment" }] }));
      case "/email-no-from": return run(() => env.EMAIL.send(new EmailMessage("from@example.com", "to@example.com", "Message-ID: <1@x>\\r\\n\\r\\nbody")));
      case "/email-bad-header": return run(() => env.EMAIL.send(new EmailMessage("from@example.com", "to@example.com", raw("from@example.com", "Bad Header: x"))));
      case "/email-builder-no-to": return run(() => env.ANY_EMAIL.send({ from: "me@example.com", subject: "x" }));
    }
    return new Response("not found", { status: 404 });
  },
};
`;

let dir: string;
let dev: DevProcess;
const get = async (pathname: string) => (await fetch(new URL(pathname, dev.url))).json() as Promise<any>;

beforeAll(async () => {
  dir = project({ "wrangler.toml": CONFIG, "index.js": WORKER });
  // A secret put by another process into the store before dev starts.
  const store = openStore(path.join(dir, ".bunflare"));
  putSecret(store, "store1", "api-key", "sk-123");
  store.close();
  dev = await startDev(dir, [], { env: { CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_FROM_ENV: "mysql://bob@127.0.0.1/app" } });
});
afterAll(async () => {
  await dev?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("the bindings table shows each binding as wrangler does", () => {
  const output = strip(dev.output());
  expect(output).toContain("Found a non-empty CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_FROM_ENV variable for binding. Hyperdrive will connect to this database during local development.");
  for (const line of [
    /env\.EMAIL \(to@example\.com\)\s+Send Email\s+local/,
    /env\.ANY_EMAIL \(unrestricted\)\s+Send Email\s+local/,
    /env\.DB \(hd-id\)\s+Hyperdrive Config\s+local/,
    /env\.API_KEY \(store1\/api-key\)\s+Secrets Store Secret\s+local/,
    /env\.ANALYTICS \(events\)\s+Analytics Engine Dataset\s+local/,
    /env\.LIMITER \(2 requests\/60s\)\s+Rate Limit\s+local/,
    /env\.VERSION\s+Worker Version Metadata\s+local/,
    /env\.IMAGES\s+Images\s+local/,
  ]) {
    expect(output).toMatch(line);
  }
  expect(output).not.toContain("not supported by bunflare yet");
});

test("version metadata: a UUID id, an empty tag and an ISO timestamp", async () => {
  const metadata = await get("/version");
  expect(metadata.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect(metadata.tag).toBe("");
  expect(new Date(metadata.timestamp).toISOString()).toBe(metadata.timestamp);
});

test("rate limit: the configured limit per key, then refusals; bad options in miniflare's words", async () => {
  expect(await get("/limit?key=a")).toEqual({ success: true });
  expect(await get("/limit?key=a")).toEqual({ success: true });
  expect(await get("/limit?key=a")).toEqual({ success: false });
  expect(await get("/limit?key=b")).toEqual({ success: true });
  expect(await get("/limit-bad?key=c")).toEqual({ error: "Error: bad rate limit options: [other]" });
  expect(await get("/limit-period?key=c")).toEqual({ error: "Error: unsupported period: 30" });
});

test("rate limit windows restart at the next period boundary", async () => {
  const limiter = createRateLimiter(`test-${crypto.randomUUID()}`, 1, 10);
  try {
    setSystemTime(new Date(1_700_000_001_000));
    expect(await limiter.limit({ key: "k" })).toEqual({ success: true });
    setSystemTime(new Date(1_700_000_009_999));
    expect(await limiter.limit({ key: "k" })).toEqual({ success: false });
    setSystemTime(new Date(1_700_000_010_000));
    expect(await limiter.limit({ key: "k" })).toEqual({ success: true });
  } finally {
    setSystemTime();
  }
});

test("analytics engine: writeDataPoint is accepted", async () => {
  expect(await get("/analytics")).toBe("ok");
});

test("hyperdrive: connection details from localConnectionString and from the environment variable", async () => {
  expect(await get("/hyperdrive")).toEqual({
    connectionString: "postgres://alice:s%40cret@db.local:6543/shop",
    host: "db.local",
    port: 6543,
    user: "alice",
    password: "s@cret",
    database: "shop",
  });
  expect(await get("/hyperdrive-env")).toBe("mysql://bob@127.0.0.1/app");
});

test("secrets store: get() reads the store; a missing secret is wrangler's error", async () => {
  expect(await get("/secret")).toBe("sk-123");
  expect(await get("/secret-missing")).toEqual({ error: 'Error: Secret "missing" not found' });
});

test("send_email: an allowed EmailMessage is written as .eml; denied and malformed messages get wrangler's errors", async () => {
  const sent = await get("/email");
  expect(sent.messageId).toMatch(/^<[A-Za-z0-9]{36}@example\.com>$/);
  expect(await get("/email-denied")).toEqual({ error: "Error: email to other@example.com not allowed" });
  expect(await get("/email-mismatch")).toEqual({ error: "Error: From: header does not match mail from" });
  expect(await get("/email-received")).toEqual({ error: "Error: invalid headers set" });
  expect(await get("/email-no-from")).toEqual({ error: "TypeError: Cannot read properties of undefined (reading 'address')" });
  expect(await get("/email-bad-header")).toEqual({ error: "Error: could not parse email: Invalid header name." });
  expect(await get("/email-builder-no-to")).toEqual({ error: "TypeError: Cannot read properties of undefined (reading 'email')" });
  const built = await get("/email-builder");
  expect(built.messageId).toMatch(/@example\.com>$/);
  const files = readdirSync(path.join(dir, ".bunflare", "email")).filter((file) => file.endsWith(".eml")).sort();
  expect(files.length).toBe(2);
  const contents = files.map((file) => readFileSync(path.join(dir, ".bunflare", "email", file), "utf8"));
  expect(contents.some((eml) => eml.includes("From: Sender <from@example.com>") && eml.endsWith("body"))).toBe(true);
  expect(contents.some((eml) => eml.includes('From: "Me" <me@example.com>') && eml.includes("Subject: Built") && eml.includes("plain words"))).toBe(true);
  await dev.waitForOutput(/send_email binding called with the following message:\n\s+\S+\.eml/);
  await dev.waitForOutput(
    /send_email binding called with MessageBuilder:\nFrom: "Me" <me@example\.com>\nTo: you@example\.com\nSubject: Built\n\nText: \S+\.txt\nAttachment \(attachment\): data\.bin -> \S+\.bin\nEML: \S+\.eml/,
  );
  // The attachment's bytes, as a file of its own and base64 in the .eml.
  const attachment = strip(dev.output()).match(/data\.bin -> (\S+\.bin)/)![1]!;
  expect([...readFileSync(attachment)]).toEqual([0, 255, 1, 254]);
  const eml = contents.find((text) => text.includes("Subject: Built"))!;
  expect(eml).toContain('Content-Disposition: attachment; filename="data.bin"');
  expect(eml).toContain(Buffer.from([0, 255, 1, 254]).toString("base64"));
});

test("secrets store: a secret created and updated by the CLI is read by the running dev server", async () => {
  const cli = (...args: string[]) => spawnSync(path.join(ROOT, "bin", "bunflare"), ["secrets-store", "secret", ...args], { cwd: dir, encoding: "utf8", env: { ...process.env, CI: "true" } });
  const created = cli("create", "store1", "--name", "missing", "--value", "now-here", "--scopes", "workers");
  expect(created.status).toBe(0);
  expect(created.stdout).not.toContain("now-here");
  expect(await get("/secret-missing")).toBe("now-here");
  const id = strip(created.stdout).match(/│ missing\s+│ ([0-9a-f]{32}) │/)![1]!;
  expect(cli("update", "store1", "--secret-id", id, "--value", "changed").status).toBe(0);
  expect(await get("/secret-missing")).toBe("changed");
  // An update of the comment alone keeps the value.
  expect(cli("update", "store1", "--secret-id", id, "--comment", "note").status).toBe(0);
  expect(await get("/secret-missing")).toBe("changed");
  const deleted = cli("delete", "store1", "--secret-id", id);
  expect([deleted.status, strip(deleted.stdout)]).toEqual([0, expect.stringContaining(`✅ Deleted secret! (ID: ${id})`)]);
  expect(await get("/secret-missing")).toEqual({ error: 'Error: Secret "missing" not found' });
  const again = cli("delete", "store1", "--secret-id", id);
  expect([again.status, strip(again.stderr)]).toEqual([1, expect.stringContaining("Secret not found")]);
});

test("images: an SVG resized and encoded as PNG by sharp inside the dev server", async () => {
  const { type, info } = await get("/image");
  expect(type).toBe("image/png");
  expect([info.format, info.width, info.height]).toEqual(["image/png", 20, 10]);
});

test("a rate limit without `simple` is refused at config load in wrangler's words", () => {
  const bad = project({ "wrangler.toml": 'name = "x"\n[[ratelimits]]\nname = "RL"\nnamespace_id = "1"\n' });
  try {
    expect(() => loadConfig({ cwd: bad })).toThrow('"ratelimits[0]" bindings must have a "simple" configuration object but got {"name":"RL","namespace_id":"1"}.');
  } finally {
    rmSync(bad, { recursive: true, force: true });
  }
});

test("a Hyperdrive binding with no local connection string stops bunflare dev with wrangler's message, exit code 1", () => {
  const bare = project({
    "wrangler.toml": 'name = "x"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[hyperdrive]]\nbinding = "HD"\nid = "h"\n',
    "index.js": 'export default { fetch() { return new Response("x"); } };\n',
  });
  try {
    const run = spawnSync(path.join(ROOT, "bin", "bunflare"), ["dev", "--port", "0"], { cwd: bare, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", HOME: bare } });
    expect(run.status).toBe(1);
    expect(run.stdout + run.stderr).toContain(
      `set the value of the 'CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_HD' variable or "HD"'s "localConnectionString" to the Postgres connection string.`,
    );
    expect(run.stdout + run.stderr).not.toContain("    at ");
  } finally {
    rmSync(bare, { recursive: true, force: true });
  }
});
