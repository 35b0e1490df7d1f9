// env.WORKFLOW: create / createBatch / get, and the instance handle. Instances
// live in the store (store.ts); the dev pump runs them (engine.ts).
import type { Store } from "../../store/index.ts";
import { withoutBlocking } from "../../store/lock.ts";
import {
  applyAction,
  encode,
  INSTANCE_ID,
  insertInstance,
  MAX_INSTANCE_ID_LENGTH,
  requireInstance,
  sendEvent,
  statusOf,
} from "./store.ts";

export const MAX_BATCH = 100;

export class WorkflowInstanceHandle {
  readonly id: string;
  #store: Store;
  #workflow: string;
  constructor(store: Store, workflow: string, id: string) {
    this.#store = store;
    this.#workflow = workflow;
    this.id = id;
  }
  async status() {
    return statusOf(this.#store, requireInstance(this.#store, this.#workflow, this.id));
  }
  async pause() {
    await withoutBlocking(this.#store.db, () => applyAction(this.#store, this.#workflow, this.id, "pause"));
  }
  async resume() {
    await withoutBlocking(this.#store.db, () => applyAction(this.#store, this.#workflow, this.id, "resume"));
  }
  async terminate() {
    await withoutBlocking(this.#store.db, () => applyAction(this.#store, this.#workflow, this.id, "terminate"));
  }
  async restart() {
    await withoutBlocking(this.#store.db, () => applyAction(this.#store, this.#workflow, this.id, "restart"));
  }
  async sendEvent(event: { type: string; payload?: unknown }) {
    if (!event || typeof event.type !== "string") throw new TypeError("sendEvent() needs an event with a string `type`.");
    await withoutBlocking(this.#store.db, () => sendEvent(this.#store, this.#workflow, this.id, event.type, event.payload));
  }
}

export interface CreateOptions {
  id?: string;
  params?: unknown;
}

function checkOptions(options: CreateOptions | undefined): { id: string; params: unknown } {
  const id = options?.id ?? crypto.randomUUID();
  if (typeof id !== "string" || id.length > MAX_INSTANCE_ID_LENGTH || !INSTANCE_ID.test(id)) {
    throw new TypeError(`Workflow instance has invalid id: "${String(id)}". Ids must match ${INSTANCE_ID} and be at most ${MAX_INSTANCE_ID_LENGTH} characters.`);
  }
  const params = options?.params ?? {};
  try {
    encode(params);
  } catch {
    throw new TypeError(`Workflow instance params for "${id}" are not serialisable.`);
  }
  return { id, params };
}

export class WorkflowBinding {
  #store: () => Store;
  #workflow: string;
  constructor(store: () => Store, workflow: string) {
    this.#store = store;
    this.#workflow = workflow;
  }
  async create(options?: CreateOptions): Promise<WorkflowInstanceHandle> {
    const { id, params } = checkOptions(options);
    const store = this.#store();
    await withoutBlocking(store.db, () => insertInstance(store, this.#workflow, id, params, "binding"));
    return new WorkflowInstanceHandle(this.#store(), this.#workflow, id);
  }
  async createBatch(batch: CreateOptions[]): Promise<WorkflowInstanceHandle[]> {
    if (!Array.isArray(batch) || batch.length === 0) throw new TypeError("createBatch() needs a non-empty array of instance options.");
    if (batch.length > MAX_BATCH) throw new TypeError(`createBatch() accepts at most ${MAX_BATCH} instances, got ${batch.length}.`);
    const checked = batch.map(checkOptions);
    return Promise.all(checked.map((options) => this.create(options)));
  }
  async get(id: string): Promise<WorkflowInstanceHandle> {
    requireInstance(this.#store(), this.#workflow, id);
    return new WorkflowInstanceHandle(this.#store(), this.#workflow, id);
  }
  /** The store this binding's instances live in, when it binds `workflow`. */
  storeFor(workflow: string): Store | undefined {
    return workflow === this.#workflow ? this.#store() : undefined;
  }
}

/**
 * The store of the worker that defines `workflow` (its own `[[workflows]]`
 * entry), so a binding with `script_name` creates instances where that
 * worker's engine looks for them, even when the two projects keep separate stores.
 */
export function definingStore(env: Record<string, unknown>, workflow: string): Store | undefined {
  for (const key of Object.keys(env)) {
    let value: unknown;
    try {
      value = env[key];
    } catch {
      continue;
    }
    if (value instanceof WorkflowBinding) {
      const store = value.storeFor(workflow);
      if (store) return store;
    }
  }
  return undefined;
}

export function createWorkflowBinding(store: () => Store, workflow: string): WorkflowBinding {
  return new WorkflowBinding(store, workflow);
}
