// Compat cases for `dev`: the same fixture served by `wrangler dev` and by
// `bunflare dev` (each on a free port, found from its "Ready on" line), the
// same HTTP requests sent to both, and the responses diffed: status, body and
// chosen headers. Both servers are always killed, whatever happens.
import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { rmSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { freePort } from "../bench/proc.ts";
import { BUNFLARE_BIN, compareStream, makeScratch, normalize, runStep, showDiff, toolEnv, WRANGLER_JS, type CaseOutcome, type CompatCase, type ExpectedDifference, type Tool } from "./harness.ts";

/** A worker's wrangler.toml: its name, main and the cases' compatibility date, then `extra` lines. */
export const workerToml = (name: string, main = "index.js", extra = "") =>
  `name = "${name}"\nmain = "${main}"\ncompatibility_date = "2025-01-01"\n${extra}`;

export interface HttpProbe {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Response headers to compare (lower-case names); status and body are always compared. */
  headers_compared?: string[];
  /** Compare only the body's first line (e.g. an error message without its stack). */
  firstLineOnly?: boolean;
  /** Do not compare the body at all. */
  ignoreBody?: boolean;
  /**
   * Take the body as sent (no automatic decompression) and compare its
   * Content-Encoding and its decoded text: the compressed bytes themselves
   * differ between any two compressors.
   */
  encoded?: boolean;
  /** Differences on purpose, applied to the shown response (JSON of status, headers, body). */
  expected?: ExpectedDifference[];
  /** A request one may hold: no answer within this time is shown as status 0 and the body `<no answer>` (`<not listening>` from a server that has gone: refused or reset). */
  answerWithinMs?: number;
  /**
   * Also send it over a raw TCP connection (HTTP/1.1, plain http only) and compare what fetch
   * hides: the status line with its reason phrase, the framing headers (Content-Length,
   * Transfer-Encoding) and how many bytes the body is on the wire, chunk framing taken off.
   */
  wire?: boolean;
}

export interface ReloadStep {
  files: Record<string, string>;
  waitFor: string;
  until: RegExp;
  requests: HttpProbe[];
}

/**
 * An edit whose build or load fails: wait until what each has printed (stdout and stderr)
 * matches `printedUntil` (there is no new answer to wait for, and wrangler holds requests
 * until a build succeeds).
 */
export interface FailedReloadStep {
  files: Record<string, string>;
  printedUntil: RegExp;
  /** Sent once both have printed the failure. */
  requests?: HttpProbe[];
}

/** An edit that must not reload: wait `quietMs`, then go on (compareReloadLog shows whether either reloaded). */
export interface QuietStep {
  files: Record<string, string>;
  quietMs: number;
}

export interface DevCaseSpec {
  name: string;
  fixture?: string;
  files?: Record<string, string>;
  /** The command before `--port 0` (`dev` unless told: `["pages", "dev", "public"]`). */
  command?: string[];
  /** Extra arguments after `dev --port 0`. */
  args?: string[];
  /** Extra environment variables for both tools (NO_COLOR). */
  env?: Record<string, string>;
  /**
   * The first build fails: once each has printed what matches `stderrUntil`, these files are
   * written in its directory, and the case goes on when it is "Ready on".
   */
  fixAtStart?: { stderrUntil: RegExp; files: Record<string, string> };
  /** Symbolic links made beside `files`: the link's path to what it points to. */
  symlinks?: Record<string, string>;
  /** Commands each tool runs in its own scratch copy before its dev server starts (e.g. a build whose output the server runs); each must exit 0. */
  prepare?: string[][];
  requests: HttpProbe[];
  /** Also compare what each prints on stdout up to its "Ready on" line (banner, bindings table). */
  compareStartup?: boolean;
  /** Also compare what each has printed on stderr (warnings) once it is ready, and again after the reloads. */
  compareStderr?: boolean;
  /** Differences on purpose in that stderr. */
  stderrExpected?: ExpectedDifference[];
  /** Also compare the request lines each logs for `requests` ("[wrangler:info] GET / 200 OK (3ms)", colours included). */
  compareRequestLog?: boolean;
  /**
   * Also compare other lines logged after "Ready on" (a binding's log lines):
   * `extract` picks them from the normalised stdout, once every request is logged.
   */
  compareLog?: { extract: (text: string) => string; expected?: ExpectedDifference[] };
  /**
   * Then edit files in both scratch dirs, poll `waitFor` until its body matches `until`, and probe again;
   * a list is done edit after edit (some bugs need several reloads in a row).
   */
  reload?: ReloadStep | (ReloadStep | FailedReloadStep | QuietStep)[];
  /**
   * Also compare what each prints on stdout after "Ready on", request lines left out, once
   * both have finished every reload: the reloads' own lines, in their order.
   */
  compareReloadLog?: boolean;
  fast?: boolean;
}

const READY_TIMEOUT_MS = 60_000;
const READY = /Ready on (https?:\/\/\S+)/;
const ANSI_CODES = /\x1b\[[0-9;]*m/g;

export interface Running {
  child: ChildProcess;
  url: string;
  output: () => string;
  stdout: () => string;
  stderr: () => string;
}

/** The case's symbolic links, in each tool's scratch dir. */
function makeSymlinks(dirs: Record<Tool, string>, symlinks: Record<string, string> = {}): void {
  for (const dir of Object.values(dirs)) for (const [link, target] of Object.entries(symlinks)) symlinkSync(target, path.join(dir, link));
}

/** `onStderr` sees what it has printed on stderr so far, after each chunk (before it is ready too). */
export async function startDev(
  tool: Tool,
  dir: string,
  args: string[],
  env?: Record<string, string>,
  onStderr?: (stderr: string) => void,
  command: string[] = ["dev"],
): Promise<Running> {
  for (let attempt = 1; ; attempt++) {
    // wrangler checks that its inspector port (9229 unless told) is free, then workerd binds
    // it: another wrangler dev on this machine, or the last case's workerd not yet gone, can
    // hold it, and workerd dies. A free port of its own each start; taken meanwhile, try again.
    const inspector = tool === "wrangler" && !args.includes("--inspector-port") ? ["--inspector-port", String(await freePort())] : [];
    try {
      return await startDevOnce(tool, dir, [...command, "--port", "0", ...args, ...inspector], env, onStderr);
    } catch (error) {
      const raced = tool === "wrangler" && /Address already in use; toString\(\) = 127\.0\.0\.1:\d+/.test((error as Error).message);
      if (!raced || attempt === 3) throw error;
    }
  }
}

function startDevOnce(tool: Tool, dir: string, argv: string[], env?: Record<string, string>, onStderr?: (stderr: string) => void): Promise<Running> {
  const child =
    tool === "wrangler"
      ? spawn(process.env.NODE_BINARY ?? "node", [WRANGLER_JS, ...argv], { cwd: dir, env: toolEnv(dir, env), detached: true })
      : spawn(BUNFLARE_BIN, argv, { cwd: dir, env: toolEnv(dir, env), detached: true });
  let output = "";
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    onStderr?.(stderr);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${tool} dev did not become ready in time:\n${output}`)), READY_TIMEOUT_MS);
    const fail = (error: Error) => {
      clearTimeout(timer);
      kill(child);
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.replace(ANSI_CODES, "").match(READY);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1]!.replace("localhost", "127.0.0.1"), output: () => output, stdout: () => stdout, stderr: () => stderr });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.on("exit", (code) => fail(new Error(`${tool} dev exited (${code}) before it was ready:\n${output}`)));
  });
}

export function kill(child: ChildProcess): void {
  if (child.exitCode !== null || child.pid === undefined) return;
  try {
    // The whole group: wrangler runs workerd as a child of its own.
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

interface Seen {
  status: number;
  body: string;
  headers: Record<string, string>;
}

async function probe(base: string, request: HttpProbe): Promise<Seen> {
  try {
    const seen = await probeOnce(base, request);
    // wrangler dev's own answer when its worker process restarted under load
    // (a POST it does not retry itself); it asks to send the request again.
    if (seen.status === 503 && seen.body.startsWith("Your worker restarted mid-request")) return await probeOnce(base, request);
    return seen;
  } catch (error) {
    // Under load wrangler dev has twice left a GET unanswered for 15 s (its
    // asset worker, as far as we can tell: bunflare answered 100 of 100 in a
    // loop). A GET is safe to send again; anything else fails at once.
    if ((error as Error).name === "TimeoutError" && request.answerWithinMs) return { status: 0, body: "<no answer>", headers: {} };
    // A request one may hold may also meet a server that has gone (wrangler's, after workerd exited):
    // refused, or reset when it goes while holding the request (seen on a slower machine).
    const code = (error as { code?: string }).code;
    if ((code === "ECONNREFUSED" || code === "ECONNRESET") && request.answerWithinMs) return { status: 0, body: "<not listening>", headers: {} };
    if ((request.method ?? "GET") !== "GET" || (error as Error).name !== "TimeoutError") throw error;
    return await probeOnce(base, request);
  }
}

async function probeOnce(base: string, request: HttpProbe): Promise<Seen> {
  const response = await fetch(new URL(request.path, base), {
    method: request.method ?? "GET",
    headers: request.headers,
    body: request.body,
    redirect: "manual",
    // A fresh connection per probe: a reused one can carry state from the last
    // request (an unread body after a 405) and stall the next one under load.
    keepalive: false,
    signal: AbortSignal.timeout(request.answerWithinMs ?? 15_000),
    // Bun's options: the raw body for `encoded` probes, and the dev servers' self-signed certificates.
    decompress: !request.encoded,
    tls: { rejectUnauthorized: false },
  } as RequestInit);
  let body: string;
  const headers: Record<string, string> = {};
  if (request.encoded) {
    const bytes = Buffer.from(await response.arrayBuffer());
    const coding = response.headers.get("content-encoding");
    headers["content-encoding"] = coding ?? "<absent>";
    body = (!bytes.length ? bytes : coding === "gzip" ? gunzipSync(bytes) : coding === "br" ? brotliDecompressSync(bytes) : bytes).toString();
  } else {
    body = await response.text();
  }
  for (const name of request.headers_compared ?? []) headers[name] = response.headers.get(name) ?? "<absent>";
  if (request.wire) Object.assign(headers, await onTheWire(base, request));
  return { status: response.status, body, headers };
}

/** A response read off a raw connection: undefined until it is whole (by its framing, or the end of the connection). */
function parseWire(raw: Buffer, method: string, ended: boolean): Record<string, string> | undefined {
  const split = raw.indexOf("\r\n\r\n");
  if (split < 0) return ended ? { "status-line": "<no head>" } : undefined;
  const [statusLine = "", ...fields] = raw.subarray(0, split).toString("latin1").split("\r\n");
  const field = (name: string) => fields.find((line) => line.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim() ?? "<absent>";
  const framing = { "status-line": statusLine, "wire content-length": field("content-length"), "wire transfer-encoding": field("transfer-encoding") };
  const status = Number(statusLine.split(" ")[1]);
  let body = raw.subarray(split + 4);
  if (method === "HEAD" || status === 204 || status === 304) return { ...framing, "wire body bytes": String(body.length) };
  if (framing["wire transfer-encoding"] === "chunked") {
    const parts: Buffer[] = [];
    for (let at = 0; ; ) {
      const lineEnd = body.indexOf("\r\n", at);
      if (lineEnd < 0) return ended ? { ...framing, "wire body bytes": "<cut short>" } : undefined;
      const size = parseInt(body.subarray(at, lineEnd).toString("latin1"), 16);
      if (size === 0) break;
      if (body.length < lineEnd + 2 + size + 2) return ended ? { ...framing, "wire body bytes": "<cut short>" } : undefined;
      parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  } else if (!ended) {
    // Without a length the body runs to the end of the connection.
    const length = framing["wire content-length"];
    if (length === "<absent>" || body.length < Number(length)) return undefined;
  }
  return { ...framing, "wire body bytes": String(body.length) };
}

/** The request sent over a raw connection: its answer's status line, framing headers and body size as sent. */
function onTheWire(base: string, request: HttpProbe): Promise<Record<string, string>> {
  const url = new URL(request.path, base);
  const method = request.method ?? "GET";
  const lines = [`${method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`];
  for (const [name, value] of Object.entries(request.headers ?? {})) lines.push(`${name}: ${value}`);
  if (request.body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(request.body)}`);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    let raw = Buffer.alloc(0);
    // Done when the framing says so: workerd keeps the connection open a few seconds after answering.
    const check = (ended: boolean) => {
      const seen = parseWire(raw, method, ended);
      if (!seen) return;
      socket.destroy();
      resolve(seen);
    };
    // A TimeoutError, as fetch's: probe() sends a GET that wrangler left unanswered once more.
    const timedOut = () => new DOMException(`no whole answer on a raw connection to ${url.host}, only ${JSON.stringify(raw.toString("latin1"))}`, "TimeoutError");
    socket.setTimeout(request.answerWithinMs ?? 15_000, () => socket.destroy(timedOut()));
    socket.on("data", (chunk: Buffer) => {
      raw = Buffer.concat([raw, chunk]);
      check(false);
    });
    socket.on("error", reject);
    socket.on("end", () => check(true));
    socket.write(`${lines.join("\r\n")}\r\n\r\n${request.body ?? ""}`);
  });
}

/** Normalised lines without what only wrangler's network access causes (the cf fetch, which can come before or after "Ready on"). */
export function withoutCfFetch(text: string): string[] {
  const lines: string[] = [];
  let afterCfWarning = false;
  for (const line of text.split("\n")) {
    // Matched without the colour codes (shown as ‹..›): the warning is
    // followed by the network error, dimmed, whichever it was this time.
    const plain = line.replace(/‹[0-9;]*›/g, "");
    const cfWarning = /Unable to fetch the `Request.cf` object/.test(plain);
    const skip = cfWarning || /^\s+at /.test(plain) || (afterCfWarning && /^\w*Error\b/.test(plain));
    afterCfWarning = cfWarning || (afterCfWarning && /^(\w*Error\b|\s+at )/.test(plain));
    if (!skip) lines.push(line);
  }
  return lines;
}

/** Stdout up to "Ready on", without the cf fetch. */
function startupLines(stdout: string, tool: Tool, dir: string): string {
  const lines: string[] = [];
  for (const line of withoutCfFetch(normalize(stdout, tool, dir))) {
    lines.push(line.replace(/:\d+((?:‹[0-9;]*›)*)$/, ":<PORT>$1"));
    if (/Ready on/.test(line.replace(/‹[0-9;]*›/g, ""))) break;
  }
  return lines.join("\n");
}

/**
 * Wrangler's watchers may see a fix written at start twice: it then builds once more before
 * "Ready on" (the modules table again, "Reloading local server...", "Local server updated
 * and ready"), or not, as the events fall. Timing, not behaviour: that round is left out.
 */
export function withoutSecondStartBuild(startup: string): string {
  return startup.replace(/(⎔ Starting local server\.\.\.[^\n]*\n)[^]*?⎔ Reloading local server\.\.\.[^\n]*\n[^\n]*⎔ Local server updated and ready[^\n]*\n/, "$1");
}

// At --log-level debug wrangler names the logger "wrangler-ProxyWorker" (the name stays in the compared
// line), and also logs its own calls to its proxy (/cdn-cgi/ProxyWorker/): wrangler's internal traffic,
// which bunflare has no counterpart of, so those lines are not request lines.
const isRequestLine = (line: string) =>
  /^(‹[0-9;]*›)*\[wrangler(-ProxyWorker)?:info\](‹[0-9;]*›)* (‹[0-9;]*›)*[A-Z]+(‹[0-9;]*›)* \//.test(line) && !line.includes("/cdn-cgi/ProxyWorker/");

/** The lines logged after "Ready on", times normalised. */
function linesAfterReady(stdout: string, tool: Tool, dir: string): string[] {
  return normalize(stdout, tool, dir).replace(/^[^]*?Ready on[^\n]*\n/, "").split("\n");
}

/** The request lines logged after "Ready on". */
function requestLines(stdout: string, tool: Tool, dir: string): string[] {
  return linesAfterReady(stdout, tool, dir).filter(isRequestLine);
}

/**
 * Calls `check` every `every` ms until it is true (then true) or `ms` have passed (then false);
 * it is always called at least once.
 */
async function pollUntil(check: () => boolean | Promise<boolean>, ms: number, every = 100): Promise<boolean> {
  for (const deadline = Date.now() + ms; ; ) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

/** Waits until both tools have logged `count` request lines (wrangler logs them a moment after answering). */
async function waitForRequestLines(running: Record<Tool, Running>, dirs: Record<Tool, string>, count: number): Promise<Record<Tool, string[]>> {
  let lines!: Record<Tool, string[]>;
  await pollUntil(() => {
    lines = {
      wrangler: requestLines(running.wrangler.stdout(), "wrangler", dirs.wrangler),
      bunflare: requestLines(running.bunflare.stdout(), "bunflare", dirs.bunflare),
    };
    return lines.wrangler.length >= count && lines.bunflare.length >= count;
  }, 15_000, 50);
  return lines;
}

function shown(request: HttpProbe, seen: Seen): string {
  let body = seen.body.replace(/127\.0\.0\.1:\d+|localhost:\d+/g, "<HOST>");
  if (request.firstLineOnly) body = body.split("\n")[0]!;
  if (request.ignoreBody) body = "<ignored>";
  return JSON.stringify({ status: seen.status, headers: seen.headers, body }, null, 1);
}

export function devCase(spec: DevCaseSpec): CompatCase {
  const testCase: CompatCase = {
    name: spec.name,
    fixture: spec.fixture,
    files: spec.files,
    fast: spec.fast,
    steps: [],
    async run(): Promise<CaseOutcome> {
      const dirs = { wrangler: makeScratch(testCase, "wrangler"), bunflare: makeScratch(testCase, "bunflare") };
      makeSymlinks(dirs, spec.symlinks);
      const running: Partial<Record<Tool, Running>> = {};
      const problems: string[] = [];
      const notes: string[] = [];
      for (const args of spec.prepare ?? []) {
        for (const tool of ["wrangler", "bunflare"] as const) {
          const result = await runStep(tool, dirs[tool], { args });
          if (result.exitCode !== 0) problems.push(`prepare \`${args.join(" ")}\` failed under ${tool}:\n${result.stderr}${result.stdout}`);
        }
      }
      try {
        const fixer = (tool: Tool) => {
          const fix = spec.fixAtStart;
          let written = false;
          return (
            fix &&
            ((stderr: string) => {
              if (written || !fix.stderrUntil.test(stderr)) return;
              written = true;
              for (const [file, content] of Object.entries(fix.files)) writeFileSync(path.join(dirs[tool], file), content);
            })
          );
        };
        const [w, b] = await Promise.allSettled([
          startDev("wrangler", dirs.wrangler, spec.args ?? [], spec.env, fixer("wrangler"), spec.command),
          startDev("bunflare", dirs.bunflare, spec.args ?? [], spec.env, fixer("bunflare"), spec.command),
        ]);
        if (w.status === "fulfilled") running.wrangler = w.value;
        else problems.push(String(w.reason));
        if (b.status === "fulfilled") running.bunflare = b.value;
        else problems.push(String(b.reason));
        if (!running.wrangler || !running.bunflare) return { name: spec.name, ok: false, problems };
        const compare = async (requests: HttpProbe[]) => {
          for (const request of requests) {
            const label = `${request.method ?? "GET"} ${request.path}`;
            try {
              const want = shown(request, await probe(running.wrangler!.url, request));
              const got = shown(request, await probe(running.bunflare!.url, request));
              if (want === got) continue;
              const applied = new Set<ExpectedDifference>();
              if (request.expected && !compareStream(label, "stdout", { wrangler: want, bunflare: got }, request.expected, [], applied)) {
                for (const difference of applied) notes.push(`≠ expected: ${difference.reason}`);
                continue;
              }
              problems.push(`${label}: response differs\n    - wrangler | ${want.replace(/\n/g, "")}\n    + bunflare | ${got.replace(/\n/g, "")}`);
            } catch (error) {
              problems.push(`${label}: ${(error as Error).message}`);
            }
          }
        };
        if (spec.compareStartup) {
          let [want, got] = (["wrangler", "bunflare"] as const).map((tool) => startupLines(running[tool]!.stdout(), tool, dirs[tool]));
          if (spec.fixAtStart) want = withoutSecondStartBuild(want!);
          if (want !== got) problems.push(`startup output differs\n    - wrangler | ${want!.split("\n").join("\n    - wrangler | ")}\n    + bunflare | ${got!.split("\n").join("\n    + bunflare | ")}`);
        }
        await compare(spec.requests);
        // Stderr is another pipe, so what a request printed there can come after its log line
        // on stdout: it only grows, so wait a while for it to agree.
        const compareStderrs = async (when: string) => {
          const stderrs = () => (["wrangler", "bunflare"] as const).map((tool) => normalize(running[tool]!.stderr(), tool, dirs[tool]));
          let [want, got] = ["", ""];
          await pollUntil(() => {
            [want, got] = stderrs();
            return want === got;
          }, 5_000);
          const applied = new Set<ExpectedDifference>();
          if (want !== got && compareStream("stderr", "stderr", { wrangler: want, bunflare: got }, spec.stderrExpected ?? [], [], applied)) {
            problems.push(`stderr ${when}differs\n${showDiff(want, got)}`);
          }
          for (const difference of applied) notes.push(`≠ expected: ${difference.reason}`);
        };
        if (spec.compareStderr) {
          await waitForRequestLines(running as Record<Tool, Running>, dirs, spec.requests.length);
          await compareStderrs("");
        }
        if (spec.compareRequestLog) {
          const lines = await waitForRequestLines(running as Record<Tool, Running>, dirs, spec.requests.length);
          // Sorted: wrangler logs a request from a waitUntil after answering, so its lines can come out of order.
          const [want, got] = [lines.wrangler.sort().join("\n"), lines.bunflare.sort().join("\n")];
          if (want !== got) problems.push(`request log differs\n${showDiff(want, got)}`);
        }
        if (spec.compareLog) {
          await waitForRequestLines(running as Record<Tool, Running>, dirs, spec.requests.length);
          const [want, got] = (["wrangler", "bunflare"] as const).map((tool) =>
            spec.compareLog!.extract(normalize(running[tool]!.stdout(), tool, dirs[tool]).replace(/^[^]*?Ready on[^\n]*\n/, "")),
          );
          const applied = new Set<ExpectedDifference>();
          const problem = compareStream("log", "stdout", { wrangler: want!, bunflare: got! }, spec.compareLog.expected ?? [], [], applied);
          if (problem) problems.push(problem);
          for (const difference of applied) notes.push(`≠ expected: ${difference.reason}`);
        }
        for (const step of [spec.reload ?? []].flat()) {
          // A step's printedUntil is looked for in what was printed after its files were written.
          const printedBefore = { wrangler: running.wrangler!.output().length, bunflare: running.bunflare!.output().length };
          for (const dir of [dirs.wrangler, dirs.bunflare]) {
            for (const [file, content] of Object.entries(step.files)) writeFileSync(path.join(dir, file), content);
          }
          if ("quietMs" in step) {
            await new Promise((resolve) => setTimeout(resolve, step.quietMs));
            continue;
          }
          if ("printedUntil" in step) {
            for (const tool of ["wrangler", "bunflare"] as const) {
              if (!(await pollUntil(() => step.printedUntil.test(running[tool]!.output().slice(printedBefore[tool])), 30_000))) {
                problems.push(`${tool} printed no ${step.printedUntil} within 30 s`);
              }
            }
            await compare(step.requests ?? []);
            continue;
          }
          await Promise.all(
            (["wrangler", "bunflare"] as const).map(async (tool) => {
              const reloaded = async () => {
                const now = await probe(running[tool]!.url, { path: step.waitFor }).catch(() => undefined);
                return now !== undefined && step.until.test(now.body);
              };
              if (!(await pollUntil(reloaded, 30_000))) problems.push(`${tool} did not reload within 30 s`);
            }),
          );
          await compare(step.requests);
        }
        if (spec.compareStderr && spec.reload) await compareStderrs("after the reloads ");
        if (spec.compareReloadLog) {
          const reloads = [spec.reload ?? []].flat().filter((step) => "waitFor" in step).length;
          const logs = () =>
            (["wrangler", "bunflare"] as const).map((tool) =>
              withoutCfFetch(linesAfterReady(running[tool]!.stdout(), tool, dirs[tool]).join("\n"))
                .filter((line) => !isRequestLine(line))
                .join("\n"),
            );
          // A reload's last line can follow the first answer of its new worker: wait for each to print them all.
          const done = (text: string) => text.split("Local server updated and ready").length - 1 >= reloads;
          let [want, got] = ["", ""];
          await pollUntil(() => {
            [want, got] = logs();
            return done(want) && done(got);
          }, 15_000);
          if (want !== got) problems.push(`reload output differs\n${showDiff(want, got)}`);
        }
      } finally {
        for (const tool of ["wrangler", "bunflare"] as const) if (running[tool]) kill(running[tool]!.child);
        rmSync(dirs.wrangler, { recursive: true, force: true });
        rmSync(dirs.bunflare, { recursive: true, force: true });
      }
      return { name: spec.name, ok: problems.length === 0, problems, notes };
    },
  };
  return testCase;
}

export interface FailedStartSpec {
  name: string;
  files: Record<string, string>;
  /** Symbolic links made beside `files`: the link's path to what it points to (which may not exist). */
  symlinks?: Record<string, string>;
  /** What each prints on stderr once its first build has failed. */
  stderrUntil: RegExp;
  /** Sent once both have printed it; `answerWithinMs` is needed where wrangler holds requests. */
  request: HttpProbe;
  /** Differences on purpose in what each printed on stderr by then. */
  stderrExpected?: ExpectedDifference[];
  /** Compare what each printed on stdout by then too (the banner, a bindings table). */
  compareStdout?: boolean;
  /** The command before `--port` (`dev` unless told: `["pages", "dev", "public"]`). */
  command?: string[];
  fast?: boolean;
}

/**
 * A dev start whose first build fails, compared before anything is fixed: what each prints on
 * stderr and what a request gets meanwhile. For starts wrangler never recovers from (it never
 * says "Ready on", so devCase's fixAtStart cannot reach its requests); each listens on a port
 * given to it.
 */
export function devFailedStartCase(spec: FailedStartSpec): CompatCase {
  const testCase: CompatCase = {
    name: spec.name,
    files: spec.files,
    fast: spec.fast,
    steps: [],
    async run(): Promise<CaseOutcome> {
      const dirs = { wrangler: makeScratch(testCase, "wrangler"), bunflare: makeScratch(testCase, "bunflare") };
      makeSymlinks(dirs, spec.symlinks);
      const problems: string[] = [];
      const notes: string[] = [];
      const children: ChildProcess[] = [];
      try {
        const started = await Promise.all(
          (["wrangler", "bunflare"] as const).map(async (tool) => {
            const port = await freePort();
            const argv = [...(spec.command ?? ["dev"]), "--port", String(port), ...(tool === "wrangler" ? ["--inspector-port", String(await freePort())] : [])];
            const options = { cwd: dirs[tool], env: toolEnv(dirs[tool]), detached: true };
            const child = tool === "wrangler" ? spawn(process.env.NODE_BINARY ?? "node", [WRANGLER_JS, ...argv], options) : spawn(BUNFLARE_BIN, argv, options);
            children.push(child);
            let stderr = "";
            let stdout = "";
            child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
            child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
            const failed = await pollUntil(() => spec.stderrUntil.test(stderr.replace(ANSI_CODES, "")), READY_TIMEOUT_MS);
            if (!failed) problems.push(`${tool} printed nothing matching ${spec.stderrUntil} on stderr:\n${stderr}`);
            return { url: `http://127.0.0.1:${port}`, stderr: () => normalize(stderr, tool, dirs[tool]), stdout: () => normalize(stdout, tool, dirs[tool]) };
          }),
        );
        if (problems.length) return { name: spec.name, ok: false, problems };
        const [wrangler, bunflare] = started as [(typeof started)[0], (typeof started)[0]];
        const label = `${spec.request.method ?? "GET"} ${spec.request.path}`;
        // A server that never started listens nowhere: that is its answer too.
        const answer = (url: string) => probe(url, spec.request).catch((error: Error & { code?: string }): Seen => {
          if (error.code !== "ECONNREFUSED") throw error;
          return { status: 0, body: "<not listening>", headers: {} };
        });
        const responses = { wrangler: shown(spec.request, await answer(wrangler.url)), bunflare: shown(spec.request, await answer(bunflare.url)) };
        const streams = [
          { label, stream: "stdout" as const, texts: responses, expected: spec.request.expected ?? [] },
          { label: "stderr", stream: "stderr" as const, texts: { wrangler: wrangler.stderr(), bunflare: bunflare.stderr() }, expected: spec.stderrExpected ?? [] },
          ...(spec.compareStdout ? [{ label: "stdout", stream: "stdout" as const, texts: { wrangler: wrangler.stdout(), bunflare: bunflare.stdout() }, expected: [] }] : []),
        ];
        for (const { label, stream, texts, expected } of streams) {
          const applied = new Set<ExpectedDifference>();
          const problem = compareStream(label, stream, texts, expected, [], applied);
          if (problem) problems.push(problem);
          for (const difference of applied) notes.push(`≠ expected: ${difference.reason}`);
        }
      } finally {
        for (const child of children) kill(child);
        for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true });
      }
      return { name: spec.name, ok: problems.length === 0, problems, notes };
    },
  };
  return testCase;
}
