// The load generator: `bun bench/load.ts '<json LoadOptions>'` prints one JSON
// LoadResult. It runs in its own process so it never shares an event loop with
// the server under test or with the benchmark driver.
//
// Why our own instead of autocannon: the same generator has to drive wrangler,
// bunflare and raw Bun.serve, and on a 2-core machine it competes with the
// server for CPU, so its own cost per request must be small next to the
// fastest column's. Bun's fetch with keep-alive (one connection per loop) does
// ~80k requests/s against raw Bun.serve here while sharing the cores with it;
// a Node-based generator spends more CPU per request and would cap that column
// first. Every column pays the same client cost. It comes from the repo's own
// files: Bun is the npm `bun` package in node_modules.
import { percentile } from "./stats.ts";

export interface LoadOptions {
  url: string;
  /** Concurrent request loops, each holding at most one request in flight. */
  connections: number;
  warmupMs: number;
  durationMs: number;
  /** A response counts as a success only if it is 200 and its body contains this. */
  expect?: string;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  firstError?: string;
}

export async function generateLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  let measureStart = Number.POSITIVE_INFINITY;
  let measureEnd = Number.POSITIVE_INFINITY;
  let stopped = false;

  const fail = (reason: string, inWindow: boolean) => {
    if (!inWindow) return;
    errors++;
    firstError ??= reason;
  };

  async function loop(): Promise<void> {
    while (!stopped) {
      const sent = performance.now();
      try {
        const res = await fetch(options.url);
        const body = await res.text();
        const done = performance.now();
        // Only requests that both started and finished inside the window count,
        // so warm-up stragglers and the final cut-off do not skew either end.
        const inWindow = sent >= measureStart && done <= measureEnd;
        if (res.status !== 200) fail(`HTTP ${res.status}: ${body.slice(0, 120)}`, inWindow);
        else if (options.expect !== undefined && !body.includes(options.expect)) fail(`unexpected body: ${body.slice(0, 120)}`, inWindow);
        else if (inWindow) latencies.push(done - sent);
      } catch (error) {
        fail(String(error), performance.now() <= measureEnd && sent >= measureStart);
        // A refused connection returns at once; do not spin on it.
        await Bun.sleep(1);
      }
    }
  }

  const loops = Array.from({ length: options.connections }, loop);
  await Bun.sleep(options.warmupMs);
  measureStart = performance.now();
  measureEnd = measureStart + options.durationMs;
  await Bun.sleep(options.durationMs);
  stopped = true;
  await Promise.all(loops);
  const seconds = options.durationMs / 1000;
  return {
    requests: latencies.length,
    rps: latencies.length / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    errors,
    ...(firstError ? { firstError } : {}),
  };
}

/** Runs the generator in a child Bun process and returns its result. */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const proc = Bun.spawn([process.execPath, import.meta.path, JSON.stringify(options)], {
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
  });
  const killer = setTimeout(() => proc.kill("SIGKILL"), options.warmupMs + options.durationMs + 60_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(killer);
  if (code !== 0) throw new Error(`load generator failed (${code}): ${stderr.trim().slice(0, 300)}`);
  return JSON.parse(stdout) as LoadResult;
}

if (import.meta.main) {
  const options = JSON.parse(process.argv[2] ?? "") as LoadOptions;
  const result = await generateLoad(options);
  process.stdout.write(JSON.stringify(result));
}
