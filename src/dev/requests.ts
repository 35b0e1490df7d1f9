// The dev session's request record, for the Local Explorer's Requests view:
// the last requests with method, path, status, duration and the console lines
// each produced, per-route latency, and cron / queue invocations. It lives in
// the dev process (nothing is written to the store). The HTTP server wraps its
// handler with recordRequests(); console lines are tied to the request whose
// async context printed them (AsyncLocalStorage), so concurrent requests keep
// their own lines.
import { AsyncLocalStorage } from "node:async_hooks";
import { formatWithOptions } from "node:util";
import { isRemoteCall } from "./remote.ts";

export interface RecordedLine {
  level: string;
  text: string;
}

export interface RecordedRequest {
  id: number;
  /** http: a request to the worker; cron / queue: an invocation the dev server's pumps made. */
  kind: "http" | "cron" | "queue";
  method: string;
  /** The URL path for http, the cron expression for cron, the queue name for queue. */
  path: string;
  /** The HTTP status; for a cron invocation its outcome ("Ok", "Exception Thrown"), for a queue batch messages acked / delivered ("2/2"). */
  status: number | string | null;
  duration_ms: number | null;
  started: string;
  logs: RecordedLine[];
}

/** How many requests (and invocations) are kept, newest first; per route, how many durations. */
export const MAX_RECORDED = 500;
const MAX_DURATIONS = 1000;
const MAX_LINES = 100;
const MAX_LINE_CHARS = 8 * 1024;

const scope = new AsyncLocalStorage<RecordedRequest>();
const recent: RecordedRequest[] = [];
const durations = new Map<string, { count: number; errors: number; samples: number[] }>();
let nextId = 1;
let recording = false;
let capturing = false;

/** Whether this process records requests (a dev session); `bunflare explorer` alone does not. */
export function isRecording(): boolean {
  return recording;
}

function keep(entry: RecordedRequest): void {
  recent.unshift(entry);
  if (recent.length > MAX_RECORDED) recent.pop();
}

/** A failed request or invocation: a 5xx, a cron that threw, a queue batch not all acked ("1/2"). */
function failed(entry: RecordedRequest): boolean {
  if (typeof entry.status === "number") return entry.status >= 500;
  if (entry.kind === "queue") {
    const [acked, total] = String(entry.status).split("/").map(Number);
    return acked !== total;
  }
  return entry.status !== "Ok";
}

function finish(entry: RecordedRequest, routeKey: string): void {
  let route = durations.get(routeKey);
  if (!route) durations.set(routeKey, (route = { count: 0, errors: 0, samples: [] }));
  route.count++;
  if (failed(entry)) route.errors++;
  route.samples.push(entry.duration_ms ?? 0);
  if (route.samples.length > MAX_DURATIONS) route.samples.shift();
}

/** The path of an absolute URL, without parsing all of it on every request. */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const end = url.slice(start).search(/[?#]/);
  return end < 0 ? url.slice(start) : url.slice(start, start + end);
}

/** Paths that are the dev server's own, not the worker's. */
const OWN_PATH = /^\/cdn-cgi\/(?:explorer|live-reload|mf)(?:\/|$)/;

/** Wraps the dev server's fetch handler so every request to the worker is recorded. */
export function recordRequests<S, R extends Response | undefined>(handle: (request: Request, server: S) => Promise<R>): (request: Request, server: S) => Promise<R> {
  recording = true;
  captureConsole();
  return (request, server) => {
    const path = pathOf(request.url);
    // Binding calls from other dev processes and the dev server's own pages are not the worker's requests.
    if (OWN_PATH.test(path) || isRemoteCall(request)) return handle(request, server);
    const entry: RecordedRequest = { id: nextId++, kind: "http", method: request.method, path, status: null, duration_ms: null, started: new Date().toISOString(), logs: [] };
    keep(entry);
    const started = performance.now();
    return scope.run(entry, async () => {
      try {
        const response = await handle(request, server);
        entry.status = response?.status ?? 101;
        return response;
      } catch (error) {
        entry.status = 500;
        throw error;
      } finally {
        entry.duration_ms = Math.round((performance.now() - started) * 10) / 10;
        finish(entry, `${entry.method} ${path}`);
      }
    });
  };
}

/** Runs `fn` outside any request: the dev console's batched output is not a request's own line. */
export function outsideRequests<T>(fn: () => T): T {
  return scope.exit(fn);
}

// The pumps' summary lines, as the dev console prints them (colours stripped).
const CRON_LINE = /^\[wrangler:info\] "(.+)" @ .+ - (.+)$/;
const QUEUE_LINE = /^\[wrangler:info\] QUEUE (\S+) (.+?) \((\d+(?:\.\d+)?)ms\)$/;
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

/** A line the dev console prints: cron and queue invocations become entries. */
export function noteConsoleLine(line: string): void {
  if (!recording) return;
  const plain = line.replace(ANSI, "");
  const cron = CRON_LINE.exec(plain);
  if (cron) {
    const entry: RecordedRequest = { id: nextId++, kind: "cron", method: "CRON", path: cron[1]!, status: cron[2]!, duration_ms: null, started: new Date().toISOString(), logs: [] };
    keep(entry);
    finish(entry, `CRON ${cron[1]}`);
    return;
  }
  const queue = QUEUE_LINE.exec(plain);
  if (queue) {
    const entry: RecordedRequest = { id: nextId++, kind: "queue", method: "QUEUE", path: queue[1]!, status: queue[2]!.trim(), duration_ms: Number(queue[3]), started: new Date().toISOString(), logs: [] };
    keep(entry);
    finish(entry, `QUEUE ${queue[1]}`);
  }
}

/** What the worker prints with console.* while a request runs is kept with that request. */
function captureConsole(): void {
  if (capturing) return;
  capturing = true;
  for (const level of ["log", "info", "warn", "error", "debug"] as const) {
    const original = console[level];
    console[level] = (...args: unknown[]) => {
      if (scope.getStore()) noteWorkerLine(level, formatWithOptions({ colors: false }, ...args));
      original.apply(console, args);
    };
  }
}

/** Keeps a line the worker printed with the request running it, if any. */
export function noteWorkerLine(level: RecordedLine["level"], text: string): void {
  const entry = scope.getStore();
  // Bounded, so a worker logging large values cannot grow the dev process without end.
  if (!entry || entry.logs.length >= MAX_LINES) return;
  entry.logs.push({ level, text: text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}… (${text.length} characters)` : text });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The recorded requests, newest first, optionally of one kind. */
export function recordedRequests(options: { kind?: string; limit?: number } = {}): RecordedRequest[] {
  const list = options.kind ? recent.filter((entry) => entry.kind === options.kind) : recent;
  return list.slice(0, options.limit ?? 100);
}

/** Per route ("GET /path", "CRON <expr>", "QUEUE <name>"): count, errors and p50 / p99 latency over its last 1,000. */
export function routeStats(): { route: string; count: number; errors: number; p50_ms: number; p99_ms: number }[] {
  return [...durations]
    .map(([route, stats]) => {
      const sorted = [...stats.samples].sort((a, b) => a - b);
      return { route, count: stats.count, errors: stats.errors, p50_ms: percentile(sorted, 50), p99_ms: percentile(sorted, 99) };
    })
    .sort((a, b) => b.count - a.count || a.route.localeCompare(b.route));
}

/** Forgets everything recorded (the Requests view's Clear). */
export function clearRecorded(): void {
  recent.length = 0;
  durations.clear();
}
