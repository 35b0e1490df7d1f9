// [[analytics_engine_datasets]]: writeDataPoint is accepted and dropped, as
// wrangler dev does locally (there is no local dataset to query).
import type { BindingDescriptor } from "../descriptor.ts";
import { json, warnUnknown } from "../config-checks.ts";

export interface AnalyticsEngineConfig {
  binding: string;
  dataset?: string;
}

export const analyticsEngineDescriptor: BindingDescriptor<AnalyticsEngineConfig> = {
  key: "analytics_engine_datasets",
  kind: "Analytics Engine Dataset",
  entries: (config) => (config.analytics_engine_datasets as AnalyticsEngineConfig[] | undefined) ?? [],
  bindingName: (entry) => entry.binding,
  notObject: (_field, value) => `"analytics_engine" bindings should be objects, but got ${json(value)}`,
  validate(d, field, value) {
    if (typeof value.binding !== "string") d.errors.push(`"${field}" bindings should have a string "binding" field but got ${json(value)}.`);
    if ((value.dataset !== undefined && typeof value.dataset !== "string") || value.dataset === "") {
      d.errors.push(`"${field}" bindings should, optionally, have a string "dataset" field but got ${json(value)}.`);
    }
    warnUnknown(d, field, value, ["binding", "dataset"]);
  },
  row: (entry) => ({ name: entry.binding, type: "Analytics Engine Dataset", value: entry.dataset ?? entry.binding, mode: "local" }),
  createEnv: () => ({ writeDataPoint(_event?: unknown): void {} }),
  typeName: () => "AnalyticsEngineDataset",
};
