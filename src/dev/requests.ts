// The dev session's request record, for the Local Explorer's Requests view:
// the last requests with method, path, status, duration and the console lines
// each produced, per-route latency, and cron / queue invocations. It lives in
// the dev process (nothing is written to the store). The HTTP server runs a
// worker's request through recordRequest() and ends it with finishRequest();
// the lines a worker prints (its console goes to DevConsole.worker, which calls
// noteWorkerLine) are tied to the request whose async context printed them
// (AsyncLocalStorage), so concurrent requests keep their own lines.
//
// Recording is on every request's path, so it does the least there: entries go
// into fixed rings (no array shifting), times are kept as numbers and turned
// into ISO strings only when the explorer reads them, a request's log list
// exists only once it prints something, and the handler itself ends the record
// (no wrapping async frame).
import { AsyncLocalStorage } from "node:async_hooks";

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

/** An entry as kept: the start time as epoch milliseconds, no log list until a line comes. */
class Entry {
  logs: RecordedLine[] | undefined = undefined;
  constructor(
    readonly id: number,
    readonly kind: RecordedRequest["kind"],
    readonly method: string,
    readonly path: string,
    public status: number | string | null,
    public duration: number | null,
    readonly startedAt: number,
  ) {}
}

/** How many requests (and invocations) are kept, newest first; per route, how many durations. */
export const MAX_RECORDED = 500;
const MAX_DURATIONS = 1000;
const MAX_LINES = 100;
const MAX_LINE_CHARS = 8 * 1024;

const scope = new AsyncLocalStorage<Entry>();
/** A ring of the last MAX_RECORDED entries: `written` counts every entry ever kept. */
const ring: (Entry | undefined)[] = new Array(MAX_RECORDED).fill(undefined);
let written = 0;
let cleared = 0;

/** A route's count, errors and a ring of its last MAX_DURATIONS durations. */
interface RouteStats {
  count: number;
  errors: number;
  samples: Float64Array;
}
/** Route stats by method ("GET", "CRON", "QUEUE", ...), then path (or cron expression, or queue name). */
const durations = new Map<string, Map<string, RouteStats>>();
let nextId = 1;
let recording = false;

/** Whether this process records requests (a dev session); `bunflare explorer` alone does not. */
export function isRecording(): boolean {
  return recording;
}

function keep(entry: Entry): void {
  ring[written % MAX_RECORDED] = entry;
  written++;
}

/** A failed request or invocation: a 5xx, a cron that threw, a queue batch not all acked ("1/2"). */
function failed(entry: Entry): boolean {
  if (typeof entry.status === "number") return entry.status >= 500;
  if (entry.kind === "queue") {
    const [acked, total] = String(entry.status).split("/").map(Number);
    return acked !== total;
  }
  return entry.status !== "Ok";
}

function finish(entry: Entry): void {
  // By method, then path: no route string built per request.
  let byPath = durations.get(entry.method);
  if (!byPath) durations.set(entry.method, (byPath = new Map()));
  let route = byPath.get(entry.path);
  if (!route) byPath.set(entry.path, (route = { count: 0, errors: 0, samples: new Float64Array(MAX_DURATIONS) }));
  route.samples[route.count % MAX_DURATIONS] = entry.duration ?? 0;
  route.count++;
  if (failed(entry)) route.errors++;
}

/** The path of an absolute URL, without parsing all of it on every request. */
export function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  let end = url.indexOf("?", start);
  const hash = url.indexOf("#", start);
  if (hash >= 0 && (end < 0 || hash < end)) end = hash;
  return end < 0 ? url.slice(start) : url.slice(start, end);
}

/** Paths that are the dev server's own, not the worker's: their requests are not recorded. */
const OWN_PATH = /^\/cdn-cgi\/(?:explorer|live-reload|mf)(?:\/|$)/;

/** `path` starts with /cdn-cgi/ (the routing has tested that). */
export function isOwnPath(path: string): boolean {
  return OWN_PATH.test(path);
}

/** A request being recorded, as the handler holds it until finishRequest. */
export type RequestRecord = Entry;

/** From now on this process records requests (the dev server calls it when it starts serving). */
export function startRecording(): void {
  recording = true;
}

/**
 * Records a request to the worker and runs `handle` in its scope, so the lines
 * its worker prints are kept with it. `handle` ends the record with
 * finishRequest (no wrapper frame around it per request).
 */
export function recordRequest<S, R>(
  handle: (request: Request, server: S, path: string, record: RequestRecord, started: number) => R,
  request: Request,
  server: S,
  path: string,
): R {
  const started = performance.now();
  const entry = new Entry(nextId++, "http", request.method, path, null, null, performance.timeOrigin + started);
  keep(entry);
  return scope.run(entry, handle, request, server, path, entry, started);
}

/** Ends a recorded request: its status (101 for a WebSocket) and how long it took. */
export function finishRequest(record: RequestRecord, status: number, durationMs: number): void {
  record.status = status;
  record.duration = Math.round(durationMs * 10) / 10;
  finish(record);
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
    const entry = new Entry(nextId++, "cron", "CRON", cron[1]!, cron[2]!, null, Date.now());
    keep(entry);
    finish(entry);
    return;
  }
  const queue = QUEUE_LINE.exec(plain);
  if (queue) {
    const entry = new Entry(nextId++, "queue", "QUEUE", queue[1]!, queue[2]!.trim(), Number(queue[3]), Date.now());
    keep(entry);
    finish(entry);
  }
}

/** Keeps a line the worker printed with the request running it, if any. */
export function noteWorkerLine(level: RecordedLine["level"], text: string): void {
  const entry = scope.getStore();
  // Bounded, so a worker logging large values cannot grow the dev process without end.
  if (!entry) return;
  const logs = (entry.logs ??= []);
  if (logs.length >= MAX_LINES) return;
  logs.push({ level, text: text.length > MAX_LINE_CHARS ? `${text.slice(0, MAX_LINE_CHARS)}… (${text.length} characters)` : text });
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The recorded requests, newest first, optionally of one kind. */
export function recordedRequests(options: { kind?: string; limit?: number } = {}): RecordedRequest[] {
  const limit = options.limit ?? 100;
  const list: RecordedRequest[] = [];
  for (let at = written - 1; at >= Math.max(cleared, written - MAX_RECORDED) && list.length < limit; at--) {
    const entry = ring[at % MAX_RECORDED]!;
    if (options.kind && entry.kind !== options.kind) continue;
    list.push({
      id: entry.id,
      kind: entry.kind,
      method: entry.method,
      path: entry.path,
      status: entry.status,
      duration_ms: entry.duration,
      started: new Date(entry.startedAt).toISOString(),
      logs: entry.logs ? [...entry.logs] : [],
    });
  }
  return list;
}

/** Per route ("GET /path", "CRON <expr>", "QUEUE <name>"): count, errors and p50 / p99 latency over its last 1,000. */
export function routeStats(): { route: string; count: number; errors: number; p50_ms: number; p99_ms: number }[] {
  return [...durations]
    .flatMap(([method, byPath]) => [...byPath].map(([path, stats]) => {
      const sorted = stats.samples.slice(0, Math.min(stats.count, MAX_DURATIONS)).sort();
      return { route: `${method} ${path}`, count: stats.count, errors: stats.errors, p50_ms: percentile(sorted, 50), p99_ms: percentile(sorted, 99) };
    }))
    .sort((a, b) => b.count - a.count || a.route.localeCompare(b.route));
}

/** Forgets everything recorded (the Requests view's Clear). */
export function clearRecorded(): void {
  cleared = written;
  ring.fill(undefined);
  durations.clear();
}
