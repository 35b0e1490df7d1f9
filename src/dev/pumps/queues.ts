// The queue consumer pump: for every [[queues.consumers]] of the session's
// workers, claims batches from the store (max_batch_size, or whatever is
// ready once the oldest message has waited max_batch_timeout), up to
// max_concurrency at once, and delivers them to the consuming worker.
// Messages come from this process (woken at once) or from other processes on
// the same store (found by polling). Leases keep two processes apart.
import type { Pump, PumpFactory, PumpSession, SessionWorker } from "./types.ts";
import type { QueueConsumerConfig } from "../../config/types.ts";
import type { Store } from "../../../runtime/store/index.ts";
import { withoutBlocking } from "../../../runtime/store/lock.ts";
import { isatty } from "../../colors.ts";

type Queues = typeof import("../../../runtime/bindings/queues/index.ts");
type Storage = typeof import("../../../runtime/bindings/queues/storage.ts");
type Registry = typeof import("../../../runtime/bindings/queues/registry.ts");
type Limits = typeof import("../../../runtime/bindings/queues/consumer-limits.ts");

/** How often the store is polled for messages sent by other processes. */
const POLL_MS = 200;
/** How long a shutdown waits for batches in delivery before handing them back. */
const STOP_GRACE_MS = 2_000;

interface Consumer {
  worker: SessionWorker;
  config: QueueConsumerConfig;
}

// Decided at the first batch, by isatty: reading process.stdout at import cost every dev start ~10 ms.
let colorOn: boolean | undefined;
const color = () => (colorOn ??= !process.env.NO_COLOR && process.env.FORCE_COLOR !== "0" && isatty(1));
const paint = (code: number, text: string) => (color() ? `\x1b[${code}m${text}\x1b[39m` : text);

export const queuesPump: PumpFactory = (session) => {
  // Nothing to consume unless a config names consumers or a store may hold some (added by `queues consumer add`).
  if (!session.workers().some((worker) => worker.config.queues?.consumers?.length || (worker.name && worker.storeExists()))) return undefined;
  const registry = require("../../../runtime/bindings/queues/registry.ts") as Registry;
  const { consumerLimitErrors } = require("../../../runtime/bindings/queues/consumer-limits.ts") as Limits;
  const reported = new Set<string>();
  const consumersOf = () =>
    session.workers().flatMap((worker) =>
      workerConsumers(worker, registry)
        .filter((config) => {
          const errors = consumerLimitErrors(config, `[[queues.consumers]] for queue "${config.queue}" of worker "${worker.name ?? "worker"}"`);
          for (const error of errors) if (!reported.has(error)) reported.add(error), session.log("error", `[wrangler:error] ${error}`);
          return errors.length === 0;
        })
        .map((config) => ({ worker, config })),
    );
  if (consumersOf().length === 0) return undefined;
  const queues = require("../../../runtime/bindings/queues/index.ts") as Queues;
  const storage = require("../../../runtime/bindings/queues/storage.ts") as Storage;
  warnOrphanConsumers(session, storage, registry);

  let stopped = false;
  let consumers: Consumer[] = consumersOf();
  const inFlight = new Map<string, number>();
  /** Batches in delivery, with the rows each holds. */
  const running = new Map<Promise<void>, { store: Store; seqs: number[] }>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let unsubscribe: (() => void)[] = [];
  let scanning = false;
  let again = false;

  const subscribe = () => {
    for (const off of unsubscribe) off();
    unsubscribe = consumers.map(({ worker, config }) => storage.onMessage(worker.store, config.queue, () => schedule(0)));
  };

  const schedule = (ms: number) => {
    if (stopped) return;
    if (ms === 0) queueMicrotask(() => void scan());
    else {
      clearTimeout(timer);
      timer = setTimeout(() => void scan(), ms);
    }
  };

  const scan = async () => {
    if (stopped) return;
    if (scanning) {
      again = true;
      return;
    }
    scanning = true;
    let wait = POLL_MS;
    try {
      const stores = new Set<Store>(consumers.map((c) => c.worker.store));
      for (const store of stores) await withoutBlocking(store.db, () => storage.releaseDeadLeases(store));
      for (const consumer of consumers) {
        const due = await pumpConsumer(consumer);
        if (due !== undefined) wait = Math.min(wait, Math.max(0, due - Date.now()));
      }
    } catch (error) {
      session.reportError(error);
    } finally {
      scanning = false;
    }
    if (again) {
      again = false;
      return schedule(0);
    }
    schedule(Math.max(wait, 5));
  };

  /** Starts what batches can start now; returns when it wants to look again. */
  const pumpConsumer = async ({ worker, config }: Consumer): Promise<number | undefined> => {
    const loaded = worker.current();
    if (!loaded) return undefined;
    const { store } = worker;
    if (registry.getQueue(store, config.queue)?.settings.delivery_paused) return undefined;
    const batchSize = config.max_batch_size ?? queues.DEFAULT_BATCH_SIZE;
    const timeoutMs = (config.max_batch_timeout ?? queues.DEFAULT_BATCH_TIMEOUT) * 1000;
    const concurrency = Math.max(1, config.max_concurrency ?? 1);
    const key = `${store.dir}\0${config.queue}`;
    for (;;) {
      if ((inFlight.get(key) ?? 0) >= concurrency) return undefined;
      const now = Date.now();
      const ready = storage.readyInfo(store, config.queue, now);
      if (ready.count === 0) return ready.nextVisibleAt ?? undefined;
      // A short batch waits until its oldest message has waited max_batch_timeout.
      if (ready.count < batchSize && ready.oldestVisibleAt! + timeoutMs > now) {
        return Math.min(ready.oldestVisibleAt! + timeoutMs, ready.nextVisibleAt ?? Infinity);
      }
      // Writes wait for another process's lock (a CLI bulk write) without stopping requests.
      const rows = await withoutBlocking(store.db, () => storage.claimBatch(store, config.queue, batchSize, now));
      if (stopped) {
        await withoutBlocking(store.db, () => storage.releaseBatch(store, rows.map((row) => row.seq)));
        return undefined;
      }
      if (rows.length === 0) return undefined;
      inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
      const seqs = rows.map((row) => row.seq);
      const renew = setInterval(
        () => void withoutBlocking(store.db, () => storage.renewLease(store, seqs)).catch((error) => session.reportError(error)),
        storage.LEASE_MS / 3,
      );
      const delivery = queues
        .deliverBatch(store, loaded, rows, {
          queue: config.queue,
          maxAttempts: (config.max_retries ?? queues.DEFAULT_RETRIES) + 1,
          retryDelay: config.retry_delay ?? 0,
          deadLetterQueue: config.dead_letter_queue,
          warn: (message) => session.log("warn", `[wrangler:warn] ${message}`),
        })
        .then((result) => {
          if (result.error !== undefined) session.reportError(result.error, loaded);
          const attempts = (config.max_retries ?? queues.DEFAULT_RETRIES) + 1;
          const s = attempts === 1 ? "" : "s";
          for (const id of result.retried) session.log("debug", `[wrangler:debug] Retrying message "${id}" on queue "${config.queue}"...`);
          for (const id of result.deadLettered) {
            session.log("warn", `[wrangler:warn] Moving message "${id}" on queue "${config.queue}" to dead letter queue "${config.dead_letter_queue}" after ${attempts} failed attempt${s}...`);
          }
          for (const id of result.dropped) {
            session.log("warn", `[wrangler:warn] Dropped message "${id}" on queue "${config.queue}" after ${attempts} failed attempt${s}!`);
          }
          const ratio = `${result.acked}/${result.total}`;
          const colored = paint(result.acked === result.total ? 32 : result.acked > 0 ? 33 : 31, ratio);
          session.log("info", `[wrangler:info] ${color() ? "\x1b[1mQUEUE\x1b[22m" : "QUEUE"} ${config.queue} ${colored}${paint(90, ` (${result.ms}ms)`)}`);
        })
        .catch((error) => session.reportError(error, loaded))
        .finally(() => {
          clearInterval(renew);
          inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
          running.delete(delivery);
          schedule(0);
        });
      running.set(delivery, { store, seqs });
    }
  };

  subscribe();
  schedule(0);
  return {
    reload() {
      consumers = consumersOf();
      subscribe();
      schedule(0);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      for (const off of unsubscribe) off();
      // Batches in hand get a moment to settle (their acks commit). A handler that
      // does not finish must not hold up the shutdown: its messages are handed back
      // untouched, for this or another process to deliver again.
      let grace: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.allSettled([...running.keys()]),
        new Promise((resolve) => (grace = setTimeout(resolve, STOP_GRACE_MS))),
      ]);
      clearTimeout(grace);
      for (const { store, seqs } of running.values()) await withoutBlocking(store.db, () => storage.releaseBatch(store, seqs));
    },
  } satisfies Pump;
};

/**
 * A worker's consumers: its [[queues.consumers]], plus what `queues consumer
 * add <queue> <this worker>` registered locally (the config wins for a queue
 * named in both), as Cloudflare would deliver to a consumer added that way.
 */
function workerConsumers(worker: SessionWorker, registry: Registry): QueueConsumerConfig[] {
  const configured = worker.config.queues?.consumers ?? [];
  if (!worker.name || !worker.storeExists()) return configured;
  const named = new Set(configured.map((c) => c.queue));
  const added = registry.listQueues(worker.store).flatMap((queue) =>
    (queue.settings.consumers ?? [])
      .filter((c) => c.type === "worker" && c.script === worker.name && !named.has(queue.name))
      .map((c) => ({
        queue: queue.name,
        max_batch_size: c.batch_size,
        max_batch_timeout: c.max_wait_time_ms === undefined ? undefined : c.max_wait_time_ms / 1000,
        max_retries: c.max_retries,
        max_concurrency: c.max_concurrency,
        retry_delay: c.retry_delay,
        dead_letter_queue: c.dead_letter_queue,
      })),
  );
  return [...configured, ...added];
}

/**
 * A consumer of a queue nothing produces to: no worker of this session has a
 * producer binding for it, the registry does not know it and no message waits
 * in it. Not an error (another dev process may produce later), but named once.
 */
export function orphanConsumers(session: PumpSession, storage: Storage, registry: Registry): { worker: string; queue: string }[] {
  const workers = session.workers();
  const produced = new Set(workers.flatMap((w) => (w.config.queues?.producers ?? []).map((p) => p.queue)));
  const found: { worker: string; queue: string }[] = [];
  for (const worker of workers) {
    const waiting = new Set(storage.queuesWithMessages(worker.store));
    for (const consumer of worker.config.queues?.consumers ?? []) {
      if (produced.has(consumer.queue) || waiting.has(consumer.queue) || registry.getQueue(worker.store, consumer.queue)) continue;
      found.push({ worker: worker.name ?? "worker", queue: consumer.queue });
    }
  }
  return found;
}

function warnOrphanConsumers(session: PumpSession, storage: Storage, registry: Registry): void {
  for (const { worker, queue } of orphanConsumers(session, storage, registry)) {
    session.log(
      "warn",
      `[wrangler:warn] Worker "${worker}" consumes queue "${queue}" ([[queues.consumers]]), but no worker of this session produces to it and no queue of that name exists in the local store. ` +
        `Add a [[queues.producers]] binding for "${queue}", or create it with "wrangler queues create ${queue}".`,
    );
  }
}
