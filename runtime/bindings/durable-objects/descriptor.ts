// Durable Objects' place in the registry: `durable_objects.bindings` entries.
// Wrangler checks the `durable_objects` table as a whole (it must hold
// `bindings`), gives each binding its own block of messages, and warns when
// exported classes have no migrations; validateSection does the same.
import { readdirSync } from "node:fs";
import path from "node:path";
import { stringify as stringifyToml } from "smol-toml";
import { Diagnostics } from "../../diagnostics.ts";
import type { BindingDescriptor, SectionCheck } from "../descriptor.ts";
import { isObject, isStr, json, warnUnknown, type ConfigEntry } from "../config-checks.ts";
import type { DurableObjectBindingConfig } from "./config.ts";
import { DURABLE_OBJECT_MIGRATIONS } from "./schema.ts";
// Loaded when a table is printed, not by every command that reads a config.
const connectedElsewhere: typeof import("../../rpc/registry.ts").connectedElsewhere = (name, inSession) =>
  (require("../../rpc/registry.ts") as typeof import("../../rpc/registry.ts")).connectedElsewhere(name, inSession);

const durableObjects = () => require("./index.ts") as typeof import("./index.ts");

function validateBinding(d: Diagnostics, field: string, value: ConfigEntry): void {
  if (!isStr(value.name)) d.errors.push(`binding should have a string "name" field.`);
  if (!isStr(value.class_name)) d.errors.push(`binding should have a string "class_name" field.`);
  if (value.script_name !== undefined && !isStr(value.script_name)) {
    d.errors.push(`the field "script_name", when present, should be a string.`);
  }
  if (value.environment !== undefined && !isStr(value.environment)) {
    d.errors.push(`the field "environment", when present, should be a string.`);
  }
  if ("environment" in value && !("script_name" in value)) {
    d.errors.push(`binding should have a "script_name" field if "environment" is present.`);
  }
  warnUnknown(d, field, value, ["class_name", "environment", "name", "script_name"]);
}

const notObject = (field: string, value: unknown) => `Expected "${field}" to be an object but got ${json(value)}`;

function validateSection({ d, prefix, value, top, envName }: SectionCheck): void {
  if (!isObject(value)) return;
  const fieldPath = `${prefix}durable_objects`;
  if (!("bindings" in value)) {
    d.errors.push(`The field "${fieldPath}" is missing the required "bindings" property.`);
  } else if (!Array.isArray(value.bindings)) {
    d.errors.push(`The field "${fieldPath}.bindings" should be an array but got ${json(value.bindings)}.`);
  } else {
    let valid = true;
    value.bindings.forEach((binding: unknown, index: number) => {
      const field = `${fieldPath}.bindings[${index}]`;
      const child = new Diagnostics(`"${field}": ${json(binding)}`);
      if (!isObject(binding)) child.errors.push(notObject(field, binding));
      else validateBinding(child, field, binding);
      valid &&= !child.hasErrors();
      d.addChild(child);
    });
    const names = (entries: unknown) =>
      isObject(entries) && Array.isArray(entries.bindings) ? entries.bindings.map((b: ConfigEntry) => b?.name) : [];
    const missing = top ? names(top.durable_objects).filter((name: unknown) => !names(value).includes(name)) : [];
    if (valid && missing.length) {
      d.warnings.push(
        `The following bindings are at the top level, but not on "env.${envName}".\n` +
          `This is not what you probably want, since "durable_objects" configuration is not inherited by environments.\n` +
          `Please add a binding for each to "${fieldPath}.bindings":\n` +
          missing.map((name: unknown) => `- ${name}`).join("\n"),
      );
    }
  }
}

/**
 * Durable Objects this Worker exports need a migration; wrangler warns with a
 * ready-made one, after every binding of the section has been checked.
 */
export function warnIfNoMigrations(d: Diagnostics, durableObjects: ConfigEntry, migrations: unknown, configFile: string): void {
  const bindings = Array.isArray(durableObjects.bindings) ? (durableObjects.bindings as ConfigEntry[]) : [];
  const exported = bindings.filter((binding) => isObject(binding) && !binding.script_name);
  if (!exported.length || (Array.isArray(migrations) && migrations.length > 0)) return;
  if (exported.some((binding) => !isStr(binding.class_name))) return;
  const classes = exported.map((binding) => binding.class_name as string);
  const snippet = { migrations: [{ tag: "v1", new_sqlite_classes: classes }] };
  const formatted = configFile === "wrangler.toml" ? stringifyToml(snippet) : JSON.stringify(snippet, null, 2);
  d.warnings.push(
    `In your ${configFile} file, you have configured \`durable_objects\` exported by this Worker (${classes.join(", ")}), ` +
      `but no \`migrations\` for them. This may not work as expected until you add a \`migrations\` section to your ${configFile} file. ` +
      `Add the following configuration:\n\n\`\`\`\n${formatted}\n\`\`\`\n\n` +
      "Refer to https://developers.cloudflare.com/durable-objects/reference/durable-objects-migrations/ for more details.",
  );
}

/** A class in another worker (script_name) runs there, not in this worker. */
const isExternal = (entry: DurableObjectBindingConfig, workerName: string | undefined) =>
  !!entry.script_name && entry.script_name !== workerName;

export const durableObjectsDescriptor: BindingDescriptor<DurableObjectBindingConfig> = {
  key: "durable_objects.bindings",
  kind: "Durable Object",
  entries: (config) => config.durable_objects?.bindings ?? [],
  bindingName: (entry) => entry.name,
  validate: validateBinding,
  notObject,
  validateSection,
  row(entry, config, scope) {
    const external = isExternal(entry, config.name);
    // As for services: a worker of this session is not started yet when the table prints.
    const connected = external && connectedElsewhere(entry.script_name!, scope?.inSession ?? (() => false));
    return {
      name: entry.name,
      type: "Durable Object",
      value: external ? `${entry.class_name}, defined in ${entry.script_name}` : entry.class_name,
      mode: external ? (connected ? "local [connected]" : "local [not connected]") : "local",
    };
  },
  createEnv(entry, ctx) {
    // A class of a worker no worker of this session is: another dev process runs it.
    if (isExternal(entry, ctx.config.name) && !ctx.findWorker?.(entry.script_name!)) {
      const { RemoteDurableObjectNamespace } = require("./remote.ts") as typeof import("./remote.ts");
      return new RemoteDurableObjectNamespace(entry.script_name!, entry.class_name);
    }
    // A class in another worker of the session runs with that worker's exports and env.
    const owner = () => {
      if (!isExternal(entry, ctx.config.name)) return { exports: ctx.getExports(), env: ctx.env };
      const other = ctx.findWorker?.(entry.script_name!);
      if (!other) throw new Error(`Durable Object class "${entry.class_name}" lives in worker "${entry.script_name}", which is not running in this dev session.`);
      return other;
    };
    const { createDurableObjectNamespace, sqliteBackedClasses } = durableObjects();
    const namespace = createDurableObjectNamespace({
      store: ctx.store(),
      className: entry.class_name,
      sqlite: sqliteBackedClasses(ctx.config.migrations).has(entry.class_name),
      getClass: () => {
        const cls = owner().exports[entry.class_name];
        if (typeof cls !== "function") throw new Error(`Durable Object class "${entry.class_name}" is not exported by the worker.`);
        return cls as new (state: unknown, env: unknown) => unknown;
      },
      getEnv: () => owner().env,
      reportError: ctx.reportError,
    });
    ctx.onDispose(() => namespace.dispose());
    return namespace;
  },
  typeName: () => "DurableObjectNamespace",
  schema: { component: "durable_objects", migrations: DURABLE_OBJECT_MIGRATIONS },
  /** Classes that have stored objects (one directory of object files each). */
  resources(store) {
    let names: string[];
    try {
      names = readdirSync(path.dirname(store.doDir("x")), { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => decodeURIComponent(entry.name));
    } catch {
      return [];
    }
    return names.sort().map((name) => ({ id: name, name }));
  },
};
