// The parts of wrangler's config that bunflare reads, after environment
// resolution. Each binding's entry type lives in its folder under
// runtime/bindings/; src/config/types.ts re-exports all of them, so nothing
// in runtime/ imports from src/. Unknown keys are kept (and warned about) so
// later features can read them without a schema change.
import type { KVNamespaceConfig } from "./bindings/kv/config.ts";
import type { R2BucketConfig } from "./bindings/r2/config.ts";
import type { D1DatabaseConfig } from "./bindings/d1/config.ts";
import type { DurableObjectBindingConfig } from "./bindings/durable-objects/config.ts";
import type { QueueConsumerConfig, QueueProducerConfig } from "./bindings/queues/config.ts";
import type { ServiceBindingConfig } from "./bindings/service/config.ts";
import type { WorkflowConfig } from "./bindings/workflows/config.ts";
import type { AssetsConfig } from "./bindings/assets/config.ts";

export type {
  KVNamespaceConfig,
  R2BucketConfig,
  D1DatabaseConfig,
  DurableObjectBindingConfig,
  QueueConsumerConfig,
  QueueProducerConfig,
  ServiceBindingConfig,
  WorkflowConfig,
  AssetsConfig,
};

export interface ModuleRule {
  type: "ESModule" | "CommonJS" | "CompiledWasm" | "Text" | "Data" | "PythonModule" | "PythonRequirement";
  globs: string[];
  fallthrough?: boolean;
}

export interface BuildConfig {
  command?: string;
  cwd?: string;
  watch_dir?: string | string[];
}

export interface DevConfig {
  ip?: string;
  port?: number;
  local_protocol?: "http" | "https";
  upstream_protocol?: "http" | "https";
  host?: string;
  inspector_port?: number;
  enable_containers?: boolean;
}

/** A `[[containers]]` entry as wrangler normalises it: its name defaulted, a Dockerfile's path made absolute. */
export interface ContainerConfig {
  class_name: string;
  name: string;
  image: string;
  image_build_context?: string;
  [key: string]: unknown;
}

/** A worker's config after environment resolution. */
export interface WorkerConfig {
  name?: string;
  main?: string;
  compatibility_date?: string;
  compatibility_flags: string[];
  account_id?: string;
  workers_dev?: boolean;
  routes?: unknown[];
  route?: unknown;
  minify?: boolean;
  no_bundle?: boolean;
  find_additional_modules?: boolean;
  base_dir?: string;
  preserve_file_names?: boolean;
  rules: ModuleRule[];
  tsconfig?: string;
  jsx_factory?: string;
  jsx_fragment?: string;
  build: BuildConfig;
  define: Record<string, string>;
  alias?: Record<string, string>;
  vars: Record<string, unknown>;
  kv_namespaces: KVNamespaceConfig[];
  r2_buckets: R2BucketConfig[];
  d1_databases: D1DatabaseConfig[];
  durable_objects: { bindings: DurableObjectBindingConfig[] };
  migrations: unknown[];
  queues: { producers: QueueProducerConfig[]; consumers: QueueConsumerConfig[] };
  services: ServiceBindingConfig[];
  /** Workers that get this one's tail events (`tail()`); streaming ones (`tailStream()`) are only listed at start. */
  tail_consumers?: { service: string }[];
  streaming_tail_consumers?: { service: string }[];
  workflows: WorkflowConfig[];
  triggers: { crons: string[] };
  assets?: AssetsConfig;
  containers: ContainerConfig[];
  dev: DevConfig;
  [key: string]: unknown;
}
