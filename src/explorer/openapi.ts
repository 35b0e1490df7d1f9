// The OpenAPI 3 document served at /cdn-cgi/explorer/api: every path the
// Local Explorer answers. Paths wrangler's explorer serves are tagged by
// resource; bunflare's additions carry the "bunflare" tag and
// `x-bunflare-extra: true`, so a client can tell which work under wrangler too.

type Method = "get" | "put" | "post" | "patch" | "delete";

interface Operation {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  extra?: boolean;
  query?: Record<string, string>;
  /** A JSON request body, described in one line. */
  body?: string;
  /** A raw (non-JSON) request body's media type. */
  rawBody?: string;
  /** A raw (non-JSON) response body's media type. */
  rawResponse?: string;
}

const OPERATIONS: Operation[] = [
  { method: "get", path: "/local/workers", summary: "Workers this explorer shows, with their KV, D1, R2, Durable Object and Workflow bindings", tag: "Local Explorer" },
  // KV
  { method: "get", path: "/storage/kv/namespaces", summary: "List KV namespaces", tag: "KV", query: { order: "id or title", direction: "asc or desc" } },
  { method: "get", path: "/storage/kv/namespaces/{namespace_id}/keys", summary: "List keys (paged by cursor)", tag: "KV", query: { prefix: "key prefix", cursor: "from result_info.cursor", limit: "10-1000" } },
  { method: "get", path: "/storage/kv/namespaces/{namespace_id}/values/{key_name}", summary: "Read a value (raw bytes)", tag: "KV", rawResponse: "application/octet-stream" },
  { method: "put", path: "/storage/kv/namespaces/{namespace_id}/values/{key_name}", summary: "Write a value: raw body, or multipart `value` + `metadata` (JSON)", tag: "KV", rawBody: "multipart/form-data", query: { expiration: "seconds since the epoch", expiration_ttl: "seconds from now (at least 60)" } },
  { method: "delete", path: "/storage/kv/namespaces/{namespace_id}/values/{key_name}", summary: "Delete a key", tag: "KV" },
  { method: "post", path: "/storage/kv/namespaces/{namespace_id}/bulk/get", summary: "Read several values", tag: "KV", body: '{ "keys": string[] }' },
  { method: "post", path: "/storage/kv/namespaces/{namespace_id}/bulk/delete", summary: "Delete several keys", tag: "KV", body: "string[] (key names)" },
  // D1
  { method: "get", path: "/d1/database", summary: "List D1 databases", tag: "D1", query: { name: "filter by name" } },
  { method: "post", path: "/d1/database/{database_id}/raw", summary: "Run SQL; rows as arrays", tag: "D1", body: '{ "sql": string, "params"?: any[] } or { "batch": [{ "sql", "params"? }] }' },
  { method: "get", path: "/d1/database/{database_id}/tables", summary: "Tables and views with their columns, CREATE statement and row count", tag: "bunflare", extra: true },
  { method: "get", path: "/d1/database/{database_id}/tables/{table}/rows", summary: "A table's rows, paged and sorted", tag: "bunflare", extra: true, query: { page: "from 1", per_page: "1-1000 (default 50)", order_by: "a column name", direction: "asc or desc" } },
  { method: "get", path: "/d1/database/{database_id}/migrations", summary: "Migrations applied (from the migrations table) and pending (files in migrations_dir)", tag: "bunflare", extra: true },
  // R2
  { method: "get", path: "/r2/buckets", summary: "List R2 buckets", tag: "R2" },
  { method: "get", path: "/r2/buckets/{bucket_name}/objects", summary: "List objects", tag: "R2", query: { prefix: "key prefix", delimiter: "usually /", cursor: "from result_info.cursor", per_page: "page size" } },
  { method: "delete", path: "/r2/buckets/{bucket_name}/objects", summary: "Delete objects", tag: "R2", body: "string[] (keys)" },
  { method: "get", path: "/r2/buckets/{bucket_name}/objects/{object_key}", summary: "Download an object (header cf-metadata-only: true for its metadata as JSON)", tag: "R2", rawResponse: "application/octet-stream" },
  { method: "put", path: "/r2/buckets/{bucket_name}/objects/{object_key}", summary: "Upload an object, streamed (Content-Type kept; cf-r2-custom-metadata: JSON)", tag: "R2", rawBody: "application/octet-stream" },
  { method: "get", path: "/r2/buckets/{bucket_name}/multipart", summary: "Multipart uploads in progress, with their parts so far", tag: "bunflare", extra: true },
  // Durable Objects
  { method: "get", path: "/workers/durable_objects/namespaces", summary: "List Durable Object namespaces (classes)", tag: "Durable Objects" },
  { method: "get", path: "/workers/durable_objects/namespaces/{namespace_id}/objects", summary: "Objects with stored data, with their name where known", tag: "Durable Objects", query: { limit: "10-10000", cursor: "from result_info.cursor" } },
  { method: "post", path: "/workers/durable_objects/namespaces/{namespace_id}/query", summary: "Run SQL in a SQLite-backed object", tag: "Durable Objects", body: '{ "durable_object_id" | "durable_object_name": string, "queries": [{ "sql", "params"? }] }' },
  { method: "get", path: "/workers/durable_objects/namespaces/{namespace_id}/objects/{object_id}", summary: "One object (id, or a name): its name, pending alarm and SQL tables", tag: "bunflare", extra: true },
  { method: "get", path: "/workers/durable_objects/namespaces/{namespace_id}/objects/{object_id}/storage", summary: "One object's KV storage (ctx.storage.list()), values decoded", tag: "bunflare", extra: true, query: { prefix: "key prefix", cursor: "from result_info.cursor", limit: "1-1000" } },
  // Workflows
  { method: "get", path: "/workflows", summary: "List workflows", tag: "Workflows" },
  { method: "get", path: "/workflows/{workflow_name}", summary: "A workflow with its instance counts by status", tag: "Workflows" },
  { method: "delete", path: "/workflows/{workflow_name}", summary: "Delete every instance of a workflow", tag: "Workflows" },
  { method: "get", path: "/workflows/{workflow_name}/instances", summary: "List instances", tag: "Workflows", query: { status: "filter by status", page: "from 1", per_page: "page size" } },
  { method: "post", path: "/workflows/{workflow_name}/instances", summary: "Create (trigger) an instance", tag: "Workflows", body: '{ "id"?: string, "params"?: any }' },
  { method: "get", path: "/workflows/{workflow_name}/instances/{instance_id}", summary: "An instance: status, params, output, error and its steps (attempts, output, error, timing, sleeps and events waited on)", tag: "Workflows" },
  { method: "delete", path: "/workflows/{workflow_name}/instances/{instance_id}", summary: "Terminate an instance", tag: "Workflows" },
  { method: "patch", path: "/workflows/{workflow_name}/instances/{instance_id}/status", summary: "Pause, resume, restart or terminate", tag: "Workflows", body: '{ "action": "pause" | "resume" | "restart" | "terminate" }' },
  { method: "post", path: "/workflows/{workflow_name}/instances/{instance_id}/events/{event_type}", summary: "Send an event (JSON body is its payload)", tag: "Workflows", body: "any (the event payload)" },
  // Queues, cache, requests: bunflare only
  { method: "get", path: "/queues", summary: "Queues (produced to, consumed, dead-letter) with message counts and consumer settings", tag: "bunflare", extra: true },
  { method: "get", path: "/queues/{queue_id}", summary: "One queue", tag: "bunflare", extra: true },
  { method: "get", path: "/queues/{queue_id}/messages", summary: "Stored messages: waiting, delayed, retrying (with attempts) or in flight", tag: "bunflare", extra: true, query: { limit: "1-1000" } },
  { method: "post", path: "/queues/{queue_id}/messages", summary: "Send a message as a producer does", tag: "bunflare", extra: true, body: '{ "body": any, "content_type"?: "json" | "text", "delay_seconds"?: number }' },
  { method: "post", path: "/queues/{queue_id}/messages/{message_id}/retry", summary: "Deliver a delayed or backing-off message now", tag: "bunflare", extra: true },
  { method: "post", path: "/queues/{queue_id}/purge", summary: "Delete every message of a queue", tag: "bunflare", extra: true },
  { method: "get", path: "/cache", summary: "Cached responses (caches.default and named caches) not yet expired", tag: "bunflare", extra: true },
  { method: "delete", path: "/cache/entries", summary: "Delete one cached response", tag: "bunflare", extra: true, query: { cache: "stored_name from GET /cache", url: "the cached URL" } },
  { method: "get", path: "/requests", summary: "The dev session's last requests (method, path, status, duration, console lines) and cron / queue invocations, with per-route count and p50 / p99", tag: "bunflare", extra: true, query: { kind: "http, cron or queue", limit: "how many" } },
  { method: "delete", path: "/requests", summary: "Forget the recorded requests", tag: "bunflare", extra: true },
];

const envelope = {
  type: "object",
  required: ["success", "errors", "messages", "result"],
  properties: {
    success: { type: "boolean" },
    errors: { type: "array", items: { $ref: "#/components/schemas/message" } },
    messages: { type: "array", items: { $ref: "#/components/schemas/message" } },
    result: {},
    result_info: { type: "object", description: "Paging: count, cursor, page, per_page, total_count as the path has them" },
  },
};

export function openApiDocument(serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const operation of OPERATIONS) {
    const parameters = [
      ...[...operation.path.matchAll(/\{(\w+)\}/g)].map((match) => ({ in: "path", name: match[1], required: true, schema: { type: "string" } })),
      ...Object.entries(operation.query ?? {}).map(([name, description]) => ({ in: "query", name, required: false, description, schema: { type: "string" } })),
    ];
    const requestBody = operation.body
      ? { required: true, description: operation.body, content: { "application/json": { schema: {} } } }
      : operation.rawBody
        ? { required: true, content: { [operation.rawBody]: { schema: { type: "string", format: "binary" } } } }
        : undefined;
    const success = operation.rawResponse
      ? { description: "The stored bytes", content: { [operation.rawResponse]: { schema: { type: "string", format: "binary" } } } }
      : { description: "Success", content: { "application/json": { schema: { $ref: "#/components/schemas/envelope" } } } };
    (paths[operation.path] ??= {})[operation.method] = {
      summary: operation.summary,
      tags: [operation.tag],
      ...(operation.extra ? { "x-bunflare-extra": true } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody ? { requestBody } : {}),
      responses: {
        "200": success,
        "4XX": { description: "Failure: success false, errors[0] names what is wrong", content: { "application/json": { schema: { $ref: "#/components/schemas/envelope" } } } },
      },
    };
  }
  return {
    openapi: "3.0.3",
    info: {
      title: "Bunflare Local Explorer API",
      version: "1.0.0",
      description:
        "The local subset of Cloudflare's v4 API that wrangler's Local Explorer serves, with the same paths, envelopes and error codes, plus bunflare's additions (tag `bunflare`, `x-bunflare-extra`): D1 tables, rows and migrations, R2 multipart uploads, Durable Object storage and alarms, queues, the cache and the dev session's requests.",
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas: {
        message: { type: "object", required: ["code", "message"], properties: { code: { type: "integer" }, message: { type: "string" } } },
        envelope,
      },
    },
  };
}

/** Every path and method, for tests: "GET /storage/kv/namespaces", ... */
export const DOCUMENTED = OPERATIONS.map((operation) => `${operation.method.toUpperCase()} ${operation.path}`);
