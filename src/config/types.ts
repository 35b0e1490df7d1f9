// The parts of wrangler's config that bunflare reads. Unknown keys are kept
// (and warned about) so later features can read them without a schema change.

export interface KVNamespaceConfig {
  binding: string;
  id?: string;
  preview_id?: string;
}

export interface R2BucketConfig {
  binding: string;
  bucket_name?: string;
  preview_bucket_name?: string;
  jurisdiction?: string;
}

export interface D1DatabaseConfig {
  binding: string;
  database_name?: string;
  database_id?: string;
  preview_database_id?: string;
  migrations_dir?: string;
  migrations_table?: string;
}

export interface DurableObjectBindingConfig {
  name: string;
  class_name: string;
  script_name?: string;
}

export interface QueueProducerConfig {
  binding: string;
  queue: string;
  delivery_delay?: number;
}

export interface QueueConsumerConfig {
  queue: string;
  max_batch_size?: number;
  max_batch_timeout?: number;
  max_retries?: number;
  dead_letter_queue?: string;
  retry_delay?: number;
  max_concurrency?: number | null;
}

export interface ServiceBindingConfig {
  binding: string;
  service: string;
  entrypoint?: string;
  environment?: string;
}

export interface WorkflowConfig {
  binding: string;
  name: string;
  class_name: string;
  script_name?: string;
}

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

export interface AssetsConfig {
  directory?: string;
  binding?: string;
  html_handling?: "auto-trailing-slash" | "force-trailing-slash" | "drop-trailing-slash" | "none";
  not_found_handling?: "single-page-application" | "404-page" | "none";
  run_worker_first?: boolean | string[];
}

export interface DevConfig {
  ip?: string;
  port?: number;
  local_protocol?: "http" | "https";
  upstream_protocol?: "http" | "https";
  host?: string;
  inspector_port?: number;
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
  workflows: WorkflowConfig[];
  triggers: { crons: string[] };
  assets?: AssetsConfig;
  dev: DevConfig;
  [key: string]: unknown;
}
