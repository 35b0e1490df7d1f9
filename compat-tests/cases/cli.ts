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
    steps: [{ args: ["--frobnicate"] }],
  },
  {
    name: "cli: help for a command group",
    steps: [{ args: ["login", "--help"] }, { args: ["deploy", "--help"] }],
  },
];
