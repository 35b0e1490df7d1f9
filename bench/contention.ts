// Does a long write by another process stall the dev server? Starts
// `bunflare dev` on a project with a D1 binding, requests an untouched route
// (no store access) and a D1 route back to back, and in the middle runs a
// `d1 execute --file` import of N rows in another process. Prints idle and
// during-import p99s, the longest request, and how many requests failed.
// Usage: bun bench/contention.ts [rows] [--tool wrangler]
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sqlDump } from "./generate.ts";
import { freePort, waitForResponse } from "./proc.ts";
import { percentile } from "./stats.ts";
import { command, startDev, toolEnv, TOOLS, type ToolName } from "./tools.ts";
import { markNa, newRow, type Row } from "./results.ts";
import type { Settings } from "./scenarios.ts";

export interface ContentionResult {
  idleP99Ms: number;
  importP99Ms: number;
  importMaxMs: number;
  importMs: number;
  failed: number;
  requests: number;
  firstFailure?: string;
  /** Set when the import itself failed. */
  importFailure?: string;
}

const WORKER = `export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/d1") {
      const row = await env.DB.prepare("SELECT 1 AS one").first();
      return new Response("d1 " + row.one);
    }
    if (url.pathname === "/d1-write") {
      await env.DB.exec("CREATE TABLE IF NOT EXISTS hits (n INTEGER)");
      await env.DB.prepare("INSERT INTO hits (n) VALUES (1)").run();
      return new Response("wrote");
    }
    return new Response("hello");
  },
};
`;

export function contentionProject(rows: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), "bunflare-contention-"));
  writeFileSync(
    path.join(dir, "wrangler.toml"),
    `name = "contention"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "contention-db"\ndatabase_id = "00000000-0000-4000-8000-0000000c0111"\n`,
  );
  writeFileSync(path.join(dir, "index.js"), WORKER);
  writeFileSync(path.join(dir, "dump.sql"), sqlDump(rows));
  return dir;
}

/** Sequential requests to `route` until `until()` is true; each as [start, latency, ok]. */
async function hammer(url: string, stop: () => boolean, samples: [number, number, string | null][]): Promise<void> {
  while (!stop()) {
    const start = performance.now();
    let failure: string | null = null;
    try {
      const response = await fetch(url);
      const body = await response.text();
      if (response.status !== 200) failure = `HTTP ${response.status}: ${body.slice(0, 200)}`;
    } catch (error) {
      failure = String(error);
    }
    samples.push([start, performance.now() - start, failure]);
  }
}

/**
 * `writer`: a second client meanwhile requests a route that writes to the
 * database being imported into, so one request must wait for the import's lock.
 */
export async function measureContention(tool: ToolName, rows: number, route = "/", writer = false): Promise<ContentionResult & { writes?: number; writeFailures?: number; firstWriteFailure?: string }> {
  const dir = contentionProject(rows);
  const port = await freePort();
  const dev = await startDev(tool, dir, port);
  try {
    const url = `http://127.0.0.1:${port}`;
    await waitForResponse(url, { proc: dev, timeoutMs: 60_000 });
    // The database exists and is warm before measuring.
    await fetch(`${url}/d1-write`).then((r) => r.text());
    const idle: [number, number, string | null][] = [];
    const idleEnd = performance.now() + 2000;
    await hammer(url + route, () => performance.now() > idleEnd, idle);

    const during: [number, number, string | null][] = [];
    let importing = true;
    const [cmd, argv] = command(tool, ["d1", "execute", "DB", "--local", "--file", "dump.sql", "--yes"]);
    const started = performance.now();
    const proc = Bun.spawn([cmd, ...argv], { cwd: dir, env: toolEnv(), stdout: "pipe", stderr: "pipe", stdin: "ignore" });
    const load = hammer(url + route, () => !importing, during);
    const writes: [number, number, string | null][] = [];
    const writing = writer ? hammer(`${url}/d1-write`, () => !importing, writes) : Promise.resolve();
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    const importMs = performance.now() - started;
    importing = false;
    await load;
    await writing;
    // An import that fails is a result, not an error: wrangler's can lose the
    // lock race to the dev server's writer (SQLITE_BUSY).
    const importFailure = code === 0 ? undefined : `import exited ${code}: ${(err + out).replace(/\x1b\[[0-9;]*m/g, "").trim().split("\n")[0]!.slice(0, 200)}`;
    if (process.env.CONTENTION_DEBUG) {
      const top = (list: typeof during) => [...list].sort((a, b) => b[1] - a[1]).slice(0, 5).map((x) => `${Math.round(x[0] - started)}+${Math.round(x[1])}`);
      console.error("slowest reads (start+ms):", top(during).join(" "), "writes:", top(writes).join(" "), "import ms", Math.round(importMs));
    }
    const ok = (list: typeof during) => list.filter((s) => s[2] === null).map((s) => s[1]);
    const failures = during.filter((s) => s[2] !== null);
    const latencies = ok(during);
    return {
      idleP99Ms: percentile(ok(idle), 99),
      importP99Ms: percentile(latencies, 99),
      importMaxMs: Math.max(...latencies),
      importMs,
      failed: failures.length,
      requests: during.length,
      ...(failures[0] ? { firstFailure: failures[0][2]! } : {}),
      ...(importFailure ? { importFailure } : {}),
      ...(writer ? { writes: writes.length, writeFailures: writes.filter((w) => w[2]).length, firstWriteFailure: writes.find((w) => w[2])?.[2] ?? undefined } : {}),
    };
  } finally {
    await dev.stop();
  }
}

/**
 * The bench rows: while another process imports the dump with `d1 execute --file`
 * and a second client writes to that database (so one request waits for the
 * import's lock), the p99 of a route that touches no storage, and how many
 * requests failed.
 */
export async function importContention(settings: Settings): Promise<Row[]> {
  const rows = settings.d1DumpRows.toLocaleString("en-US");
  const idle = newRow("dev: p99 of an untouched route, idle (just before the import)", "ms", "lower", ["wrangler", "bunflare"]);
  const p99 = newRow(`dev: p99 of an untouched route during a ${rows}-row import`, "ms", "lower", ["wrangler", "bunflare"]);
  const failed = newRow("dev: requests failed during the import", "count", "lower", ["wrangler", "bunflare"]);
  for (let run = 1; run <= settings.bulkRuns; run++) {
    for (const tool of TOOLS) {
      if (p99.cells[tool]!.na) continue;
      settings.log(`import contention: ${tool} run ${run}/${settings.bulkRuns}`);
      try {
        const result = await measureContention(tool, settings.d1DumpRows, "/", true);
        idle.cells[tool]!.samples.push(result.idleP99Ms);
        p99.cells[tool]!.samples.push(result.importP99Ms);
        failed.cells[tool]!.samples.push(result.failed + (result.writeFailures ?? 0));
        const first = result.firstFailure ?? result.firstWriteFailure;
        if (first) failed.notes.push(`${tool}: ${first.slice(0, 120)}`);
        if (result.importFailure) failed.notes.push(`${tool}: the import itself failed: ${result.importFailure}`);
      } catch (error) {
        const why = error instanceof Error ? error.message.slice(0, 160) : String(error);
        markNa(idle, tool, why);
        markNa(p99, tool, why);
        markNa(failed, tool, why);
      }
    }
  }
  p99.notes.push("a second client writes to the database being imported meanwhile, so one request always waits for the import's lock");
  return [idle, p99, failed];
}

if (import.meta.main) {
  const rows = Number(process.argv[2] ?? 100_000);
  const tool = (process.argv.includes("--tool") ? process.argv[process.argv.indexOf("--tool") + 1] : "bunflare") as ToolName;
  const route = process.argv.includes("--route") ? process.argv[process.argv.indexOf("--route") + 1]! : "/";
  console.log(JSON.stringify(await measureContention(tool, rows, route, process.argv.includes("--writer"))));
  process.exit(0);
}
