// Waiting for another process's write lock without stopping the event loop.
//
// bun:sqlite is synchronous: with a busy timeout, a statement that meets a lock
// held by another process (a `d1 execute --file` import, a `kv bulk put`) sleeps
// inside SQLite, on the event loop, and every request of the dev server waits
// with it (measured: a route that never touches the store stalled 2.3 s while a
// 100,000-row import held the D1 file's lock and one request wanted to write).
//
// Why not a worker thread: every binding would then pay a message round trip on
// every call, and Durable Object storage must stay synchronous. The binding APIs
// a worker calls (KV, R2, D1, DO storage) already return promises, so instead
// the operation runs with busy_timeout 0 (SQLite answers SQLITE_BUSY at once)
// and is retried after an asynchronous sleep with backoff: other requests run
// in between, and there is no deadline, so an import slower than any timeout
// delays the waiting request but never fails it. The toggles cost a few microseconds.
//
// Used by every store write the dev server makes on a request's or a pump's
// behalf: KV, R2, D1, queues (send, and the consumer pump's claims, leases and
// acks), workflows (binding calls and the engine's checkpoints), cron tick
// claims, Durable Object alarms and the asynchronous ctx.storage API (which
// queues later calls behind a write that waits, to keep their order). The
// synchronous DO APIs (sql.exec, ctx.storage.kv, transactionSync) cannot wait
// that way and keep the busy timeout; only another process opening that
// object's own file could make them wait.
//
// `op` must be all-or-nothing when it meets SQLITE_BUSY: one statement, or a
// transaction (bun:sqlite rolls it back), so that running it again is safe.
import type { Database } from "bun:sqlite";
import { BUSY_TIMEOUT_MS } from "./index.ts";

// SQLite applies `PRAGMA busy_timeout = N` while compiling the statement, not
// when stepping it: a prepared (cached) toggle would only take effect once, so
// each toggle is compiled afresh (a few microseconds).
const NO_WAIT = "PRAGMA busy_timeout = 0";
const WAIT = `PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`;

/** SQLITE_BUSY (or a snapshot that went stale under another writer), also when wrapped as a cause. */
export function isBusy(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const code = String((e as { code?: unknown }).code ?? "");
    if (code.startsWith("SQLITE_BUSY") || /database is locked/.test(e.message)) return true;
  }
  return false;
}

const FIRST_DELAY_MS = 1;
const MAX_DELAY_MS = 25;

const BUSY = Symbol("busy");

/** Connections their owner leaves at busy_timeout 0 between operations (see leaveAtNoWait). */
const atNoWait = new WeakSet<Database>();

/**
 * For a connection one owner uses alone (a Durable Object's file): leaves its
 * busy timeout at 0 after this, so that its operations through whenUnlocked()
 * need no toggles; the owner calls restoreWait() before a synchronous
 * operation that must wait for the lock instead. Each is a no-op when the
 * connection is already so.
 */
export function leaveAtNoWait(db: Database): void {
  if (atNoWait.has(db)) return;
  db.run(NO_WAIT);
  atNoWait.add(db);
}

export function restoreWait(db: Database): void {
  if (atNoWait.delete(db)) db.run(WAIT);
}

/** One attempt of `op` that answers BUSY at once instead of waiting for the lock. */
function attempt<T>(db: Database, op: () => T): T | typeof BUSY {
  const toggle = !atNoWait.has(db);
  if (toggle) db.run(NO_WAIT);
  try {
    return op();
  } catch (error) {
    if (!isBusy(error) || db.inTransaction) throw error;
    return BUSY;
  } finally {
    if (toggle) db.run(WAIT);
  }
}

/**
 * Runs the synchronous store operation `op` on `db`: at once when the lock is
 * free (the result, not a promise), else a promise that waits asynchronously
 * and tries again. For callers that must keep their writes in order (a Durable
 * Object's storage queues later writes behind one that had to wait).
 */
export function whenUnlocked<T>(db: Database, op: () => T): T | Promise<T> {
  // Inside a caller's open transaction a retry could repeat its earlier
  // statements; there the lock is already held, so the op runs as it is.
  if (db.inTransaction) return op();
  const first = attempt(db, op);
  return first === BUSY ? retry(db, op) : first;
}

async function retry<T>(db: Database, op: () => T): Promise<T> {
  for (let delay = FIRST_DELAY_MS; ; delay = Math.min(delay * 2, MAX_DELAY_MS)) {
    await Bun.sleep(delay);
    const result = db.inTransaction ? op() : attempt(db, op);
    if (result !== BUSY) return result;
  }
}

/**
 * Runs the synchronous store operation `op` on `db`; while another process
 * holds the lock it needs, waits asynchronously and tries again.
 */
export async function withoutBlocking<T>(db: Database, op: () => T): Promise<T> {
  return whenUnlocked(db, op);
}
