// The dev registry: how separate `bunflare dev` processes find each other, as
// wrangler's does. Each running session records its workers (name, address,
// entrypoints, Durable Object classes, pid) in one SQLite database opened with
// the store's own settings and versioned by ensureSchema ("dev_registry").
//
// It lives beside no project: two dev processes of a monorepo each have their own
// `.bunflare/` beside their config, yet must meet, as wrangler's registry under
// ~/.wrangler does. So it is `registry.sqlite` under $BUNFLARE_REGISTRY_PATH, else
// ~/.bunflare/registry.
//
// Two sessions may run the same worker name: the last to start serves other
// processes' calls, and when it stops the earlier one does again (wrangler's
// registry forgets the earlier one; bunflare keeps one row per session and
// warns at start that the name is already taken).
//
// A session killed with -9 leaves its rows behind: an entry whose pid is gone
// is ignored (and deleted by the next writer); a pid that lives on but no longer
// serves (reused) is caught by the caller's failed connect, answered as "not found".
import type { Database } from "bun:sqlite";
import { existsSync, mkdirSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";
import { ensureSchema, openSqlite } from "../store/index.ts";
import { processAlive } from "../processes.ts";

export interface RegistryEntry {
  /** The worker's name. */
  name: string;
  /** Base URL of the dev server that runs it (its internal routes are under it). */
  url: string;
  pid: number;
  /** Exported names of the worker (entrypoints and classes). */
  entrypoints: string[];
  /** Durable Object classes the worker defines (bindings without script_name). */
  durableObjects: string[];
}

export const DEV_REGISTRY_MIGRATIONS = [
  `CREATE TABLE dev_workers (
    name TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    pid INTEGER NOT NULL,
    entrypoints TEXT NOT NULL DEFAULT '[]',
    durable_objects TEXT NOT NULL DEFAULT '[]',
    updated_at INTEGER NOT NULL
  )`,
  // One row per (name, session): claimed_at orders the claims, the newest live one serves.
  `CREATE TABLE dev_workers_by_session (
    name TEXT NOT NULL,
    pid INTEGER NOT NULL,
    url TEXT NOT NULL,
    entrypoints TEXT NOT NULL DEFAULT '[]',
    durable_objects TEXT NOT NULL DEFAULT '[]',
    claimed_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (name, pid)
  );
  INSERT INTO dev_workers_by_session SELECT name, pid, url, entrypoints, durable_objects, updated_at, updated_at FROM dev_workers;
  DROP TABLE dev_workers;
  ALTER TABLE dev_workers_by_session RENAME TO dev_workers;`,
] as const;

export function registryDir(): string {
  return process.env.BUNFLARE_REGISTRY_PATH ?? path.join(homedir(), ".bunflare", "registry");
}

// One handle per directory for the life of the process: lookups run per call.
const handles = new Map<string, Database | null>();

function db(): Database | undefined {
  const dir = registryDir();
  let handle = handles.get(dir);
  if (handle === undefined) {
    try {
      mkdirSync(dir, { recursive: true });
      handle = openSqlite(path.join(dir, "registry.sqlite"));
      ensureSchema(handle, "dev_registry", DEV_REGISTRY_MIGRATIONS);
    } catch {
      // A read-only home only costs other processes the ability to find this one.
      handle = null;
    }
    handles.set(dir, handle);
  }
  return handle ?? undefined;
}

/**
 * Records (or refreshes, on a reload) a worker of this process. Returns the
 * live session that served the name until now, when another one did: the
 * caller warns that calls from other processes now come here.
 */
export function registerWorker(entry: Omit<RegistryEntry, "pid">): RegistryEntry | undefined {
  const handle = db();
  if (!handle) return undefined;
  try {
    pruneDead(handle);
    const previous = lookupWorker(entry.name);
    const now = Date.now();
    handle
      .query(
        `INSERT INTO dev_workers (name, pid, url, entrypoints, durable_objects, claimed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (name, pid) DO UPDATE SET url = excluded.url, entrypoints = excluded.entrypoints,
           durable_objects = excluded.durable_objects, updated_at = excluded.updated_at`,
      )
      .run(entry.name, process.pid, entry.url, JSON.stringify(entry.entrypoints), JSON.stringify(entry.durableObjects), now, now);
    return previous && previous.pid !== process.pid ? previous : undefined;
  } catch {
    // As above: registration is best effort, the session serves regardless.
    return undefined;
  }
}

/** Removes this process's claim on `name`; an earlier session still running it serves it again. */
export function unregisterWorker(name: string): void {
  try {
    db()?.query("DELETE FROM dev_workers WHERE name = ? AND pid = ?").run(name, process.pid);
  } catch {}
}

/**
 * Opens the registry now if it exists (a dev start does while esbuild builds), so
 * registering after listen is only the write. A start that fails creates none.
 */
export function openRegistry(): void {
  if (existsSync(path.join(registryDir(), "registry.sqlite"))) db();
}

// Here rather than with the RPC wire (remote.ts): a dev start sets it without loading that.
let ownAddress: string | undefined;

/** The address other processes call back on (this dev server's); without one, functions cannot be sent. */
export function setRpcAddress(url: string | undefined): void {
  ownAddress = url;
}

export const rpcAddress = (): string | undefined => ownAddress;

function pruneDead(handle: Database): void {
  const rows = handle.query("SELECT name, pid FROM dev_workers").all() as { name: string; pid: number }[];
  for (const row of rows) {
    if (!processAlive(row.pid)) handle.query("DELETE FROM dev_workers WHERE name = ? AND pid = ?").run(row.name, row.pid);
  }
}

/** The running dev session of worker `name` (the last one started, of those still alive). */
/**
 * Whether the bindings table shows `name` as "[connected]": it runs in another dev process.
 * The table is printed before this session's own workers start, so they never count.
 */
export function connectedElsewhere(name: string, inSession: (name: string) => boolean): boolean {
  return !inSession(name) && lookupWorker(name) !== undefined;
}

export function lookupWorker(name: string): RegistryEntry | undefined {
  let rows: { name: string; url: string; pid: number; entrypoints: string; durable_objects: string }[];
  try {
    rows = (db()?.query("SELECT name, url, pid, entrypoints, durable_objects FROM dev_workers WHERE name = ? ORDER BY claimed_at DESC, rowid DESC").all(name) ?? []) as typeof rows;
  } catch {
    return undefined;
  }
  const row = rows.find((candidate) => processAlive(candidate.pid));
  if (!row) return undefined;
  return {
    name: row.name,
    url: row.url,
    pid: row.pid,
    entrypoints: JSON.parse(row.entrypoints) as string[],
    durableObjects: JSON.parse(row.durable_objects) as string[],
  };
}

/** Wrangler's words (miniflare's dev-registry proxy) for a binding to a worker no session runs. */
export const workerNotFound = (name: string) => `Worker "${name}" not found. Make sure it is running locally.`;

/** Header carrying the URL the caller asked for, so the callee's worker sees it unchanged. */
export const ORIGINAL_URL_HEADER = "x-bunflare-original-url";
/**
 * Header listing the names of the caller's request headers: the callee drops the ones the
 * hop itself added (Bun's fetch adds accept, connection, host, user-agent), so its worker sees
 * the request's headers as the caller made them, as a binding call within workerd does.
 */
export const HEADER_NAMES_HEADER = "x-bunflare-header-names";
/** Header naming what a cross-process request is for (JSON: worker, entrypoint, or class and id). */
export const TARGET_HEADER = "x-bunflare-target";
/** Header of a forwarded fetch whose worker threw: the error's name and message, for the caller to rethrow. */
export const ERROR_HEADER = "x-bunflare-error";
/** Path of cross-process RPC calls on a dev server. */
export const RPC_PATH = "/cdn-cgi/bunflare/rpc";
