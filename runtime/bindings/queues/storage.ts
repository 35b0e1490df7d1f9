// Queue messages in the store. Every message is a row until its ack (or its
// drop after max_retries) commits, so nothing is lost on kill -9. A consumer
// claims a batch by writing a lease (owner, expiry) in one IMMEDIATE
// transaction: two processes on one store never hold the same message at once.
// A lease whose owning process is gone (kill -9) is taken back at once rather
// than after its expiry, so a restarted server redelivers without waiting.
import type { Database } from "bun:sqlite";
import { ensureSchema, type Store } from "../../store/index.ts";
import { QUEUE_MIGRATIONS } from "./schema.ts";
import { processAlive } from "../../processes.ts";


/** How long a claimed batch stays leased without renewal. The holder renews it while the handler runs. */
export const LEASE_MS = 60_000;

export type ContentType = "text" | "json" | "bytes" | "v8";

export interface StoredMessage {
  seq: number;
  id: string;
  queue: string;
  content_type: ContentType;
  body: Uint8Array;
  timestamp: number;
  visible_at: number;
  failed_attempts: number;
}

export interface NewMessage {
  contentType: ContentType;
  body: Uint8Array;
  delaySeconds: number;
}

export function queueDb(store: Store): Database {
  ensureSchema(store.db, "queues", QUEUE_MIGRATIONS);
  return store.db;
}

/** This process's lease owner tag: pid first, so others can tell when it is gone. */
export const LEASE_OWNER = `${process.pid}:${crypto.randomUUID().slice(0, 8)}`;

function newId(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("hex");
}

export function insertMessages(store: Store, queue: string, messages: NewMessage[], now = Date.now()): void {
  const db = queueDb(store);
  const insert = db.query(
    "INSERT INTO queue_messages (id, queue, content_type, body, timestamp, visible_at) VALUES (?, ?, ?, ?, ?, ?)",
  );
  db.transaction(() => {
    for (const message of messages) {
      insert.run(newId(), queue, message.contentType, message.body, now, now + message.delaySeconds * 1000);
    }
  }).immediate();
  notify(store, queue);
}

export interface ReadyInfo {
  count: number;
  /** When the oldest deliverable message became deliverable (ms). */
  oldestVisibleAt: number | null;
  /** When the next not-yet-deliverable message becomes deliverable (ms). */
  nextVisibleAt: number | null;
}

/** Messages of a queue free to deliver now, and when the next delayed one is due. */
export function readyInfo(store: Store, queue: string, now = Date.now()): ReadyInfo {
  const db = queueDb(store);
  const ready = db
    .query(
      "SELECT count(*) AS count, min(visible_at) AS oldest FROM queue_messages WHERE queue = ? AND visible_at <= ? AND (lease_until IS NULL OR lease_until < ?)",
    )
    .get(queue, now, now) as { count: number; oldest: number | null };
  const next = db
    .query("SELECT min(visible_at) AS next FROM queue_messages WHERE queue = ? AND visible_at > ?")
    .get(queue, now) as { next: number | null };
  return { count: ready.count, oldestVisibleAt: ready.oldest, nextVisibleAt: next.next };
}

export interface BacklogMetrics {
  backlogCount: number;
  backlogBytes: number;
  /** Only when there is a backlog, as the runtime leaves it out of an empty queue's metrics. */
  oldestMessageTimestamp?: Date;
}

/** The backlog a producer's send() and metrics() report: messages deliverable now and not in a consumer's hands. */
export function backlogMetrics(store: Store, queue: string, now = Date.now()): BacklogMetrics {
  const row = queueDb(store)
    .query(
      "SELECT count(*) AS count, coalesce(sum(length(body)), 0) AS bytes, min(timestamp) AS oldest FROM queue_messages " +
        "WHERE queue = ? AND visible_at <= ? AND (lease_until IS NULL OR lease_until < ?)",
    )
    .get(queue, now, now) as { count: number; bytes: number; oldest: number | null };
  const metrics: BacklogMetrics = { backlogCount: row.count, backlogBytes: row.bytes };
  if (row.oldest !== null) metrics.oldestMessageTimestamp = new Date(row.oldest);
  return metrics;
}

/** Leases up to `limit` deliverable messages of a queue to this process, oldest first. */
export function claimBatch(store: Store, queue: string, limit: number, now = Date.now()): StoredMessage[] {
  const db = queueDb(store);
  return db
    .transaction(() => {
      const rows = db
        .query(
          "SELECT seq, id, queue, content_type, body, timestamp, visible_at, failed_attempts FROM queue_messages " +
            "WHERE queue = ? AND visible_at <= ? AND (lease_until IS NULL OR lease_until < ?) ORDER BY visible_at, seq LIMIT ?",
        )
        .all(queue, now, now, limit) as StoredMessage[];
      const lease = db.query("UPDATE queue_messages SET lease_owner = ?, lease_until = ? WHERE seq = ?");
      for (const row of rows) lease.run(LEASE_OWNER, now + LEASE_MS, row.seq);
      return rows;
    })
    .immediate();
}

/** Extends this process's lease on messages still in hand. */
export function renewLease(store: Store, seqs: number[], now = Date.now()): void {
  const db = queueDb(store);
  const renew = db.query("UPDATE queue_messages SET lease_until = ? WHERE seq = ? AND lease_owner = ?");
  db.transaction(() => {
    for (const seq of seqs) renew.run(now + LEASE_MS, seq, LEASE_OWNER);
  }).immediate();
}

/**
 * Frees leases held by processes that no longer exist (a dev server killed
 * with -9): their messages become deliverable again at once.
 */
export function releaseDeadLeases(store: Store): number {
  const db = queueDb(store);
  const owners = db
    .query("SELECT DISTINCT lease_owner FROM queue_messages WHERE lease_owner IS NOT NULL AND lease_owner != ?")
    .all(LEASE_OWNER) as { lease_owner: string }[];
  let freed = 0;
  for (const { lease_owner } of owners) {
    const pid = Number(lease_owner.split(":")[0]);
    if (processAlive(pid)) continue;
    freed += db.run("UPDATE queue_messages SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = ?", [lease_owner]).changes;
  }
  return freed;
}

export interface Outcome {
  acked: string[];
  /** Messages to retry, each with its delay in seconds. */
  retried: { id: string; delaySeconds: number }[];
}

export interface Settled {
  /** Retried messages that come back for another attempt. */
  retried: string[];
  deadLettered: string[];
  dropped: string[];
}

/**
 * Commits what a consumer did with a batch, in one transaction: acked
 * messages are removed; retried ones come back after their delay, or, after
 * `maxAttempts` failed attempts, move to the dead-letter queue (same id and
 * timestamp, as the runtime keeps them) or are dropped. Only rows still leased
 * to this process are touched.
 */
export function settleBatch(
  store: Store,
  outcome: Outcome,
  options: { maxAttempts: number; deadLetterQueue?: string },
  now = Date.now(),
): Settled {
  const db = queueDb(store);
  const settled: Settled = { retried: [], deadLettered: [], dropped: [] };
  db.transaction(() => {
    const remove = db.query("DELETE FROM queue_messages WHERE id = ? AND lease_owner = ?");
    for (const id of outcome.acked) remove.run(id, LEASE_OWNER);
    const get = db.query("SELECT failed_attempts FROM queue_messages WHERE id = ? AND lease_owner = ?");
    const retry = db.query(
      "UPDATE queue_messages SET failed_attempts = ?, visible_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?",
    );
    const move = db.query(
      "UPDATE queue_messages SET queue = ?, failed_attempts = 0, visible_at = ?, lease_owner = NULL, lease_until = NULL WHERE id = ?",
    );
    for (const { id, delaySeconds } of outcome.retried) {
      const row = get.get(id, LEASE_OWNER) as { failed_attempts: number } | null;
      if (!row) continue;
      const failed = row.failed_attempts + 1;
      if (failed < options.maxAttempts) {
        retry.run(failed, now + delaySeconds * 1000, id);
        settled.retried.push(id);
      }
      else if (options.deadLetterQueue) {
        move.run(options.deadLetterQueue, now, id);
        settled.deadLettered.push(id);
      } else {
        remove.run(id, LEASE_OWNER);
        settled.dropped.push(id);
      }
    }
  }).immediate();
  if (settled.deadLettered.length > 0 && options.deadLetterQueue) notify(store, options.deadLetterQueue);
  return settled;
}

/** Gives a batch back untouched (the consumer could not run it at all, e.g. on shutdown). */
export function releaseBatch(store: Store, seqs: number[]): void {
  const db = queueDb(store);
  const release = db.query("UPDATE queue_messages SET lease_owner = NULL, lease_until = NULL WHERE seq = ? AND lease_owner = ?");
  db.transaction(() => {
    for (const seq of seqs) release.run(seq, LEASE_OWNER);
  }).immediate();
}

export function purgeMessages(store: Store, queue: string): number {
  return queueDb(store).run("DELETE FROM queue_messages WHERE queue = ?", [queue]).changes;
}

export function countMessages(store: Store, queue: string): number {
  return (queueDb(store).query("SELECT count(*) AS n FROM queue_messages WHERE queue = ?").get(queue) as { n: number }).n;
}

export function queuesWithMessages(store: Store): string[] {
  return (queueDb(store).query("SELECT DISTINCT queue FROM queue_messages").all() as { queue: string }[]).map((r) => r.queue);
}

// In-process wake-ups: a send in this process wakes its consumer pump at once;
// other processes' sends are found by the pump's store poll.
type Listener = () => void;
const listeners = new Map<string, Set<Listener>>();

function key(store: Store, queue: string): string {
  return `${store.dir}\0${queue}`;
}

function notify(store: Store, queue: string): void {
  for (const listener of listeners.get(key(store, queue)) ?? []) listener();
}

export function onMessage(store: Store, queue: string, listener: Listener): () => void {
  const k = key(store, queue);
  let set = listeners.get(k);
  if (!set) listeners.set(k, (set = new Set()));
  set.add(listener);
  return () => set!.delete(listener);
}

/** A message as the Local Explorer lists it: where it stands, and its attempts so far. */
export interface MessageSummary {
  id: string;
  content_type: ContentType;
  body: Uint8Array;
  timestamp: number;
  visible_at: number;
  failed_attempts: number;
  /** waiting: ready now; delayed: sent with a delay not yet over; retrying: failed and backing off; in_flight: leased by a consumer. */
  state: "waiting" | "delayed" | "retrying" | "in_flight";
}

export function listMessages(store: Store, queue: string, limit = 100, now = Date.now()): MessageSummary[] {
  const rows = queueDb(store)
    .query(
      "SELECT id, content_type, body, timestamp, visible_at, failed_attempts, lease_owner, lease_until FROM queue_messages WHERE queue = ? ORDER BY seq LIMIT ?",
    )
    .all(queue, limit) as (StoredMessage & { lease_owner: string | null; lease_until: number | null })[];
  return rows.map(({ lease_owner, lease_until, ...row }) => ({
    id: row.id,
    content_type: row.content_type,
    body: row.body,
    timestamp: row.timestamp,
    visible_at: row.visible_at,
    failed_attempts: row.failed_attempts,
    state:
      lease_owner !== null && (lease_until ?? 0) > now
        ? "in_flight"
        : row.visible_at <= now
          ? "waiting"
          : row.failed_attempts > 0
            ? "retrying"
            : "delayed",
  }));
}

/** Makes a delayed or backing-off message deliverable now (attempts kept). False if it is gone or leased. */
export function retryMessageNow(store: Store, queue: string, id: string, now = Date.now()): boolean {
  const changed = queueDb(store).run(
    "UPDATE queue_messages SET visible_at = ? WHERE queue = ? AND id = ? AND (lease_owner IS NULL OR lease_until <= ?)",
    [now, queue, id, now],
  ).changes;
  if (changed > 0) notify(store, queue);
  return changed > 0;
}
