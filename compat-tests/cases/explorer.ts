// The Local Explorer's API (/cdn-cgi/explorer/api) under wrangler dev and
// bunflare dev: the same requests, the same statuses and bodies. Bodies that
// carry per-run values (R2 versions, D1 sizes and durations) compare status only.
// The page itself differs on purpose (wrangler ships a React app; bunflare a
// plain HTML page), so it is not compared.
import type { CompatCase } from "../harness.ts";
import { devCase } from "../dev-harness.ts";
import { D1, durableObject, FLOW, KV, R2, toml } from "../../test/configs.ts";

const API = "/cdn-cgi/explorer/api";
const JSON_HEADERS = { "content-type": "application/json" };

export const cases: CompatCase[] = [
  devCase({
    name: "explorer: API shapes for KV, D1, R2 and workflows",
    files: {
      "wrangler.toml": toml("explorer-app", KV, D1, R2, FLOW),
      "src/index.js": `import { WorkflowEntrypoint } from "cloudflare:workers";
export class Flow extends WorkflowEntrypoint {
  async run() {
    return "done";
  }
}
export default {
  fetch() {
    return new Response("app");
  },
};
`,
    },
    requests: [
      { path: "/" },
      // KV
      { path: `${API}/storage/kv/namespaces` },
      { path: `${API}/storage/kv/namespaces/kv-id/values/greeting`, method: "PUT", body: "hello" },
      { path: `${API}/storage/kv/namespaces/kv-id/values/${encodeURIComponent("a/b ✓")}`, method: "PUT", body: "slashed" },
      { path: `${API}/storage/kv/namespaces/kv-id/keys` },
      { path: `${API}/storage/kv/namespaces/kv-id/keys?prefix=a` },
      { path: `${API}/storage/kv/namespaces/kv-id/keys?limit=abc` },
      { path: `${API}/storage/kv/namespaces/kv-id/keys?limit=5` },
      { path: `${API}/storage/kv/namespaces/kv-id/values/greeting` },
      { path: `${API}/storage/kv/namespaces/kv-id/values/${encodeURIComponent("a/b ✓")}` },
      { path: `${API}/storage/kv/namespaces/kv-id/values/missing` },
      { path: `${API}/storage/kv/namespaces/nope/keys` },
      { path: `${API}/storage/kv/namespaces/kv-id/bulk/get`, method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ keys: ["greeting", "missing"] }) },
      { path: `${API}/storage/kv/namespaces/kv-id/values/greeting`, method: "DELETE" },
      { path: `${API}/storage/kv/namespaces/kv-id/keys` },
      // D1
      { path: `${API}/d1/database` },
      { path: `${API}/d1/database/db-id/raw`, method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ sql: "CREATE TABLE t (a INTEGER)" }), ignoreBody: true },
      { path: `${API}/d1/database/db-id/raw`, method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ sql: "SELECT * FROM missing" }) },
      { path: `${API}/d1/database/db-id/raw`, method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ query: "SELECT 1" }) },
      { path: `${API}/d1/database/zzz/raw`, method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ sql: "SELECT 1" }) },
      // R2
      { path: `${API}/r2/buckets` },
      { path: `${API}/r2/buckets/bucket-one/objects/${encodeURIComponent("docs/a.txt")}`, method: "PUT", headers: { "content-type": "text/plain" }, body: "r2 body", ignoreBody: true },
      { path: `${API}/r2/buckets/bucket-one/objects?delimiter=/` },
      { path: `${API}/r2/buckets/bucket-one/objects/${encodeURIComponent("docs/a.txt")}`, headers_compared: ["content-type", "etag"] },
      { path: `${API}/r2/buckets/bucket-one/objects/missing` },
      { path: `${API}/r2/buckets/nope/objects` },
      { path: `${API}/r2/buckets/bucket-one/objects`, method: "DELETE", headers: JSON_HEADERS, body: JSON.stringify(["docs/a.txt"]) },
      { path: `${API}/r2/buckets/bucket-one/objects`, method: "DELETE", headers: JSON_HEADERS, body: "[]" },
      // Workflows
      { path: `${API}/workflows` },
      { path: `${API}/workflows/nope` },
      { path: `${API}/workflows/flow/instances`, method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ id: "run-1", params: { n: 1 } }) },
      { path: `${API}/workflows/flow/instances/never-made` },
      // A key holding "..": one segment, stored and read back as itself.
      { path: `${API}/storage/kv/namespaces/kv-id/values/${encodeURIComponent("up/../down")}`, method: "PUT", body: "dots" },
      { path: `${API}/storage/kv/namespaces/kv-id/values/${encodeURIComponent("up/../down")}` },
      // "." and "..": no KV key can be either (the runtime and the CLI refuse them), and
      // as a path segment, plain or encoded, the URL parser drops them before either tool sees them.
      ...["%2E", "%2e%2E", "."].flatMap((segment) => [
        { path: `${API}/storage/kv/namespaces/kv-id/values/${segment}`, method: "PUT", body: "dot" },
        { path: `${API}/storage/kv/namespaces/kv-id/values/${segment}` },
      ]),
      { path: `${API}/storage/kv/namespaces/kv-id/keys` },
      // Another site's page may not use the API through the user's browser.
      { path: `${API}/storage/kv/namespaces`, headers: { origin: "http://evil.example" } },
      { path: `${API}/storage/kv/namespaces/kv-id/values/x`, method: "PUT", headers: { origin: "https://attacker.test" }, body: "nope" },
      { path: `${API}/storage/kv/namespaces/kv-id/values/x` },
      // Unknown routes
      { path: `${API}/no/such/route` },
    ],
  }),
  devCase({
    // Durable Objects: namespaces, objects (ids are each tool's own hashes, so the list compares status only),
    // wrangler's SQL console path by name (same columns, rows and meta), its errors, and local/workers.
    name: "explorer: Durable Objects query and local workers",
    files: {
      "wrangler.toml": toml("do-app", KV, durableObject("COUNTER", "Counter")),
      "src/index.js": `import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  async fetch() {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS hits (n INTEGER, label TEXT)");
    this.ctx.storage.sql.exec("INSERT INTO hits VALUES (1, 'one'), (2, 'two')");
    return new Response("counted");
  }
}
export default {
  fetch(request, env) {
    return env.COUNTER.getByName("a").fetch(request);
  },
};
`,
    },
    requests: [
      { path: "/" },
      { path: `${API}/workers/durable_objects/namespaces` },
      { path: `${API}/workers/durable_objects/namespaces/do-app-Counter/objects`, ignoreBody: true },
      { path: `${API}/workers/durable_objects/namespaces/nope/objects` },
      // Plain scans only: workerd's rows_read counts rows SQLite visited (a sort or a filtered
      // scan counts more), bunflare's DO SQL counts rows returned (a gap in ctx.storage.sql).
      {
        path: `${API}/workers/durable_objects/namespaces/do-app-Counter/query`,
        method: "POST",
        headers: JSON_HEADERS,
        body: JSON.stringify({ durable_object_name: "a", queries: [{ sql: "SELECT n, label FROM hits" }, { sql: "INSERT INTO hits VALUES (?, ?)", params: [3, "three"] }] }),
      },
      { path: `${API}/workers/durable_objects/namespaces/do-app-Counter/query`, method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ durable_object_name: "a", queries: [] }) },
      { path: `${API}/workers/durable_objects/namespaces/do-app-Counter/query`, method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ durable_object_id: "not-hex", queries: [{ sql: "SELECT 1" }] }), firstLineOnly: true },
      { path: `${API}/workers/durable_objects/namespaces/nope/query`, method: "POST", headers: JSON_HEADERS, body: JSON.stringify({ durable_object_name: "a", queries: [{ sql: "SELECT 1" }] }) },
      { path: `${API}/local/workers` },
    ],
  }),
];
