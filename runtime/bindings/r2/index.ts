// R2: one implementation for env.BUCKET in a worker and `bunflare r2 ...` on the CLI.
import type { Store } from "../../store/index.ts";
import type { R2BucketConfig } from "../../../src/config/types.ts";

/** The bucket a binding uses locally (preview_bucket_name with --preview, else bucket_name, else the binding name). */
export function r2BucketNameFor(binding: R2BucketConfig, preview = false): string {
  return (preview ? binding.preview_bucket_name : binding.bucket_name) ?? binding.bucket_name ?? binding.binding;
}

export function createR2Bucket(store: Store, bucketName: string): unknown {
  throw new Error(`R2 is not implemented yet (bucket ${bucketName} in ${store.dir})`);
}
