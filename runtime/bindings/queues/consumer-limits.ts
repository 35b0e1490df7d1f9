// The limits a queue consumer's settings must keep (miniflare rejects the
// same values, with a dump of its options, when wrangler dev starts).
// Bunflare names the consumer and the setting instead, and does not deliver
// to a consumer it cannot honour; its messages stay in the store.
import type { QueueConsumerConfig } from "./config.ts";

const LIMITS: [keyof QueueConsumerConfig, number, number, boolean][] = [
  ["max_batch_size", 1, 100, true],
  ["max_batch_timeout", 0, 60, false],
  ["max_retries", 0, 100, true],
  ["retry_delay", 0, 86_400, true],
  ["max_concurrency", 1, 250, true],
];

/** What `value` of `key` must be ("an integer between 1 and 100") when it is not that; else undefined. */
export function consumerLimitProblem(key: keyof QueueConsumerConfig, value: number): string | undefined {
  const limit = LIMITS.find(([name]) => name === key);
  if (!limit) return undefined;
  const [, min, max, integer] = limit;
  // Written so that NaN (a flag given "abc") is out of range too.
  if (value >= min && value <= max && (!integer || Number.isInteger(value))) return undefined;
  return `${integer ? "an integer" : "a number"} between ${min} and ${max}`;
}

/** One message per setting out of range; empty when the consumer is usable. */
export function consumerLimitErrors(consumer: QueueConsumerConfig, where: string): string[] {
  const errors: string[] = [];
  for (const [key] of LIMITS) {
    const value = consumer[key];
    if (value === undefined || typeof value !== "number") continue;
    const problem = consumerLimitProblem(key, value);
    if (problem) {
      errors.push(
        `${where}: "${key}" must be ${problem}, but got ${value}. Messages for queue "${consumer.queue}" are kept and not delivered until it is fixed.`,
      );
    }
  }
  return errors;
}
