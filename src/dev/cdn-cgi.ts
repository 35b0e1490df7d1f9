// The dev server's own /cdn-cgi endpoints (the Local Explorer, Stream's watch URLs) answer
// only requests that name this machine.

const LOCAL_HOSTNAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * As wrangler checks /cdn-cgi requests: the Host and any Origin must name this
 * machine, so a web page elsewhere (or DNS rebinding to 127.0.0.1) can neither
 * read nor change local data through the browser.
 */
export function foreignHostOrOrigin(request: Request): string | undefined {
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
