// The OpenAPI 3 document served at /cdn-cgi/explorer/api: every path the
// Local Explorer answers. Paths wrangler's explorer serves are tagged by
// resource; bunflare's additions carry the "bunflare" tag and
// `x-bunflare-extra: true`, so a client can tell which work under wrangler too.

import type { Operation } from "./common.ts";
import { SECTIONS } from "./sections/index.ts";

const OPERATIONS: Operation[] = [
  { method: "get", path: "/local/workers", summary: "Workers this explorer shows, with their KV, D1, R2, Durable Object and Workflow bindings", tag: "Local Explorer" },
  ...SECTIONS.flatMap((section) => section.operations),
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
