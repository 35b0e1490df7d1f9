// wrangler dev's request path between the client and the worker: the worker sees
// the URL it would see behind its zone (`--host` / `dev.host` / the first route's
// host, `--upstream-protocol` / `dev.upstream_protocol`), headers that name the
// local address (Host, a same-origin Origin, Referer, ...) are rewritten to match,
// and on the way back headers naming the upstream (Location, CORS origins) and
// Set-Cookie domains are rewritten to the local address, as wrangler's proxy does.
import path from "node:path";
import { checkCustomDomains, configuredRoutes } from "../config/routes.ts";
import type { WorkerConfig } from "../../runtime/config.ts";
import type { DevArgs } from "./settings.ts";
import { UserError } from "../errors.ts";
import { layoutNotes } from "../log.ts";

export interface Upstream {
  protocol: "http:" | "https:";
  /** The host the worker sees instead of the local one (with a port only if one was given), if any. */
  host?: string;
}

type Route = string | { pattern: string; custom_domain?: boolean; zone_id?: string; zone_name?: string };

/** The host wrangler infers from a route pattern or zone name: wildcards dropped, none for a pattern on any host. */
function hostOfUrl(text: string): string | undefined {
  if (/^(https?:\/\/)?\*\//.test(text)) return undefined;
  const withoutWildcards = text.replace(/\*(\.)?/g, "");
  try {
    return new URL(/^https?:\/\//.test(withoutWildcards) ? withoutWildcards : `http://${withoutWildcards}`).host || undefined;
  } catch {
    return undefined;
  }
}

function hostOfRoute(route: Route): string | undefined {
  if (typeof route === "string") return hostOfUrl(route);
  return hostOfUrl(route.pattern) ?? (route.zone_name !== undefined ? hostOfUrl(route.zone_name) : undefined);
}

/** The config snippet wrangler suggests, in the config file's own syntax. */
function devHostSnippet(configPath: string | undefined): { file: string; snippet: string } {
  if (configPath?.endsWith(".toml")) return { file: "wrangler.toml", snippet: '[dev]\nhost = "example.com"\n' };
  const file = configPath?.endsWith(".jsonc") ? "wrangler.jsonc" : configPath?.endsWith(".json") ? "wrangler.json" : "Wrangler configuration";
  return { file, snippet: JSON.stringify({ dev: { host: "example.com" } }, null, 2) };
}

/**
 * Wrangler's warning for routes with a path in front of assets (unless the worker always
 * runs first): on Cloudflare such a route serves assets from the matching subdirectory.
 */
export function mountedAssetsWarning(args: { routes?: string[] }, config: WorkerConfig, assetsDir: string | undefined, hasWorker: boolean): string | undefined {
  if (assetsDir === undefined || config.assets?.run_worker_first === true) return undefined;
  const routes = configuredRoutes(args.routes, config) as Route[];
  const mounted = routes
    .filter((route) => typeof route === "string" || !route.custom_domain)
    .map((route) => (typeof route === "string" ? route : route.pattern))
    .filter((pattern) => {
      const parts = pattern.split("/");
      return !(parts.length === 2 && parts[1] === "*");
    });
  if (!mounted.length) return undefined;
  const relativeDir = path.relative(process.cwd(), assetsDir);
  const lines = mounted.map((pattern) => {
    const bare = pattern.replace(/https?:\/\//g, "");
    return `  \u2022 ${pattern} (Will match assets: ${path.join(relativeDir, bare.substring(bare.indexOf("/")))})`;
  });
  return layoutNotes(
    `Warning: The following routes will attempt to serve Assets on a configured path:\n${lines.join("\n")}` +
      (hasWorker ? "\n\nRequests not matching an asset will be forwarded to the Worker's code." : ""),
  );
}

/**
 * What the worker sees instead of the local URL, or nothing when that is the local URL itself.
 * The host: `--host` / `--local-upstream`, `dev.host`, else the first route's (an error when
 * it names none, as in wrangler). The protocol: `--upstream-protocol`, `dev.upstream_protocol`,
 * else the local protocol.
 */
export function upstreamOf(
  args: DevArgs & { host?: string; "local-upstream"?: string; "upstream-protocol"?: string; routes?: string[] },
  config: WorkerConfig,
  configPath?: string,
): Upstream | undefined {
  // The routes wrangler dev works with, checked as wrangler checks them before serving.
  const routes = configuredRoutes(args.routes, config) as Route[];
  checkCustomDomains(routes);
  let host = (args.host ?? args["local-upstream"]) || config.dev?.host;
  if (!host && routes.length) {
    host = hostOfRoute(routes[0]!);
    if (host === undefined) {
      const { file, snippet } = devHostSnippet(configPath);
      throw new UserError(
        layoutNotes(
          `Cannot infer host from first route: ${JSON.stringify(routes[0])}.\n` +
            `You can explicitly set the \`dev.host\` configuration in your ${file} file, for example:\n\n\t\`\`\`\n\t${snippet}\n\t\`\`\`\n`,
        ),
      );
    }
  }
  const local = args["local-protocol"] ?? config.dev?.local_protocol ?? "http";
  const protocol = args["upstream-protocol"] ?? config.dev?.upstream_protocol ?? local;
  // Nothing to rewrite: the common case costs no work per request.
  if (!host && protocol === local) return undefined;
  return { protocol: protocol === "https" ? "https:" : "http:", host };
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
  if (upstream.host) {
    // The upstream's port, or none: never the local one.
    inner.port = "";
    inner.host = upstream.host;
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
