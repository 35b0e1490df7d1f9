// The `cloudflare:workers` module for user code. Bundles import this file by
// absolute path (see src/bundle), so every reload of the worker shares one
// copy; what changes per reload (env, the current request's waitUntil) is
// read from the host through HOST_STATE at call time.

export interface HostState {
  env: Record<string, unknown>;
  /** Keeps the dev server waiting on background work and reports its failures. */
  waitUntil(promise: Promise<unknown>): void;
}

const HOST_KEY = Symbol.for("bunflare.host");

export function hostState(): HostState {
  const global = globalThis as unknown as Record<symbol, HostState | undefined>;
  return (global[HOST_KEY] ??= { env: {}, waitUntil: (promise) => void promise.catch(() => {}) });
}

/** `import { env } from "cloudflare:workers"`: the current worker's bindings, also at module top level. */
export const env: Record<string, unknown> = new Proxy(
  {},
  {
    get: (_target, key) => Reflect.get(hostState().env, key),
    has: (_target, key) => Reflect.has(hostState().env, key),
    ownKeys: () => Reflect.ownKeys(hostState().env),
    getOwnPropertyDescriptor: (_target, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(hostState().env, key);
      return descriptor && { ...descriptor, configurable: true };
    },
    set: (_target, key, value) => Reflect.set(hostState().env, key, value),
  },
);

export function waitUntil(promise: Promise<unknown>): void {
  hostState().waitUntil(Promise.resolve(promise));
}

export class WorkerEntrypoint<Env = unknown, Props = unknown> {
  protected ctx: ExecutionContextLike<Props>;
  protected env: Env;
  constructor(ctx: ExecutionContextLike<Props>, env: Env) {
    this.ctx = ctx;
    this.env = env;
  }
}

export class DurableObject<Env = unknown> {
  protected ctx: unknown;
  protected env: Env;
  constructor(ctx: unknown, env: Env) {
    this.ctx = ctx;
    this.env = env;
  }
}

export class WorkflowEntrypoint<Env = unknown, Params = unknown> {
  protected ctx: unknown;
  protected env: Env;
  declare readonly __params?: Params;
  constructor(ctx: unknown, env: Env) {
    this.ctx = ctx;
    this.env = env;
  }
}

/** Marks a class whose instances may be passed over RPC by reference. */
export class RpcTarget {}

// Stubs are made by the RPC layer, which also recognises RpcTarget above.
export { RpcStub } from "../rpc/stubs.ts";

export class NonRetryableError extends Error {
  constructor(message: string, name = "NonRetryableError") {
    super(message);
    this.name = name;
  }
}

export interface ExecutionContextLike<Props = unknown> {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
  props: Props;
}
