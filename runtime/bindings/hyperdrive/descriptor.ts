// [[hyperdrive]]: locally a Hyperdrive config is the Postgres/MySQL database
// named by `localConnectionString` or CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_<BINDING>.
import type { BindingDescriptor } from "../descriptor.ts";
import { json, warnUnknown } from "../config-checks.ts";

export interface HyperdriveConfig {
  binding: string;
  id: string;
  localConnectionString?: string;
}

const hyperdrive = () => require("./index.ts") as typeof import("./index.ts");

export const hyperdriveDescriptor: BindingDescriptor<HyperdriveConfig> = {
  key: "hyperdrive",
  kind: "Hyperdrive Config",
  entries: (config) => (config.hyperdrive as HyperdriveConfig[] | undefined) ?? [],
  bindingName: (entry) => entry.binding,
  validate(d, field, value) {
    if (typeof value.binding !== "string") d.errors.push(`"${field}" bindings should have a string "binding" field but got ${json(value)}.`);
    if (typeof value.id !== "string") d.errors.push(`"${field}" bindings must have a "id" field but got ${json(value)}.`);
    warnUnknown(d, field, value, ["binding", "id", "localConnectionString"]);
  },
  row: (entry) => ({ name: entry.binding, type: "Hyperdrive Config", value: entry.id, mode: "local" }),
  prepare: (entries) => hyperdrive().hyperdriveStartup(entries),
  createEnv: (entry) => hyperdrive().createHyperdrive(entry),
  typeName: () => "Hyperdrive",
};
