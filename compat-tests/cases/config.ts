import type { CompatCase } from "../harness.ts";

const worker = 'export default { fetch() { return new Response("hi"); } };\n';
// `kv key get` with an unknown binding reads the config and fails after it,
// so the config warnings and errors it prints are what these cases compare.
const probe = ["kv", "key", "get", "k", "--binding", "NOPE", "--local"];

export const cases: CompatCase[] = [
  {
    name: "root help lists the command groups",
    fast: true,
    steps: [{ args: ["--help"] }],
  },
  {
    name: "version flag",
    fast: true,
    steps: [{ args: ["--version"], compare: ["exitCode"] }],
  },
  {
    name: "unknown command is rejected",
    fast: true,
    steps: [{ args: ["frobnicate"] }],
  },
  {
    name: "malformed TOML names file, line and column",
    fast: true,
    files: { "wrangler.toml": 'name = "x"\nmain = \n', "index.js": worker },
    steps: [{ args: probe, compare: ["exitCode", "stderr"] }],
  },
  {
    name: "wrong type in config is an error",
    fast: true,
    files: { "wrangler.toml": 'name = "x"\nmain = "index.js"\ncompatibility_date = 5\n', "index.js": worker },
    steps: [{ args: probe, compare: ["exitCode", "stderr"] }],
  },
  {
    name: "unknown top-level field is a warning",
    fast: true,
    files: { "wrangler.toml": 'name = "x"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\nfoo = 1\n', "index.js": worker },
    steps: [{ args: probe, compare: ["exitCode", "stderr"] }],
  },
  {
    name: "missing environment is an error",
    fast: true,
    files: {
      "wrangler.toml": 'name = "x"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[env.staging]\nname = "y"\n',
      "index.js": worker,
    },
    steps: [{ args: [...probe, "--env", "prod"], compare: ["exitCode", "stderr"] }],
  },
];
