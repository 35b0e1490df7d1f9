// Durable Objects: namespaces, ids, stubs and storage for classes the worker exports.
import type { Store } from "../../store/index.ts";

export interface DurableObjectNamespaceOptions {
  store: Store;
  /** The exported class name (`class_name` in config). */
  className: string;
  /** The class, looked up at call time so a reload swaps it in. */
  getClass(): new (state: unknown, env: unknown) => unknown;
  /** The env the object is constructed with. */
  getEnv(): Record<string, unknown>;
}

export function createDurableObjectNamespace(options: DurableObjectNamespaceOptions): unknown {
  throw new Error(`Durable Objects are not implemented yet (class ${options.className})`);
}
