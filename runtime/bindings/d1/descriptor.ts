// D1's place in the registry: `d1_databases` entries, validated in wrangler's
// words, shown in the bindings table, and created as env.<binding> on first use.
// D1 has no tables in data.sqlite beyond its registry: each database is its own file.
import type { BindingDescriptor } from "../descriptor.ts";
import { isStr, json, optionalString, requireString, warnUnknown } from "../config-checks.ts";
import type { D1DatabaseConfig } from "./config.ts";

const d1 = () => require("./index.ts") as typeof import("./index.ts");

const KNOWN = [
  "binding",
  "database_id",
  "database_internal_env",
  "database_name",
  "migrations_dir",
  "migrations_table",
  "preview_database_id",
  "remote",
];

export const d1Descriptor: BindingDescriptor<D1DatabaseConfig> = {
  key: "d1_databases",
  kind: "D1 Database",
  entries: (config) => config.d1_databases ?? [],
  bindingName: (entry) => entry.binding,
  validate(d, field, value) {
    requireString(d, field, value, "binding");
    if (value.database_id !== undefined && !isStr(value.database_id)) {
      d.errors.push(`"${field}" bindings must have a "database_id" field but got ${json(value)}.`);
    }
    for (const key of ["database_name", "preview_database_id", "migrations_dir", "migrations_table"]) optionalString(d, field, value, key);
    warnUnknown(d, field, value, KNOWN);
  },
  row: (entry) => ({
    name: entry.binding,
    type: "D1 Database",
    value: entry.database_name ?? entry.database_id ?? entry.binding,
    mode: "local",
  }),
  createEnv: (entry, ctx) => d1().createD1Database(ctx.store(), d1().d1DatabaseIdFor(entry)),
  typeName: () => "D1Database",
  resources(store) {
    const { listDatabaseRecords } = require("./registry.ts") as typeof import("./registry.ts");
    return listDatabaseRecords(store).map((record) => ({ id: record.uuid, name: record.name }));
  },
};
