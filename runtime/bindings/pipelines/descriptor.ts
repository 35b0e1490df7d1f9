// [[pipelines]]: wrangler dev accepts env.<binding>.send(records) locally and
// drops them (there is no local pipeline to deliver to); bunflare does too.
import type { BindingDescriptor } from "../descriptor.ts";
import { json, warnUnknown } from "../config-checks.ts";

export interface PipelineConfig {
  binding: string;
  pipeline: string;
  remote?: boolean;
}

export const pipelinesDescriptor: BindingDescriptor<PipelineConfig> = {
  key: "pipelines",
  kind: "Pipeline",
  entries: (config) => (config.pipelines as PipelineConfig[] | undefined) ?? [],
  bindingName: (entry) => entry.binding,
  notObject: (_field, value) => `"pipeline" bindings should be objects, but got ${json(value)}`,
  validate(d, field, value) {
    for (const key of ["binding", "pipeline"]) {
      if (typeof value[key] !== "string") d.errors.push(`"${field}" bindings must have a string "${key}" field but got ${json(value)}.`);
    }
    if (value.remote !== undefined && typeof value.remote !== "boolean") {
      d.errors.push(`"${field}" should, optionally, have a boolean "remote" field but got ${json(value)}.`);
    }
    warnUnknown(d, field, value, ["binding", "pipeline", "remote"]);
  },
  row: (entry) => ({ name: entry.binding, type: "Pipeline", value: entry.pipeline, mode: "local" }),
  createEnv: () => ({ async send(_records: unknown): Promise<void> {} }),
  // As wrangler types it without a schema from the API.
  typeName: () => `import("cloudflare:pipelines").Pipeline<import("cloudflare:pipelines").PipelineRecord>`,
};
