import type { CompatCase, CliStep } from "../harness.ts";

// Every `queues` success path in wrangler talks to Cloudflare's API (it needs
// an account), so only what wrangler decides locally is diffed here: help,
// flag checks and the non-interactive purge guard. The local success paths
// (create/list/info/update/delete/purge/consumer/pause) are covered by
// test/queues.test.ts, printing wrangler's success lines.
const q = (...args: string[]): CliStep => ({ args: ["queues", ...args] });

const config = 'name = "x"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n';
const worker = 'export default { fetch() { return new Response("hi"); } };\n';

export const cases: CompatCase[] = [
  {
    name: "queues help",
    steps: [q("--help"), q("create", "--help"), q("list", "--help"), q("info", "--help"), q("update", "--help"), q("delete", "--help"), q("purge", "--help")],
  },
  {
    name: "queues consumer help",
    steps: [
      q("consumer", "add", "--help"),
      q("consumer", "remove", "--help"),
      q("consumer", "http", "--help"),
      q("consumer", "worker", "--help"),
      q("pause-delivery", "--help"),
      q("resume-delivery", "--help"),
    ],
  },
  {
    name: "queues create rejects an out-of-range delivery delay and retention period",
    files: { "wrangler.toml": config, "index.js": worker },
    fast: true,
    steps: [
      q("create", "jobs", "--delivery-delay-secs", "100000"),
      q("create", "jobs", "--message-retention-period-secs", "10"),
    ],
  },
  {
    name: "queues purge needs --force without a terminal",
    files: { "wrangler.toml": config, "index.js": worker },
    fast: true,
    steps: [q("purge", "jobs")],
  },
];
