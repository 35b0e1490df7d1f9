// Wrangler's environment rules: `[env.NAME]` sections override the top level.
// Inheritable keys fall back to the top level; non-inheritable ones (bindings,
// vars, define) do not, and wrangler warns when the top level has one the
// environment lacks. Validation messages follow wrangler's word for word.
import type { Diagnostics as DiagnosticsTree } from "./diagnostics.ts";
import { Diagnostics } from "./diagnostics.ts";
import { stringify as stringifyToml } from "smol-toml";
import type { WorkerConfig } from "./types.ts";

export { Diagnostics };

type Kind = "string" | "boolean" | "number" | "array" | "string array" | "object" | "any";

/** Keys an environment inherits from the top level, with their expected type. */
const INHERITABLE: Record<string, Kind> = {
  name: "any",
  main: "string",
  account_id: "string",
  compatibility_date: "string",
  compatibility_flags: "string array",
  workers_dev: "boolean",
  preview_urls: "boolean",
  routes: "array",
  route: "any",
  tsconfig: "string",
  jsx_factory: "string",
  jsx_fragment: "string",
  rules: "array",
  build: "object",
  no_bundle: "boolean",
  minify: "boolean",
  keep_names: "boolean",
  first_party_worker: "boolean",
  find_additional_modules: "boolean",
  base_dir: "string",
  preserve_file_names: "boolean",
  logpush: "boolean",
  upload_source_maps: "boolean",
  usage_model: "string",
  limits: "object",
  placement: "object",
  observability: "object",
  triggers: "object",
  assets: "object",
  alias: "object",
  compliance_region: "string",
  python_modules: "object",
  keep_vars: "boolean",
};

/** Per-environment keys, in the order wrangler checks (and so warns about) them. */
const NOT_INHERITABLE: Record<string, Kind> = {
  vars: "object",
  secrets: "object",
  define: "object",
  durable_objects: "object",
  workflows: "array",
  kv_namespaces: "array",
  cloudchamber: "object",
  containers: "array",
  send_email: "array",
  queues: "object",
  r2_buckets: "array",
  d1_databases: "array",
  vectorize: "array",
  hyperdrive: "array",
  services: "array",
  analytics_engine_datasets: "array",
  dispatch_namespaces: "array",
  mtls_certificates: "array",
  tail_consumers: "array",
  unsafe: "object",
  browser: "object",
  ai: "object",
  images: "object",
  pipelines: "array",
  secrets_store_secrets: "array",
  unsafe_hello_world: "array",
  worker_loaders: "array",
  ratelimits: "array",
  vpc_services: "array",
  version_metadata: "object",
  logfwdr: "object",
  migrations: "array",
};

/** Top-level-only keys. */
const TOP_LEVEL_ONLY: Record<string, Kind> = {
  $schema: "string",
  // Not type-checked: wrangler only looks names up in it (a non-table has none).
  env: "any",
  dev: "object",
  legacy_env: "boolean",
  send_metrics: "boolean",
  keep_vars: "boolean",
  site: "object",
  wasm_modules: "object",
  text_blobs: "object",
  data_blobs: "object",
  migrations: "array",
  pages_build_output_dir: "string",
  alias: "object",
  // Written by tools into a built wrangler.json (Cloudflare's Vite plugin copies wrangler's
  // resolved config): wrangler accepts every field of its resolved config silently.
  configPath: "any",
  userConfigPath: "any",
  topLevelName: "any",
  definedEnvironments: "any",
  targetEnvironment: "any",
  ai_search_namespaces: "any",
  ai_search: "any",
  streaming_tail_consumers: "any",
  stream: "any",
  media: "any",
  artifacts: "any",
  flagship: "any",
  vpc_networks: "any",
  cache: "any",
  previews: "any",
};

type Entry = Record<string, unknown>;

interface BindingRule {
  /** How a non-object entry is reported. */
  notObject: (field: string, value: unknown) => string;
  check: (d: DiagnosticsTree, field: string, value: Entry) => void;
  /** Known fields; others are warned about. Undefined: no such warning. */
  known?: string[];
  /** Wrangler skips the other checks of an entry that has unknown fields. */
  stopOnUnknown?: boolean;
}

const json = (value: unknown) => JSON.stringify(value);
const isStr = (value: unknown) => typeof value === "string";

function requireString(d: DiagnosticsTree, field: string, value: Entry, key: string): void {
  if (!isStr(value[key])) d.errors.push(`"${field}" bindings should have a string "${key}" field but got ${json(value)}.`);
}
function optionalString(d: DiagnosticsTree, field: string, value: Entry, key: string): void {
  if (value[key] !== undefined && !isStr(value[key])) {
    d.errors.push(`"${field}" bindings should, optionally, have a string "${key}" field but got ${json(value)}.`);
  }
}
const objectsMessage = (name: string) => (_field: string, value: unknown) => `"${name}" bindings should be objects, but got ${json(value)}`;

/** Binding arrays wrangler validates entry by entry, keyed by config field. */
const BINDING_RULES: Record<string, BindingRule> = {
  kv_namespaces: {
    notObject: objectsMessage("kv_namespaces"),
    check(d, field, value) {
      requireString(d, field, value, "binding");
      if ((value.id !== undefined && !isStr(value.id)) || value.id === "") {
        d.errors.push(`"${field}" bindings should have a string "id" field but got ${json(value)}.`);
      }
      optionalString(d, field, value, "preview_id");
    },
    known: ["binding", "id", "preview_id", "remote"],
  },
  r2_buckets: {
    notObject: objectsMessage("r2_buckets"),
    check(d, field, value) {
      requireString(d, field, value, "binding");
      if ((value.bucket_name !== undefined && !isStr(value.bucket_name)) || value.bucket_name === "") {
        d.errors.push(`"${field}" bindings should have a string "bucket_name" field but got ${json(value)}.`);
      }
      optionalString(d, field, value, "preview_bucket_name");
      optionalString(d, field, value, "jurisdiction");
    },
    known: ["binding", "bucket_name", "preview_bucket_name", "jurisdiction", "remote"],
  },
  d1_databases: {
    notObject: objectsMessage("d1_databases"),
    check(d, field, value) {
      requireString(d, field, value, "binding");
      if (value.database_id !== undefined && !isStr(value.database_id)) {
        d.errors.push(`"${field}" bindings must have a "database_id" field but got ${json(value)}.`);
      }
      optionalString(d, field, value, "database_name");
      optionalString(d, field, value, "preview_database_id");
      optionalString(d, field, value, "migrations_dir");
      optionalString(d, field, value, "migrations_table");
    },
    known: [
      "binding",
      "database_id",
      "database_internal_env",
      "database_name",
      "migrations_dir",
      "migrations_table",
      "preview_database_id",
      "remote",
    ],
  },
  services: {
    notObject: objectsMessage("services"),
    check(d, field, value) {
      requireString(d, field, value, "binding");
      requireString(d, field, value, "service");
      // Wrangler says "should have" even though these two are optional.
      for (const key of ["environment", "entrypoint"]) {
        if (value[key] !== undefined && !isStr(value[key])) {
          d.errors.push(`"${field}" bindings should have a string "${key}" field but got ${json(value)}.`);
        }
      }
    },
    // Wrangler does not warn about unknown fields in service bindings.
    known: undefined,
  },
  workflows: {
    notObject: objectsMessage("workflows"),
    check(d, field, value) {
      requireString(d, field, value, "binding");
      requireString(d, field, value, "name");
      requireString(d, field, value, "class_name");
      optionalString(d, field, value, "script_name");
    },
    known: ["binding", "name", "class_name", "script_name", "remote", "limits"],
  },
};

const DURABLE_OBJECT_RULE: BindingRule = {
  notObject: (field, value) => `Expected "${field}" to be an object but got ${json(value)}`,
  check(d, _field, value) {
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
  },
  known: ["class_name", "environment", "name", "script_name"],
};

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  return typeof value;
}

function isObject(value: unknown): value is Entry {
  return typeOf(value) === "object";
}

function warnUnknown(d: DiagnosticsTree, field: string, value: Entry, known: string[]): void {
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length) d.warnings.push(`Unexpected fields found in ${field} field: ${unknown.map(json).join(",")}`);
}

function checkType(d: DiagnosticsTree, field: string, value: unknown, kind: Kind, bindingField = false): boolean {
  if (value === undefined || kind === "any") return true;
  if (kind === "string array") {
    if (Array.isArray(value) && value.every(isStr)) return true;
    d.errors.push(`Expected "${field}" to be of type string array but got ${json(value)}.`);
    return false;
  }
  const actual = typeOf(value);
  if (kind === "object" ? actual === "object" : actual === kind) return true;
  if (kind === "array" && bindingField) d.errors.push(`The field "${field}" should be an array but got ${json(value)}.`);
  else if (kind === "array") d.errors.push(`Expected "${field}" to be an array but got ${json(value)}.`);
  // Wrangler ends the vars/define message with a newline, which shows as an empty note line.
  else if (kind === "object" && /(^|\.)(vars|define)$/.test(field)) d.errors.push(`The field "${field}" should be an object but got ${json(value)}.\n`);
  else if (kind === "object") d.errors.push(`The field "${field}" should be an object but got ${json(value)}.`);
  else d.errors.push(`Expected "${field}" to be of type ${kind} but got ${json(value)}.`);
  return false;
}

function validateEntries(d: DiagnosticsTree, fieldPath: string, entries: unknown[], rule: BindingRule): void {
  entries.forEach((entry, index) => {
    const field = `${fieldPath}[${index}]`;
    if (!isObject(entry)) {
      d.errors.push(rule.notObject(field, entry));
      return;
    }
    if (rule.stopOnUnknown && rule.known && Object.keys(entry).some((key) => !rule.known!.includes(key))) {
      warnUnknown(d, field, entry, rule.known);
      return;
    }
    rule.check(d, field, entry);
    if (rule.known) warnUnknown(d, field, entry, rule.known);
  });
}

/**
 * Validate one section (the top level, or one environment) in place.
 * `top` is the top level when `section` is an environment.
 */
function validateSection(d: DiagnosticsTree, section: Entry, configFile: string, envName?: string, top?: Entry): void {
  const prefix = top ? `env.${envName}.` : "";
  // Wrangler names inherited fields without the "env.<name>." prefix, binding fields with it.
  for (const [key, kind] of Object.entries(INHERITABLE)) checkType(d, key, section[key], kind);
  if (section.name !== undefined && !(isStr(section.name) && /^$|^[a-z0-9_][a-z0-9-_]*$/.test(section.name as string))) {
    d.errors.push(
      `Expected "name" to be of type string, alphanumeric and lowercase with dashes only but got ${json(section.name)}.`,
    );
  }
  const triggers = section.triggers;
  if (isObject(triggers) && triggers.crons !== undefined && !Array.isArray(triggers.crons)) {
    d.errors.push(`Expected "triggers.crons" to be of type array, but got ${json(triggers)}.`);
  }
  const date = section.compatibility_date;
  if (isStr(date)) {
    const field = "compatibility_date";
    if (/[\u2013\u2014]/.test(date as string)) {
      d.errors.push(`"${field}" field should use ISO-8601 accepted hyphens (-) rather than en-dashes (\u2013) or em-dashes (\u2014).`);
    }
    if (Number.isNaN(new Date((date as string).replace(/[\u2013\u2014]/g, "-")).getTime())) {
      d.errors.push(`"${field}" field should be a valid ISO-8601 date (YYYY-MM-DD), but got ${json(date)}.`);
    }
  }
  for (const [key, kind] of Object.entries(NOT_INHERITABLE)) {
    const value = section[key];
    if (value === undefined) {
      if (top && top[key] !== undefined && key !== "migrations") {
        d.warnings.push(
          `"${key}" exists at the top level, but not on "env.${envName}".\n` +
            `This is not what you probably want, since "${key}" is not inherited by environments.\n` +
            `Please add "${key}" to "env.${envName}".`,
        );
      }
      continue;
    }
    if (!checkType(d, `${prefix}${key}`, value, kind, true)) continue;
    if (key === "vars") {
      for (const [name, item] of Object.entries(value as Entry)) {
        // smol-toml reads bare TOML dates as Date objects; wrangler rejects them.
        if (item instanceof Date) {
          d.errors.push(
            `The field "${prefix}vars.${name}" is a TOML date, which is not supported. Please use a string instead, e.g. ${name} = "2025-12-19".`,
          );
        }
      }
    }
    const rule = BINDING_RULES[key];
    if (rule) {
      validateEntries(d, `${prefix}${key}`, value as unknown[], rule);
      const topBindings = top?.[key];
      if (Array.isArray(topBindings)) {
        const here = new Set((value as Entry[]).map((entry) => entry?.binding));
        for (const name of topBindings.map((entry: Entry) => entry?.binding)) {
          if (here.has(name)) continue;
          d.warnings.push(
            `There is a ${key} binding with name "${name}" at the top level, but not on "env.${envName}".\n` +
              `This is not what you probably want, since "${key}" configuration is not inherited by environments.\n` +
              `Please add a binding for "${name}" to "env.${envName}.${key}.bindings".`,
          );
        }
      }
    }
    if (key === "durable_objects") {
      validateDurableObjects(d, prefix, value as Entry, envName, top);
      warnIfNoMigrations(d, value as Entry, section.migrations ?? top?.migrations, configFile);
    }
    if (key === "queues") validateQueues(d, prefix, value as Entry, envName, top);
    if ((key === "vars" || key === "define") && top && isObject(top[key])) {
      const topNames = Object.keys(top[key] as Entry);
      for (const name of topNames) {
        if (name in (value as Entry)) continue;
        d.warnings.push(
          `"${key}.${name}" exists at the top level, but not on "env.${envName}.${key}".\n` +
            `This is not what you probably want, since "${key}" configuration is not inherited by environments.\n` +
            `Please add "${key}.${name}" to "env.${envName}".`,
        );
      }
      if (key === "define" && topNames.length) {
        for (const name of Object.keys(value as Entry)) {
          if (topNames.includes(name)) continue;
          d.warnings.push(
            `"${name}" exists on "env.${envName}", but not on the top level.\n` +
              `This is not what you probably want, since "define" configuration within environments can only override existing top level "define" configuration\n` +
              `Please remove "env.${envName}.define.${name}", or add "define.${name}".`,
          );
        }
      }
    }
  }
}

/** `durable_objects = { bindings = [...] }`: each binding gets its own diagnostics block, as in wrangler. */
function validateDurableObjects(d: DiagnosticsTree, prefix: string, value: Entry, envName?: string, top?: Entry): void {
  const fieldPath = `${prefix}durable_objects`;
  if (!("bindings" in value)) {
    d.errors.push(`The field "${fieldPath}" is missing the required "bindings" property.`);
    return;
  }
  if (!Array.isArray(value.bindings)) {
    d.errors.push(`The field "${fieldPath}.bindings" should be an array but got ${json(value.bindings)}.`);
    return;
  }
  let valid = true;
  value.bindings.forEach((binding: unknown, index: number) => {
    const field = `${fieldPath}.bindings[${index}]`;
    const child = new Diagnostics(`"${field}": ${json(binding)}`);
    if (!isObject(binding)) {
      child.errors.push(DURABLE_OBJECT_RULE.notObject(field, binding));
    } else {
      DURABLE_OBJECT_RULE.check(child, field, binding);
      warnUnknown(child, field, binding, DURABLE_OBJECT_RULE.known!);
    }
    valid &&= !child.hasErrors();
    d.addChild(child);
  });
  const names = (entries: unknown) =>
    isObject(entries) && Array.isArray(entries.bindings) ? entries.bindings.map((b: Entry) => b?.name) : [];
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

const QUEUE_PRODUCER_RULE: BindingRule = {
  notObject: (_field, value) => `"queue" bindings should be objects, but got ${json(value)}`,
  check(d, field, value) {
    requireString(d, field, value, "binding");
    if (!isStr(value.queue) || value.queue === "") {
      d.errors.push(`"${field}" bindings should have a string "queue" field but got ${json(value)}.`);
    }
    if (value.delivery_delay !== undefined && typeof value.delivery_delay !== "number") {
      d.errors.push(`"${field}" should, optionally, have a number "delivery_delay" field but got ${json(value)}.`);
    }
  },
  known: ["binding", "queue", "delivery_delay", "remote"],
  stopOnUnknown: true,
};

const CONSUMER_OPTIONS: [string, string][] = [
  ["type", "string"],
  ["max_batch_size", "number"],
  ["max_batch_timeout", "number"],
  ["max_retries", "number"],
  ["dead_letter_queue", "string"],
  ["max_concurrency", "number"],
  ["visibility_timeout_ms", "number"],
  ["retry_delay", "number"],
];

function validateQueues(d: DiagnosticsTree, prefix: string, value: Entry, envName?: string, top?: Entry): void {
  const fieldPath = `${prefix}queues`;
  warnUnknown(d, fieldPath, value, ["consumers", "producers"]);
  if (value.consumers !== undefined) {
    if (!Array.isArray(value.consumers)) {
      d.errors.push(`The field "${fieldPath}.consumers" should be an array but got ${json(value.consumers)}.`);
    } else {
      value.consumers.forEach((consumer: unknown, index: number) => {
        const field = `${fieldPath}.consumers[${index}]`;
        if (!isObject(consumer)) {
          d.errors.push(`"${field}" should be a objects, but got ${json(consumer)}`);
          return;
        }
        warnUnknown(d, field, consumer, ["queue", ...CONSUMER_OPTIONS.map(([key]) => key)]);
        if (!isStr(consumer.queue)) d.errors.push(`"${field}" should have a string "queue" field but got ${json(consumer)}.`);
        if (consumer.type !== undefined && consumer.type !== "worker") {
          d.errors.push(
            `"${field}.type" has an invalid value "${consumer.type}". Only "worker" consumers can be configured in your Wrangler configuration.`,
          );
        }
        for (const [key, type] of CONSUMER_OPTIONS) {
          if (consumer[key] !== undefined && typeof consumer[key] !== type) {
            d.errors.push(`"${field}" should, optionally, have a ${type} "${key}" field but got ${json(consumer)}.`);
          }
        }
      });
    }
  }
  if (value.producers !== undefined) {
    const producersPath = `${fieldPath}.producers`;
    if (!Array.isArray(value.producers)) {
      d.errors.push(`The field "${producersPath}" should be an array but got ${json(value.producers)}.`);
      return;
    }
    validateEntries(d, producersPath, value.producers, QUEUE_PRODUCER_RULE);
    const topProducers = isObject(top?.queues) ? (top!.queues as Entry).producers : undefined;
    if (Array.isArray(topProducers)) {
      const here = new Set(value.producers.map((entry: Entry) => entry?.binding));
      for (const name of topProducers.map((entry: Entry) => entry?.binding)) {
        if (here.has(name)) continue;
        d.warnings.push(
          `There is a queues.producers binding with name "${name}" at the top level, but not on "env.${envName}".\n` +
            `This is not what you probably want, since "queues.producers" configuration is not inherited by environments.\n` +
            `Please add a binding for "${name}" to "env.${envName}.queues.producers.bindings".`,
        );
      }
    }
  }
}

/** Durable Objects this Worker exports need a migration; wrangler warns with a ready-made one. */
function warnIfNoMigrations(d: DiagnosticsTree, durableObjects: Entry, migrations: unknown, configFile: string): void {
  const bindings = Array.isArray(durableObjects.bindings) ? (durableObjects.bindings as Entry[]) : [];
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

function missingEnvironment(envName: string, envs: unknown, configFileName: string): string {
  const available =
    envs !== undefined ? `The available configured environment names are: ${json(isObject(envs) ? Object.keys(envs) : [])}\n` : "";
  // Wrangler suggests a TOML section whatever the config's format.
  return (
    `No environment found in configuration with name "${envName}".\n` +
    `Before using \`--env=${envName}\` there should be an equivalent environment section in the configuration.\n` +
    available +
    `\nConsider adding an environment configuration section to the ${configFileName} file:\n` +
    "```\n[env." + envName + "]\n```\n"
  );
}

export function resolveEnvironment(
  raw: Entry,
  envName: string | undefined,
  diagnostics: DiagnosticsTree,
  configFileName: string,
): WorkerConfig {
  const topKnown = [...Object.keys(INHERITABLE), ...Object.keys(NOT_INHERITABLE), ...Object.keys(TOP_LEVEL_ONLY)];
  warnUnknown(diagnostics, "top-level", raw, topKnown);
  for (const [key, kind] of Object.entries(TOP_LEVEL_ONLY)) checkType(diagnostics, key, raw[key], kind);
  validateSection(diagnostics, raw, configFileName);

  let section: Entry = raw;
  if (envName !== undefined) {
    const envs = isObject(raw.env) ? raw.env : {};
    const found = envs[envName];
    if (!isObject(found)) {
      // With no environments at all, wrangler only warns and uses the top level.
      const message = missingEnvironment(envName, raw.env, configFileName);
      if (raw.env !== undefined) diagnostics.errors.push(message);
      else diagnostics.warnings.push(message);
    } else {
      section = found;
      const envDiagnostics = new Diagnostics(`"env.${envName}" environment configuration`);
      validateSection(envDiagnostics, section, configFileName, envName, raw);
      warnUnknown(envDiagnostics, `env.${envName}`, section, [...Object.keys(INHERITABLE), ...Object.keys(NOT_INHERITABLE)]);
      diagnostics.addChild(envDiagnostics);
    }
  }

  const pick = (key: string): unknown => {
    if (section === raw) return raw[key];
    if (key in NOT_INHERITABLE) return section[key];
    return section[key] ?? raw[key];
  };

  // Like wrangler's default (non-legacy) environments: the worker is "<name>-<env>"
  // unless the environment names itself.
  const name = pick("name") as string | undefined;
  const resolvedName =
    envName !== undefined && section !== raw && section.name === undefined && name ? `${name}-${envName}` : name;

  const merged: Entry = {};
  for (const key of [...Object.keys(INHERITABLE), ...Object.keys(NOT_INHERITABLE)]) {
    const value = pick(key);
    if (value !== undefined) merged[key] = value;
  }
  for (const key of Object.keys(TOP_LEVEL_ONLY)) {
    if (key === "env") continue;
    if (raw[key] !== undefined && merged[key] === undefined) merged[key] = raw[key];
  }

  const arrayOr = <T>(value: unknown): T[] => (Array.isArray(value) ? (value as T[]) : []);
  const objectOr = (value: unknown): Entry => (isObject(value) ? value : {});
  const durableObjects = objectOr(merged.durable_objects);
  const queues = objectOr(merged.queues);
  const triggers = objectOr(merged.triggers);
  return {
    ...merged,
    name: resolvedName,
    compatibility_flags: arrayOr(merged.compatibility_flags),
    rules: arrayOr(merged.rules),
    build: objectOr(merged.build) as WorkerConfig["build"],
    define: objectOr(merged.define) as Record<string, string>,
    vars: objectOr(merged.vars),
    kv_namespaces: arrayOr(merged.kv_namespaces),
    r2_buckets: arrayOr(merged.r2_buckets),
    d1_databases: arrayOr(merged.d1_databases),
    durable_objects: { bindings: arrayOr(durableObjects.bindings) },
    migrations: arrayOr(merged.migrations),
    queues: { producers: arrayOr(queues.producers), consumers: arrayOr(queues.consumers) },
    services: arrayOr(merged.services),
    workflows: arrayOr(merged.workflows),
    triggers: { crons: arrayOr<string>(triggers.crons) },
    dev: objectOr(merged.dev) as WorkerConfig["dev"],
  };
}
