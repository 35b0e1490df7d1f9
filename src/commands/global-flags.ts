// wrangler's global flags, shared by the root parser (src/cli.ts) and `complete`.
export const GLOBAL_FLAGS = {
  v: { describe: "Show version number", alias: "version", type: "boolean" },
  cwd: {
    describe: "Run as if Wrangler was started in the specified directory instead of the current working directory",
    type: "string",
    requiresArg: true,
  },
  config: { alias: "c", describe: "Path to Wrangler configuration file", type: "string", requiresArg: true },
  env: {
    alias: "e",
    describe: "Environment to use for operations, and for selecting .env and .dev.vars files",
    type: "string",
    requiresArg: true,
  },
  "env-file": {
    describe:
      "Path to an .env file to load - can be specified multiple times - values from earlier files are overridden by values in later files",
    type: "string",
    array: true,
    requiresArg: true,
  },
} as const;
