// Tail events: a worker with `tail_consumers` has each fetch and scheduled
// invocation recorded as a TraceItem (its console lines, its uncaught
// exception, the event) and handed to the consumers once the invocation is
// done, in one batch per invocation, as workerd does. Only such workers are
// wrapped (traceWorker), so the request path of every other worker is
// untouched; the console's check (worker-console.ts) is one `undefined` test
// until the first traced worker loads.
import { AsyncLocalStorage } from "node:async_hooks";
import type { LoadedWorker, ScheduledResult } from "./index.ts";
import { setTraceLogSink, type WorkerLogLevel } from "./worker-console.ts";

export interface TraceLog {
  message: unknown[];
  level: WorkerLogLevel;
  timestamp: number;
}

export interface TraceException {
  stack: string;
  name: string;
  message: string;
  timestamp: number;
}

/** What workerd gives a tail() handler, in its key order (wrangler 4.86 locally). */
export interface TraceItem {
  wallTime: number;
  cpuTime: number;
  truncated: boolean;
  executionModel: "stateless";
  outcome: string;
  scriptName: null;
  diagnosticsChannelEvents: unknown[];
  exceptions: TraceException[];
  logs: TraceLog[];
  eventTimestamp: number;
  event: unknown;
}

class Trace {
  readonly logs: TraceLog[] = [];
  readonly exceptions: TraceException[] = [];
  /** ctx.waitUntil work: the invocation (and its trace) ends when it settles. */
  readonly waiting: Promise<unknown>[] = [];
  readonly eventTimestamp = Date.now();

  item(event: unknown): TraceItem {
    return {
      // workerd reports no timings locally.
      wallTime: 0,
      cpuTime: 0,
      truncated: false,
      executionModel: "stateless",
      // workerd says "ok" locally even for a scheduled handler that threw (its exception is listed).
      outcome: "ok",
      scriptName: null,
      diagnosticsChannelEvents: [],
      // Copies: a stray timer of the producer may still log after the batch is sent.
      exceptions: [...this.exceptions],
      logs: [...this.logs],
      eventTimestamp: this.eventTimestamp,
      event,
    };
  }
}

let scope: AsyncLocalStorage<Trace> | undefined;

/** The trace of the invocation running now, if its worker has tail consumers. */
export const currentTrace = (): Trace | undefined => scope?.getStore();

/** A log line's arguments as the consumer receives them: JSON values, as workerd serialises them. */
function jsonArgs(args: unknown[]): unknown[] {
  return args.map((arg) => {
    try {
      const text = JSON.stringify(arg);
      return text === undefined ? null : JSON.parse(text);
    } catch {
      return String(arg);
    }
  });
}

function startTracing(): AsyncLocalStorage<Trace> {
  if (scope) return scope;
  scope = new AsyncLocalStorage<Trace>();
  const traces = scope;
  setTraceLogSink((level, args) => traces.getStore()?.logs.push({ message: jsonArgs(args), level, timestamp: Date.now() }));
  return scope;
}

/**
 * Work of another invocation started from inside a traced one (a service binding's
 * fetch to a worker of this process, a tail() handler): its console lines are its own,
 * not the caller's.
 */
export function outsideTrace<A extends unknown[], R>(run: (...args: A) => R, ...args: A): R {
  return scope ? scope.exit(run, ...args) : run(...args);
}

/** Hands the trace to the consumers after the invocation and its waitUntil work, off the producer's path. */
function finish(trace: Trace, event: () => unknown, deliver: (items: TraceItem[]) => void): void {
  void Promise.allSettled(trace.waiting).then(() => setTimeout(() => outsideTrace(deliver, [trace.item(event())]), 0));
}

/** The stack's frames only, as workerd records them (the "Name: message" line is in name and message). */
function framesOf(stack: string): string {
  const lines = stack.split("\n");
  const first = lines.findIndex((line) => line.trimStart().startsWith("at "));
  return first < 0 ? "" : lines.slice(first).join("\n");
}

/**
 * Makes `worker` record its fetch and scheduled invocations for its tail consumers.
 * `deliver` gets each invocation's batch; it must not throw (it runs after the producer answered).
 */
export function traceWorker(worker: LoadedWorker, deliver: (items: TraceItem[]) => void): void {
  const traces = startTracing();
  const fetch = worker.fetch;
  worker.fetch = (request, entrypoint) => {
    const trace = new Trace();
    // Read now: the worker may consume or change the request.
    const headers = Object.fromEntries(request.headers as unknown as Iterable<[string, string]>);
    const requestEvent = { url: request.url, method: request.method, headers, cf: (request as { cf?: unknown }).cf };
    return traces.run(trace, async () => {
      // Wrangler's dev middleware answers a thrown error with its 500 page inside the
      // worker, so workerd sees an "ok" invocation with a 500 response and no exception.
      let status = 500;
      try {
        const response = await fetch(request, entrypoint);
        status = response.status;
        return response;
      } finally {
        finish(trace, () => ({ request: requestEvent, response: { status } }), deliver);
      }
    });
  };
  const scheduled = worker.scheduled;
  worker.scheduled = (cron, scheduledTime) => {
    const trace = new Trace();
    return traces.run(trace, async (): Promise<ScheduledResult> => {
      const result = await scheduled(cron, scheduledTime);
      if (result.outcome === "exception") {
        const error = result.error as Error | undefined;
        const isError = error instanceof Error;
        trace.exceptions.push({
          stack: framesOf(worker.mapStack(error)),
          name: isError ? error.name : "Error",
          message: isError ? error.message : String(error),
          timestamp: Date.now(),
        });
      }
      finish(trace, () => ({ cron, scheduledTime }), deliver);
      return result;
    });
  };
}
