import type { CompatCase } from "../harness.ts";

export const cases: CompatCase[] = [
  {
    name: "cli: root help lists the command groups",
    fast: true,
    steps: [{ args: ["--help"] }, { args: ["-h"] }],
  },
  {
    name: "cli: version flag",
    fast: true,
    // The numbers differ by design (bunflare has its own version).
    steps: [
      { args: ["--version"], compare: ["exitCode"], reason: "the version numbers differ by design" },
      { args: ["-v"], compare: ["exitCode"], reason: "the version numbers differ by design" },
    ],
  },
  {
    name: "cli: unknown command is rejected with the root help",
    fast: true,
    steps: [{ args: ["frobnicate"] }],
  },
  {
    name: "cli: unknown flag is rejected",
    // Here wrangler's help lists commands in its internal registration order
    // rather than by category; that order is not part of the interface.
    steps: [{ args: ["--frobnicate"], compare: ["exitCode", "stderr"], reason: "the help after the error lists commands in wrangler's internal registration order" }],
  },
  {
    name: "cli: help for a command group",
    // Bunflare does not implement these remote commands: their help has only the global flags.
    steps: [
      { args: ["login", "--help"], compare: ["exitCode", "stderr"], reason: "login is remote-only: bunflare's help lists only the global flags" },
      { args: ["deploy", "--help"], compare: ["exitCode", "stderr"], reason: "deploy is remote-only: bunflare's help lists only the global flags" },
    ],
  },
];

cases.push({
  name: "cli: WRANGLER_LOG hides what wrangler's logger hides, in every command",
  files: {
    "wrangler.toml": 'name = "lv"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[kv_namespaces]]\nbinding = "KV"\nid = "abc"\n',
    "index.js": "export default {};\n",
  },
  steps: [
    { args: ["kv", "key", "put", "k", "v", "--binding", "KV", "--local"], env: { WRANGLER_LOG: "none" } },
    // The value itself is written to stdout directly, so it shows at any level.
    { args: ["kv", "key", "get", "k", "--binding", "KV", "--local"], env: { WRANGLER_LOG: "none" } },
    { args: ["kv", "key", "list", "--binding", "KV", "--local"], env: { WRANGLER_LOG: "error" } },
    { args: ["kv", "key", "get", "nope", "--binding", "KV", "--local"], env: { WRANGLER_LOG: "warn" } },
    { args: ["kv", "key", "get", "nope", "--binding", "KV", "--local"], env: { WRANGLER_LOG: "bogus" } },
    { args: ["kv", "namespace", "list", "--wat"], env: { WRANGLER_LOG: "none" } },
  ],
});

cases.push({
  name: "cli: --log-level on any command sets the level before its unknown-argument error",
  files: {
    "wrangler.toml": 'name = "lv"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[kv_namespaces]]\nbinding = "KV"\nid = "abc"\n',
    "index.js": "export default {};\n",
  },
  // Wrangler's global middleware applies --log-level to every command; only `dev` declares it,
  // so elsewhere yargs then refuses it as unknown, and that error shows only if the level lets it.
  steps: [
    ...["none", "error", "warn", "info", "log"].map((level) => ({ args: ["kv", "key", "put", "k", "v", "--binding", "KV", "--local", "--log-level", level] })),
    { args: ["kv", "key", "put", "k", "v", "--binding", "KV", "--local", "--log-level=none"] },
    { args: ["kv", "key", "put", "k", "v", "--binding", "KV", "--local", "--log-level", "loud"] },
    { args: ["kv", "key", "put", "k", "v", "--binding", "KV", "--local"], env: { WRANGLER_LOG: "info" } },
    { args: ["kv", "key", "put", "k", "v", "--binding", "NOPE", "--local"], env: { WRANGLER_LOG: "error" } },
  ],
});

const rootHelpOrder = "after this usage error wrangler's root help lists commands in its internal registration order (as for an unknown flag); the error and exit code are compared";
cases.push({
  name: "cli: a flag given twice is refused, global ones too, with the help of the words on the line",
  files: {
    "wrangler.toml":
      'name = "x"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[kv_namespaces]]\nbinding = "KV"\nid = "abc"\n' +
      '[[d1_databases]]\nbinding = "DB"\ndatabase_name = "db"\ndatabase_id = "d1"\n[env.staging]\n[env.prod]\n',
    "index.js": "export default {};\n",
  },
  steps: [
    { args: ["kv", "key", "list", "--binding", "KV", "--local", "--prefix", "a", "--prefix", "b"] },
    { args: ["d1", "execute", "DB", "--local", "--command", "SELECT 1", "--command", "SELECT 2"] },
    { args: ["kv", "key", "put", "k", "v", "--binding", "KV", "--binding", "KV", "--local"] },
    { args: ["kv", "key", "list", "--binding", "KV", "--local", "--env", "staging", "--env", "prod"] },
    // A global flag's value before the command words makes wrangler show its root help.
    { args: ["-e", "staging", "-e", "prod", "kv", "key", "list", "--binding", "KV", "--local"], compare: ["exitCode", "stderr"], reason: rootHelpOrder },
    { args: ["--cwd", ".", "--cwd", ".", "kv", "key", "list", "--binding", "KV", "--local"], compare: ["exitCode", "stderr"], reason: rootHelpOrder },
    { args: ["-c", "wrangler.toml", "-c", "wrangler.toml", "kv", "key", "list", "--binding", "KV", "--local"], compare: ["exitCode", "stderr"], reason: rootHelpOrder },
    { args: ["-c", "wrangler.toml", "kv", "key", "list", "--binding", "KV", "--local", "--bogus"], compare: ["exitCode", "stderr"], reason: rootHelpOrder },
    // Nothing was written by the refused lines.
    { args: ["kv", "key", "list", "--binding", "KV", "--local"] },
  ],
});
