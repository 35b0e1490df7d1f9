// The local registry of D1 databases (`d1 create / list / info / delete`),
// standing in for the databases wrangler would create on Cloudflare's side.
import { existsSync, rmSync, statSync } from "node:fs";
import type { Store } from "../../store/index.ts";
import { closeD1Engines } from "./index.ts";

export interface D1DatabaseRecord {
  uuid: string;
  name: string;
  location: string | null;
  created_at: number;
}

export function createDatabaseRecord(store: Store, name: string, location?: string): D1DatabaseRecord {
  if (findDatabaseRecord(store, name)) throw new Error("A database with that name already exists");
  const record: D1DatabaseRecord = { uuid: crypto.randomUUID(), name, location: location ?? null, created_at: Date.now() };
  store.db
    .query("INSERT INTO d1_databases (uuid, name, location, created_at) VALUES (?, ?, ?, ?)")
    .run(record.uuid, record.name, record.location, record.created_at);
  return record;
}

export function listDatabaseRecords(store: Store): D1DatabaseRecord[] {
  return store.db.query("SELECT uuid, name, location, created_at FROM d1_databases ORDER BY created_at, name").all() as D1DatabaseRecord[];
}

/** By name or uuid. */
export function findDatabaseRecord(store: Store, nameOrId: string): D1DatabaseRecord | null {
  return (store.db
    .query("SELECT uuid, name, location, created_at FROM d1_databases WHERE name = ? OR uuid = ?")
    .get(nameOrId, nameOrId) as D1DatabaseRecord | null) ?? null;
}

/** Removes the registry entry and the database's file (with its WAL and shared-memory files). */
export function deleteDatabase(store: Store, uuid: string): void {
  const file = store.d1Path(uuid);
  closeD1Engines(store, file);
  store.db.query("DELETE FROM d1_databases WHERE uuid = ?").run(uuid);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
}

export function databaseFileSize(store: Store, uuid: string): number {
  const file = store.d1Path(uuid);
  let size = 0;
  for (const suffix of ["", "-wal"]) if (existsSync(file + suffix)) size += statSync(file + suffix).size;
  return size;
}
