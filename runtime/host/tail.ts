// Tail events: a worker with `tail_consumers` has each invocation recorded as a
// TraceItem (its console lines, its uncaught exception, the event) and handed to
// the consumers once the invocation is done, in one batch per invocation, as
// workerd does. What wrangler 4.86 delivers, per kind of invocation:
// - fetch: { request: { url, method, headers, cf }, response: { status } }; a fetch of a
//   named entrypoint (a service binding's `entrypoint`) has `entrypoint: "<name>"`.
// - scheduled: { cron, scheduledTime }; a throw is listed, the outcome stays "ok".
// - queue: { batchSize, queue }; a throw is listed, the outcome stays "ok".
// - a Durable Object alarm of the worker's class: executionModel "durableObject",
//   entrypoint the class name, event { scheduledTime: Date }; a throw is listed and the
//   outcome is "exception" (each retry is an invocation of its own).
// - a Durable Object's fetch: as a fetch, "durableObject"; a throw is listed, the outcome
//   "exception", and there is no response. Its RPC call: { rpcMethod }, a throw neither
//   listed nor an "exception".
// - an RPC call (or a getter read) on an entrypoint through a service binding:
//   { rpcMethod }, `entrypoint` for a named one; a throw makes the outcome "exception"
//   and is not listed.
// - email() (/cdn-cgi/handler/email): { rpcMethod: "email" }; a throw is neither listed
//   nor an "exception" outcome.
// Not delivered by bunflare (yet): the calls on an RpcTarget an RPC method returned,
// which wrangler counts in that method's invocation.
// Only traced workers are wrapped (traceWorker), so the paths of every other worker
// are untouched; the console's check (worker-console.ts), and a Durable Object
// event's (objectEvent), is one `undefined` test until the first traced worker loads.
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
  executionModel: "stateless" | "durableObject";
  outcome: "ok" | "exception";
  /** A named entrypoint's or a Durable Object class's name; absent for the default entrypoint. */
  entrypoint?: string;
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
  /** workerd says "ok" locally even for a scheduled, queue or email handler that threw. */
  outcome: TraceItem["outcome"] = "ok";

  constructor(
    readonly entrypoint?: string,
    readonly executionModel: TraceItem["executionModel"] = "stateless",
  ) {}

  item(event: unknown): TraceItem {
    return {
      // workerd reports no timings locally.
      wallTime: 0,
      cpuTime: 0,
      truncated: false,
      executionModel: this.executionModel,
      outcome: this.outcome,
      // Where workerd puts it; a default entrypoint's trace has no such key at all.
      ...(this.entrypoint === undefined ? {} : { entrypoint: this.entrypoint }),
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

/** An uncaught error as workerd lists it in `exceptions`. */
function exceptionOf(worker: LoadedWorker, error: unknown): TraceException {
  const isError = error instanceof Error;
  return {
    stack: framesOf(worker.mapStack(error)),
    name: isError ? error.name : "Error",
    message: isError ? error.message : String(error),
    timestamp: Date.now(),
  };
}

/** What a traced worker's Durable Object invocations need: the worker (its stacks) and where its traces go. */
interface ClassTracing {
  worker: LoadedWorker;
  deliver(items: TraceItem[]): void;
}

/** The traced workers' exported classes, for their Durable Objects' invocations. */
const tracedClasses = new WeakMap<object, ClassTracing>();

/** An invocation of a Durable Object: an alarm, a fetch, or an RPC call (a getter's read too). */
export type ObjectEvent = { alarm: number } | { request: Request } | { rpcMethod: string };

/**
 * A Durable Object's event handler (`run`, what ObjectHost.run runs on the instance once its
 * input gate lets the event in) as an invocation of its own: traced when its class is one a
 * traced worker exports (the object runs in the worker that defines its class, with that
 * worker's tails), else kept out of any caller's trace. `run` itself while nothing is traced.
 *
 * What wrangler delivers: executionModel "durableObject", entrypoint the class name; an
 * alarm's throw, and a fetch's, is listed and makes the outcome "exception" (a failed fetch
 * has no response); an RPC method's throw is neither listed nor an "exception".
 */
export function objectEvent<I, T>(getClass: () => unknown, className: string, event: ObjectEvent, run: (instance: I) => T | Promise<T>): (instance: I) => T | Promise<T> {
  const traces = scope;
  if (!traces) return run;
  let objectClass: unknown;
  try {
    objectClass = getClass();
  } catch {
    // The class is gone: the event fails as it would untraced.
  }
  const tracing = typeof objectClass === "function" ? tracedClasses.get(objectClass) : undefined;
  if (!tracing) return (instance) => outsideTrace(run, instance);
  const trace = new Trace(className, "durableObject");
  // Read now: the object may consume or change the request.
  const request = "request" in event ? requestEventOf(event.request) : undefined;
  let status: number | undefined;
  const eventOf = () =>
    "alarm" in event
      ? { scheduledTime: new Date(event.alarm) }
      : "rpcMethod" in event
        ? { rpcMethod: event.rpcMethod }
        : status === undefined
          ? { request }
          : { request, response: { status } };
  return (instance) =>
    traces.run(trace, async () => {
      try {
        const result = await run(instance);
        if (result instanceof Response) status = result.status;
        return result;
      } catch (error) {
        if (!("rpcMethod" in event)) {
          trace.outcome = "exception";
          trace.exceptions.push(exceptionOf(tracing.worker, error));
        }
        throw error;
      } finally {
        finish(trace, eventOf, tracing.deliver);
      }
    });
}

/** A fetch event's request as a TraceItem shows it. */
function requestEventOf(request: Request): unknown {
  const headers = Object.fromEntries(request.headers as unknown as Iterable<[string, string]>);
  return { url: request.url, method: request.method, headers, cf: (request as { cf?: unknown }).cf };
}

/** The handlers dispatch() runs that are traced (not tail(): a consumer's own invocation). */
const TRACED_DISPATCH = new Set(["queue", "email"]);

/**
 * An entrypoint instance (or a handler object) as an RPC target whose calls are traced:
 * every access through it is the RPC machinery's (the methods run with the instance itself
 * as `this`, so their own calls are not invocations). A method call is one invocation until
 * its result settles; a getter's read is one too.
 */
function tracedTarget(
  target: object,
  traces: AsyncLocalStorage<Trace>,
  entrypoint: string | undefined,
  done: (trace: Trace, rpcMethod: string) => void,
): object {
  const invoke = <R>(rpcMethod: string, run: () => R): R => {
    const trace = new Trace(entrypoint);
    let result: R;
    try {
      result = traces.run(trace, run);
    } catch (error) {
      trace.outcome = "exception";
      done(trace, rpcMethod);
      throw error;
    }
    if (!(result instanceof Promise)) {
      done(trace, rpcMethod);
      return result;
    }
    return result.then(
      (value) => (done(trace, rpcMethod), value),
      (error) => {
        trace.outcome = "exception";
        done(trace, rpcMethod);
        throw error;
      },
    ) as R;
  };
  return new Proxy(target, {
    get(object, key) {
      if (typeof key === "symbol" || key === "constructor") return Reflect.get(object, key, object);
      if (isGetter(object, key)) return invoke(key, () => Reflect.get(object, key, object));
      const value = Reflect.get(object, key, object);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => invoke(key, () => Reflect.apply(value, object, args));
    },
  });
}

/** An accessor on the object's prototypes (not Object.prototype's), which RPC may read. */
function isGetter(object: object, key: string): boolean {
  for (let proto = Object.getPrototypeOf(object); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, key);
    if (descriptor) return descriptor.get !== undefined;
  }
  return false;
}

/**
 * Makes `worker` record its invocations for its tail consumers (see the top of this file).
 * `deliver` gets each invocation's batch; it must not throw (it runs after the producer answered).
 */
export function traceWorker(worker: LoadedWorker, deliver: (items: TraceItem[]) => void): void {
  const traces = startTracing();
  const fetch = worker.fetch;
  worker.fetch = (request, entrypoint) => {
    const trace = new Trace(entrypoint === "default" ? undefined : entrypoint);
    // Read now: the worker may consume or change the request.
    const requestEvent = requestEventOf(request);
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
      if (result.outcome === "exception") trace.exceptions.push(exceptionOf(worker, result.error));
      finish(trace, () => ({ cron, scheduledTime }), deliver);
      return result;
    });
  };
  const dispatch = worker.dispatch;
  worker.dispatch = (handler, payload) => {
    if (!TRACED_DISPATCH.has(handler)) return dispatch(handler, payload);
    const trace = new Trace();
    const batch = payload as { queue: string; messages: readonly unknown[] };
    const event = handler === "queue" ? { batchSize: batch.messages.length, queue: batch.queue } : { rpcMethod: handler };
    return traces.run(trace, async () => {
      try {
        return await dispatch(handler, payload);
      } catch (error) {
        // workerd lists a queue handler's throw; an email handler's (a JSRPC call from miniflare) it does not.
        if (handler === "queue") trace.exceptions.push(exceptionOf(worker, error));
        throw error;
      } finally {
        finish(trace, () => event, deliver);
      }
    });
  };
  const asService = worker.asService;
  worker.asService = (name) => {
    const service = asService(name);
    const rpcTarget = service.rpcTarget;
    if (!rpcTarget) return service;
    const entrypoint = name === "default" ? undefined : name;
    const done = (trace: Trace, rpcMethod: string) => finish(trace, () => ({ rpcMethod }), deliver);
    return { ...service, rpcTarget: (props) => tracedTarget(rpcTarget(props), traces, entrypoint, done) as Record<string, unknown> };
  };
  const tracing: ClassTracing = { worker, deliver };
  for (const value of Object.values(worker.exports)) if (typeof value === "function") tracedClasses.set(value, tracing);
}
