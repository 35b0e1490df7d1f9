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
