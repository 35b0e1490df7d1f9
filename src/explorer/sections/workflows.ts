// Workflows: wrangler's explorer paths under /workflows (instances, their
// steps, pause/resume/restart/terminate, events).
import type { Store } from "../../../runtime/store/index.ts";
import type { WorkerConfig } from "../../../runtime/config.ts";
import { createWorkflowBinding } from "../../../runtime/bindings/workflows/index.ts";
import * as workflows from "../../../runtime/bindings/workflows/store.ts";
import { BAD_REQUEST, fail, intParam, jsonBody, messageOf, notFound, ok, resourcesOf, type ExplorerSection, type ExplorerStore } from "../common.ts";

const WORKFLOW_NOT_FOUND = 10501;

const bound = (config: WorkerConfig) =>
  (config.workflows ?? []).map((entry) => ({ id: entry.name, name: entry.name, binding: entry.binding, className: entry.class_name, scriptName: entry.script_name ?? config.name }));

export const workflowsSection: ExplorerSection = {
  prefix: ["workflows"],
  operations: [
    { method: "get", path: "/workflows", summary: "List workflows", tag: "Workflows" },
    { method: "get", path: "/workflows/{workflow_name}", summary: "A workflow with its instance counts by status", tag: "Workflows" },
    { method: "delete", path: "/workflows/{workflow_name}", summary: "Delete every instance of a workflow", tag: "Workflows" },
    { method: "get", path: "/workflows/{workflow_name}/instances", summary: "List instances", tag: "Workflows", query: { status: "filter by status", page: "from 1", per_page: "page size" } },
    { method: "post", path: "/workflows/{workflow_name}/instances", summary: "Create (trigger) an instance", tag: "Workflows", body: '{ "id"?: string, "params"?: any }' },
    { method: "get", path: "/workflows/{workflow_name}/instances/{instance_id}", summary: "An instance: status, params, output, error and its steps (attempts, output, error, timing, sleeps and events waited on)", tag: "Workflows" },
    { method: "delete", path: "/workflows/{workflow_name}/instances/{instance_id}", summary: "Terminate an instance", tag: "Workflows" },
    { method: "patch", path: "/workflows/{workflow_name}/instances/{instance_id}/status", summary: "Pause, resume, restart or terminate", tag: "Workflows", body: '{ "action": "pause" | "resume" | "restart" | "terminate" }' },
    { method: "post", path: "/workflows/{workflow_name}/instances/{instance_id}/events/{event_type}", summary: "Send an event (JSON body is its payload)", tag: "Workflows", body: "any (the event payload)" },
  ],
  route: workflowRoutes,
  workerBindings: (config, script) => ["workflows", bound(config).map((item) => ({ id: item.id, bindingName: item.binding, className: item.className, scriptName: item.scriptName ?? script }))],
};

async function workflowRoutes(request: Request, url: URL, rest: string[], stores: readonly ExplorerStore[]): Promise<Response> {
  const all = resourcesOf("workflows", stores, bound);
  if (rest.length === 0) {
    if (request.method !== "GET") return notFound(request);
    const list = all.map((item) => ({ name: item.name, class_name: item.className, script_name: item.scriptName }));
    return ok(list, { count: list.length });
  }
  const [name, what, instanceId, sub, eventType] = rest;
  const workflow = all.find((item) => item.name === name);
  if (!workflow) return fail(404, WORKFLOW_NOT_FOUND, `Workflow '${name}' not found.`);
  const store = workflow.store;
  const instanceMissing = () => fail(404, WORKFLOW_NOT_FOUND, `Workflow instance '${instanceId}' not found.`);
  try {
    if (what === undefined) {
      if (request.method === "GET") {
        return ok({ name: workflow.name, class_name: workflow.className, script_name: workflow.scriptName, instances: workflows.statusCounts(store, workflow.name) });
      }
      if (request.method === "DELETE") {
        workflows.deleteWorkflowInstances(store, workflow.name);
        return ok({ status: "ok", success: true });
      }
      return notFound(request);
    }
    if (what !== "instances") return notFound(request);
    if (instanceId === undefined) {
      if (request.method === "GET") {
        const page = intParam(url, "page", [1, Number.MAX_SAFE_INTEGER]) ?? 1;
        const perPage = intParam(url, "per_page", [1, Number.MAX_SAFE_INTEGER]) ?? 25;
        if (page instanceof Response) return page;
        if (perPage instanceof Response) return perPage;
        const status = url.searchParams.get("status");
        const rows = workflows.listInstances(store, workflow.name).filter((row) => !status || row.status === status);
        const result = rows.slice((page - 1) * perPage, page * perPage).map((row) => ({ id: row.id, status: row.status, created_on: new Date(row.created_on).toISOString() }));
        return ok(result, { page, per_page: perPage, total_count: rows.length, total_pages: Math.max(1, Math.ceil(rows.length / perPage)) });
      }
      if (request.method === "POST") {
        let body: { id?: string; params?: unknown } = {};
        try {
          body = (await request.json()) as typeof body;
        } catch {}
        const created = await createWorkflowBinding(() => store, workflow.name).create({ id: body?.id, params: body?.params });
        return ok({ id: created.id });
      }
      return notFound(request);
    }
    const row = workflows.getInstance(store, workflow.name, instanceId);
    if (!row) return instanceMissing();
    if (sub === undefined && request.method === "GET") return ok(instanceDetails(store, row));
    if (sub === undefined && request.method === "DELETE") {
      if (!workflows.isFinal(row.status)) workflows.applyAction(store, workflow.name, row.id, "terminate");
      return ok({ id: row.id });
    }
    if (sub === "status" && request.method === "PATCH") {
      const body = await jsonBody(request);
      if (body.error) return body.error;
      const action = (body.value as { action?: unknown })?.action;
      if (action !== "pause" && action !== "resume" && action !== "restart" && action !== "terminate") {
        return fail(400, BAD_REQUEST, `Invalid action '${String(action)}'. Must be one of: pause, resume, restart, terminate.`);
      }
      workflows.applyAction(store, workflow.name, row.id, action);
      const after = workflows.getInstance(store, workflow.name, row.id)!;
      return ok({ status: after.status, timestamp: new Date().toISOString() });
    }
    if (sub === "events" && eventType && request.method === "POST") {
      const text = await request.text();
      let payload: unknown = undefined;
      if (text) {
        try {
          payload = JSON.parse(text);
        } catch {
          return fail(400, BAD_REQUEST, "Request body must be valid JSON");
        }
      }
      workflows.sendEvent(store, workflow.name, row.id, eventType, payload);
      return ok({});
    }
  } catch (error) {
    if (error instanceof workflows.InstanceNotFoundError) return instanceMissing();
    return fail(500, BAD_REQUEST, messageOf(error));
  }
  return notFound(request);
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function instanceDetails(store: Store, row: workflows.InstanceRow) {
  const steps = workflows.listSteps(store, row.workflow, row.id).map((step) => ({
    name: step.name,
    type: step.type,
    start: iso(step.started_on),
    end: iso(step.ended_on),
    success: step.done ? step.error === null : step.error !== null ? false : null,
    // A step's return value, or the event a waitForEvent received.
    output: step.done && step.type !== "sleep" ? workflows.decode(step.value) : undefined,
    config: step.config ? JSON.parse(step.config) : null,
    attempts: JSON.parse(step.attempts || "[]"),
    ...(step.wake_at !== null ? { wake_at: iso(step.wake_at) } : {}),
  }));
  return {
    status: row.status,
    params: workflows.decode(row.params) ?? null,
    queued: iso(row.created_on),
    start: iso(row.started_on),
    end: iso(row.ended_on),
    output: row.status === "complete" ? (workflows.decode(row.output) ?? null) : null,
    error: row.error ? JSON.parse(row.error) : null,
    steps,
    step_count: steps.length,
  };
}
