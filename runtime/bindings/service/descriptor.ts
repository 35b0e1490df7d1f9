// Service bindings' place in the registry: `services` entries, env.<binding>
// calling another worker of this dev session (or of another dev process).
import type { BindingDescriptor } from "../descriptor.ts";
import { isStr, json, requireString } from "../config-checks.ts";
import type { ServiceBindingConfig } from "./config.ts";
// Loaded when a table is printed, not by every command that reads a config.
const connectedElsewhere: typeof import("../../rpc/registry.ts").connectedElsewhere = (name, inSession) =>
  (require("../../rpc/registry.ts") as typeof import("../../rpc/registry.ts")).connectedElsewhere(name, inSession);

const service = () => require("./index.ts") as typeof import("./index.ts");

export const serviceDescriptor: BindingDescriptor<ServiceBindingConfig> = {
  key: "services",
  kind: "Worker",
  entries: (config) => config.services ?? [],
  bindingName: (entry) => entry.binding,
  // Wrangler does not warn about unknown fields in service bindings.
  validate(d, field, value) {
    requireString(d, field, value, "binding");
    requireString(d, field, value, "service");
    // Wrangler says "should have" even though these two are optional.
    for (const key of ["environment", "entrypoint"]) {
      if (value[key] !== undefined && !isStr(value[key])) {
        d.errors.push(`"${field}" bindings should have a string "${key}" field but got ${json(value)}.`);
      }
    }
  },
  row(entry, config, scope) {
    // Like wrangler, the table is printed before this session's other workers start:
    // they count as connected only if they are this worker itself.
    const inSession = scope?.inSession ?? ((name: string) => name === config.name);
    const connected = entry.service === config.name || connectedElsewhere(entry.service, inSession);
    return {
      name: entry.binding,
      type: "Worker",
      value: entry.entrypoint ? `${entry.service}#${entry.entrypoint}` : entry.service,
      mode: connected ? "local [connected]" : "local [not connected]",
    };
  },
  createEnv: (entry, ctx) =>
    service().createServiceBinding({
      service: entry.service,
      entrypoint: entry.entrypoint,
      props: entry.props,
      experimental: ctx.config.compatibility_flags?.includes("experimental"),
      find: () => ctx.findService(entry.service, entry.entrypoint),
    }),
  typeName: () => "Fetcher",
};
