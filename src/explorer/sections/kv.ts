// KV namespaces: wrangler's explorer paths under /storage/kv/namespaces.
import { kvNamespaceIdFor, createKVNamespace, type LocalKVNamespace, type KVListResult } from "../../../runtime/bindings/kv/index.ts";
import type { WorkerConfig } from "../../../runtime/config.ts";
import { BAD_REQUEST, fail, intParam, jsonBody, messageOf, notFound, ok, resourcesOf, type ExplorerSection, type ExplorerStore } from "../common.ts";

const KV_KEY_NOT_FOUND = 10009;
const KV_NAMESPACE_NOT_FOUND = 10013;

const bound = (config: WorkerConfig) => (config.kv_namespaces ?? []).map((entry) => ({ id: kvNamespaceIdFor(entry), name: entry.binding }));
const namespacesOf = (stores: readonly ExplorerStore[]) => resourcesOf("kv_namespaces", stores, bound);

export const kvSection: ExplorerSection = {
  prefix: ["storage", "kv", "namespaces"],
  operations: [
    { method: "get", path: "/storage/kv/namespaces", summary: "List KV namespaces", tag: "KV", query: { order: "id or title", direction: "asc or desc" } },
    { method: "get", path: "/storage/kv/namespaces/{namespace_id}/keys", summary: "List keys (paged by cursor)", tag: "KV", query: { prefix: "key prefix", cursor: "from result_info.cursor", limit: "10-1000" } },
    { method: "get", path: "/storage/kv/namespaces/{namespace_id}/values/{key_name}", summary: "Read a value (raw bytes)", tag: "KV", rawResponse: "application/octet-stream" },
    { method: "put", path: "/storage/kv/namespaces/{namespace_id}/values/{key_name}", summary: "Write a value: raw body, or multipart `value` + `metadata` (JSON)", tag: "KV", rawBody: "multipart/form-data", query: { expiration: "seconds since the epoch", expiration_ttl: "seconds from now (at least 60)" } },
    { method: "delete", path: "/storage/kv/namespaces/{namespace_id}/values/{key_name}", summary: "Delete a key", tag: "KV" },
    { method: "post", path: "/storage/kv/namespaces/{namespace_id}/bulk/get", summary: "Read several values", tag: "KV", body: '{ "keys": string[] }' },
    { method: "post", path: "/storage/kv/namespaces/{namespace_id}/bulk/delete", summary: "Delete several keys", tag: "KV", body: "string[] (key names)" },
  ],
  route(request, url, rest, stores) {
    if (rest.length === 0) return request.method === "GET" ? kvNamespaces(url, stores) : notFound(request);
    return kv(request, url, rest, stores);
  },
  workerBindings: (config) => ["kv", bound(config).map((item) => ({ id: item.id, bindingName: item.name }))],
};

function kvNamespaces(url: URL, stores: readonly ExplorerStore[]): Response {
  const order = url.searchParams.get("order") === "title" ? "title" : "id";
  const direction = url.searchParams.get("direction") === "desc" ? -1 : 1;
  const namespaces = namespacesOf(stores).map((item) => ({ id: item.id, title: item.name }));
  namespaces.sort((a, b) => a[order].localeCompare(b[order]) * direction);
  return ok(namespaces, { count: namespaces.length });
}

async function kv(request: Request, url: URL, rest: string[], stores: readonly ExplorerStore[]): Promise<Response> {
  const [id, what, ...tail] = rest;
  const namespace = namespacesOf(stores).find((item) => item.id === id);
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
