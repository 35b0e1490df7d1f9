// Durable Objects: wrangler's explorer paths under
// /workers/durable_objects/namespaces (classes, objects, SQL queries), plus
// bunflare's view of one object's name, alarm, tables and KV storage.
import type { Store } from "../../../runtime/store/index.ts";
import { BAD_REQUEST, displayValue, fail, intParam, jsonBody, messageOf, notFound, ok, type ExplorerSection, type ExplorerStore, type RawQuery } from "../common.ts";

const DO_NAMESPACE_NOT_FOUND = 10066;
const DO_OBJECT_NOT_FOUND = 10067;

const durableObjects = () => require("../../../runtime/bindings/durable-objects/index.ts") as typeof import("../../../runtime/bindings/durable-objects/index.ts");

export const durableObjectsSection: ExplorerSection = {
  prefix: ["workers", "durable_objects", "namespaces"],
  operations: [
    { method: "get", path: "/workers/durable_objects/namespaces", summary: "List Durable Object namespaces (classes)", tag: "Durable Objects" },
    { method: "get", path: "/workers/durable_objects/namespaces/{namespace_id}/objects", summary: "Objects with stored data, with their name where known", tag: "Durable Objects", query: { limit: "10-10000", cursor: "from result_info.cursor" } },
    { method: "post", path: "/workers/durable_objects/namespaces/{namespace_id}/query", summary: "Run SQL in a SQLite-backed object", tag: "Durable Objects", body: '{ "durable_object_id" | "durable_object_name": string, "queries": [{ "sql", "params"? }] }' },
    { method: "get", path: "/workers/durable_objects/namespaces/{namespace_id}/objects/{object_id}", summary: "One object (id, or a name): its name, pending alarm and SQL tables", tag: "bunflare", extra: true },
    { method: "get", path: "/workers/durable_objects/namespaces/{namespace_id}/objects/{object_id}/storage", summary: "One object's KV storage (ctx.storage.list()), values decoded", tag: "bunflare", extra: true, query: { prefix: "key prefix", cursor: "from result_info.cursor", limit: "1-1000" } },
  ],
  route(request, url, rest, stores) {
    const get = request.method === "GET";
    if (rest.length === 0 && get) return doNamespaces(stores);
    if (rest.length === 2 && rest[1] === "objects" && get) return doObjects(url, rest[0]!, stores);
    if (rest.length === 2 && rest[1] === "query" && request.method === "POST") return doQuery(request, rest[0]!, stores);
    if (rest[1] === "objects" && (rest.length === 3 || (rest.length === 4 && rest[3] === "storage")) && get) return doObject(url, rest[0]!, rest[2]!, rest[3], stores);
    return notFound(request);
  },
  workerBindings(config, script) {
    const sqlite = durableObjects().sqliteBackedClasses(config.migrations);
    return [
      "do",
      (config.durable_objects?.bindings ?? []).map((entry) => ({
        id: `${entry.script_name ?? script}-${entry.class_name}`,
        bindingName: entry.name,
        className: entry.class_name,
        scriptName: entry.script_name ?? script,
        useSqlite: sqlite.has(entry.class_name),
      })),
    ];
  },
};

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
  const { sqliteBackedClasses } = durableObjects();
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
  if (!namespace) return fail(404, DO_NAMESPACE_NOT_FOUND, `Durable Object namespace ID '${id}' not found.`);
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
  const { DurableObjectInspector } = require("../../../runtime/bindings/durable-objects/inspect.ts") as typeof import("../../../runtime/bindings/durable-objects/inspect.ts");
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
  if (!namespace) return fail(404, DO_NAMESPACE_NOT_FOUND, `Durable Object namespace ID '${id}' not found.`);
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

function doObject(url: URL, id: string, objectRef: string, what: string | undefined, stores: readonly ExplorerStore[]): Response {
  const namespace = doNamespaceList(stores).find((candidate) => candidate.id === id);
  if (!namespace) return fail(404, DO_NAMESPACE_NOT_FOUND, `Durable Object namespace ID '${id}' not found.`);
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
