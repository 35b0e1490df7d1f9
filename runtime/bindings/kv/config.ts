// A `kv_namespaces` entry of the wrangler config.
export interface KVNamespaceConfig {
  binding: string;
  id?: string;
  preview_id?: string;
}
