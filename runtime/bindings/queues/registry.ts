// The local queue registry (the `queues` table of runtime/store/registries.ts):
// what `queues create / update / pause-delivery / consumer add` write, and
// what the producer and consumer pump read (delivery delay, paused delivery).
import type { Store } from "../../store/index.ts";

export interface ConsumerSettings {
  type: "worker" | "http_pull";
  script?: string;
  batch_size?: number;
  max_wait_time_ms?: number;
  max_retries?: number;
  max_concurrency?: number;
  retry_delay?: number;
  visibility_timeout_ms?: number;
  dead_letter_queue?: string;
}

export interface QueueSettings {
  delivery_delay?: number;
  message_retention_period?: number;
  delivery_paused?: boolean;
  consumers?: ConsumerSettings[];
}

export interface QueueRecord {
  id: string;
  name: string;
  settings: QueueSettings;
  created_at: number;
  modified_at: number;
}

export class QueueExistsError extends Error {}

export function listQueues(store: Store): QueueRecord[] {
  const rows = store.db.query("SELECT id, name, settings, created_at FROM queues ORDER BY created_at, name").all() as {
    id: string;
    name: string;
    settings: string;
    created_at: number;
  }[];
  return rows.map(toRecord);
}

function toRecord(row: { id: string; name: string; settings: string; created_at: number }): QueueRecord {
  const settings = JSON.parse(row.settings) as QueueSettings & { modified_at?: number };
  const { modified_at, ...rest } = settings;
  return { id: row.id, name: row.name, settings: rest, created_at: row.created_at, modified_at: modified_at ?? row.created_at };
}

export function getQueue(store: Store, name: string): QueueRecord | undefined {
  const row = store.db.query("SELECT id, name, settings, created_at FROM queues WHERE name = ?").get(name) as
    | { id: string; name: string; settings: string; created_at: number }
    | null;
  return row ? toRecord(row) : undefined;
}

export function createQueue(store: Store, name: string, settings: QueueSettings): QueueRecord {
  if (getQueue(store, name)) throw new QueueExistsError(`A queue named "${name}" already exists.`);
  const id = crypto.randomUUID().replace(/-/g, "");
  const now = Date.now();
  store.db.run("INSERT INTO queues (id, name, settings, created_at) VALUES (?, ?, ?, ?)", [id, name, JSON.stringify(settings), now]);
  return getQueue(store, name)!;
}

/** Merges `change` into a queue's settings (read and write under one write lock). */
export function updateQueue(store: Store, name: string, change: (settings: QueueSettings) => QueueSettings): QueueRecord | undefined {
  return store.db
    .transaction(() => {
      const current = getQueue(store, name);
      if (!current) return undefined;
      const next = { ...change(current.settings), modified_at: Date.now() };
      store.db.run("UPDATE queues SET settings = ? WHERE name = ?", [JSON.stringify(next), name]);
      return getQueue(store, name);
    })
    .immediate();
}

export function deleteQueue(store: Store, name: string): boolean {
  return store.db.run("DELETE FROM queues WHERE name = ?", [name]).changes > 0;
}
