// The dev server's /cdn-cgi/ paths answer only requests that name this machine.

import { plainText } from "./encoding.ts";

// As wrangler: these names exactly (any port); not *.localhost, the LAN address under
// --ip 0.0.0.0, a route's host nor --host's.
const LOCAL_HOSTNAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * As wrangler checks every request under /cdn-cgi/ (its own endpoints and the worker's
 * alike): the Host and any Origin must name this machine, so a web page elsewhere (or DNS
 * rebinding to 127.0.0.1) can neither read nor change local data through the browser.
 * The 403 to answer, or undefined.
 */
export function refuseForeign(request: Request): Response | undefined {
  const host = request.headers.get("host");
  // An empty Origin is no Origin to wrangler.
  const origin = request.headers.get("origin");
  const problem =
    host !== null && !isLocal(`http://${host}`) ? "Invalid Host header" : origin && !isLocal(origin) ? "Invalid Origin header" : undefined;
  // Answered before any encoding, as wrangler's (whose reason phrase is the message: Bun.serve sends only the standard one).
  return problem === undefined ? undefined : plainText(problem, 403);
}

/** URL parsing normalises the name as wrangler's check sees it (case, 127.1, [0:0::1]). */
function isLocal(url: string): boolean {
  try {
    return LOCAL_HOSTNAMES.has(new URL(url).hostname);
  } catch {
    return false;
  }
}
