// `[[workflows]]`: env.<binding> creates and controls instances of the
// workflow `name`, whose class (`class_name`) lives in this worker or, with
// `script_name`, in another worker. Instances are keyed by workflow name in
// the store, so every worker binding the same workflow sees the same instances.
import type { BindingDescriptor } from "../descriptor.ts";
import type { WorkflowConfig } from "./config.ts";
import { validateWorkflow } from "./validate.ts";
import { WORKFLOWS_SCHEMA } from "./schema.ts";

export const workflowsDescriptor: BindingDescriptor<WorkflowConfig> = {
  key: "workflows",
  kind: "Workflow",
  entries: (config) => config.workflows ?? [],
  bindingName: (entry) => entry.binding,
  validate: validateWorkflow,
  row: (entry) => ({ name: entry.binding, type: "Workflow", value: entry.class_name, mode: "local" }),
  typeName: () => "Workflow",
  schema: WORKFLOWS_SCHEMA,
  createEnv(entry, ctx) {
    const { createWorkflowBinding, definingStore } = require("./index.ts") as typeof import("./index.ts");
    const external = entry.script_name && entry.script_name !== ctx.config.name ? entry.script_name : undefined;
    if (!external) return createWorkflowBinding(ctx.store, entry.name);
    // The class runs in another worker: its instances go to that worker's store when it runs
    // in this session; otherwise to ours, where a `bunflare dev` of that worker on the same
    // store (e.g. --persist-to) picks them up.
    return createWorkflowBinding(() => {
      const other = ctx.findWorker?.(external);
      return (other && definingStore(other.env, entry.name)) ?? ctx.store();
    }, entry.name);
  },
  resources(store) {
    const { workflowNamesInStore } = require("./store.ts") as typeof import("./store.ts");
    return workflowNamesInStore(store).map((name) => ({ id: name, name }));
  },
};
