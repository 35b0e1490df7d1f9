// The workflows component of the store: instances, step checkpoints, pending events.
export const WORKFLOWS_SCHEMA = {
  component: "workflows",
  migrations: [
    `CREATE TABLE workflow_instances (
      workflow TEXT NOT NULL, id TEXT NOT NULL,
      status TEXT NOT NULL, params BLOB, trigger TEXT NOT NULL DEFAULT 'binding',
      created_on INTEGER NOT NULL, started_on INTEGER, ended_on INTEGER,
      output BLOB, error TEXT,
      generation INTEGER NOT NULL DEFAULT 0,
      lease_owner TEXT, lease_until INTEGER,
      PRIMARY KEY (workflow, id))`,
    `CREATE TABLE workflow_steps (
      workflow TEXT NOT NULL, instance TEXT NOT NULL, key TEXT NOT NULL,
      seq INTEGER NOT NULL, type TEXT NOT NULL, name TEXT NOT NULL,
      config TEXT, attempts TEXT NOT NULL DEFAULT '[]',
      started_on INTEGER, ended_on INTEGER, wake_at INTEGER,
      done INTEGER NOT NULL DEFAULT 0, value BLOB, error TEXT,
      PRIMARY KEY (workflow, instance, key))`,
    `CREATE TABLE workflow_events (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      workflow TEXT NOT NULL, instance TEXT NOT NULL,
      type TEXT NOT NULL, payload BLOB, timestamp INTEGER NOT NULL, consumed INTEGER NOT NULL DEFAULT 0)`,
    "CREATE INDEX workflow_instances_status ON workflow_instances (status)",
  ],
} as const;
