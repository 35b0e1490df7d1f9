// Static assets (`assets = { directory = "./public" }`), served the way
// wrangler dev's asset worker serves them: `_redirects` first, then the file
// (html_handling decides which and when to redirect), not_found_handling,
// `_headers` on every answer, `.assetsignore` hiding files; in front of the
// worker per run_worker_first, and as `env.ASSETS`.
import { closeSync, openSync, readFileSync, readSync, statSync, watch, type FSWatcher } from "node:fs";
import path from "node:path";
import type { AssetsConfig } from "./config.ts";
import { contentTypeOf } from "./content-type.ts";
import { fetchThroughBinding } from "../fetcher.ts";
import { DEFAULT_CACHE_CONTROL } from "./limits.ts";
import { compileHeaders, compileRedirects, describeParse, ignoreMatcher, parseHeaders, parseRedirects, redirectHints, type Headers_, type Redirects } from "./rules.ts";

export interface Assets {
  /**
   * The asset server's answer to a request reaching the dev server, or undefined
   * when the worker answers it (run_worker_first, or no asset and a worker to ask).
   */
  match(request: Request): Response | undefined;
  /** `env.ASSETS.fetch()`: the asset server's answer, whatever run_worker_first says. */
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>;
  /** Re-reads `_headers`, `_redirects` and `.assetsignore` (done on change when watching). */
  reload(): void;
  close(): void;
}

export interface AssetsOptions {
  /** False for an assets-only project: every request is the asset server's, a miss is its 404. */
  hasWorker?: boolean;
  compatibilityDate?: string;
  compatibilityFlags?: string[];
  /** Where wrangler's lines about parsed rules go; none are printed without it. */
  log?(level: "info" | "warn", text: string): void;
  /** Re-read the rule files when they change. */
  watch?: boolean;
  /**
   * Serve as `wrangler pages dev` does (Pages' asset server): its own html handling with 308
   * redirects, the nearest 404.html or else index.html for a miss, Pages' extra headers, and
   * `_worker.js` never served. With a worker, `_routes.json` (in the directory, re-read on
   * change) says which paths the worker gets; without one, all of them.
   */
  pages?: boolean;
}

/** `_routes.json`'s include / exclude rules as globs over the pathname (`*` matches anything). */
interface PagesRoutes {
  include: RegExp[];
  exclude: RegExp[];
}

const RULE_FILES = new Set(["_headers", "_redirects", ".assetsignore", "_routes.json"]);
// One watcher per directory: a config reload builds new Assets, whose watcher replaces the old.
const watchers = new Map<string, FSWatcher>();

const NO_INTENT = Symbol("no intent");

type Intent = { file: string; status: 200 | 404 } | { redirect: string };

/** Each segment decoded (one that does not decode stays as is), repeated slashes folded. */
function decodePath(pathname: string): string {
  return pathname
    .split("/")
    .map((segment) => {
      try {
        return decodeURIComponent(segment);
      } catch {
        return segment;
      }
    })
    .join("/")
    .replace(/\/+/g, "/");
}

const encodePath = (pathname: string) => pathname.split("/").map((segment) => encodeURIComponent(segment)).join("/");

const empty = (status: number, headers?: Record<string, string> | Headers) => new Response(null, { status, headers });

/** The asset's ETag: wrangler dev hashes the file's path and mtime, so a change is a new tag without reading it. */
const etags = new Map<string, { mtime: number; tag: string }>();
function etagOf(file: string, mtime: number): string {
  const known = etags.get(file);
  if (known?.mtime === mtime) return known.tag;
  const tag = new Bun.CryptoHasher("sha256").update(file + String(mtime)).digest("hex").slice(0, 32);
  etags.set(file, { mtime, tag });
  return tag;
}

/** One `bytes=` range of a file of `size` bytes: [start, end] inclusive, "unsatisfiable", or undefined to send it whole. */
function rangeOf(header: string | null, size: number): [number, number] | "unsatisfiable" | undefined {
  const found = header && /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!found || (found[1] === "" && found[2] === "")) return undefined;
  let start: number;
  let end: number;
  if (found[1] === "") {
    start = Math.max(0, size - Number(found[2]));
    end = size - 1;
  } else {
    start = Number(found[1]);
    end = found[2] === "" ? size - 1 : Math.min(Number(found[2]), size - 1);
  }
  if (start >= size || start > end) return "unsatisfiable";
  return [start, end];
}

const SMALL_FILE_BYTES = 256 * 1024;

/**
 * A file's bytes [start, end) as a response body. Never a Bun.file: Bun.serve adds
 * Content-Disposition (and Content-Type, Content-Range) to those, which the platform does not.
 * Small files are read at once (with a Content-Length); larger ones stream from the file.
 */
function fileBody(file: string, start: number, end: number, typed: boolean): Uint8Array | ReadableStream<Uint8Array> {
  if (end - start <= SMALL_FILE_BYTES) {
    const bytes = new Uint8Array(end - start);
    const fd = openSync(file, "r");
    try {
      readSync(fd, bytes, 0, bytes.byteLength, start);
    } finally {
      closeSync(fd);
    }
    // A bytes body without a Content-Type would be sent as application/octet-stream.
    return typed ? bytes : new ReadableStream({ start: (controller) => (controller.enqueue(bytes), controller.close()) });
  }
  let position = start;
  let fd: number | undefined;
  const close = () => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      fd ??= openSync(file, "r");
      const chunk = new Uint8Array(Math.min(SMALL_FILE_BYTES, end - position));
      const read = chunk.byteLength ? readSync(fd, chunk, 0, chunk.byteLength, position) : 0;
      position += read;
      if (read) controller.enqueue(read === chunk.byteLength ? chunk : chunk.subarray(0, read));
      if (!read || position >= end) {
        close();
        controller.close();
      }
    },
    cancel: close,
  });
}

export function createAssets(directory: string, config: AssetsConfig = {}, options: AssetsOptions = {}): Assets {
  const root = path.resolve(directory);
  const htmlHandling = config.html_handling ?? "auto-trailing-slash";
  const notFound = config.not_found_handling ?? "none";
  const hasWorker = options.hasWorker ?? true;
  const workerFirst = config.run_worker_first;
  const staticRouting = Array.isArray(workerFirst);
  /** A rule's text as a pattern: `*` matches anything, the rest literally. */
  const pattern = (text: string) => text.split("*").map((part) => part.replace(/[-/\\^$*+?.()|[\]{}]/g, "\\$&")).join(".*");
  const globs = (rules: string[]) => rules.map((rule) => new RegExp(`^${pattern(rule)}$`));
  // Pages' routes: `/api/*` covers `/api` itself, and a rule matches its path with a trailing slash too.
  const routeGlobs = (rules: string[]) =>
    rules.map((rule) =>
      rule.endsWith("/*") ? new RegExp(`^${pattern(rule.slice(0, -2))}(?:/.*)?$`) : new RegExp(`^${pattern(rule)}${rule.endsWith("/") ? "" : "/?"}$`),
    );
  const assetRoutes = staticRouting ? globs(workerFirst.filter((rule) => rule.startsWith("!")).map((rule) => rule.slice(1))) : [];
  const workerRoutes = staticRouting ? globs(workerFirst.filter((rule) => !rule.startsWith("!"))) : [];
  // From 2025-04-01, a browser navigation (Sec-Fetch-Mode: navigate) gets not_found_handling even with a worker.
  const flags = options.compatibilityFlags ?? [];
  const navigationPrefersAssets =
    flags.includes("assets_navigation_prefers_asset_serving") ||
    ((options.compatibilityDate ?? "") >= "2025-04-01" && !flags.includes("assets_navigation_has_no_effect"));

  let headerRules: Headers_ = compileHeaders([]);
  let redirects: Redirects = compileRedirects([]);
  let ignored: (relative: string) => boolean = () => false;
  let pagesRoutes: PagesRoutes | undefined;

  const readRules = () => {
    const read = (name: string) => {
      try {
        return readFileSync(path.join(root, name), "utf8");
      } catch {
        return undefined;
      }
    };
    const shown = (name: string) => path.relative(process.cwd(), path.join(root, name));
    const redirectsText = read("_redirects");
    if (redirectsText !== undefined) {
      const parsed = parseRedirects(redirectsText, htmlHandling);
      for (const { level, text } of describeParse("redirect", parsed, shown("_redirects"))) options.log?.(level, text);
      for (const hint of redirectHints(parsed.rules)) options.log?.("info", hint);
      redirects = compileRedirects(parsed.rules);
    } else redirects = compileRedirects([]);
    const headersText = read("_headers");
    if (headersText !== undefined) {
      const parsed = parseHeaders(headersText);
      for (const { level, text } of describeParse("header", parsed, shown("_headers"))) options.log?.(level, text);
      headerRules = compileHeaders(parsed.rules);
    } else headerRules = compileHeaders([]);
    ignored = ignoreMatcher(options.pages ? "/_worker.js" : read(".assetsignore"));
    pagesRoutes = undefined;
    const routesText = options.pages && hasWorker ? read("_routes.json") : undefined;
    if (routesText !== undefined) {
      try {
        const parsed = JSON.parse(routesText) as { include?: unknown; exclude?: unknown };
        const list = (value: unknown) => (Array.isArray(value) ? value.filter((rule): rule is string => typeof rule === "string") : []);
        pagesRoutes = { include: routeGlobs(list(parsed.include)), exclude: routeGlobs(list(parsed.exclude)) };
      } catch {
        options.log?.("warn", `Ignoring ${shown("_routes.json")}: it is not valid JSON.`);
      }
    }
  };
  readRules();

  if (options.watch) {
    watchers.get(root)?.close();
    try {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const watcher = watch(root, (_event, name) => {
        if (!name || !RULE_FILES.has(String(name))) return;
        clearTimeout(timer);
        // An editor's write + rename is one change.
        timer = setTimeout(readRules, 20);
      });
      watcher.unref();
      watchers.set(root, watcher);
    } catch {
      // A directory that cannot be watched keeps the rules read at start.
    }
  }

  /** The file a decoded path names: a regular file inside the directory, not ignored. */
  const fileFor = (pathname: string): string | undefined => {
    const relative = pathname.replace(/^\/+/, "");
    if (!relative || relative.includes("\0") || relative.includes("\\")) return undefined;
    if (relative.split("/").some((segment) => segment === ".." || segment === "." || segment === "")) return undefined;
    const file = path.join(root, relative);
    if (!file.startsWith(root + path.sep)) return undefined;
    try {
      if (!statSync(file).isFile()) return undefined;
    } catch {
      return undefined;
    }
    return ignored(relative) ? undefined : file;
  };

  /** not_found_handling's answer for a path nothing else matched. */
  const notFoundIntent = (pathname: string, mode: string): Intent | undefined => {
    if (mode === "single-page-application") {
      const index = fileFor("/index.html");
      return index ? { file: index, status: 200 } : undefined;
    }
    if (mode === "404-page") {
      for (let dir = pathname; dir; ) {
        dir = dir.slice(0, dir.lastIndexOf("/"));
        const page = fileFor(`${dir}/404.html`);
        if (page) return { file: page, status: 404 };
      }
    }
    return undefined;
  };

  /**
   * Which file or redirect a decoded path resolves to under html_handling, then
   * not_found_handling, step for step as the asset worker decides. A redirect is
   * only ever "safe": to a path that is not itself a file and resolves back to the
   * very file the request named (so following it cannot loop or change content).
   */
  const intentFor = (p: string, notFoundMode: string, skipRedirects = false): Intent | undefined => {
    const exact = fileFor(p);
    const asset = (file: string | undefined): Intent | undefined => (file ? { file, status: 200 } : undefined);
    const safe = (file: string, destination: string): Intent | undefined => {
      if (skipRedirects || fileFor(destination)) return undefined;
      const target = intentFor(destination, notFoundMode, true);
      const named = fileFor(file);
      return named && target && "file" in target && target.file === named ? { redirect: destination } : undefined;
    };
    const first = (...steps: (() => Intent | undefined)[]) => {
      for (const step of steps) {
        const found = step();
        if (found) return found;
      }
      return undefined;
    };
    let found: Intent | undefined;
    switch (htmlHandling) {
      case "none":
        return asset(exact) ?? notFoundIntent(p, notFoundMode);
      case "force-trailing-slash":
        if (p.endsWith("/index")) {
          found = first(() => asset(exact), () => safe(`${p}.html`, p.slice(0, -5)), () => safe(`${p.slice(0, -6)}.html`, p.slice(0, -5)));
        } else if (p.endsWith("/index.html")) {
          found = first(() => safe(p, p.slice(0, -10)), () => safe(`${p.slice(0, -11)}.html`, p.slice(0, -10)));
        } else if (p.endsWith("/")) {
          found = first(() => asset(fileFor(`${p}index.html`)), () => asset(fileFor(`${p.slice(0, -1)}.html`)));
        } else if (p.endsWith(".html")) {
          const bare = p.slice(0, -5);
          found = first(() => safe(p, `${bare}/`), () => asset(exact), () => safe(`${bare}/index.html`, `${bare}/`));
        }
        return (
          found ??
          first(() => asset(exact), () => safe(`${p}.html`, `${p}/`), () => safe(`${p}/index.html`, `${p}/`)) ??
          notFoundIntent(p, notFoundMode)
        );
      case "drop-trailing-slash":
        if (p.endsWith("/index")) {
          found = first(
            () => asset(exact),
            ...(p === "/index"
              ? [() => safe("/index.html", "/")]
              : [() => safe(`${p.slice(0, -6)}.html`, p.slice(0, -6)), () => safe(`${p}.html`, p.slice(0, -6))]),
          );
        } else if (p.endsWith("/index.html")) {
          found =
            p === "/index.html"
              ? safe("/index.html", "/")
              : first(() => safe(p, p.slice(0, -11)), () => asset(exact), () => safe(`${p.slice(0, -11)}.html`, p.slice(0, -11)));
        } else if (p.endsWith("/")) {
          found =
            p === "/"
              ? asset(fileFor("/index.html"))
              : first(() => safe(`${p.slice(0, -1)}.html`, p.slice(0, -1)), () => safe(`${p.slice(0, -1)}/index.html`, p.slice(0, -1)));
        } else if (p.endsWith(".html")) {
          found = first(() => safe(p, p.slice(0, -5)), () => safe(`${p.slice(0, -5)}/index.html`, p.slice(0, -5)));
        }
        return (
          found ??
          first(() => asset(exact), () => asset(fileFor(`${p}.html`)), () => asset(fileFor(`${p}/index.html`))) ??
          notFoundIntent(p, notFoundMode)
        );
      default:
        // auto-trailing-slash
        if (p.endsWith("/index")) {
          found = first(() => asset(exact), () => safe(`${p}.html`, p.slice(0, -5)), () => safe(`${p.slice(0, -6)}.html`, p.slice(0, -6)));
        } else if (p.endsWith("/index.html")) {
          found = first(() => safe(p, p.slice(0, -10)), () => safe(`${p.slice(0, -11)}.html`, p.slice(0, -11)));
        } else if (p.endsWith("/")) {
          found = first(() => asset(fileFor(`${p}index.html`)), () => safe(`${p.slice(0, -1)}.html`, p.slice(0, -1)));
        } else if (p.endsWith(".html")) {
          found = first(() => safe(p, p.slice(0, -5)), () => safe(`${p.slice(0, -5)}/index.html`, `${p.slice(0, -5)}/`));
        }
        return (
          found ??
          first(() => asset(exact), () => asset(fileFor(`${p}.html`)), () => safe(`${p}/index.html`, `${p}/`)) ??
          notFoundIntent(p, notFoundMode)
        );
    }
  };

  const serve = (request: Request, file: string, status: number): Response => {
    const stat = statSync(file);
    const tag = `"${etagOf(file, stat.mtimeMs)}"`;
    const headers = new Headers({ ETag: tag });
    const type = contentTypeOf(file);
    if (type) headers.set("Content-Type", type);
    const range = request.headers.get("range");
    // As the platform: no browser caching of answers to authorised or partial requests.
    if (!request.headers.has("authorization") && range === null) headers.set("Cache-Control", DEFAULT_CACHE_CONTROL);
    headers.set("CF-Cache-Status", "HIT");
    const ifNoneMatch = request.headers.get("if-none-match");
    if (ifNoneMatch === tag || ifNoneMatch === `W/${tag}`) return empty(304, headers);
    const head = request.method.toUpperCase() === "HEAD";
    const body = (start: number, end: number) => (head ? null : fileBody(file, start, end, type !== undefined));
    // Ranges are served as Cloudflare's edge serves them (wrangler dev sends the whole file).
    const wanted = status === 200 ? rangeOf(range, stat.size) : undefined;
    if (wanted === "unsatisfiable") {
      headers.set("Content-Range", `bytes */${stat.size}`);
      return empty(416, headers);
    }
    if (wanted) {
      headers.set("Content-Range", `bytes ${wanted[0]}-${wanted[1]}/${stat.size}`);
      return new Response(body(wanted[0], wanted[1] + 1), { status: 206, headers });
    }
    return new Response(body(0, stat.size), { status, headers });
  };

  /** The asset server's answer before `_headers`, or NO_INTENT when it has nothing for this path. */
  const respond = (request: Request, url: URL, notFoundMode: string): Response | typeof NO_INTENT => {
    let pathname = url.pathname;
    let proxied = false;
    const redirect = redirects.match(url);
    if (redirect?.status === 200) {
      pathname = new URL(redirect.to, url).pathname;
      proxied = true;
    } else if (redirect) {
      const destination = new URL(redirect.to, url);
      const search = destination.search || url.search;
      const location =
        destination.origin === url.origin
          ? `${destination.pathname}${search}${destination.hash}`
          : `${destination.href.slice(0, destination.href.length - destination.search.length - destination.hash.length)}${search}${destination.hash}`;
      return empty(redirect.status, { Location: location });
    }
    const decoded = decodePath(pathname);
    const intent = intentFor(decoded, notFoundMode);
    if (!intent) return proxied ? empty(404) : NO_INTENT;
    const method = request.method.toUpperCase();
    if (method !== "GET" && method !== "HEAD") return empty(405);
    // A path spelled differently from its file's canonical encoding is redirected to that spelling.
    const destination = encodePath("redirect" in intent ? intent.redirect : decoded);
    if ("redirect" in intent || destination !== pathname) return empty(307, { Location: destination + url.search });
    return serve(request, intent.file, intent.status);
  };

  const handle = (request: Request, url: URL, notFoundMode: string): Response => {
    const answer = respond(request, url, notFoundMode);
    const response = answer === NO_INTENT ? empty(404) : answer;
    headerRules.apply(url, response.headers);
    return response;
  };

  const matchesAny = (routes: RegExp[], pathname: string) => routes.some((route) => route.test(pathname));

  // --- Pages' asset server (wrangler pages dev) ---
  const pagesFile = (pathname: string) => fileFor(pathname);
  /** A found file as Pages serves it: ETag, type, x-server-env, and the browser Cache-Control when cacheable. */
  const pagesServe = (request: Request, file: string): Response => {
    const stat = statSync(file);
    const tag = `"${etagOf(file, stat.mtimeMs)}"`;
    const ifNoneMatch = request.headers.get("if-none-match");
    if (ifNoneMatch === tag || ifNoneMatch === `W/${tag}`) return empty(304);
    const type = contentTypeOf(file) ?? "application/octet-stream";
    const headers = new Headers({ ETag: tag, "Content-Type": type, "x-server-env": "dev" });
    if (!request.headers.has("authorization") && !request.headers.has("range")) headers.set("Cache-Control", DEFAULT_CACHE_CONTROL);
    const head = request.method.toUpperCase() === "HEAD";
    return new Response(head ? null : fileBody(file, 0, stat.size, true), { status: 200, headers });
  };
  const permanent = (location: string) => empty(308, { Location: location });
  /** Pages' miss: the nearest 404.html up the path (status 404), else index.html (a single-page app), else an empty 404. */
  const pagesNotFound = (request: Request, pathname: string): Response => {
    for (let dir = pathname; dir; ) {
      dir = dir.slice(0, dir.lastIndexOf("/"));
      const page = pagesFile(`${dir}/404.html`);
      if (page) {
        const head = request.method.toUpperCase() === "HEAD";
        return new Response(head ? null : fileBody(page, 0, statSync(page).size, true), {
          status: 404,
          headers: { "Content-Type": contentTypeOf(page) ?? "application/octet-stream", "Cache-Control": "no-store" },
        });
      }
    }
    const index = pagesFile("/index.html");
    return index ? pagesServe(request, index) : empty(404, { "Cache-Control": "no-store" });
  };
  const pagesRespond = (request: Request, url: URL): Response => {
    const search = url.search;
    const redirect = redirects.match(url);
    let pathname = url.pathname;
    if (redirect?.status === 200) {
      pathname = new URL(redirect.to, url).pathname;
    } else if (redirect) {
      const destination = new URL(redirect.to, url);
      const query = destination.search || search;
      const location = (
        destination.origin === url.origin
          ? `${destination.pathname}${query}${destination.hash}`
          : `${destination.href.slice(0, destination.href.length - destination.search.length - destination.hash.length)}${query}${destination.hash}`
      ).replace(/^(\/|%2F|%2f|%5C|%5c|%09|\s|\\)+(.*)/, "/$2");
      // Pages' redirects say where they go in a text body, all but 308.
      if (redirect.status === 308) return permanent(location);
      return new Response(`Redirecting to ${location}`, { status: redirect.status, headers: { Location: location } });
    }
    if (!/^(get|head)$/i.test(request.method)) return empty(405);
    try {
      pathname = decodeURIComponent(pathname);
    } catch {
      // Served as spelled.
    }
    let file: string | undefined;
    if (pathname.endsWith("/")) {
      if ((file = pagesFile(`${pathname}index.html`))) return pagesServe(request, file);
      if (pathname.endsWith("/index/")) return permanent(`/${pathname.slice(1, -"index/".length)}${search}`);
      if (pagesFile(`${pathname.slice(0, -1)}.html`)) return permanent(`/${pathname.slice(1, -1)}${search}`);
      return pagesNotFound(request, pathname);
    }
    if ((file = pagesFile(pathname))) {
      if (!pathname.endsWith(".html")) return pagesServe(request, file);
      const bare = pathname.slice(0, -".html".length);
      if (bare.endsWith("/index")) return permanent(`${bare.slice(0, -"index".length)}${search}`);
      if (bare === "/" || pagesFile(bare)) return pagesServe(request, file);
      return permanent(`${bare}${search}`);
    }
    if (pathname.endsWith("/index")) return permanent(`/${pathname.slice(1, -"index".length)}${search}`);
    if ((file = pagesFile(`${pathname}.html`))) return pagesServe(request, file);
    if (/\/.+\.[a-z0-9]+$/i.test(pathname)) return pagesNotFound(request, pathname);
    if (pagesFile(`${pathname}/index.html`)) return permanent(`${pathname}/${search}`);
    return pagesNotFound(request, pathname);
  };
  /** Pages' answer with its extra headers, then `_headers` (a null-body status keeps no body). */
  const pagesHandle = (request: Request, url: URL): Response => {
    const response = pagesRespond(request, url);
    const headers = response.headers;
    headers.set("Access-Control-Allow-Origin", "*");
    headers.set("referrer-policy", "strict-origin-when-cross-origin");
    if (headers.has("content-type")) headers.set("x-content-type-options", "nosniff");
    headerRules.apply(url, headers);
    return response;
  };

  return {
    match(request) {
      const url = new URL(request.url);
      if (options.pages) {
        // The worker gets every path `_routes.json` includes and does not exclude (all, without the file).
        if (!hasWorker) return pagesHandle(request, url);
        if (!pagesRoutes) return undefined;
        const toWorker = matchesAny(pagesRoutes.include, url.pathname) && !matchesAny(pagesRoutes.exclude, url.pathname);
        return toWorker ? undefined : pagesHandle(request, url);
      }
      if (!hasWorker) return handle(request, url, notFound);
      if (workerFirst === true) return undefined;
      if (staticRouting) {
        if (matchesAny(assetRoutes, url.pathname)) return handle(request, url, notFound);
        if (matchesAny(workerRoutes, url.pathname)) return undefined;
      }
      // With a worker, a miss is the worker's unless routes or a navigation ask for not_found_handling.
      const navigation = navigationPrefersAssets && request.headers.get("sec-fetch-mode") === "navigate";
      const answer = respond(request, url, staticRouting || navigation ? notFound : "none");
      if (answer === NO_INTENT) return undefined;
      headerRules.apply(url, answer.headers);
      return answer;
    },
    async fetch(input, init) {
      const request = typeof input === "string" || input instanceof URL ? new Request(String(input), init) : init ? new Request(input, init) : input;
      return fetchThroughBinding(request, (next) => (options.pages ? pagesHandle(next, new URL(next.url)) : handle(next, new URL(next.url), notFound)));
    },
    reload: readRules,
    close() {
      const watcher = watchers.get(root);
      if (watcher) {
        watcher.close();
        watchers.delete(root);
      }
    },
  };
}
