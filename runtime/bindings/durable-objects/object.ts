// One live Durable Object: its instance, its ctx (DurableObjectState), and the
// input gate that decides when the next event may start.
//
// The runtime's input gate: while a storage operation is in flight, no other
// event is delivered to the object, so `get` then `put` is atomic without
// locks. Our storage calls finish synchronously and resolve in a microtask, so
// "in flight" means "until the current macrotask's microtasks have run": a
// storage call closes the gate and a setImmediate reopens it (and lets the
// queued events in one by one, each after the last one's microtasks). Awaiting anything
// else (fetch, timers) lets queued events in, as in the runtime.
// blockConcurrencyWhile() closes the gate until its callback settles.
import { drainMicrotasks } from "bun:jsc";
import path from "node:path";
import type { DurableObjectId } from "./id.ts";
import { DurableObjectStorage, type DatabasePool, type StorageHost } from "./storage.ts";
import type { AlarmScheduler } from "./alarms.ts";
import { brokenObjectErrors } from "../../rpc/stubs.ts";
import { HibernatableSockets, type AutoResponsePair, type WorkerWebSocket } from "./websockets.ts";

export type ObjectClass = new (state: unknown, env: unknown) => unknown;

export interface ObjectHostOptions {
  id: DurableObjectId;
  dir: string;
  sqlite: boolean;
  alarms: AlarmScheduler;
  pool: DatabasePool;
  /** Uncaught errors of events nobody awaits (WebSocket handlers). */
  reportError(error: unknown): void;
  getClass(): ObjectClass;
  getEnv(): Record<string, unknown>;
}

export class ObjectHost implements StorageHost {
  readonly id: DurableObjectId;
  readonly storage: DurableObjectStorage;
  readonly sockets: HibernatableSockets;
  readonly #options: ObjectHostOptions;
  #instance: Record<string, unknown> | undefined;
  #state: DurableObjectState | undefined;
  #storageGate = false;
  #releaseScheduled = false;
  #blockers = 0;
  #queue: (() => void)[] = [];
  /** The current instance's life: once reset (broken), the events that ran on it fail with its error. */
  #generation: { broken: boolean; error?: unknown } = { broken: false };
  readonly #release = () => {
    this.#releaseScheduled = false;
    // Only the events waiting now: ones queued while these run wait for the
    // next turn, so a worker calling the object in a loop cannot starve timers and I/O.
    let budget = this.#queue.length;
    this.#storageGate = false;
    budget -= this.#drain(budget);
    // An event the drain started that touched storage closed the gate again,
    // until its continuations (microtasks) have run. Running them here, at the
    // top of this macrotask, is exactly what the next macrotask would have
    // waited for; the events already waiting then follow in this turn instead
    // of one per event-loop turn (under load nearly every event waits here).
    while (budget > 0 && this.#storageGate && this.#queue.length > 0 && this.#blockers === 0) {
      drainMicrotasks();
      this.#storageGate = false;
      budget -= this.#drain(budget);
    }
    // Events queued meanwhile start as before: at once while the gate is open, else at the next release.
    this.#drain();
  };

  constructor(options: ObjectHostOptions) {
    this.#options = options;
    this.id = options.id;
    this.storage = new DurableObjectStorage(path.join(options.dir, `${options.id}.sqlite`), options.sqlite, this, options.pool, options.id.name);
    this.sockets = new HibernatableSockets((handler, args, ws) => {
      this.run((instance) => {
        const fn = instance[handler];
        if (typeof fn === "function") return fn.apply(instance, args(ws));
      }).catch((error) => options.reportError(error));
    });
  }

  /** Run one event (fetch, RPC call, alarm) against the instance once the gate lets it in. */
  run<T>(event: (instance: Record<string, unknown>) => T | Promise<T>): Promise<T> {
    let instance: Record<string, unknown>;
    try {
      instance = this.#ensureInstance();
    } catch (error) {
      return Promise.reject(error);
    }
    if (!this.#storageGate && this.#blockers === 0 && this.#queue.length === 0) return this.#track(event, instance);
    return new Promise<T>((resolve, reject) => {
      this.#queue.push(() => {
        // The instance may have been reset (blockConcurrencyWhile threw) while this event waited.
        let current: Record<string, unknown>;
        try {
          current = this.#ensureInstance();
        } catch (error) {
          return reject(error);
        }
        this.#track(event, current).then(resolve, reject);
      });
    });
  }

  /** Runs an event on the instance; it fails with the reset's error if the instance was reset (broken) while it ran. */
  #track<T>(event: (instance: Record<string, unknown>) => T | Promise<T>, instance: Record<string, unknown>): Promise<T> {
    const generation = this.#generation;
    return invoke(event, instance).then((value) => {
      if (generation.broken) throw generation.error;
      return value;
    });
  }


  /** Starts queued events (at most `max`) while the gate is open; how many it started. */
  #drain(max = Infinity): number {
    // Each queued event starts synchronously, so one that touches storage closes the gate for the rest.
    let started = 0;
    while (started < max && !this.#storageGate && this.#blockers === 0 && this.#queue.length > 0) {
      this.#queue.shift()!();
      started++;
    }
    return started;
  }

  #ensureInstance(): Record<string, unknown> {
    if (this.#instance) return this.#instance;
    const Class = this.#options.getClass();
    this.#state = new DurableObjectState(this);
    this.#instance = new Class(this.#state, this.#options.getEnv()) as Record<string, unknown>;
    return this.#instance;
  }

  /**
   * Drop the instance; the next event constructs a new one. Stored data stays.
   * The runtime breaks the object: every event that was running on it fails with `error`
   * once it settles (a caught blockConcurrencyWhile error still fails the request that called it).
   */
  reset(error: unknown): void {
    this.#instance = undefined;
    if (typeof error === "object" && error !== null) brokenObjectErrors.add(error);
    this.#generation.broken = true;
    this.#generation.error = error;
    this.#generation = { broken: false };
  }

  async blockConcurrencyWhile<T>(callback: () => T | Promise<T>): Promise<T> {
    this.#blockers++;
    try {
      return await callback();
    } catch (error) {
      // The runtime resets an object whose blockConcurrencyWhile callback throws.
      this.reset(error);
      throw error;
    } finally {
      this.#blockers--;
      this.#drain();
    }
  }

  async hold<T>(fn: () => Promise<T>): Promise<T> {
    this.#blockers++;
    try {
      return await fn();
    } finally {
      this.#blockers--;
      this.#drain();
    }
  }

  touch(): void {
    if (this.#storageGate) return;
    this.#storageGate = true;
    if (this.#releaseScheduled) return;
    this.#releaseScheduled = true;
    setImmediate(this.#release);
  }

  hasAlarmHandler(): boolean {
    // Checked on the class too: the constructor may set an alarm before #instance is assigned.
    return typeof this.#instance?.alarm === "function" || typeof this.#options.getClass().prototype?.alarm === "function";
  }

  getAlarm(): number | null {
    return this.#options.alarms.get(this.id.toString());
  }

  setAlarm(time: number): Promise<void> {
    return this.#options.alarms.set(this.id.toString(), this.id.name, time);
  }

  deleteAlarm(): Promise<void> {
    return this.#options.alarms.delete(this.id.toString());
  }

  close(): void {
    this.storage.close();
    this.#instance = undefined;
  }
}

function invoke<T>(event: (instance: Record<string, unknown>) => T | Promise<T>, instance: Record<string, unknown>): Promise<T> {
  try {
    return Promise.resolve(event(instance));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** `ctx` / `state`: what the object's constructor receives. */
export class DurableObjectState {
  readonly #host: ObjectHost;

  constructor(host: ObjectHost) {
    this.#host = host;
  }

  get id(): DurableObjectId {
    return this.#host.id;
  }

  get storage(): DurableObjectStorage {
    return this.#host.storage;
  }

  waitUntil(promise: Promise<unknown>): void {
    // Nothing outlives the process here; just keep a rejection from going unhandled.
    Promise.resolve(promise).catch(() => {});
  }

  blockConcurrencyWhile<T>(callback: () => T | Promise<T>): Promise<T> {
    return this.#host.blockConcurrencyWhile(callback);
  }

  abort(reason?: unknown): never {
    const error = reason instanceof Error ? reason : new Error(reason === undefined ? "Durable Object was aborted." : String(reason));
    this.#host.reset(error);
    throw error;
  }

  acceptWebSocket(ws: WorkerWebSocket, tags?: string[]): void {
    this.#host.sockets.accept(ws, tags);
  }

  getWebSockets(tag?: string): WorkerWebSocket[] {
    return this.#host.sockets.list(tag);
  }

  getTags(ws: WorkerWebSocket): string[] {
    return this.#host.sockets.tagsOf(ws);
  }

  setWebSocketAutoResponse(pair?: AutoResponsePair | null): void {
    this.#host.sockets.setAutoResponse(pair);
  }

  getWebSocketAutoResponse(): AutoResponsePair | null {
    return this.#host.sockets.getAutoResponse();
  }

  getWebSocketAutoResponseTimestamp(ws: WorkerWebSocket): Date | null {
    return this.#host.sockets.autoResponseTimestamp(ws);
  }

  setHibernatableWebSocketEventTimeout(ms?: number | null): void {
    this.#host.sockets.setEventTimeout(ms);
  }

  getHibernatableWebSocketEventTimeout(): number | null {
    return this.#host.sockets.getEventTimeout();
  }
}
