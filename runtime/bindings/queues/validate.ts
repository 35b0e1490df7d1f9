// The `queues` config table checked in wrangler's words: producers (bindings)
// and consumers (this worker consuming a queue). validateQueuesConfig fits a
// descriptor's validateSection; validateQueueProducer its per-entry validate.
import type { Diagnostics } from "../../diagnostics.ts";
import type { SectionCheck } from "../descriptor.ts";
import { hasUnknown, isObject, isStr, json, requireString, warnUnknown, type ConfigEntry } from "../config-checks.ts";

const PRODUCER_FIELDS = ["binding", "queue", "delivery_delay", "remote"];

const CONSUMER_OPTIONS: [string, string][] = [
  ["type", "string"],
  ["max_batch_size", "number"],
  ["max_batch_timeout", "number"],
  ["max_retries", "number"],
  ["dead_letter_queue", "string"],
  ["max_concurrency", "number"],
  ["visibility_timeout_ms", "number"],
  ["retry_delay", "number"],
];

/** One `queues.producers` entry. Wrangler skips the other checks of an entry with unknown fields. */
export function validateQueueProducer(d: Diagnostics, field: string, value: ConfigEntry): void {
  if (hasUnknown(value, PRODUCER_FIELDS)) {
    warnUnknown(d, field, value, PRODUCER_FIELDS);
    return;
  }
  requireString(d, field, value, "binding");
  if (!isStr(value.queue) || value.queue === "") {
    d.errors.push(`"${field}" bindings should have a string "queue" field but got ${json(value)}.`);
  }
  if (value.delivery_delay !== undefined && typeof value.delivery_delay !== "number") {
    d.errors.push(`"${field}" should, optionally, have a number "delivery_delay" field but got ${json(value)}.`);
  }
}

export const queueProducerNotObject = (_field: string, value: unknown) => `"queue" bindings should be objects, but got ${json(value)}`;

/** One `queues.consumers` entry. */
export function validateQueueConsumer(d: Diagnostics, field: string, consumer: unknown): void {
  if (!isObject(consumer)) {
    d.errors.push(`"${field}" should be a objects, but got ${json(consumer)}`);
    return;
  }
  warnUnknown(d, field, consumer, ["queue", ...CONSUMER_OPTIONS.map(([key]) => key)]);
  if (!isStr(consumer.queue)) d.errors.push(`"${field}" should have a string "queue" field but got ${json(consumer)}.`);
  if (consumer.type !== undefined && consumer.type !== "worker") {
    d.errors.push(
      `"${field}.type" has an invalid value "${consumer.type}". Only "worker" consumers can be configured in your Wrangler configuration.`,
    );
  }
  for (const [key, type] of CONSUMER_OPTIONS) {
    if (consumer[key] !== undefined && typeof consumer[key] !== type) {
      d.errors.push(`"${field}" should, optionally, have a ${type} "${key}" field but got ${json(consumer)}.`);
    }
  }
}

/**
 * The whole `queues` table of one section: consumers, then producers. Unlike the
 * other binding lists, wrangler does not warn about producers missing from an environment.
 */
export function validateQueuesConfig({ d, prefix, value }: SectionCheck): void {
  if (!isObject(value)) return;
  const fieldPath = `${prefix}queues`;
  warnUnknown(d, fieldPath, value, ["consumers", "producers"]);
  if (value.consumers !== undefined) {
    if (!Array.isArray(value.consumers)) {
      d.errors.push(`The field "${fieldPath}.consumers" should be an array but got ${json(value.consumers)}.`);
    } else {
      value.consumers.forEach((consumer: unknown, index: number) => validateQueueConsumer(d, `${fieldPath}.consumers[${index}]`, consumer));
    }
  }
  if (value.producers === undefined) return;
  const producersPath = `${fieldPath}.producers`;
  if (!Array.isArray(value.producers)) {
    d.errors.push(`The field "${producersPath}" should be an array but got ${json(value.producers)}.`);
    return;
  }
  value.producers.forEach((producer: unknown, index: number) => {
    const field = `${producersPath}[${index}]`;
    if (!isObject(producer)) d.errors.push(queueProducerNotObject(field, producer));
    else validateQueueProducer(d, field, producer);
  });
}
