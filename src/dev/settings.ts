// What one worker of a dev session is made of, read from its config, vars
// and flags: re-read whenever the config or a .dev.vars / .env file changes.
import { LEVELS, type DevConsole } from "./console.ts";
import { nodeCompatOf } from "../bundle/options.ts";
import path from "node:path";
import type { GlobalArgs } from "../commands/define.ts";
import { ASSETS_ONLY_WORKER, assetsDirectory } from "../config/assets.ts";
import { resolveMain } from "../config/index.ts";
import { loadDevVars } from "../config/vars.ts";
import { openProject, type Project } from "../project.ts";
import type { Assets } from "../../runtime/bindings/assets/index.ts";
import { BINDINGS } from "../../runtime/bindings/registry.ts";
import { remoteFieldNotices } from "../../runtime/bindings/index.ts";
import { pagesVars, type PagesSpec } from "../pages/dev.ts";

export type LogLevel = "debug" | "info" | "log" | "warn" | "error" | "none";

export interface DevArgs extends GlobalArgs {
  script?: string;
  name?: string;
  "compatibility-date"?: string;
  "compatibility-flags"?: string[];
  "no-bundle"?: boolean;
  bundle?: boolean;
  ip?: string;
  port?: number;
  "inspector-port"?: number;
  "local-protocol"?: "http" | "https";
  "https-key-path"?: string;
  "https-cert-path"?: string;
  var?: string[];
  define?: string[];
  alias?: string[];
  "jsx-factory"?: string;
  "jsx-fragment"?: string;
  tsconfig?: string;
  remote?: boolean;
  /** wrangler's "Run locally with remote bindings disabled": every binding as with `remote = false`. */
  local?: boolean;
  minify?: boolean;
  "persist-to"?: string;
  assets?: string;
  "live-reload"?: boolean;
  "test-scheduled"?: boolean;
  crons?: boolean;
  "log-level"?: LogLevel;
  "show-interactive-dev-session"?: boolean;
  "enable-containers"?: boolean;
  /** Set by `pages dev`: the project is a Pages one (src/pages/dev.ts). */
  pages?: PagesSpec;
  /** Set by `pages dev`: run after the banner, it reads the project and returns the args to start with. */
  preparePages?: () => Promise<DevArgs>;
}

export interface Settings {
  project: Project;
  main: string;
  assets?: Assets;
  vars: Record<string, unknown>;
  hidden: Set<string>;
  nodeCompat: boolean;
  watchFiles: string[];
  watchDirs: string[];
  /** wrangler's warnings (or error) at start about bindings' `remote` fields, as configured. */
  remoteNotices: { warnings: string[]; error?: string };
  /** A `pages dev` worker: its spec. */
  pages?: PagesSpec;
  /** Run before each build (a `pages dev` Functions entry written again); a throw fails the build. */
  prepare?: () => Promise<void>;
}

/** wrangler's lines about parsed `_headers` / `_redirects` rules, at the chosen --log-level. */
function assetsLog(level: LogLevel): (at: "info" | "warn", text: string) => void {
  return (at, text) => {
    if (LEVELS.indexOf(at) > LEVELS.indexOf(level)) return;
    console.log(`[wrangler:${at}] ${text}`);
  };
}

/** Empties a binding's entries at its config path ("kv_namespaces", "queues.producers"): a list stays a list. */
function dropEntries(config: Record<string, unknown>, key: string): void {
  const parts = key.split(".");
  const last = parts.pop()!;
  let holder: Record<string, unknown> | undefined = config;
  for (const part of parts) holder = holder?.[part] as Record<string, unknown> | undefined;
  if (holder && holder[last] !== undefined) holder[last] = Array.isArray(holder[last]) ? [] : undefined;
}

/** wrangler pages dev's lines about parsed `_headers` / `_redirects`: plain lines, and warnings in its box. */
function pagesAssetsLog(level: LogLevel, out: SettingsOutput): (at: "info" | "warn", text: string) => void {
  return (at, text) => {
    if (LEVELS.indexOf(at === "info" ? "log" : "warn") > LEVELS.indexOf(level)) return;
    if (at === "warn") out.warn(text);
    else out.line(text);
  };
}

/** Where reading the settings writes its warnings and lines (the dev console). */
export type SettingsOutput = Pick<DevConsole, "warn" | "line">;

function todaysDate(): string {
  return new Date().toISOString().slice(0, 10);
}

/** Reads config, vars and entry point; called at start and again when config or .dev.vars change. */
export function loadSettings(args: DevArgs, out: SettingsOutput): Settings {
  const project = openProject(args, { redirect: true });
  const { loaded } = project;
  const config = loaded.config;
  if (args.name) config.name = args.name;
  if (args["compatibility-flags"]) config.compatibility_flags = args["compatibility-flags"].map(String);
  if (args["compatibility-date"]) config.compatibility_date = args["compatibility-date"];
  if (!config.compatibility_date) {
    const today = todaysDate();
    if (args.pages) {
      // wrangler pages dev names the file generically, with or without one.
      out.warn(
        `No compatibility_date was specified. Using today's date: ${today}.\n\n` +
          [
            `❯❯ Add one to your Wrangler configuration file: compatibility_date = "${today}", or`,
            `❯❯ Pass it in your terminal: wrangler pages dev [<DIRECTORY>] --compatibility-date=${today}`,
            "",
            "See https://developers.cloudflare.com/workers/platform/compatibility-dates/ for more information.",
          ]
            .map((line) => `  ${line}`)
            .join("\n"),
      );
    } else if (loaded.path) {
      const file = path.basename(loaded.path);
      const snippet = file.endsWith(".toml") ? `compatibility_date = "${today}"` : `"compatibility_date": "${today}"`;
      out.warn(
        `No compatibility_date was specified. Using today's date: ${today}.\n\n` +
          [
            `❯❯ Add one to your ${file} file: ${snippet}, or`,
            `❯❯ Pass it in your terminal: wrangler dev [<SCRIPT>] --compatibility-date=${today}`,
            "",
            "See https://developers.cloudflare.com/workers/platform/compatibility-dates/ for more information.",
          ]
            .map((line) => `  ${line}`)
            .join("\n"),
      );
    }
    config.compatibility_date = today;
  }
  const pages = args.pages;
  if (pages) {
    // As wrangler pages dev: without a worker (its shim), the config's bindings are not bound; the flags' are.
    if (!pages.main) for (const { key } of BINDINGS) dropEntries(config, key);
    // The project's name in CF_PAGES_URL: the config's, else the working directory's.
    config.vars = { ...pagesVars(config.name || path.basename(process.cwd())), ...config.vars };
    pages.applyFlags(config);
    config.assets = { directory: pages.directory, binding: "ASSETS" };
  }
  // Read before --local: wrangler warns from the config's own `remote` fields.
  const remoteNotices = remoteFieldNotices(config);
  if (args.local) {
    // As wrangler: images and stream then run locally, always-remote products are "not supported".
    for (const descriptor of BINDINGS) {
      for (const entry of descriptor.entries(config)) if (entry && typeof entry === "object") (entry as { remote?: boolean }).remote = false;
    }
  }
  const devVars = loadDevVars(loaded, { envFiles: args["env-file"], cliVars: args.var });
  const hidden = new Set(
    Object.keys(devVars.vars).filter((name) => !(name in config.vars) || devVars.vars[name] !== config.vars[name]),
  );
  const flags = config.compatibility_flags ?? [];
  const secretsFiles = [".dev.vars", ".env", ".env.local"].flatMap((name) =>
    loaded.env ? [name, `${name}.${loaded.env}`, `${name}.${loaded.env}.local`] : [name],
  );
  // As wrangler: watch_dir matters only to a custom build.
  const watchDirs = (config.build?.command ? [config.build.watch_dir ?? "./src"] : [])
    .flat()
    .map((dir) => path.resolve(loaded.dir, dir));
  // A Pages directory that does not exist is served as an empty one, as wrangler pages dev does.
  const assetsDir = pages ? pages.directory : assetsDirectory(args.assets, config.assets?.directory, loaded.dir);
  // An assets-only project (no `main`, no script argument) is served by the asset server alone;
  // the dev server still runs a worker, one that is never reached.
  const assetsOnly = pages ? !pages.main : Boolean(assetsDir) && !args.script && !config.main;
  const main = assetsOnly ? ASSETS_ONLY_WORKER : (pages?.main ?? resolveMain(loaded, args.script));
  if (pages?.functionsDir) watchDirs.push(pages.functionsDir);
  return {
    project,
    main,
    // Required here, not at the top: a start without assets spawns esbuild without loading the asset server.
    assets: assetsDir
      ? (require("../../runtime/bindings/assets/index.ts") as typeof import("../../runtime/bindings/assets/index.ts")).createAssets(assetsDir, config.assets, {
          hasWorker: !assetsOnly,
          compatibilityDate: config.compatibility_date,
          compatibilityFlags: flags,
          log: pages ? pagesAssetsLog(args["log-level"] ?? "log", out) : assetsLog(args["log-level"] ?? "log"),
          watch: true,
          pages: Boolean(pages),
        })
      : undefined,
    vars: devVars.vars,
    hidden,
    nodeCompat: nodeCompatOf(flags),
    watchFiles: [...(loaded.path ? [loaded.path] : []), ...secretsFiles.map((name) => path.join(loaded.dir, name))],
    watchDirs,
    remoteNotices,
    pages,
    prepare: pages?.regenerate,
  };
}
