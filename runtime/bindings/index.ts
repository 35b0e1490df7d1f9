// Builds a worker's `env` from its resolved config by walking the binding
// registry. Bindings are created on first access, so a worker that never
// touches env.KV does not pay for (or fail on) opening it; each descriptor
// loads its implementation (require) inside createEnv, which keeps them out
// of the dev server's start-up time.
import type { Store } from "../store/index.ts";
import type { WorkerConfig } from "../config.ts";
import type { ServiceTarget } from "./service/index.ts";
import type { Assets } from "./assets/index.ts";
import { BINDINGS, REMOTE_ONLY_BINDING_KEYS, REMOTE_WARNING_ORDER, UNSUPPORTED_BINDING_KEYS, unsupportedBindings } from "./registry.ts";
import type { BindingContext, BindingDescriptor } from "./descriptor.ts";

export interface EnvOptions {
  config: WorkerConfig;
  /** Vars after .dev.vars / .env / --var precedence (see src/config/vars.ts). */
  vars: Record<string, unknown>;
  store(): Store;
  /** The loaded worker's exports, looked up at call time so a reload swaps them in. */
  getExports(): Record<string, unknown>;
  /** Workers reachable by service binding (this one, by its name). */
  findService(name: string, entrypoint?: string): ServiceTarget | undefined;
  /** The worker's static assets, when it has an `assets` directory. */
  assets?: Assets;
  /** Another worker of this dev session, for Durable Objects with `script_name`. */
  findWorker?(name: string): { exports: Record<string, unknown>; env: Record<string, unknown> } | undefined;
  /** Descriptors to build from; the registry unless a caller (a test) narrows it. */
  bindings?: readonly BindingDescriptor[];
  /** Where bindings log dev-server lines (see BindingContext.log). */
  log?: BindingContext["log"];
  /** Where bindings report a worker's uncaught error (see BindingContext.reportError). */
  reportError?: BindingContext["reportError"];
  /** The dev server's URL (see BindingContext.publicUrl). */
  publicUrl?: BindingContext["publicUrl"];
}

/** The store an env was built over (the host gives the worker's `caches` the same one). */
const envStores = new WeakMap<object, () => Store>();

export function storeOfEnv(env: Record<string, unknown>): (() => Store) | undefined {
  return envStores.get(env);
}

/** What to release when an env is replaced by a reload (Durable Object instances and files). */
const disposers = new WeakMap<object, (() => void)[]>();

export function disposeEnv(env: Record<string, unknown>): void {
  for (const dispose of disposers.get(env) ?? []) dispose();
  disposers.delete(env);
}

export function buildEnv(options: EnvOptions): Record<string, unknown> {
  const { config } = options;
  const env: Record<string, unknown> = {};
  const toDispose: (() => void)[] = [];
  disposers.set(env, toDispose);
  envStores.set(env, options.store);
  const lazy = (name: string, create: () => unknown) => {
    let value: unknown;
    let made = false;
    Object.defineProperty(env, name, {
      enumerable: true,
      configurable: true,
      get() {
        if (!made) {
          value = create();
          made = true;
        }
        return value;
      },
      // workerd's env is a plain object: a worker may overwrite its own properties.
      set(next) {
        value = next;
        made = true;
      },
    });
  };

  const context: BindingContext = {
    config,
    env,
    vars: options.vars,
    store: options.store,
    getExports: options.getExports,
    findService: options.findService,
    findWorker: options.findWorker,
    assets: options.assets,
    onDispose: (release) => toDispose.push(release),
    log: options.log,
    reportError: options.reportError,
    publicUrl: options.publicUrl,
  };
  for (const descriptor of options.bindings ?? BINDINGS) {
    if (!descriptor.createEnv) continue;
    for (const entry of descriptor.entries(config, context)) {
      if (descriptor.inEnv?.(entry) === false) continue;
      lazy(descriptor.bindingName(entry), () => descriptor.createEnv!(entry, context));
    }
  }
  return env;
}

/**
 * wrangler dev's warnOrError at start, from each binding's `remote` as configured
 * (--local does not change it): the warnings, then the error that stops the start
 * at the first binding without local support that is set to `remote = false`.
 */
export function remoteFieldNotices(config: WorkerConfig): { warnings: string[]; error?: string } {
  const warnings: string[] = [];
  for (const descriptor of REMOTE_WARNING_ORDER) {
    for (const entry of descriptor.entries(config) as { remote?: unknown }[]) {
      const { kind, remoteSupport } = descriptor;
      if (entry.remote === false && remoteSupport === "remote") {
        const error = `${kind} bindings do not support local development. You may be able to set \`remote: true\` for the binding definition in your configuration file to access a remote version of the resource.`;
        return { warnings, error };
      }
      if (entry.remote !== undefined) continue;
      warnings.push(
        remoteSupport === "remote"
          ? `${kind} bindings do not support local development, and so parts of your Worker may not work correctly. You may be able to set \`remote: true\` for the binding definition in your configuration file to access a remote version of the resource.`
          : `${kind} bindings always access remote resources, and so may incur usage charges even in local dev. To suppress this warning, set \`remote: true\` for the binding definition in your configuration file.`,
      );
    }
  }
  return { warnings };
}

/**
 * The warning a dev server prints at start about configured bindings env will
 * not hold: ones whose descriptor has no createEnv yet, and config keys
 * bunflare has no descriptor for at all. So env.X is never silently undefined.
 */
export function missingBindingsWarning(config: WorkerConfig, bindings: readonly BindingDescriptor[] = BINDINGS): string | undefined {
  const remote: string[] = [];
  const missing = bindings.flatMap((descriptor) =>
    descriptor.entries(config).flatMap((entry) => {
      const name = `env.${descriptor.bindingName(entry)}`;
      const elsewhere = descriptor.unavailable?.(entry);
      if (elsewhere) return remote.push(`${name} (${elsewhere})`), [];
      return descriptor.createEnv ? [] : [`${name} (${descriptor.kind})`];
    }),
  );
  for (const { key, names } of unsupportedBindings(config)) {
    if (REMOTE_ONLY_BINDING_KEYS.has(key)) remote.push(...(names.length ? names : [key]).map((name) => `env.${name} (${UNSUPPORTED_BINDING_KEYS[key]})`));
    else missing.push(...(names.length ? names.map((name) => `env.${name} (${key})`) : [key]));
  }
  const lines: string[] = [];
  if (missing.length) lines.push(`These bindings are not supported by bunflare yet, so they are undefined in env: ${missing.join(", ")}`);
  if (remote.length) {
    lines.push(`These bindings are only available on Cloudflare's network, which bunflare does not reach, so they do not work locally: ${remote.join(", ")}`);
  }
  return lines.length ? lines.join("\n") : undefined;
}
