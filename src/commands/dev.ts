// `bunflare dev`: wrangler dev's flags, word for word; the server is in src/dev/.
import { defineCommand } from "./define.ts";
import type { DevArgs } from "../dev/settings.ts";

export default defineCommand<DevArgs>({
  command: "dev [script]",
  describe: "👂 Start a local server for developing your Worker",
  positionals: { script: { type: "string", describe: "The path to an entry point for your Worker" } },
  options: {
    name: { describe: "Name of the Worker", type: "string", requiresArg: true },
    "compatibility-date": { describe: "Date to use for compatibility checks", type: "string", requiresArg: true },
    "compatibility-flags": {
      describe: "Flags to use for compatibility checks",
      alias: "compatibility-flag",
      type: "string",
      array: true,
      requiresArg: true,
    },
    latest: { describe: "Use the latest version of the Workers runtime", type: "boolean", default: true },
    assets: { describe: "Static assets to be served. Replaces Workers Sites.", type: "string", requiresArg: true },
    "no-bundle": { describe: "Skip internal build steps and directly deploy script", type: "boolean", default: false },
    // yargs reads --no-bundle as bundle=false; declared (hidden, as wrangler does) so strict mode accepts it.
    bundle: { type: "boolean", hidden: true },
    ip: { describe: "IP address to listen on", type: "string" },
    port: { describe: "Port to listen on", type: "number" },
    "inspector-port": { describe: "Port for devtools to connect to", type: "number" },
    "inspector-ip": { describe: "IP address for devtools to connect to", type: "string" },
    routes: { describe: "Routes to upload", alias: "route", type: "string", array: true },
    host: { describe: "Host to forward requests to, defaults to the zone of project", type: "string", requiresArg: true },
    "local-protocol": {
      describe: "Protocol to listen to requests on, defaults to http.",
      choices: ["http", "https"],
    },
    "https-key-path": { describe: "Path to a custom certificate key", type: "string", requiresArg: true },
    "https-cert-path": { describe: "Path to a custom certificate", type: "string", requiresArg: true },
    "local-upstream": {
      describe: "Host to act as origin in local mode, defaults to dev.host or route",
      type: "string",
      requiresArg: true,
    },
    "upstream-protocol": {
      describe: "Protocol to forward requests to host on, defaults to https.",
      choices: ["http", "https"],
    },
    var: { describe: "A key-value pair to be injected into the script as a variable", type: "string", array: true, requiresArg: true },
    define: { describe: "A key-value pair to be substituted in the script", type: "string", array: true, requiresArg: true },
    alias: { describe: "A module pair to be substituted in the script", type: "string", array: true, requiresArg: true },
    "jsx-factory": { describe: "The function that is called for each JSX element", type: "string", requiresArg: true },
    "jsx-fragment": { describe: "The function that is called for each JSX fragment", type: "string", requiresArg: true },
    tsconfig: { describe: "Path to a custom tsconfig.json file", type: "string", requiresArg: true },
    remote: {
      alias: "r",
      describe: "Run on the global Cloudflare network with access to production resources",
      type: "boolean",
      default: false,
    },
    local: { alias: "l", describe: "Run locally with remote bindings disabled", type: "boolean" },
    minify: { describe: "Minify the script", type: "boolean" },
    "enable-containers": { describe: "Whether to build and enable containers during development", type: "boolean", hidden: true },
    "persist-to": {
      describe: "Specify directory to use for local persistence (defaults to .wrangler/state)",
      type: "string",
      requiresArg: true,
    },
    "live-reload": { describe: "Auto reload HTML pages when change is detected in local mode", type: "boolean" },
    "test-scheduled": { describe: "Test scheduled events by visiting /__scheduled in browser", type: "boolean", default: false },
    // Not in wrangler, whose dev never fires crons: --no-crons keeps them manual.
    crons: { describe: "Fire the Worker's cron triggers on their schedule", type: "boolean", default: true },
    "log-level": { describe: "Specify logging level", choices: ["debug", "info", "log", "warn", "error", "none"] },
    "show-interactive-dev-session": {
      describe: "Show interactive dev session (defaults to true if the terminal supports interactivity)",
      type: "boolean",
    },
    types: { describe: "Generate types from your Worker configuration", type: "boolean" },
    tunnel: { describe: "Expose your local dev server via a Cloudflare Quick Tunnel (https://try.cloudflare.com)", type: "boolean" },
  },
  async handler(args) {
    const { startDev } = await import("../dev/start.ts");
    await startDev(args);
  },
});
