// Workflow instances, their step checkpoints and their pending events, in the
// store. The binding (env.WF), the engine, the dev pump and `bunflare
// workflows ...` all read and write through this module, so a CLI command and
// a running dev server never disagree.
import { serialize, deserialize } from "node:v8";
import type { Database } from "bun:sqlite";
import { ensureSchema, type Store } from "../../store/index.ts";
import { WORKFLOWS_SCHEMA } from "./schema.ts";

export { WORKFLOWS_SCHEMA };

export const STATUS_NAMES = [
  "queued",
  "running",
  "paused",
  "errored",
  "terminated",
  "complete",
  "waiting",
  "waitingForPause",
  "unknown",
] as const;
export type InstanceStatusName = (typeof STATUS_NAMES)[number];
/** States an engine still has work in. */
export const LIVE_STATUSES = ["queued", "running", "waiting", "waitingForPause"] as const;
const FINAL = new Set(["errored", "terminated", "complete"]);

export interface InstanceRow {
  workflow: string;
  id: string;
  status: InstanceStatusName;
  params: Uint8Array | null;
  trigger: string;
  created_on: number;
  started_on: number | null;
  ended_on: number | null;
  output: Uint8Array | null;
  error: string | null;
  generation: number;
  lease_owner: string | null;
  lease_until: number | null;
}

export interface StepRow {
  workflow: string;
  instance: string;
  key: string;
  seq: number;
  type: "step" | "sleep" | "waitForEvent";
  name: string;
  config: string | null;
  attempts: string;
  started_on: number | null;
  ended_on: number | null;
  wake_at: number | null;
  done: number;
  value: Uint8Array | null;
  error: string | null;
}

export interface Attempt {
  start: number;
  end: number | null;
  success: boolean | null;
  error: { name: string; message: string } | null;
}

export function db(store: Store): Database {
  ensureSchema(store.db, WORKFLOWS_SCHEMA.component, WORKFLOWS_SCHEMA.migrations);
  return store.db;
}

/** Values cross the store as the runtime stores them: v8 structured clone. */
export function encode(value: unknown): Uint8Array {
  return serialize(value);
}
export function decode(bytes: Uint8Array | null): unknown {
  return bytes == null ? undefined : deserialize(bytes);
}

/** An instance id as the runtime accepts it. */
export const INSTANCE_ID = /^[a-zA-Z0-9_][a-zA-Z0-9-_]*$/;
export const MAX_INSTANCE_ID_LENGTH = 100;

export class InstanceExistsError extends Error {}
export class InstanceNotFoundError extends Error {}

/** In-process listeners told when an instance becomes runnable (the dev pump). */
const wakers = new Set<(workflow: string) => void>();
export function onRunnable(listener: (workflow: string) => void): () => void {
  wakers.add(listener);
  return () => wakers.delete(listener);
}
export function notifyRunnable(workflow: string): void {
  for (const wake of wakers) wake(workflow);
}

export function insertInstance(
  store: Store,
  workflow: string,
  id: string,
  params: unknown,
  trigger: "binding" | "api",
): void {
  const bytes = encode(params ?? {});
  const d = db(store);
  d.transaction(() => {
    const existing = d.query("SELECT 1 FROM workflow_instances WHERE workflow = ? AND id = ?").get(workflow, id);
    if (existing) throw new InstanceExistsError(`instance.already_exists`);
    d.query(
      "INSERT INTO workflow_instances (workflow, id, status, params, trigger, created_on) VALUES (?, ?, 'queued', ?, ?, ?)",
    ).run(workflow, id, bytes, trigger, Date.now());
  }).immediate();
  notifyRunnable(workflow);
}

export function getInstance(store: Store, workflow: string, id: string): InstanceRow | undefined {
  return (db(store).query("SELECT * FROM workflow_instances WHERE workflow = ? AND id = ?").get(workflow, id) as InstanceRow | null) ?? undefined;
}

export function requireInstance(store: Store, workflow: string, id: string): InstanceRow {
  const row = getInstance(store, workflow, id);
  if (!row) throw new InstanceNotFoundError("instance.not_found");
  return row;
}

export function listInstances(store: Store, workflow: string): InstanceRow[] {
  return db(store)
    .query("SELECT * FROM workflow_instances WHERE workflow = ? ORDER BY created_on DESC, rowid DESC")
    .all(workflow) as InstanceRow[];
}

export function workflowNamesInStore(store: Store): string[] {
  return (db(store).query("SELECT DISTINCT workflow FROM workflow_instances ORDER BY workflow").all() as { workflow: string }[]).map(
    (row) => row.workflow,
  );
}

export function statusCounts(store: Store, workflow: string): Record<string, number> {
  const counts: Record<string, number> = {
    complete: 0,
    errored: 0,
    paused: 0,
    queued: 0,
    running: 0,
    terminated: 0,
    waiting: 0,
    waitingForPause: 0,
  };
  for (const row of db(store).query("SELECT status, count(*) AS n FROM workflow_instances WHERE workflow = ? GROUP BY status").all(workflow) as {
    status: string;
    n: number;
  }[]) {
    counts[row.status] = row.n;
  }
  return counts;
}

export function listSteps(store: Store, workflow: string, id: string): StepRow[] {
  return db(store).query("SELECT * FROM workflow_steps WHERE workflow = ? AND instance = ? ORDER BY seq").all(workflow, id) as StepRow[];
}

/** Deletes every instance of a workflow (with its steps and events). */
export function deleteWorkflowInstances(store: Store, workflow: string): void {
  const d = db(store);
  d.transaction(() => {
    d.query("DELETE FROM workflow_steps WHERE workflow = ?").run(workflow);
    d.query("DELETE FROM workflow_events WHERE workflow = ?").run(workflow);
    d.query("DELETE FROM workflow_instances WHERE workflow = ?").run(workflow);
  }).immediate();
}

export type Action = "pause" | "resume" | "terminate" | "restart";

/**
 * pause / resume / terminate / restart, as the runtime's instance methods do.
 * A running engine sees the change at its next step boundary (or while it
 * waits) and stops; restart bumps the generation so an old engine's late
 * writes are refused.
 */
export function applyAction(store: Store, workflow: string, id: string, action: Action): void {
  const d = db(store);
  d.transaction(() => {
    const row = requireInstance(store, workflow, id);
    const now = Date.now();
    const set = (sql: string, ...values: (string | number | null)[]) =>
      d.query(`UPDATE workflow_instances SET ${sql} WHERE workflow = ? AND id = ?`).run(...values, workflow, id);
    switch (action) {
      case "pause":
        if (FINAL.has(row.status)) throw new Error(`Cannot pause instance "${id}": it has already finished (status "${row.status}").`);
        if (row.status === "queued") set("status = 'paused'");
        else if (row.status !== "paused") set("status = 'waitingForPause'");
        break;
      case "resume":
        if (row.status === "paused") set("status = 'queued', lease_owner = NULL, lease_until = NULL");
        else if (row.status === "waitingForPause") set("status = 'running'");
        else throw new Error(`Cannot resume instance "${id}": it is not paused (status "${row.status}").`);
        break;
      case "terminate":
        if (FINAL.has(row.status)) throw new Error(`Cannot terminate instance "${id}": it has already finished (status "${row.status}").`);
        set("status = 'terminated', ended_on = ?, lease_owner = NULL, lease_until = NULL", now);
        break;
      case "restart":
        d.query("DELETE FROM workflow_steps WHERE workflow = ? AND instance = ?").run(workflow, id);
        d.query("DELETE FROM workflow_events WHERE workflow = ? AND instance = ?").run(workflow, id);
        set(
          "status = 'queued', generation = generation + 1, started_on = NULL, ended_on = NULL, output = NULL, error = NULL, lease_owner = NULL, lease_until = NULL",
        );
        break;
    }
  }).immediate();
  if (action === "resume" || action === "restart") notifyRunnable(workflow);
}

export function sendEvent(store: Store, workflow: string, id: string, type: string, payload: unknown): void {
  const bytes = encode(payload);
  const d = db(store);
  d.transaction(() => {
    const row = requireInstance(store, workflow, id);
    if (FINAL.has(row.status)) throw new Error(`Cannot send an event to instance "${id}": it has already finished (status "${row.status}").`);
    d.query("INSERT INTO workflow_events (workflow, instance, type, payload, timestamp) VALUES (?, ?, ?, ?, ?)").run(
      workflow,
      id,
      type,
      bytes,
      Date.now(),
    );
  }).immediate();
  notifyRunnable(workflow);
}

/**
 * `instance.status()` as local workerd shapes it: `{ status, __LOCAL_DEV_STEP_OUTPUTS,
 * output, error? }`, with the outputs of the finished `step.do` calls in order and
 * `output` null until the instance completes.
 */
export function statusOf(store: Store, row: InstanceRow): Record<string, unknown> {
  const outputs = (
    db(store)
      .query("SELECT value FROM workflow_steps WHERE workflow = ? AND instance = ? AND type = 'step' AND done = 1 ORDER BY seq")
      .all(row.workflow, row.id) as { value: Uint8Array }[]
  ).map((step) => decode(step.value));
  const result: Record<string, unknown> = { status: row.status, __LOCAL_DEV_STEP_OUTPUTS: outputs };
  result.output = row.status === "complete" ? decode(row.output) : null;
  if (row.error) result.error = JSON.parse(row.error);
  return result;
}

// --- Leases: one engine per instance across every process on the store ---

/** This process's lease token; the pid lets a new process take over from a dead one at once. */
export const LEASE_OWNER = `${process.pid}:${crypto.randomUUID()}`;
export const LEASE_MS = 30_000;

function ownerAlive(owner: string | null): boolean {
  if (!owner) return false;
  const pid = Number(owner.split(":")[0]);
  if (pid === process.pid) return owner === LEASE_OWNER;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Live instances of a workflow nobody (alive) holds a lease on. */
export function runnableInstances(store: Store, workflow: string): InstanceRow[] {
  const now = Date.now();
  const rows = db(store)
    .query(
      `SELECT * FROM workflow_instances WHERE workflow = ? AND status IN ('queued', 'running', 'waiting', 'waitingForPause') ORDER BY created_on`,
    )
    .all(workflow) as InstanceRow[];
  return rows.filter((row) => row.lease_owner !== LEASE_OWNER && (!row.lease_until || row.lease_until < now || !ownerAlive(row.lease_owner)));
}

/** Takes the lease on an instance; false when another live engine holds it. */
export function claim(store: Store, workflow: string, id: string): InstanceRow | undefined {
  const d = db(store);
  return d.transaction(() => {
    const row = getInstance(store, workflow, id);
    if (!row || !(LIVE_STATUSES as readonly string[]).includes(row.status)) return undefined;
    const now = Date.now();
    if (row.lease_owner && row.lease_until && row.lease_until >= now && ownerAlive(row.lease_owner)) return undefined;
    d.query("UPDATE workflow_instances SET lease_owner = ?, lease_until = ? WHERE workflow = ? AND id = ?").run(
      LEASE_OWNER,
      now + LEASE_MS,
      workflow,
      id,
    );
    return { ...row, lease_owner: LEASE_OWNER, lease_until: now + LEASE_MS };
  }).immediate();
}

export function renewLeases(store: Store): void {
  db(store)
    .query("UPDATE workflow_instances SET lease_until = ? WHERE lease_owner = ?")
    .run(Date.now() + LEASE_MS, LEASE_OWNER);
}

export function releaseLease(store: Store, workflow: string, id: string): void {
  db(store)
    .query("UPDATE workflow_instances SET lease_owner = NULL, lease_until = NULL WHERE workflow = ? AND id = ? AND lease_owner = ?")
    .run(workflow, id, LEASE_OWNER);
}

export function isFinal(status: string): boolean {
  return FINAL.has(status);
}
