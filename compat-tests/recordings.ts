// Fixtures whose expected.json is a report recorded under the pinned
// `wrangler dev` (real workerd): a worker that calls every method of a binding
// and answers with what each call returned or threw. Unit tests diff
// bunflare's binding against these recordings; `bun compat-tests/record.ts`
// re-records them, and the "recordings" compat case checks they still hold.
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { startDev, kill } from "./dev-harness.ts";
import { FIXTURES_DIR, makeScratch, type CompatCase } from "./harness.ts";

export interface Recording {
  fixture: string;
  /** The path whose JSON body is the report. */
  path: string;
  /** Indentation of the committed file (kept so a re-record diffs only what changed). */
  indent: number;
}

export const RECORDINGS: Recording[] = [
  { fixture: "kv-worker", path: "/", indent: 2 },
  { fixture: "r2-worker", path: "/", indent: 4 },
];

export function expectedPath(recording: Recording): string {
  return path.join(FIXTURES_DIR, recording.fixture, "expected.json");
}

export function committed(recording: Recording): Record<string, unknown> {
  return JSON.parse(readFileSync(expectedPath(recording), "utf8")) as Record<string, unknown>;
}

export function serialise(recording: Recording, report: unknown): string {
  return JSON.stringify(report, null, recording.indent) + "\n";
}

/** Runs the fixture under the pinned wrangler dev in a scratch copy and returns its report. */
export async function recordUnderWrangler(recording: Recording): Promise<Record<string, unknown>> {
  const scratch: CompatCase = { name: recording.fixture, fixture: recording.fixture, steps: [] };
  const dir = makeScratch(scratch, "wrangler");
  try {
    const running = await startDev("wrangler", dir, []);
    try {
      const response = await fetch(new URL(recording.path, running.url), { signal: AbortSignal.timeout(60_000) });
      if (!response.ok) throw new Error(`${recording.fixture}: wrangler dev answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as Record<string, unknown>;
    } finally {
      kill(running.child);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The checks whose outcome differs between two reports, one line each. */
export function reportDifferences(want: Record<string, unknown>, got: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const name of new Set([...Object.keys(want), ...Object.keys(got)])) {
    const a = JSON.stringify(want[name]);
    const b = JSON.stringify(got[name]);
    if (a !== b) out.push(`${name}:\n    - recorded | ${a}\n    + wrangler | ${b}`);
  }
  if (out.length === 0 && JSON.stringify(Object.keys(want)) !== JSON.stringify(Object.keys(got))) out.push("the checks ran in a different order");
  return out;
}
