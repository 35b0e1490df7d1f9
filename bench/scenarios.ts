// Every scenario, each run under wrangler and bunflare in turns (run 1:
// wrangler then bunflare, run 2: the same, ...) so slow drift in the
// machine's load hits both alike. A bunflare failure becomes "n/a (not
// available: <its own words>)" in the table instead of stopping the run.
import { cpSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { FIXTURES_DIR } from "../compat-tests/harness.ts";
import { D1_COMMAND_SQL, kvBulkJson, sqlDump } from "./generate.ts";
import { runLoad } from "./load.ts";
import { firstLines, freePort, spawnGroup, treeRss, waitForResponse, workDir, type Spawned } from "./proc.ts";
import { markNa, newRow, type Column, type Row } from "./results.ts";
import { expectSuccess, runCli, startDev, TOOLS, toolEnv, type ToolName } from "./tools.ts";

export interface Settings {
  quick: boolean;
  /** Dev server starts per tool (each gives a cold start, a memory reading and reloads). */
  devRuns: number;
  reloadsPerRun: number;
  /** How long a dev server sits after its first response before its memory is read. */
  idleMs: number;
  httpRuns: number;
  connections: number;
  warmupMs: number;
  durationMs: number;
  cliRuns: number;
  bulkRuns: number;
  kvBulkKeys: number;
  d1DumpRows: number;
  r2ObjectMB: number;
  log: (line: string) => void;
}

export const FULL: Omit<Settings, "log"> = {
  quick: false,
  devRuns: 5,
  reloadsPerRun: 3,
  idleMs: 5000,
  httpRuns: 5,
  connections: 16,
  warmupMs: 2000,
  durationMs: 10_000,
  cliRuns: 7,
  bulkRuns: 3,
  kvBulkKeys: 10_000,
  d1DumpRows: 100_000,
  r2ObjectMB: 100,
};

// Wrangler alone needs ~40 s for 10,000 keys and ~2 min for 100,000 rows on
// a 2-core machine, so --quick shrinks the bulk inputs (the table says so)
// and takes one sample of everything else: ~75 s on a quiet machine, leaving
// room under two minutes for a busy one.
export const QUICK: Omit<Settings, "log"> = {
  quick: true,
  devRuns: 1,
  reloadsPerRun: 2,
  idleMs: 1500,
  httpRuns: 1,
  connections: 16,
  warmupMs: 1000,
  durationMs: 2000,
  cliRuns: 2,
  bulkRuns: 1,
  kvBulkKeys: 1_000,
  d1DumpRows: 5_000,
  r2ObjectMB: 100,
};

const DEV_TIMEOUT_MS = 60_000;

/** A fresh copy of a fixture, as a user's project checkout would be. */
function scratch(fixture: string, tool: string): string {
  const dir = workDir(`${tool}-${fixture}`);
  cpSync(path.join(FIXTURES_DIR, fixture), dir, { recursive: true });
  return dir;
}

function reason(error: unknown): string {
  return firstLines(error instanceof Error ? error.message : String(error));
}

// ---------------------------------------------------------------------------
// Dev server lifecycle: cold start, idle memory, reload, from one start.

const HELLO_SOURCE = (body: string) => `export default {\n  async fetch() {\n    return new Response(${JSON.stringify(body)});\n  },\n};\n`;

export async function devLifecycle(settings: Settings): Promise<Row[]> {
  // Raw Bun.serve answering the same hello from a fresh process: the floor for
  // start-up and memory. It has nothing to reload.
  // Ratio targets from the architecture; absolute ones from issue 16.
  const cold = newRow("dev: cold start to first 200", "ms", "lower", ["wrangler", "bunflare", "raw"], { ratio: 12, absolute: 35 });
  const memory = newRow("dev: idle memory (whole process tree)", "MB", "lower", ["wrangler", "bunflare", "raw"], { ratio: 6, absolute: 40 });
  const reload = newRow("dev: save to new response (reload)", "ms", "lower", ["wrangler", "bunflare"], { absolute: 10 });
  const processes: Record<Column, number[]> = { wrangler: [], bunflare: [], raw: [] };

  for (let run = 1; run <= settings.devRuns; run++) {
    for (const column of ["wrangler", "bunflare", "raw"] as const) {
      if (cold.cells[column]!.na) continue;
      settings.log(`dev lifecycle: ${column} run ${run}/${settings.devRuns}`);
      const dir = scratch("bench-hello", column);
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/`;
      const proc =
        column === "raw"
          ? spawnGroup(process.execPath, [path.join(import.meta.dir, "raw-server.ts"), "hello", String(port), dir], { cwd: dir, env: toolEnv() })
          : await startDev(column, dir, port);
      try {
        try {
          await waitForResponse(url, { proc, timeoutMs: DEV_TIMEOUT_MS });
          // From just before the spawn, as from a user's Enter to a page that loads.
          cold.cells[column]!.samples.push(performance.now() - proc.startedAt);
        } catch (error) {
          for (const row of [cold, memory, reload]) if (row.cells[column]) markNa(row, column, reason(error));
          continue;
        }
        await Bun.sleep(settings.idleMs);
        const rss = treeRss(proc.pid);
        memory.cells[column]!.samples.push(rss.bytes / (1024 * 1024));
        processes[column].push(rss.processes);
        if (column === "raw") continue;

        for (let n = 1; n <= settings.reloadsPerRun && !reload.cells[column]!.na; n++) {
          const body = `Hello World! edit ${run}.${n}`;
          const saved = performance.now();
          writeFileSync(path.join(dir, "src", "index.js"), HELLO_SOURCE(body));
          try {
            await waitForResponse(url, { proc, timeoutMs: 30_000, settleMs: 30_000, body: (text) => text === body });
            reload.cells[column]!.samples.push(performance.now() - saved);
          } catch (error) {
            markNa(reload, column, reason(error));
          }
          // Let the watcher settle so the next save is a separate change, not a merged one.
          await Bun.sleep(300);
        }
      } finally {
        await proc.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  for (const column of ["wrangler", "bunflare"] as const) {
    if (!processes[column].length) continue;
    const most = Math.max(...processes[column]);
    memory.notes.push(`${column}: ${most} process${most === 1 ? "" : "es"} counted`);
  }
  return [cold, memory, reload];
}

// ---------------------------------------------------------------------------
// Requests per second and p99 latency, three columns.

interface HttpScenario {
  name: string;
  fixture: string;
  raw: "hello" | "kv" | "d1" | "do" | "static" | "static-gzip" | "cache";
  /** POSTed once before measuring, through the worker's own binding. */
  seed: boolean;
  expect: string;
  /** The client's Accept-Encoding (none by default: no compression on either side). */
  acceptEncoding?: string;
  rpsTarget: { ratio: number; ofRaw?: number };
}

export const HTTP_SCENARIOS: HttpScenario[] = [
  { name: "hello-world", fixture: "bench-hello", raw: "hello", seed: false, expect: "Hello World!", rpsTarget: { ratio: 50, ofRaw: 0.8 } },
  { name: "KV read", fixture: "bench-kv-read", raw: "kv", seed: true, expect: "Hello from KV!", rpsTarget: { ratio: 5, ofRaw: 0.75 } },
  { name: "D1 indexed query", fixture: "bench-d1-query", raw: "d1", seed: true, expect: '"name":"User ', rpsTarget: { ratio: 5, ofRaw: 0.75 } },
  { name: "Durable Object counter", fixture: "bench-do-counter", raw: "do", seed: false, expect: "", rpsTarget: { ratio: 5, ofRaw: 0.75 } },
  { name: "static asset", fixture: "bench-static", raw: "static", seed: false, expect: "Hello from a static asset!", rpsTarget: { ratio: 5 } },
  { name: "Cache API hit", fixture: "bench-cache-hit", raw: "cache", seed: true, expect: "Hello from the cache!", rpsTarget: { ratio: 5 } },
  // A browser-like client: both dev servers gzip the HTML on every request (as Cloudflare's edge does).
  { name: "static asset, gzipped for the client", fixture: "bench-static", raw: "static-gzip", seed: false, expect: "Hello from a static asset!", acceptEncoding: "gzip", rpsTarget: { ratio: 5 } },
];

async function startTarget(column: Column, scenario: HttpScenario, port: number): Promise<Spawned> {
  if (column === "raw") {
    const dir = workDir("raw");
    return spawnGroup(process.execPath, [path.join(import.meta.dir, "raw-server.ts"), scenario.raw, String(port), dir], {
      cwd: dir,
      env: toolEnv(),
    });
  }
  return await startDev(column, scratch(scenario.fixture, column), port);
}

export async function httpScenario(settings: Settings, scenario: HttpScenario): Promise<Row[]> {
  const columns: Column[] = ["wrangler", "bunflare", "raw"];
  const rps = newRow(`${scenario.name}: requests per second`, "req/s", "higher", columns, scenario.rpsTarget);
  const p99 = newRow(`${scenario.name}: p99 latency`, "ms", "lower", columns);
  const servers = new Map<Column, { proc: Spawned; url: string }>();
  try {
    for (const column of columns) {
      settings.log(`${scenario.name}: starting ${column}`);
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/`;
      const proc = await startTarget(column, scenario, port);
      servers.set(column, { proc, url });
      try {
        if (scenario.seed) await waitForResponse(`${url}seed`, { proc, timeoutMs: DEV_TIMEOUT_MS, init: { method: "POST" } });
        await waitForResponse(url, { proc, timeoutMs: DEV_TIMEOUT_MS, body: (text) => text.includes(scenario.expect) });
      } catch (error) {
        markNa(rps, column, reason(error));
        markNa(p99, column, reason(error));
      }
    }
    for (let run = 1; run <= settings.httpRuns; run++) {
      for (const column of columns) {
        if (rps.cells[column]!.na) continue;
        settings.log(`${scenario.name}: ${column} run ${run}/${settings.httpRuns}`);
        const { proc, url } = servers.get(column)!;
        proc.truncateLog();
        try {
          const result = await runLoad({
            url,
            connections: settings.connections,
            warmupMs: settings.warmupMs,
            durationMs: settings.durationMs,
            expect: scenario.expect,
            acceptEncoding: scenario.acceptEncoding,
          });
          if (proc.exitCode() !== undefined) throw new Error(`server exited during the run: ${firstLines(proc.output())}`);
          if (result.requests === 0) throw new Error(`no successful responses (${result.errors} errors, first: ${result.firstError ?? "none"})`);
          if (result.errors > 0) rps.notes.push(`${column} run ${run}: ${result.errors} failed responses (first: ${firstLines(result.firstError ?? "", 100)})`);
          rps.cells[column]!.samples.push(result.rps);
          p99.cells[column]!.samples.push(result.p99Ms);
        } catch (error) {
          markNa(rps, column, reason(error));
          markNa(p99, column, reason(error));
        }
      }
    }
  } finally {
    await Promise.all([...servers.values()].map(({ proc }) => proc.stop()));
  }
  return [rps, p99];
}

// ---------------------------------------------------------------------------
// CLI commands, each in a fresh scratch project with `--local`.

interface CliScenario {
  name: string;
  fixture: string;
  runs: (s: Settings) => number;
  target: number;
  /** Issue 16's bound on bunflare's median, in ms. */
  atMost?: (s: Settings) => number | undefined;
  /** What raw Bun does for the same work (bench/raw-cli.ts mode), run in the same scratch project. */
  raw: { mode: string; file?: string };
  /** Files to add to the scratch project before the timed command. */
  prepare?: (dir: string, s: Settings) => void;
  args: (s: Settings) => string[];
  /** Untimed check that the command really did its work. */
  verify?: { args: (s: Settings) => string[]; expect: (s: Settings) => string };
}

export function cliScenarios(settings: Settings): CliScenario[] {
  return [
    {
      name: "CLI: one `kv key put`",
      fixture: "bench-kv-read",
      runs: (s) => s.cliRuns,
      target: 20,
      atMost: () => 20,
      raw: { mode: "start" },
      args: () => ["kv", "key", "put", "greeting", "hello", "--binding", "KV", "--local"],
    },
    {
      name: "CLI: one `d1 execute --command`",
      fixture: "bench-d1-query",
      runs: (s) => s.cliRuns,
      target: 20,
      atMost: () => 20,
      raw: { mode: "start" },
      args: () => [
        "d1",
        "execute",
        "DB",
        "--local",
        "--command",
        D1_COMMAND_SQL,
      ],
    },
    {
      name: `CLI: \`kv bulk put\` of ${settings.kvBulkKeys.toLocaleString("en-US")} keys`,
      fixture: "bench-kv-read",
      runs: (s) => s.bulkRuns,
      target: 10,
      raw: { mode: "kv-bulk", file: "bulk.json" },
      prepare: (dir, s) => writeFileSync(path.join(dir, "bulk.json"), kvBulkJson(s.kvBulkKeys)),
      args: () => ["kv", "bulk", "put", "bulk.json", "--binding", "KV", "--local"],
      verify: {
        args: (s) => ["kv", "key", "get", `key-${String(s.kvBulkKeys - 1).padStart(6, "0")}`, "--binding", "KV", "--local", "--text"],
        expect: (s) => `value ${s.kvBulkKeys - 1} `,
      },
    },
    {
      name: `CLI: \`d1 execute --file\` of a ${settings.d1DumpRows.toLocaleString("en-US")}-row dump`,
      fixture: "bench-d1-query",
      runs: (s) => s.bulkRuns,
      target: 10,
      // Issue 16's bound is for the full 100,000 rows.
      atMost: (s) => (s.d1DumpRows === 100_000 ? 400 : undefined),
      raw: { mode: "d1-file", file: "dump.sql" },
      prepare: (dir, s) => writeFileSync(path.join(dir, "dump.sql"), sqlDump(s.d1DumpRows)),
      args: () => ["d1", "execute", "DB", "--local", "--file", "dump.sql"],
      verify: {
        args: () => ["d1", "execute", "DB", "--local", "--json", "--command", "SELECT count(*) AS n FROM orders"],
        expect: (s) => `"n": ${s.d1DumpRows}`,
      },
    },
  ];
}

export async function cliScenario(settings: Settings, scenario: CliScenario): Promise<Row[]> {
  const atMost = scenario.atMost?.(settings);
  const row = newRow(scenario.name, "ms", "lower", ["wrangler", "bunflare", "raw"], {
    ratio: scenario.target,
    ...(atMost !== undefined ? { absolute: atMost } : {}),
  });
  const runs = scenario.runs(settings);
  for (let run = 1; run <= runs; run++) {
    for (const tool of [...TOOLS, "raw"] as const) {
      if (row.cells[tool]!.na) continue;
      settings.log(`${scenario.name}: ${tool} run ${run}/${runs}`);
      const dir = scratch(scenario.fixture, tool);
      scenario.prepare?.(dir, settings);
      try {
        if (tool === "raw") {
          // The same spawn-to-exit timing as the tools' commands get.
          const rawArgs = [path.join(import.meta.dir, "raw-cli.ts"), scenario.raw.mode, ...(scenario.raw.file ? [scenario.raw.file] : [])];
          const started = performance.now();
          const proc = Bun.spawn([process.execPath, ...rawArgs], { cwd: dir, env: toolEnv(), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
          const [output, exitCode] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
          const ms = performance.now() - started;
          if (exitCode !== 0) throw new Error(`raw-cli.ts ${scenario.raw.mode} exited with ${exitCode}: ${firstLines(output)}`);
          row.cells.raw!.samples.push(ms);
          continue;
        }
        const result = await runCli(tool, scenario.args(settings), dir);
        expectSuccess(result, scenario.args(settings).slice(0, 3).join(" "));
        if (scenario.verify) {
          const check = await runCli(tool, scenario.verify.args(settings), dir);
          expectSuccess(check, "the check afterwards");
          const want = scenario.verify.expect(settings);
          if (!check.output.includes(want)) throw new Error(`the check afterwards did not find ${JSON.stringify(want)}: ${firstLines(check.output)}`);
        }
        row.cells[tool]!.samples.push(result.ms);
      } catch (error) {
        markNa(row, tool, reason(error));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return [row];
}

/**
 * One untimed command per tool before anything is timed, so the first sample
 * does not also pay for a cold page cache, or for wrangler's first-run setup
 * and update check in the fresh shared HOME (which a user's machine has done
 * long ago).
 */
export async function warmCli(settings: Settings): Promise<void> {
  for (const tool of TOOLS) {
    settings.log(`warming up ${tool}`);
    await runCli(tool, ["kv", "key", "put", "warm", "up", "--binding", "KV", "--local"], scratch("bench-kv-read", tool), 120_000);
  }
}

/**
 * A large R2 object through the CLI: `r2 object put --file` then
 * `r2 object get --file`, with the peak resident memory of each command's
 * whole process tree. Streaming keeps it flat: far below the object's size.
 */
export async function r2LargeObject(settings: Settings): Promise<Row[]> {
  const mb = settings.r2ObjectMB;
  const rows = {
    put: newRow(`R2: peak memory of \`r2 object put\` of ${mb} MB`, "MB", "lower", ["wrangler", "bunflare"]),
    get: newRow(`R2: peak memory of \`r2 object get\` of ${mb} MB`, "MB", "lower", ["wrangler", "bunflare"]),
  };
  for (const tool of TOOLS) {
    settings.log(`R2 ${mb} MB object: ${tool}`);
    const dir = scratch("bench-kv-read", tool);
    try {
      const chunk = new Uint8Array(1024 * 1024).map((_, i) => i % 251);
      const file = Bun.file(path.join(dir, "big.bin")).writer();
      for (let i = 0; i < mb; i++) file.write(chunk);
      await file.end();
      const put = await runCli(tool, ["r2", "object", "put", "bench/big.bin", "--file", "big.bin", "--local"], dir);
      expectSuccess(put, "r2 object put");
      rows.put.cells[tool]!.samples.push(put.peakRssBytes / 1e6);
      const get = await runCli(tool, ["r2", "object", "get", "bench/big.bin", "--file", "out.bin", "--local"], dir);
      expectSuccess(get, "r2 object get");
      if (Bun.file(path.join(dir, "out.bin")).size !== mb * 1024 * 1024) throw new Error("r2 object get wrote the wrong size");
      rows.get.cells[tool]!.samples.push(get.peakRssBytes / 1e6);
    } catch (error) {
      markNa(rows.put, tool, reason(error));
      markNa(rows.get, tool, reason(error));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return [rows.put, rows.get];
}

// ---------------------------------------------------------------------------
// Queue throughput: messages per second from sendBatch to an acking consumer.

const QUEUE_MESSAGES = 2_000;
const QUEUE_CONFIG = `name = "bench-queue"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[queues.producers]]\nbinding = "Q"\nqueue = "bench"\n[[queues.consumers]]\nqueue = "bench"\nmax_batch_size = 100\nmax_batch_timeout = 1\n`;
const QUEUE_WORKER = `let acked = 0;
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/count") return new Response(String(acked));
    const n = Number(url.searchParams.get("n"));
    for (let i = 0; i < n; i += 100) await env.Q.sendBatch(Array.from({ length: Math.min(100, n - i) }, (_, j) => ({ body: { i: i + j } })));
    return new Response("sent");
  },
  async queue(batch) { acked += batch.messages.length; batch.ackAll(); },
};
`;

export async function queueThroughput(settings: Settings): Promise<Row[]> {
  const row = newRow("queues: messages/s, sendBatch to acking consumer", "req/s", "higher", ["wrangler", "bunflare"]);
  for (let run = 1; run <= Math.max(1, settings.httpRuns); run++) {
    for (const tool of TOOLS) {
      if (row.cells[tool]!.na) continue;
      settings.log(`queue throughput: ${tool} run ${run}`);
      const dir = workDir(`${tool}-queue`);
      writeFileSync(path.join(dir, "wrangler.toml"), QUEUE_CONFIG);
      writeFileSync(path.join(dir, "index.js"), QUEUE_WORKER);
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const proc = await startDev(tool, dir, port);
      try {
        await waitForResponse(`${base}/count`, { proc, timeoutMs: DEV_TIMEOUT_MS });
        const started = performance.now();
        await fetch(`${base}/send?n=${QUEUE_MESSAGES}`);
        while (Number(await (await fetch(`${base}/count`)).text()) < QUEUE_MESSAGES) await Bun.sleep(20);
        row.cells[tool]!.samples.push(QUEUE_MESSAGES / ((performance.now() - started) / 1000));
      } catch (error) {
        markNa(row, tool, reason(error));
      } finally {
        await proc.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
  return [row];
}

/**
 * Workflow steps per second: one dev server per tool, then instances of
 * `steps` trivial `step.do` calls (each a durable checkpoint), timed from the
 * request that creates the instance to the response once it is complete.
 */
export async function workflowSteps(settings: Settings): Promise<Row[]> {
  const steps = settings.quick ? 200 : 1000;
  const row = newRow(`Workflow: ${steps} checkpointed steps, steps per second`, "steps/s", "higher", ["wrangler", "bunflare"], { ratio: 2 });
  const servers = new Map<ToolName, { proc: Spawned; url: string }>();
  try {
    for (const tool of TOOLS) {
      settings.log(`workflow steps: starting ${tool}`);
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/run?n=`;
      const proc = await startDev(tool, scratch("bench-workflow", tool), port);
      servers.set(tool, { proc, url });
      try {
        await waitForResponse(`${url}1`, { proc, timeoutMs: DEV_TIMEOUT_MS, body: (text) => text.includes('"output":0') });
      } catch (error) {
        markNa(row, tool, reason(error));
      }
    }
    for (let run = 1; run <= settings.httpRuns; run++) {
      for (const tool of TOOLS) {
        if (row.cells[tool]!.na) continue;
        settings.log(`workflow steps: ${tool} run ${run}/${settings.httpRuns}`);
        const { url } = servers.get(tool)!;
        try {
          const started = performance.now();
          const response = await fetch(`${url}${steps}`);
          const body = await response.text();
          const seconds = (performance.now() - started) / 1000;
          if (!body.includes(`"output":${(steps * (steps - 1)) / 2}`)) throw new Error(`unexpected answer: ${firstLines(body)}`);
          row.cells[tool]!.samples.push(steps / seconds);
        } catch (error) {
          markNa(row, tool, reason(error));
        }
      }
    }
  } finally {
    await Promise.all([...servers.values()].map(({ proc }) => proc.stop()));
  }
  return [row];
}

// ---------------------------------------------------------------------------
// Cross-process RPC: two dev processes per tool, the caller's every request one
// RPC call over a service binding into the callee (found through the dev registry).

export async function crossProcessRpc(settings: Settings): Promise<Row[]> {
  const columns: Column[] = ["wrangler", "bunflare"];
  const rps = newRow("cross-process RPC: calls per second", "req/s", "higher", columns);
  const servers: Spawned[] = [];
  const urls = new Map<Column, string>();
  try {
    for (const tool of TOOLS) {
      settings.log(`cross-process RPC: starting ${tool}`);
      try {
        const calleePort = await freePort();
        const callee = await startDev(tool, scratch("bench-rpc-callee", tool), calleePort);
        servers.push(callee);
        await waitForResponse(`http://127.0.0.1:${calleePort}/`, { proc: callee, timeoutMs: DEV_TIMEOUT_MS, body: (text) => text === "callee" });
        const callerPort = await freePort();
        const caller = await startDev(tool, scratch("bench-rpc-caller", tool), callerPort);
        servers.push(caller);
        const url = `http://127.0.0.1:${callerPort}/`;
        await waitForResponse(url, { proc: caller, timeoutMs: DEV_TIMEOUT_MS, body: (text) => text === "sum 3" });
        urls.set(tool, url);
      } catch (error) {
        markNa(rps, tool, reason(error));
      }
    }
    for (let run = 1; run <= settings.httpRuns; run++) {
      for (const [column, url] of urls) {
        if (rps.cells[column]!.na) continue;
        settings.log(`cross-process RPC: ${column} run ${run}/${settings.httpRuns}`);
        try {
          const result = await runLoad({ url, connections: settings.connections, warmupMs: settings.warmupMs, durationMs: settings.durationMs, expect: "sum 3" });
          if (result.requests === 0) throw new Error(`no successful responses (${result.errors} errors, first: ${result.firstError ?? "none"})`);
          rps.cells[column]!.samples.push(result.rps);
        } catch (error) {
          markNa(rps, column, reason(error));
        }
      }
    }
  } finally {
    await Promise.all(servers.map((proc) => proc.stop()));
  }
  return [rps];
}
