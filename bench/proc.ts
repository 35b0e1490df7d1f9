// Processes under measurement: spawning a tool in its own process group (so
// the whole tree it starts, node + workerd + esbuild for wrangler, can be
// stopped by one id), summing the tree's resident memory from /proc, and
// waiting for a server to answer.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createServer } from "node:net";

/**
 * Scratch space for one benchmark run (projects, logs, the shared HOME), all
 * under one temp directory that goes when the run ends: a full run writes
 * hundreds of megabytes of dumps, databases and request logs.
 */
let root: string | undefined;

/** Stops whatever is still running and removes the run's scratch space. */
export function removeWork(): void {
  stopAllNow();
  if (root) rmSync(root, { recursive: true, force: true });
  root = undefined;
}

export function workDir(prefix: string): string {
  installCleanup();
  root ??= mkdtempSync(path.join(tmpdir(), "bunflare-bench-"));
  return mkdtempSync(path.join(root, `${prefix}-`));
}

/** The fields of /proc/<pid>/stat after the command name (field 3 onwards). */
function statFields(pid: number | string): string[] | undefined {
  try {
    // The command name (field 2) may itself contain spaces and parentheses,
    // so parse from the last ")" rather than splitting the whole line.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined; // The process exited.
  }
}

/** Start time in clock ticks since boot (field 22): tells a process from a later one with its pid. */
function startTime(pid: number): string | undefined {
  return statFields(pid)?.[19];
}

/** pid -> parent pid for every process visible in /proc. */
function parentMap(): Map<number, number> {
  const parents = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (fields) parents.set(Number(entry), Number(fields[1]));
  }
  return parents;
}

/** The pid itself and all its descendants, alive right now. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parentMap()) {
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** VmRSS of one process in bytes, or 0 if it is gone (or is a zombie, which has none). */
export function rssBytes(pid: number): number {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Resident memory of a whole process tree, every process counted once. */
export function treeRss(root: number): { bytes: number; processes: number } {
  const pids = processTree(root);
  let bytes = 0;
  let processes = 0;
  for (const pid of pids) {
    const rss = rssBytes(pid);
    if (rss > 0) processes++;
    bytes += rss;
  }
  return { bytes, processes };
}

/**
 * Every process group this benchmark started and has not stopped yet. Dev
 * servers run in their own groups (so a whole tree can be stopped at once),
 * which also means Ctrl-C on the benchmark does not reach them: they are
 * stopped here on the way out instead of being left running.
 */
const live = new Set<number>();
let cleanupInstalled = false;
function stopAllNow(): void {
  for (const pid of live) killGroup(pid, "SIGKILL");
  live.clear();
}
function installCleanup(): void {
  if (cleanupInstalled) return;
  cleanupInstalled = true;
  process.on("exit", removeWork);
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    process.on(signal, () => {
      stopAllNow();
      process.exit(130);
    });
  }
}

export interface Spawned {
  child: ChildProcess;
  pid: number;
  /** performance.now() just before the spawn: where a cold start begins. */
  startedAt: number;
  /** The start of stdout + stderr (up to 64 KiB), for error reports. */
  output(): string;
  /** Empties the log between load runs, so a chatty request log cannot fill the disk. */
  truncateLog(): void;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  exitCode(): number | null | undefined;
  stop(): Promise<void>;
}

/**
 * Starts a long-running tool (a dev server) in its own process group. Its
 * output goes to a file, not a pipe: both tools log every request, and a pipe
 * would make this process read and discard that log on the same two cores the
 * measurement runs on. The file is opened for appending, so it can be emptied
 * under the running server.
 */
export function spawnGroup(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Spawned {
  installCleanup();
  const logFile = path.join(workDir("log"), "output.log");
  const fd = openSync(logFile, "a");
  const startedAt = performance.now();
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    detached: true,
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  let spawnError = "";
  const output = () => {
    const buf = Buffer.alloc(64 * 1024);
    let read = 0;
    try {
      const file = openSync(logFile, "r");
      read = readSync(file, buf, 0, buf.length, 0);
      closeSync(file);
    } catch {
      // Removed with its temp dir: nothing to show.
    }
    return buf.toString("utf8", 0, read) + spawnError;
  };
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (c) => {
      // null when killed by a signal; undefined is kept for "still running".
      code = c;
      resolve(c);
    });
    child.on("error", (error) => {
      spawnError = String(error);
      code = 1;
      resolve(1);
    });
  });
  const pid = child.pid ?? -1;
  if (pid > 0) live.add(pid);
  return {
    child,
    pid,
    startedAt,
    output,
    truncateLog: () => {
      try {
        truncateSync(logFile, 0);
      } catch {
        // Already gone.
      }
    },
    exited,
    exitCode: () => code,
    async stop() {
      if (pid < 0) return;
      // Taken first: a descendant that moved to its own session is outside the
      // group, but still ours to end.
      const tree = processTree(pid).slice(1).map((p) => [p, startTime(p)] as const);
      killGroup(pid, "SIGTERM");
      const done = code !== undefined || (await Promise.race([exited.then(() => true), Bun.sleep(3000).then(() => false)]));
      // SIGKILL the group whether or not the leader went: wrangler's workerd can outlive node.
      killGroup(pid, "SIGKILL");
      // Only if it is still the same process: a pid can be reused once it exits.
      for (const [descendant, started] of tree) if (started && startTime(descendant) === started) killPid(descendant);
      live.delete(pid);
      if (!done) await Promise.race([exited, Bun.sleep(2000)]);
      rmSync(path.dirname(logFile), { recursive: true, force: true });
    },
  };
}

function killPid(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls url until it answers with the wanted status (and body test, if any);
 * rejects if the process exits first or the deadline passes. The poll interval
 * is short so the measured cold start is not rounded up by sleeping, and the
 * loop sleeps between tries so it does not steal the CPU the server needs.
 * Once the server answers at all, it gets settleMs more to answer correctly:
 * a server that is up but failing (a binding not implemented yet) is reported
 * in seconds rather than after the whole start-up allowance.
 */
export async function waitForResponse(
  url: string,
  options: {
    proc?: Spawned;
    timeoutMs: number;
    settleMs?: number;
    status?: number;
    body?: (text: string) => boolean;
    init?: RequestInit;
  },
): Promise<{ ms: number; body: string }> {
  const start = performance.now();
  const wantStatus = options.status ?? 200;
  let deadline = start + options.timeoutMs;
  let answered = false;
  let last = "no response";
  while (performance.now() < deadline) {
    if (options.proc && options.proc.exitCode() !== undefined) {
      throw new Error(`exited with code ${options.proc.exitCode()} before answering: ${firstLines(options.proc.output())}`);
    }
    try {
      const res = await fetch(url, { ...options.init, signal: AbortSignal.timeout(5000) });
      const text = await res.text();
      if (res.status === wantStatus && (!options.body || options.body(text))) {
        return { ms: performance.now() - start, body: text };
      }
      last = `HTTP ${res.status}: ${text.slice(0, 120)}`;
      if (!answered) {
        answered = true;
        deadline = Math.min(deadline, performance.now() + (options.settleMs ?? 10_000));
      }
    } catch (error) {
      last = String(error);
    }
    await Bun.sleep(5);
  }
  throw new Error(answered ? `kept answering ${last}` : `no answer within ${options.timeoutMs} ms (last: ${last})`);
}

/**
 * A short single-line reason from a tool's output, ANSI colours and banners
 * removed; an "[ERROR]" line wins over whatever was printed before it.
 */
export function firstLines(text: string, max = 160): string {
  const lines = text
    .replace(/\x1b\[[0-9;]*m/g, "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !/^⛅️|^─+$|^🪵|Logs were written/.test(line));
  const error = lines.findIndex((line) => /\[ERROR\]|^✘|^error:/i.test(line));
  const clean = (error >= 0 ? lines.slice(error, error + 2) : lines).join(" ");
  return clean.length > max ? `${clean.slice(0, max)}…` : clean || "(no output)";
}
