// Wrangler's environment rules: `[env.NAME]` sections override the top level.
// Inheritable keys fall back to the top level; non-inheritable ones (bindings,
// vars, define) do not, and wrangler warns when the top level has one the
// environment lacks. Validation messages follow wrangler's word for word.
// Each binding's entries are validated by its descriptor (runtime/bindings/registry.ts).
import { statSync } from "node:fs";
import path from "node:path";
import type { Diagnostics as DiagnosticsTree } from "./diagnostics.ts";
import { Diagnostics } from "./diagnostics.ts";
import type { WorkerConfig } from "./types.ts";
import { BINDINGS } from "../../runtime/bindings/registry.ts";
import type { BindingDescriptor, SectionCheck } from "../../runtime/bindings/descriptor.ts";
import { isObject, isStr, json, typeOf, validateNamedSimple, warnUnknown } from "../../runtime/bindings/config-checks.ts";
import { cronProblem } from "../../runtime/crons.ts";
import { warnIfNoMigrations } from "../../runtime/bindings/durable-objects/descriptor.ts";

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
  compliance_region: "string",
  python_modules: "object",
  // Checked by checkCache.
  cache: "any",
  previews: "any",
};

/** Inherited keys wrangler type-checks after the bindings, in its order (the others before them). */
const CHECKED_AFTER_BINDINGS = [
  "no_bundle",
  "minify",
  "keep_names",
  "first_party_worker",
  "logpush",
  "upload_source_maps",
  "observability",
  "cache",
  "compliance_region",
  "python_modules",
  "previews",
];

/** Per-environment keys, in the order wrangler checks (and so warns about) them. */
const NOT_INHERITABLE: Record<string, Kind> = {
  vars: "object",
  secrets: "object",
  define: "object",
  durable_objects: "object",
  workflows: "array",
  // Inherited by environments in wrangler, but checked here, in its place in wrangler's order.
  migrations: "array",
  kv_namespaces: "array",
  cloudchamber: "object",
  containers: "array",
  send_email: "array",
  queues: "object",
  r2_buckets: "array",
  d1_databases: "array",
  vectorize: "array",
  // Not type-checked (bunflare does not run these bindings): wrangler's per-environment keys all the same.
  ai_search_namespaces: "any",
  ai_search: "any",
  hyperdrive: "array",
  services: "array",
  analytics_engine_datasets: "array",
  dispatch_namespaces: "array",
  mtls_certificates: "array",
  tail_consumers: "array",
  streaming_tail_consumers: "any",
  unsafe: "object",
  browser: "object",
  ai: "object",
  images: "object",
  stream: "object",
  media: "object",
  pipelines: "array",
  secrets_store_secrets: "array",
  artifacts: "any",
  unsafe_hello_world: "array",
  flagship: "any",
  worker_loaders: "array",
  ratelimits: "array",
  vpc_services: "array",
  vpc_networks: "any",
  version_metadata: "object",
  logfwdr: "object",
};

/** Top-level-only keys: wrangler reads them from the top level only and calls them unexpected in an environment. */
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
  // Checked by checkAlias, in wrangler's own words.
  alias: "any",
  // Written by tools into a built wrangler.json (Cloudflare's Vite plugin copies wrangler's
  // resolved config): wrangler accepts every field of its resolved config silently.
  configPath: "any",
  userConfigPath: "any",
  topLevelName: "any",
  definedEnvironments: "any",
  targetEnvironment: "any",
};

type Entry = Record<string, unknown>;

/** One binding's section: the descriptor's own check, else entry by entry, then entries missing from an environment. */
function validateBindingSection(descriptor: BindingDescriptor, check: SectionCheck): void {
  if (descriptor.validateSection) return descriptor.validateSection(check);
  const { d, prefix, value, top, envName } = check;
  // A table (assets, vars) has no entries to check one by one; checkType vetted its shape.
  if (!Array.isArray(value)) return;
  const key = descriptor.key;
  value.forEach((entry, index) => {
    const field = `${prefix}${key}[${index}]`;
    if (!isObject(entry)) d.errors.push(descriptor.notObject?.(field, entry) ?? `"${key}" bindings should be objects, but got ${json(entry)}`);
    else descriptor.validate?.(d, field, entry);
  });
  const topBindings = top?.[key];
  if (!Array.isArray(topBindings)) return;
  // The raw `binding` field, as wrangler compares them (descriptors of arrays bind by it).
  const nameOf = (entry: unknown) => (isObject(entry) ? entry.binding : undefined);
  const here = new Set(value.map(nameOf));
  for (const name of topBindings.map(nameOf)) {
    if (here.has(name)) continue;
    d.warnings.push(
      `There is a ${key} binding with name "${name}" at the top level, but not on "env.${envName}".\n` +
        `This is not what you probably want, since "${key}" configuration is not inherited by environments.\n` +
        `Please add a binding for "${name}" to "env.${envName}.${key}.bindings".`,
    );
  }
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

/**
 * Validate one section (the top level, or one environment) in place.
 * `top` is the top level when `section` is an environment.
 */
/**
 * Every env name is bound once: wrangler refuses two bindings of one name, of
 * the same kind ("assigned to multiple KV Namespace bindings") or of different
 * kinds, vars included ("assigned to KV Namespace and D1 Database bindings").
 * Names are reported in the order the registry first meets them.
 */
function checkUniqueBindingNames(d: DiagnosticsTree, section: Entry): void {
  const kindsByName = new Map<string, string[]>();
  for (const descriptor of BINDINGS) {
    let entries: unknown;
    try {
      entries = descriptor.entries(section as unknown as WorkerConfig);
    } catch {
      continue; // A section of the wrong type, already reported.
    }
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      if (!isObject(entry)) continue;
      const name = descriptor.bindingName(entry);
      if (!isStr(name)) continue;
      const kinds = kindsByName.get(name) ?? [];
      kinds.push(descriptor.kind);
      kindsByName.set(name, kinds);
    }
  }
  let duplicated = false;
  // Made only for a duplicate: an Intl.ListFormat costs ~1 ms of every command's start.
  let list: Intl.ListFormat | undefined;
  for (const [name, kinds] of kindsByName) {
    if (kinds.length < 2) continue;
    duplicated = true;
    const distinct = [...new Set(kinds)];
    if (distinct.length > 1) d.errors.push(`${name} assigned to ${(list ??= new Intl.ListFormat("en-US", { style: "long", type: "conjunction" })).format(distinct)} bindings.`);
    for (const kind of distinct) {
      if (kinds.filter((k) => k === kind).length > 1) d.errors.push(`${name} assigned to multiple ${kind} bindings.`);
    }
  }
  if (duplicated) {
    d.errors.push(
      "Bindings must have unique names, so that they can all be referenced in the worker.\nPlease change your bindings to have unique names.",
    );
  }
}

const ROUTE_SHAPE = "{ pattern, custom_domain, zone_id | zone_name, enabled, previews_enabled }";
const ROUTE_FIELDS: Record<string, "string" | "boolean"> = {
  pattern: "string",
  custom_domain: "boolean",
  zone_id: "string",
  zone_name: "string",
  enabled: "boolean",
  previews_enabled: "boolean",
};

/**
 * A route as wrangler accepts it: a non-empty string, or an object with a string
 * pattern and at least one of zone_id / zone_name / custom_domain (not both
 * zones); enabled / previews_enabled only beside custom_domain; no other field.
 */
function validRoute(route: unknown): boolean {
  if (isStr(route)) return route !== "";
  if (!isObject(route) || !isStr(route.pattern)) return false;
  const has = (field: string) => field in route && typeof route[field] === ROUTE_FIELDS[field];
  const [zoneId, zoneName, custom, enabled, previews] = ["zone_id", "zone_name", "custom_domain", "enabled", "previews_enabled"].map(has);
  if ([zoneId, zoneName, custom, enabled, previews].filter(Boolean).length !== Object.keys(route).length - 1) return false;
  if (zoneId && zoneName) return false;
  if ((enabled || previews) && !custom) return false;
  return Boolean(zoneId || zoneName || custom);
}

function checkRoutes(d: DiagnosticsTree, section: Entry): void {
  if (section.route === "") {
    d.warnings.push(
      'The "route" field in your configuration is an empty string and will be ignored.\nPlease remove the "route" field from your configuration.',
    );
    delete section.route;
  }
  if (section.route !== undefined && !validRoute(section.route)) {
    d.errors.push(`Expected "route" to be either a string, or an object with shape ${ROUTE_SHAPE}, but got ${json(section.route)}.`);
  }
  if (section.route !== undefined && section.routes !== undefined) {
    d.errors.push('Expected exactly one of the following fields ["routes","route"].');
  }
  if (Array.isArray(section.routes)) {
    const invalid = section.routes.filter((route) => !validRoute(route));
    if (invalid.length > 0) {
      d.errors.push(
        `Expected "routes" to be an array of either strings or objects with the shape ${ROUTE_SHAPE}, but these weren't valid: ${JSON.stringify(invalid, null, 2)}.`,
      );
    }
  }
}

/**
 * Durable Object migrations as wrangler checks them: a string tag, class lists of strings,
 * rename / transfer pairs. Named without an environment's prefix, as wrangler names them.
 */
function checkMigrations(d: DiagnosticsTree, migrations: unknown[]): void {
  migrations.forEach((raw, i) => {
    const field = `migrations[${i}]`;
    const migration = isObject(raw) ? raw : {};
    warnUnknown(d, "migrations", migration, ["tag", "new_classes", "new_sqlite_classes", "renamed_classes", "transferred_classes", "deleted_classes"]);
    if (migration.tag === undefined) d.errors.push(`"${field}.tag" is a required field.`);
    else if (!isStr(migration.tag)) d.errors.push(`Expected "${field}.tag" to be of type string but got ${json(migration.tag)}.`);
    const classList = (key: string) => {
      const value = migration[key];
      if (value === undefined) return;
      if (!Array.isArray(value)) {
        d.errors.push(`Expected "${field}.${key}" to be an array of strings but got ${json(value)}`);
        return;
      }
      value.forEach((item, j) => {
        if (!isStr(item)) d.errors.push(`Expected "${field}.${key}.[${j}]" to be of type string but got ${json(item)}.`);
      });
    };
    const pairs = (key: string, fields: string[]) => {
      const value = migration[key];
      if (value === undefined) return;
      const ok = Array.isArray(value) && value.every((pair) => isObject(pair) && fields.every((f) => isStr(pair[f])));
      if (!ok) d.errors.push(`Expected "${field}.${key}" to be an array of "{${fields.map((f) => `${f}: string`).join(", ")}}" objects but got ${json(value)}.`);
    };
    classList("new_classes");
    classList("new_sqlite_classes");
    pairs("renamed_classes", ["from", "to"]);
    pairs("transferred_classes", ["from", "from_script", "to"]);
    classList("deleted_classes");
  });
}

function validateSection(d: DiagnosticsTree, section: Entry, configFile: string, configDir: string, envName?: string, top?: Entry): void {
  const prefix = top ? `env.${envName}.` : "";
  // Wrangler's first check of every section: fields it still calls experimental.
  for (const key of ["unsafe", "secrets"]) {
    if (key in section && !("WRANGLER_DISABLE_EXPERIMENTAL_WARNING" in process.env)) {
      d.warnings.push(`"${key}" fields are experimental and may change or break at any time.`);
    }
  }
  checkRoutes(d, section);
  if (section.account_id === "") {
    d.warnings.push(
      'The "account_id" field in your configuration is an empty string and will be ignored.\nPlease remove the "account_id" field from your configuration.',
    );
    delete section.account_id;
  }
  // Wrangler names inherited fields without the "env.<name>." prefix, binding fields with it.
  for (const [key, kind] of Object.entries(INHERITABLE)) {
    if (!CHECKED_AFTER_BINDINGS.includes(key)) checkType(d, key, section[key], kind);
  }
  if (section.name !== undefined && !(isStr(section.name) && /^$|^[a-z0-9_][a-z0-9-_]*$/.test(section.name as string))) {
    d.errors.push(
      `Expected "name" to be of type string, alphanumeric and lowercase with dashes only but got ${json(section.name)}.`,
    );
  }
  const triggers = section.triggers;
  if (isObject(triggers) && triggers.crons !== undefined && !Array.isArray(triggers.crons)) {
    d.errors.push(`Expected "triggers.crons" to be of type array, but got ${json(triggers)}.`);
  }
  // Wrangler checks crons only on deploy; a bad one is a config error here, before dev fires it.
  if (isObject(triggers) && Array.isArray(triggers.crons)) {
    triggers.crons.forEach((cron, i) => {
      const problem = isStr(cron) ? cronProblem(cron as string) : "expected a string";
      if (problem) d.errors.push(`"triggers.crons[${i}]" is not a valid cron expression: ${json(cron)} (${problem}).`);
    });
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
    if (key === "migrations") {
      // Wrangler's own words, without the environment's prefix or a full stop.
      if (Array.isArray(value)) checkMigrations(d, value);
      else d.errors.push(`The optional "migrations" field should be an array, but got ${json(value)}`);
      continue;
    }
    if (key === "tail_consumers" || key === "streaming_tail_consumers") {
      checkTailConsumers(d, key, value, key === "streaming_tail_consumers");
      continue;
    }
    if (!checkType(d, `${prefix}${key}`, value, kind, true)) continue;
    if (key === "containers") checkContainers(d, value as unknown[], section.name, top ? envName : undefined, configDir);
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
    for (const descriptor of BINDINGS) {
      if (descriptor.key.split(".")[0] !== key) continue;
      validateBindingSection(descriptor, { d, prefix, value, section, top, envName, configFile });
    }
    // No descriptor (bunflare has no browser to drive), but wrangler's check of one-table bindings all the same.
    if (key === "browser") validateNamedSimple(d, key, value);
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
  for (const key of CHECKED_AFTER_BINDINGS) {
    if (key === "cache") checkCache(d, section.cache);
    else if (key === "previews") checkPreviews(d, section.previews);
    else checkType(d, key, section[key], INHERITABLE[key]!);
  }
  if (isObject(section.durable_objects)) warnIfNoMigrations(d, section.durable_objects, section.migrations ?? top?.migrations, configFile);
}

/** The fields wrangler takes in `previews` (the settings of preview deployments). */
const PREVIEWS_FIELDS = [
  "vars", "define", "durable_objects", "workflows", "kv_namespaces", "send_email", "queues", "d1_databases", "r2_buckets",
  "vectorize", "hyperdrive", "services", "analytics_engine_datasets", "dispatch_namespaces", "mtls_certificates",
  "tail_consumers", "streaming_tail_consumers", "unsafe", "browser", "ai", "images", "stream", "media", "pipelines",
  "secrets_store_secrets", "artifacts", "unsafe_hello_world", "worker_loaders", "ratelimits", "vpc_services",
  "version_metadata", "logpush", "observability", "limits",
];

/**
 * `previews` as wrangler checks it: a table, unknown fields warned about, its tail consumers
 * checked as the section's are. (Its bindings are not checked yet: only a real deploy of a
 * preview reads them, which bunflare does not do.)
 */
function checkPreviews(d: DiagnosticsTree, previews: unknown): void {
  if (previews === undefined) return;
  if (!isObject(previews)) {
    d.errors.push(`The field "previews" should be an object but got ${json(previews)}.`);
    return;
  }
  warnUnknown(d, "previews", previews, PREVIEWS_FIELDS);
  checkTailConsumers(d, "previews.tail_consumers", previews.tail_consumers, false);
  checkTailConsumers(d, "previews.streaming_tail_consumers", previews.streaming_tail_consumers, true);
}

/**
 * `tail_consumers` / `streaming_tail_consumers` as wrangler checks them, named without an
 * environment's prefix: an array (a falsy value counts as none), each entry an object with a
 * string `service`; a tail consumer's optional `environment` a string too (checked only once
 * `service` is good). A streaming entry may not be an array; other fields pass unremarked.
 */
function checkTailConsumers(d: DiagnosticsTree, key: string, value: unknown, streaming: boolean): void {
  if (!value) return;
  if (!Array.isArray(value)) {
    d.errors.push(`Expected "${key}" to be an array but got ${json(value)}.`);
    return;
  }
  value.forEach((entry, i) => {
    const field = `${key}[${i}]`;
    if (typeof entry !== "object" || entry === null || (streaming && Array.isArray(entry))) {
      d.errors.push(`"${field}" should be an object but got ${json(entry)}.`);
      return;
    }
    const consumer = entry as Entry;
    const property = (name: string, required: boolean): boolean => {
      const item = consumer[name];
      if (item === undefined) {
        if (required) d.errors.push(`"${field}.${name}" is a required field.`);
        return !required;
      }
      if (typeof item === "string") return true;
      d.errors.push(`Expected "${field}.${name}" to be of type string but got ${json(item)}.`);
      return false;
    };
    if (property("service", true) && !streaming) property("environment", false);
  });
}

/**
 * `[[containers]]` as wrangler checks and normalises each entry (the fields dev and types
 * read; the rollout and instance settings only matter to a deploy): a class name, a name
 * defaulted from the section's own `name`, the class and (in an environment) the
 * environment's name, and an image that is a Dockerfile (made absolute, its directory
 * the build context unless one is given) or a registry path with a tag.
 */
function checkContainers(d: DiagnosticsTree, containers: unknown[], sectionName: unknown, envName: string | undefined, configDir: string): void {
  for (const entry of containers) {
    const app: Entry = isObject(entry) ? entry : {};
    if (app.class_name === undefined) d.errors.push(`"containers.class_name" is a required field.`);
    else if (!isStr(app.class_name)) d.errors.push(`Expected "containers.class_name" to be of type string but got ${json(app.class_name)}.`);
    if (app.name !== undefined && !isStr(app.name)) d.errors.push(`Expected "containers.name" to be of type string but got ${json(app.name)}.`);
    if (!app.name) {
      // Wrangler reads `name` from the section itself: an environment needs its own, or the entry's.
      if (!sectionName || (app.class_name !== undefined && !isStr(app.class_name))) {
        d.errors.push(`Must have either a top level "name" and "containers.class_name" field defined, or have field "containers.name" defined.`);
      }
      app.name = `${sectionName}-${app.class_name}${envName === undefined ? "" : `-${envName}`}`.toLowerCase().replace(/ /g, "-");
    }
    const configuration = app.configuration;
    const image = app.image ?? (isObject(configuration) ? configuration.image : undefined);
    if (!image) {
      d.errors.push(
        `"containers.image" field must be defined for each container app. This should be the path to your Dockerfile or an image URI pointing to the Cloudflare registry.`,
      );
    }
    if ("configuration" in app) {
      d.warnings.push(
        `"containers.configuration" is deprecated. Use top level "containers" fields instead. "configuration.image" should be "image", limits should be set via "instance_type".`,
      );
      if (!isObject(configuration)) d.errors.push(`"containers.configuration" should be an object`);
    }
    if (app.image_build_context !== undefined && !isStr(app.image_build_context)) {
      d.errors.push(`Expected "containers.image_build_context" to be of type string but got ${json(app.image_build_context)}.`);
    }
    if (!isStr(image)) continue;
    const file = path.resolve(configDir, image);
    const stat = statSync(file, { throwIfNoEntry: false });
    if (stat?.isDirectory()) {
      d.errors.push(`${image} is a directory, you should specify a path to the Dockerfile`);
    } else if (stat) {
      app.image = file;
      app.image_build_context = isStr(app.image_build_context) ? path.resolve(configDir, app.image_build_context) : path.dirname(file);
    } else {
      const problem = !URL.canParse(`https://${image}`)
        ? "Invalid URL"
        : !image.split("/").at(-1)!.includes(":")
          ? "If this is an image registry path, it needs to include at least a tag ':' (e.g: docker.io/httpd:1)"
          : image.includes("://")
            ? "Image reference should not include the protocol part (e.g: docker.io/httpd:1, not https://docker.io/httpd:1)"
            : undefined;
      if (problem) d.errors.push(`The image "${image}" does not appear to be a valid path to a Dockerfile, or a valid image registry path:\n${problem}`);
      app.image = image;
      app.image_build_context = undefined;
    }
  }
}

/** `cache = { enabled = true }` as wrangler checks it: a table with a boolean `enabled` and nothing else. */
function checkCache(d: DiagnosticsTree, cache: unknown): void {
  if (cache === undefined) return;
  // Wrangler's test is typeof "object", so an array passes it and fails on its fields.
  if (typeof cache !== "object" || cache === null) {
    d.errors.push(`"cache" should be an object but got ${json(cache)}.`);
    return;
  }
  const { enabled } = cache as Entry;
  if (enabled === undefined) d.errors.push(`"cache.enabled" is a required field.`);
  else if (typeof enabled !== "boolean") d.errors.push(`Expected "cache.enabled" to be of type boolean but got ${json(enabled)}.`);
  warnUnknown(d, "cache", cache as Entry, ["enabled"]);
}

const DEV_FIELDS: [string, "string" | "number" | "boolean", string[]?][] = [
  ["ip", "string"],
  ["port", "number"],
  ["inspector_port", "number"],
  ["inspector_ip", "string"],
  ["local_protocol", "string", ["http", "https"]],
  ["upstream_protocol", "string", ["http", "https"]],
  ["host", "string"],
  ["enable_containers", "boolean"],
  ["container_engine", "string"],
  ["generate_types", "boolean"],
];

/** `[dev]` as wrangler checks it for every command: each field's type, the protocols' values, unknown fields warned. */
function checkDev(d: DiagnosticsTree, dev: unknown): void {
  if (!isObject(dev)) return;
  warnUnknown(d, "dev", dev, DEV_FIELDS.map(([key]) => key));
  // Wrangler's upstream protocol defaults to the local one, so a bad local_protocol is reported twice.
  const values: Entry = { ...dev, upstream_protocol: dev.upstream_protocol ?? dev.local_protocol };
  for (const [key, type, choices] of DEV_FIELDS) {
    const value = values[key];
    if (value === undefined) continue;
    if (typeof value !== type) d.errors.push(`Expected "dev.${key}" to be of type ${type} but got ${json(value)}.`);
    else if (choices && !choices.includes(value as string)) d.errors.push(`Expected "dev.${key}" field to be one of ${json(choices)} but got ${json(value)}.`);
  }
}

/** Wrangler checks `alias` after the top level's own fields, as a map of module names to strings. */
function checkAlias(d: DiagnosticsTree, alias: unknown): void {
  if (alias === undefined) return;
  if (alias === null || typeof alias !== "object") {
    d.errors.push(`Expected alias to be an object, but got ${typeof alias}`);
    return;
  }
  for (const [key, value] of Object.entries(alias)) {
    if (typeof value !== "string") d.errors.push(`Expected alias["${key}"] to be a string, but got ${typeof value}`);
  }
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
  /** Where paths in the config (a container's Dockerfile) are relative to. */
  configDir: string,
): WorkerConfig {
  const topKnown = [...Object.keys(INHERITABLE), ...Object.keys(NOT_INHERITABLE), ...Object.keys(TOP_LEVEL_ONLY)];
  warnUnknown(diagnostics, "top-level", raw, topKnown);
  for (const [key, kind] of Object.entries(TOP_LEVEL_ONLY)) checkType(diagnostics, key, raw[key], kind);
  validateSection(diagnostics, raw, configFileName, configDir);

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
      validateSection(envDiagnostics, section, configFileName, configDir, envName, raw);
      warnUnknown(envDiagnostics, `env.${envName}`, section, [...Object.keys(INHERITABLE), ...Object.keys(NOT_INHERITABLE)]);
      // Like wrangler: the names of the environment in use, reported at the top, before its own section.
      checkUniqueBindingNames(diagnostics, section);
      diagnostics.addChild(envDiagnostics);
    }
  }
  if (section === raw) checkUniqueBindingNames(diagnostics, raw);
  // Wrangler checks these top-level tables after the environment in use.
  checkDev(diagnostics, raw.dev);
  checkAlias(diagnostics, raw.alias);

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
    // Wrangler accepts a falsy value as none (and then fails on it); bunflare takes it as none throughout.
    tail_consumers: arrayOr(merged.tail_consumers),
    streaming_tail_consumers: arrayOr(merged.streaming_tail_consumers),
    workflows: arrayOr(merged.workflows),
    containers: arrayOr(merged.containers),
    triggers: { crons: arrayOr<string>(triggers.crons) },
    dev: objectOr(merged.dev) as WorkerConfig["dev"],
  };
}
