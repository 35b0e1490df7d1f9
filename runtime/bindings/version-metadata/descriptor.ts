// `version_metadata = { binding = "VM" }`: the deployed version's id, tag and
// timestamp. Locally, as wrangler dev does it: a fresh id per env, an empty tag
// and the time the env was built.
import type { BindingDescriptor } from "../descriptor.ts";

export interface VersionMetadataConfig {
  binding: string;
}

export const versionMetadataDescriptor: BindingDescriptor<VersionMetadataConfig> = {
  key: "version_metadata",
  kind: "Worker Version Metadata",
  entries: (config) => (config.version_metadata ? [config.version_metadata as VersionMetadataConfig] : []),
  bindingName: (entry) => entry.binding,
  // A table, not a list: wrangler checks only its "binding" (checkType vetted the shape).
  validateSection({ d, value }) {
    if (value && typeof value === "object" && !Array.isArray(value) && typeof (value as Record<string, unknown>).binding !== "string") {
      d.errors.push(`binding should have a string "binding" field.`);
    }
  },
  row: (entry) => ({ name: entry.binding, type: "Worker Version Metadata", mode: "local" }),
  createEnv: () => ({ id: crypto.randomUUID(), tag: "", timestamp: new Date().toISOString() }),
  typeName: () => "WorkerVersionMetadata",
};
