// The "queues" store component: one row per message until its ack commits.
export const QUEUE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE queue_messages (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     id TEXT NOT NULL UNIQUE,
     queue TEXT NOT NULL,
     content_type TEXT NOT NULL,
     body BLOB NOT NULL,
     timestamp INTEGER NOT NULL,
     visible_at INTEGER NOT NULL,
     failed_attempts INTEGER NOT NULL DEFAULT 0,
     lease_owner TEXT,
     lease_until INTEGER
   );
   CREATE INDEX queue_messages_ready ON queue_messages (queue, visible_at);`,
];
