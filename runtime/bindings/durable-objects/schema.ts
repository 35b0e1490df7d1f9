// Durable Objects' table in data.sqlite (component "durable_objects"): alarms.
// Object storage itself is one SQLite file per object under do/.

/** Forward-only: never edit a shipped entry, append a new one. */
export const DURABLE_OBJECT_MIGRATIONS: readonly string[] = [
  `CREATE TABLE do_alarms (
     class_name TEXT NOT NULL,
     object_id TEXT NOT NULL,
     object_name TEXT,
     scheduled_time INTEGER NOT NULL,
     retry_count INTEGER NOT NULL DEFAULT 0,
     PRIMARY KEY (class_name, object_id)
   )`,
  // Which process runs a due alarm, until when: two dev processes on one store fire it once.
  `ALTER TABLE do_alarms ADD COLUMN claimed_by TEXT`,
  `ALTER TABLE do_alarms ADD COLUMN claimed_until INTEGER`,
];
