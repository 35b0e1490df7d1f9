// Workers RPC as workerd gives it, shared by service bindings and Durable Object
// stubs, in one process and across `bunflare dev` processes:
//
// - A stub (`RpcStub`) points at a capability: a worker entrypoint, a Durable
//   Object, an `RpcTarget` or a function. `stub.m(...)` calls a method,
//   `await stub.p` reads a property; both give an `RpcPromise`, which can be
//   used before it settles (`stub.getCounter().increment()`: pipelining).
// - Arguments and results are structured-cloned; functions, `RpcTarget`s and
//   stubs inside them travel as new stubs that call back to where they live.
//   Class instances, Blobs and Files are refused with the runtime's DataCloneError.
// - Only members of the target's class are reachable (its prototype chain),
//   never fields set on the instance; a function's own properties are.
// - An error crosses back with its name and message when it is one of the
//   standard types; any other becomes an `Error` whose message starts with its
//   name; `remote` is set on it, and its stack is the caller's.
// - `stub[Symbol.dispose]()` releases the capability; `dup()` adds a reference.
import { RpcTarget, WorkerEntrypoint, DurableObject } from "../modules/workers.ts";
import { isOwnFrame } from "../host/own-code.ts";

/** What a stub calls: `path` names a member chain below the target ([] = the target itself). */
export interface Capability {
  call(path: readonly string[], args: unknown[]): Promise<unknown>;
  get(path: readonly string[]): Promise<unknown>;
  release(): void;
}

// ---------------------------------------------------------------------------
// Errors

const STANDARD_ERRORS: ErrorConstructor[] = [TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError, Error];
const BY_NAME = new Map(STANDARD_ERRORS.map((C) => [C.name, C]));

export interface ErrorShape {
  name: string;
  message: string;
  /** A DOMException (DataCloneError, ...): rebuilt as one. */
  dom?: boolean;
  /** The runtime failed the call (a broken Durable Object), not the callee's code: no `remote` mark. */
  broken?: boolean;
}

/** Errors that broke a Durable Object: the runtime fails its running calls with them, without marking them remote. */
export const brokenObjectErrors = new WeakSet<object>();

/** What of a thrown value crosses an RPC boundary, as workerd serializes it. */
export function errorShape(thrown: unknown): ErrorShape {
  const error = ((thrown as { original?: unknown })?.original ?? thrown) as unknown;
  const shape = shapeOf(error);
  if (typeof error === "object" && error !== null && brokenObjectErrors.has(error)) shape.broken = true;
  return shape;
}

function shapeOf(error: unknown): ErrorShape {
  if (error instanceof DOMException) return { name: error.name, message: error.message, dom: true };
  if (error instanceof Error) {
    const standard = STANDARD_ERRORS.find((C) => error instanceof C)!;
    // A subclass keeps its standard base type; its own name goes into the message.
    if (error.constructor === standard || error.name === standard.name) return { name: standard.name, message: error.message };
    return { name: standard.name, message: `${error.name}: ${error.message}` };
  }
  if (typeof error === "object" && error !== null) {
    return { name: "Error", message: `#<${(error as object).constructor?.name ?? "Object"}>` };
  }
  return { name: "Error", message: String(error) };
}

/** The error the caller sees for `shape`: same type and message, the caller's stack, `remote: true`. */
export function rebuildError(shape: ErrorShape): Error {
  const error: Error = shape.dom ? new DOMException(shape.message, shape.name) : new (BY_NAME.get(shape.name) ?? Error)(shape.message);
  if (shape.dom) Error.captureStackTrace(error, rebuildError);
  if (!shape.dom && error.name !== shape.name) Object.defineProperty(error, "name", { value: shape.name, configurable: true, writable: true });
  callersStack(error);
  if (!shape.broken) (error as { remote?: boolean }).remote = true;
  return error;
}

/** The runtime's message for an object of a type RPC cannot send (`type` as workerd names it). */
export const unserializable = (type: string) => `Could not serialize object of type "${type}". This type does not support serialization.`;

/** The runtime's error for a value RPC cannot send. */
export function dataCloneError(message: string): DOMException {
  const error = new DOMException(message, "DataCloneError");
  // workerd's DOMExceptions carry a stack like any error; Bun's do not.
  Error.captureStackTrace(error, dataCloneError);
  return callersStack(error);
}

/**
 * `error.stack` headed "<name>: <message>" (JavaScriptCore heads a DOMException's
 * "Error") with only the program's frames, as workerd shows an error RPC made:
 * none of the runtime's own.
 */
function callersStack<E extends Error>(error: E): E {
  const [, ...frames] = (error.stack ?? "").split("\n");
  // "at unknown" is the stub's Proxy trap, a native frame.
  const kept = frames.filter((frame) => !isOwnFrame(frame) && frame.trim() !== "at unknown");
  const head = error.message ? `${error.name}: ${error.message}` : error.name;
  Object.defineProperty(error, "stack", { value: [head, ...kept].join("\n"), writable: true, configurable: true });
  return error;
}

const disposedError = () => new Error("RPC stub used after being disposed.");
export const notImplemented = (name: string) => new TypeError(`The RPC receiver does not implement the method "${name}".`);

// ---------------------------------------------------------------------------
// Stubs and promises

interface StubState {
  raw: Capability;
  cap: Capability;
  disposed: boolean;
  refs: { count: number };
  refuseClone?: string;
}

const STUBS = new WeakMap<object, StubState>();

// workerd looks a name up over RPC only when the stub does not have it itself,
// and every stub has Object.prototype's methods: `String(stub)` is
// "[object JsRpcStub]" (the kind's name), not a call of a remote toString().
const OBJECT_METHODS = new Set(["toString", "valueOf", "toLocaleString", "hasOwnProperty", "isPrototypeOf", "propertyIsEnumerable"]);
const objectMethod = (key: string) => (Object.prototype as unknown as Record<string, unknown>)[key];

/** What `stub.m` and `stub.m()` report as their constructor, as workerd names them. */
class RpcProperty {}
class RpcPromise {}

/** The class stubs report as their constructor (`stub.constructor.name === "RpcStub"`). */
export class RpcStub {
  constructor(value: unknown) {
    // `new RpcStub(target)` in user code: a stub over a local target.
    return makeStub(localCapability(() => value)) as RpcStub;
  }
}

export const isStub = (value: unknown): boolean => (typeof value === "function" || typeof value === "object") && value !== null && STUBS.has(value);

/** The capability a stub was made over, before in-process cloning (for calls arriving from another process). */
export const rawCapabilityOf = (stub: unknown): Capability | undefined => STUBS.get(stub as object)?.raw;

const released = new FinalizationRegistry<{ state: StubState; refs: { count: number }; raw: Capability }>(({ state, refs, raw }) => {
  if (state.disposed) return;
  state.disposed = true;
  if (--refs.count === 0) raw.release();
});

export interface StubOptions {
  /** Members the stub answers itself (a Durable Object stub's id, name and fetch; a binding's fetch). */
  own?: Record<string, unknown>;
  /** Clone arguments and results in this process (a local target); false for one reached over the network. */
  local?: boolean;
  /** `typeof stub`: workerd's bindings are objects, stubs of functions and targets are functions. */
  object?: boolean;
  /** What an object stub reports as its prototype, constructor and toString tag (a service binding's is Fetcher's). */
  proto?: object;
  /**
   * The DataCloneError's message when the stub is sent over RPC: workerd refuses
   * to send a Durable Object stub (and a service binding without the
   * `experimental` flag), in one process or to another.
   */
  refuseClone?: string;
}

export function makeStub(raw: Capability, options: StubOptions = {}, refs = { count: 1 }): any {
  const cap = options.local === false ? raw : clonedCapability(raw);
  const state: StubState = { raw, cap, disposed: false, refs, refuseClone: options.refuseClone };
  const dispose = () => {
    if (state.disposed) return;
    state.disposed = true;
    released.unregister(state);
    if (--refs.count === 0) raw.release();
  };
  const shell = options.object ? dataMembers(options.own) : function RpcStub() {};
  // `stub.m` is the same value each time, as with any object (and cheaper than a new Proxy per call).
  const members = new Map<string, unknown>();
  const stub = new Proxy(shell, {
    // `stub instanceof RpcStub`, as in workerd; a binding stays an object of its own kind.
    getPrototypeOf: () => (options.object ? (options.proto ?? Object.prototype) : RpcStub.prototype),
    apply: (_shell, _this, args) => rpcPromise(state.disposed ? Promise.reject(disposedError()) : cap.call([], args)),
    get(_shell, key) {
      if (options.own && typeof key === "string" && Object.hasOwn(options.own, key)) return options.own[key];
      if (key === Symbol.dispose) return dispose;
      // Object.prototype.toString names a binding's own kind ("[object Fetcher]").
      if (key === Symbol.toStringTag) return options.proto?.constructor.name ?? "JsRpcStub";
      if (typeof key === "symbol" || key === "then") return undefined;
      // A binding or Durable Object stub inside JSON.stringify() is not an RPC call.
      if (key === "toJSON" && options.object) return undefined;
      if (key === "dup") {
        return () => {
          if (state.disposed) throw disposedError();
          refs.count++;
          return makeStub(raw, options, refs);
        };
      }
      if (key === "constructor") return options.proto?.constructor ?? RpcStub;
      let found = members.get(key);
      if (!found) {
        if (OBJECT_METHODS.has(key)) return objectMethod(key);
        members.set(key, (found = member(state, [key])));
      }
      return found;
    },
  });
  STUBS.set(stub, state);
  // A remote stub the program drops without disposing still releases its target in the other process.
  if (options.local === false) released.register(stub, { state, refs, raw }, state);
  return stub;
}

/** An object stub's own properties: its data members, which workerd shows to Object.keys and JSON.stringify (a Durable Object stub's name and id). */
function dataMembers(own: Record<string, unknown> | undefined): object {
  const shell: Record<string, unknown> = {};
  for (const key in own) if (typeof own[key] !== "function") shell[key] = own[key];
  return shell;
}

/** `stub.a.b`: callable (a method call) and awaitable (a property read). */
function member(state: StubState, path: string[]): unknown {
  // Read afresh on each await: the same member value is reused for later reads.
  const value = () => (state.disposed ? Promise.reject(disposedError()) : state.cap.get(path));
  return new Proxy(function RpcProperty() {}, {
    apply: (_f, _this, args) => rpcPromise(state.disposed ? Promise.reject(disposedError()) : state.cap.call(path, args)),
    get(_f, key) {
      if (key === "then" || key === "catch" || key === "finally") {
        const promise = value();
        return (promise[key] as (...a: unknown[]) => unknown).bind(promise);
      }
      if (key === Symbol.toStringTag) return "JsRpcProperty";
      if (typeof key === "symbol") return undefined;
      if (key === "constructor") return RpcProperty;
      if (OBJECT_METHODS.has(key)) return objectMethod(key);
      return member(state, [...path, key]);
    },
  });
}

/**
 * The promise a call returns: awaitable, and usable before it settles. Members
 * of its eventual value can be called or read right away (`p.increment()`).
 */
export function rpcPromise(promise: Promise<unknown>): any {
  // A call nobody awaits must not fail the process with an unhandled rejection.
  promise.catch(() => {});
  return pipelined(promise, []);
}

function pipelined(promise: Promise<unknown>, path: string[]): unknown {
  let read: Promise<unknown> | undefined;
  const value = () => (read ??= path.length ? promise.then((v) => walk(v, path)) : promise);
  return new Proxy(function RpcPromise() {}, {
    apply: (_f, _this, args) =>
      rpcPromise(
        promise.then(async (v) => {
          if (path.length === 0) return (v as (...a: unknown[]) => unknown)(...args);
          const holder = (await walk(v, path.slice(0, -1))) as Record<string, (...a: unknown[]) => unknown>;
          const method = holder[path.at(-1)!];
          if (typeof method !== "function") throw notImplemented(path.at(-1)!);
          return Reflect.apply(method, holder, args);
        }),
      ),
    get(_f, key) {
      if (key === "then" || key === "catch" || key === "finally") {
        const promise = value();
        return (promise[key] as (...a: unknown[]) => unknown).bind(promise);
      }
      if (key === Symbol.toStringTag) return path.length ? "JsRpcProperty" : "JsRpcPromise";
      if (typeof key === "symbol") return undefined;
      if (key === "constructor") return path.length ? RpcProperty : RpcPromise;
      if (OBJECT_METHODS.has(key)) return objectMethod(key);
      return pipelined(promise, [...path, key]);
    },
  });
}

async function walk(value: unknown, path: readonly string[]): Promise<unknown> {
  let current = value;
  for (const key of path) current = await (current as Record<string, unknown>)[key];
  return current;
}

// ---------------------------------------------------------------------------
// Local targets

/** Objects RPC passes by reference (as stubs) rather than by value. */
export const isTarget = (value: unknown): boolean =>
  value instanceof RpcTarget || value instanceof WorkerEntrypoint || value instanceof DurableObject;

/** A member of `target` as the runtime exposes it: a class's prototype members (getters run), a function's own properties. */
function memberOf(target: unknown, key: string, first: boolean): unknown {
  if (isStub(target) || !first || typeof target === "function") {
    if (typeof target === "function" && !isStub(target) && !Object.hasOwn(target, key)) throw notImplemented(key);
    return (target as Record<string, unknown>)[key];
  }
  if (target === null || typeof target !== "object") throw notImplemented(key);
  for (let proto = Object.getPrototypeOf(target); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
    // Read through the object, so an instrumenting Proxy around the instance sees the access, as in workerd.
    if (Object.hasOwn(proto, key)) return (target as Record<string, unknown>)[key];
  }
  throw notImplemented(key);
}

type Resolved = { holder: unknown; value: unknown };

// Synchronous while no member on the way is a promise, so a Durable Object's
// method starts in the event its input gate let in.
function resolve(target: unknown, path: readonly string[], from = 0, holder?: unknown): Resolved | Promise<Resolved> {
  let value = target;
  for (let i = from; i < path.length; i++) {
    if (i > 0 && value instanceof Promise) {
      const at = i;
      return value.then((settled) => resolve(settled, path, at, holder));
    }
    holder = value;
    value = memberOf(value, path[i]!, i === 0);
  }
  return { holder, value };
}

const then = <T, R>(value: T | Promise<T>, next: (value: T) => R | Promise<R>): R | Promise<R> =>
  value instanceof Promise ? value.then(next) : next(value);

/**
 * A capability over an object or function of this process. `getTarget` runs per
 * call (an entrypoint is a new instance per call); `run` wraps each call (a
 * Durable Object's input gate), given the member's path. Arguments and results are not copied here.
 */
export function localCapability(
  getTarget: () => unknown,
  run: <T>(call: (target: unknown) => T | Promise<T>, path: readonly string[]) => Promise<T> = async (call) => call(getTarget()),
  onRelease: () => void = () => {},
): Capability {
  return {
    call: (path, args) =>
      run((target) => {
        // A stub handed on (to another process): its calls go where it points.
        if (isStub(target)) return (path.reduce((m: any, key) => m[key], target) as (...a: unknown[]) => unknown)(...args);
        return then(resolve(target, path), ({ holder, value }) => {
          if (typeof value !== "function") throw notImplemented(path.at(-1) ?? "call");
          return Reflect.apply(value as (...a: unknown[]) => unknown, holder, args);
        });
      }, path),
    get: (path) =>
      run(async (target) => {
        if (isStub(target)) return await path.reduce((m: any, key) => m[key], target);
        const { holder, value } = await resolve(target, path);
        // A method read as a property is a stub of it, bound to its object.
        return typeof value === "function" && !isStub(value) && path.length ? (value as Function).bind(holder) : value;
      }, path),
    release: onRelease,
  };
}

/** In-process calls: arguments and results copied as RPC copies them, errors as they cross back. */
export function clonedCapability(raw: Capability): Capability {
  const crossBack = (error: unknown) => {
    throw rebuildError(errorShape(error));
  };
  // A result that cannot be sent fails on the callee's side, so it reaches the caller as a remote error too.
  const settle = (promise: Promise<unknown>) =>
    promise.then((result) => {
      try {
        return cloneValue(result);
      } catch (error) {
        return crossBack(error);
      }
    }, crossBack);
  return {
    call(path, args) {
      const made: unknown[] = [];
      let result: Promise<unknown>;
      try {
        // The usual primitive arguments need no copy (one clone otherwise keeps shared references shared).
        result = raw.call(path, args.every(isPrimitive) ? args : (cloneValue(args, made) as unknown[]));
      } catch (error) {
        return Promise.reject(error);
      }
      const settled = settle(result);
      // Stubs the callee received as arguments are disposed when its call returns, as in workerd.
      if (made.length) settled.finally(() => made.forEach((stub) => (stub as Disposable)[Symbol.dispose]())).catch(() => {});
      return settled;
    },
    get(path) {
      let result: Promise<unknown>;
      try {
        result = raw.get(path);
      } catch (error) {
        return Promise.reject(error);
      }
      return settle(result);
    },
    release: () => raw.release(),
  };
}

// ---------------------------------------------------------------------------
// Copying values

const isPrimitive = (value: unknown) => value === null || (typeof value !== "object" && typeof value !== "function" && typeof value !== "symbol");

const MARK = "__bunflare_rpc_special";
type Marker = { [MARK]: number };
const isMarker = (value: unknown): value is Marker =>
  typeof value === "object" && value !== null && typeof (value as Marker)[MARK] === "number" && Object.keys(value).length === 1;

// Kept as they are: the structured-clone algorithm copies them itself (not Blob or File: workerd refuses them).
const CLONEABLE: Function[] = [Date, RegExp, ArrayBuffer, Error, Boolean, Number, String];

/** Passed by handle, not copied: stubs, functions, RPC targets and the body-carrying web types. */
const isSpecial = (value: object): boolean =>
  typeof value === "function" ||
  isStub(value) ||
  isTarget(value) ||
  value instanceof ReadableStream ||
  value instanceof Request ||
  value instanceof Response ||
  value instanceof Headers;

/**
 * `value` with every special (see isSpecial) replaced by a marker listed in
 * `specials`, containers copied; throws the runtime's DataCloneError for what
 * cannot be sent at all.
 */
export function prepare(value: unknown, specials: unknown[], seen = new Map<object, unknown>()): unknown {
  if (typeof value === "symbol") throw dataCloneError(`${String(value)} could not be cloned.`);
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return value;
  if (seen.has(value)) return seen.get(value);
  if (isSpecial(value)) {
    const refused = STUBS.get(value)?.refuseClone;
    if (refused !== undefined) throw dataCloneError(refused);
    const marker = { [MARK]: specials.push(value) - 1 };
    seen.set(value, marker);
    return marker;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    seen.set(value, out);
    for (let i = 0; i < value.length; i++) out[i] = prepare(value[i], specials, seen);
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {};
    seen.set(value, out);
    for (const key of Object.keys(value)) out[key] = prepare((value as Record<string, unknown>)[key], specials, seen);
    return out;
  }
  if (value instanceof Map) {
    const out = new Map();
    seen.set(value, out);
    for (const [k, v] of value) out.set(prepare(k, specials, seen), prepare(v, specials, seen));
    return out;
  }
  if (value instanceof Set) {
    const out = new Set();
    seen.set(value, out);
    for (const v of value) out.add(prepare(v, specials, seen));
    return out;
  }
  if (ArrayBuffer.isView(value) || CLONEABLE.some((C) => value instanceof C)) return value;
  if (value instanceof WeakMap || value instanceof WeakSet || value instanceof Promise || value instanceof WeakRef) {
    throw dataCloneError(`#<${(value as object).constructor.name}> could not be cloned.`);
  }
  // Bun's File reports its constructor as Blob.
  throw dataCloneError(unserializable(value instanceof File ? "File" : ((value as object).constructor?.name ?? "Object")));
}

/** Replaces the markers prepare() left (in a copy it owns) with what `special(i)` gives. */
export function revive(value: unknown, special: (index: number) => unknown, seen = new Set<object>()): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (isMarker(value)) return special(value[MARK]);
  if (seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = revive(value[i], special, seen);
  } else if (value instanceof Map) {
    const entries = [...value];
    value.clear();
    for (const [k, v] of entries) value.set(revive(k, special, seen), revive(v, special, seen));
  } else if (value instanceof Set) {
    const items = [...value];
    value.clear();
    for (const v of items) value.add(revive(v, special, seen));
  } else if (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null) {
    for (const key of Object.keys(value)) (value as Record<string, unknown>)[key] = revive((value as Record<string, unknown>)[key], special, seen);
  }
  return value;
}

/**
 * A copy of `value` as an in-process RPC call delivers it. Functions and
 * targets become stubs (a stub stays usable by its sender: the receiver gets
 * a duplicate), bodies and streams are handed over as they are.
 */
export function cloneValue(value: unknown, made?: unknown[]): unknown {
  if ((typeof value !== "object" && typeof value !== "function" && typeof value !== "symbol") || value === null) return value;
  const specials: unknown[] = [];
  const prepared = prepare(value, specials);
  if (specials.length === 1 && isMarker(prepared)) return localSpecial(specials[0], made);
  const copy = structuredClone(prepared);
  return specials.length ? revive(copy, (i) => localSpecial(specials[i], made)) : copy;
}

/** What the receiver gets for a special; stubs made are listed in `made`. */
function localSpecial(value: unknown, made?: unknown[]): unknown {
  let stub: unknown;
  if (isStub(value)) stub = (value as { dup(): unknown }).dup();
  else if (typeof value === "function" || isTarget(value)) stub = makeStub(localCapability(() => value));
  else if (value instanceof Headers) return new Headers(value);
  else return value;
  made?.push(stub);
  return stub;
}

/**
 * An entrypoint exported as an object (`export default { fetch, method }`) as
 * an RPC target: workerd calls its methods as top-level handlers, `(arg, env,
 * ctx)`, so each call must send exactly one argument.
 */
export function handlerTarget(handler: Record<string, unknown>, env: unknown, ctx: unknown): object {
  const methods: Record<string, unknown> = {};
  for (const key of Object.keys(handler)) {
    const method = handler[key];
    if (typeof method !== "function") continue;
    methods[key] = (...args: unknown[]) => {
      if (args.length !== 1) {
        throw new TypeError(
          `Attempted to call RPC function "${key}" with the wrong number of arguments. When calling a top-level handler ` +
            "function that is not declared as part of a class, you must always send exactly one argument. In order to " +
            "support variable numbers of arguments, the server must use class-based syntax (extending WorkerEntrypoint) instead.",
        );
      }
      return Reflect.apply(method, handler, [args[0], env, ctx]);
    };
  }
  return Object.create(methods);
}

/** workerd answers an entrypoint class that does not extend WorkerEntrypoint with an opaque "internal error"; this says why. */
export function notAnEntrypointClass(name: string): Error {
  return new Error(
    `The entrypoint "${name}" is a class that does not extend WorkerEntrypoint (from "cloudflare:workers"), so it cannot take RPC calls.`,
  );
}
