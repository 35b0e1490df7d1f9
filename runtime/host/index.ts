// The worker host: loads a bundle into this Bun process and dispatches
// fetch / scheduled events to it the way the Workers runtime does. Running
// in-process (no thread, no child) is what keeps a request as cheap as a
// plain Bun.serve handler; isolation from user failures is done by catching.
import { placeholderCf } from "./cf.ts";
import { rememberEncodeBody } from "./encode-body.ts";
import { createSourceMapper, type SourceMapper } from "./sourcemap.ts";
import { hostState, WorkerEntrypoint } from "../modules/workers.ts";
import { handlerTarget, notAnEntrypointClass } from "../rpc/stubs.ts";
import { rememberWebSocket, WebSocket, WebSocketPair } from "./websocket.ts";
import { WebSocketRequestResponsePair } from "../bindings/durable-objects/websockets.ts";
import { AsyncLocalStorage } from "node:async_hooks";
import { cacheStorageFor, type WorkerCacheStorage } from "../bindings/cache/index.ts";
import { storeOfEnv } from "../bindings/index.ts";
import type { ServiceTarget } from "../bindings/service/index.ts";
import { setPrintedMapper } from "./worker-console.ts";
import { currentTrace, outsideTrace, traceWorker, type TraceItem } from "./tail.ts";
import { isOwnFrame } from "./own-code.ts";
import { SCRIPT_EVENTS, ScriptListeners, type ListenerArg } from "./service-worker.ts";
import { setEventTargetThis } from "./event-handlers.ts";
import { FixedLengthStream, IdentityTransformStream, knownLength } from "./identity-streams.ts";
import { EventSource } from "./event-source.ts";
import { installCryptoExtensions } from "./crypto.ts";
import { forgetUserModules, lockCodeGeneration, registerUserCode, rememberFailedModules, unshiftStack, type ScopeOptions } from "./scope.ts";
import { bytesOnly, hasCheckedBody, isAnyChunkStream, rememberCheckedBody, workerFetch } from "./worker-streams.ts";

export interface ScheduledResult {
  outcome: "ok" | "exception";
  noRetry: boolean;
  /** What the handler threw, when the outcome is "exception". */
  error?: unknown;
}

export interface LoadedWorker {
  format: "modules" | "service-worker";
  exports: Record<string, unknown>;
  env: Record<string, unknown>;
  /** Runs the worker's fetch handler (of a named entrypoint); rejects with the worker's error (stack already mapped). */
  fetch(request: Request, entrypoint?: string): Promise<Response>;
  scheduled(cron: string, scheduledTime: number): Promise<ScheduledResult>;
  /**
   * Calls another handler of the default export (`queue`, `tail`, ...) as the runtime
   * does: `(payload, env, ctx)` on an object, `(payload)` on an entrypoint class.
   * Resolves once the handler and its waitUntil work are done; rejects with its error.
   */
  dispatch(handler: string, payload: unknown): Promise<unknown>;
  /** This worker as a service binding target. */
  asService(entrypoint?: string): ServiceTarget;
  mapStack(error: unknown): string;
}

export interface LoadOptions {
  /** The bundle or the unbundled entry to import (its modules under `scope.root` are evaluated afresh). */
  file: string;
  /** Its source map text, if any. */
  map?: string;
  env: Record<string, unknown>;
  /** Called with failures of ctx.waitUntil promises. */
  onBackgroundError(error: unknown, worker: LoadedWorker): void;
  /** For a worker with tail consumers: gets each fetch / scheduled invocation's trace once it is done (tail.ts). */
  tail?: (items: TraceItem[]) => void;
  /**
   * The globals the worker's code sees (see scope.ts), for the modules under `root`
   * (the bundle's directory, or an unbundled project). Without it the file is
   * imported as any module of this process is.
   */
  scope?: ScopeOptions & { root: string; evalAtStartup: boolean };
}

/** Bun's own Response, before installResponseShape() replaces the global. */
const NativeResponse = globalThis.Response;
/** Bun's own Request, before installRequestShape() replaces the global. */
const NativeRequest = globalThis.Request;

// The source maps of recent bundles, by bundle file, for what workers print with
// console.*: `console.error(err)` shows frames in the user's files, as under
// wrangler. Bounded: each reload adds one, and old bundles are gone anyway.
const consoleMappers = new Map<string, SourceMapper>();
const MAX_CONSOLE_MAPPERS = 16;

/** Maps bundle frames in text a worker prints (`err.stack`, or an Error object) and drops the host's frames. */
export function mapPrinted(value: unknown): unknown {
  const text = value instanceof Error ? value.stack : typeof value === "string" ? value : undefined;
  if (!text) return value;
  let mapped = unshiftStack(text);
  for (const [file, mapper] of consoleMappers) if (mapped.includes(file)) mapped = mapper.mapStack(mapped);
  if (mapped === text) return value;
  return mapped
    .split("\n")
    .filter((line) => !isOwnFrame(line))
    .join("\n");
}

let installed = false;
let loadingListeners: ScriptListeners | undefined;
const cacheScope = new AsyncLocalStorage<WorkerCacheStorage>();
let latestCaches: WorkerCacheStorage | undefined;

/** One-time changes to this process's globals that make it look like workerd to user code. */
export function installRuntimeGlobals(): void {
  if (installed) return;
  installed = true;
  // What a worker prints through its own console (worker-console.ts) shows frames in the user's files.
  setPrintedMapper(mapPrinted);
  lockCodeGeneration(true);
  Object.defineProperty(globalThis.navigator, "userAgent", { value: "Cloudflare-Workers", configurable: true });
  // workerd gives a worker one thread, whatever the machine has.
  Object.defineProperty(globalThis.navigator, "hardwareConcurrency", { value: 1, configurable: true });
  // workerd's classes Bun lacks.
  for (const missing of [IdentityTransformStream, FixedLengthStream, EventSource]) {
    Object.defineProperty(globalThis, missing.name, { value: missing, writable: true, configurable: true, enumerable: false });
  }
  // Service-worker syntax registers its handlers at import time: they go to the loading worker's own target.
  const add = globalThis.addEventListener.bind(globalThis);
  const remove = globalThis.removeEventListener.bind(globalThis);
  (globalThis as any).addEventListener = (type: string, listener: ListenerArg, options?: boolean | AddEventListenerOptions) =>
    loadingListeners && SCRIPT_EVENTS.has(String(type)) ? loadingListeners.add(String(type), listener, options) : (add as Function)(type, listener, options);
  (globalThis as any).removeEventListener = (type: string, listener: ListenerArg, options?: boolean | EventListenerOptions) =>
    loadingListeners && SCRIPT_EVENTS.has(String(type)) ? loadingListeners.remove(String(type), listener, options) : (remove as Function)(type, listener, options);
  // The Workers runtime's Response.json() sets exactly "application/json"; Bun adds a charset.
  const json = Response.json.bind(Response);
  // A Headers object, not a plain one: Bun copies a Headers into the response faster than it reads an object's properties.
  const jsonInit: ResponseInit = { headers: new Headers({ "content-type": "application/json" }) };
  Response.json = ((data: unknown, init?: ResponseInit) => {
    if (init === undefined) return json(data, jsonInit);
    // A JSON text is never empty, so a null-body status is refused without serialising it first.
    if (NULL_BODY_STATUSES.has(checkedStatus(init)!)) throw nullBodyError();
    const headers = new Headers(init?.headers as Bun.HeadersInit | undefined);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    return json(data, { ...init, headers });
  }) as typeof Response.json;
  const redirect = Response.redirect.bind(Response);
  Response.redirect = ((url: string | URL, status: number = 302) => {
    if (!REDIRECT_STATUSES.has(Number(status))) {
      throw new RangeError(`${status} is not a redirect status code. It must be one of: 301, 302, 303, 307, or 308.`);
    }
    return redirect(String(url), status);
  }) as typeof Response.redirect;
  installResponseShape();
  installRequestShape();
  globalThis.fetch = workerFetch as typeof fetch;
  installCryptoExtensions();
  (globalThis as Record<string, unknown>).WebSocketPair = WebSocketPair;
  // One class for a pair's ends and outgoing sockets, as workerd has.
  globalThis.WebSocket = WebSocket;
  (globalThis as Record<string, unknown>).WebSocketRequestResponsePair = WebSocketRequestResponsePair;
  // Workers' `scheduler.wait(ms, { signal })`: an awaitable setTimeout.
  if (!("scheduler" in globalThis)) {
    const wait = (delay: number, options?: { signal?: AbortSignal }) =>
      new Promise<void>((resolve, reject) => {
        const signal = options?.signal;
        if (signal?.aborted) return reject(signal.reason);
        const timer = setTimeout(() => {
          signal?.removeEventListener("abort", abort);
          resolve();
        }, delay);
        const abort = () => {
          clearTimeout(timer);
          reject(signal!.reason);
        };
        signal?.addEventListener("abort", abort, { once: true });
      });
    Object.defineProperty(globalThis, "scheduler", { value: { wait }, configurable: true, writable: true });
  }
  // Bun has no Cache API. `caches` is the running worker's, over its env's store: the
  // latest loaded worker's, or (while another worker's handler runs) the one in cacheScope.
  Object.defineProperty(globalThis, "caches", {
    get: () => cacheScope.getStore() ?? latestCaches,
    configurable: true,
  });
  // no_bundle workers are imported unbundled, so the scheme must resolve at runtime too.
  const workersModule = require("../modules/workers.ts");
  const workflowsModule = require("../modules/workflows.ts");
  const emailModule = require("../modules/email.ts");
  Bun.plugin({
    name: "bunflare-cloudflare-modules",
    setup(build) {
      build.module("cloudflare:workers", () => ({ exports: workersModule, loader: "object" }));
      build.module("cloudflare:workflows", () => ({ exports: workflowsModule, loader: "object" }));
      build.module("cloudflare:email", () => ({ exports: emailModule, loader: "object" }));
    },
  });
}

/** The type workerd gives a string body. */
const TEXT_TYPE = "text/plain;charset=UTF-8";
// Shared: each response gets its own copy of these headers (a Headers is copied faster than an object is read).
const TEXT_INIT: ResponseInit = { headers: new Headers({ "content-type": TEXT_TYPE }) };

/** A string body's init with workerd's default type, when it names none. */
function withTextType(init: ResponseInit | undefined): ResponseInit | undefined {
  // The common `new Response("text")`: one shared init, no Headers built.
  if (init === undefined || init === null) return TEXT_INIT;
  // Read fields one by one: `init` may be another Response, whose fields are getters.
  const given = init.headers;
  // No headers of its own (`{ status: 404 }`): the shared type again.
  if (given === undefined) return { status: init.status, statusText: init.statusText, headers: TEXT_INIT.headers };
  const headers = new Headers(given as Bun.HeadersInit);
  if (headers.has("content-type")) return init;
  headers.set("content-type", TEXT_TYPE);
  return { status: init.status, statusText: init.statusText, headers };
}

/** A new Response's status as workerd checks it (Bun takes any): 200-599, 101 only for a WebSocket. */
function checkedStatus(init: ResponseInit | undefined): number | undefined {
  if (init?.status === undefined) return undefined;
  const status = Number(init.status);
  if (status === 101 ? !(init as { webSocket?: unknown }).webSocket : !(status >= 200 && status <= 599)) {
    throw new RangeError("Responses may only be constructed with status codes in the range 200 to 599, inclusive.");
  }
  return status;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function nullBodyError(): TypeError {
  return new TypeError("Response with null body status (101, 204, 205, or 304) cannot have a body.");
}

/** workerd's checks on a new Response, which Bun does not make: its status, and no non-empty body on a null-body status. */
function checkResponseInit(body: unknown, init: ResponseInit | undefined): void {
  if (!NULL_BODY_STATUSES.has(checkedStatus(init)!) || body == null) return;
  const empty = body === "" || (body instanceof ArrayBuffer && body.byteLength === 0) || (ArrayBuffer.isView(body) && body.byteLength === 0);
  if (!empty) throw nullBodyError();
}

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/**
 * `new Response(...)` as workerd builds it: a string body's default type is
 * spelled "text/plain;charset=UTF-8", `webSocket` / `encodeBody` in the init
 * are kept, and a body stream the worker made must give bytes. A subclass
 * rather than a Proxy, so constructing one costs a plain constructor call;
 * Responses Bun makes itself (fetch, Response.json, clone) still pass
 * `instanceof Response`.
 */
function installResponseShape(): void {
  const Native = NativeResponse;
  const Response = class Response extends Native {
    // A rest parameter, so `Response.length` is 0 as the native constructor's.
    constructor(...args: [body?: ConstructorParameters<typeof NativeResponse>[0], init?: ResponseInit]) {
      const [body, init] = args;
      checkResponseInit(body, init);
      // A stream the worker made gives only bytes, as workerd reads it. A FixedLengthStream's is sent
      // with its length, and ended where it fails as one of those.
      const length = knownLength(body);
      const made = isAnyChunkStream(body) || length !== undefined;
      super(made ? bytesOnly(body as ReadableStream) : body, typeof body === "string" ? withTextType(init) : init);
      if (made) rememberCheckedBody(this, length);
      if (init) {
        if ((init as { webSocket?: unknown }).webSocket) rememberWebSocket(this, init);
        rememberEncodeBody(this, init);
      }
    }

    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof Native;
    }
  };
  // Its own name: the CLI bundle renames a class that clashes with a global (Response2).
  Object.defineProperty(Response, "name", { value: "Response" });
  globalThis.Response = Response as typeof globalThis.Response;
}

const BODILESS_METHODS = new Set(["GET", "HEAD"]);

/**
 * workerd's check on a new Request that Bun does not make: a GET or HEAD request
 * has no body. Only when the init sets a method or a body; a Request given as the
 * init is taken as it is (workerd proxies a received GET with a body unchanged).
 */
function checkRequestInit(input: unknown, init: RequestInit | undefined): void {
  if (init === undefined || init === null || init instanceof NativeRequest) return;
  const { method, body } = init;
  if (method === undefined && body === undefined) return;
  const effective = method !== undefined ? String(method).toUpperCase() : input instanceof NativeRequest ? input.method : "GET";
  if (!BODILESS_METHODS.has(effective)) return;
  // The new request's body: the init's (null for none), else the input request's.
  const hasBody = body !== undefined ? body !== null : input instanceof NativeRequest && input.body !== null;
  if (hasBody) throw new TypeError("Request with a GET or HEAD method cannot have a body.");
}

/**
 * Requests as workerd shapes them: `keepalive` is there and always false (workerd
 * does not implement it), on the prototype, so the native Requests the dev server
 * hands to workers have it too without a per-request cost; and `new Request(...)`
 * refuses a body on GET and HEAD, and types a string body "text/plain;charset=UTF-8". A subclass as for Response: the incoming
 * requests stay Bun's own, and still pass `instanceof Request`.
 */
function installRequestShape(): void {
  const Native = NativeRequest;
  Object.defineProperty(Native.prototype, "keepalive", { get: () => false, configurable: true, enumerable: true });
  const Request = class Request extends Native {
    // A rest parameter, so `Request.length` is 0 as the native constructor's.
    constructor(...args: ConstructorParameters<typeof NativeRequest>) {
      checkRequestInit(args[0], args[1]);
      // A body stream the worker made gives only bytes, as for a Response. (A Request as
      // init is left alone: reading its body would make Bun build a stream for nothing.)
      const init = args[1];
      const made = init && !(init instanceof Native) && isAnyChunkStream(init.body);
      if (made) args[1] = { ...init, body: bytesOnly(init.body as ReadableStream) };
      super(...args);
      // A string body's type, as workerd gives it (Bun gives none), unless the headers name one.
      if (typeof init?.body === "string" && !(init instanceof Native) && !this.headers.has("content-type")) this.headers.set("content-type", TEXT_TYPE);
      // A copy of a checked request carries its checked body on.
      if (made || (hasCheckedBody(args[0]) && (init == null || init.body === undefined))) rememberCheckedBody(this);
    }

    static override [Symbol.hasInstance](value: unknown): boolean {
      return value instanceof Native;
    }
  };
  Object.defineProperty(Request, "name", { value: "Request" });
  globalThis.Request = Request as typeof globalThis.Request;
}

/** A handler the worker does not export (the dev server answers some of these in workerd's words). */
export class HandlerError extends Error {}

export async function loadWorker(options: LoadOptions): Promise<LoadedWorker> {
  installRuntimeGlobals();
  const mapper: SourceMapper | undefined = options.map ? createSourceMapper(options.file, options.map) : undefined;
  if (mapper) {
    consoleMappers.set(options.file, mapper);
    if (consoleMappers.size > MAX_CONSOLE_MAPPERS) consoleMappers.delete(consoleMappers.keys().next().value!);
  }
  const mapStack = (error: unknown): string => {
    const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
    const unshifted = unshiftStack(text);
    const mapped = mapper ? mapper.mapStack(unshifted) : unshifted;
    // The host's own frames mean nothing to the user: wrangler's stacks end in their code.
    // (Bun's AsyncLocalStorage.run is JavaScript the host calls around every event; workerd's is native, without a frame.)
    return mapped
      .split("\n")
      .filter((line) => !isOwnFrame(line) && !line.includes("(node:async_hooks:"))
      .join("\n");
  };
  const env = options.env;
  const store = storeOfEnv(env);
  const caches = store ? cacheStorageFor(store) : undefined;
  if (caches) latestCaches = caches;
  // Only a worker whose caches are not the global's default pays for an async context.
  const withCaches = <T>(run: () => T): T => (caches && caches !== latestCaches ? cacheScope.run(caches, run) : run());
  const state = hostState();
  // Top-level code may read `env` from cloudflare:workers while it loads.
  const previousEnv = state.env;
  state.env = env;

  // Service-worker format sees its bindings as globals.
  for (const name of Object.keys(env)) {
    Object.defineProperty(globalThis, name, { get: () => env[name], configurable: true, enumerable: false });
  }
  // The global object as the worker's code sees it.
  let self: object = globalThis;
  if (options.scope) {
    self = registerUserCode(options.scope.root, options.scope);
    // A reload evaluates every module of the worker again, not only the one imported here.
    forgetUserModules(options.scope.root);
  }
  const targetAsThis = options.scope?.compatibilityFlags?.set_event_target_this ?? true;
  setEventTargetThis(targetAsThis, self);
  loadingListeners = new ScriptListeners(self, targetAsThis);
  let exports: Record<string, unknown>;
  let listeners: ScriptListeners;
  // Top-level code may generate code from strings where the runtime allows it at startup.
  if (options.scope?.evalAtStartup) lockCodeGeneration(false);
  try {
    exports = (await import(Bun.pathToFileURL(options.file).href)) as Record<string, unknown>;
  } catch (error) {
    rememberFailedModules(error);
    // The last good worker keeps serving, with its own env.
    state.env = previousEnv;
    throw Object.assign(new Error(mapStack(error)), { mapped: true });
  } finally {
    lockCodeGeneration(true);
    listeners = loadingListeners;
    loadingListeners = undefined;
  }
  const hasDefault = exports.default !== undefined;
  const format: LoadedWorker["format"] = !hasDefault && listeners.used ? "service-worker" : "modules";

  const makeCtx = (pending: Promise<unknown>[], props: unknown = {}) => ({
    waitUntil(promise: Promise<unknown>) {
      const settled = Promise.resolve(promise).catch((error) => options.onBackgroundError(error, worker));
      pending.push(settled);
      // A traced invocation's trace waits for this work too.
      currentTrace()?.waiting.push(settled);
    },
    passThroughOnException() {},
    props,
  });

  const entrypoint = (name = "default", ctx = makeCtx([])): Record<string, unknown> => {
    const value = exports[name];
    if (typeof value === "function" && value.prototype) {
      return new (value as new (ctx: unknown, env: unknown) => Record<string, unknown>)(ctx, env);
    }
    if (value && typeof value === "object") return value as Record<string, unknown>;
    throw new HandlerError(`Handler does not export a fetch() function.`);
  };

  // Rejects with the worker's error, its stack mapped to the user's files.
  const runFetch = async (request: Request, name = "default"): Promise<Response> => {
    try {
      if (!("cf" in request)) {
        // Built on first read: most requests never look at cf.
        let cf: Record<string, unknown> | undefined;
        Object.defineProperty(request, "cf", { get: () => (cf ??= placeholderCf()), enumerable: true });
      }
      const pending: Promise<unknown>[] = [];
      const ctx = makeCtx(pending);
      state.waitUntil = ctx.waitUntil;
      let response: unknown;
      if (format === "service-worker") {
        response = await listeners.fetch(request, ctx);
      } else {
        const target = entrypoint(name, ctx);
        if (typeof target.fetch !== "function") throw new HandlerError("Handler does not export a fetch() function.");
        response =
          typeof exports[name] === "function"
            ? await (target.fetch as Function).call(target, request)
            : await (target.fetch as Function).call(target, request, env, ctx);
      }
      if (!(response instanceof NativeResponse)) {
        // Raised by the runtime rather than thrown by user code, so wrangler answers it in plain text.
        throw Object.assign(new TypeError("Incorrect type for Promise: the Promise did not resolve to 'Response'."), {
          plain: true,
        });
      }
      return response;
    } catch (error) {
      throw Object.assign(new Error(), {
        stack: mapStack(error),
        original: error,
        plain: (error as { plain?: boolean }).plain === true,
      });
    }
  };

  const worker: LoadedWorker = {
    format,
    exports,
    env,
    mapStack,
    fetch(request, name) {
      // As workerd gives every fetch event's request: a Request made from it and
      // passed to a binding's fetch() hands back redirects instead of following them.
      Object.defineProperty(request, "redirect", { value: "manual", configurable: true });
      // No closure or extra async frame per request: most workers' caches are the global's default.
      return caches && caches !== latestCaches ? cacheScope.run(caches, runFetch, request, name) : runFetch(request, name);
    },
    scheduled(cron, scheduledTime) {
      return withCaches(() => runScheduled(cron, scheduledTime));
    },
    dispatch(handler, payload) {
      return withCaches(() => runDispatch(handler, payload));
    },
    asService(name) {
      return {
        // A named entrypoint's own fetch(), never the default's: a default that forwards
        // to a named entrypoint of itself would otherwise call itself without end.
        // Outside the caller's trace (tail.ts): the callee's console lines are not the caller's.
        fetch: (request) => outsideTrace(worker.fetch, request, name),
        // A new instance per call, with the binding's props as ctx.props.
        rpcTarget: (props) => {
          const exportName = name ?? "default";
          const ctx = makeCtx([], props);
          const value = exports[exportName];
          if (value && typeof value === "object") return handlerTarget(value as Record<string, unknown>, env, ctx) as Record<string, unknown>;
          if (typeof value === "function" && !(value.prototype instanceof WorkerEntrypoint)) throw notAnEntrypointClass(exportName);
          return entrypoint(exportName, ctx);
        },
      };
    },
  };
  async function runScheduled(cron: string, scheduledTime: number): Promise<ScheduledResult> {
    const pending: Promise<unknown>[] = [];
    const ctx = makeCtx(pending);
    let noRetry = false;
    // workerd's ScheduledController has no `type`; the service-worker ScheduledEvent does.
    const controller = { cron, scheduledTime, noRetry: () => void (noRetry = true) };
    try {
      if (format === "service-worker") {
        listeners.scheduled(controller, ctx);
      } else {
        const target = entrypoint("default", ctx);
        if (typeof target.scheduled !== "function") throw new HandlerError("Handler does not export a scheduled() function.");
        if (typeof exports.default === "function") await (target.scheduled as Function).call(target, controller);
        else await (target.scheduled as Function).call(target, controller, env, ctx);
      }
      await Promise.all(pending);
      return { outcome: "ok", noRetry };
    } catch (error) {
      options.onBackgroundError(error, worker);
      return { outcome: "exception", noRetry, error };
    }
  }
  async function runDispatch(handler: string, payload: unknown): Promise<unknown> {
    const pending: Promise<unknown>[] = [];
    const ctx = makeCtx(pending);
    const target = entrypoint("default", ctx);
    const method = target[handler];
    if (typeof method !== "function") throw new HandlerError(`Handler does not export a ${handler}() function.`);
    const result =
      typeof exports.default === "function" ? await method.call(target, payload) : await method.call(target, payload, env, ctx);
    await Promise.all(pending);
    return result;
  }
  if (options.tail) traceWorker(worker, options.tail);
  return worker;
}

