// Secrets of the local Secrets Store, one implementation for env.<binding>.get()
// and for the `secrets-store secret ...` commands. Secrets are named within a
// store and addressed by id from the CLI, as wrangler's local store does.
import { ensureSchema, type Store } from "../../store/index.ts";
import { SECRETS_STORE_MIGRATIONS } from "./schema.ts";

function db(store: Store) {
  ensureSchema(store.db, "secrets_store", SECRETS_STORE_MIGRATIONS);
  return store.db;
}

export interface SecretInfo {
  store_id: string;
  name: string;
  id: string;
  comment: string | null;
  /** Comma-separated, as given on the command line. */
  scopes: string;
  created_at: number;
  modified_at: number;
}

/** Thrown for an id that names no secret of the store (miniflare's words). */
export class SecretNotFoundError extends Error {
  constructor() {
    super("Secret not found");
  }
}

const COLUMNS = "store_id, name, id, comment, scopes, created_at, COALESCE(modified_at, created_at) AS modified_at";

/**
 * Creates a secret, or replaces one of the same name, which then gets a new id
 * (as wrangler's local store: a create is a put under the name). Returns the id.
 * `id` is a dashless UUID unless given (duplicate makes dashed ones, as miniflare).
 */
export function putSecret(
  store: Store,
  storeId: string,
  name: string,
  value: string,
  comment?: string,
  options: { scopes?: string; id?: string } = {},
): string {
  const id = options.id ?? crypto.randomUUID().replaceAll("-", "");
  const now = Date.now();
  db(store)
    .query(
      `INSERT INTO secrets_store_secrets (store_id, name, id, value, comment, scopes, created_at, modified_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (store_id, name) DO UPDATE SET id = excluded.id, value = excluded.value, comment = excluded.comment,
         scopes = excluded.scopes, created_at = excluded.created_at, modified_at = excluded.modified_at`,
    )
    .run(storeId, name, id, value, comment ?? null, options.scopes ?? "", now, now);
  return id;
}

/** The value of the secret named `name`, or null. */
export function getSecret(store: Store, storeId: string, name: string): string | null {
  const row = db(store).query("SELECT value FROM secrets_store_secrets WHERE store_id = ? AND name = ?").get(storeId, name) as { value: string } | null;
  return row?.value ?? null;
}

/** The secret with this id (no value), or a SecretNotFoundError. */
export function secretById(store: Store, storeId: string, id: string): SecretInfo {
  const row = db(store).query(`SELECT ${COLUMNS} FROM secrets_store_secrets WHERE store_id = ? AND id = ?`).get(storeId, id) as SecretInfo | null;
  if (!row) throw new SecretNotFoundError();
  return row;
}

/** Changes what is given of a secret's value, scopes and comment; returns it as it now is. */
export function updateSecret(store: Store, storeId: string, id: string, change: { value?: string; scopes?: string; comment?: string }): SecretInfo {
  const current = secretById(store, storeId, id);
  db(store)
    .query(
      `UPDATE secrets_store_secrets SET value = COALESCE(?, value), scopes = COALESCE(?, scopes), comment = COALESCE(?, comment), modified_at = ?
       WHERE store_id = ? AND id = ?`,
    )
    .run(change.value || null, change.scopes || null, change.comment || null, Date.now(), storeId, current.id);
  return secretById(store, storeId, id);
}

/** Copies a secret's value under a new name (replacing one of that name); returns the new id. */
export function duplicateSecret(store: Store, storeId: string, id: string, name: string, options: { scopes?: string; comment?: string } = {}): string {
  const source = secretById(store, storeId, id);
  const value = getSecret(store, storeId, source.name)!;
  return putSecret(store, storeId, name, value, options.comment, { scopes: options.scopes, id: crypto.randomUUID() });
}

export function deleteSecret(store: Store, storeId: string, name: string): boolean {
  return db(store).query("DELETE FROM secrets_store_secrets WHERE store_id = ? AND name = ?").run(storeId, name).changes > 0;
}

/** Deletes the secret with this id, or a SecretNotFoundError. */
export function deleteSecretById(store: Store, storeId: string, id: string): void {
  if (db(store).query("DELETE FROM secrets_store_secrets WHERE store_id = ? AND id = ?").run(storeId, id).changes === 0) throw new SecretNotFoundError();
}

/** Secrets (no values) by store, then name: the order wrangler lists a store in. */
export function listSecrets(store: Store, storeId?: string): SecretInfo[] {
  const sql = `SELECT ${COLUMNS} FROM secrets_store_secrets` + (storeId === undefined ? "" : " WHERE store_id = ?") + " ORDER BY store_id, name";
  return db(store).query(sql).all(...(storeId === undefined ? [] : [storeId])) as SecretInfo[];
}

/** env.<binding>: `get()` reads the value at call time, so a secret set meanwhile is seen. */
export function createSecretsStoreSecret(store: () => Store, storeId: string, name: string) {
  return {
    async get(): Promise<string> {
      const value = getSecret(store(), storeId, name);
      if (value === null) throw new Error(`Secret "${name}" not found`);
      return value;
    },
  };
}
