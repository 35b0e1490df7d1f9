// `queues.producers` and `queues.consumers` entries of the wrangler config.
export interface QueueProducerConfig {
  binding: string;
  queue: string;
  delivery_delay?: number;
}

export interface QueueConsumerConfig {
  queue: string;
  max_batch_size?: number;
  max_batch_timeout?: number;
  max_retries?: number;
  dead_letter_queue?: string;
  retry_delay?: number;
  max_concurrency?: number | null;
}
