// How each tool under test is started. Both get the same arguments a user
// would type; the only extra is wrangler's inspector port (see devArgs).
import { readFileSync } from "node:fs";
import path from "node:path";
import { BUNFLARE_BIN, REPO_ROOT, WRANGLER_JS } from "../compat-tests/harness.ts";
import { firstLines, freePort, spawnGroup, treeRss, workDir, type Spawned } from "./proc.ts";

export type ToolName = "wrangler" | "bunflare";
export const TOOLS: readonly ToolName[] = ["wrangler", "bunflare"];

/**
 * One HOME for the whole benchmark run, shared by every invocation of both
 * tools: wrangler caches its update check and config there as it would on a
 * user's machine, and nothing lands in the real home directory.
 */
let benchHome: string | undefined;
export function home(): string {
  benchHome ??= workDir("home");
  return benchHome;
}

export function toolEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    CI: "true",
    WRANGLER_SEND_METRICS: "false",
    HOME: home(),
    // No colour codes to strip from error reasons; no effect on speed.
    FORCE_COLOR: "0",
    NO_COLOR: "1",
  };
}

/**
 * BENCH_BUNFLARE_BIN measures another bunflare build (a release, a scratch
 * merge of feature branches) with this harness; BENCH_BUNFLARE_LABEL says
 * in RESULTS.md which build that was.
 */
export const BUNFLARE = process.env.BENCH_BUNFLARE_BIN || BUNFLARE_BIN;

export function command(tool: ToolName, args: string[]): [string, string[]] {
  return tool === "wrangler"
    ? [process.env.NODE_BINARY ?? "node", [WRANGLER_JS, ...args]]
    : [BUNFLARE, args];
}

export interface CliRun {
  ms: number;
  /** Largest resident memory of the command's whole process tree, sampled every 20 ms. */
  peakRssBytes: number;
  exitCode: number;
  output: string;
}

/** Runs one CLI command to completion, timing spawn to exit as a user's shell would. */
export async function runCli(tool: ToolName, args: string[], cwd: string, timeoutMs = 600_000): Promise<CliRun> {
  const [cmd, argv] = command(tool, args);
  const start = performance.now();
  const proc = Bun.spawn([cmd, ...argv], { cwd, env: toolEnv(), stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), timeoutMs);
  let peakRssBytes = 0;
  const sampler = setInterval(() => (peakRssBytes = Math.max(peakRssBytes, treeRss(proc.pid).bytes)), 20);
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  const ms = performance.now() - start;
  clearTimeout(timer);
  clearInterval(sampler);
  return { ms, exitCode, output: stderr + stdout, peakRssBytes };
}

/** Throws with the tool's own words when a CLI step did not succeed. */
export function expectSuccess(run: CliRun, what: string): void {
  if (run.exitCode !== 0) throw new Error(`${what} exited with ${run.exitCode}: ${firstLines(run.output)}`);
}

/**
 * `dev` on a fixed loopback port. Wrangler also gets a free inspector port:
 * its default 9229 is shared by every wrangler on this machine, and a
 * collision would measure the wait for a port rather than wrangler.
 * Bunflare has no inspector, so it gets exactly the user's arguments.
 */
export async function startDev(tool: ToolName, cwd: string, port: number): Promise<Spawned> {
  const args = ["dev", "--port", String(port), "--ip", "127.0.0.1"];
  if (tool === "wrangler") args.push("--inspector-port", String(await freePort()));
  const [cmd, argv] = command(tool, args);
  return spawnGroup(cmd, argv, { cwd, env: toolEnv() });
}

export function versions(): Record<string, string> {
  const read = (file: string) => (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
  const out: Record<string, string> = {
    bun: Bun.version,
    node: process.versions.node,
    wrangler: "unknown",
    bunflare: read(path.join(REPO_ROOT, "package.json")),
  };
  try {
    out.wrangler = read(path.join(path.dirname(path.dirname(WRANGLER_JS)), "package.json"));
  } catch {
    // Not installed yet; run.ts installs it first.
  }
  const node = Bun.spawnSync([process.env.NODE_BINARY ?? "node", "--version"]);
  if (node.exitCode === 0) out.node = node.stdout.toString().trim().replace(/^v/, "");
  if (BUNFLARE !== BUNFLARE_BIN) {
    out.bunflare += ` (${process.env.BENCH_BUNFLARE_LABEL || BUNFLARE})`;
  } else {
    const git = Bun.spawnSync(["git", "rev-parse", "--short", "HEAD"], { cwd: REPO_ROOT });
    if (git.exitCode === 0) out.bunflare += ` (${git.stdout.toString().trim()})`;
  }
  return out;
}
