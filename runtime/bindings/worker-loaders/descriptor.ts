// [[worker_loaders]]: Dynamic Worker Loaders. wrangler dev runs the loaded
// workers locally; bunflare loads their modules into this process, each with
// its own env, and calls them like service bindings.
import type { BindingDescriptor } from "../descriptor.ts";
import { json, warnUnknown } from "../config-checks.ts";

export interface WorkerLoaderConfig {
  binding: string;
}

const loaders = () => require("./index.ts") as typeof import("./index.ts");

export const workerLoadersDescriptor: BindingDescriptor<WorkerLoaderConfig> = {
  key: "worker_loaders",
  kind: "Worker Loader",
  entries: (config) => (config.worker_loaders as WorkerLoaderConfig[] | undefined) ?? [],
  bindingName: (entry) => entry.binding,
  notObject: (_field, value) => `"worker_loader" bindings should be objects, but got ${json(value)}`,
  validate(d, field, value) {
    if (typeof value.binding !== "string") d.errors.push(`"${field}" bindings must have a string "binding" field but got ${json(value)}.`);
    warnUnknown(d, field, value, ["binding"]);
  },
  row: (entry) => ({ name: entry.binding, type: "Worker Loader", mode: "local" }),
  createEnv: (_entry, ctx) => loaders().createWorkerLoader(ctx),
  typeName: () => "WorkerLoader",
};
