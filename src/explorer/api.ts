// The Local Explorer's API at /cdn-cgi/explorer/api: the local subset of
// Cloudflare's v4 API that wrangler (miniflare's explorer worker) serves, with
// the same paths, envelopes ({ success, errors, messages, result, result_info })
// and error codes. Each binding's part is a section (sections/), which reads
// and writes through the binding implementations in runtime/bindings/ and lists
// resources through each descriptor's `resources(store)`, plus the ones the
// configs bind (a binding may write to a namespace no `kv namespace create`
// registered). This module checks the caller and routes.
import { BAD_REQUEST, fail, messageOf, notFound, ok, type ExplorerStore } from "./common.ts";
import { SECTIONS } from "./sections/index.ts";
import { EXPLORER_HTML } from "./page.ts";
import { openApiDocument } from "./openapi.ts";

export type { ExplorerStore } from "./common.ts";
export const EXPLORER_PATH = "/cdn-cgi/explorer";
const API = `${EXPLORER_PATH}/api`;

/** wrangler's GET /local/workers: the workers this explorer shows, with their bindings. */
function localWorkers(stores: readonly ExplorerStore[]): Response {
  const workers = stores.flatMap(({ configs }) =>
    (configs ?? []).map((config) => {
      const script = config.name ?? "worker";
      const bindings = Object.fromEntries(SECTIONS.flatMap((section) => (section.workerBindings ? [section.workerBindings(config, script)] : [])));
      return { isSelf: true, name: script, bindings };
    }),
  );
  return ok(workers);
}

// --- Routing ---

/** Answers a request under /cdn-cgi/explorer: the page, or the API (its server has refused foreign hosts: src/dev/cdn-cgi.ts). */
export async function handleExplorer(request: Request, stores: readonly ExplorerStore[]): Promise<Response> {
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
  if (parts[0] === "local" && parts[1] === "workers" && parts.length === 2 && request.method === "GET") return localWorkers(stores);
  const section = SECTIONS.find(({ prefix }) => prefix.every((segment, index) => parts[index] === segment));
  return section ? section.route(request, url, parts.slice(section.prefix.length), stores) : notFound(request);
}
