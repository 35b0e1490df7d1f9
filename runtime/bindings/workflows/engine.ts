// Runs one workflow instance: `new Class(ctx, env).run(event, step)`, with
// every step checkpointed in the store. Re-running an instance (after a
// restart or kill -9) replays run(): completed steps return their stored
// result without running, sleeps wait for their stored wake-up time.
import type { Store } from "../../store/index.ts";
import { withoutBlocking } from "../../store/lock.ts";
import {
  claim,
  db,
  decode,
  encode,
  getInstance,
  isFinal,
  releaseLease,
  LEASE_OWNER,
  type Attempt,
  type InstanceRow,
  type StepRow,
} from "./store.ts";

/** Thrown inside the engine to stop an instance someone else changed (pause, terminate, restart). */
class Stop extends Error {
  /** A pause was asked for: the instance becomes "paused" once this engine has let go. */
  constructor(readonly pause = false) {
    super();
  }
}

const DEFAULT_CONFIG = { retries: { limit: 5, delay: 1000, backoff: "exponential" as const }, timeout: "10 minutes" };
const MAX_STEP_NAME_LENGTH = 256;
const WAIT_FOR_EVENT_DEFAULT_TIMEOUT = "24 hours";
/** How often a waiting engine looks at the store for commands and events from other processes. */
const POLL_MS = 100;

const UNITS: Record<string, number> = {
  ms: 1,
  millisecond: 1,
  second: 1000,
  minute: 60_000,
  hour: 3_600_000,
  day: 86_400_000,
  week: 604_800_000,
  month: 2_592_000_000,
  year: 31_536_000_000,
};

/** "10 minutes", "1 second", 500 (ms), as the runtime's duration strings. */
export function durationMs(value: string | number): number {
  if (typeof value === "number") return value;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]+?)s?\s*$/i.exec(value);
  const unit = match && UNITS[match[2]!.toLowerCase()];
  if (!match || unit == null) throw new TypeError(`Invalid duration "${value}".`);
  return Number(match[1]) * unit;
}

function errorFields(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: "Error", message: String(error) };
}

function rebuild(fields: { name: string; message: string }): Error {
  const error = new Error(fields.message);
  error.name = fields.name;
  return error;
}

export interface RunOptions {
  store: Store;
  workflow: string;
  id: string;
  getClass(): new (ctx: unknown, env: unknown) => { run(event: unknown, step: unknown): unknown };
  getEnv(): Record<string, unknown>;
  /** Reports an error the user's code threw (printed by the dev server). */
  onError?(error: unknown): void;
  /** Aborted by the pump on shutdown: the engine stops at once, leaving the instance to resume later. */
  signal?: AbortSignal;
}

/** Claims the instance and runs it to its end (or until stopped); false when another engine holds it. */
export async function runInstance(options: RunOptions): Promise<boolean> {
  const { store, workflow, id } = options;
  // Every write waits for another process's lock (a CLI bulk write to the
  // store) asynchronously, so running instances never stall the dev server.
  const claimed = await withoutBlocking(store.db, () => claim(store, workflow, id));
  if (!claimed) return false;
  const generation = claimed.generation;
  const d = db(store);
  const where = "workflow = ? AND id = ? AND generation = ? AND lease_owner = ?";
  const keys = [workflow, id, generation, LEASE_OWNER] as const;
  const update = (set: string, ...values: (string | number | Uint8Array | null)[]) =>
    withoutBlocking(d, () => d.query(`UPDATE workflow_instances SET ${set} WHERE ${where}`).run(...values, ...keys).changes > 0);

  /** Stops this engine when the instance was paused, terminated, restarted or taken over. */
  const guard = () => {
    if (options.signal?.aborted) throw new Stop();
    const row = getInstance(store, workflow, id);
    if (!row || row.generation !== generation || row.lease_owner !== LEASE_OWNER || isFinal(row.status) || row.status === "paused") throw new Stop();
    // Marked paused at the end (outside any step transaction, which this throw rolls back).
    if (row.status === "waitingForPause") throw new Stop(true);
    return row;
  };
  const setStatus = async (status: "running" | "waiting") => {
    if (!(await update(`status = ? `, status))) throw new Stop();
  };
  /** Waits until `deadline`, or until `ready()` returns a value; checks for commands meanwhile. */
  const waitUntil = async <T>(deadline: number, ready?: () => Promise<T | undefined>): Promise<T | undefined> => {
    for (;;) {
      guard();
      const value = await ready?.();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await Bun.sleep(Math.min(left, POLL_MS));
    }
  };

  const stepRow = (key: string) =>
    (d.query("SELECT * FROM workflow_steps WHERE workflow = ? AND instance = ? AND key = ?").get(workflow, id, key) as StepRow | null) ?? undefined;
  let seq = 0;
  // Checked and written in one transaction: a restart committed in between must not
  // let this (now stale) engine write into the new run's checkpoints.
  const insertStep = (key: string, type: StepRow["type"], name: string, fields: { config?: string; wake_at?: number }) =>
    withoutBlocking(d, () => d.transaction(() => {
      guard();
      d.query(
        "INSERT INTO workflow_steps (workflow, instance, key, seq, type, name, config, started_on, wake_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ).run(workflow, id, key, seq, type, name, fields.config ?? null, Date.now(), fields.wake_at ?? null);
      return stepRow(key)!;
    }).immediate());
  const updateStepNow = (key: string, set: string, ...values: (string | number | Uint8Array | null)[]) =>
    d.transaction(() => {
      guard();
      d.query(`UPDATE workflow_steps SET ${set} WHERE workflow = ? AND instance = ? AND key = ?`).run(...values, workflow, id, key);
    }).immediate();
  const updateStep = (key: string, set: string, ...values: (string | number | Uint8Array | null)[]) =>
    withoutBlocking(d, () => updateStepNow(key, set, ...values));
  const counters = new Map<string, number>();
  const nextKey = (kind: string, name: string) => {
    const count = (counters.get(`${kind}:${name}`) ?? 0) + 1;
    counters.set(`${kind}:${name}`, count);
    seq++;
    return `${kind}:${name}:${count}`;
  };

  /** Settles (with Stop) when the pump shuts down, so a step still running does not hold the server open. */
  const stopped = new Promise<never>((_, reject) => {
    options.signal?.addEventListener("abort", () => reject(new Stop()), { once: true });
  });
  stopped.catch(() => {});

  const step = {
    do: async (name: string, configOrCallback: unknown, maybeCallback?: unknown) => {
      const callback = (maybeCallback ?? configOrCallback) as (ctx: { attempt: number }) => unknown;
      const given = (maybeCallback ? configOrCallback : {}) as { retries?: Record<string, unknown>; timeout?: string | number };
      if (typeof name !== "string" || name.length > MAX_STEP_NAME_LENGTH) {
        throw new Error(`Step name "${name}" exceeds max length (${MAX_STEP_NAME_LENGTH} chars) or invalid characters found`);
      }
      if (typeof callback !== "function" || (given !== undefined && (typeof given !== "object" || given === null))) {
        throw new Error(`Step config for "${name}" is in a invalid format. See https://developers.cloudflare.com/workflows/build/sleeping-and-retrying/`);
      }
      const key = nextKey("do", name);
      let row = stepRow(key);
      if (row?.done) return decode(row.value);
      if (row?.error) throw rebuild(JSON.parse(row.error));
      const config = row?.config
        ? JSON.parse(row.config)
        : { ...DEFAULT_CONFIG, ...given, retries: { ...DEFAULT_CONFIG.retries, ...given.retries } };
      if (!row) row = await insertStep(key, "step", name, { config: JSON.stringify(config) });
      const attempts = JSON.parse(row.attempts) as Attempt[];
      const last = attempts.at(-1);
      if (last && last.end === null) {
        // The engine died during this attempt: it counts as failed.
        Object.assign(last, { end: Date.now(), success: false, error: { name: "WorkflowInternalError", message: "Attempt failed due to internal workflows error" } });
        await updateStep(key, "attempts = ?", JSON.stringify(attempts));
        if (attempts.length > config.retries.limit) {
          await updateStep(key, "ended_on = ?, error = ?", Date.now(), JSON.stringify(last.error));
          throw rebuild(last.error!);
        }
      }
      // A retry wait the engine died in keeps its original time.
      if (row.wake_at && row.wake_at > Date.now()) await waitUntil(row.wake_at);
      for (;;) {
        guard();
        const attempt: Attempt = { start: Date.now(), end: null, success: null, error: null };
        attempts.push(attempt);
        await updateStep(key, "attempts = ?, wake_at = NULL", JSON.stringify(attempts));
        const timeout = durationMs(config.timeout);
        let timer: ReturnType<typeof setTimeout> | undefined;
        try {
          const result = await Promise.race([
            Promise.resolve().then(() => callback({ attempt: attempts.length })),
            stopped,
            new Promise<never>((_, reject) => {
              timer = setTimeout(() => reject(Object.assign(new Error(`Execution timed out after ${timeout}ms`), { name: "WorkflowTimeoutError" })), timeout);
            }),
          ]);
          clearTimeout(timer);
          let bytes: Uint8Array;
          try {
            bytes = encode(result);
          } catch {
            Object.assign(attempt, { end: Date.now(), success: false, error: { name: "WorkflowFatalError", message: `Value returned from step "${name}" is not serialisable` } });
            await updateStep(key, "attempts = ?, ended_on = ?", JSON.stringify(attempts), Date.now());
            const error = { name: "WorkflowFatalError", message: `The execution of the Workflow instance was terminated, as the step "${name}" returned a value which is not serialisable` };
            await update("status = 'errored', ended_on = ?, error = ?, lease_owner = NULL, lease_until = NULL", Date.now(), JSON.stringify(error));
            throw new Stop();
          }
          Object.assign(attempt, { end: Date.now(), success: true });
          await updateStep(key, "attempts = ?, ended_on = ?, done = 1, value = ?", JSON.stringify(attempts), Date.now(), bytes);
          guard();
          return result;
        } catch (error) {
          clearTimeout(timer);
          if (error instanceof Stop) throw error;
          const fields = errorFields(error);
          Object.assign(attempt, { end: Date.now(), success: false, error: fields });
          const nonRetryable = fields.name === "NonRetryableError" || fields.message.startsWith("NonRetryableError");
          if (!nonRetryable && attempts.length <= config.retries.limit) {
            const delay = durationMs(config.retries.delay);
            const wait =
              config.retries.backoff === "exponential" ? delay * 2 ** (attempts.length - 1) : config.retries.backoff === "linear" ? delay * attempts.length : delay;
            const wakeAt = Date.now() + wait;
            await updateStep(key, "attempts = ?, wake_at = ?", JSON.stringify(attempts), wakeAt);
            await waitUntil(wakeAt);
            continue;
          }
          await updateStep(key, "attempts = ?, ended_on = ?, error = ?", JSON.stringify(attempts), Date.now(), JSON.stringify(fields));
          throw error;
        }
      }
    },

    sleep: async (name: string, duration: string | number) => {
      const ms = durationMs(duration);
      const key = nextKey("sleep", `${name}:${ms}`);
      const row = stepRow(key) ?? (await insertStep(key, "sleep", name, { wake_at: Date.now() + ms }));
      await sleepTo(key, row);
    },

    sleepUntil: async (name: string, timestamp: Date | number) => {
      const at = timestamp instanceof Date ? timestamp.valueOf() : timestamp;
      const key = nextKey("sleepUntil", name);
      let row = stepRow(key);
      if (!row) {
        if (at < Date.now()) throw new Error("You can't sleep until a time in the past, time-traveler");
        row = await insertStep(key, "sleep", name, { wake_at: at });
      }
      await sleepTo(key, row);
    },

    waitForEvent: async (name: string, options: { type: string; timeout?: string | number }) => {
      const timeout = durationMs(options?.timeout || WAIT_FOR_EVENT_DEFAULT_TIMEOUT);
      const key = nextKey("waitForEvent", name);
      let row = stepRow(key);
      if (row?.done) return decode(row.value);
      if (row?.error) throw rebuild(JSON.parse(row.error));
      // The event type is kept with the step, so the Local Explorer can say what the instance waits for.
      row ??= await insertStep(key, "waitForEvent", name, { wake_at: Date.now() + timeout, config: JSON.stringify({ type: options.type, timeout: options?.timeout ?? null }) });
      await setStatus("waiting");
      const take = () =>
        withoutBlocking(d, () => d.transaction(() => {
          const event = d
            .query("SELECT * FROM workflow_events WHERE workflow = ? AND instance = ? AND type = ? AND consumed = 0 ORDER BY seq LIMIT 1")
            .get(workflow, id, options.type) as { seq: number; type: string; payload: Uint8Array; timestamp: number } | null;
          if (!event) return undefined;
          const value = { payload: decode(event.payload), timestamp: new Date(event.timestamp), type: event.type };
          d.query("UPDATE workflow_events SET consumed = 1 WHERE seq = ?").run(event.seq);
          updateStepNow(key, "done = 1, value = ?, ended_on = ?", encode(value), Date.now());
          return value;
        }).immediate());
      const event = await waitUntil(row.wake_at!, take);
      if (event === undefined) {
        const fields = { name: "WorkflowTimeoutError", message: `Execution timed out after ${timeout}ms` };
        await updateStep(key, "error = ?, ended_on = ?", JSON.stringify(fields), Date.now());
        await setStatus("running");
        throw rebuild(fields);
      }
      await setStatus("running");
      return event;
    },
  };

  const sleepTo = async (key: string, row: StepRow) => {
    if (!row.done) {
      if (row.wake_at! > Date.now()) {
        await setStatus("waiting");
        await waitUntil(row.wake_at!);
        await setStatus("running");
      }
      await updateStep(key, "done = 1, ended_on = ?", Date.now());
    }
  };

  try {
    const row = guard();
    if (row.status === "queued") await update("status = 'running', started_on = ?", Date.now());
    else await update("status = 'running'");
    const event = { payload: decode(row.params), timestamp: new Date(row.created_on), instanceId: id };
    const Class = options.getClass();
    const ctx = { waitUntil: (promise: Promise<unknown>) => void Promise.resolve(promise).catch(() => {}), passThroughOnException() {}, props: {} };
    const instance = new Class(ctx, options.getEnv());
    let output: unknown;
    try {
      output = await Promise.race([instance.run(event, step), stopped]);
    } catch (error) {
      if (error instanceof Stop) throw error;
      guard();
      options.onError?.(error);
      let fields = errorFields(error);
      if (fields.name === "NonRetryableError") {
        fields = { name: "WorkflowFatalError", message: "The execution of the Workflow instance was terminated, as a step threw an NonRetryableError and it was not handled" };
      }
      await update("status = 'errored', ended_on = ?, error = ?, lease_owner = NULL, lease_until = NULL", Date.now(), JSON.stringify(fields));
      return true;
    }
    guard();
    let bytes: Uint8Array;
    try {
      bytes = encode(output);
    } catch {
      const error = { name: "WorkflowFatalError", message: "The value returned from the Workflow run() method is not serialisable" };
      await update("status = 'errored', ended_on = ?, error = ?, lease_owner = NULL, lease_until = NULL", Date.now(), JSON.stringify(error));
      return true;
    }
    await update("status = 'complete', ended_on = ?, output = ?, lease_owner = NULL, lease_until = NULL", Date.now(), bytes);
    return true;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    if (error.pause) await withoutBlocking(d, () => d.query(`UPDATE workflow_instances SET status = 'paused' WHERE ${where} AND status = 'waitingForPause'`).run(...keys));
    return true;
  } finally {
    await withoutBlocking(d, () => releaseLease(store, workflow, id));
  }
}

export type { InstanceRow };
