// Start real `bunflare dev` processes in temp projects for the dev tests.
import { afterEach } from "bun:test";
import { spawn, type ChildProcess } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../bench/proc.ts";

export const ROOT = path.resolve(import.meta.dir, "..");
const BIN = path.join(ROOT, "bin", "bunflare");

export function project(files: Record<string, string>, fixture?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "bunflare-dev-test-"));
  if (fixture) cpSync(path.join(ROOT, "fixtures", fixture), dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) write(dir, file, content);
  return dir;
}

export function write(dir: string, file: string, content: string): void {
  const target = path.join(dir, file);
  mkdirSync(path.dirname(target), { recursive: true });
  writeFileSync(target, content);
}

export interface DevProcess {
  url: string;
  child: ChildProcess;
  /** IPC messages received (when started with `ipc`). */
  messages: unknown[];
  output(): string;
  /** Resolves when the output (colours stripped) matches, or fails after `timeoutMs`. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

export const strip = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "");

export async function startDev(
  dir: string,
  args: string[] = [],
  options: { ipc?: boolean; env?: Record<string, string>; defaultPort?: boolean; command?: string[] } = {},
): Promise<DevProcess> {
  const child = spawn(BIN, [...(options.command ?? ["dev"]), ...(options.defaultPort ? [] : ["--port", "0"]), ...args], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: "1", HOME: dir, ...options.env },
    stdio: options.ipc ? ["pipe", "pipe", "pipe", "ipc"] : ["pipe", "pipe", "pipe"],
  });
  let output = "";
  const messages: unknown[] = [];
  child.on("message", (message) => messages.push(message));
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const wake of waiters) wake();
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  child.on("exit", () => {
    for (const wake of waiters) wake();
  });

  const waitForOutput = (pattern: RegExp, timeoutMs = 15_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const match = strip(output).match(pattern);
        if (match) {
          done();
          resolve(match[0]);
        } else if (child.exitCode !== null) {
          done();
          reject(new Error(`bunflare dev exited (${child.exitCode}) before printing ${pattern}:\n${output}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out waiting for ${pattern}; output so far:\n${output}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  const stop = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killer);
    }
  };
  try {
    let url: string;
    if (options.ipc) {
      // Works at any --log-level: the IPC ready event does not depend on console output.
      const deadline = Date.now() + 15_000;
      while (!messages.length && Date.now() < deadline && child.exitCode === null) await Bun.sleep(20);
      if (!messages.length) throw new Error(`no IPC ready message; output so far:\n${output}`);
      url = `http://127.0.0.1:${JSON.parse(messages[0] as string).port}`;
    } else {
      const ready = await waitForOutput(/Ready on (https?:\/\/\S+)/);
      url = ready.replace("Ready on ", "").replace("localhost", "127.0.0.1");
    }
    return { url, child, messages, output: () => strip(output), waitForOutput, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** `bunflare dev` on a free port, not waited for: for a start that fails or waits for a fix before "Ready on". */
export async function spawnDev(dir: string): Promise<{ port: number; child: ReturnType<typeof Bun.spawn>; output(): string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = Bun.spawn([BIN, "dev", "--port", String(port)], { cwd: dir, env: { ...process.env, NO_COLOR: "1", HOME: dir }, stdout: "pipe", stderr: "pipe" });
  let output = "";
  const read = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) output += new TextDecoder().decode(chunk);
  };
  void read(child.stdout);
  void read(child.stderr);
  const stop = async () => {
    child.kill();
    await child.exited;
  };
  return { port, child, output: () => output, stop };
}

/** Polls `probe` until it returns true, for at most `timeoutMs`. */
export async function eventually(probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe().catch(() => false)) return;
    await Bun.sleep(50);
  }
  throw new Error("condition not met in time");
}

export const cleanup = (dir: string) => rmSync(dir, { recursive: true, force: true });

/** The dev servers and project directories a test file starts: stopped and removed after each test. */
export function cleanedAfterEach(): { running: DevProcess[]; dirs: string[] } {
  const running: DevProcess[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((dev) => dev.stop()));
    for (const dir of dirs.splice(0)) cleanup(dir);
  });
  return { running, dirs };
}
