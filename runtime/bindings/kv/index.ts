// KV: one implementation for env.KV in a worker and `bunflare kv ...` on the CLI.
import type { Store } from "../../store/index.ts";
import type { KVNamespaceConfig } from "../../../src/config/types.ts";

/** The namespace id a binding reads and writes locally (wrangler: preview_id with --preview, else id, else the binding name). */
export function kvNamespaceIdFor(binding: KVNamespaceConfig, preview = false): string {
  return (preview ? binding.preview_id : binding.id) ?? binding.id ?? binding.binding;
}

export function createKVNamespace(store: Store, namespaceId: string): unknown {
  throw new Error(`KV is not implemented yet (namespace ${namespaceId} in ${store.dir})`);
}
