// env.QUEUE (the producer) and the delivery of one batch to a consumer, as
// workerd and miniflare do them: content types text / json / bytes / v8,
// the runtime's size and delay limits and error texts, MessageBatch with
// ack / retry / ackAll / retryAll and their precedence rules.
import { deserialize, serialize } from "bun:jsc";
import type { Store } from "../../store/index.ts";
import type { LoadedWorker } from "../../host/index.ts";
import { getQueue } from "./registry.ts";
import { withoutBlocking } from "../../store/lock.ts";
import { backlogMetrics, insertMessages, settleBatch, type ContentType, type NewMessage, type Settled, type StoredMessage } from "./storage.ts";

export const MAX_MESSAGE_SIZE_BYTES = 128_000;
export const MAX_BATCH_COUNT = 100;
export const MAX_BATCH_SIZE_BYTES = 256_000;
// 24 hours, as miniflare and `queues create --delivery-delay-secs` allow.
export const MAX_DELAY_SECONDS = 86_400;
export const DEFAULT_BATCH_SIZE = 5;
export const DEFAULT_BATCH_TIMEOUT = 1;
export const DEFAULT_RETRIES = 2;

const CONTENT_TYPES = new Set(["text", "json", "bytes", "v8"]);

function contentTypeOf(value: unknown): ContentType {
  if (value === undefined) return "v8";
  const lower = String(value).toLowerCase();
  if (!CONTENT_TYPES.has(lower)) throw new TypeError(`Unsupported queue message content type: ${value}`);
  return lower as ContentType;
}

function encode(body: unknown, type: ContentType): Uint8Array {
  if (body === undefined) throw new TypeError("Message body cannot be undefined");
  switch (type) {
    case "text":
      if (typeof body !== "string") {
        throw new TypeError(`Content Type "text" requires a value of type string, but received: ${typeof body}`);
      }
      return new TextEncoder().encode(body);
    case "bytes":
      if (!ArrayBuffer.isView(body)) {
        throw new TypeError(`Content Type "bytes" requires a value of type ArrayBufferView, but received: ${typeof body}`);
      }
      return new Uint8Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
    case "json":
      return new TextEncoder().encode(JSON.stringify(body));
    case "v8":
      return new Uint8Array(serialize(body));
  }
}

export function decode(body: Uint8Array, type: ContentType): unknown {
  switch (type) {
    case "text":
      return new TextDecoder().decode(body);
    case "bytes":
      return body.slice().buffer;
    case "json":
      return JSON.parse(new TextDecoder().decode(body));
    case "v8":
      return deserialize(body.slice().buffer);
  }
}

function delayOf(value: unknown, fallback: number, verb: string): number {
  if (value === undefined) return fallback;
  const delay = Number(value);
  if (!Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_SECONDS) {
    throw new Error(`Queue ${verb} failed: message delay ${value} is invalid: must be an integer between 0 and ${MAX_DELAY_SECONDS} seconds`);
  }
  return delay;
}

export interface QueueProducerOptions {
  store: Store;
  queue: string;
  /** `delivery_delay` of the producer binding. */
  deliveryDelay?: number;
}

/** What a producer binding reports as its type, as the runtime's does (constructor.name, toString, RPC's DataCloneError). */
class WorkerQueue {
  get [Symbol.toStringTag](): string {
    return "WorkerQueue";
  }
}

export function createQueueProducer(options: QueueProducerOptions) {
  const { store, queue } = options;
  // The binding's delivery_delay, else the queue's own (`queues create --delivery-delay-secs`).
  const defaultDelay = () => options.deliveryDelay ?? getQueue(store, queue)?.settings.delivery_delay ?? 0;
  // What send() and sendBatch() resolve to: the backlog as it was before the messages went in, as the runtime reports it.
  const enqueue = (messages: NewMessage[]) =>
    withoutBlocking(store.db, () => {
      const metrics = backlogMetrics(store, queue);
      insertMessages(store, queue, messages);
      return { metadata: { metrics } };
    });
  const producer = {
    async send(body: unknown, sendOptions: { contentType?: string; delaySeconds?: number } = {}) {
      const contentType = contentTypeOf(sendOptions?.contentType);
      const bytes = encode(body, contentType);
      if (bytes.byteLength > MAX_MESSAGE_SIZE_BYTES) {
        throw new Error(`Queue send failed: message length of ${bytes.byteLength} bytes exceeds limit of ${MAX_MESSAGE_SIZE_BYTES}`);
      }
      const delaySeconds = delayOf(sendOptions?.delaySeconds, defaultDelay(), "send");
      return enqueue([{ contentType, body: bytes, delaySeconds }]);
    },
    async sendBatch(
      messages: Iterable<{ body: unknown; contentType?: string; delaySeconds?: number }>,
      batchOptions: { delaySeconds?: number } = {},
    ) {
      if (typeof messages !== "object" || messages === null || typeof (messages as Iterable<unknown>)[Symbol.iterator] !== "function") {
        throw new TypeError("Failed to execute 'sendBatch' on 'WorkerQueue': parameter 1 is not of type 'Sequence'.");
      }
      const list = [...messages];
      if (list.length === 0) throw new TypeError("sendBatch() requires at least one message");
      const batchDelay = delayOf(batchOptions?.delaySeconds, defaultDelay(), "sendBatch");
      const encoded: NewMessage[] = list.map((message) => {
        const contentType = contentTypeOf(message.contentType);
        return { contentType, body: encode(message.body, contentType), delaySeconds: delayOf(message.delaySeconds, batchDelay, "sendBatch") };
      });
      if (encoded.length > MAX_BATCH_COUNT) {
        throw new Error(`Queue sendBatch failed: batch message count of ${encoded.length} exceeds limit of ${MAX_BATCH_COUNT}`);
      }
      const largest = Math.max(...encoded.map((m) => m.body.byteLength));
      if (largest > MAX_MESSAGE_SIZE_BYTES) {
        throw new Error(
          `Queue sendBatch failed: message in batch has length ${largest} bytes which exceeds single message size limit of ${MAX_MESSAGE_SIZE_BYTES}`,
        );
      }
      const total = encoded.reduce((sum, m) => sum + m.body.byteLength, 0);
      if (total > MAX_BATCH_SIZE_BYTES) {
        throw new Error(`Queue sendBatch failed: batch size of ${total} bytes exceeds limit of ${MAX_BATCH_SIZE_BYTES}`);
      }
      return enqueue(encoded);
    },
    async metrics() {
      return withoutBlocking(store.db, () => backlogMetrics(store, queue));
    },
  };
  // Of its own class: a plain object would be copied by RPC (its methods as stubs), where workerd refuses it.
  return Object.setPrototypeOf(producer, WorkerQueue.prototype) as typeof producer;
}

export interface ConsumerOptions {
  queue: string;
  maxAttempts: number;
  retryDelay: number;
  deadLetterQueue?: string;
  /** A warning the runtime logs (e.g. ack() after retry()). */
  warn(message: string): void;
}

export interface DeliveryResult extends Settled {
  total: number;
  acked: number;
  /** The handler's error, when it threw. */
  error?: unknown;
  ms: number;
}

/**
 * Delivers one leased batch to `worker.queue(batch, env, ctx)` and commits the
 * outcome: implicit ack on success, retry of every un-acked message when the
 * handler throws, explicit ack()/retry() win over the batch's outcome.
 */
export async function deliverBatch(store: Store, worker: LoadedWorker, rows: StoredMessage[], options: ConsumerOptions): Promise<DeliveryResult> {
  const acks = new Set<string>();
  const retries = new Map<string, number | undefined>();
  let ackAll = false;
  let retryAll: { delaySeconds?: number } | undefined;
  const messages = rows.map((row) => {
    const body = decode(row.body, row.content_type);
    return Object.freeze({
      id: row.id,
      timestamp: new Date(row.timestamp),
      body,
      attempts: row.failed_attempts + 1,
      ack() {
        if (ackAll) return;
        if (retryAll) {
          return options.warn(
            `Received a call to ack() on message ${row.id} after retryAll() was already called. Calling ack() on a message after calling retryAll() has no effect.`,
          );
        }
        if (retries.has(row.id)) {
          return options.warn(
            `Received a call to ack() on message ${row.id} after retry() was already called. Calling ack() on a message after calling retry() has no effect.`,
          );
        }
        acks.add(row.id);
      },
      retry(retryOptions?: { delaySeconds?: number }) {
        if (retryAll) return;
        if (ackAll) {
          return options.warn(
            `Received a call to retry() on message ${row.id} after ackAll() was already called. Calling retry() on a message after calling ackAll() has no effect.`,
          );
        }
        if (acks.has(row.id)) {
          return options.warn(
            `Received a call to retry() on message ${row.id} after ack() was already called. Calling retry() on a message after calling ack() has no effect.`,
          );
        }
        const delay = retryOptions?.delaySeconds;
        if (delay !== undefined) delayOf(delay, 0, "retry");
        retries.set(row.id, delay);
      },
    });
  });
  const batch = Object.freeze({
    queue: options.queue,
    messages: Object.freeze(messages),
    ackAll() {
      if (retryAll) {
        return options.warn(
          "Received a call to ackAll() after retryAll() was already called. Calling ackAll() after calling retryAll() has no effect.",
        );
      }
      ackAll = true;
    },
    retryAll(retryOptions?: { delaySeconds?: number }) {
      if (ackAll) {
        return options.warn(
          "Received a call to retryAll() after ackAll() was already called. Calling retryAll() after calling ackAll() has no effect.",
        );
      }
      delayOf(retryOptions?.delaySeconds, 0, "retryAll");
      retryAll = { delaySeconds: retryOptions?.delaySeconds };
    },
  });

  const started = Date.now();
  let error: unknown;
  let failed = false;
  try {
    await worker.dispatch("queue", batch);
  } catch (caught) {
    error = caught;
    failed = true;
  }
  const ms = Date.now() - started;
  const outcome = { acked: [] as string[], retried: [] as { id: string; delaySeconds: number }[] };
  const batchDelay = retryAll?.delaySeconds ?? options.retryDelay;
  for (const row of rows) {
    // Explicit acks stand even when the handler throws; everything else is retried then.
    const retry = retries.has(row.id) || (!acks.has(row.id) && !ackAll && (failed || retryAll !== undefined));
    if (retry && !acks.has(row.id)) outcome.retried.push({ id: row.id, delaySeconds: retries.get(row.id) ?? batchDelay });
    else outcome.acked.push(row.id);
  }
  const settled = await withoutBlocking(store.db, () =>
    settleBatch(store, outcome, { maxAttempts: options.maxAttempts, deadLetterQueue: options.deadLetterQueue }),
  );
  return { ...settled, total: rows.length, acked: outcome.acked.length, error, ms };
}
