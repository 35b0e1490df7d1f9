// The local registry of KV namespaces (`kv namespace create / list / delete`),
// standing in for the namespaces wrangler would create on Cloudflare's side.
// The table belongs to the store's registries; this is the only code touching it.
import type { Store } from "../../store/index.ts";
import { deleteNamespaceEntries } from "./storage.ts";

export interface KVNamespaceRecord {
  id: string;
  title: string;
}

export class NamespaceExistsError extends Error {}

/** Ids look like Cloudflare's: 32 lowercase hex digits. */
function newNamespaceId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

export function createNamespace(store: Store, title: string): KVNamespaceRecord {
  const id = newNamespaceId();
  const inserted = store.db
    .query("INSERT INTO kv_namespaces (id, title, created_at) VALUES (?, ?, ?) ON CONFLICT (title) DO NOTHING")
    .run(id, title, Date.now());
  if (inserted.changes === 0) throw new NamespaceExistsError(title);
  return { id, title };
}

/** All namespaces, by title, as `kv namespace list` prints them. */
export function listNamespaces(store: Store): KVNamespaceRecord[] {
  return store.db.query("SELECT id, title FROM kv_namespaces ORDER BY title").all() as KVNamespaceRecord[];
}

export function findNamespaceByTitle(store: Store, title: string): KVNamespaceRecord | null {
  return (store.db.query("SELECT id, title FROM kv_namespaces WHERE title = ?").get(title) as KVNamespaceRecord | null) ?? null;
}

/** Removes the namespace and every key in it, in one transaction. */
export function deleteNamespace(store: Store, id: string): void {
  store.db.transaction(() => {
    deleteNamespaceEntries(store.db, id);
    store.db.query("DELETE FROM kv_namespaces WHERE id = ?").run(id);
  }).immediate();
}

export class NamespaceNotFoundError extends Error {}

export function renameNamespace(store: Store, id: string, title: string): KVNamespaceRecord {
  const existing = findNamespaceByTitle(store, title);
  if (existing && existing.id !== id) throw new NamespaceExistsError(title);
  const updated = store.db.query("UPDATE kv_namespaces SET title = ? WHERE id = ?").run(title, id);
  if (updated.changes === 0) throw new NamespaceNotFoundError(id);
  return { id, title };
}
