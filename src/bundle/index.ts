// Bundles the user's worker with esbuild, as wrangler does: ESM, es2022,
// workerd conditions, cloudflare:* kept external, node:* only with
// nodejs_compat, module rules for text/data/wasm, define/alias/minify/tsconfig,
// and a source map the host uses to point stack traces at user files.
//
// A build whose whole plugin work esbuild's own flags can do (the usual worker:
// no module rules, additional modules or alias) runs esbuild's binary once per
// build, as a plain command: the same flags its JS API would send its service,
// so the same bundle and map, without loading the JS API (~15 ms of Node
// built-ins) or round trips to the plugin. In dev, from the first change on,
// those flags go to esbuild's service process instead (service.ts), kept
// between saves: no exec and Go start per save. Anything else, including a build
// that fails or whose imports the plugin would have treated itself, goes
// through the JS API and the plugin: their output and messages are the
// reference.
import type * as esbuild from "esbuild";
import { builtinModules } from "node:module";
import { copyFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ModuleRule } from "../config/types.ts";
import type { ModuleSearch } from "./additional-modules.ts";
import { UserError } from "../errors.ts";
import { boxColours, layoutNotes } from "../log.ts";
import { blue } from "../colors.ts";
import { assetModuleSource, assetRules, assetRulesFilter, effectiveRules, moduleGlobSource, parseRules, removedRuleError, removedRuleRegExp } from "./rules.ts";
import { EsbuildService, type Value } from "./service.ts";
import { cacheEntry, loadBuild, saveBuild } from "./cache.ts";

export const WORKERS_MODULE = path.resolve(import.meta.dir, "../../runtime/modules/workers.ts");
export const WORKFLOWS_MODULE = path.resolve(import.meta.dir, "../../runtime/modules/workflows.ts");
export const EMAIL_MODULE = path.resolve(import.meta.dir, "../../runtime/modules/email.ts");

export interface BundleOptions {
  entry: string;
  /** Directory esbuild resolves from and paths are shown relative to (the project dir). */
  projectDir: string;
  outDir: string;
  rules?: ModuleRule[];
  define?: Record<string, string>;
  alias?: Record<string, string>;
  minify?: boolean;
  tsconfig?: string;
  jsxFactory?: string;
  jsxFragment?: string;
  nodeCompat: boolean;
  /**
   * `find_additional_modules`: the module search (`base_dir`) whose JS modules that
   * match the module rules stay separate modules next to the bundle instead of
   * being inlined, so `import(\`./lang/${name}.js\`)` works at run time.
   */
  additionalModules?: ModuleSearch;
  /** Where the first build by esbuild's binary is kept for the next bundler of the same entry (dev), and taken from (cache.ts). */
  cacheDir?: string;
  /** Called with wrangler-style warnings (e.g. a node:* import without nodejs_compat). */
  onWarning?: (message: string) => void;
  /** `iife` for a service worker's upload, as wrangler bundles one (dev runs every worker as ESM). */
  format?: "esm" | "iife";
  /**
   * The upload's way with text, data and wasm imports (deploy, not dev): each file is a module
   * of its own, named `./<sha1>-<basename>` (the specifier with `preserveFileNames`), pushed here
   * and imported by that name (a service worker's as a global of the name's characters); one
   * `find_additional_modules` found keeps its specifier. Dev inlines them instead.
   */
  collectModules?: CollectedModule[];
  preserveFileNames?: boolean;
  /** Imports left out of the bundle (`pages functions build --external`). */
  external?: string[];
}

/** A text, data or wasm module the upload carries beside the bundle. */
export interface CollectedModule {
  name: string;
  file: string;
  type: "Text" | "Data" | "CompiledWasm";
}

export type BuildOutcome =
  | { ok: true; file: string; map: string; inputs: string[]; metafile?: esbuild.Metafile }
  | { ok: false; message: string; inputs: string[] };

export interface Bundler {
  build(): Promise<BuildOutcome>;
  /**
   * A build is coming: start it now. `change`: a file changed, so more saves may follow and
   * esbuild's service is started (or kept) for them; the first build at start runs the binary.
   */
  prestart(change: boolean): void;
  /** Whether main parses on its own, imports unresolved (wrangler reads its exports so before it bundles). */
  entryParses(): Promise<boolean>;
  dispose(): Promise<void>;
}

/** How long after a start's first build it is kept (cache.ts). */
const SAVE_DELAY_MS = 100;

let api: Promise<typeof esbuild> | undefined;
/** esbuild's JS API, loaded on first use. */
const esbuildApi = () => (api ??= import("esbuild"));

let binary: string | null | undefined;
/** esbuild's native binary, found as its JS API finds it; null where it is elsewhere (the API then builds). */
function esbuildBinary(): string | null {
  if (binary !== undefined) return binary;
  binary = process.env.ESBUILD_BINARY_PATH || null;
  if (!binary) {
    try {
      const from = path.dirname(Bun.resolveSync("esbuild/package.json", import.meta.dir));
      binary = Bun.resolveSync(`@esbuild/${process.platform}-${process.arch}/bin/esbuild`, from);
    } catch {
      binary = null;
    }
  }
  return binary;
}

let version: string | undefined;
/** The version esbuild's service must be started with: its JS API's, which its binary shares. */
function esbuildVersion(): string {
  return (version ??= JSON.parse(readFileSync(Bun.resolveSync("esbuild/package.json", import.meta.dir), "utf8")).version as string);
}

/** The command-line flags esbuild's JS API sends its service for these options (the kinds used here), entry points left out. */
function commandLine(options: esbuild.BuildOptions): string[] {
  const flags: string[] = [];
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined || key === "entryPoints" || key === "absWorkingDir" || key === "write" || key === "plugins") continue;
    const flag = `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    if (value === true) flags.push(flag);
    else if (key === "external") for (const name of value as string[]) flags.push(`${flag}:${name}`);
    else if (typeof value === "string" || typeof value === "boolean") flags.push(`${flag}=${value}`);
    else if (Array.isArray(value)) flags.push(`${flag}=${value.join(",")}`);
    else for (const [name, entry] of Object.entries(value as Record<string, string>)) flags.push(`${flag}:${name}=${entry}`);
  }
  return flags;
}

const NODE_BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith("_")));

function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith("node:") || NODE_BUILTINS.has(specifier.split("/")[0]!) || NODE_BUILTINS.has(specifier);
}

/** Passes every specifier isNodeBuiltin accepts (and a few more), so package imports skip the plugin. */
const NODE_BUILTIN_FILTER = new RegExp(`^(?:node:|(?:${[...NODE_BUILTINS].join("|")})(?:/|$))`);
const BARE_SPECIFIER = /^[a-z_]+[a-z0-9_/:]*$/;

/** WRANGLER_BUILD_CONDITIONS (comma-separated) and WRANGLER_BUILD_PLATFORM, read as wrangler reads them. */
export function buildTarget(): { conditions: string[]; platform: esbuild.Platform } {
  const conditions = process.env.WRANGLER_BUILD_CONDITIONS;
  const platform = process.env.WRANGLER_BUILD_PLATFORM;
  if (platform && !["browser", "node", "neutral"].includes(platform)) {
    throw new UserError(
      "Invalid esbuild platform configuration defined in the WRANGLER_BUILD_PLATFORM environment variable.\nValid platform values are: 'browser', 'node' and 'neutral'.",
    );
  }
  return {
    conditions: conditions ? conditions.split(",") : ["workerd", "worker", "browser"],
    platform: (platform || "neutral") as esbuild.Platform,
  };
}

export async function createBundler(options: BundleOptions): Promise<Bundler> {
  const target = buildTarget();
  // Each build goes to its own directory, gen-<n>/, so import() of it (and of the
  // additional modules copied beside it) gives fresh module globals. Within it
  // the bundle sits where the entry sits relative to base_dir, so the relative
  // specifiers it keeps find those copies. esbuild is told one fixed directory of
  // the same depth, so the source map's relative paths hold for every build.
  const base = options.additionalModules?.root;
  const entryDir = base ? path.relative(base, path.dirname(options.entry)) : "";
  const withinBuild = entryDir.startsWith("..") ? "" : entryDir;
  const buildDir = (n: number | string) => path.join(options.outDir, `gen-${n}`);
  const rules = assetRules(effectiveRules(options.rules));
  const warned = new Map<string, Set<string>>();
  let generation = 0;
  let attempts = 0;
  /** Keeps the first build (cache.ts) if its delay has not done it yet. */
  let unsaved: (() => void) | undefined;
  let context: { ctx: esbuild.BuildContext<typeof buildOptions>; service: number } | undefined;
  // As in wrangler, only the user's own ESModule/CommonJS rules pick code files out.
  const codeGlobs = (options.rules ?? [])
    .filter((rule) => rule.type === "ESModule" || rule.type === "CommonJS")
    .flatMap((rule) => rule.globs.map((glob) => new RegExp(`^(?:${moduleGlobSource(glob)})$`)));
  // Relative path (from the module root) of every additional module, found again on each build.
  let additional = new Set<string>();
  const findAdditional = () => {
    const search = options.additionalModules;
    if (!search) return new Set<string>();
    const { moduleSearchFiles } = require("./additional-modules.ts") as typeof import("./additional-modules.ts");
    const found = new Set<string>();
    for (const file of moduleSearchFiles(search)) {
      const relative = path.relative(search.root, file);
      if (file !== path.resolve(options.entry) && codeGlobs.some((glob) => glob.test(relative))) found.add(relative);
    }
    return found;
  };

  // Files `find_additional_modules` found (any rule's): an upload imports them by their own name.
  let found = new Set<string>();
  const collect = (specifier: string, file: string, type: CollectedModule["type"], resolveDir: string): esbuild.OnResolveResult => {
    const modules = options.collectModules!;
    const iife = options.format === "iife";
    if (!iife && found.has(path.join(resolveDir, specifier))) return { path: specifier, external: true };
    const hash = new Bun.CryptoHasher("sha1").update(readFileSync(file)).digest("hex");
    const name = options.preserveFileNames ? specifier : `./${hash}-${path.basename(specifier)}`;
    modules.push({ name, file, type });
    // The namespace is wrangler's (a service worker's bundle names it in a comment).
    const namespace = `wrangler-module-${type}`;
    return iife ? { path: name, namespace, watchFiles: [file] } : { path: name, external: true, namespace, watchFiles: [file] };
  };

  const uploadGlobal = (args: esbuild.OnLoadArgs): esbuild.OnLoadResult => ({
    contents: `export default ${args.path.replace(/[^a-zA-Z0-9_$]/g, "_")};`,
    loader: "js",
  });

  const plugin: esbuild.Plugin = {
    name: "bunflare",
    setup(build) {
      build.onResolve({ filter: /^cloudflare:workers$/ }, () => ({ path: WORKERS_MODULE, external: true }));
      build.onResolve({ filter: /^cloudflare:workflows$/ }, () => ({ path: WORKFLOWS_MODULE, external: true }));
      build.onResolve({ filter: /^cloudflare:email$/ }, () => ({ path: EMAIL_MODULE, external: true }));
      build.onResolve({ filter: /^cloudflare:/ }, (args) => ({ path: args.path, external: true }));
      build.onResolve({ filter: NODE_BUILTIN_FILTER }, (args) => {
        if (!BARE_SPECIFIER.test(args.path) || !isNodeBuiltin(args.path)) return undefined;
        if (options.nodeCompat) {
          return { path: args.path.startsWith("node:") ? args.path : `node:${args.path}`, external: true };
        }
        const importers = warned.get(args.path) ?? new Set<string>();
        importers.add(path.relative(options.projectDir, args.importer));
        warned.set(args.path, importers);
        // An upload keeps the import, as wrangler's does (the runtime refuses it at deploy).
        if (options.collectModules) return { path: args.path, external: true };
        // The Workers runtime has no such module without nodejs_compat: loading fails.
        return { path: args.path, namespace: "bunflare-missing" };
      });
      build.onLoad({ filter: /.*/, namespace: "bunflare-missing" }, (args) => ({
        contents: `throw new Error(${JSON.stringify(`No such module "${args.path}".`)});`,
        loader: "js",
      }));
      // Each hook below is a round trip from esbuild per import it matches: registered
      // only where it can act, with filters no wider than needed.
      if (base) {
        build.onResolve({ filter: /^\.\.?\// }, (args) => {
          if (args.kind === "entry-point") return undefined;
          const relative = path.relative(base, path.resolve(args.resolveDir, args.path));
          // Kept as an import of the copy beside the bundle (see build()).
          return additional.has(relative) ? { path: `./${relative}`, external: true } : undefined;
        });
      }
      build.onResolve({ filter: assetRulesFilter(effectiveRules(options.rules)) }, async (args) => {
        if (args.kind === "entry-point" || args.pluginData === "bunflare-rule") return undefined;
        const rule = rules.find((candidate) => candidate.matches(args.path));
        if (!rule) return undefined;
        const specifier = args.path.replace(/\?module$/, "");
        const resolved = await build.resolve(specifier, {
          resolveDir: args.resolveDir,
          kind: args.kind,
          importer: args.importer,
          pluginData: "bunflare-rule",
        });
        if (resolved.errors.length) return { errors: resolved.errors };
        if (options.collectModules) return collect(specifier, resolved.path, rule.type, args.resolveDir);
        return { path: resolved.path, namespace: "bunflare-module", pluginData: rule.type, watchFiles: [resolved.path] };
      });
      // A service worker's upload: the module is a global the form binds by this name.
      if (options.format === "iife") {
        build.onLoad({ filter: /.*/, namespace: "wrangler-module-Text" }, uploadGlobal);
        build.onLoad({ filter: /.*/, namespace: "wrangler-module-Data" }, uploadGlobal);
        build.onLoad({ filter: /.*/, namespace: "wrangler-module-CompiledWasm" }, uploadGlobal);
      }
      // As wrangler: an import a removed rule matches (and no rule before it) fails the build.
      for (const rule of parseRules(options.rules).removed) {
        for (const glob of rule.globs) {
          build.onResolve({ filter: removedRuleRegExp(glob) }, (args) => ({ errors: [{ text: removedRuleError(args.path, rule) }] }));
        }
      }
      build.onLoad({ filter: /.*/, namespace: "bunflare-module" }, (args) => ({
        contents: assetModuleSource(args.pluginData, readFileSync(args.path)),
        loader: "js",
        watchFiles: [args.path],
      }));
      if (options.collectModules) {
        build.onStart(async () => {
          options.collectModules!.length = 0;
          if (!base) return;
          const { findAdditionalModules } = await import("./additional-modules.ts");
          try {
            found = new Set(findAdditionalModules(options.additionalModules!, options.entry, options.rules).modules.map((module) => module.file));
          } catch {
            // A file only a removed rule matches: the hook below reports it.
          }
        });
      }
      if (base) {
        const removed = parseRules(options.rules).removed.length > 0;
        build.onStart(async () => {
          // As wrangler: a file under the module root that only a removed rule matches fails the build.
          if (removed) {
            try {
              (await import("./additional-modules.ts")).findAdditionalModules(options.additionalModules!, options.entry, options.rules);
            } catch (error) {
              if (!(error instanceof UserError)) throw error;
              return { errors: [{ text: error.message }] };
            }
          }
          additional = findAdditional();
        });
      }
    },
  };
  // Printed after each build, failed or not (here rather than in an onEnd hook: one round trip less).
  const warnMissingBuiltins = () => {
    for (const [name, importers] of warned) {
      // Laid out as wrangler's logger lays it out (notes under the first line), each importer in blue.
      options.onWarning?.(
        layoutNotes(
          `The package "${name}" wasn't found on the file system but is built into node.\n` +
            `Your Worker may throw errors at runtime unless you enable the "nodejs_compat" compatibility flag. Refer to https://developers.cloudflare.com/workers/runtime-apis/nodejs/ for more details. Imported from:\n` +
            [...importers].map((importer) => ` - ${blue(importer)}`).join("\n"),
        ),
      );
    }
  };

  const buildOptions: esbuild.BuildOptions & { write: false; metafile: true } = {
    entryPoints: [options.entry],
    absWorkingDir: options.projectDir,
    bundle: true,
    write: false,
    outdir: path.join(buildDir("n"), withinBuild),
    entryNames: "worker",
    format: options.format ?? "esm",
    target: "es2022",
    platform: target.platform,
    mainFields: ["browser", "module", "main"],
    conditions: target.conditions,
    sourcemap: "external",
    sourcesContent: false,
    metafile: true,
    logLevel: "silent",
    keepNames: true,
    minify: options.minify ?? false,
    define: { "process.env.NODE_ENV": '"development"', ...options.define },
    alias: options.alias,
    tsconfig: options.tsconfig,
    jsxFactory: options.jsxFactory,
    jsxFragment: options.jsxFragment,
    loader: { ".js": "jsx", ".mjs": "jsx", ".cjs": "jsx" },
    external: options.external?.length ? options.external : undefined,
  };

  // The plugin's work as flags: cloudflare:* external (three of them as bunflare's
  // modules), every Node builtin as node:* (checked against the plugin's rules below).
  const builtins = [...new Set([...NODE_BUILTINS].filter((name) => !name.startsWith("node:")).map((name) => name.split("/")[0]!))];
  const pluginFlags = (outdir: string) =>
    commandLine({
      ...buildOptions,
      outdir,
      metafile: undefined,
      alias: {
        "cloudflare:workers": WORKERS_MODULE,
        "cloudflare:workflows": WORKFLOWS_MODULE,
        "cloudflare:email": EMAIL_MODULE,
        ...Object.fromEntries(builtins.map((name) => [name, `node:${name}`])),
      },
      external: [WORKERS_MODULE, WORKFLOWS_MODULE, EMAIL_MODULE, "cloudflare:*", "node:*", ...(options.external ?? [])],
    });
  const assetFilter = assetRulesFilter(effectiveRules(options.rules));
  /** Whether the plugin would have left every import of this build to esbuild, as the flags did. */
  const pluginAgrees = (metafile: esbuild.Metafile) =>
    Object.values(metafile.inputs).every(({ imports }) =>
      imports.every((entry) => {
        if (entry.path === "<runtime>") return true;
        if (assetFilter.test(entry.path) || assetFilter.test(entry.original ?? "")) return false;
        if (!entry.external) return true;
        if ([WORKERS_MODULE, WORKFLOWS_MODULE, EMAIL_MODULE].includes(entry.path) || entry.path.startsWith("cloudflare:")) return true;
        return options.nodeCompat && entry.path.startsWith("node:") && BARE_SPECIFIER.test(entry.path);
      }),
    );
  // A build started when a change was noticed (prestart), for the reload that follows once the change settles.
  let ahead: { outcome: Promise<BuildOutcome | undefined>; abort: AbortController } | undefined;
  const dropAhead = () => {
    ahead?.abort.abort();
    ahead = undefined;
  };
  let direct = !base && !options.rules?.length && !Object.keys(options.alias ?? {}).length ? esbuildBinary() : null;

  /** What shapes a build by the binary besides the files it reads (cache.ts checks those, esbuild's binary and this file among them): the flags, where it runs, where its map points from. */
  const cacheKey = (bin: string) =>
    JSON.stringify([
      bin,
      pluginFlags("<out>"),
      options.entry,
      options.projectDir,
      options.nodeCompat,
      path.relative(buildDir(1), options.projectDir),
      process.env.NODE_PATH ?? "",
    ]);

  /** One build by esbuild's binary; undefined when the JS API must build instead. */
  const buildDirect = async (bin: string, signal?: AbortSignal): Promise<BuildOutcome | undefined> => {
    // A bundler's first build may be the one a previous start kept.
    const cache = generation === 0 && options.cacheDir ? { file: cacheEntry(options.cacheDir, options.entry), key: () => cacheKey(bin), startedAt: Date.now() } : undefined;
    const kept = cache && loadBuild(cache.file, cache.key);
    if (kept) {
      const file = path.join(buildDir(++generation), "worker.js");
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, kept.code);
      return { ok: true, file, map: kept.map, inputs: kept.inputs };
    }
    // Built beside the generations (same depth: the map's relative paths hold) and numbered once it is kept.
    const out = path.join(options.outDir, `attempt-${++attempts}`);
    const metafile = `${out}.json`;
    // PWD: esbuild takes it as its working directory when it is the same directory, so a
    // symlinked project dir is seen as spelled, as the JS API's absWorkingDir is.
    const child = Bun.spawn([bin, ...pluginFlags(out), `--metafile=${metafile}`, options.entry], {
      cwd: options.projectDir,
      env: { ...process.env, PWD: options.projectDir },
      stdio: ["ignore", "ignore", "ignore"],
      signal,
    });
    if ((await child.exited) !== 0) return undefined;
    const meta = JSON.parse(readFileSync(metafile, "utf8")) as esbuild.Metafile;
    rmSync(metafile);
    if (!pluginAgrees(meta)) {
      direct = null;
      rmSync(out, { recursive: true, force: true });
      return undefined;
    }
    const root = buildDir(++generation);
    renameSync(out, root);
    const file = path.join(root, "worker.js");
    // The host maps frames itself: Bun must find no map beside the bundle (see below).
    const map = readFileSync(`${file}.map`, "utf8");
    rmSync(`${file}.map`);
    const inputs = inputsOf(meta);
    if (cache) {
      // After the worker is loaded and answering (keeping it is for the next start, not this one), or at shutdown if sooner.
      const save = () => {
        clearTimeout(timer);
        unsaved = undefined;
        saveBuild(cache.file, cache.key, cache.startedAt, { bundle: file, map, inputs, tsconfig: options.tsconfig, tools: [bin, import.meta.path] });
      };
      const timer = setTimeout(save, SAVE_DELAY_MS);
      timer.unref();
      unsaved = save;
    }
    return { ok: true, file, map, inputs, metafile: meta };
  };

  // The same flags for a build on esbuild's service: it answers with the files instead of writing them.
  const warmDir = path.join(options.outDir, "warm");
  const warmRequest = {
    command: "build",
    entries: [["", options.entry]],
    flags: [...pluginFlags(warmDir), "--metafile"],
    write: false,
    stdinContents: null,
    stdinResolveDir: null,
    absWorkingDir: options.projectDir,
    nodePaths: [],
    context: false,
  };
  /** One build on esbuild's service (if anything fails, the service is stopped and the binary builds); undefined when the JS API must build. */
  const buildWarm = async (service: EsbuildService, signal?: AbortSignal): Promise<BuildOutcome | undefined> => {
    const answer = service.request({ ...warmRequest, key: ++attempts });
    // Superseded by a later change (or disposed): its build is the one that counts, and
    // nothing waits for this answer, which is then never written.
    const response = signal ? await Promise.race([answer, abandoned(signal)]) : await answer;
    if (!response || signal?.aborted || (response.errors as Value[]).length) return undefined;
    const meta = JSON.parse(new TextDecoder().decode(response.metafile as Uint8Array)) as esbuild.Metafile;
    if (!pluginAgrees(meta)) {
      direct = null;
      return undefined;
    }
    const root = buildDir(++generation);
    const file = path.join(root, "worker.js");
    let map = "";
    for (const output of response.outputFiles as { path: string; contents: Uint8Array }[]) {
      const target = path.join(root, path.relative(warmDir, output.path));
      // As with the binary, the map goes to the host in memory, not beside the bundle.
      if (target === `${file}.map`) map = new TextDecoder().decode(output.contents);
      else mkdirSync(path.dirname(target), { recursive: true }), writeFileSync(target, output.contents);
    }
    return { ok: true, file, map, inputs: inputsOf(meta), metafile: meta };
  };
  /** A build on the running service if there is one (or `warm`: started now), else by the binary; undefined when the JS API must build. */
  const buildFast = (bin: string, signal?: AbortSignal, warm = false): Promise<BuildOutcome | undefined> => {
    const service = warm ? warmService(bin) : runningService();
    const binary = () => buildDirect(bin, signal);
    return (service ? buildWarm(service, signal).catch(() => (stopWarm(service), binary())) : binary()).catch(() => undefined);
  };

  // Every file the bundle read, packages' included: wrangler's esbuild watches them all, so an edit of one rebuilds.
  const inputsOf = (metafile?: esbuild.Metafile) =>
    Object.keys(metafile?.inputs ?? {})
      .map((input) => input.replace(/^[a-z-]+:/, ""))
      .map((input) => path.resolve(options.projectDir, input));

  return {
    async build() {
      if (direct) {
        // The build started at the last change noticed: no change came after it started, or a later one would have replaced it.
        const started = ahead?.outcome;
        ahead = undefined;
        // Any trouble running the binary leaves the build to the JS API.
        const outcome = await (started ?? buildFast(direct));
        if (outcome) return outcome;
      }
      warned.clear();
      const esbuild = await esbuildApi();
      try {
        const result = await buildOnce(async () => {
          // An incremental context while the service lives: a rebuild re-parses only changed files.
          if (!context || context.service !== service) {
            context = { ctx: await esbuild.context({ ...buildOptions, plugins: [plugin] }), service };
          }
          return context.ctx.rebuild();
        });
        warnMissingBuiltins();
        const root = buildDir(++generation);
        const name = "worker.js";
        const file = path.join(root, withinBuild, name);
        mkdirSync(path.dirname(file), { recursive: true });
        const code = result.outputFiles!.find((out) => out.path.endsWith(".js"))!.text;
        const map = result.outputFiles!.find((out) => out.path.endsWith(".js.map"))!.text;
        // The map goes to the host in memory (its sources are relative to esbuild's outdir, at
        // the same depth as this file). Bun runs the bundle untranspiled and would read a map
        // named beside it or in a comment itself; the host maps frames, so Bun must find none.
        writeFileSync(file, code.replace(/\/\/# sourceMappingURL=.*\s*$/, ""));
        for (const relative of additional) {
          const target = path.join(root, relative);
          mkdirSync(path.dirname(target), { recursive: true });
          copyFileSync(path.join(base!, relative), target);
        }
        const inputs = [...inputsOf(result.metafile), ...[...additional].map((r) => path.join(base!, r))];
        return { ok: true, file, map, inputs, metafile: result.metafile };
      } catch (error) {
        const failure = error as esbuild.BuildFailure;
        if (!Array.isArray(failure.errors)) throw error;
        warnMissingBuiltins();
        const formatted = await esbuild.formatMessages(failure.errors, { kind: "error", color: boxColours });
        const inputs = failure.errors.map((e) => e.location?.file).filter((f): f is string => !!f);
        return {
          ok: false,
          // Wrangler nests esbuild's own messages (a blank line between them), every line indented,
          // the blank ones each message ends with too, under one "Build failed" error.
          message: `Build failed with ${failure.errors.length} error${failure.errors.length === 1 ? "" : "s"}:\n\n${formatted
            .join("\n")
            .replace(/^/gm, "  ")}`,
          inputs: inputs.map((input) => path.resolve(options.projectDir, input)),
        };
      }
    },
    prestart(change) {
      if (!direct) return change ? prestartBundler() : undefined;
      // Built now, while the change settles; a change noticed meanwhile supersedes this build (the binary is ended, the service's answer ignored) and starts another.
      dropAhead();
      const abort = new AbortController();
      ahead = { outcome: buildFast(direct, abort.signal, change), abort };
    },
    async entryParses() {
      const { entryPoints, absWorkingDir, target, loader, tsconfig, jsxFactory, jsxFragment } = buildOptions;
      const only = { entryPoints, absWorkingDir, target, loader, tsconfig, jsxFactory, jsxFragment, bundle: false, write: false, logLevel: "silent" } as const;
      return (await esbuildApi()).build(only).then(() => true, () => false);
    },
    async dispose() {
      // A dev server stopping keeps its first build now if it has not yet.
      unsaved?.();
      const pending = ahead?.outcome;
      dropAhead();
      // Its process is gone, and its files written or not, before the caller removes the directory.
      await pending;
      // A context of a stopped service went with it.
      if (context?.service === service) await context.ctx.dispose().catch(() => {});
      context = undefined;
    },
  };
}

/** Resolves once `signal` aborts. */
const abandoned = (signal: AbortSignal) =>
  new Promise<undefined>((resolve) => (signal.aborted ? resolve(undefined) : signal.addEventListener("abort", () => resolve(undefined), { once: true })));

// esbuild's service for the builds the binary would run, spoken to directly: started
// at the first change (not at start: an idle dev server holds no esbuild process),
// kept while changes come, stopped once none came for KEEP_WARM_MS.
const KEEP_WARM_MS = 5_000;
let warm: { service: EsbuildService; timer: ReturnType<typeof setTimeout> } | undefined;

function runningService(): EsbuildService | undefined {
  if (warm) refreshWarm(warm.service);
  return warm?.service;
}

function warmService(bin: string): EsbuildService {
  return runningService() ?? refreshWarm(new EsbuildService(bin, esbuildVersion()));
}

function refreshWarm(service: EsbuildService): EsbuildService {
  if (warm) clearTimeout(warm.timer);
  const timer = setTimeout(() => (service.busy ? refreshWarm(service) : stopWarm(service)), KEEP_WARM_MS);
  timer.unref();
  warm = { service, timer };
  return service;
}

/** Stops the service (only if it is `service`, when given). */
function stopWarm(service?: EsbuildService): void {
  service?.stop();
  if (!warm || (service && warm.service !== service)) return;
  clearTimeout(warm.timer);
  warm.service.stop();
  warm = undefined;
}

// esbuild's service process (JS API builds only): started while a reload's change
// settles (prestartBundler), held by each build, kept a moment after the last one
// so a burst of saves reuses it and each bundler's incremental context (a cold
// service costs a reload 5-40 ms), then stopped, so an idle dev server holds no
// ~12 MB esbuild process.
const KEEP_SERVICE_MS = 1_000;
/** Counts service stops: a context made before the last stop is dead. */
let service = 0;
let holders = 0;
let early: (() => void) | undefined;
let keep: { timer: ReturnType<typeof setTimeout>; release: () => void } | undefined;

/** Holds the service open; the last release stops it. */
function hold(): () => void {
  holders++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    if (--holders === 0) {
      service++;
      void esbuildApi().then((esbuild) => esbuild.stop());
    }
  };
}

/** Starts esbuild's service process now (it starts in parallel with whatever runs next); the next build takes it over. */
function prestartBundler(): void {
  if (early || keep) return;
  early = hold();
  // Any request starts the service; an empty one costs nothing else.
  esbuildApi()
    .then((esbuild) => esbuild.formatMessages([], { kind: "error" }))
    .catch(() => {});
}

/** Stops esbuild's processes now (shutdown, or no worker bundles after all). */
export function stopBundler(): void {
  stopWarm();
  releaseService();
}

/** Drops the early and kept holds on the JS API's service: it stops unless a build holds it. */
function releaseService(): void {
  if (keep) clearTimeout(keep.timer), keep.release();
  keep = undefined;
  early?.();
  early = undefined;
}

/** One build on the (possibly already running) service, which is kept for KEEP_SERVICE_MS after it. */
async function buildOnce<T>(build: () => Promise<T>): Promise<T> {
  const release = hold();
  releaseService(); // this build holds the service now
  try {
    return await build();
  } finally {
    releaseService(); // an earlier build's hold, if builds overlapped
    const timer = setTimeout(releaseService, KEEP_SERVICE_MS);
    timer.unref();
    keep = { timer, release };
  }
}
