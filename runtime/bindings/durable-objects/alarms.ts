// Alarms: one per object, kept in data.sqlite so a restarted dev server finds
// every pending alarm with one query (instead of opening each object's file),
// and fired by timers in this process.
import type { Database } from "bun:sqlite";
import { ensureSchema, type Store } from "../../store/index.ts";
import { withoutBlocking } from "../../store/lock.ts";
import { DurableObjectLimits } from "./limits.ts";
import { DURABLE_OBJECT_MIGRATIONS } from "./schema.ts";

export { DURABLE_OBJECT_MIGRATIONS };

export interface AlarmInvocationInfo {
  scheduledTime: number;
  retryCount: number;
  isRetry: boolean;
}

/** Delivers a due alarm to the object; rejects when the handler throws. */
export type AlarmDelivery = (objectId: string, objectName: string | undefined, info: AlarmInvocationInfo) => Promise<void>;

// setTimeout overflows past 2^31-1 ms; a later alarm re-arms when this fires.
const MAX_TIMER_MS = 2 ** 31 - 1;
// How long a process owns a due alarm it claimed. Another process sharing the
// store looks again when the claim runs out (its owner killed mid-handler).
const CLAIM_MS = 60_000;
// Unique per scheduler: two namespaces of one process must not share a claim either.
let schedulerCount = 0;

/**
 * One scheduler per (store, class) in a process, whichever namespace is current:
 * after a dev reload the new namespace takes delivery over, so an alarm never
 * fires twice or into a stale class.
 */
export class AlarmScheduler {
  readonly #db: Database;
  readonly #className: string;
  readonly #timers = new Map<string, Timer>();
  /** Alarm handlers running now; getAlarm() reads null for them unless re-set. */
  readonly #firing = new Map<string, number>();
  #deliver: AlarmDelivery | undefined;
  readonly #owner = `${process.pid}.${++schedulerCount}`;
  /**
   * Alarms set or deleted whose write waits for another process's lock on
   * data.sqlite (a `kv bulk put`): getAlarm() answers with them meanwhile.
   */
  readonly #pending = new Map<string, number | null>();

  constructor(store: Store, className: string) {
    this.#db = store.db;
    this.#className = className;
    ensureSchema(store.db, "durable_objects", DURABLE_OBJECT_MIGRATIONS);
  }

  /** Point delivery at the current namespace and arm every stored alarm (past-due ones fire now). */
  attach(deliver: AlarmDelivery): void {
    this.#deliver = deliver;
    const rows = this.#db
      .query("SELECT object_id, scheduled_time FROM do_alarms WHERE class_name = ?")
      .all(this.#className) as { object_id: string; scheduled_time: number }[];
    for (const row of rows) this.#arm(row.object_id, row.scheduled_time);
  }

  detach(deliver: AlarmDelivery): boolean {
    if (this.#deliver !== deliver) return false;
    this.#deliver = undefined;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    return true;
  }

  get(objectId: string): number | null {
    if (this.#pending.has(objectId)) return this.#pending.get(objectId)!;
    const row = this.#row(objectId);
    if (!row) return null;
    if (this.#firing.get(objectId) === row.scheduled_time) return null;
    return row.scheduled_time;
  }

  async set(objectId: string, objectName: string | undefined, time: number, retryCount = 0): Promise<void> {
    this.#firing.delete(objectId);
    await this.#write(objectId, time, () =>
      this.#db
        .query(
          "INSERT INTO do_alarms (class_name, object_id, object_name, scheduled_time, retry_count) VALUES (?, ?, ?, ?, ?) " +
            "ON CONFLICT (class_name, object_id) DO UPDATE SET object_name = excluded.object_name, " +
            "scheduled_time = excluded.scheduled_time, retry_count = excluded.retry_count, claimed_by = NULL, claimed_until = NULL",
        )
        .run(this.#className, objectId, objectName ?? null, time, retryCount),
    );
    if (this.#pending.has(objectId)) return; // a later set or delete superseded this one
    this.#arm(objectId, time);
  }

  async delete(objectId: string): Promise<void> {
    this.#firing.delete(objectId);
    const timer = this.#timers.get(objectId);
    if (timer) clearTimeout(timer);
    this.#timers.delete(objectId);
    await this.#write(objectId, null, () =>
      this.#db.query("DELETE FROM do_alarms WHERE class_name = ? AND object_id = ?").run(this.#className, objectId),
    );
  }

  /** Writes in call order per object, waiting for another process's lock off the event loop. */
  async #write(objectId: string, time: number | null, op: () => unknown): Promise<void> {
    this.#pending.set(objectId, time);
    const before = this.#chain.get(objectId);
    const done = (before ?? Promise.resolve()).then(() => withoutBlocking(this.#db, op)).finally(() => {
      if (this.#chain.get(objectId) === chained) {
        this.#chain.delete(objectId);
        this.#pending.delete(objectId);
      }
    });
    const chained = done.then(() => {}, () => {});
    this.#chain.set(objectId, chained);
    await done;
  }
  readonly #chain = new Map<string, Promise<void>>();

  #row(objectId: string) {
    return this.#db
      .query("SELECT object_name, scheduled_time, retry_count FROM do_alarms WHERE class_name = ? AND object_id = ?")
      .get(this.#className, objectId) as { object_name: string | null; scheduled_time: number; retry_count: number } | null;
  }

  /** A timer for the alarm at `time`, going off then (or at `at`: when another process's claim on it runs out). */
  #arm(objectId: string, time: number, at = time): void {
    const old = this.#timers.get(objectId);
    if (old) clearTimeout(old);
    if (!this.#deliver) return;
    const delay = Math.min(Math.max(0, at - Date.now()), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      // The store may have been closed under a still-armed timer (a host that
      // skipped dispose()); that must not surface as an unhandled rejection.
      this.#fire(objectId, time).catch(() => {});
    }, delay);
    // Timers must not keep a CLI process or a test alive; the dev server's socket does that.
    timer.unref();
    this.#timers.set(objectId, timer);
  }

  async #fire(objectId: string, time: number): Promise<void> {
    this.#timers.delete(objectId);
    const row = this.#row(objectId);
    if (!row || row.scheduled_time !== time || !this.#deliver) return;
    // Re-armed by a reload while its handler still runs: one run at a time.
    if (this.#firing.get(objectId) === time) return;
    if (time > Date.now()) return this.#arm(objectId, time); // a far alarm capped by MAX_TIMER_MS
    // Another dev process on this store may have armed the same alarm: the one whose claim lands runs it.
    const now = Date.now();
    const claimed = this.#db
      .query(
        "UPDATE do_alarms SET claimed_by = ?, claimed_until = ? WHERE class_name = ? AND object_id = ? AND scheduled_time = ? " +
          "AND (claimed_by IS NULL OR claimed_by = ? OR claimed_until < ?)",
      )
      .run(this.#owner, now + CLAIM_MS, this.#className, objectId, time, this.#owner, now).changes;
    if (!claimed) return this.#arm(objectId, time, now + CLAIM_MS);
    const info = { scheduledTime: time, retryCount: row.retry_count, isRetry: row.retry_count > 0 };
    this.#firing.set(objectId, time);
    let failed = false;
    try {
      await this.#deliver(objectId, row.object_name ?? undefined, info);
    } catch {
      failed = true;
    }
    const stillOurs = this.#firing.get(objectId) === time;
    this.#firing.delete(objectId);
    // The handler set a new alarm (or deleted it): that decision stands.
    if (!stillOurs) return;
    if (!failed || row.retry_count >= DurableObjectLimits.MAX_ALARM_RETRIES) {
      await this.delete(objectId);
      return;
    }
    // The runtime retries a throwing alarm with exponential backoff: 2 s, 4 s, 8 s, ...
    const backoff = DurableObjectLimits.ALARM_RETRY_BASE_MS * 2 ** row.retry_count;
    await this.set(objectId, row.object_name ?? undefined, Date.now() + backoff, row.retry_count + 1);
  }
}

// Keyed by the store's connection: a store closed and reopened (a restart) gets a
// fresh scheduler that re-reads its alarms.
const schedulers = new WeakMap<Database, Map<string, AlarmScheduler>>();

export function alarmScheduler(store: Store, className: string): AlarmScheduler {
  let byClass = schedulers.get(store.db);
  if (!byClass) schedulers.set(store.db, (byClass = new Map()));
  let scheduler = byClass.get(className);
  if (!scheduler) byClass.set(className, (scheduler = new AlarmScheduler(store, className)));
  return scheduler;
}
