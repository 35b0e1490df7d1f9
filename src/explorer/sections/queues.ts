// Queues: bunflare's addition (wrangler's explorer has no queues view), in
// Cloudflare's v4 shapes where the API has them (POST .../messages).
import type { Store } from "../../../runtime/store/index.ts";
import type { WorkerConfig } from "../../../runtime/config.ts";
import type { QueueConsumerConfig } from "../../../runtime/bindings/queues/config.ts";
import { BAD_REQUEST, displayValue, fail, intParam, jsonBody, messageOf, notFound, ok, resourcesOf, type ExplorerSection, type ExplorerStore, type Found } from "../common.ts";

const QUEUE_NOT_FOUND = 11000;

const bound = (config: WorkerConfig) => (config.queues?.producers ?? []).map((entry) => ({ id: entry.queue, name: entry.queue }));

export const queuesSection: ExplorerSection = {
  prefix: ["queues"],
  operations: [
    { method: "get", path: "/queues", summary: "Queues (produced to, consumed, dead-letter) with message counts and consumer settings", tag: "bunflare", extra: true },
    { method: "get", path: "/queues/{queue_id}", summary: "One queue", tag: "bunflare", extra: true },
    { method: "get", path: "/queues/{queue_id}/messages", summary: "Stored messages: waiting, delayed, retrying (with attempts) or in flight", tag: "bunflare", extra: true, query: { limit: "1-1000" } },
    { method: "post", path: "/queues/{queue_id}/messages", summary: "Send a message as a producer does", tag: "bunflare", extra: true, body: '{ "body": any, "content_type"?: "json" | "text", "delay_seconds"?: number }' },
    { method: "post", path: "/queues/{queue_id}/messages/{message_id}/retry", summary: "Deliver a delayed or backing-off message now", tag: "bunflare", extra: true },
    { method: "post", path: "/queues/{queue_id}/purge", summary: "Delete every message of a queue", tag: "bunflare", extra: true },
  ],
  route: queueRoutes,
};

/** The queues the configs produce to or consume from (dead-letter queues among them), and the registered ones. */
function queueList(stores: readonly ExplorerStore[]): (Found & { consumer?: QueueConsumerConfig })[] {
  const found: (Found & { consumer?: QueueConsumerConfig })[] = resourcesOf("queues.producers", stores, bound);
  const add = (name: string, store: Store) => {
    if (!found.some((item) => item.name === name)) found.push({ id: name, name, store });
  };
  for (const { store, configs } of stores) {
    for (const config of configs ?? []) {
      for (const consumer of config.queues?.consumers ?? []) {
        add(consumer.queue, store);
        if (consumer.dead_letter_queue) add(consumer.dead_letter_queue, store);
        const item = found.find((candidate) => candidate.name === consumer.queue);
        if (item && !item.consumer) item.consumer = consumer;
      }
    }
  }
  return found;
}

async function queueRoutes(request: Request, url: URL, rest: string[], stores: readonly ExplorerStore[]): Promise<Response> {
  const { countMessages, purgeMessages, listMessages, retryMessageNow } = require("../../../runtime/bindings/queues/storage.ts") as typeof import("../../../runtime/bindings/queues/storage.ts");
  const { createQueueProducer, decode } = require("../../../runtime/bindings/queues/index.ts") as typeof import("../../../runtime/bindings/queues/index.ts");
  const found = queueList(stores);
  const shape = (item: (typeof found)[number]) => ({
    queue_id: item.id,
    queue_name: item.name,
    messages: countMessages(item.store, item.name),
    consumer: item.consumer
      ? { max_retries: item.consumer.max_retries ?? 3, dead_letter_queue: item.consumer.dead_letter_queue ?? null, retry_delay: item.consumer.retry_delay ?? 0 }
      : null,
    dead_letter_for: found.filter((other) => other.consumer?.dead_letter_queue === item.name).map((other) => other.name),
  });
  if (rest.length === 0) {
    if (request.method !== "GET") return notFound(request);
    const queues = found.map(shape);
    return ok(queues, { count: queues.length });
  }
  const queue = found.find((item) => item.id === rest[0] || item.name === rest[0]);
  if (!queue) return fail(404, QUEUE_NOT_FOUND, `Queue '${rest[0]}' not found.`);
  if (rest.length === 1 && request.method === "GET") return ok(shape(queue));
  // bunflare's extra: the messages stored for the queue, each with its state and attempts.
  if (rest[1] === "messages" && rest.length === 2 && request.method === "GET") {
    const limit = intParam(url, "limit", [1, 1000]) ?? 100;
    if (limit instanceof Response) return limit;
    const messages = listMessages(queue.store, queue.name, limit).map((message) => {
      let body: unknown;
      try {
        body = decode(message.body, message.content_type);
      } catch {
        body = null;
      }
      if (body instanceof Uint8Array || body instanceof ArrayBuffer) body = Buffer.from(body as Uint8Array).toString("hex");
      else if (message.content_type === "v8") body = displayValue(body).value;
      return {
        id: message.id,
        state: message.state,
        attempts: message.failed_attempts,
        content_type: message.content_type,
        body,
        timestamp: new Date(message.timestamp).toISOString(),
        visible_at: new Date(message.visible_at).toISOString(),
      };
    });
    return ok(messages, { count: messages.length, total_count: countMessages(queue.store, queue.name) });
  }
  // Cloudflare's POST /queues/{id}/messages: { body, content_type? } ("text" or "json"), sent as a producer sends it.
  if (rest[1] === "messages" && rest.length === 2 && request.method === "POST") {
    const body = await jsonBody(request);
    if (body.error) return body.error;
    const message = body.value as { body?: unknown; content_type?: unknown; delay_seconds?: unknown };
    if (!message || typeof message !== "object" || !("body" in message)) return fail(400, BAD_REQUEST, "body: Required");
    try {
      await createQueueProducer({ store: queue.store, queue: queue.name }).send(message.body, {
        contentType: typeof message.content_type === "string" ? message.content_type : "json",
        delaySeconds: typeof message.delay_seconds === "number" ? message.delay_seconds : undefined,
      });
    } catch (error) {
      return fail(400, BAD_REQUEST, messageOf(error));
    }
    return ok(null);
  }
  // bunflare's extra: deliver a delayed or backing-off message now.
  if (rest[1] === "messages" && rest.length === 4 && rest[3] === "retry" && request.method === "POST") {
    if (!retryMessageNow(queue.store, queue.name, rest[2]!)) return fail(404, QUEUE_NOT_FOUND, `Message '${rest[2]}' is not waiting in queue '${queue.name}' (already delivered, or being delivered now).`);
    return ok(null);
  }
  if (rest[1] === "purge" && rest.length === 2 && request.method === "POST") {
    purgeMessages(queue.store, queue.name);
    return ok(shape(queue));
  }
  return notFound(request);
}
