// `bunflare pages dev`: a Pages project turned into the settings of one ordinary dev worker.
// The directory is the worker's assets (bound as env.ASSETS, served by Pages' asset server);
// the worker is `<directory>/_worker.js` (advanced mode), else the entry generated from
// `./functions`, else none (assets only). Everything else is `bunflare dev`'s session.
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import type { WorkerConfig } from "../config/types.ts";
import { LastBuildKeptWarning, UserError } from "../errors.ts";
import { log } from "../log.ts";
import type { DevArgs } from "../dev/settings.ts";

export interface PagesDevArgs extends DevArgs {
  directory?: string;
  command?: string;
  binding?: string[];
  kv?: string[];
  d1?: string[];
  r2?: string[];
  do?: string[];
  service?: string[];
  ai?: string;
  "version-metadata"?: string;
  proxy?: number;
  "script-path"?: string;
}

/** The directory as wrangler names it in messages: `./functions` for one inside the working directory. */
export function displayDirectory(dir: string): string {
  const relative = path.relative(process.cwd(), path.resolve(dir));
  if (relative === "") return ".";
  if (relative.startsWith("..") || path.isAbsolute(relative)) return path.resolve(dir);
  return `./${relative.split(path.sep).join("/")}`;
}

/** Wrangler's warning when Functions stop building after the start: the last good build keeps serving. */
export function functionsKept(what: string): string {
  return `${what}. Continuing to serve the last successfully built version of Functions.`;
}

/** What a dev start needs to know that it is a Pages one. */
export interface PagesSpec {
  /** The assets directory, absolute. */
  directory: string;
  /** The worker's entry: `_worker.js`, or the generated Functions entry; undefined for assets only. */
  main?: string;
  /** Set for Functions: writes the entry again (a route file added or removed). */
  regenerate?: () => Promise<void>;
  /** The `functions/` directory, watched for files coming and going. */
  functionsDir?: string;
  /** The line wrangler prints after the banner ("✨ Compiled Worker successfully" / "No Functions. Shimming..."). */
  notice: string;
  /** Bindings from the flags (`--kv`, `--d1`, ...), added to the config's. */
  applyFlags(config: WorkerConfig): void;
}

/** The vars every Pages worker gets locally, first in the table as wrangler lists them. */
export function pagesVars(projectName: string): Record<string, string> {
  return {
    CF_PAGES: "1",
    CF_PAGES_BRANCH: "local",
    CF_PAGES_COMMIT_SHA: "0".repeat(40),
    CF_PAGES_URL: `https://00000000.${projectName}.pages.dev`,
  };
}

/** `NAME` or `NAME=VALUE`, as the binding flags take them. */
function splitPair(text: string): [string, string | undefined] {
  const at = text.indexOf("=");
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function bindingFlags(args: PagesDevArgs): (config: WorkerConfig) => void {
  return (config) => {
    for (const flag of args.kv ?? []) {
      const [binding, id] = splitPair(String(flag));
      config.kv_namespaces.push({ binding, id: id || binding } as (typeof config.kv_namespaces)[number]);
    }
    for (const flag of args.d1 ?? []) {
      const [binding, id] = splitPair(String(flag));
      config.d1_databases.push({ binding, database_id: id || `local-${binding}`, database_name: `local-${binding}` } as (typeof config.d1_databases)[number]);
    }
    for (const flag of args.r2 ?? []) {
      const [binding, bucket] = splitPair(String(flag));
      config.r2_buckets.push({ binding, bucket_name: bucket || binding } as (typeof config.r2_buckets)[number]);
    }
    for (const flag of args.do ?? []) {
      const match = /^([^=]+)=([^@]+)(?:@(.*))?$/.exec(String(flag));
      if (!match) throw new UserError(`Could not parse Durable Object binding: ${flag}`);
      const [, name, className, scriptName] = match;
      config.durable_objects.bindings.push({ name, class_name: className, ...(scriptName ? { script_name: scriptName } : {}) } as (typeof config.durable_objects.bindings)[number]);
    }
    // As wrangler 4.86's pages dev: --ai binds Workers AI (remote, as in dev); --version-metadata binds nothing.
    if (args.ai) (config as { ai?: { binding: string } }).ai = { binding: String(args.ai) };
    for (const flag of args.service ?? []) {
      const [binding, service] = splitPair(String(flag));
      if (!service) throw new UserError(`Could not parse Service binding: ${flag}`);
      const [name, entrypoint] = service.split("#");
      config.services.push({ binding, service: name, ...(entrypoint ? { entrypoint } : {}) } as (typeof config.services)[number]);
    }
  };
}

/** `_worker.js` as a file, or a directory with `index.js`: the advanced-mode worker. */
function advancedWorker(directory: string, scriptPath: string): string | undefined {
  const worker = path.resolve(directory, scriptPath);
  const stat = statSync(worker, { throwIfNoEntry: false });
  if (stat?.isFile()) return worker;
  if (stat?.isDirectory() && existsSync(path.join(worker, "index.js"))) return path.join(worker, "index.js");
  return undefined;
}

/**
 * Turns `pages dev`'s arguments into `dev`'s, with the Pages spec the session reads.
 * `configured` is the config's `pages_build_output_dir` (resolved), if any.
 */
export async function pagesDevArgs(args: PagesDevArgs, configured: string | undefined, storeDir: string): Promise<DevArgs> {
  if (args.config !== undefined) throw new UserError("Pages does not support custom paths for the Wrangler configuration file");
  if (args.command !== undefined || args.proxy !== undefined) {
    // Both are deprecated in wrangler; bunflare serves a directory only.
    throw new UserError(
      "bunflare pages dev serves a directory of static assets only: it does not run a proxy command nor proxy a port (both deprecated in wrangler). Build your project, then pass its output directory.",
    );
  }
  const given = args.directory ?? configured;
  if (given === undefined) {
    throw new UserError(
      "Must specify a directory of static assets to serve, or a command to run, or a proxy port, or configure `pages_build_output_dir` in your Wrangler configuration file.",
    );
  }
  const directory = args.directory !== undefined ? path.resolve(args.directory) : given;
  const functionsDir = path.resolve("functions");
  const worker = advancedWorker(directory, args["script-path"] ?? "_worker.js");
  const hasFunctions = !worker && statSync(functionsDir, { throwIfNoEntry: false })?.isDirectory() === true;
  let main = worker;
  let regenerate: (() => Promise<void>) | undefined;
  let usingFunctions = hasFunctions;
  if (hasFunctions) {
    const { writeFunctionsEntry, FunctionsNoRoutesError, FunctionsBuildError } = await import("./functions.ts");
    const outDir = path.join(storeDir, "pages-functions");
    try {
      main = await writeFunctionsEntry(functionsDir, outDir);
    } catch (error) {
      // No file exports a handler: wrangler says so and serves the assets alone. A file that
      // does not build (FunctionsBuildError, "Failed to build Functions at ./functions.") stops it.
      if (!(error instanceof FunctionsNoRoutesError)) throw error;
      log.error(`${error.message} - skipping`);
      usingFunctions = false;
    }
    // On a change, as wrangler: a failure keeps the last good Functions serving.
    if (usingFunctions) {
      regenerate = async () => {
        try {
          await writeFunctionsEntry(functionsDir, outDir);
        } catch (error) {
          if (!(error instanceof FunctionsNoRoutesError || error instanceof FunctionsBuildError)) throw error;
          const what = error instanceof FunctionsNoRoutesError ? error.message : `Failed to build Functions at ${error.directory}`;
          throw new LastBuildKeptWarning(functionsKept(what));
        }
      };
    }
  }
  // `--binding KEY=VALUE` is dev's `--var KEY:VALUE`.
  const vars = (args.binding ?? []).map((pair) => {
    const [name, value] = splitPair(String(pair));
    return `${name}:${value ?? ""}`;
  });
  const pages: PagesSpec = {
    directory,
    main,
    regenerate,
    functionsDir: usingFunctions ? functionsDir : undefined,
    notice: main ? "✨ Compiled Worker successfully" : "No Functions. Shimming...",
    applyFlags: bindingFlags(args),
  };
  return {
    ...args,
    config: undefined,
    script: undefined,
    // wrangler pages dev's own default port.
    port: args.port ?? 8788,
    var: [...(args.var ?? []), ...vars],
    "no-bundle": args["no-bundle"] ?? (args.bundle === false ? true : undefined),
    pages,
  };
}
