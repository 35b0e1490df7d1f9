// Builds a worker's `env` from its resolved config. Storage bindings are
// created on first access, so a worker that never touches env.KV does not
// pay for (or fail on) opening it. Their modules are loaded on first access
// too (require), which keeps them out of the dev server's start-up time.
import type { Store } from "../store/index.ts";
import type { WorkerConfig } from "../../src/config/types.ts";
import { createServiceBinding, type ServiceTarget } from "./service/index.ts";
import type { Assets } from "./assets/index.ts";
import { BINDINGS } from "./registry.ts";
import type { BindingContext } from "./descriptor.ts";

const kv = () => require("./kv/index.ts") as typeof import("./kv/index.ts");
const r2 = () => require("./r2/index.ts") as typeof import("./r2/index.ts");
const d1 = () => require("./d1/index.ts") as typeof import("./d1/index.ts");
const durableObjects = () => require("./durable-objects/index.ts") as typeof import("./durable-objects/index.ts");

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
    });
  };

  const context: BindingContext = {
    config,
    env,
    store: options.store,
    getExports: options.getExports,
    findService: options.findService,
    findWorker: options.findWorker,
    onDispose: (release) => toDispose.push(release),
  };
  for (const descriptor of BINDINGS) {
    if (!descriptor.createEnv) continue;
    for (const entry of descriptor.entries(config)) lazy(descriptor.bindingName(entry), () => descriptor.createEnv!(entry, context));
  }
  for (const binding of config.kv_namespaces ?? []) {
    lazy(binding.binding, () => kv().createKVNamespace(options.store(), kv().kvNamespaceIdFor(binding)));
  }
  for (const binding of config.r2_buckets ?? []) {
    lazy(binding.binding, () => r2().createR2Bucket(options.store(), r2().r2BucketNameFor(binding)));
  }
  for (const binding of config.d1_databases ?? []) {
    lazy(binding.binding, () => d1().createD1Database(options.store(), d1().d1DatabaseIdFor(binding)));
  }
  for (const binding of config.durable_objects?.bindings ?? []) {
    // A class in another worker of the session runs with that worker's exports and env.
    const owner = () => {
      if (!binding.script_name || binding.script_name === config.name) return { exports: options.getExports(), env };
      const other = options.findWorker?.(binding.script_name);
      if (!other) throw new Error(`Durable Object class "${binding.class_name}" lives in worker "${binding.script_name}", which is not running in this dev session.`);
      return other;
    };
    lazy(binding.name, () => {
      const { createDurableObjectNamespace, sqliteBackedClasses } = durableObjects();
      const namespace = createDurableObjectNamespace({
        store: options.store(),
        className: binding.class_name,
        sqlite: sqliteBackedClasses(config.migrations).has(binding.class_name),
        getClass: () => {
          const cls = owner().exports[binding.class_name];
          if (typeof cls !== "function") {
            throw new Error(`Durable Object class "${binding.class_name}" is not exported by the worker.`);
          }
          return cls as new (state: unknown, env: unknown) => unknown;
        },
        getEnv: () => owner().env,
      });
      toDispose.push(() => namespace.dispose());
      return namespace;
    });
  }
  for (const service of config.services ?? []) {
    lazy(service.binding, () =>
      createServiceBinding({
        service: service.service,
        entrypoint: service.entrypoint,
        find: () => options.findService(service.service, service.entrypoint),
      }),
    );
  }
  for (const [name, value] of Object.entries(options.vars)) env[name] = value;
  if (config.assets?.binding && options.assets) env[config.assets.binding] = options.assets;
  return env;
}
