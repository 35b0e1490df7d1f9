// An `r2_buckets` entry of the wrangler config.
export interface R2BucketConfig {
  binding: string;
  bucket_name?: string;
  preview_bucket_name?: string;
  jurisdiction?: string;
}
