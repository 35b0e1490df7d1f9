// What every part of the Local Explorer's API shares: Cloudflare's v4
// envelopes, the error codes every section uses, query-parameter checks, and
// the resources each binding's section lists. One section per binding (or
// bunflare view) lives in sections/; api.ts routes to them.
import type { Store } from "../../runtime/store/index.ts";
import type { WorkerConfig } from "../../runtime/config.ts";
import { BINDINGS } from "../../runtime/bindings/registry.ts";

/** One store the explorer shows, with the configs of the workers using it (for bound resources). */
export interface ExplorerStore {
  store: Store;
  configs?: readonly WorkerConfig[];
  /** Each config's file path (same order as configs): D1 migrations directories are relative to it. */
  configPaths?: readonly (string | undefined)[];
}

/** One path and method of the API, as the OpenAPI document (openapi.ts) describes it. */
export interface Operation {
  method: "get" | "put" | "post" | "patch" | "delete";
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

/** A resource a config binds, as the explorer names it. */
export interface BoundResource {
  id: string;
  name: string;
  /** The workflow's class and script, when a config binds it. */
  className?: string;
  scriptName?: string;
}

/** A resource of one kind, found in one store. */
export interface Found extends BoundResource {
  store: Store;
}

/** The API under one path prefix: a binding's resources, or one of bunflare's views. */
export interface ExplorerSection {
  /** The path segments it answers under: ["storage", "kv", "namespaces"] for /storage/kv/namespaces/... */
  prefix: readonly string[];
  /** Its operations, in the order the OpenAPI document lists them. */
  operations: readonly Operation[];
  /** The rest of the path, after the prefix, decoded segment by segment. */
  route(request: Request, url: URL, rest: string[], stores: readonly ExplorerStore[]): Response | Promise<Response>;
  /** Its part of GET /local/workers' `bindings` for one worker: [field, entries]. */
  workerBindings?(config: WorkerConfig, script: string): [string, unknown[]];
}

/** One SQL query of a request body (D1 raw, Durable Object query). */
export interface RawQuery {
  sql: string;
  params?: unknown[];
}

// Cloudflare's API codes that more than one section answers with.
export const BAD_REQUEST = 10001;

export function ok(result: unknown, resultInfo?: Record<string, unknown>): Response {
  return Response.json({ success: true, errors: [], messages: [], result, ...(resultInfo ? { result_info: resultInfo } : {}) });
}

export function fail(status: number, code: number, message: string): Response {
  return Response.json({ success: false, errors: [{ code, message }], messages: [], result: null }, { status });
}

/** An unknown path or method: as wrangler's explorer (hono) answers it. */
export function notFound(_request: Request): Response {
  return new Response("404 Not Found", { status: 404, headers: { "Content-Type": "text/plain; charset=UTF-8" } });
}

export const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Every resource of a descriptor's key across the stores: the ones the configs
 * bind first (`bound`, named as wrangler's explorer names them), then the
 * registered ones (the descriptor's `resources`) no config binds.
 */
export function resourcesOf(key: string, stores: readonly ExplorerStore[], bound: (config: WorkerConfig) => BoundResource[]): Found[] {
  const descriptor = BINDINGS.find((candidate) => candidate.key === key);
  const found: Found[] = [];
  const seen = new Set<string>();
  const add = (item: Found) => {
    if (seen.has(item.id)) return;
    seen.add(item.id);
    found.push(item);
  };
  for (const { store, configs } of stores) {
    for (const config of configs ?? []) for (const item of bound(config)) add({ ...item, store });
  }
  for (const { store } of stores) {
    for (const resource of descriptor?.resources?.(store) ?? []) add({ ...resource, store });
  }
  return found;
}

export async function jsonBody(request: Request): Promise<{ value?: unknown; error?: Response }> {
  try {
    return { value: await request.json() };
  } catch {
    return { error: fail(400, BAD_REQUEST, "Request body must be valid JSON") };
  }
}

/** A numeric query parameter in zod's words (as wrangler's explorer validates it), or a 400. */
export function intParam(url: URL, name: string, range?: [number, number]): number | undefined | Response {
  const raw = url.searchParams.get(name);
  if (raw === null) return undefined;
  const value = Number(raw);
  if (raw === "" || Number.isNaN(value)) return fail(400, BAD_REQUEST, `${name}: Expected query param to be number but received "${raw}"`);
  if (!Number.isInteger(value)) return fail(400, BAD_REQUEST, `${name}: Expected integer, received float`);
  if (range && value < range[0]) return fail(400, BAD_REQUEST, `${name}: Number must be greater than or equal to ${range[0]}`);
  if (range && value > range[1]) return fail(400, BAD_REQUEST, `${name}: Number must be less than or equal to ${range[1]}`);
  return value;
}

/** A stored value shown in JSON: as itself when JSON holds it, else described (Map, Date, bytes, ...). */
export function displayValue(value: unknown): { value: unknown; type: string } {
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

