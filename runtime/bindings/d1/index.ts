// D1: one implementation for env.DB in a worker and `bunflare d1 ...` on the CLI.
import type { Store } from "../../store/index.ts";
import type { D1DatabaseConfig } from "../../../src/config/types.ts";

/** The local database a binding uses (preview_database_id with --preview, else database_id, else name, else binding). */
export function d1DatabaseIdFor(binding: D1DatabaseConfig, preview = false): string {
  return (
    (preview ? binding.preview_database_id : binding.database_id) ??
    binding.database_id ??
    binding.database_name ??
    binding.binding
  );
}

export function createD1Database(store: Store, databaseId: string): unknown {
  throw new Error(`D1 is not implemented yet (database ${databaseId} in ${store.dir})`);
}
