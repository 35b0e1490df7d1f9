// D1's limits, as documented for the Workers runtime. Validation and tests read
// these; behaviour code assumes input already passed validation.
export const D1_LIMITS = {
  /** Bound parameters per query (workerd builds SQLite with this SQLITE_MAX_VARIABLE_NUMBER). */
  maxBoundParameters: 100,
  /** Bytes of SQL in one prepare (workerd's SQLITE_MAX_SQL_LENGTH). */
  maxStatementBytes: 100_000,
} as const;

/** What `meta.served_by` says for a local database (the same as Miniflare's). */
export const SERVED_BY = "miniflare.db";
