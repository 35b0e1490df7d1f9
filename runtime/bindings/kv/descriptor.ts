// KV's place in the registry: `kv_namespaces` entries, validated in wrangler's
// words, shown in the bindings table, and created as env.<binding> on first use.
import type { BindingDescriptor } from "../descriptor.ts";
import { isStr, json, optionalString, requireString, warnUnknown } from "../config-checks.ts";
import type { KVNamespaceConfig } from "./config.ts";
import { KV_SCHEMA } from "./schema.ts";

const kv = () => require("./index.ts") as typeof import("./index.ts");

export const kvDescriptor: BindingDescriptor<KVNamespaceConfig> = {
  key: "kv_namespaces",
  kind: "KV Namespace",
  entries: (config) => config.kv_namespaces ?? [],
  bindingName: (entry) => entry.binding,
  validate(d, field, value) {
    requireString(d, field, value, "binding");
    if ((value.id !== undefined && !isStr(value.id)) || value.id === "") {
      d.errors.push(`"${field}" bindings should have a string "id" field but got ${json(value)}.`);
    }
    optionalString(d, field, value, "preview_id");
    warnUnknown(d, field, value, ["binding", "id", "preview_id", "remote"]);
  },
  row: (entry) => ({ name: entry.binding, type: "KV Namespace", value: entry.id ?? entry.binding, mode: "local" }),
  createEnv: (entry, ctx) => kv().createKVNamespace(ctx.store(), kv().kvNamespaceIdFor(entry)),
  typeName: () => "KVNamespace",
  schema: KV_SCHEMA,
  resources(store) {
    const { listNamespaces } = require("./namespaces.ts") as typeof import("./namespaces.ts");
    return listNamespaces(store).map((namespace) => ({ id: namespace.id, name: namespace.title }));
  },
};
