// bun compat-tests/run.ts [--fast | --rest] [[--only] name-filter...]
// --fast: the subset `npm test` runs; --rest: every other case (CI runs both).
// Runs every case in compat-tests/cases/ under wrangler and bunflare and
// prints one line per case, the differences, the expected differences and
// uncompared streams with their reasons, and "N passed, N failed". A failed
// case is run once more; passing then, it is reported as such.
import { readdirSync } from "node:fs";
import path from "node:path";
import { ensureWrangler, runCase, type CompatCase } from "./harness.ts";

const USAGE = `bun compat-tests/run.ts [--fast | --rest] [[--only] name-filter...]
  --fast         only the cases npm test runs
  --rest         only the cases npm test leaves to CI
  name-filter    only cases whose name contains it (repeatable; --only before it is optional)`;
const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(USAGE);
  process.exit(0);
}
// An unknown flag would otherwise select every case: a 40-minute run by mistake.
const unknown = args.find((arg) => arg.startsWith("-") && !["--fast", "--rest", "--only"].includes(arg));
if (unknown) {
  console.error(`Unknown option ${unknown}\n${USAGE}`);
  process.exit(1);
}
const fast = args.includes("--fast");
const rest = args.includes("--rest");
const filters = args.filter((arg) => !arg.startsWith("--"));

const casesDir = path.join(import.meta.dir, "cases");
const cases: CompatCase[] = [];
for (const file of readdirSync(casesDir).filter((f) => f.endsWith(".ts")).sort()) {
  const module = (await import(path.join(casesDir, file))) as { cases: CompatCase[] };
  cases.push(...module.cases);
}
const selected = cases.filter(
  (c) => (!fast || c.fast) && (!rest || !c.fast) && (filters.length === 0 || filters.some((f) => c.name.includes(f))),
);

ensureWrangler();
let passed = 0;
let failed = 0;
let expected = 0;
const started = performance.now();
const flaky: string[] = [];
const runOnce = (testCase: CompatCase) => (testCase.run ? testCase.run() : runCase(testCase));
for (const testCase of selected) {
  let outcome = await runOnce(testCase);
  // Two dev servers, wrangler's among them, on a shared machine: a case that fails is run once
  // more (or as often as it says), and one that then passes is named below with what its first
  // run saw, never hidden.
  const first = outcome;
  for (let run = 2; !outcome.ok && run <= (testCase.attempts ?? 2); run++) {
    outcome = await runOnce(testCase);
    if (outcome.ok) {
      flaky.push(outcome.name);
      outcome = { ...outcome, notes: [...(outcome.notes ?? []), `! passed on run ${run}; the first run saw:`, ...first.problems.map((problem) => `  ${problem}`)] };
    }
  }
  if (outcome.ok) passed++;
  else failed++;
  console.log(`${outcome.ok ? "✓" : "✗"} compat: ${outcome.name}`);
  for (const note of outcome.notes ?? []) {
    if (note.startsWith("≠")) expected++;
    console.log(`  ${note}`);
  }
  for (const problem of outcome.problems) console.log(problem.replace(/^/gm, "  "));
}
const seconds = ((performance.now() - started) / 1000).toFixed(0);
console.log(`\n${expected} expected differences shown above (≠), in ${seconds} s`);
for (const name of flaky) console.log(`passed only on a later run (see "!" above): ${name}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
