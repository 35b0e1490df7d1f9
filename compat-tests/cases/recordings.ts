// The workerd reports committed in fixtures/*/expected.json (which the unit
// tests diff bunflare's bindings against) must still be what the pinned
// wrangler dev reports: otherwise those tests check against a stale spec.
// Re-record with `bun compat-tests/record.ts`.
import type { CaseOutcome, CompatCase } from "../harness.ts";
import { committed, recordUnderWrangler, reportDifferences, RECORDINGS } from "../recordings.ts";

export const cases: CompatCase[] = RECORDINGS.map(
  (recording): CompatCase => ({
    name: `recordings: fixtures/${recording.fixture}/expected.json is what wrangler dev reports`,
    steps: [],
    async run(): Promise<CaseOutcome> {
      const name = `recordings: fixtures/${recording.fixture}/expected.json is what wrangler dev reports`;
      try {
        const problems = reportDifferences(committed(recording), await recordUnderWrangler(recording));
        return { name, ok: problems.length === 0, problems };
      } catch (error) {
        return { name, ok: false, problems: [String(error)] };
      }
    },
  }),
);
