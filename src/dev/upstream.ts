// wrangler dev's request path between the client and the worker: the worker sees
// the URL it would see behind its zone (`--host` / `dev.host` / the first route's
// host, `--upstream-protocol` / `dev.upstream_protocol`), headers that name the
// local address (Host, a same-origin Origin, Referer, ...) are rewritten to match,
// and on the way back headers naming the upstream (Location, CORS origins) and
// Set-Cookie domains are rewritten to the local address, as wrangler's proxy does.
import { checkCustomDomains, configuredRoutes } from "../config/routes.ts";
import type { WorkerConfig } from "../../runtime/config.ts";
import type { DevArgs } from "./settings.ts";

export interface Upstream {
  protocol: "http:" | "https:";
  /** The host the worker sees instead of the local one (its port dropped), if any. */
  hostname?: string;
}

/** The host part of a route pattern such as `example.com/*` or `*.example.com/api/*`, as wrangler infers it. */
function hostOfRoute(route: unknown): string | undefined {
  const pattern = typeof route === "string" ? route : (route as { pattern?: string; zone_name?: string } | undefined)?.pattern;
  const fromPattern = (text: string | undefined) => {
    if (!text) return undefined;
    const host = text.replace(/^\w+:\/\//, "").split("/")[0]!.replace(/^\*\.?/, "");
    return host && !host.includes("*") ? host : undefined;
  };
  return fromPattern(pattern) ?? fromPattern((route as { zone_name?: string } | undefined)?.zone_name);
}

export function upstreamOf(args: DevArgs & { host?: string; "local-upstream"?: string; "upstream-protocol"?: string; routes?: string[] }, config: WorkerConfig): Upstream | undefined {
  const routes = configuredRoutes(args.routes, config as { route?: unknown; routes?: unknown });
  checkCustomDomains(routes);
  const hostname = args.host ?? args["local-upstream"] ?? config.dev?.host ?? (routes.length ? hostOfRoute(routes[0]) : undefined);
  const secure = args["upstream-protocol"] !== undefined ? args["upstream-protocol"] === "https" : config.dev?.upstream_protocol === "https";
  const local = args["local-protocol"] ?? config.dev?.local_protocol ?? "http";
  // Nothing to rewrite: the common case costs no work per request.
  if (!hostname && (secure ? "https" : "http") === local) return undefined;
  return { protocol: secure ? "https:" : "http:", hostname };
}

/** Rewrites references to `from` into `to` in URL-bearing headers (wrangler's rewriteUrlRelatedHeaders). */
function rewriteHeaders(headers: Headers, from: URL, to: URL): void {
  const cookies = headers.getSetCookie();
  headers.delete("Set-Cookie");
  for (const [key, value] of [...headers]) {
    if (value.includes(from.host)) headers.set(key, value.replaceAll(from.origin, to.origin).replaceAll(from.host, to.host));
  }
  const domain = new RegExp(`Domain=${from.hostname.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}($|;|,)`);
  for (const cookie of cookies) headers.append("Set-Cookie", cookie.replace(domain, `Domain=${to.hostname}$1`));
}

/** The request as the worker sees it, with the two URLs the answer is rewritten between. */
export function toUpstream(request: Request, upstream: Upstream): { request: Request; outer: URL; inner: URL } {
  const outer = new URL(request.url);
  const inner = new URL(request.url);
  inner.protocol = upstream.protocol;
  if (upstream.hostname) {
    inner.hostname = upstream.hostname;
    inner.port = "";
  }
  const headers = new Headers(request.headers);
  rewriteHeaders(headers, outer, inner);
  return { request: new Request(inner.href, { method: request.method, headers, body: request.body, redirect: "manual" }), outer, inner };
}

export function fromUpstream(response: Response, inner: URL, outer: URL): Response {
  const headers = new Headers(response.headers);
  rewriteHeaders(headers, inner, outer);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
