// Wrangler's environment rules: `[env.NAME]` sections override the top level.
// Inheritable keys fall back to the top level; non-inheritable ones (bindings,
// vars, define) do not, and wrangler warns when the top level has one the
// environment lacks.
import type { WorkerConfig } from "./types.ts";

export interface Diagnostics {
  errors: string[];
  warnings: string[];
}

type Kind = "string" | "boolean" | "number" | "array" | "object" | "any";

/** Keys an environment inherits from the top level, with their expected type. */
const INHERITABLE: Record<string, Kind> = {
  name: "string",
  main: "string",
  account_id: "string",
  compatibility_date: "string",
  compatibility_flags: "array",
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

/** Keys that are per-environment only. */
const NOT_INHERITABLE: Record<string, Kind> = {
  define: "object",
  vars: "object",
  durable_objects: "object",
  workflows: "array",
  migrations: "array",
  kv_namespaces: "array",
  r2_buckets: "array",
  d1_databases: "array",
  queues: "object",
  services: "array",
  analytics_engine_datasets: "array",
  vectorize: "array",
  hyperdrive: "array",
  ai: "object",
  browser: "object",
  images: "object",
  version_metadata: "object",
  send_email: "array",
  dispatch_namespaces: "array",
  mtls_certificates: "array",
  tail_consumers: "array",
  unsafe: "object",
  containers: "array",
  secrets_store_secrets: "array",
  pipelines: "array",
  cloudchamber: "object",
  secrets: "object",
  unsafe_hello_world: "array",
  ratelimits: "array",
  worker_loaders: "array",
  vpc_services: "array",
  logfwdr: "object",
};

/** Top-level-only keys. */
const TOP_LEVEL_ONLY: Record<string, Kind> = {
  $schema: "string",
  env: "object",
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
};

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  return typeof value;
}

function describe(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}

function checkType(field: string, value: unknown, kind: Kind, diagnostics: Diagnostics): boolean {
  if (value === undefined || kind === "any") return true;
  const actual = typeOf(value);
  const ok = kind === "object" ? actual === "object" : actual === kind;
  if (!ok) {
    const expected = kind === "array" ? "an array" : kind === "object" ? "an object" : `of type ${kind}`;
    diagnostics.errors.push(`Expected "${field}" to be ${expected} but got ${describe(value)}.`);
  }
  return ok;
}

function warnUnknown(section: Record<string, unknown>, known: string[], where: string, diagnostics: Diagnostics): void {
  const unknown = Object.keys(section).filter((key) => !known.includes(key));
  if (unknown.length) {
    diagnostics.warnings.push(`Unexpected fields found in ${where} field: ${unknown.map((k) => `"${k}"`).join(",")}`);
  }
}

export function resolveEnvironment(
  raw: Record<string, unknown>,
  envName: string | undefined,
  diagnostics: Diagnostics,
  configFileName: string,
): WorkerConfig {
  const topKnown = [...Object.keys(INHERITABLE), ...Object.keys(NOT_INHERITABLE), ...Object.keys(TOP_LEVEL_ONLY)];
  warnUnknown(raw, topKnown, "top-level", diagnostics);
  for (const [key, kind] of Object.entries({ ...INHERITABLE, ...NOT_INHERITABLE, ...TOP_LEVEL_ONLY })) {
    checkType(key, raw[key], kind, diagnostics);
  }

  let section: Record<string, unknown> = raw;
  if (envName !== undefined) {
    const envs = (raw.env ?? {}) as Record<string, unknown>;
    const found = envs[envName];
    if (found === undefined || typeOf(found) !== "object") {
      const available = Object.keys(envs).length
        ? `The available configured environment names are: ${JSON.stringify(Object.keys(envs))}\n`
        : "";
      const sectionHint = configFileName.endsWith(".toml")
        ? "```\n[env." + envName + "]\n```\n"
        : "```\n{\n  \"env\": {\n    \"" + envName + "\": {}\n  }\n}\n```\n";
      diagnostics.errors.push(
        `No environment found in configuration with name "${envName}".\n` +
          `Before using \`--env=${envName}\` there should be an equivalent environment section in the configuration.\n` +
          available +
          `\nConsider adding an environment configuration section to the ${configFileName} file:\n` +
          sectionHint,
      );
    } else {
      section = found as Record<string, unknown>;
      const envKnown = [...Object.keys(INHERITABLE), ...Object.keys(NOT_INHERITABLE)];
      warnUnknown(section, envKnown, `"env.${envName}" environment`, diagnostics);
      for (const [key, kind] of Object.entries({ ...INHERITABLE, ...NOT_INHERITABLE })) {
        checkType(`env.${envName}.${key}`, section[key], kind, diagnostics);
      }
      for (const key of Object.keys(NOT_INHERITABLE)) {
        if (key === "migrations" || key === "define" || key === "vars") continue;
        if (raw[key] !== undefined && section[key] === undefined) {
          diagnostics.warnings.push(
            `"${key}" exists at the top level, but not on "env.${envName}".\n` +
              `This is not what you probably want, since "${key}" is not inherited by environments.\n` +
              `Please add "${key}" to "env.${envName}".`,
          );
        }
      }
      for (const key of ["vars", "define"] as const) {
        const top = raw[key] as Record<string, unknown> | undefined;
        const own = section[key] as Record<string, unknown> | undefined;
        if (!top || typeOf(top) !== "object") continue;
        for (const name of Object.keys(top)) {
          if (own && name in own) continue;
          diagnostics.warnings.push(
            `"${key}.${name}" exists at the top level, but not on "env.${envName}".\n` +
              `This is not what you probably want, since "${key}" configuration is not inherited by environments.\n` +
              `Please add "${key}.${name}" to "env.${envName}".`,
          );
        }
      }
    }
  }

  const pick = (key: string): unknown => {
    if (section === raw) return raw[key];
    if (key in NOT_INHERITABLE) return section[key];
    return section[key] ?? raw[key];
  };
  const topOnly = (key: string): unknown => raw[key];

  const name = pick("name") as string | undefined;
  // Like wrangler's default (non-legacy) environments: the worker is "<name>-<env>"
  // unless the environment names itself.
  const resolvedName =
    envName !== undefined && section !== raw && section.name === undefined && name ? `${name}-${envName}` : name;

  const merged: Record<string, unknown> = {};
  for (const key of [...Object.keys(INHERITABLE), ...Object.keys(NOT_INHERITABLE)]) {
    const value = pick(key);
    if (value !== undefined) merged[key] = value;
  }
  for (const key of Object.keys(TOP_LEVEL_ONLY)) {
    if (key === "env") continue;
    const value = topOnly(key);
    if (value !== undefined && merged[key] === undefined) merged[key] = value;
  }

  const durableObjects = (merged.durable_objects ?? {}) as { bindings?: unknown[] };
  const queues = (merged.queues ?? {}) as { producers?: unknown[]; consumers?: unknown[] };
  const triggers = (merged.triggers ?? {}) as { crons?: string[] };
  return {
    ...merged,
    name: resolvedName,
    compatibility_flags: (merged.compatibility_flags as string[] | undefined) ?? [],
    rules: (merged.rules as WorkerConfig["rules"] | undefined) ?? [],
    build: (merged.build as WorkerConfig["build"] | undefined) ?? {},
    define: (merged.define as Record<string, string> | undefined) ?? {},
    vars: (merged.vars as Record<string, unknown> | undefined) ?? {},
    kv_namespaces: (merged.kv_namespaces as WorkerConfig["kv_namespaces"] | undefined) ?? [],
    r2_buckets: (merged.r2_buckets as WorkerConfig["r2_buckets"] | undefined) ?? [],
    d1_databases: (merged.d1_databases as WorkerConfig["d1_databases"] | undefined) ?? [],
    durable_objects: { bindings: (durableObjects.bindings as WorkerConfig["durable_objects"]["bindings"]) ?? [] },
    migrations: (merged.migrations as unknown[] | undefined) ?? [],
    queues: {
      producers: (queues.producers as WorkerConfig["queues"]["producers"]) ?? [],
      consumers: (queues.consumers as WorkerConfig["queues"]["consumers"]) ?? [],
    },
    services: (merged.services as WorkerConfig["services"] | undefined) ?? [],
    workflows: (merged.workflows as WorkerConfig["workflows"] | undefined) ?? [],
    triggers: { crons: triggers.crons ?? [] },
    dev: (merged.dev as WorkerConfig["dev"] | undefined) ?? {},
  };
}
