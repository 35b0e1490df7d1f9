// Pages Functions: a `functions/` directory compiled into one Worker entry, as `wrangler pages dev`
// and `wrangler pages functions build` do. This half runs at build time: it finds the route files
// and what they export, names their routes, orders them, and writes a tiny entry module that hands
// the table to runtime/pages/router.ts (the request-time half). The entry is then bundled with
// esbuild like any worker's `main`, with an `ASSETS` binding behind the end of the chain.
import { mkdir, readdir, writeFile } from "node:fs/promises";
import path from "node:path";
import * as esbuild from "esbuild";
import { UserError } from "../errors.ts";
import { displayDirectory } from "./dev.ts";

export const PAGES_ROUTER = path.resolve(import.meta.dir, "../../runtime/pages/router.ts");

/** The file name the entry is written under, inside `outDir`. */
export const FUNCTIONS_ENTRY_NAME = "pagesFunctionsEntry.mjs";

/** One route: a path-to-regexp (v6) route and mount path, a method ("" = any), and `file:export` references. */
export interface FunctionsRoute {
  routePath: string;
  mountPath: string;
  method: string;
  middleware?: string[];
  module?: string[];
}

/** The functions directory holds no route (no file exports an `onRequest*`). */
export class FunctionsNoRoutesError extends UserError {
  constructor(readonly directory: string) {
    super(`No routes found when building Functions directory: ${directory}`);
    this.name = "FunctionsNoRoutesError";
  }
}

/**
 * A route file failed to build or is badly named. The message is `pages dev`'s ("Failed to build
 * Functions at ./functions."); `detail` is what went wrong (esbuild's message, or the route
 * parameter error), which `pages functions build` reports instead. esbuild's own diagnostics have
 * already been printed on stderr, as wrangler's esbuild prints them.
 */
export class FunctionsBuildError extends UserError {
  constructor(
    readonly directory: string,
    readonly detail: string,
  ) {
    super(`Failed to build Functions at ${directory}.`);
    this.name = "FunctionsBuildError";
  }
}

const ROUTE_FILE = /^\.(mjs|js|ts|tsx|jsx)$/;
const HANDLER_EXPORT = /^onRequest(Get|Post|Put|Patch|Delete|Options|Head)?$/;
const PARAM_NAME = /^[A-Za-z0-9_]+$/;

/** Every file under `dir`, breadth first (a directory's files before its subdirectories'), in name order. */
async function routeFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  const queue = [dir];
  while (queue.length) {
    const current = queue.shift()!;
    const entries = (await readdir(current, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) queue.push(full);
      else if (entry.isFile() && ROUTE_FILE.test(path.extname(entry.name))) files.push(full);
    }
  }
  return files;
}

/** `[[name]]` → `:name*`, `[name]` → `:name`, in wrangler's words when a name is not a path-to-regexp one. */
function convertParams(routePath: string): string {
  return routePath
    .replace(/\[\[([^\]]+)\]\]/g, (_, name: string) => {
      if (!PARAM_NAME.test(name)) throw new Error(`Invalid Pages function route parameter - "[[${name}]]". Parameters names must only contain alphanumeric and underscore characters.`);
      return `:${name}*`;
    })
    .replace(/\[([^\]]+)\]/g, (_, name: string) => {
      if (!PARAM_NAME.test(name)) throw new Error(`Invalid Pages function route parameter - "[${name}]". Parameter names must only contain alphanumeric and underscore characters.`);
      return `:${name}`;
    });
}

/**
 * The names each file exports, read by esbuild's metafile as wrangler reads them: one build for
 * all files; when that fails, file by file in wrangler's order, so that only the first file that
 * does not build is reported (esbuild prints its diagnostics on stderr) and its error thrown.
 */
async function exportsOf(files: string[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  if (files.length === 0) return result;
  const scan = (entryPoints: string[], logLevel: esbuild.LogLevel) =>
    esbuild.build({ entryPoints, bundle: false, write: false, metafile: true, outdir: "/bunflare-pages-functions-scan", outbase: "/", logLevel });
  let outputs: esbuild.Metafile["outputs"];
  try {
    outputs = (await scan(files, "silent")).metafile.outputs;
  } catch {
    outputs = {};
    for (const file of files) Object.assign(outputs, (await scan([file], "error")).metafile.outputs);
  }
  for (const output of Object.values(outputs)) {
    if (output.entryPoint) result.set(path.resolve(output.entryPoint), output.exports);
  }
  return result;
}

function compareRoutes(a: FunctionsRoute, b: FunctionsRoute): number {
  const segments = (routePath: string) => routePath.slice(1).split("/").filter(Boolean);
  const left = segments(a.routePath);
  const right = segments(b.routePath);
  // More segments first; then, segment by segment, literal before parameter before catch-all.
  if (left.length !== right.length) return right.length - left.length;
  for (let i = 0; i < left.length; i++) {
    const wildA = left[i]!.includes("*");
    const wildB = right[i]!.includes("*");
    if (wildA !== wildB) return wildA ? 1 : -1;
    const paramA = left[i]!.includes(":");
    const paramB = right[i]!.includes(":");
    if (paramA !== paramB) return paramA ? 1 : -1;
  }
  // A route for one method before one for every method; then by path.
  if (a.method && !b.method) return -1;
  if (!a.method && b.method) return 1;
  return a.routePath.localeCompare(b.routePath);
}

/**
 * The routes of a functions directory, most specific first, as wrangler's file-path routing names
 * them: `index` is its directory's path, `_middleware` runs for its directory and below, `[name]`
 * is one segment and `[[name]]` any number. A file exporting no `onRequest*` makes no route; two
 * files naming the same route and method merge, the later one (breadth first, in name order)
 * replacing the other's handlers.
 */
export async function functionsRoutes(functionsDir: string): Promise<FunctionsRoute[]> {
  const baseDir = path.resolve(functionsDir);

  const files = await routeFiles(baseDir);
  let exported: Map<string, string[]>;
  try {
    exported = await exportsOf(files);
  } catch (error) {
    throw new FunctionsBuildError(displayDirectory(functionsDir), error instanceof Error ? error.message : String(error));
  }

  const found: FunctionsRoute[] = [];
  for (const file of files) {
    const ext = path.extname(file);
    const base = path.basename(file).slice(0, -ext.length);
    const isIndex = base === "index";
    const isMiddleware = base === "_middleware" || base === "_middleware_";
    const relative = path.relative(baseDir, file).split(path.sep).join("/");
    for (const name of exported.get(file) ?? []) {
      const handler = HANDLER_EXPORT.exec(name);
      if (!handler) continue;
      let routePath = relative.slice(0, -ext.length);
      let mountPath = path.posix.dirname(routePath);
      if (isIndex || isMiddleware) routePath = path.posix.dirname(routePath);
      if (routePath === ".") routePath = "";
      if (mountPath === ".") mountPath = "";
      try {
        routePath = convertParams(`/${routePath}`);
        mountPath = convertParams(`/${mountPath}`);
      } catch (error) {
        throw new FunctionsBuildError(displayDirectory(functionsDir), (error as Error).message);
      }
      found.push({
        routePath,
        mountPath,
        method: (handler[1] ?? "").toUpperCase(),
        [isMiddleware ? "middleware" : "module"]: [`${relative}:${name}`],
      });
    }
  }

  // One entry per route and method: an index file and its directory's middleware share one.
  const routes: FunctionsRoute[] = [];
  for (const route of found) {
    const same = routes.find((other) => other.routePath === route.routePath && other.method === route.method);
    if (same) Object.assign(same, route);
    else routes.push(route);
  }
  return routes.sort(compareRoutes);
}

/**
 * Writes, under `outDir`, an ES module that imports every route file of `functionsDir` and
 * default-exports `{ fetch(request, env, ctx) }`: it routes as Pages does and falls through to
 * `env.ASSETS.fetch()`. Resolves to the module's absolute path. Cheap to call again on each
 * change to the directory (a route file added or removed).
 *
 * Throws FunctionsNoRoutesError when no file exports a handler (`pages dev` then serves assets
 * alone), FunctionsBuildError when a file does not parse or a route is badly named.
 */
export async function writeFunctionsEntry(functionsDir: string, outDir: string): Promise<string> {
  const routes = await functionsRoutes(functionsDir);
  if (routes.length === 0) throw new FunctionsNoRoutesError(displayDirectory(functionsDir));
  const entry = path.resolve(outDir, FUNCTIONS_ENTRY_NAME);
  await mkdir(path.dirname(entry), { recursive: true });
  await writeFile(entry, functionsEntrySource(path.resolve(functionsDir), routes));
  return entry;
}

/**
 * The entry module's text: one import per handler export, the route table, the router
 * (`fallbackService`: see createPagesHandler), or with `plugin` a Pages Plugin (createPagesPlugin).
 */
export function functionsEntrySource(baseDir: string, routes: FunctionsRoute[], { fallbackService, plugin = false }: { fallbackService?: string; plugin?: boolean } = {}): string {
  const identifiers = new Map<string, string>();
  const factory = plugin ? "createPagesPlugin" : "createPagesHandler";
  const imports: string[] = [`import { ${factory} } from ${JSON.stringify(PAGES_ROUTER)};`];
  const identifier = (reference: string) => {
    let name = identifiers.get(reference);
    if (!name) {
      const separator = reference.lastIndexOf(":");
      const file = reference.slice(0, separator);
      const exported = reference.slice(separator + 1);
      name = `handler${identifiers.size}`;
      identifiers.set(reference, name);
      imports.push(`import { ${exported} as ${name} } from ${JSON.stringify(path.join(baseDir, file))};`);
    }
    return name;
  };
  const table = routes.map(
    (route) =>
      `  { routePath: ${JSON.stringify(route.routePath)}, mountPath: ${JSON.stringify(route.mountPath)}, method: ${JSON.stringify(route.method)}, ` +
      `middlewares: [${(route.middleware ?? []).map(identifier).join(", ")}], modules: [${(route.module ?? []).map(identifier).join(", ")}] },`,
  );
  const options = fallbackService === undefined || plugin ? "" : `, { fallbackService: ${JSON.stringify(fallbackService)} }`;
  return `${imports.join("\n")}\n\nexport default ${factory}([\n${table.join("\n")}\n]${options});\n`;
}
