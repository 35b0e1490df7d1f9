// Static assets (`assets = { directory = "./public" }`), served the way
// wrangler dev serves them: before the worker for GET/HEAD, with its
// html_handling redirects and not_found_handling, and as `env.ASSETS`.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { AssetsConfig } from "./config.ts";

export interface Assets {
  /** The asset answering this request, or undefined to let the worker answer. */
  match(request: Request): Response | undefined;
  /** `env.ASSETS.fetch()`: the asset, or a 404 when there is none. */
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>;
}

const CACHE_CONTROL = "public, max-age=0, must-revalidate";

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function contentType(file: string): string {
  const type = (Bun.file(file).type || "application/octet-stream").split(";")[0]!;
  const textual = type.startsWith("text/") || /javascript|json|xml|svg/.test(type);
  return textual ? `${type}; charset=utf-8` : type;
}

const redirect = (location: string) => new Response(null, { status: 307, headers: { Location: location } });

export function createAssets(directory: string, config: AssetsConfig = {}): Assets {
  const root = path.resolve(directory);
  const htmlHandling = config.html_handling ?? "auto-trailing-slash";
  const notFound = config.not_found_handling ?? "none";
  const fileFor = (pathname: string): string | undefined => {
    const file = path.join(root, pathname);
    // Never outside the directory, whatever the path says.
    if (file !== root && !file.startsWith(root + path.sep)) return undefined;
    return isFile(file) ? file : undefined;
  };

  const serve = (request: Request, file: string, status = 200): Response => {
    const body = readFileSync(file);
    const etag = `"${new Bun.CryptoHasher("sha256").update(body).update(path.extname(file)).digest("hex").slice(0, 32)}"`;
    const headers = { "Content-Type": contentType(file), "Cache-Control": CACHE_CONTROL, ETag: etag, "CF-Cache-Status": "HIT" };
    if (status === 200 && request.headers.get("if-none-match") === etag) return new Response(null, { status: 304, headers });
    return new Response(request.method === "HEAD" ? null : body, { status, headers });
  };

  /** Resolve a path to a file to serve or a redirect, per html_handling. */
  const resolve = (pathname: string): { file: string } | { redirect: string } | undefined => {
    if (htmlHandling === "none") {
      const file = fileFor(pathname);
      return file ? { file } : undefined;
    }
    if (pathname.endsWith("/index.html") && fileFor(pathname)) return { redirect: pathname.slice(0, -"index.html".length) };
    if (pathname.endsWith(".html") && fileFor(pathname)) {
      const bare = pathname.slice(0, -".html".length);
      return htmlHandling === "force-trailing-slash" ? { redirect: `${bare}/` } : { redirect: bare };
    }
    if (pathname.endsWith("/")) {
      const index = fileFor(`${pathname}index.html`);
      if (index) return htmlHandling === "drop-trailing-slash" && pathname !== "/" ? { redirect: pathname.slice(0, -1) } : { file: index };
      const sibling = pathname !== "/" && fileFor(`${pathname.slice(0, -1)}.html`);
      if (sibling) return htmlHandling === "force-trailing-slash" ? { file: sibling } : { redirect: pathname.slice(0, -1) };
      return undefined;
    }
    const exact = fileFor(pathname);
    if (exact) return { file: exact };
    const html = fileFor(`${pathname}.html`);
    if (html) return htmlHandling === "force-trailing-slash" ? { redirect: `${pathname}/` } : { file: html };
    const index = fileFor(`${pathname}/index.html`);
    if (index) return htmlHandling === "drop-trailing-slash" ? { file: index } : { redirect: `${pathname}/` };
    return undefined;
  };

  const notFoundResponse = (request: Request, pathname: string): Response | undefined => {
    if (notFound === "single-page-application") {
      const index = fileFor("/index.html");
      if (index) return serve(request, index);
    }
    if (notFound === "404-page") {
      for (let dir = path.posix.dirname(pathname); ; dir = path.posix.dirname(dir)) {
        const page = fileFor(path.posix.join(dir, "404.html"));
        if (page) return serve(request, page, 404);
        if (dir === "/" || dir === ".") break;
      }
    }
    return undefined;
  };

  const match = (request: Request): Response | undefined => {
    let pathname: string;
    try {
      pathname = decodeURIComponent(new URL(request.url).pathname);
    } catch {
      return undefined;
    }
    const found = resolve(pathname);
    // An asset answers only GET and HEAD; other methods on its path are refused, not passed on.
    if (request.method !== "GET" && request.method !== "HEAD") return found ? new Response(null, { status: 405 }) : undefined;
    if (found && "redirect" in found) return redirect(found.redirect + new URL(request.url).search);
    if (found) return serve(request, found.file);
    return notFoundResponse(request, pathname);
  };

  return {
    match,
    async fetch(input, init) {
      const request = typeof input === "string" || input instanceof URL ? new Request(String(input), init) : new Request(input, init);
      return match(request) ?? new Response(null, { status: 404 });
    },
  };
}
