// The Local Explorer's views beyond wrangler's (bunflare's additions to the API),
// over real HTTP on real stores: D1 tables / rows / migrations, R2 multipart
// uploads and streamed large uploads, queue messages (delayed, retrying,
// dead-lettered) with retry-now, the cache, the dev session's requests, the
// OpenAPI document covering every path, and the Host / Origin checks.
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { connect } from "node:net";
import path from "node:path";
import { cleanup, eventually, project, startDev, strip, type DevProcess } from "./dev-helpers.ts";
import { D1, KV, R2, toml } from "./configs.ts";
import { DOCUMENTED } from "../src/explorer/openapi.ts";
import { EXPLORER_HTML } from "../src/explorer/page.ts";

setDefaultTimeout(60_000);

const BIN = path.resolve(import.meta.dir, "..", "bin", "bunflare");
const CONFIG = toml("app", KV, D1, R2);

const dirs: string[] = [];
const children: ChildProcess[] = [];
const devs: DevProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
  await Promise.all(devs.splice(0).map((dev) => dev.stop()));
  for (const dir of dirs.splice(0)) cleanup(dir);
});

function newProject(files: Record<string, string> = {}): string {
  const dir = project({ "wrangler.toml": CONFIG, "src/index.js": "export default { fetch() { return new Response('x'); } };\n", ...files });
  dirs.push(dir);
  return dir;
}

function cli(dir: string, ...args: string[]) {
  const result = Bun.spawnSync([BIN, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: "1", CI: "true", HOME: dir }, stdout: "pipe", stderr: "pipe" });
  return { code: result.exitCode, stdout: strip(result.stdout.toString()), stderr: strip(result.stderr.toString()) };
}

async function startExplorer(dir: string): Promise<string> {
  const child = spawn(BIN, ["explorer", "--port", "0"], { cwd: dir, env: { ...process.env, NO_COLOR: "1", HOME: dir } });
  children.push(child);
  let output = "";
  const base = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = strip(output).match(/Local Explorer ready on (http:\/\/\S+)/);
      if (match) resolve(match[1]!);
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => reject(new Error(`bunflare explorer exited (${code}):\n${output}`)));
  });
  return `${base}/api`;
}

const bodyOf = async (response: Promise<Response> | Response): Promise<any> => (await response).json();
const post = (url: string, body: unknown) => fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("D1 views", () => {
  test("tables with their schema, rows paged and sorted, migrations applied and pending", async () => {
    const dir = newProject({
      "migrations/0001_people.sql": "CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, age INTEGER);\n",
      "migrations/0002_pets.sql": "CREATE TABLE pets (name TEXT);\n",
    });
    expect(cli(dir, "d1", "migrations", "apply", "db1", "--local").code).toBe(0);
    const values = Array.from({ length: 120 }, (_, i) => `('p${String(i).padStart(3, "0")}', ${(i * 37) % 100})`).join(", ");
    expect(cli(dir, "d1", "execute", "db1", "--local", "--command", `INSERT INTO people (name, age) VALUES ${values}`).code).toBe(0);
    expect(cli(dir, "d1", "execute", "db1", "--local", "--command", "DELETE FROM d1_migrations WHERE name = '0002_pets.sql'").code).toBe(0);
    const api = `${await startExplorer(dir)}/d1/database/db-id`;

    const tables = (await bodyOf(fetch(`${api}/tables`))).result;
    expect(tables.map((table: { name: string }) => table.name)).toEqual(["d1_migrations", "people", "pets"]);
    const people = tables.find((table: { name: string }) => table.name === "people");
    expect(people.rows).toBe(120);
    expect(people.sql).toContain("CREATE TABLE people");
    expect(people.columns).toEqual([
      { name: "id", type: "INTEGER", not_null: 0, default_value: null, pk: 1 },
      { name: "name", type: "TEXT", not_null: 1, default_value: null, pk: 0 },
      { name: "age", type: "INTEGER", not_null: 0, default_value: null, pk: 0 },
    ]);

    const page2 = await bodyOf(fetch(`${api}/tables/people/rows?page=2&per_page=50&order_by=name&direction=desc`));
    expect(page2.result.columns).toEqual(["id", "name", "age"]);
    expect(page2.result.rows).toHaveLength(50);
    expect(page2.result.rows[0][1]).toBe("p069");
    expect(page2.result_info).toEqual({ page: 2, per_page: 50, total_count: 120, total_pages: 3 });
    const byAge = await bodyOf(fetch(`${api}/tables/people/rows?order_by=age&per_page=3`));
    expect(byAge.result.rows.map((row: unknown[]) => row[2])).toEqual([0, 0, 1]); // ages (i * 37) % 100: i = 0 and i = 100 are both 0

    // Bad input: a column or table that is not there, a bad page: 4xx with a message, nothing run.
    const badColumn = await fetch(`${api}/tables/people/rows?order_by=${encodeURIComponent('age"; DROP TABLE people; --')}`);
    expect(badColumn.status).toBe(400);
    expect((await bodyOf(badColumn)).errors[0].message).toStartWith('order_by: no column age"; DROP TABLE people; -- in people');
    expect((await fetch(`${api}/tables/nobody/rows`)).status).toBe(404);
    expect((await fetch(`${api}/tables/people/rows?page=0`)).status).toBe(400);
    expect(cli(dir, "d1", "execute", "db1", "--local", "--json", "--command", "SELECT count(*) AS n FROM people").stdout).toContain('"n": 120');

    expect((await bodyOf(fetch(`${api}/migrations`))).result).toEqual({
      directory: path.join(dir, "migrations"),
      table: "d1_migrations",
      applied: ["0001_people.sql"],
      pending: ["0002_pets.sql"],
    });
    expect((await fetch(`${await startExplorer(dir)}/d1/database/nope/tables`)).status).toBe(404);
  });
});

describe("R2 views", () => {
  test("multipart uploads in progress; a large upload streamed in and read back whole; over-limit refused", async () => {
    const dir = newProject();
    const api = `${await startExplorer(dir)}/r2/buckets/bucket-one`;
    expect((await bodyOf(fetch(`${api}/multipart`))).result).toEqual([]);

    // 24 MiB in 64 KiB chunks from a stream: the server never needs it whole.
    const chunk = new Uint8Array(64 * 1024).map((_, i) => i % 251);
    const hash = createHash("sha256");
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= 384) return controller.close();
        sent++;
        hash.update(chunk);
        controller.enqueue(chunk);
      },
    });
    const put = await fetch(`${api}/objects/${encodeURIComponent("big/ü ..file.bin")}`, { method: "PUT", body, headers: { "content-type": "application/octet-stream" }, duplex: "half" } as RequestInit);
    expect(put.status).toBe(200);
    expect((await bodyOf(put)).result.size).toBe(24 * 1024 * 1024);
    const back = await fetch(`${api}/objects/${encodeURIComponent("big/ü ..file.bin")}`);
    expect(createHash("sha256").update(new Uint8Array(await back.arrayBuffer())).digest("hex")).toBe(hash.digest("hex"));

    // Over R2's single-put limit: refused from the declared length before a byte is stored (a raw request,
    // since fetch always sends the real length).
    const { hostname, port, pathname } = new URL(`${api}/objects/huge`);
    const reply = await new Promise<string>((resolve, reject) => {
      let text = "";
      const socket = connect(Number(port), hostname, () => {
        socket.write(`PUT ${pathname} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Length: ${6 * 1024 ** 3}\r\nConnection: close\r\n\r\nsome bytes`);
      });
      socket.on("data", (data) => {
        text += data.toString();
        if (text.includes("Use a multipart upload")) (socket.destroy(), resolve(text));
      });
      socket.on("error", reject);
      socket.on("close", () => resolve(text));
    });
    expect(reply).toStartWith("HTTP/1.1 413");
    expect(reply).toContain("exceeds the maximum allowed object size");
    expect((await bodyOf(fetch(`${api}/objects?prefix=huge`))).result).toEqual([]);
  });

  test("an upload the worker started and did not finish is listed with its parts", async () => {
    const dir = newProject({
      "src/index.js": `export default {
  async fetch(request, env) {
    const upload = await env.BUCKET.createMultipartUpload("video.mp4");
    await upload.uploadPart(1, "first part");
    return new Response(upload.uploadId);
  },
};
`,
    });
    const dev = await startDev(dir);
    devs.push(dev);
    const uploadId = await (await fetch(dev.url)).text();
    const listed = await bodyOf(fetch(`${dev.url}/cdn-cgi/explorer/api/r2/buckets/bucket-one/multipart`));
    expect(listed.result).toEqual([{ upload_id: uploadId, key: "video.mp4", initiated: expect.any(String), parts: 1, size: 10 }]);
  });
});

describe("queues, cache and requests in a dev session", () => {
  const QUEUES = `${CONFIG}
[[queues.producers]]
binding = "JOBS"
queue = "jobs"

[[queues.consumers]]
queue = "jobs"
max_retries = 1
max_batch_timeout = 0
retry_delay = 3600
dead_letter_queue = "jobs-dlq"
`;
  const WORKER = `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/send") {
      await env.JOBS.send({ n: Number(url.searchParams.get("n")) }, { delaySeconds: Number(url.searchParams.get("delay") ?? 0) });
      return new Response("sent");
    }
    if (url.pathname === "/cache") {
      await caches.default.put("https://example.com/a", new Response("cached", { headers: { "cache-control": "max-age=600" } }));
      return new Response("cached");
    }
    console.log("handling", url.pathname);
    await new Promise((resolve) => setTimeout(resolve, Number(url.searchParams.get("wait") ?? 0)));
    console.warn("done with", url.pathname);
    return new Response("ok", { status: url.pathname === "/missing" ? 404 : 200 });
  },
  async queue(batch) {
    for (const message of batch.messages) {
      console.log("got", message.body.n);
      message.retry();
    }
  },
};
`;

  test("messages delayed, retrying with attempts, then dead-lettered; retry-now; purge", async () => {
    const dir = newProject({ "wrangler.toml": QUEUES, "src/index.js": WORKER });
    const dev = await startDev(dir);
    devs.push(dev);
    const api = `${dev.url}/cdn-cgi/explorer/api/queues`;
    const queues = (await bodyOf(fetch(api))).result;
    expect(queues.map((queue: { queue_name: string }) => queue.queue_name).sort()).toEqual(["jobs", "jobs-dlq"]);
    expect(queues.find((queue: { queue_name: string }) => queue.queue_name === "jobs").consumer).toEqual({ max_retries: 1, dead_letter_queue: "jobs-dlq", retry_delay: 3600 });
    expect(queues.find((queue: { queue_name: string }) => queue.queue_name === "jobs-dlq").dead_letter_for).toEqual(["jobs"]);

    await fetch(`${dev.url}/send?n=1&delay=3600`);
    let messages = (await bodyOf(fetch(`${api}/jobs/messages`))).result;
    expect(messages).toMatchObject([{ state: "delayed", attempts: 0, content_type: "v8", body: { n: 1 } }]);

    // Retry now: delivered at once; the consumer retries it, so it backs off (retry_delay) with one attempt.
    expect((await post(`${api}/jobs/messages/${messages[0].id}/retry`, {})).status).toBe(200);
    await eventually(async () => (await bodyOf(fetch(`${api}/jobs/messages`))).result[0]?.state === "retrying");
    messages = (await bodyOf(fetch(`${api}/jobs/messages`))).result;
    expect(messages).toMatchObject([{ state: "retrying", attempts: 1 }]);

    // Again: past max_retries it moves to the dead-letter queue.
    expect((await post(`${api}/jobs/messages/${messages[0].id}/retry`, {})).status).toBe(200);
    await eventually(async () => (await bodyOf(fetch(`${api}/jobs-dlq/messages`))).result.length === 1);
    expect((await bodyOf(fetch(`${api}/jobs/messages`))).result).toEqual([]);
    expect((await bodyOf(fetch(`${api}/jobs-dlq/messages`))).result).toMatchObject([{ state: "waiting", body: { n: 1 } }]);

    // A message that is gone (delivered, purged, or open in another tab): 404 with a message.
    const gone = await post(`${api}/jobs/messages/${messages[0].id}/retry`, {});
    expect(gone.status).toBe(404);
    expect((await bodyOf(gone)).errors[0].message).toContain("is not waiting in queue 'jobs'");
    expect((await post(`${api}/jobs-dlq/purge`, {})).status).toBe(200);
    expect((await bodyOf(fetch(`${api}/jobs-dlq/messages`))).result).toEqual([]);

    // The queue invocations are in the Requests view with their outcome.
    const requests = (await bodyOf(fetch(`${dev.url}/cdn-cgi/explorer/api/requests?kind=queue`))).result.requests;
    expect(requests.length).toBeGreaterThanOrEqual(2);
    // Every delivery was retried by the consumer: none acked ("0/1"), so each counts as an error.
    expect(requests[0]).toMatchObject({ kind: "queue", method: "QUEUE", path: "jobs", status: "0/1" });
    expect((await bodyOf(fetch(`${dev.url}/cdn-cgi/explorer/api/requests`))).result.routes).toContainEqual(expect.objectContaining({ route: "QUEUE jobs", errors: requests.length }));
  });

  test("cache entries listed and deleted", async () => {
    const dir = newProject({ "wrangler.toml": QUEUES, "src/index.js": WORKER });
    const dev = await startDev(dir);
    devs.push(dev);
    await fetch(`${dev.url}/cache`);
    const api = `${dev.url}/cdn-cgi/explorer/api/cache`;
    const entries = (await bodyOf(fetch(api))).result;
    expect(entries).toMatchObject([{ cache: "default", stored_name: ":default", url: "https://example.com/a", status: 200, size: 6 }]);
    const remove = `${api}/entries?cache=${encodeURIComponent(":default")}&url=${encodeURIComponent("https://example.com/a")}`;
    expect((await fetch(remove, { method: "DELETE" })).status).toBe(200);
    expect((await bodyOf(fetch(api))).result).toEqual([]);
    expect((await fetch(remove, { method: "DELETE" })).status).toBe(404);
  });

  test("requests: method, path, status, duration and each request's own log lines; per-route count and percentiles", async () => {
    const dir = newProject({ "wrangler.toml": QUEUES, "src/index.js": WORKER });
    const dev = await startDev(dir);
    devs.push(dev);
    // Two requests at once: each keeps the lines it printed, not the other's.
    await Promise.all([fetch(`${dev.url}/slow?wait=50`), fetch(`${dev.url}/fast`)]);
    await fetch(`${dev.url}/missing`);
    await fetch(`${dev.url}/fast`);
    await fetch(`${dev.url}/cdn-cgi/explorer/api/storage/kv/namespaces`);
    const body = await bodyOf(fetch(`${dev.url}/cdn-cgi/explorer/api/requests`));
    expect(body.result_info.recording).toBe(true);
    const requests = body.result.requests;
    // Newest first; the explorer's own calls are not the worker's requests.
    expect(requests.map((request: { path: string }) => request.path)).toEqual(["/fast", "/missing", expect.any(String), expect.any(String)]);
    const slow = requests.find((request: { path: string }) => request.path === "/slow");
    expect(slow).toMatchObject({ kind: "http", method: "GET", status: 200 });
    expect(slow.logs).toEqual([
      { level: "log", text: "handling /slow" },
      { level: "warn", text: "done with /slow" },
    ]);
    expect(slow.duration_ms).toBeGreaterThanOrEqual(50);
    expect(requests[1]).toMatchObject({ path: "/missing", status: 404 });
    expect(body.result.routes).toContainEqual({ route: "GET /fast", count: 2, errors: 0, p50_ms: expect.any(Number), p99_ms: expect.any(Number) });
    expect((await fetch(`${dev.url}/cdn-cgi/explorer/api/requests`, { method: "DELETE" })).status).toBe(200);
    expect((await bodyOf(fetch(`${dev.url}/cdn-cgi/explorer/api/requests`))).result.requests).toEqual([]);
  });
});

describe("cron invocations in the Requests view", () => {
  test("each firing is recorded with its outcome; a throwing one counts as an error", async () => {
    const dir = newProject({
      "wrangler.toml": `${CONFIG}\n[triggers]\ncrons = ["* * * * *"]\n`,
      "src/index.js": `let n = 0;
export default {
  fetch() { return new Response("x"); },
  scheduled() {
    n++;
    if (n % 2 === 0) throw new Error("every other run fails");
  },
};
`,
    });
    // Test-only: the pump treats cron minutes as seconds, so firings come within seconds.
    const dev = await startDev(dir, [], { env: { BUNFLARE_INTERNAL_CRON_SECONDS: "1" } });
    devs.push(dev);
    const api = `${dev.url}/cdn-cgi/explorer/api/requests`;
    await eventually(async () => (await bodyOf(fetch(`${api}?kind=cron`))).result.requests.length >= 2, 30_000);
    const body = await bodyOf(fetch(`${api}?kind=cron`));
    const outcomes = body.result.requests.map((entry: { status: string }) => entry.status);
    expect(outcomes).toContain("Ok");
    expect(outcomes).toContain("Exception Thrown");
    expect(body.result.requests[0]).toMatchObject({ kind: "cron", method: "CRON", path: "* * * * *" });
    const route = body.result.routes.find((entry: { route: string }) => entry.route === "CRON * * * * *");
    expect(route.count).toBeGreaterThanOrEqual(2);
    expect(route.errors).toBeGreaterThanOrEqual(1);
  });
});

describe("the API document and its guards", () => {
  test("the page's script parses (it is a string inside a TypeScript template, escapes and all)", () => {
    const script = EXPLORER_HTML.slice(EXPLORER_HTML.indexOf("<script>") + "<script>".length, EXPLORER_HTML.indexOf("</script>"));
    expect(script.length).toBeGreaterThan(1000);
    expect(() => new Function(script)).not.toThrow();
  });

  test("the OpenAPI 3 document lists every path the explorer answers, and every listed path answers", async () => {
    const dir = newProject();
    const api = await startExplorer(dir);
    const document = await bodyOf(fetch(api));
    expect(document.openapi).toBe("3.0.3");
    const listed = Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([route, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${route}`));
    expect(listed.sort()).toEqual([...DOCUMENTED].sort());
    for (const extra of ["GET /queues/{queue_id}/messages", "GET /requests", "GET /cache", "GET /d1/database/{database_id}/migrations", "POST /workers/durable_objects/namespaces/{namespace_id}/query"]) {
      expect(listed).toContain(extra);
    }
    // Each documented route is routed: never the router's plain-text 404 for unknown paths.
    for (const entry of DOCUMENTED) {
      const [method, route] = entry.split(" ") as [string, string];
      const concrete = route.replace(/\{(\w+)\}/g, "x");
      const response = await fetch(`${api}${concrete}`, { method, headers: method === "GET" || method === "DELETE" ? {} : { "content-type": "application/json" }, body: method === "GET" || method === "DELETE" ? undefined : "{}" });
      expect(`${entry} -> ${response.headers.get("content-type")}`).not.toContain("text/plain");
    }
  });

  test("another site's page, or a name rebound to 127.0.0.1, cannot use the API", async () => {
    const dir = newProject();
    cli(dir, "kv", "key", "put", "--binding", "KV", "secret", "s3cret");
    const api = await startExplorer(dir);
    const evil = await fetch(`${api}/storage/kv/namespaces/kv-id/values/secret`, { headers: { origin: "https://evil.example" } });
    expect(evil.status).toBe(403);
    expect(await evil.text()).toBe("Invalid Origin header");
    const rebound = await fetch(`${api}/storage/kv/namespaces/kv-id/values/secret`, { headers: { host: "evil.example" } });
    expect(rebound.status).toBe(403);
    expect(await rebound.text()).toBe("Invalid Host header");
    const write = await fetch(`${api}/storage/kv/namespaces/kv-id/values/secret`, { method: "PUT", body: "changed", headers: { origin: "https://evil.example" } });
    expect(write.status).toBe(403);
    expect(cli(dir, "kv", "key", "get", "--binding", "KV", "secret").stdout.trim()).toBe("s3cret");
    const local = await fetch(`${api}/storage/kv/namespaces/kv-id/values/secret`, { headers: { origin: "http://localhost:5173" } });
    expect(await local.text()).toBe("s3cret");
    expect(local.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
  });

  test("KV bad input: invalid metadata JSON, an over-limit value, keys with '/', '..' and unicode; nothing lost", async () => {
    const dir = newProject();
    cli(dir, "kv", "key", "put", "--binding", "KV", "keep", "original");
    const api = `${await startExplorer(dir)}/storage/kv/namespaces/kv-id`;
    const form = new FormData();
    form.append("value", "new value");
    form.append("metadata", "{not json");
    const badMetadata = await fetch(`${api}/values/keep`, { method: "PUT", body: form });
    expect(badMetadata.status).toBe(400);
    expect((await bodyOf(badMetadata)).errors[0].message).toBe("Invalid metadata JSON");
    const tooBig = await fetch(`${api}/values/keep`, { method: "PUT", body: new Uint8Array(25 * 1024 * 1024 + 1) });
    expect(tooBig.status).toBe(400);
    expect((await bodyOf(tooBig)).errors[0].message).toBe("KV PUT failed: 413 Value length of 26214401 exceeds limit of 26214400.");
    expect(await (await fetch(`${api}/values/keep`)).text()).toBe("original");
    // (A key that is exactly "." or ".." cannot be a URL path segment at all: URLs resolve them, as on Cloudflare's API.)
    for (const key of ["a/b", "../etc/passwd", "a/..", "..b", "ünïcødé ✓ 日本"]) {
      expect((await fetch(`${api}/values/${encodeURIComponent(key)}`, { method: "PUT", body: `value of ${key}` })).status).toBe(200);
      expect(await (await fetch(`${api}/values/${encodeURIComponent(key)}`)).text()).toBe(`value of ${key}`);
      expect(cli(dir, "kv", "key", "get", "--binding", "KV", key).stdout.trim()).toBe(`value of ${key}`);
    }
  });
});
