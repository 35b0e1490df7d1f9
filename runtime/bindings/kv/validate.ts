// Input validation for KV, throwing the messages the Workers runtime throws
// (observed under workerd): TypeErrors for malformed keys and arguments,
// "KV <OP> failed: <status> ..." Errors for what the KV service rejects.
import { KV_LIMITS } from "./limits.ts";

export type KVOperation = "GET" | "PUT" | "DELETE" | "GET_BULK";
export type KVValueType = "text" | "json" | "arrayBuffer" | "stream";

const encoder = new TextEncoder();

export function byteLength(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

export function serviceError(op: KVOperation, status: number, message: string): Error {
  return new Error(`KV ${op} failed: ${status} ${message}`);
}

/** Keys are coerced to strings the way WebIDL does (`put(123, ...)` writes "123"). */
export function validateKey(op: KVOperation, key: unknown): string {
  const name = String(key);
  if (name === "") throw new TypeError("Key name cannot be empty.");
  if (name === "." || name === "..") throw new TypeError(`"${name}" is not allowed as a key name.`);
  checkKeyLength(op, name);
  return name;
}

export function checkKeyLength(op: KVOperation, name: string): void {
  const length = byteLength(name);
  if (length > KV_LIMITS.maxKeyBytes) {
    throw serviceError(op, 414, `UTF-8 encoded length of ${length} exceeds key length limit of ${KV_LIMITS.maxKeyBytes}.`);
  }
}

export interface ReadOptions {
  type: KVValueType;
  cacheTtl?: number;
}

/** The second argument of get/getWithMetadata: a type name, or `{ type, cacheTtl }`. */
export function parseReadOptions(op: "GET" | "GET_BULK", arg: unknown): ReadOptions {
  let type: unknown;
  let cacheTtl: unknown;
  if (arg !== null && typeof arg === "object") {
    ({ type, cacheTtl } = arg as { type?: unknown; cacheTtl?: unknown });
  } else {
    type = arg;
  }
  type ??= "text";
  if (op === "GET_BULK") {
    if (type !== "text" && type !== "json") {
      throw serviceError(op, 400, `"${String(type)}" is not a valid type. Use "json" or "text"`);
    }
  } else if (type !== "text" && type !== "json" && type !== "arrayBuffer" && type !== "stream") {
    throw new TypeError('Unknown response type. Possible types are "text", "arrayBuffer", "json", and "stream".');
  }
  if (cacheTtl !== undefined) {
    const ttl = toInteger(cacheTtl);
    if (ttl < KV_LIMITS.minCacheTtl) {
      throw serviceError(op, 400, `Invalid cache_ttl of ${ttl}. Cache TTL must be at least ${KV_LIMITS.minCacheTtl}.`);
    }
    return { type: type as KVValueType, cacheTtl: ttl };
  }
  return { type: type as KVValueType };
}

export function validateBulkKeys(keys: unknown[]): string[] {
  if (keys.length === 0) throw serviceError("GET_BULK", 400, "You must request a minimum of 1 key");
  if (keys.length > KV_LIMITS.maxBulkGetKeys) {
    throw serviceError("GET_BULK", 400, `You can request a maximum of ${KV_LIMITS.maxBulkGetKeys} keys`);
  }
  return keys.map((key) => {
    const name = String(key);
    if (name === "") throw serviceError("GET_BULK", 400, "Key names must not be empty");
    checkKeyLength("GET_BULK", name);
    return name;
  });
}

/** Numbers the runtime accepts loosely: coerced, NaN becomes 0, fractions truncated. */
function toInteger(value: unknown): number {
  const number = Math.trunc(Number(value));
  return Number.isFinite(number) ? number : 0;
}

export interface PutOptions {
  /** Absolute expiry, seconds since the epoch. */
  expiration: number | null;
  /** JSON text of the metadata, or null for none. */
  metadata: string | null;
}

export function parsePutOptions(options: unknown, nowSeconds: number): PutOptions {
  if (options === undefined || options === null) return { expiration: null, metadata: null };
  if (typeof options !== "object") {
    throw new TypeError("Failed to execute 'put' on 'KvNamespace': parameter 3 is not of type 'PutOptions'.");
  }
  const { expiration, expirationTtl, metadata } = options as Record<string, unknown>;
  let expiresAt: number | null = null;
  // The runtime checks both when both are given, and the TTL wins.
  if (expiration !== undefined) {
    const at = toInteger(expiration);
    if (at <= nowSeconds) {
      throw serviceError("PUT", 400, `Invalid expiration of ${at}. Please specify integer greater than the current number of seconds since the UNIX epoch.`);
    }
    if (at < nowSeconds + KV_LIMITS.minExpirationTtl) {
      throw serviceError("PUT", 400, `Invalid expiration of ${at}. Expiration times must be at least ${KV_LIMITS.minExpirationTtl} seconds in the future.`);
    }
    expiresAt = at;
  }
  if (expirationTtl !== undefined) {
    const ttl = toInteger(expirationTtl);
    if (ttl <= 0) throw serviceError("PUT", 400, `Invalid expiration_ttl of ${ttl}. Please specify integer greater than 0.`);
    if (ttl < KV_LIMITS.minExpirationTtl) {
      throw serviceError("PUT", 400, `Invalid expiration_ttl of ${ttl}. Expiration TTL must be at least ${KV_LIMITS.minExpirationTtl}.`);
    }
    expiresAt = nowSeconds + ttl;
  }
  let metadataJson: string | null = null;
  if (metadata !== undefined && metadata !== null) {
    const json = JSON.stringify(metadata) as string | undefined;
    // workerd answers metadata it cannot serialise (a function, a symbol) with a bare 500.
    if (json === undefined) throw serviceError("PUT", 500, "Internal Server Error");
    const length = byteLength(json);
    if (length > KV_LIMITS.maxMetadataBytes) {
      throw serviceError("PUT", 413, `Metadata length of ${length} exceeds limit of ${KV_LIMITS.maxMetadataBytes}.`);
    }
    metadataJson = json;
  }
  return { expiration: expiresAt, metadata: metadataJson };
}

export function valueTooLarge(length: number): Error {
  return serviceError("PUT", 413, `Value length of ${length} exceeds limit of ${KV_LIMITS.maxValueBytes}.`);
}

/**
 * A put() value as bytes. Strings, buffers and views are taken as they are;
 * other primitives are stringified as WebIDL does (`put(k, 1)` stores "1");
 * any other object is refused with the runtime's TypeError.
 */
export async function valueBytes(value: unknown): Promise<Uint8Array> {
  let bytes: Uint8Array;
  if (typeof value === "string") bytes = encoder.encode(value);
  else if (value instanceof ArrayBuffer || value instanceof SharedArrayBuffer) bytes = new Uint8Array(value.slice(0));
  else if (ArrayBuffer.isView(value)) bytes = new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength));
  else if (value instanceof ReadableStream) return readStream(value);
  else if (value === null || (typeof value !== "object" && typeof value !== "function")) bytes = encoder.encode(String(value));
  else throw new TypeError("KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values.");
  if (bytes.byteLength > KV_LIMITS.maxValueBytes) throw valueTooLarge(bytes.byteLength);
  return bytes;
}

/** Reads a stream to its end; past the limit it keeps counting (for the message) but stops buffering. */
async function readStream(stream: ReadableStream): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const chunk = typeof value === "string" ? encoder.encode(value) : new Uint8Array(value as ArrayBufferLike);
    total += chunk.byteLength;
    if (total <= KV_LIMITS.maxValueBytes) chunks.push(chunk);
  }
  if (total > KV_LIMITS.maxValueBytes) throw valueTooLarge(total);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

export interface ListOptions {
  prefix: string;
  limit: number;
  cursor: string | null;
}

export function parseListOptions(options: unknown): ListOptions {
  if (options === undefined || options === null) return { prefix: "", limit: KV_LIMITS.maxListLimit, cursor: null };
  if (typeof options !== "object") {
    throw new TypeError("Failed to execute 'list' on 'KvNamespace': parameter 1 is not of type 'ListOptions'.");
  }
  const { prefix, limit, cursor } = options as Record<string, unknown>;
  const prefixText = prefix === undefined || prefix === null ? "" : String(prefix);
  // Listing is a GET on the service side, hence the GET in these messages.
  checkKeyLength("GET", prefixText);
  let count = limit === undefined || limit === null ? 0 : toInteger(limit);
  if (count > KV_LIMITS.maxListLimit) {
    throw serviceError("GET", 400, `Invalid key_count_limit of ${count}. Please specify an integer less than ${KV_LIMITS.maxListLimit}.`);
  }
  // Zero, negative and unparseable limits mean "the default", as in workerd.
  if (count <= 0) count = KV_LIMITS.maxListLimit;
  const cursorText = cursor === undefined || cursor === null || cursor === "" ? null : String(cursor);
  return { prefix: prefixText, limit: count, cursor: cursorText };
}
