// Secrets of the local Secrets Store, one implementation for env.<binding>.get()
// and for whatever command manages them (`secrets-store secret ...`).
import { ensureSchema, type Store } from "../../store/index.ts";
import { SECRETS_STORE_MIGRATIONS } from "./schema.ts";

function db(store: Store) {
  ensureSchema(store.db, "secrets_store", SECRETS_STORE_MIGRATIONS);
  return store.db;
}

/** Creates or replaces a secret; returns its id (a dashless UUID, as wrangler's local store makes them). */
export function putSecret(store: Store, storeId: string, name: string, value: string, comment?: string): string {
  const id = crypto.randomUUID().replaceAll("-", "");
  db(store)
    .query(
      `INSERT INTO secrets_store_secrets (store_id, name, id, value, comment, created_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (store_id, name) DO UPDATE SET value = excluded.value, comment = excluded.comment`,
    )
    .run(storeId, name, id, value, comment ?? null, Date.now());
  return (db(store).query("SELECT id FROM secrets_store_secrets WHERE store_id = ? AND name = ?").get(storeId, name) as { id: string }).id;
}

export function getSecret(store: Store, storeId: string, name: string): string | null {
  const row = db(store).query("SELECT value FROM secrets_store_secrets WHERE store_id = ? AND name = ?").get(storeId, name) as { value: string } | null;
  return row?.value ?? null;
}

export function deleteSecret(store: Store, storeId: string, name: string): boolean {
  return db(store).query("DELETE FROM secrets_store_secrets WHERE store_id = ? AND name = ?").run(storeId, name).changes > 0;
}

export function listSecrets(store: Store, storeId?: string): { store_id: string; name: string; id: string; comment: string | null; created_at: number }[] {
  const sql = "SELECT store_id, name, id, comment, created_at FROM secrets_store_secrets" + (storeId === undefined ? "" : " WHERE store_id = ?") + " ORDER BY store_id, name";
  return db(store).query(sql).all(...(storeId === undefined ? [] : [storeId])) as never;
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
