// `setup` and `complete`, diffed against wrangler.
import type { CompatCase, ExpectedDifference } from "../harness.ts";

/** Wrangler installs itself into the project; bunflare installs nothing and says what to run. */
const NO_INSTALL: ExpectedDifference = {
  reason: "wrangler installs wrangler into the project here; bunflare installs nothing (that needs the npm registry) and says so on the same line",
  streams: ["stdout"],
  bunflare: (text) => text.replace(/ - wrangler \(devDependency\): not installed by wrangler; `npm install --save-dev wrangler` before deploying/, " - wrangler (devDependency)"),
};

const STATIC_SITE = { "package.json": '{"name":"My_Site","version":"1.0.0","scripts":{"test":"x"}}\n', "dist/index.html": "<h1>hi</h1>\n" };

export const cases: CompatCase[] = [
  {
    name: "setup: help",
    fast: true,
    steps: [{ args: ["setup", "--help"] }, { args: ["complete", "--help"] }],
  },
  {
    name: "setup: a static site, dry run and for real (non-interactive), then already set up",
    files: { ...STATIC_SITE, ".gitignore": "node_modules\n" },
    expected: [NO_INSTALL],
    steps: [
      { args: ["setup", "--dry-run"] },
      // --install-wrangler=false keeps wrangler from reaching the npm registry; its output is the same.
      { args: ["setup", "--install-wrangler=false"] },
      // The files written are checked in test/setup-complete.test.ts (shell steps are not compared).
      { args: ["setup"] },
    ],
  },
  {
    name: "setup: a project with nothing to serve, and an index.html at the root",
    // Without a package.json the Worker is named after the (scratch) directory.
    normalize: (text) => text.replace(/compat-wrangler-[a-z0-9-]+/g, "<DIR-NAME>"),
    steps: [
      { args: ["setup"] },
      { shell: "echo '<h1>hi</h1>' > index.html", args: [] },
      { args: ["setup", "--dry-run", "--yes"] },
    ],
  },
  {
    name: "complete: the completion protocol answers from the command tree",
    steps: [
      { args: ["complete", "--", "kv", ""] },
      { args: ["complete", "--", "kv", "key", ""] },
      { args: ["complete", "--", "kv", "key", "put", "--"] },
      { args: ["complete", "--", "kv", "key", "put", "--b"] },
      { args: ["complete", "--", "kv", "key", "put", "x", "--l"] },
      { args: ["complete", "--", "d"] },
      { args: ["complete", "--", "d1", "migrations", ""] },
      { args: ["complete", "--", "r2", "object", ""] },
      { args: ["complete", "--", "dev", "--log-level", ""] },
      { args: ["complete", "--", "--"] },
      { args: ["complete", "--", "--c"] },
      { args: ["complete", "--", "x", ""] },
      { args: ["complete", "--", "complete", ""] },
    ],
  },
  {
    name: "complete: scripts for each shell, and a missing or unknown shell",
    steps: [
      { args: ["complete", "bash"], compare: ["exitCode", "stderr"], reason: "the scripts are bunflare's own (calling `bunflare complete --`), not wrangler's text" },
      { args: ["complete", "zsh"], compare: ["exitCode", "stderr"], reason: "the scripts are bunflare's own (calling `bunflare complete --`), not wrangler's text" },
      { args: ["complete", "fish"], compare: ["exitCode", "stderr"], reason: "the scripts are bunflare's own (calling `bunflare complete --`), not wrangler's text" },
      { args: ["complete", "powershell"], compare: ["exitCode", "stderr"], reason: "the scripts are bunflare's own (calling `bunflare complete --`), not wrangler's text" },
      { args: ["complete"] },
      { args: ["complete", "tcsh"] },
    ],
  },
];
