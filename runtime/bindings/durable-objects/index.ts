// Durable Objects: namespaces, ids, stubs and storage for classes the worker
// exports. One instance per id per namespace, created on first use; storage is
// one SQLite file per object under store.doDir(className), so stored data
// outlives instances, reloads and restarts.
import { mkdirSync } from "node:fs";
import type { Store } from "../../store/index.ts";
import { alarmScheduler, type AlarmDelivery } from "./alarms.ts";
import { DurableObjectId, DurableObjectStubClass, IdFactory } from "./id.ts";
import { ObjectHost, type ObjectClass } from "./object.ts";
import { DurableObjectLimits } from "./limits.ts";
import { DatabasePool } from "./storage.ts";
import { noJurisdiction, notAnId, STUB_NOT_SENT, uniqueIdOptions } from "./validate.ts";
import { localCapability, makeStub as makeRpcStub } from "../../rpc/stubs.ts";
import { fetchThroughBinding } from "../fetcher.ts";
import { objectEvent, type ObjectEvent } from "../../host/tail.ts";

export { DurableObjectId } from "./id.ts";
export { DurableObjectState } from "./object.ts";
export { DurableObjectStorage, DurableObjectTransaction } from "./storage.ts";
export { SqlStorage, SqlStorageCursor } from "./sql.ts";
export { DurableObjectLimits } from "./limits.ts";

export interface DurableObjectNamespaceOptions {
  store: Store;
  /** The exported class name (`class_name` in config). */
  className: string;
  /** The class, looked up at call time so a reload swaps it in. */
  getClass(): new (state: unknown, env: unknown) => unknown;
  /** The env the object is constructed with. */
  getEnv(): Record<string, unknown>;
  /** The class is listed in `new_sqlite_classes`: enables ctx.storage.sql and the 2 MiB value limit. */
  sqlite?: boolean;
  /** Where an alarm handler's uncaught error goes (the dev server's console); default console.error. */
  reportError?(error: unknown): void;
  /** Object databases kept open at once (default DurableObjectLimits.MAX_OPEN_DATABASES). */
  maxOpenDatabases?: number;
}

/**
 * Class names that are SQLite-backed after applying the config's `migrations`
 * in order (new_sqlite_classes, renamed_classes, deleted_classes), so the env
 * builder can pass `sqlite: true` for them.
 */
export function sqliteBackedClasses(migrations: readonly unknown[] | undefined): Set<string> {
  const sqlite = new Set<string>();
  for (const m of migrations ?? []) {
    const step = (m ?? {}) as {
      new_sqlite_classes?: unknown;
      renamed_classes?: unknown;
      deleted_classes?: unknown;
    };
    for (const name of asArray(step.new_sqlite_classes)) sqlite.add(String(name));
    for (const r of asArray(step.renamed_classes)) {
      const { from, to } = (r ?? {}) as { from?: string; to?: string };
      if (from !== undefined && sqlite.delete(from) && to !== undefined) sqlite.add(to);
    }
    for (const name of asArray(step.deleted_classes)) sqlite.delete(String(name));
  }
  return sqlite;
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function createDurableObjectNamespace(options: DurableObjectNamespaceOptions): DurableObjectNamespace {
  return new DurableObjectNamespace(options);
}

export class DurableObjectNamespace {
  readonly #options: DurableObjectNamespaceOptions;
  readonly #ids: IdFactory;
  readonly #objects = new Map<string, ObjectHost>();
  readonly #dir: string;
  readonly #deliverAlarm: AlarmDelivery;
  readonly #pool: DatabasePool;
  #disposed = false;
  /** An event of an object of this class as its own invocation, for tail consumers (tail.ts). */
  readonly #traced: Traced = (event, run) => objectEvent(this.#options.getClass, this.#options.className, event, run);

  constructor(options: DurableObjectNamespaceOptions) {
    this.#options = options;
    this.#ids = new IdFactory(options.className);
    this.#pool = new DatabasePool(options.maxOpenDatabases ?? DurableObjectLimits.MAX_OPEN_DATABASES);
    this.#dir = options.store.doDir(options.className);
    mkdirSync(this.#dir, { recursive: true });
    this.#deliverAlarm = async (objectId, objectName, info) => {
      const host = this.#host(new DurableObjectId(objectId, objectName));
      try {
        await host.run(
          // Its own invocation for the tail consumers of the worker that defines the class, if any.
          objectEvent(options.getClass, options.className, { alarm: info.scheduledTime }, async (instance: Record<string, unknown>) => {
            // A class that no longer has alarm() (edited during dev) just drops the alarm.
            if (typeof instance.alarm === "function") await (instance.alarm as (i: unknown) => unknown)(info);
          }),
        );
      } catch (error) {
        (options.reportError ?? console.error)(error);
        throw error; // the scheduler retries
      }
    };
    // This namespace takes alarm delivery over from any earlier one for the class (dev reload).
    alarmScheduler(options.store, options.className).attach(this.#deliverAlarm);
  }

  idFromName(name: string): DurableObjectId {
    if (arguments.length === 0) {
      throw new TypeError("Failed to execute 'idFromName' on 'DurableObjectNamespace': parameter 1 is not of type 'string'.");
    }
    return this.#ids.fromName(name);
  }

  idFromString(id: string): DurableObjectId {
    return this.#ids.fromString(id);
  }

  newUniqueId(options?: { jurisdiction?: string }): DurableObjectId {
    uniqueIdOptions(options);
    return this.#ids.unique();
  }

  /** Without a jurisdiction (undefined or null), the namespace itself; with one, workerd's refusal. */
  jurisdiction(jurisdiction?: string | null): DurableObjectNamespace {
    noJurisdiction(jurisdiction);
    return this;
  }

  get(id: DurableObjectId, _options?: unknown): DurableObjectStub {
    if (!(id instanceof DurableObjectId)) throw notAnId("get");
    // workerd (wrangler dev) accepts another class's id here and addresses that hex in this class.
    return makeStub(id, this.#host(id), this.#traced);
  }

  getByName(name: string, options?: unknown): DurableObjectStub {
    return this.get(this.idFromName(name), options);
  }

  #host(id: DurableObjectId): ObjectHost {
    const key = id.toString();
    let host = this.#objects.get(key);
    if (!host) {
      if (this.#disposed) throw new Error(`Durable Object namespace for class ${this.#options.className} was disposed.`);
      host = new ObjectHost({
        id,
        dir: this.#dir,
        sqlite: this.#options.sqlite === true,
        alarms: alarmScheduler(this.#options.store, this.#options.className),
        pool: this.#pool,
        reportError: this.#options.reportError ?? console.error,
        getClass: this.#options.getClass as () => ObjectClass,
        getEnv: this.#options.getEnv,
      });
      this.#objects.set(key, host);
    }
    return host;
  }

  /**
   * Drop every instance, close object files and stop this namespace's alarm
   * timers (unless a newer namespace already took them over). Stored data stays.
   */
  dispose(): void {
    this.#disposed = true;
    alarmScheduler(this.#options.store, this.#options.className).detach(this.#deliverAlarm);
    for (const host of this.#objects.values()) host.close();
    this.#objects.clear();
  }
}

export interface DurableObjectStub {
  readonly id: DurableObjectId;
  readonly name: string | undefined;
  fetch(input: Request | string | URL, init?: RequestInit): Promise<Response>;
  [method: string]: unknown;
}

type Traced = <T>(event: ObjectEvent, run: (instance: Record<string, unknown>) => T | Promise<T>) => (instance: Record<string, unknown>) => T | Promise<T>;

function makeStub(id: DurableObjectId, host: ObjectHost, traced: Traced): DurableObjectStub {
  // name before id: the order workerd's stub shows them in (Object.keys, JSON.stringify).
  const own = {
    name: id.name,
    id,
    fetch(input: Request | string | URL, init?: RequestInit): Promise<Response> {
      let request: Request;
      try {
        request = input instanceof Request && init === undefined ? input : new Request(input as string, init);
      } catch (error) {
        if (typeof input === "string" && !URL.canParse(input)) return Promise.reject(new TypeError(`Invalid URL: ${input}`));
        return Promise.reject(error);
      }
      return fetchThroughBinding(request, (next) =>
        host.run(
          traced({ request: next }, (instance) => {
            if (typeof instance.fetch !== "function") throw new Error("Handler does not export a fetch() function.");
            // The object's fetch event, like a worker's, gets a request that says "manual".
            Object.defineProperty(next, "redirect", { value: "manual", configurable: true });
            return (instance.fetch as (r: Request) => Promise<Response>)(next);
          }),
        ),
      );
    },
  };
  // Like the runtime, only members of the class (its prototype chain) are reachable, each call through the input gate.
  const capability = localCapability(
    () => undefined,
    (call, path) =>
      host.run(
        traced({ rpcMethod: path[0] ?? "" }, (instance) => {
          if (!extendsDurableObject(instance)) throw new TypeError(NO_RPC);
          return call(instance);
        }),
      ),
  );
  return makeRpcStub(capability, { own, object: true, refuseClone: STUB_NOT_SENT, proto: DurableObjectStubClass.prototype }) as DurableObjectStub;
}

const NO_RPC =
  "The receiving Durable Object does not support RPC, because its class was not declared with `extends " +
  "DurableObject`. In order to enable RPC, make sure your class extends the special class `DurableObject`, which " +
  'can be imported from the module "cloudflare:workers".';

// Recognised by name: the base class comes from the cloudflare:workers module
// (a bundler may suffix the name to avoid a clash, hence the digits).
const rpcCapable = new WeakMap<object, boolean>();
function extendsDurableObject(instance: object): boolean {
  const proto = Object.getPrototypeOf(instance) as object | null;
  if (!proto) return false;
  let known = rpcCapable.get(proto);
  if (known === undefined) {
    known = false;
    for (let p: object | null = proto; p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      if (/^DurableObject\d*$/.test((p as { constructor?: { name?: string } }).constructor?.name ?? "")) known = true;
    }
    rpcCapable.set(proto, known);
  }
  return known;
}
