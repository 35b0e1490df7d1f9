// R2's limits, read by the validation, the errors and the tests alike.
export const R2_LIMITS = {
  /** Keys are at most 1,024 bytes of UTF-8. */
  maxKeyBytes: 1024,
  /** A single put: 5 GiB - 5 MiB, as R2 and Miniflare enforce. */
  maxValueBytes: 5_363_466_240,
  /** Custom metadata keys + values, counted as the runtime serialises them. */
  maxMetadataBytes: 2048,
  /** `list({ limit })` is 1..1000; with `include` the runtime caps pages at 100. */
  maxListKeys: 1000,
  maxListKeysWithInclude: 100,
  /** Every multipart part but the last must be at least 5 MiB. */
  minPartBytes: 5 * 1024 * 1024,
  maxPartNumber: 10_000,
} as const;

/** The runtime's checksum algorithms: option name, display name, digest length in bytes. */
export const HASH_ALGORITHMS = [
  { field: "md5", name: "MD5", hasher: "md5", bytes: 16 },
  { field: "sha1", name: "SHA-1", hasher: "sha1", bytes: 20 },
  { field: "sha256", name: "SHA-256", hasher: "sha256", bytes: 32 },
  { field: "sha384", name: "SHA-384", hasher: "sha384", bytes: 48 },
  { field: "sha512", name: "SHA-512", hasher: "sha512", bytes: 64 },
] as const;

export type HashField = (typeof HASH_ALGORITHMS)[number]["field"];

/** R2's v4 error codes, which the runtime appends to its messages. */
export const R2_ERROR_CODES = {
  INTERNAL_ERROR: 10001,
  NO_SUCH_OBJECT_KEY: 10007,
  ENTITY_TOO_LARGE: 100100,
  ENTITY_TOO_SMALL: 10011,
  METADATA_TOO_LARGE: 10012,
  INVALID_OBJECT_NAME: 10020,
  INVALID_MAX_KEYS: 10022,
  NO_SUCH_UPLOAD: 10024,
  INVALID_PART: 10025,
  PRECONDITION_FAILED: 10031,
  BAD_DIGEST: 10037,
  INVALID_RANGE: 10039,
  BAD_UPLOAD: 10048,
} as const;
