// The local Secrets Store's table in data.sqlite (component "secrets_store").

/** Forward-only: never edit a shipped entry, append a new one. */
export const SECRETS_STORE_MIGRATIONS: readonly string[] = [
  `CREATE TABLE secrets_store_secrets (
     store_id TEXT NOT NULL,
     name TEXT NOT NULL,
     id TEXT NOT NULL,
     value TEXT NOT NULL,
     comment TEXT,
     created_at INTEGER NOT NULL,
     PRIMARY KEY (store_id, name)
   ) WITHOUT ROWID`,
  // What the remote API reports and wrangler's local store forgets: the scopes
  // given at create / update and when a secret last changed.
  `ALTER TABLE secrets_store_secrets ADD COLUMN scopes TEXT NOT NULL DEFAULT ''`,
  `ALTER TABLE secrets_store_secrets ADD COLUMN modified_at INTEGER`,
];
