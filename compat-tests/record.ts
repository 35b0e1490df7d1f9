// bun compat-tests/record.ts [--check] [fixture...]
// Re-records the workerd reports in fixtures/*/expected.json under the pinned
// wrangler dev (see recordings.ts). With --check, writes nothing and exits 1
// if a committed recording no longer matches what wrangler reports.
import { writeFileSync } from "node:fs";
import { ensureWrangler } from "./harness.ts";
import { committed, expectedPath, recordUnderWrangler, reportDifferences, RECORDINGS, serialise } from "./recordings.ts";

const args = process.argv.slice(2);
const check = args.includes("--check");
const only = args.filter((arg) => !arg.startsWith("--"));

ensureWrangler();
let stale = 0;
for (const recording of RECORDINGS.filter((r) => only.length === 0 || only.includes(r.fixture))) {
  const report = await recordUnderWrangler(recording);
  const differences = reportDifferences(committed(recording), report);
  if (check) {
    if (differences.length) stale++;
    console.log(`${differences.length ? "✗" : "✓"} ${recording.fixture}: ${Object.keys(report).length} checks`);
    for (const line of differences) console.log(line.replace(/^/gm, "  "));
  } else {
    writeFileSync(expectedPath(recording), serialise(recording, report));
    console.log(`recorded ${recording.fixture}: ${Object.keys(report).length} checks, ${differences.length} changed`);
  }
}
process.exitCode = stale ? 1 : 0;
