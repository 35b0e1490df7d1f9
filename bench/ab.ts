// bun bench/ab.ts <launcher A> <launcher B> [--rounds N] [--fixture bench-hello] [--seed] [--accept-encoding gzip]
//
// Requests per second of two bunflare builds on one fixture, interleaved
// (A, B, A, B, ...) so that what else the machine does weighs on both alike:
// for a change that must not cost throughput (hiding Bun's globals from worker
// code), where the full bench's wrangler ratios would drown a few percent. Prints
// each round and the medians; writes nothing.
import { cpSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { FIXTURES_DIR } from "../compat-tests/harness.ts";
import { runLoad } from "./load.ts";
import { freePort, spawnGroup, waitForResponse, workDir } from "./proc.ts";
import { median } from "./stats.ts";
import { toolEnv } from "./tools.ts";

const argv = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const at = argv.indexOf(name);
  return at >= 0 && argv[at + 1] ? argv.splice(at, 2)[1]! : fallback;
};
const rounds = Number(option("--rounds", "5"));
const fixture = option("--fixture", "bench-hello");
// The client's Accept-Encoding (none by default), for the dev server's encoding path.
const acceptEncoding = option("--accept-encoding", "") || undefined;
// The KV and D1 fixtures fill their store through their own binding first (POST /seed), as the bench does.
const seed = argv.includes("--seed") ? Boolean(argv.splice(argv.indexOf("--seed"), 1)) : false;
const [a, b] = argv;
if (!a || !b) {
  console.error("usage: bun bench/ab.ts <bunflare launcher A> <bunflare launcher B> [--rounds N] [--fixture NAME] [--seed] [--accept-encoding VALUE]");
  process.exit(1);
}

async function measure(which: "a" | "b"): Promise<number> {
  const launcher = which === "a" ? a! : b!;
  const dir = workDir(`ab-${fixture}`);
  cpSync(path.join(FIXTURES_DIR, fixture), dir, { recursive: true });
  const port = await freePort();
  const proc = spawnGroup(launcher, ["dev", "--port", String(port), "--ip", "127.0.0.1"], { cwd: dir, env: toolEnv() });
  try {
    const url = `http://127.0.0.1:${port}/`;
    if (seed) await waitForResponse(`${url}seed`, { proc, timeoutMs: 60_000, init: { method: "POST" } });
    await waitForResponse(url, { proc, timeoutMs: 60_000 });
    const before = cpuTicks(proc.pid);
    const result = await runLoad({ url, connections: 16, warmupMs: 1000, durationMs: 5000, acceptEncoding });
    if (result.errors) throw new Error(`${result.errors} failed requests: ${result.firstError}`);
    // The server's CPU (user + system, 10 ms ticks) over warm-up and window, per request at the window's rate:
    // what a request costs the dev process, which the machine's other load moves far less than req/s.
    cpu[which].push(((cpuTicks(proc.pid) - before) * 10_000) / (result.rps * 6));
    return result.rps;
  } finally {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** utime + stime of a process, in clock ticks (1/100 s). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

const samples: Record<"a" | "b", number[]> = { a: [], b: [] };
const cpu: Record<"a" | "b", number[]> = { a: [], b: [] };
for (let round = 1; round <= rounds; round++) {
  // Alternate which goes first, so neither always runs on a machine warmed by the other.
  const order = round % 2 ? (["a", "b"] as const) : (["b", "a"] as const);
  for (const which of order) samples[which].push(await measure(which));
  console.log(
    `round ${round}: A ${samples.a.at(-1)!.toFixed(0)} req/s (${cpu.a.at(-1)!.toFixed(1)} µs CPU/req), ` +
      `B ${samples.b.at(-1)!.toFixed(0)} req/s (${cpu.b.at(-1)!.toFixed(1)} µs CPU/req)`,
  );
}
const [ma, mb] = [median(samples.a), median(samples.b)];
console.log(`median: A ${ma.toFixed(0)} req/s, B ${mb.toFixed(0)} req/s, B/A ${(mb / ma).toFixed(3)}`);
console.log(`median server CPU per request: A ${median(cpu.a).toFixed(1)} µs, B ${median(cpu.b).toFixed(1)} µs`);
