// The Local Explorer's API at /cdn-cgi/explorer/api: the local subset of
// Cloudflare's v4 API that wrangler (miniflare's explorer worker) serves, with
// the same paths, envelopes ({ success, errors, messages, result, result_info })
// and error codes. Every read and write goes through the binding
// implementations in runtime/bindings/; resources are listed through each
// descriptor's `resources(store)`, plus the ones the configs bind (a binding
// may write to a namespace no `kv namespace create` registered).
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Store } from "../../runtime/store/index.ts";
import type { WorkerConfig } from "../../runtime/config.ts";
import { BINDINGS } from "../../runtime/bindings/registry.ts";
import { kvNamespaceIdFor, createKVNamespace, type LocalKVNamespace, type KVListResult } from "../../runtime/bindings/kv/index.ts";
import { createD1Database, d1DatabaseIdFor } from "../../runtime/bindings/d1/index.ts";
import { createR2Bucket, r2BucketNameFor, R2_LIMITS, type LocalR2Bucket } from "../../runtime/bindings/r2/index.ts";
import type { QueueConsumerConfig } from "../../runtime/bindings/queues/config.ts";
import { createWorkflowBinding } from "../../runtime/bindings/workflows/index.ts";
import * as workflows from "../../runtime/bindings/workflows/store.ts";
import { EXPLORER_HTML } from "./page.ts";
import { openApiDocument } from "./openapi.ts";

export const EXPLORER_PATH = "/cdn-cgi/explorer";
const API = `${EXPLORER_PATH}/api`;

/** One store the explorer shows, with the configs of the workers using it (for bound resources). */
export interface ExplorerStore {
  store: Store;
  configs?: readonly WorkerConfig[];
  /** Each config's file path (same order as configs): D1 migrations directories are relative to it. */
  configPaths?: readonly (string | undefined)[];
}

// miniflare's error codes (Cloudflare's API codes).
const KV_KEY_NOT_FOUND = 10009;
const KV_NAMESPACE_NOT_FOUND = 10013;
const D1_DATABASE_NOT_FOUND = 7404;
const R2_BUCKET_NOT_FOUND = 10006;
const R2_OBJECT_NOT_FOUND = 10007;
const WORKFLOW_NOT_FOUND = 10501;
const QUEUE_NOT_FOUND = 11000;
const BAD_REQUEST = 10001;
const DO_OBJECT_NOT_FOUND = 10067;

function ok(result: unknown, resultInfo?: Record<string, unknown>): Response {
  return Response.json({ success: true, errors: [], messages: [], result, ...(resultInfo ? { result_info: resultInfo } : {}) });
}

function fail(status: number, code: number, message: string): Response {
  return Response.json({ success: false, errors: [{ code, message }], messages: [], result: null }, { status });
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** A resource of one kind, found in one store. */
interface Found {
  id: string;
  name: string;
  store: Store;
  /** The workflow's class and script, when a config binds it. */
  className?: string;
  scriptName?: string;
}

/**
 * Every resource of a descriptor's key across the stores: the ones the configs bind
 * first, named by their binding as wrangler's explorer names them, then the
 * registered ones (descriptor.resources) no config binds.
 */
function resourcesOf(key: string, stores: readonly ExplorerStore[]): Found[] {
  const descriptor = BINDINGS.find((candidate) => candidate.key === key);
  const found: Found[] = [];
  const seen = new Set<string>();
  const add = (item: Found) => {
    if (seen.has(item.id)) return;
    seen.add(item.id);
    found.push(item);
  };
  for (const { store, configs } of stores) {
    for (const config of configs ?? []) {
      if (key === "kv_namespaces") for (const entry of config.kv_namespaces ?? []) add({ id: kvNamespaceIdFor(entry), name: entry.binding, store });
      if (key === "d1_databases") for (const entry of config.d1_databases ?? []) add({ id: d1DatabaseIdFor(entry), name: entry.binding, store });
      if (key === "r2_buckets") for (const entry of config.r2_buckets ?? []) add({ id: r2BucketNameFor(entry), name: r2BucketNameFor(entry), store });
      if (key === "workflows") for (const entry of config.workflows ?? []) add({ id: entry.name, name: entry.name, store, className: entry.class_name, scriptName: entry.script_name ?? config.name });
      if (key === "queues.producers") for (const entry of config.queues?.producers ?? []) add({ id: entry.queue, name: entry.queue, store });
    }
  }
  for (const { store } of stores) {
    for (const resource of descriptor?.resources?.(store) ?? []) add({ ...resource, store });
  }
  // Workflow rows from the store get their class from a config that binds them, when one does.
  if (key === "workflows") {
    for (const item of found) {
      if (item.className) continue;
      for (const { configs } of stores) {
        for (const config of configs ?? []) {
          const entry = config.workflows?.find((candidate) => candidate.name === item.name);
          if (entry) Object.assign(item, { className: entry.class_name, scriptName: entry.script_name ?? config.name });
        }
      }
    }
  }
  return found;
}

function find(key: string, stores: readonly ExplorerStore[], id: string): Found | undefined {
  return resourcesOf(key, stores).find((item) => item.id === id);
}

async function jsonBody(request: Request): Promise<{ value?: unknown; error?: Response }> {
  try {
    return { value: await request.json() };
  } catch {
    return { error: fail(400, BAD_REQUEST, "Request body must be valid JSON") };
  }
}

/** A numeric query parameter in zod's words (as wrangler's explorer validates it), or a 400. */
function intParam(url: URL, name: string, range?: [number, number]): number | undefined | Response {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (raw === "" || Number.isNaN(value)) return fail(400, BAD_REQUEST, `${name}: Expected query param to be number but received "${raw}"`);
  if (!Number.isInteger(value)) return fail(400, BAD_REQUEST, `${name}: Expected integer, received float`);
  if (range && value < range[0]) return fail(400, BAD_REQUEST, `${name}: Number must be greater than or equal to ${range[0]}`);
  if (range && value > range[1]) return fail(400, BAD_REQUEST, `${name}: Number must be less than or equal to ${range[1]}`);
  return value;
}

// --- KV ---

function kvNamespaces(url: URL, stores: readonly ExplorerStore[]): Response {
  const order = url.searchParams.get("order") === "title" ? "title" : "id";
  const direction = url.searchParams.get("direction") === "desc" ? -1 : 1;
  const namespaces = resourcesOf("kv_namespaces", stores).map((item) => ({ id: item.id, title: item.name }));
  namespaces.sort((a, b) => a[order].localeCompare(b[order]) * direction);
  return ok(namespaces, { count: namespaces.length });
}

async function kv(request: Request, url: URL, rest: string[], stores: readonly ExplorerStore[]): Promise<Response> {
  const [id, what, ...tail] = rest;
  const namespace = find("kv_namespaces", stores, id!);
  const verb = { GET: "get", PUT: "put", DELETE: "remove key" }[request.method] ?? request.method.toLowerCase();
  if (what === "keys" && request.method === "GET") {
    if (!namespace) return fail(404, KV_NAMESPACE_NOT_FOUND, "list keys: 'namespace not found'");
    const limit = intParam(url, "limit", [10, 1000]) ?? 1000;
    if (limit instanceof Response) return limit;
    const binding = createKVNamespace(namespace.store, namespace.id) as unknown as LocalKVNamespace;
    try {
      const listed: KVListResult = await binding.list({
        prefix: url.searchParams.get("prefix") ?? undefined,
        cursor: url.searchParams.get("cursor") || undefined,
        limit,
      });
      const keys = listed.keys.map((key) => ({ name: key.name, expiration: key.expiration, metadata: key.metadata }));
      return ok(keys, { count: keys.length, cursor: listed.cursor ?? "" });
    } catch (error) {
      return fail(400, BAD_REQUEST, messageOf(error));
    }
  }
  if (what === "values" && tail.length > 0) {
    const key = tail.join("/");
    if (!namespace) return fail(404, KV_NAMESPACE_NOT_FOUND, `${verb}: 'namespace not found'`);
    const binding = createKVNamespace(namespace.store, namespace.id) as unknown as LocalKVNamespace;
    try {
      if (request.method === "GET") {
        const value = (await binding.get(key, { type: "arrayBuffer" })) as ArrayBuffer | null;
        return value === null ? fail(404, KV_KEY_NOT_FOUND, "get: 'key not found'") : new Response(value);
      }
      if (request.method === "DELETE") {
        await binding.delete(key);
        return ok({});
      }
      if (request.method === "PUT") return await kvPut(request, url, binding, key);
    } catch (error) {
      return fail(400, BAD_REQUEST, messageOf(error));
    }
  }
  if (what === "bulk" && request.method === "POST" && (tail[0] === "get" || tail[0] === "delete")) {
    const body = await jsonBody(request);
    if (body.error) return body.error;
    const keys = tail[0] === "get" ? (body.value as { keys?: unknown })?.keys : body.value;
    if (!Array.isArray(keys) || keys.some((key) => typeof key !== "string")) {
      return fail(400, BAD_REQUEST, tail[0] === "get" ? "keys: Expected an array of strings" : "Request body must be an array of key names");
    }
    if (!namespace) return fail(404, KV_NAMESPACE_NOT_FOUND, `bulk ${tail[0]} keys: 'namespace not found'`);
    const binding = createKVNamespace(namespace.store, namespace.id) as unknown as LocalKVNamespace;
    try {
      if (tail[0] === "delete") {
        for (const key of keys as string[]) await binding.delete(key);
        return ok({ successful_key_count: keys.length, unsuccessful_keys: [] });
      }
      const found = (await binding.get(keys)) as Map<string, unknown>;
      const values: Record<string, unknown> = {};
      for (const key of keys as string[]) values[key] = found.get(key) ?? null;
      return ok({ values });
    } catch (error) {
      return fail(400, BAD_REQUEST, messageOf(error));
    }
  }
  return notFound(request);
}

/** A value as the raw body, or multipart `value` + `metadata` (JSON) as Cloudflare's API takes it. */
async function kvPut(request: Request, url: URL, binding: LocalKVNamespace, key: string): Promise<Response> {
  let value: ArrayBuffer | string;
  let metadata: unknown;
  if ((request.headers.get("content-type") ?? "").includes("multipart/form-data")) {
    const form = await request.formData();
    const formValue = form.get("value");
    if (formValue === null) return fail(400, BAD_REQUEST, "Missing value field");
    value = typeof formValue === "string" ? formValue : await formValue.arrayBuffer();
    const formMetadata = form.get("metadata");
    if (formMetadata !== null) {
      try {
        metadata = JSON.parse(typeof formMetadata === "string" ? formMetadata : await formMetadata.text());
      } catch {
        return fail(400, BAD_REQUEST, "Invalid metadata JSON");
      }
    }
  } else {
    value = await request.arrayBuffer();
  }
  const options: Record<string, unknown> = {};
  if (metadata !== undefined) options.metadata = metadata;
  for (const name of ["expiration", "expiration_ttl"] as const) {
    const raw = url.searchParams.get(name);
    if (raw !== null) options[name === "expiration" ? "expiration" : "expirationTtl"] = Number(raw);
  }
  await binding.put(key, value, options);
  return ok({});
}

// --- D1 ---

function d1Databases(url: URL, stores: readonly ExplorerStore[]): Response {
  const filter = url.searchParams.get("name")?.toLowerCase();
  let databases = resourcesOf("d1_databases", stores).map((item) => ({ name: item.name, uuid: item.id, version: "production" }));
  if (filter) databases = databases.filter((database) => database.name.toLowerCase().includes(filter));
  return ok(databases, { count: databases.length });
}

interface RawQuery {
  sql: string;
  params?: unknown[];
}

async function d1Raw(request: Request, id: string, stores: readonly ExplorerStore[]): Promise<Response> {
  const body = await jsonBody(request);
  if (body.error) return body.error;
  const input = body.value as { sql?: unknown; params?: unknown; batch?: unknown };
  const queries = (Array.isArray(input?.batch) ? input.batch : [input]) as RawQuery[];
  // wrangler's explorer validates the body as a union ({ sql, params? } or { batch }): one word for any mismatch.
  const valid = (query: RawQuery) => query && typeof query.sql === "string" && (query.params === undefined || Array.isArray(query.params));
  if (queries.length === 0 || !queries.every(valid)) return fail(400, BAD_REQUEST, "Invalid input");
  const database = find("d1_databases", stores, id);
  if (!database) return fail(404, D1_DATABASE_NOT_FOUND, `The database ${id} could not be found`);
  const db = createD1Database(database.store, database.id);
  const results = [];
  try {
    for (const query of queries) {
      let statement = db.prepare(query.sql);
      if (query.params?.length) statement = statement.bind(...query.params);
      // One run (an INSERT must not run twice); columns from the first row, as wrangler's explorer.
      const all = await statement.all();
      const columns = all.results.length > 0 ? Object.keys(all.results[0]!) : [];
      const rows = all.results.map((row) => columns.map((column) => (row as Record<string, unknown>)[column]));
      const { served_by: _servedBy, ...meta } = all.meta;
      results.push({ meta, results: { columns, rows }, success: all.success });
    }
  } catch (error) {
    return fail(500, BAD_REQUEST, messageOf(error));
  }
  return ok(results);
}


// bunflare's D1 extras: tables with their schema, rows paged and sorted, migrations.
// Everything goes through the D1 binding, as a worker's queries do.

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function d1Tables(db: ReturnType<typeof createD1Database>) {
  const { results } = await db
    .prepare("SELECT name, type, sql FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY name")
    .all<{ name: string; type: string; sql: string }>();
  const tables = [];
  for (const table of results) {
    const columns = (await db.prepare("SELECT name, type, \"notnull\" AS not_null, dflt_value AS default_value, pk FROM pragma_table_info(?)").bind(table.name).all()).results;
    const count = (await db.prepare(`SELECT count(*) AS n FROM ${quoteIdentifier(table.name)}`).first<{ n: number }>())?.n ?? 0;
    tables.push({ name: table.name, type: table.type, sql: table.sql, columns, rows: count });
  }
  return tables;
}

async function d1Extra(request: Request, url: URL, id: string, rest: string[], stores: readonly ExplorerStore[]): Promise<Response> {
  const database = find("d1_databases", stores, id);
  if (!database) return fail(404, D1_DATABASE_NOT_FOUND, `The database ${id} could not be found`);
  if (request.method !== "GET") return notFound(request);
  const db = createD1Database(database.store, database.id);
  try {
    if (rest[0] === "tables" && rest.length === 1) return ok(await d1Tables(db));
    if (rest[0] === "tables" && rest.length === 3 && rest[2] === "rows") {
      const table = (await d1Tables(db)).find((candidate) => candidate.name === rest[1]);
      if (!table) return fail(404, BAD_REQUEST, `no such table: ${rest[1]}`);
      const page = intParam(url, "page", [1, Number.MAX_SAFE_INTEGER]) ?? 1;
      const perPage = intParam(url, "per_page", [1, 1000]) ?? 50;
      if (page instanceof Response) return page;
      if (perPage instanceof Response) return perPage;
      const orderBy = url.searchParams.get("order_by");
      const names = (table.columns as { name: string }[]).map((column) => column.name);
      if (orderBy !== null && !names.includes(orderBy)) return fail(400, BAD_REQUEST, `order_by: no column ${orderBy} in ${table.name} (columns: ${names.join(", ")})`);
      const direction = url.searchParams.get("direction") === "desc" ? "DESC" : "ASC";
      const order = orderBy !== null ? ` ORDER BY ${quoteIdentifier(orderBy)} ${direction}` : "";
      const all = await db.prepare(`SELECT * FROM ${quoteIdentifier(table.name)}${order} LIMIT ? OFFSET ?`).bind(perPage, (page - 1) * perPage).all();
      const rows = all.results.map((row) => names.map((column) => (row as Record<string, unknown>)[column]));
      return ok({ columns: names, rows }, { page, per_page: perPage, total_count: table.rows, total_pages: Math.max(1, Math.ceil(table.rows / perPage)) });
    }
    if (rest[0] === "migrations" && rest.length === 1) return ok(await d1Migrations(db, id, stores));
  } catch (error) {
    return fail(400, BAD_REQUEST, messageOf(error));
  }
  return notFound(request);
}

/** Applied (from the migrations table) and pending (files not applied yet), for a database a config binds. */
async function d1Migrations(db: ReturnType<typeof createD1Database>, id: string, stores: readonly ExplorerStore[]) {
  const { appliedMigrations, unappliedMigrations, DEFAULT_MIGRATIONS_DIR, DEFAULT_MIGRATIONS_TABLE } = require("../../runtime/bindings/d1/migrations.ts") as typeof import("../../runtime/bindings/d1/migrations.ts");
  let entry: { migrations_dir?: string; migrations_table?: string } | undefined;
  let configPath: string | undefined;
  for (const { configs, configPaths } of stores) {
    (configs ?? []).forEach((config, index) => {
      const found = config.d1_databases?.find((candidate) => d1DatabaseIdFor(candidate) === id);
      if (found && !entry) (entry = found), (configPath = configPaths?.[index]);
    });
  }
  const table = entry?.migrations_table || DEFAULT_MIGRATIONS_TABLE;
  const directory = entry ? path.resolve(configPath ? path.dirname(configPath) : process.cwd(), entry.migrations_dir || DEFAULT_MIGRATIONS_DIR) : null;
  const hasTable = (await db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?").bind(table).first<{ n: number }>())!.n > 0;
  const applied = hasTable ? await appliedMigrations(db, table) : [];
  let pending: string[] = [];
  if (directory && existsSync(directory)) {
    pending = hasTable ? await unappliedMigrations(db, directory, table) : readdirSync(directory).filter((name) => name.endsWith(".sql")).sort();
  }
  return { directory, table, applied, pending };
}

// --- R2 ---

function r2Buckets(stores: readonly ExplorerStore[]): Response {
  const buckets = resourcesOf("r2_buckets", stores)
    .map((item) => ({ name: item.id }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return ok({ buckets }, { count: buckets.length });
}

type R2Like = { key: string; etag: string; size: number; version?: string; uploaded: Date; httpMetadata?: Record<string, unknown>; customMetadata?: Record<string, string> };

function objectJson(object: R2Like) {
  const http = object.httpMetadata;
  return {
    key: object.key,
    etag: object.etag,
    size: object.size,
    last_modified: object.uploaded.toISOString(),
    http_metadata: http
      ? {
          contentType: http.contentType,
          contentLanguage: http.contentLanguage,
          contentDisposition: http.contentDisposition,
          contentEncoding: http.contentEncoding,
          cacheControl: http.cacheControl,
          cacheExpiry: (http.cacheExpiry as Date | undefined)?.toISOString(),
        }
      : undefined,
    custom_metadata: object.customMetadata,
  };
}

async function r2(request: Request, url: URL, rest: string[], stores: readonly ExplorerStore[]): Promise<Response> {
  const [name, what, ...tail] = rest;
  // bunflare's extra: multipart uploads created and not yet completed or aborted.
  if (what === "multipart" && tail.length === 0 && request.method === "GET") {
    const bucketFound = find("r2_buckets", stores, name!);
    if (!bucketFound) return fail(404, R2_BUCKET_NOT_FOUND, "list multipart uploads: 'bucket not found'");
    const uploads = (createR2Bucket(bucketFound.store, bucketFound.id) as LocalR2Bucket).listMultipartUploads();
    return ok(uploads.map((upload) => ({ upload_id: upload.uploadId, key: upload.key, initiated: upload.created.toISOString(), parts: upload.parts, size: upload.size })), { count: uploads.length });
  }
  if (what !== "objects") return notFound(request);
  const found = find("r2_buckets", stores, name!);
  const bucket = found ? (createR2Bucket(found.store, found.id) as LocalR2Bucket) : undefined;
  const verb = { GET: "get", PUT: "put", DELETE: "delete" }[request.method] ?? "list objects";
  try {
    if (tail.length === 0 && request.method === "GET") {
      if (!bucket) return fail(404, R2_BUCKET_NOT_FOUND, "list objects: 'bucket not found'");
      const limit = intParam(url, "per_page");
      if (limit instanceof Response) return limit;
      const listed = await bucket.list({
        prefix: url.searchParams.get("prefix") ?? undefined,
        delimiter: url.searchParams.get("delimiter") ?? undefined,
        cursor: url.searchParams.get("cursor") || undefined,
        limit,
        include: ["httpMetadata", "customMetadata"],
      });
      return ok(listed.objects.map((object) => objectJson(object as unknown as R2Like)), {
        delimited: listed.delimitedPrefixes,
        cursor: listed.truncated ? listed.cursor : undefined,
        is_truncated: listed.truncated ? "true" : "false",
      });
    }
    if (tail.length === 0 && request.method === "DELETE") {
      const body = await jsonBody(request);
      if (body.error) return body.error;
      const keys = body.value;
      if (!Array.isArray(keys) || keys.length === 0 || keys.some((key) => typeof key !== "string")) {
        return fail(400, BAD_REQUEST, "Request body must be a non-empty array of keys");
      }
      if (!bucket) return fail(404, R2_BUCKET_NOT_FOUND, "delete: 'bucket not found'");
      await bucket.delete(keys as string[]);
      return ok((keys as string[]).map((key) => ({ key })));
    }
    if (tail.length === 0) return notFound(request);
    const key = tail.join("/");
    if (!bucket) return fail(404, R2_BUCKET_NOT_FOUND, `${verb}: 'bucket not found'`);
    if (request.method === "GET") {
      if (request.headers.get("cf-metadata-only") === "true") {
        const head = await bucket.head(key);
        // wrangler's field order for a head: last_modified before size.
        const { key: headKey, etag, size, last_modified, ...rest } = head ? objectJson(head as unknown as R2Like) : ({} as ReturnType<typeof objectJson>);
        return head ? ok({ key: headKey, etag, last_modified, size, ...rest }) : fail(404, R2_OBJECT_NOT_FOUND, "head: 'object not found'");
      }
      const object = (await bucket.get(key)) as (R2Like & { body: ReadableStream }) | null;
      if (!object) return fail(404, R2_OBJECT_NOT_FOUND, "get: 'object not found'");
      const headers = new Headers();
      if (object.httpMetadata?.contentType) headers.set("Content-Type", String(object.httpMetadata.contentType));
      headers.set("Content-Length", String(object.size));
      headers.set("ETag", object.etag);
      headers.set("Last-Modified", object.uploaded.toUTCString());
      for (const [name, value] of Object.entries(object.customMetadata ?? {})) headers.set(`X-R2-Custom-Metadata-${name}`, value);
      return new Response(object.body, { headers });
    }
    if (request.method === "PUT") {
      const options: { httpMetadata?: { contentType: string }; customMetadata?: Record<string, string> } = {};
      const contentType = request.headers.get("content-type");
      if (contentType) options.httpMetadata = { contentType };
      const custom = request.headers.get("cf-r2-custom-metadata");
      if (custom) {
        try {
          options.customMetadata = JSON.parse(custom);
        } catch {
          return fail(400, BAD_REQUEST, "Invalid custom metadata JSON");
        }
      }
      // R2's single-put limit, refused before any byte is stored.
      const declared = Number(request.headers.get("content-length") ?? "0");
      if (declared > R2_LIMITS.maxValueBytes) {
        return fail(413, 100100, `put: Your proposed upload exceeds the maximum allowed object size (${declared} bytes > ${R2_LIMITS.maxValueBytes} bytes). Use a multipart upload.`);
      }
      // Streamed into the bucket: a large upload never sits in memory whole.
      const object = (await bucket.put(key, request.body ?? new Uint8Array(0), options)) as (R2Like & { version: string }) | null;
      return ok({ key: object!.key, etag: object!.etag, size: object!.size, version: object!.version });
    }
  } catch (error) {
    return fail(400, BAD_REQUEST, messageOf(error));
  }
  return notFound(request);
}

// --- Workflows ---

async function workflowRoutes(request: Request, url: URL, rest: string[], stores: readonly ExplorerStore[]): Promise<Response> {
  const all = resourcesOf("workflows", stores);
  if (rest.length === 0) {
    if (request.method !== "GET") return notFound(request);
    const list = all.map((item) => ({ name: item.name, class_name: item.className, script_name: item.scriptName }));
    return ok(list, { count: list.length });
  }
  const [name, what, instanceId, sub, eventType] = rest;
  const workflow = all.find((item) => item.name === name);
  if (!workflow) return fail(404, WORKFLOW_NOT_FOUND, `Workflow '${name}' not found.`);
  const store = workflow.store;
  const instanceMissing = () => fail(404, WORKFLOW_NOT_FOUND, `Workflow instance '${instanceId}' not found.`);
  try {
    if (what === undefined) {
      if (request.method === "GET") {
        return ok({ name: workflow.name, class_name: workflow.className, script_name: workflow.scriptName, instances: workflows.statusCounts(store, workflow.name) });
      }
      if (request.method === "DELETE") {
        workflows.deleteWorkflowInstances(store, workflow.name);
        return ok({ status: "ok", success: true });
      }
      return notFound(request);
    }
    if (what !== "instances") return notFound(request);
    if (instanceId === undefined) {
      if (request.method === "GET") {
        const page = intParam(url, "page", [1, Number.MAX_SAFE_INTEGER]) ?? 1;
        const perPage = intParam(url, "per_page", [1, Number.MAX_SAFE_INTEGER]) ?? 25;
        if (page instanceof Response) return page;
        if (perPage instanceof Response) return perPage;
        const status = url.searchParams.get("status");
        const rows = workflows.listInstances(store, workflow.name).filter((row) => !status || row.status === status);
        const result = rows.slice((page - 1) * perPage, page * perPage).map((row) => ({ id: row.id, status: row.status, created_on: new Date(row.created_on).toISOString() }));
        return ok(result, { page, per_page: perPage, total_count: rows.length, total_pages: Math.max(1, Math.ceil(rows.length / perPage)) });
      }
      if (request.method === "POST") {
        let body: { id?: string; params?: unknown } = {};
        try {
          body = (await request.json()) as typeof body;
        } catch {}
        const created = await createWorkflowBinding(() => store, workflow.name).create({ id: body?.id, params: body?.params });
        return ok({ id: created.id });
      }
      return notFound(request);
    }
    const row = workflows.getInstance(store, workflow.name, instanceId);
    if (!row) return instanceMissing();
    if (sub === undefined && request.method === "GET") return ok(instanceDetails(store, row));
    if (sub === undefined && request.method === "DELETE") {
      if (!workflows.isFinal(row.status)) workflows.applyAction(store, workflow.name, row.id, "terminate");
      return ok({ id: row.id });
    }
    if (sub === "status" && request.method === "PATCH") {
      const body = await jsonBody(request);
      if (body.error) return body.error;
      const action = (body.value as { action?: unknown })?.action;
      if (action !== "pause" && action !== "resume" && action !== "restart" && action !== "terminate") {
        return fail(400, BAD_REQUEST, `Invalid action '${String(action)}'. Must be one of: pause, resume, restart, terminate.`);
      }
      workflows.applyAction(store, workflow.name, row.id, action);
      const after = workflows.getInstance(store, workflow.name, row.id)!;
      return ok({ status: after.status, timestamp: new Date().toISOString() });
    }
    if (sub === "events" && eventType && request.method === "POST") {
      const text = await request.text();
      let payload: unknown = undefined;
      if (text) {
        try {
          payload = JSON.parse(text);
        } catch {
          return fail(400, BAD_REQUEST, "Request body must be valid JSON");
        }
      }
      workflows.sendEvent(store, workflow.name, row.id, eventType, payload);
      return ok({});
    }
  } catch (error) {
    if (error instanceof workflows.InstanceNotFoundError) return instanceMissing();
    return fail(500, BAD_REQUEST, messageOf(error));
  }
  return notFound(request);
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function instanceDetails(store: Store, row: workflows.InstanceRow) {
  const steps = workflows.listSteps(store, row.workflow, row.id).map((step) => ({
    name: step.name,
    type: step.type,
    start: iso(step.started_on),
    end: iso(step.ended_on),
    success: step.done ? step.error === null : step.error !== null ? false : null,
    // A step's return value, or the event a waitForEvent received.
    output: step.done && step.type !== "sleep" ? workflows.decode(step.value) : undefined,
    config: step.config ? JSON.parse(step.config) : null,
    attempts: JSON.parse(step.attempts || "[]"),
    ...(step.wake_at !== null ? { wake_at: iso(step.wake_at) } : {}),
  }));
  return {
    status: row.status,
    params: workflows.decode(row.params) ?? null,
    queued: iso(row.created_on),
    start: iso(row.started_on),
    end: iso(row.ended_on),
    output: row.status === "complete" ? (workflows.decode(row.output) ?? null) : null,
    error: row.error ? JSON.parse(row.error) : null,
    steps,
    step_count: steps.length,
  };
}

// --- Durable Objects (namespaces and object ids; no SQL console yet) ---

interface DONamespace {
  id: string;
  name: string;
  script: string;
  class: string;
  use_sqlite: boolean;
  store: Store;
}

/** The classes the configs define (not those bound from another script), as wrangler lists them. */
function doNamespaceList(stores: readonly ExplorerStore[]): DONamespace[] {
  const { sqliteBackedClasses } = require("../../runtime/bindings/durable-objects/index.ts") as typeof import("../../runtime/bindings/durable-objects/index.ts");
  const found = new Map<string, DONamespace>();
  for (const { store, configs } of stores) {
    for (const config of configs ?? []) {
      const script = config.name ?? "worker";
      const sqlite = sqliteBackedClasses(config.migrations);
      for (const entry of config.durable_objects?.bindings ?? []) {
        if (entry.script_name && entry.script_name !== config.name) continue;
        const id = `${script}-${entry.class_name}`;
        if (!found.has(id)) found.set(id, { id, name: `${script}_${entry.class_name}`, script, class: entry.class_name, use_sqlite: sqlite.has(entry.class_name), store });
      }
    }
  }
  return [...found.values()];
}

function doNamespaces(stores: readonly ExplorerStore[]): Response {
  const list = doNamespaceList(stores).map(({ store: _store, ...namespace }) => namespace);
  return ok(list, { count: list.length });
}

function doObjects(url: URL, id: string, stores: readonly ExplorerStore[]): Response {
  const namespace = doNamespaceList(stores).find((candidate) => candidate.id === id);
  if (!namespace) return fail(404, 10066, `Durable Object namespace ID '${id}' not found.`);
  const limit = intParam(url, "limit", [10, 10_000]) ?? 1000;
  if (limit instanceof Response) return limit;
  const cursor = url.searchParams.get("cursor") ?? "";
  let objects = inspectorOf(namespace).list();
  if (cursor) objects = objects.filter((object) => object.id > cursor);
  const page = objects.slice(0, limit);
  // As wrangler: each object with stored data, named where the name is known.
  return ok(
    page.map((object) => ({ id: object.id, name: object.name, hasStoredData: true })),
    { count: page.length, cursor: objects.length > limit ? page.at(-1)!.id : "" },
  );
}

function inspectorOf(namespace: DONamespace) {
  const { DurableObjectInspector } = require("../../runtime/bindings/durable-objects/inspect.ts") as typeof import("../../runtime/bindings/durable-objects/inspect.ts");
  return new DurableObjectInspector(namespace.store, namespace.class, namespace.use_sqlite);
}

/** wrangler's POST .../query: { durable_object_id | durable_object_name, queries: [{ sql, params? }] }. */
async function doQuery(request: Request, id: string, stores: readonly ExplorerStore[]): Promise<Response> {
  const body = await jsonBody(request);
  if (body.error) return body.error;
  const input = body.value as { durable_object_id?: unknown; durable_object_name?: unknown; queries?: unknown };
  const byId = typeof input?.durable_object_id === "string" && input.durable_object_id !== "";
  const byName = typeof input?.durable_object_name === "string" && input.durable_object_name !== "";
  const queries = input?.queries as RawQuery[] | undefined;
  const validQuery = (query: RawQuery) => query && typeof query.sql === "string" && query.sql !== "" && (query.params === undefined || Array.isArray(query.params));
  if ((!byId && !byName) || !Array.isArray(queries) || !queries.every(validQuery)) return fail(400, BAD_REQUEST, "Invalid input");
  const namespace = doNamespaceList(stores).find((candidate) => candidate.id === id);
  if (!namespace) return fail(404, 10066, `Durable Object namespace ID '${id}' not found.`);
  if (!namespace.use_sqlite) return fail(400, BAD_REQUEST, `Namespace does not use SQLite storage: ${id}`);
  const inspector = inspectorOf(namespace);
  let objectId: string;
  try {
    objectId = inspector.resolve(byId ? { id: input.durable_object_id as string } : { name: input.durable_object_name as string });
  } catch (error) {
    return fail(400, BAD_REQUEST, messageOf(error));
  }
  if (queries.length === 0) return fail(400, BAD_REQUEST, "No queries provided");
  if (!inspector.exists(objectId)) return fail(404, DO_OBJECT_NOT_FOUND, `Durable Object ${objectId} has no stored data (it may have been deleted).`);
  try {
    return ok(inspector.query(objectId, queries));
  } catch (error) {
    return fail(400, BAD_REQUEST, messageOf(error));
  }
}

/** A stored value shown in JSON: as itself when JSON holds it, else described (Map, Date, bytes, ...). */
function displayValue(value: unknown): { value: unknown; type: string } {
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
    const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : value;
    return { value: Buffer.from(bytes).toString("hex"), type: "bytes (hex)" };
  }
  if (value === null || ["string", "number", "boolean"].includes(typeof value)) return { value, type: value === null ? "null" : typeof value };
  if (value !== null && typeof value === "object" && (Array.isArray(value) || Object.getPrototypeOf(value) === Object.prototype)) {
    try {
      if (JSON.stringify(value) !== undefined && !Bun.inspect(value).includes("[class ")) return { value, type: Array.isArray(value) ? "array" : "object" };
    } catch {}
  }
  return { value: Bun.inspect(value, { colors: false }), type: value?.constructor?.name ?? typeof value };
}

/** bunflare's extra: GET .../objects/{object_id}[/storage]: one object's name, alarm and tables, or its KV pairs. */
function doObject(url: URL, id: string, objectRef: string, what: string | undefined, stores: readonly ExplorerStore[]): Response {
  const namespace = doNamespaceList(stores).find((candidate) => candidate.id === id);
  if (!namespace) return fail(404, 10066, `Durable Object namespace ID '${id}' not found.`);
  const inspector = inspectorOf(namespace);
  let objectId: string;
  try {
    objectId = inspector.resolve(/^[0-9a-f]{64}$/i.test(objectRef) ? { id: objectRef } : { name: objectRef });
  } catch (error) {
    return fail(400, BAD_REQUEST, messageOf(error));
  }
  if (!inspector.exists(objectId)) return fail(404, DO_OBJECT_NOT_FOUND, `Durable Object ${objectId} has no stored data (it may have been deleted).`);
  try {
    if (what === undefined) {
      const name = inspector.list().find((object) => object.id === objectId)?.name;
      const alarm = inspector.alarm(objectId);
      return ok({
        id: objectId,
        name,
        use_sqlite: namespace.use_sqlite,
        alarm: alarm ? { scheduled_time: new Date(alarm.scheduled_time).toISOString(), retry_count: alarm.retry_count } : null,
        tables: inspector.tables(objectId),
      });
    }
    const limit = intParam(url, "limit", [1, 1000]) ?? 100;
    if (limit instanceof Response) return limit;
    const cursor = url.searchParams.get("cursor") || undefined;
    const entries = inspector.listKv(objectId, { prefix: url.searchParams.get("prefix") || undefined, startAfter: cursor, limit: limit + 1 });
    const page = entries.slice(0, limit);
    return ok(
      page.map(([key, value]) => ({ key, ...displayValue(value) })),
      { count: page.length, cursor: entries.length > limit ? page.at(-1)![0] : "" },
    );
  } catch (error) {
    return fail(400, BAD_REQUEST, messageOf(error));
  }
}

// --- Queues (bunflare's addition: wrangler's explorer has no queues view) ---

/** The queues the configs produce to or consume from (dead-letter queues among them), and the registered ones. */
function queueList(stores: readonly ExplorerStore[]): (Found & { consumer?: QueueConsumerConfig })[] {
  const found: (Found & { consumer?: QueueConsumerConfig })[] = resourcesOf("queues.producers", stores);
  const add = (name: string, store: Store) => {
    if (!found.some((item) => item.name === name)) found.push({ id: name, name, store });
  };
  for (const { store, configs } of stores) {
    for (const config of configs ?? []) {
      for (const consumer of config.queues?.consumers ?? []) {
        add(consumer.queue, store);
        if (consumer.dead_letter_queue) add(consumer.dead_letter_queue, store);
        const item = found.find((candidate) => candidate.name === consumer.queue);
        if (item && !item.consumer) item.consumer = consumer;
      }
    }
  }
  return found;
}

async function queueRoutes(request: Request, url: URL, rest: string[], stores: readonly ExplorerStore[]): Promise<Response> {
  const { countMessages, purgeMessages, listMessages, retryMessageNow } = require("../../runtime/bindings/queues/storage.ts") as typeof import("../../runtime/bindings/queues/storage.ts");
  const { createQueueProducer, decode } = require("../../runtime/bindings/queues/index.ts") as typeof import("../../runtime/bindings/queues/index.ts");
  const found = queueList(stores);
  const shape = (item: (typeof found)[number]) => ({
    queue_id: item.id,
    queue_name: item.name,
    messages: countMessages(item.store, item.name),
    consumer: item.consumer
      ? { max_retries: item.consumer.max_retries ?? 3, dead_letter_queue: item.consumer.dead_letter_queue ?? null, retry_delay: item.consumer.retry_delay ?? 0 }
      : null,
    dead_letter_for: found.filter((other) => other.consumer?.dead_letter_queue === item.name).map((other) => other.name),
  });
  if (rest.length === 0) {
    if (request.method !== "GET") return notFound(request);
    const queues = found.map(shape);
    return ok(queues, { count: queues.length });
  }
  const queue = found.find((item) => item.id === rest[0] || item.name === rest[0]);
  if (!queue) return fail(404, QUEUE_NOT_FOUND, `Queue '${rest[0]}' not found.`);
  if (rest.length === 1 && request.method === "GET") return ok(shape(queue));
  // bunflare's extra: the messages stored for the queue, each with its state and attempts.
  if (rest[1] === "messages" && rest.length === 2 && request.method === "GET") {
    const limit = intParam(url, "limit", [1, 1000]) ?? 100;
    if (limit instanceof Response) return limit;
    const messages = listMessages(queue.store, queue.name, limit).map((message) => {
      let body: unknown;
      try {
        body = decode(message.body, message.content_type);
      } catch {
        body = null;
      }
      if (body instanceof Uint8Array || body instanceof ArrayBuffer) body = Buffer.from(body as Uint8Array).toString("hex");
      else if (message.content_type === "v8") body = displayValue(body).value;
      return {
        id: message.id,
        state: message.state,
        attempts: message.failed_attempts,
        content_type: message.content_type,
        body,
        timestamp: new Date(message.timestamp).toISOString(),
        visible_at: new Date(message.visible_at).toISOString(),
      };
    });
    return ok(messages, { count: messages.length, total_count: countMessages(queue.store, queue.name) });
  }
  // Cloudflare's POST /queues/{id}/messages: { body, content_type? } ("text" or "json"), sent as a producer sends it.
  if (rest[1] === "messages" && rest.length === 2 && request.method === "POST") {
    const body = await jsonBody(request);
    if (body.error) return body.error;
    const message = body.value as { body?: unknown; content_type?: unknown; delay_seconds?: unknown };
    if (!message || typeof message !== "object" || !("body" in message)) return fail(400, BAD_REQUEST, "body: Required");
    try {
      await createQueueProducer({ store: queue.store, queue: queue.name }).send(message.body, {
        contentType: typeof message.content_type === "string" ? message.content_type : "json",
        delaySeconds: typeof message.delay_seconds === "number" ? message.delay_seconds : undefined,
      });
    } catch (error) {
      return fail(400, BAD_REQUEST, messageOf(error));
    }
    return ok(null);
  }
  // bunflare's extra: deliver a delayed or backing-off message now.
  if (rest[1] === "messages" && rest.length === 4 && rest[3] === "retry" && request.method === "POST") {
    if (!retryMessageNow(queue.store, queue.name, rest[2]!)) return fail(404, QUEUE_NOT_FOUND, `Message '${rest[2]}' is not waiting in queue '${queue.name}' (already delivered, or being delivered now).`);
    return ok(null);
  }
  if (rest[1] === "purge" && rest.length === 2 && request.method === "POST") {
    purgeMessages(queue.store, queue.name);
    return ok(shape(queue));
  }
  return notFound(request);
}

// --- Cache and requests (bunflare's additions) ---

async function cacheRoutes(request: Request, url: URL, rest: string[], stores: readonly ExplorerStore[]): Promise<Response> {
  const { listCacheEntries, cacheByStoredName } = require("../../runtime/bindings/cache/index.ts") as typeof import("../../runtime/bindings/cache/index.ts");
  if (rest.length === 0 && request.method === "GET") {
    const entries = stores.flatMap(({ store }) =>
      listCacheEntries(store).map((entry) => ({
        cache: entry.cache === ":default" ? "default" : entry.cache.replace(/^named:/, ""),
        stored_name: entry.cache,
        url: entry.url,
        status: entry.status,
        size: entry.size,
        expires: new Date(entry.expires).toISOString(),
        headers: Object.fromEntries(entry.headers),
      })),
    );
    return ok(entries, { count: entries.length });
  }
  if (rest.length === 1 && rest[0] === "entries" && request.method === "DELETE") {
    const cache = url.searchParams.get("cache");
    const target = url.searchParams.get("url");
    if (!cache || !target) return fail(400, BAD_REQUEST, "cache and url query parameters are required");
    let deleted = false;
    for (const { store } of stores) deleted = (await cacheByStoredName(() => store, cache).delete(target)) || deleted;
    return deleted ? ok({ deleted: true }) : fail(404, BAD_REQUEST, `No cached response for ${target} in cache ${cache}.`);
  }
  return notFound(request);
}

function requestRoutes(request: Request, url: URL, rest: string[]): Response {
  const recorder = require("../dev/requests.ts") as typeof import("../dev/requests.ts");
  if (rest.length === 0 && request.method === "GET") {
    const limit = intParam(url, "limit", [1, recorder.MAX_RECORDED]) ?? 100;
    if (limit instanceof Response) return limit;
    const requests = recorder.recordedRequests({ kind: url.searchParams.get("kind") ?? undefined, limit });
    return ok({ requests, routes: recorder.routeStats() }, { count: requests.length, recording: recorder.isRecording() });
  }
  if (rest.length === 0 && request.method === "DELETE") {
    recorder.clearRecorded();
    return ok(null);
  }
  return notFound(request);
}

/** wrangler's GET /local/workers: the workers this explorer shows, with their bindings. */
function localWorkers(stores: readonly ExplorerStore[]): Response {
  const { sqliteBackedClasses } = require("../../runtime/bindings/durable-objects/index.ts") as typeof import("../../runtime/bindings/durable-objects/index.ts");
  const workers = stores.flatMap(({ configs }) =>
    (configs ?? []).map((config) => {
      const script = config.name ?? "worker";
      const sqlite = sqliteBackedClasses(config.migrations);
      return {
        isSelf: true,
        name: script,
        bindings: {
          kv: (config.kv_namespaces ?? []).map((entry) => ({ id: kvNamespaceIdFor(entry), bindingName: entry.binding })),
          d1: (config.d1_databases ?? []).map((entry) => ({ id: d1DatabaseIdFor(entry), bindingName: entry.binding })),
          r2: (config.r2_buckets ?? []).map((entry) => ({ id: r2BucketNameFor(entry), bindingName: entry.binding })),
          do: (config.durable_objects?.bindings ?? []).map((entry) => ({
            id: `${entry.script_name ?? script}-${entry.class_name}`,
            bindingName: entry.name,
            className: entry.class_name,
            scriptName: entry.script_name ?? script,
            useSqlite: sqlite.has(entry.class_name),
          })),
          workflows: (config.workflows ?? []).map((entry) => ({ id: entry.name, bindingName: entry.binding, className: entry.class_name, scriptName: entry.script_name ?? script })),
        },
      };
    }),
  );
  return ok(workers);
}

// --- Routing ---

/** An unknown path or method: as wrangler's explorer (hono) answers it. */
function notFound(_request: Request): Response {
  return new Response("404 Not Found", { status: 404, headers: { "Content-Type": "text/plain; charset=UTF-8" } });
}

const LOCAL_HOSTNAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * As wrangler checks /cdn-cgi requests: the Host and any Origin must name this
 * machine, so a web page elsewhere (or DNS rebinding to 127.0.0.1) can neither
 * read nor change local data through the browser.
 */
function foreignHostOrOrigin(request: Request): string | undefined {
  const hostname = (value: string) => {
    try {
      return new URL(value).hostname;
    } catch {
      return undefined;
    }
  };
  const host = request.headers.get("host");
  if (host !== null) {
    const name = hostname(`http://${host}`);
    if (name === undefined || !(LOCAL_HOSTNAMES.has(name) || name.endsWith(".localhost"))) return "Invalid Host header";
  }
  const origin = request.headers.get("origin");
  if (origin !== null) {
    const name = hostname(origin);
    if (name === undefined || !(LOCAL_HOSTNAMES.has(name) || name.endsWith(".localhost"))) return "Invalid Origin header";
  }
  return undefined;
}

/** Answers a request under /cdn-cgi/explorer: the page, or the API. */
export async function handleExplorer(request: Request, stores: readonly ExplorerStore[]): Promise<Response> {
  const refused = foreignHostOrOrigin(request);
  if (refused) return new Response(refused, { status: 403 });
  const url = new URL(request.url);
  const pathname = url.pathname.replace(/\/+$/, "");
  if (!pathname.startsWith(API)) {
    if (request.method !== "GET" && request.method !== "HEAD") return new Response("Method Not Allowed", { status: 405 });
    return new Response(EXPLORER_HTML, { headers: { "Content-Type": "text/html; charset=utf-8" } });
  }
  const origin = request.headers.get("Origin");
  if (request.method === "OPTIONS") {
    return new Response(null, {
      status: 204,
      headers: {
        "Access-Control-Allow-Origin": origin ?? "*",
        "Access-Control-Allow-Methods": "GET, POST, PUT, PATCH, DELETE, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type, cf-metadata-only, cf-r2-custom-metadata",
        "Access-Control-Max-Age": "86400",
      },
    });
  }
  let response: Response;
  try {
    response = await route(request, url, pathname.slice(API.length), stores);
  } catch (error) {
    response = error instanceof URIError ? fail(400, BAD_REQUEST, `Malformed percent-encoding in ${url.pathname}`) : fail(500, 10000, messageOf(error));
  }
  if (origin) response.headers.set("Access-Control-Allow-Origin", origin);
  return response;
}

async function route(request: Request, url: URL, path: string, stores: readonly ExplorerStore[]): Promise<Response> {
  if (path === "") return Response.json(openApiDocument(API));
  // Segments are decoded one by one, so a key may hold an encoded "/" (or "..", or unicode).
  const parts = path.split("/").slice(1).map((part) => decodeURIComponent(part));
  const get = request.method === "GET";
  if (parts[0] === "storage" && parts[1] === "kv" && parts[2] === "namespaces") {
    if (parts.length === 3) return get ? kvNamespaces(url, stores) : notFound(request);
    return kv(request, url, parts.slice(3), stores);
  }
  if (parts[0] === "d1" && parts[1] === "database") {
    if (parts.length === 2) return get ? d1Databases(url, stores) : notFound(request);
    if (parts.length === 4 && parts[3] === "raw" && request.method === "POST") return d1Raw(request, parts[2]!, stores);
    if (parts.length >= 4 && (parts[3] === "tables" || parts[3] === "migrations")) return d1Extra(request, url, parts[2]!, parts.slice(3), stores);
    return notFound(request);
  }
  if (parts[0] === "r2" && parts[1] === "buckets") {
    if (parts.length === 2) return get ? r2Buckets(stores) : notFound(request);
    return r2(request, url, parts.slice(2), stores);
  }
  if (parts[0] === "workflows") return workflowRoutes(request, url, parts.slice(1), stores);
  if (parts[0] === "queues") return queueRoutes(request, url, parts.slice(1), stores);
  if (parts[0] === "cache") return cacheRoutes(request, url, parts.slice(1), stores);
  if (parts[0] === "requests") return requestRoutes(request, url, parts.slice(1));
  if (parts[0] === "local" && parts[1] === "workers" && parts.length === 2 && get) return localWorkers(stores);
  if (parts[0] === "workers" && parts[1] === "durable_objects" && parts[2] === "namespaces") {
    if (parts.length === 3 && get) return doNamespaces(stores);
    if (parts.length === 5 && parts[4] === "objects" && get) return doObjects(url, parts[3]!, stores);
    if (parts.length === 5 && parts[4] === "query" && request.method === "POST") return doQuery(request, parts[3]!, stores);
    if (parts[4] === "objects" && (parts.length === 6 || (parts.length === 7 && parts[6] === "storage")) && get) return doObject(url, parts[3]!, parts[5]!, parts[6], stores);
    return notFound(request);
  }
  return notFound(request);
}
