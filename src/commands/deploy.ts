// `bunflare deploy --dry-run` and `bunflare versions upload --dry-run`: build the
// bundle `bunflare dev` runs, check it as wrangler does, report its size and
// bindings, and with --outdir write it in wrangler's layout. Without --dry-run
// these commands go to real wrangler (src/forward.ts) before they get here.
import { green } from "../colors.ts";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { Options } from "yargs";
import { defineCommand, type CommandSpec, type GlobalArgs } from "./define.ts";
import { ASSETS_ONLY_WORKER, assetsDirectory } from "../config/assets.ts";
import { MAX_ASSET_SIZE } from "../../runtime/bindings/assets/limits.ts";
import { ignoreMatcher } from "../../runtime/bindings/assets/rules.ts";
import { builtMainMissing, loadConfig, resolveMain, type LoadedConfig } from "../config/index.ts";
import { customBuildFailed, runCustomBuild } from "../custom-build.ts";
import { checkCustomDomains, configuredRoutes } from "../config/routes.ts";
import { UserError } from "../errors.ts";
import { layoutNotes, log, printBanner } from "../log.ts";
import { bundleOptions, type BuildFlags } from "../bundle/options.ts";
import { keyValues } from "../config/vars.ts";
import { bindingRows, containerLines, formatBindingsTable, tailConsumerLines } from "../dev/bindings-table.ts";
import { forwardToWrangler } from "../forward.ts";
import type { CollectedModule } from "../bundle/index.ts";
import type { ModuleType } from "../bundle/upload-form.ts";

export interface DeployArgs extends GlobalArgs, BuildFlags {
  script?: string;
  name?: string;
  "dry-run"?: boolean;
  outdir?: string;
  outfile?: string;
  "compatibility-date"?: string;
  "compatibility-flags"?: string[];
  "no-bundle"?: boolean;
  bundle?: boolean;
  var?: string[];
  assets?: string;
  "keep-vars"?: boolean;
  logpush?: boolean;
  tag?: string;
  message?: string;
  "preview-alias"?: string;
  "upload-source-maps"?: boolean;
  metafile?: string | boolean;
  "secrets-file"?: string;
}

const str = (describe: string): Options => ({ describe, type: "string", requiresArg: true });
const arr = (describe: string): Options => ({ describe, type: "string", array: true, requiresArg: true });
const bool = (describe: string, value?: boolean): Options => ({ describe, type: "boolean", ...(value === undefined ? {} : { default: value }) });

const buildFlags = (verb: string, runtime: string) => ({
  "no-bundle": bool(`Skip internal build steps and directly ${verb} Worker`, false),
  // yargs reads --no-bundle as bundle=false; declared (hidden, as wrangler does) so strict mode accepts it.
  bundle: { type: "boolean", hidden: true } as Options,
  outdir: str("Output directory for the bundled Worker"),
  outfile: str("Output file for the bundled worker"),
  "compatibility-date": str("Date to use for compatibility checks"),
  "compatibility-flags": { ...arr("Flags to use for compatibility checks"), alias: "compatibility-flag" },
  latest: bool(`Use the latest version of the ${runtime} runtime`, false),
  assets: str("Static assets to be served. Replaces Workers Sites."),
  var: arr("A key-value pair to be injected into the script as a variable"),
  define: arr("A key-value pair to be substituted in the script"),
  alias: arr("A module pair to be substituted in the script"),
});
const jsxFlags = {
  "jsx-factory": str("The function that is called for each JSX element"),
  "jsx-fragment": str("The function that is called for each JSX fragment"),
  tsconfig: str("Path to a custom tsconfig.json file"),
  minify: bool("Minify the Worker"),
};
const secretsFile = (what: string) =>
  str(
    `Path to a file containing secrets to upload with the ${what} (JSON or .env format). Secrets from previous deployments will not be deleted - see \`--keep-secrets\``,
  );

const scriptPositional = { script: { type: "string" as const, describe: "The path to an entry point for your Worker" } };

export interface BuiltWorker {
  loaded: LoadedConfig;
  main: string;
  /** The bundle as dev runs it; `file` is where it sits (in `work`, removed by dispose). */
  code: string;
  file: string;
  /** Whether esbuild built it (false under no_bundle: `file` is main itself). */
  bundled: boolean;
  map?: string;
  /** The modules uploaded beside the main one, in wrangler's order and with its types. */
  modules: { name: string; file: string; type: ModuleType }[];
  /** A service worker (no exports): one body part, bundled as an IIFE. */
  serviceWorker: boolean;
  /** esbuild's metafile of the bundle (`--metafile`). */
  metafile?: unknown;
  /** The assets directory, checked to exist. */
  assets?: string;
  dispose(): void;
}

/** Reads the (redirected) config and builds the worker exactly as `bunflare dev` does. */
export async function buildWorker(args: DeployArgs, command: string, { upload = true } = {}): Promise<BuiltWorker> {
  const loaded = loadConfig({
    configPath: args.config,
    env: args.env,
    redirect: true,
    onWarning: (message) => log.warn(message),
    onInfo: (message) => log.info(message),
    warnUntargetedFor: command,
  });
  const { config } = loaded;
  if (args.name) config.name = args.name;
  if (args["compatibility-date"]) config.compatibility_date = args["compatibility-date"];
  if (args["compatibility-flags"]) config.compatibility_flags = args["compatibility-flags"].map(String);
  // An assets-only project uploads wrangler's no-op worker.
  const assetsOnly = Boolean(args.assets || config.assets?.directory) && !args.script && !config.main;
  const main = assetsOnly ? ASSETS_ONLY_WORKER : resolveMain(loaded, args.script, process.cwd(), command);
  if (loaded.config.build?.command) {
    if (!(await runCustomBuild(loaded, "deploy", (line) => log.info(line)))) throw new UserError(customBuildFailed(loaded.config.build.command));
    const missing = builtMainMissing(loaded, main);
    if (missing) throw new UserError(missing);
  }
  // Checked where wrangler checks it: after the entry point, before the build.
  const assets = assetsDirectory(args.assets, config.assets?.directory, loaded.dir);
  if (assetsOnly && config.assets?.binding) {
    throw new UserError(
      layoutNotes(
        "Cannot use assets with a binding in an assets-only Worker.\n" +
          "Please remove the asset binding from your configuration file, or provide a Worker script in your configuration file (`main`).",
      ),
    );
  }
  const work = mkdtempSync(path.join(tmpdir(), "bunflare-build-"));
  const dispose = () => rmSync(work, { recursive: true, force: true });
  try {
    const noBundle = args["no-bundle"] === true || args.bundle === false || config.no_bundle === true;
    const { ignoredRulesWarnings } = await import("../bundle/rules.ts");
    for (const warning of ignoredRulesWarnings(config.rules)) log.warn(warning);
    let unbundled: BuiltWorker["modules"] = [];
    // As wrangler guesses it: a worker whose entry exports nothing is a service worker.
    const exportsNothing = (code: string) => new Bun.Transpiler({ loader: "tsx" }).scan(code).exports.length === 0;
    if (noBundle || config.find_additional_modules) {
      const { additionalModulesTable, findAdditionalModules, moduleSearchOf } = await import("../bundle/additional-modules.ts");
      // As wrangler, which reads the rules a second time to find an unbundled worker's modules.
      if (noBundle) for (const warning of ignoredRulesWarnings(config.rules)) log.warn(warning);
      const found = findAdditionalModules(moduleSearchOf(loaded, main), main, config.rules);
      for (const warning of found.warnings) log.warn(warning);
      const table = additionalModulesTable(found.modules);
      if (table) log.info(table);
      unbundled = found.modules.map(({ name, file, type }) => ({ name, file, type: type as ModuleType }));
    }
    // Without bundling, the modules beside the entry are uploaded as they are, as wrangler does.
    if (noBundle) {
      const code = readFileSync(main, "utf8");
      return { loaded, main, code, file: main, bundled: false, modules: unbundled, serviceWorker: exportsNothing(code), assets, dispose };
    }
    const { createBundler } = await import("../bundle/index.ts");
    // Text, data and wasm imports go up as modules of their own, named as wrangler names them (dev inlines them).
    const collected: CollectedModule[] = [];
    const build = async (format: "esm" | "iife") => {
      const options = bundleOptions(loaded, main, args, path.join(work, format), (message) => log.warn(message));
      const bundler = await createBundler(
        upload ? { ...options, format, collectModules: collected, preserveFileNames: config.preserve_file_names === true } : options,
      );
      const outcome = await bundler.build();
      await bundler.dispose();
      if (!outcome.ok) throw new UserError(outcome.message);
      return outcome;
    };
    let built = await build("esm");
    // A service worker is bundled again as wrangler bundles one: an IIFE.
    const serviceWorker = exportsNothing(readFileSync(built.file, "utf8"));
    if (serviceWorker && upload) built = await build("iife");
    const types = { Text: "text", Data: "buffer", CompiledWasm: "compiled-wasm" } as const;
    // Wrangler uploads (and writes to --outdir) every module it found, then those the bundle imports.
    const modules: BuiltWorker["modules"] = [...unbundled];
    for (const module of collected) {
      if (!modules.some(({ name }) => name === module.name)) modules.push({ name: module.name, file: module.file, type: types[module.type] });
    }
    // Dev points `cloudflare:workers` at bunflare's module; the written bundle names the runtime's.
    const { WORKERS_MODULE } = await import("../bundle/index.ts");
    const code = readFileSync(built.file, "utf8").replaceAll(JSON.stringify(WORKERS_MODULE), '"cloudflare:workers"');
    checkExports(config, code, main);
    return { loaded, main, code, file: built.file, bundled: true, map: built.map, metafile: built.metafile, modules, serviceWorker, assets, dispose };
  } catch (error) {
    dispose();
    throw error;
  }
}

/** Builds the worker as dev does and reports it as wrangler's dry run does. */
export async function dryRun(args: DeployArgs, command: "deploy" | "versions upload"): Promise<void> {
  printBanner();
  const outdir = args.outdir ? path.resolve(args.outdir) : undefined;
  const built = await buildWorker(args, command);
  try {
    checkCustomDomains(configuredRoutes(args.routes as string[] | undefined, built.loaded.config as { route?: unknown; routes?: unknown }));
  } catch (error) {
    built.dispose();
    throw error;
  }
  try {
    const { config } = built.loaded;
    const { code, map, modules } = built;
    // Only deploy's dry run reads the assets (versions upload's does not look at them).
    if (built.assets && command === "deploy") readAssets(built.assets);
    // A bundle is `<entry>.js`; an unbundled entry keeps its own name.
    // Read before the size line, as wrangler reads it.
    const secrets = args["secrets-file"] === undefined ? undefined : readSecretsFile(args["secrets-file"]);
    const name = built.bundled ? `${path.basename(built.main).replace(/\.[cm]?[jt]sx?$/, "")}.js` : path.basename(built.main);
    const body = uploadedBody(code, map, name);
    // The modules before the entry, as wrangler counts them (the gzip size depends on the order).
    const contents = [...modules.map((m) => readFileSync(m.file)), Buffer.from(body)];
    const size = contents.reduce((sum, buffer) => sum + buffer.length, 0);
    const gzip = gzipSync(Buffer.concat(contents)).length;
    log.info(`Total Upload: ${green(`${(size / 1024).toFixed(2)} KiB / gzip: ${(gzip / 1024).toFixed(2)} KiB`)}`);
    const cliVars = keyValues(args.var, "var");
    const vars = { ...config.vars, ...cliVars, ...secrets };
    // As wrangler, a --var's value is shown as "(hidden)", a secret's too, a config var's as it is.
    const rows = bindingRows(config, vars, new Set([...Object.keys(cliVars), ...Object.keys(secrets ?? {})]), () => false).map((row) => ({ ...row, mode: "" }));
    // What the upload names, as wrangler's dry run shows it: a KV namespace or bucket without an id
    // (inherited from the deployed Worker) names nothing, a bucket's jurisdiction follows its name.
    for (const row of rows) {
      if (row.type === "KV Namespace" && config.kv_namespaces.some((kv) => kv.binding === row.name && kv.id === undefined)) row.value = "";
      if (row.type !== "R2 Bucket") continue;
      const bucket = config.r2_buckets.find((entry) => entry.binding === row.name);
      if (bucket && bucket.bucket_name === undefined) row.value = "";
      else if (bucket?.jurisdiction) row.value = `${bucket.bucket_name} (${bucket.jurisdiction})`;
    }
    const table = formatBindingsTable(rows, undefined, Infinity);
    if (table.length) log.info(table.join("\n"));
    // (wrangler says so for deploy only, and lists containers for it only; their images are not built.)
    else if (command === "deploy") log.info("No bindings found.");
    const tails = tailConsumerLines(config, null);
    if (tails.length) log.info(tails.join("\n"));
    if (command === "deploy" && config.containers.length) log.info(containerLines(config).join("\n"));

    if (outdir) {
      // As wrangler: esbuild writes a bundle's files relative to the directory it runs in (the
      // config's), the README goes relative to where the command ran; an unbundled worker is all there.
      const codeDir = built.bundled ? path.resolve(built.loaded.userDir, args.outdir!) : outdir;
      makeDir(outdir, "--outdir", args.outdir!);
      makeDir(codeDir, "--outdir", args.outdir!);
      writeOutdir(codeDir, name, body, map === undefined ? undefined : outdirMap(map, built.file, codeDir, args.outdir!), modules);
      writeFileSync(
        path.join(outdir, "README.md"),
        `This folder contains the built output assets for the worker "${config.name}" generated at ${new Date().toISOString()}.`,
      );
    }
    // esbuild's metafile: at the path given, else in --outdir beside the bundle (without either, wrangler writes it to its temporary directory).
    if (args.metafile && built.metafile) {
      const target = typeof args.metafile === "string" && args.metafile ? path.resolve(args.metafile) : outdir ? path.join(built.bundled ? path.resolve(built.loaded.userDir, args.outdir!) : outdir, "bundle-meta.json") : undefined;
      if (target) {
        makeDir(path.dirname(target), "--metafile", String(args.metafile));
        writeFileSync(target, JSON.stringify(built.metafile, null, 2));
      }
    }
    if (args.outfile) {
      // The upload itself, as wrangler writes it: multipart form data, the metadata then each module.
      const outfile = path.resolve(args.outfile);
      makeDir(path.dirname(outfile), "--outfile", args.outfile);
      const { uploadForm } = await import("../bundle/upload-form.ts");
      const uploadMaps = args["upload-source-maps"] ?? (config.upload_source_maps as boolean | undefined);
      const form = uploadForm({
        config,
        cliVars,
        secrets,
        command,
        main: { name, content: body, type: built.serviceWorker ? "commonjs" : "esm" },
        modules: modules.map((module) => ({ name: module.name, content: readFileSync(module.file), type: module.type })),
        sourceMaps: uploadMaps && map ? [{ name: `${name}.map`, content: uploadedMap(map, name, built.file, built.loaded.userDir) }] : undefined,
        keepVars: Boolean(args["keep-vars"] || config.keep_vars),
        logpush: args.logpush,
        tag: args.tag,
        message: args.message,
        previewAlias: args["preview-alias"],
      });
      writeFileSync(outfile, form.serialize());
    }
    log.info("--dry-run: exiting now.");
  } finally {
    built.dispose();
  }
}

/** `--secrets-file`: a JSON object of strings, else dotenv text, checked in wrangler's words. */
function readSecretsFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(path.resolve(file), "utf8");
  } catch (error) {
    // wrangler's words, as for a config file it cannot read.
    const { ParseError } = require("../errors.ts") as typeof import("../errors.ts");
    const { describeReadError } = require("../config/parse.ts") as typeof import("../config/parse.ts");
    throw new ParseError(`Could not read file: ${path.resolve(file)}`, undefined, [describeReadError(error, path.resolve(file))]);
  }
  let content: unknown;
  try {
    content = JSON.parse(text);
  } catch {
    content = (require("dotenv") as typeof import("dotenv")).parse(text);
    if (Object.keys(content as object).length === 0) throw new UserError(`The contents of "${file}" is not valid.`);
  }
  if (content === null || typeof content !== "object") {
    throw new UserError(`The contents of "${file}" is not valid. It should be a JSON object of string values.`);
  }
  for (const [key, value] of Object.entries(content)) {
    if (typeof value !== "string") throw new UserError(`The value for "${key}" in "${file}" is not a "string" instead it is of type "${typeof value}"`);
  }
  return content as Record<string, string>;
}

/**
 * What wrangler's deploy --dry-run does with the assets directory: says how
 * many entries it read (readdir's recursive list, directories and ignored
 * files included, as wrangler counts them), then, for each file that
 * `.assetsignore` does not hide, refuses a Pages `_worker.js` that no
 * `.assetsignore` speaks for and a file over the platform's size limit.
 */
function readAssets(directory: string): void {
  const entries = readdirSync(directory, { recursive: true, encoding: "utf8" });
  log.info(`✨ Read ${entries.length} file${entries.length === 1 ? "" : "s"} from the assets directory ${directory}`);
  const ignoreFile = path.join(directory, ".assetsignore");
  const ignoreText = existsSync(ignoreFile) ? readFileSync(ignoreFile, "utf8") : undefined;
  const ignored = ignoreMatcher(ignoreText);
  for (const entry of entries) {
    const relative = entry.split(path.sep).join("/");
    if (ignored(relative)) continue;
    const file = path.join(directory, entry);
    const stat = statSync(file);
    if (stat.isDirectory()) continue;
    if (ignoreText === undefined && relative.startsWith(WORKER_JS)) {
      const what = relative === WORKER_JS ? "file" : "directory";
      throw new UserError(
        layoutNotes(
          `Uploading a Pages ${WORKER_JS} ${what} as an asset.\n` +
            "This could expose your private server-side code to the public Internet. Is this intended?\n" +
            `If you do not want to upload this ${what}, either remove it or add an ".assetsignore" file, to the root of your asset directory, containing "${WORKER_JS}" to avoid uploading.\n` +
            `If you do want to upload this ${what}, you can add an empty ".assetsignore" file, to the root of your asset directory, to hide this error.`,
        ),
      );
    }
    if (stat.size > MAX_ASSET_SIZE) {
      throw new UserError(
        layoutNotes(
          "Asset too large.\n" +
            `Cloudflare Workers supports assets with sizes of up to ${binaryBytes(MAX_ASSET_SIZE)}. We found a file ${file} with a size of ${binaryBytes(stat.size)}.\n` +
            `Ensure all assets in your assets directory "${directory}" conform with the Workers maximum size requirement.`,
        ),
      );
    }
  }
}
const WORKER_JS = "_worker.js";

/** A size as wrangler prints it: three significant digits of the largest binary unit (25 MiB, 1.5 KiB). */
function binaryBytes(size: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  const exponent = size < 1 ? 0 : Math.min(Math.floor(Math.log(size) / Math.log(1024)), units.length - 1);
  return `${Number((size / 1024 ** exponent).toPrecision(3))} ${units[exponent]}`;
}


function makeDir(dir: string, flag: string, given: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOTDIR" ? "a part of its path is a file" : (error as Error).message;
    throw new UserError(`Could not create the ${flag} directory "${given}": ${reason}.`);
  }
}

/** The bundle as wrangler uploads it and writes it to --outdir: ending with the comment naming its map beside it. */
function uploadedBody(code: string, map: string | undefined, name: string): string {
  // Joined rather than one template: Bun's CLI bundle would print the comment at the start of a line, where Bun takes it for the bundle's own source map.
  return map ? [code.replace(/\/\/# sourceMappingURL=.*\s*$/, "").trimEnd(), `//# sourceMappingURL=${name}.map`, ""].join("\n") : code;
}

/**
 * The source map as wrangler writes it to --outdir, where esbuild builds into that directory
 * with `sourceRoot` the flag as given: the sources relative to the out directory, each
 * one's text beside it (null where there is no file), in esbuild's layout and key order.
 */
export function outdirMap(map: string, builtFile: string, outdir: string, given: string): string {
  const { version, sources, mappings, names, sourceRoot: _root, sourcesContent: _content, ...rest } = JSON.parse(map) as Record<string, unknown> & { sources: string[] };
  // A text or data module bunflare inlines (wrangler uploads it beside the bundle) is its plugin's
  // namespace and the file's absolute path: named as the file.
  const files = sources.map((source) => path.resolve(path.dirname(builtFile), /^bunflare-module:/.test(source) ? source.slice(source.indexOf(":") + 1) : source));
  // A service worker's module global (see the bundler's collectModules) is its namespace and name, its text the stand-in.
  const virtual = sources.map((source) => UPLOAD_GLOBAL.exec(source)?.[0]);
  const contents = files.map((file, i) => {
    if (virtual[i]) return `export default ${virtual[i]!.slice(virtual[i]!.indexOf(":") + 1).replace(/[^a-zA-Z0-9_$]/g, "_")};`;
    try {
      return readFileSync(file, "utf8");
    } catch {
      return null;
    }
  });
  const relative = files.map((file, i) => virtual[i] ?? path.relative(outdir, file).split(path.sep).join("/"));
  const fields: [string, unknown][] = [
    ["version", version],
    ["sources", relative],
    ["sourceRoot", given],
    ["sourcesContent", contents],
    ["mappings", mappings],
    ["names", names],
    ...Object.entries(rest),
  ];
  // esbuild's text: a key a line, arrays on one line, and (its default ASCII charset) every other character escaped.
  const value = (item: unknown): string =>
    Array.isArray(item)
      ? `[${item.map(value).join(", ")}]`
      : JSON.stringify(item).replace(/[^\x00-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`);
  return `{\n${fields.map(([key, item]) => `  ${JSON.stringify(key)}: ${value(item)}`).join(",\n")}\n}\n`;
}

/**
 * The source map as wrangler uploads it: esbuild's map as one line, the sources relative to the
 * project's directory with their text, an empty `sourceRoot`, and `file` the module's name.
 */
function uploadedMap(map: string, name: string, builtFile: string, projectDir: string): string {
  const { version, sources, mappings, names, sourceRoot: _root, sourcesContent: _content, ...rest } = JSON.parse(map) as Record<string, unknown> & { sources: string[] };
  const files = sources.map((source) => path.resolve(path.dirname(builtFile), source));
  const contents = files.map((file) => {
    try {
      return readFileSync(file, "utf8");
    } catch {
      return null;
    }
  });
  const relative = files.map((file) => path.relative(projectDir, file).split(path.sep).join("/"));
  return JSON.stringify({ version, sources: relative, sourceRoot: "", sourcesContent: contents, mappings, names, ...rest, file: name });
}

const UPLOAD_GLOBAL = /wrangler-module-(?:Text|Data|CompiledWasm):.*$/;

/** Wrangler's layout: <entry>.js, its .map and the additional modules (the README.md naming the worker is written apart). */
function writeOutdir(outdir: string, name: string, body: string, map: string | undefined, modules: { name: string; file: string }[]) {
  writeFileSync(path.join(outdir, name), body);
  if (map) writeFileSync(path.join(outdir, `${name}.map`), map);
  for (const module of modules) {
    mkdirSync(path.dirname(path.join(outdir, module.name)), { recursive: true });
    copyFileSync(module.file, path.join(outdir, module.name));
  }
}

/** A Durable Object or workflow class the config names must be exported by the worker, as wrangler checks. */
function checkExports(config: LoadedConfig["config"], code: string, main: string): void {
  const exports = new Set(new Bun.Transpiler({ loader: "js" }).scan(code).exports);
  const relative = path.relative(process.cwd(), main);
  const missing = (entries: { class_name: string; script_name?: string }[]) =>
    entries.filter((entry) => !entry.script_name && !exports.has(entry.class_name)).map((entry) => entry.class_name);
  const objects = missing(config.durable_objects?.bindings ?? []);
  if (objects.length) {
    throw new UserError(
      layoutNotes(
        `Your Worker depends on the following Durable Objects, which are not exported in your entrypoint file: ${objects.join(", ")}.\n` +
          `You should export these objects from your entrypoint, ${relative}.`,
      ),
    );
  }
  const workflows = missing(config.workflows ?? []);
  if (workflows.length) {
    throw new UserError(
      layoutNotes(
        `Your Worker depends on the following Workflows, which are not exported in your entrypoint file: ${workflows.join(", ")}.\n` +
          `You should export these objects from your entrypoint, ${relative}.`,
      ),
    );
  }
}

/** A versions subcommand that only exists on Cloudflare's network (normally forwarded before parsing). */
function remote(command: string, describe: string): CommandSpec {
  return {
    command,
    describe,
    handler: async () => {
      process.exitCode = await forwardToWrangler(process.argv.slice(2));
    },
  };
}

export const deploy = defineCommand<DeployArgs>({
  command: "deploy [script]",
  describe: "🆙 Deploy a Worker to Cloudflare",
  positionals: scriptPositional,
  // In wrangler's order and words.
  options: {
    name: str("Name of the Worker"),
    ...buildFlags("deploy", "Workers"),
    triggers: { ...arr("cron schedules to attach"), alias: ["schedule", "schedules"] },
    routes: { ...arr("Routes to upload"), alias: "route" },
    domains: { ...arr("Custom domains to deploy to"), alias: "domain" },
    ...jsxFlags,
    "dry-run": bool("Don't actually deploy"),
    metafile: {
      describe:
        "Path to output build metadata from esbuild. If flag is used without a path, defaults to 'bundle-meta.json' inside the directory specified by --outdir.",
      type: "string",
      coerce: (value: unknown) => (value ? value : true),
    },
    "keep-vars": bool(
      "When not used (or set to false), Wrangler will delete all vars before setting those found in the Wrangler configuration.\n" +
        "When used (and set to true), the environment variables are not deleted before the deployment.\n" +
        "If you set variables via the dashboard you probably want to use this flag.\n" +
        "Note that secrets are never deleted by deployments.",
      false,
    ),
    logpush: bool("Send Trace Events from this Worker to Workers Logpush.\nThis will not configure a corresponding Logpush job automatically."),
    "upload-source-maps": bool("Include source maps when uploading this Worker."),
    "old-asset-ttl": { describe: "Expire old assets in given seconds rather than immediate deletion.", type: "number" },
    "dispatch-namespace": str("Name of a dispatch namespace to deploy the Worker to (Workers for Platforms)"),
    "containers-rollout": {
      describe:
        "Rollout strategy for Containers changes. If set to immediate, it will override `rollout_percentage_steps` if configured and roll out to 100% of instances in one step.",
      choices: ["immediate", "gradual"],
    },
    tag: str("A tag for this Worker Version"),
    message: str("A descriptive message for this Worker Version and Deployment"),
    strict: bool("Enables strict mode for the deploy command, this prevents deployments to occur when there are even small potential risks.", false),
    "experimental-autoconfig": {
      ...bool("Experimental: Enables framework detection and automatic configuration when deploying", true),
      alias: "x-autoconfig",
    },
    "secrets-file": secretsFile("deployment"),
  },
  async handler(args) {
    if (!args["dry-run"]) {
      process.exitCode = await forwardToWrangler(process.argv.slice(2));
      return;
    }
    await dryRun(args, "deploy");
  },
});

export const versions = defineCommand({
  command: "versions",
  describe: "🫧 List, view, upload and deploy Versions of your Worker to Cloudflare",
  subcommands: [
    remote("view <version-id>", "View the details of a specific version of your Worker"),
    remote("list", "List the 10 most recent Versions of your Worker"),
    defineCommand<DeployArgs>({
      command: "upload [script]",
      describe: "Uploads your Worker code and config as a new Version",
      positionals: scriptPositional,
      options: {
        name: str("Name of the Worker"),
        tag: str("A tag for this Worker Gradual Rollouts Version"),
        message: str("A descriptive message for this Worker Gradual Rollouts Version"),
        "preview-alias": str("Name of an alias for this Worker version"),
        ...buildFlags("upload", "Worker"),
        ...jsxFlags,
        "upload-source-maps": bool("Include source maps when uploading this Worker Gradual Rollouts Version."),
        "dry-run": bool("Compile a project without actually uploading the version."),
        "secrets-file": secretsFile("version"),
      },
      async handler(args) {
        if (!args["dry-run"]) {
          process.exitCode = await forwardToWrangler(process.argv.slice(2));
          return;
        }
        await dryRun(args, "versions upload");
      },
    }),
    remote("deploy [version-specs..]", "Safely roll out new Versions of your Worker by splitting traffic between multiple Versions"),
    remote("secret", "Generate a secret that can be referenced in a Worker"),
  ],
});

export default deploy;
