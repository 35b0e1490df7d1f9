// The limits the Workers runtime enforces on KV, in one table that the
// validation, the CLI and the tests all read.
export const KV_LIMITS = {
  /** Key length in UTF-8 bytes. */
  maxKeyBytes: 512,
  /** Value length in bytes: 25 MiB. */
  maxValueBytes: 25 * 1024 * 1024,
  /** Metadata length in bytes of its JSON serialisation. */
  maxMetadataBytes: 1024,
  /** `expirationTtl`, and how far in the future `expiration` must be, in seconds. */
  minExpirationTtl: 60,
  /** `cacheTtl` on reads, in seconds. */
  minCacheTtl: 30,
  /** Keys in one bulk `get(keys[])`. */
  maxBulkGetKeys: 100,
  /** Keys per `list()` page, also its default. */
  maxListLimit: 1000,
} as const;
