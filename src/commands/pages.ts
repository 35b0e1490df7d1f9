// `bunflare pages ...`: `pages dev` runs here, on `bunflare dev`'s session (src/pages/dev.ts), and
// `pages functions build` (src/pages/build.ts); Pages' other commands are handed to a real
// wrangler (src/forward.ts) before this is loaded.
import path from "node:path";
import { defineCommand } from "./define.ts";
import type { PagesDevArgs } from "../pages/dev.ts";
import type { PagesBuildArgs } from "../pages/build.ts";

const dev = defineCommand<PagesDevArgs>({
  command: "dev [directory] [command]",
  describe: "Develop your full-stack Pages application locally",
  positionals: {
    directory: { type: "string", describe: "The directory of static assets to serve" },
    command: { type: "string", describe: "The proxy command to run  [deprecated]" },
  },
  options: {
    "compatibility-date": { describe: "Date to use for compatibility checks", type: "string" },
    "compatibility-flags": { describe: "Flags to use for compatibility checks", alias: "compatibility-flag", type: "string", array: true },
    ip: { describe: "The IP address to listen on", type: "string" },
    port: { describe: "The port to listen on (serve from)", type: "number" },
    "inspector-port": { describe: "Port for devtools to connect to", type: "number" },
    proxy: { describe: "The port to proxy (where the static assets are served)", type: "number", deprecated: true },
    // wrangler's help shows the default inside the description.
    "script-path": {
      describe: "The location of the single Worker script if not using functions  [default: _worker.js]",
      type: "string",
      deprecated: true,
    },
    "no-bundle": { describe: "Whether to run bundling on `_worker.js`", type: "boolean" },
    bundle: { type: "boolean", hidden: true },
    binding: { alias: "b", describe: "Bind variable/secret (KEY=VALUE)", type: "array" },
    kv: { alias: "k", describe: "KV namespace to bind (--kv KV_BINDING)", type: "array" },
    d1: { describe: "D1 database to bind (--d1 D1_BINDING)", type: "array" },
    do: { alias: "o", describe: "Durable Object to bind (--do DO_BINDING=CLASS_NAME@SCRIPT_NAME)", type: "array" },
    r2: { describe: "R2 bucket to bind (--r2 R2_BINDING)", type: "array" },
    ai: { describe: "AI to bind (--ai AI_BINDING)", type: "string" },
    "version-metadata": { describe: "Worker Version metadata (--version-metadata VERSION_METADATA_BINDING)", type: "string" },
    service: { describe: "Service to bind (--service SERVICE=SCRIPT_NAME)", type: "array" },
    "live-reload": { describe: "Auto reload HTML pages when change is detected", type: "boolean", default: false },
    "local-protocol": { describe: "Protocol to listen to requests on, defaults to http.", choices: ["http", "https"] },
    "https-key-path": { describe: "Path to a custom certificate key", type: "string" },
    "https-cert-path": { describe: "Path to a custom certificate", type: "string" },
    "persist-to": { describe: "Specify directory to use for local persistence (defaults to .wrangler/state)", type: "string" },
    "log-level": { describe: "Specify logging level", choices: ["debug", "info", "log", "warn", "error", "none"] },
    "show-interactive-dev-session": {
      describe: "Show interactive dev session (defaults to true if the terminal supports interactivity)",
      type: "boolean",
    },
  },
  async handler(args) {
    const [{ startDev }, { pagesDevArgs }, { loadConfig }, { STORE_DIR_NAME }] = await Promise.all([
      import("../dev/start.ts"),
      import("../pages/dev.ts"),
      import("../config/index.ts"),
      import("../../runtime/store/index.ts"),
    ]);
    // The banner first, then what wrangler checks: config path, directory, the worker.
    await startDev({
      ...args,
      // Nothing for `dev` to read: the Pages project is read after the banner.
      config: undefined,
      async preparePages() {
        // Only a look at the directory here (its warnings are printed once, by the session's read).
        const configured = args.config === undefined ? loadConfig({ onWarning: () => {}, onInfo: () => {} }) : undefined;
        const outputDir = configured?.config.pages_build_output_dir;
        const storeDir = args["persist-to"] ? path.resolve(args["persist-to"]) : path.join(configured?.userDir ?? process.cwd(), STORE_DIR_NAME);
        return pagesDevArgs(args, outputDir ? path.resolve(configured!.dir, String(outputDir)) : undefined, storeDir);
      },
    });
  },
});

// Pages takes no custom config path nor environment: wrangler's help lists neither flag.
const HIDDEN_GLOBALS = {
  config: { alias: "c", type: "string", hidden: true },
  env: { alias: "e", type: "string", hidden: true },
} as const;
dev.options = { ...HIDDEN_GLOBALS, ...dev.options };

/** Pages' other commands, listed in the help; a real wrangler runs them (src/forward.ts). */
const forwarded = (command: string, describe: string) => defineCommand({ command, describe });

const functionsBuild = defineCommand<PagesBuildArgs>({
  command: "build [directory]",
  describe: "Compile a folder of Pages Functions into a single Worker",
  positionals: { directory: { type: "string", default: "functions", describe: "The directory of Pages Functions" } },
  // In wrangler's order and words.
  options: {
    outfile: { describe: "The location of the output Worker script", type: "string", deprecated: true },
    outdir: { describe: "Output directory for the bundled Worker", type: "string" },
    "output-config-path": { describe: "The location for the output config file", type: "string" },
    "build-metadata-path": { describe: "The location for the build metadata file", type: "string" },
    "project-directory": { describe: "The location of the Pages project", type: "string" },
    "output-routes-path": { describe: "The location for the output _routes.json file", type: "string" },
    minify: { describe: "Minify the output Worker script", type: "boolean", default: false },
    sourcemap: { describe: "Generate a sourcemap for the output Worker script", type: "boolean", default: false },
    "fallback-service": {
      describe: "The service to fallback to at the end of the `next` chain. Setting to '' will fallback to the global `fetch`.",
      type: "string",
      default: "ASSETS",
    },
    watch: { describe: "Watch for changes to the functions and automatically rebuild the Worker script", type: "boolean", default: false },
    plugin: { describe: "Build a plugin rather than a Worker script", type: "boolean", default: false },
    "build-output-directory": { describe: "The directory to output static assets to", type: "string" },
    "node-compat": { describe: "Enable Node.js compatibility", type: "boolean", default: false, hidden: true, deprecated: true },
    "compatibility-date": { describe: "Date to use for compatibility checks", type: "string" },
    "compatibility-flags": { describe: "Flags to use for compatibility checks", alias: "compatibility-flag", type: "string", requiresArg: true, array: true },
    bindings: { describe: "Bindings used in Functions (used to register beta product shims)", type: "string", deprecated: true, hidden: true },
    external: { describe: "A list of module imports to exclude from bundling", type: "string", array: true },
    metafile: {
      describe: "Path to output build metadata from esbuild. If flag is used without a path, defaults to 'bundle-meta.json' inside the directory specified by --outdir.",
      type: "string",
      coerce: (value: unknown) => (value ? value : true),
    },
  },
  async handler(args) {
    const { pagesFunctionsBuild } = await import("../pages/build.ts");
    await pagesFunctionsBuild(args);
  },
});
functionsBuild.options = { ...HIDDEN_GLOBALS, ...functionsBuild.options };

export default defineCommand({
  command: "pages",
  describe: "⚡️ Configure Cloudflare Pages",
  options: HIDDEN_GLOBALS,
  subcommands: [
    dev,
    defineCommand({ command: "functions", describe: "Helpers related to Pages Functions", options: HIDDEN_GLOBALS, subcommands: [functionsBuild] }),
    forwarded("project", "Interact with your Pages projects"),
    forwarded("deployment", "Interact with the deployments of a project"),
    forwarded("deploy [directory]", "Deploy a directory of static assets as a Pages deployment"),
    forwarded("secret", "Generate a secret that can be referenced in a Pages project"),
    forwarded("download", "Download settings from your project"),
  ],
});
