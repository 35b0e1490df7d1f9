// The upload wrangler sends Cloudflare's API for a Worker, and writes with `--outfile` on a
// dry run: multipart form data with a `metadata` part (the script's settings and bindings in
// the API's shapes) and each module as a file part typed by its module type. Written here in
// the same order, shapes and framing as wrangler 4.86's form (undici's serialisation), so a
// tool that reads wrangler's file reads this one; only the boundary is random.
import { randomInt } from "node:crypto";
import type { WorkerConfig } from "../config/types.ts";

/** Wrangler's module types (`esm`, `commonjs`, `compiled-wasm`, `buffer`, `text`, ...). */
export type ModuleType = "esm" | "commonjs" | "compiled-wasm" | "buffer" | "text" | "python" | "python-requirement";

export const MODULE_MIME_TYPES: Record<ModuleType, string> = {
  esm: "application/javascript+module",
  commonjs: "application/javascript",
  "compiled-wasm": "application/wasm",
  buffer: "application/octet-stream",
  text: "text/plain",
  python: "text/x-python",
  "python-requirement": "text/x-python-requirement",
};

/** A module of the upload: its name (also its part's), content and type. */
export interface UploadModule {
  name: string;
  content: string | Uint8Array;
  type: ModuleType;
}

/** One part of a form: a plain value (no file name nor type), or a file. */
export interface FormPart {
  name: string;
  value: string | Uint8Array;
  /** Set for a file part. */
  file?: { filename: string; type: string };
}

/**
 * A form's parts in order, with FormData's `set`: a name set again keeps its first place
 * (and drops any later ones), as wrangler's FormData does.
 */
export class UploadForm {
  readonly parts: FormPart[] = [];
  set(part: FormPart): void {
    const at = this.parts.findIndex((existing) => existing.name === part.name);
    if (at < 0) {
      this.parts.push(part);
      return;
    }
    this.parts[at] = part;
    for (let i = this.parts.length - 1; i > at; i--) if (this.parts[i]!.name === part.name) this.parts.splice(i, 1);
  }
  setFile(name: string, content: string | Uint8Array, filename: string, type: string): void {
    this.set({ name, value: content, file: { filename, type } });
  }

  /** The form as multipart/form-data bytes, undici's framing (CRLF, its boundary's shape and ending). */
  serialize(boundary = randomBoundary()): Buffer {
    const lines = (text: string) => text.replace(/\r?\n|\r/g, "\r\n");
    const escape = (text: string) => text.replace(/\n/g, "%0A").replace(/\r/g, "%0D").replace(/"/g, "%22");
    const chunks: Buffer[] = [];
    for (const part of this.parts) {
      let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escape(lines(part.name))}"`;
      if (part.file) {
        head += `; filename="${escape(part.file.filename)}"\r\nContent-Type: ${part.file.type || "application/octet-stream"}\r\n\r\n`;
        chunks.push(Buffer.from(head), Buffer.from(part.value), Buffer.from("\r\n"));
      } else {
        // A plain value's line breaks go as CRLF (a file's bytes as they are).
        const text = typeof part.value === "string" ? part.value : new TextDecoder().decode(part.value);
        chunks.push(Buffer.from(`${head}\r\n\r\n${lines(text)}\r\n`));
      }
    }
    chunks.push(Buffer.from(`--${boundary}--\r\n`));
    return Buffer.concat(chunks);
  }
}

/** A boundary of undici's shape: `----formdata-undici-0` and eleven random digits. */
export function randomBoundary(): string {
  const digits = String(randomInt(0, 1e11 - 1)).padStart(11, "0");
  return `----formdata-undici-0${digits}`;
}

/** What the upload of one Worker is made of. */
export interface UploadSpec {
  config: WorkerConfig;
  /** `--var` values, over the config's vars (plain text, as wrangler sends them). */
  cliVars: Record<string, string>;
  /** `--secrets-file` values (secret text; the previous deployment's other secrets are kept). */
  secrets?: Record<string, string>;
  main: UploadModule;
  modules: UploadModule[];
  /** Source maps to upload (`upload_source_maps`): name and JSON text. */
  sourceMaps?: { name: string; content: string }[];
  command: "deploy" | "versions upload";
  keepVars?: boolean;
  logpush?: boolean;
  tag?: string;
  message?: string;
  previewAlias?: string;
}

type Entry = Record<string, unknown>;
const list = (value: unknown): Entry[] => (Array.isArray(value) ? (value as Entry[]) : []);
const object = (value: unknown): Entry | undefined => (value && typeof value === "object" && !Array.isArray(value) ? (value as Entry) : undefined);

/**
 * The `bindings` of the metadata, grouped by type in the order wrangler's form lists them,
 * each type's entries in config order, with the API's field names. A dry run's KV namespace,
 * R2 bucket or D1 database without an id goes as `inherit`, as wrangler sends it.
 */
export function metadataBindings(config: WorkerConfig, cliVars: Record<string, string>, { pages = false, secrets = {} as Record<string, string> } = {}): Entry[] {
  const out: Entry[] = [];
  // A Pages project's Worker takes none of the Workers-only kinds.
  if (pages) {
    config = { ...config, send_email: undefined, dispatch_namespaces: undefined, logfwdr: undefined, unsafe: undefined, pipelines: undefined, unsafe_hello_world: undefined };
    config.assets = undefined;
  }
  // Vars (config, then --var replacing one of the same name in place): strings are plain text, anything else JSON.
  const vars = new Map<string, unknown>(Object.entries(config.vars ?? {}));
  for (const [name, value] of Object.entries(cliVars)) vars.set(name, value);
  // A secret (--secrets-file) replaces a var of its name.
  for (const name of Object.keys(secrets)) vars.delete(name);
  // Required secrets no binding provides are inherited from the deployed Worker.
  const secretsConfig = object(config.secrets);
  const taken = new Set<string>([...vars.keys(), ...Object.keys(secrets)]);
  for (const name of Array.isArray(secretsConfig?.required) ? (secretsConfig.required as string[]) : []) {
    if (!taken.has(name)) out.push({ name, type: "inherit" });
  }
  for (const [name, value] of vars) if (typeof value === "string") out.push({ name, type: "plain_text", text: value });
  for (const [name, value] of vars) if (typeof value !== "string") out.push({ name, type: "json", json: value });
  for (const [name, value] of Object.entries(secrets)) out.push({ name, type: "secret_text", text: value });
  const inherit = (name: unknown) => out.push({ name, type: "inherit" });
  for (const kv of list(config.kv_namespaces)) {
    if (kv.id === undefined) inherit(kv.binding);
    else out.push({ name: kv.binding, type: "kv_namespace", namespace_id: kv.id, raw: kv.raw });
  }
  for (const email of list(config.send_email)) {
    out.push({
      name: email.name,
      type: "send_email",
      destination_address: email.destination_address,
      allowed_destination_addresses: email.allowed_destination_addresses,
      allowed_sender_addresses: email.allowed_sender_addresses,
    });
  }
  for (const durable of list(config.durable_objects?.bindings)) {
    out.push({
      name: durable.name,
      type: "durable_object_namespace",
      class_name: durable.class_name,
      ...(durable.script_name ? { script_name: durable.script_name } : {}),
      ...(durable.environment ? { environment: durable.environment } : {}),
    });
  }
  for (const flow of list(config.workflows)) {
    out.push({ type: "workflow", name: flow.binding, workflow_name: flow.name, class_name: flow.class_name, script_name: flow.script_name, raw: flow.raw });
  }
  for (const queue of list(config.queues?.producers)) {
    out.push({ type: "queue", name: queue.binding, queue_name: queue.queue, delivery_delay: queue.delivery_delay, raw: queue.raw });
  }
  for (const bucket of list(config.r2_buckets)) {
    if (bucket.bucket_name === undefined) inherit(bucket.binding);
    else out.push({ name: bucket.binding, type: "r2_bucket", bucket_name: bucket.bucket_name, jurisdiction: bucket.jurisdiction, raw: bucket.raw });
  }
  for (const db of list(config.d1_databases)) {
    if (db.database_id === undefined) inherit(db.binding);
    else out.push({ name: db.binding, type: "d1", id: db.database_id, internalEnv: db.database_internal_env, raw: db.raw });
  }
  for (const index of list(config.vectorize)) out.push({ name: index.binding, type: "vectorize", index_name: index.index_name, raw: index.raw });
  for (const ns of list(config.ai_search_namespaces)) {
    if (ns.namespace === undefined) inherit(ns.binding);
    else out.push({ name: ns.binding, type: "ai_search_namespace", namespace: ns.namespace });
  }
  for (const search of list(config.ai_search)) out.push({ name: search.binding, type: "ai_search", instance_name: search.instance_name });
  for (const hd of list(config.hyperdrive)) out.push({ name: hd.binding, type: "hyperdrive", id: hd.id });
  for (const secret of list(config.secrets_store_secrets)) {
    out.push({ name: secret.binding, type: "secrets_store_secret", store_id: secret.store_id, secret_name: secret.secret_name });
  }
  for (const artifact of list(config.artifacts)) out.push({ name: artifact.binding, type: "artifacts", namespace: artifact.namespace });
  for (const hello of list(config.unsafe_hello_world)) out.push({ name: hello.binding, type: "unsafe_hello_world", enable_timer: hello.enable_timer });
  for (const flag of list(config.flagship)) out.push({ name: flag.binding, type: "flagship", app_id: flag.app_id });
  for (const limit of list(config.ratelimits)) out.push({ name: limit.name, type: "ratelimit", namespace_id: limit.namespace_id, simple: limit.simple });
  for (const vpc of list(config.vpc_services)) out.push({ name: vpc.binding, type: "vpc_service", service_id: vpc.service_id });
  for (const vpc of list(config.vpc_networks)) {
    out.push({ name: vpc.binding, type: "vpc_network", ...(vpc.tunnel_id !== undefined ? { tunnel_id: vpc.tunnel_id } : { network_id: vpc.network_id }) });
  }
  for (const service of list(config.services)) {
    out.push({
      name: service.binding,
      type: "service",
      service: service.service,
      cross_account_grant: service.cross_account_grant,
      ...(service.environment ? { environment: service.environment } : {}),
      ...(service.entrypoint ? { entrypoint: service.entrypoint } : {}),
      ...(service.props ? { props: service.props } : {}),
    });
  }
  for (const dataset of list(config.analytics_engine_datasets)) out.push({ name: dataset.binding, type: "analytics_engine", dataset: dataset.dataset });
  for (const ns of list(config.dispatch_namespaces)) {
    const outbound = object(ns.outbound);
    out.push({
      name: ns.binding,
      type: "dispatch_namespace",
      namespace: ns.namespace,
      ...(outbound
        ? {
            outbound: {
              worker: { service: outbound.service, environment: outbound.environment },
              params: Array.isArray(outbound.parameters) ? (outbound.parameters as unknown[]).map((name) => ({ name })) : undefined,
            },
          }
        : {}),
    });
  }
  for (const cert of list(config.mtls_certificates)) out.push({ name: cert.binding, type: "mtls_certificate", certificate_id: cert.certificate_id });
  for (const pipeline of list(config.pipelines)) out.push({ name: pipeline.binding, type: "pipelines", pipeline: pipeline.pipeline });
  for (const loader of list(config.worker_loaders)) out.push({ name: loader.binding, type: "worker_loader" });
  for (const fwd of list(object(config.logfwdr)?.bindings)) out.push({ name: fwd.name, type: "logfwdr", destination: fwd.destination });
  const browser = object(config.browser);
  if (browser) out.push({ name: browser.binding, type: "browser", raw: browser.raw });
  const ai = object(config.ai);
  if (ai) out.push({ name: ai.binding, staging: ai.staging, type: "ai", raw: ai.raw });
  const images = object(config.images);
  if (images) out.push({ name: images.binding, type: "images", raw: images.raw });
  for (const key of ["stream", "media", "version_metadata"] as const) {
    const entry = object(config[key]);
    if (entry) out.push({ name: entry.binding, type: key });
  }
  if (config.assets?.binding) out.push({ name: config.assets.binding, type: "assets" });
  // Unsafe bindings: their type without the prefix, the rest of the entry as written.
  for (const { type, name, ...data } of list(object(config.unsafe)?.bindings)) {
    if (type === "hello_world") continue;
    out.push({ name, type, ...data });
  }
  return out;
}

/** wrangler's `placement` of the metadata: smart (with a hint), targeted, or none. */
function placementOf(config: WorkerConfig): Entry | undefined {
  const placement = object(config.placement);
  if (!placement) return undefined;
  const hint = placement.hint;
  if (!hint && placement.mode === "off") return undefined;
  if (hint || placement.mode === "smart") return { mode: "smart", hint };
  for (const key of ["region", "host", "hostname"]) if (placement[key]) return { mode: "targeted", [key]: placement[key] };
  return undefined;
}

/**
 * The upload `pages functions build` writes (`_worker.bundle`, or --outfile): the main module and
 * its modules; the metadata names the main module and, only when a Pages config was read
 * (--project-directory with --build-metadata-path), its bindings, compatibility settings,
 * placement and limits.
 */
export function pagesUploadForm(main: UploadModule, modules: UploadModule[], config?: WorkerConfig): UploadForm {
  const form = new UploadForm();
  const placement = config ? placementOf(config) : undefined;
  const metadata: Entry = {
    main_module: main.name,
    ...(config ? { bindings: metadataBindings(config, {}, { pages: true }) } : {}),
    ...(config?.compatibility_date ? { compatibility_date: config.compatibility_date } : {}),
    ...(config ? { compatibility_flags: config.compatibility_flags ?? [] } : {}),
    ...(placement ? { placement } : {}),
    ...(config?.limits ? { limits: config.limits } : {}),
  };
  form.set({ name: "metadata", value: JSON.stringify(metadata) });
  for (const module of [main, ...modules]) form.setFile(module.name, module.content, module.name, MODULE_MIME_TYPES[module.type]);
  return form;
}

/** The upload as wrangler's dry run builds it: the metadata part, then the main module, the others and any source maps. */
export function uploadForm(spec: UploadSpec): UploadForm {
  const { config, main, command } = spec;
  const form = new UploadForm();
  const bindings = metadataBindings(config, spec.cliVars, { secrets: spec.secrets });
  let modules = [...spec.modules];
  // A service worker (one body part) takes its text, data and wasm modules as bindings of their own.
  if (main.type === "commonjs") {
    for (const module of spec.modules) {
      if (module.type !== "compiled-wasm" && module.type !== "text" && module.type !== "buffer") continue;
      const name = module.name.replace(/[^a-zA-Z0-9_$]/g, "_");
      const kind = module.type === "compiled-wasm" ? "wasm_module" : module.type === "text" ? "text_blob" : "data_blob";
      bindings.push({ name, type: kind, part: name });
      form.setFile(name, module.content, module.name, MODULE_MIME_TYPES[module.type]);
      modules = modules.filter((other) => other !== module);
    }
  }
  const deploy = command === "deploy";
  const keepVars = Boolean(spec.keepVars);
  const keepSecrets = deploy ? keepVars || spec.secrets !== undefined : true;
  const keep = [...(keepVars ? ["plain_text", "json"] : []), ...(keepSecrets ? ["secret_text", "secret_key"] : [])];
  const unsafeMetadata = object(object(config.unsafe)?.metadata);
  const annotations = deploy
    ? spec.tag || spec.message
      ? { "workers/message": spec.message, "workers/tag": spec.tag }
      : undefined
    : { "workers/message": spec.message, "workers/tag": spec.tag, "workers/alias": spec.previewAlias };
  const logpush = deploy ? (spec.logpush ?? (config.logpush as boolean | undefined)) : undefined;
  const placement = placementOf(config);
  const metadata: Entry = {
    ...(main.type !== "commonjs" ? { main_module: main.name } : { body_part: main.name }),
    bindings,
    containers: config.containers?.length ? config.containers.map((container) => ({ class_name: container.class_name })) : undefined,
    ...(config.compatibility_date ? { compatibility_date: config.compatibility_date } : {}),
    compatibility_flags: config.compatibility_flags ?? [],
    ...(keep.length ? { keep_bindings: keep } : {}),
    ...(logpush !== undefined ? { logpush } : {}),
    ...(placement ? { placement } : {}),
    ...(config.tail_consumers?.length ? { tail_consumers: config.tail_consumers } : {}),
    ...(deploy && config.streaming_tail_consumers?.length ? { streaming_tail_consumers: config.streaming_tail_consumers } : {}),
    ...(config.limits ? { limits: config.limits } : {}),
    ...(annotations ? { annotations } : {}),
    ...(deploy && config.observability ? { observability: config.observability } : {}),
    ...(config.cache ? { cache_options: config.cache } : {}),
  };
  for (const [key, value] of Object.entries(unsafeMetadata ?? {})) metadata[key] = value;
  form.set({ name: "metadata", value: JSON.stringify(metadata) });
  for (const module of [main, ...modules]) form.setFile(module.name, module.content, module.name, MODULE_MIME_TYPES[module.type]);
  for (const map of spec.sourceMaps ?? []) form.setFile(map.name, map.content, map.name, "application/source-map");
  return form;
}
