// Durable Object limits. Value sizes are production's documented ones
// (developers.cloudflare.com/durable-objects/platform/limits/): local workerd
// does not enforce them, we do, so an app that would fail once deployed fails
// here first, with the same words. Keys are bounded only by workerd's SQLite
// limits, as under wrangler dev. The rest are runtime behaviour or our own bounds.
export const DurableObjectLimits = {
  /** workerd's SQLITE_LIMIT_LENGTH: UTF-8 bytes of one string, blob or row (a KV key, a KV pair, a sql.exec binding). */
  MAX_SQLITE_LENGTH: 2_200_000,
  /** workerd's SQLITE_LIMIT_SQL_LENGTH: UTF-8 bytes of the SQL text of one sql.exec call. */
  MAX_SQL_LENGTH: 100_000,
  /** Serialized bytes of one value in a KV-backed object. */
  MAX_VALUE_SIZE_KV: 128 * 1024,
  /** Serialized bytes of one value in a SQLite-backed object. */
  MAX_VALUE_SIZE_SQLITE: 2 * 1024 * 1024,
  /** The runtime lets the serialization header push a value this far past the advertised size. */
  VALUE_SIZE_CUSHION: 34,
  /** Object databases a namespace keeps open at once (bunflare's own bound, for file descriptors). */
  MAX_OPEN_DATABASES: 64,
  /** Tags per hibernatable WebSocket, and characters per tag. */
  MAX_WEBSOCKET_TAGS: 10,
  MAX_WEBSOCKET_TAG_LENGTH: 256,
  /** Alarm handler retries after a throw, then the alarm is dropped. */
  MAX_ALARM_RETRIES: 6,
  /** First retry delay; doubles each time (2 s, 4 s, 8 s, ...). */
  ALARM_RETRY_BASE_MS: 2000,
} as const;
