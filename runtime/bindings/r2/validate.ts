// Input validation for the R2 binding, throwing the runtime's own errors word
// for word (observed under workerd via `wrangler dev`): argument mistakes are
// TypeErrors, storage-side refusals are Errors shaped "<op>: <message> (<code>)".
import { HASH_ALGORITHMS, R2_ERROR_CODES, R2_LIMITS, type HashField } from "./limits.ts";

export type R2Operation =
  | "head"
  | "get"
  | "put"
  | "delete"
  | "list"
  | "createMultipartUpload"
  | "uploadPart"
  | "completeMultipartUpload"
  | "abortMultipartUpload";

/** An R2 storage error as the runtime surfaces it to a worker. */
export class R2Error extends Error {
  constructor(
    readonly operation: R2Operation,
    readonly reason: string,
    readonly code: number,
  ) {
    super(`${operation}: ${reason} (${code})`);
    this.name = "Error";
  }
}

export const r2Errors = {
  noSuchKey: (op: R2Operation) => new R2Error(op, "The specified key does not exist.", R2_ERROR_CODES.NO_SUCH_OBJECT_KEY),
  invalidObjectName: (op: R2Operation) =>
    new R2Error(op, "The specified object name is not valid.", R2_ERROR_CODES.INVALID_OBJECT_NAME),
  entityTooLarge: (op: R2Operation) =>
    new R2Error(op, "Your proposed upload exceeds the maximum allowed object size.", R2_ERROR_CODES.ENTITY_TOO_LARGE),
  entityTooSmall: (op: R2Operation) =>
    new R2Error(op, "Your proposed upload is smaller than the minimum allowed object size.", R2_ERROR_CODES.ENTITY_TOO_SMALL),
  metadataTooLarge: (op: R2Operation) =>
    new R2Error(op, "Your metadata headers exceed the maximum allowed metadata size.", R2_ERROR_CODES.METADATA_TOO_LARGE),
  invalidMaxKeys: (op: R2Operation) =>
    new R2Error(op, "MaxKeys params must be positive integer <= 1000.", R2_ERROR_CODES.INVALID_MAX_KEYS),
  noSuchUpload: (op: R2Operation) =>
    new R2Error(op, "The specified multipart upload does not exist.", R2_ERROR_CODES.NO_SUCH_UPLOAD),
  invalidPart: (op: R2Operation) =>
    new R2Error(op, "One or more of the specified parts could not be found.", R2_ERROR_CODES.INVALID_PART),
  badUpload: (op: R2Operation) =>
    new R2Error(op, "There was a problem with the multipart upload.", R2_ERROR_CODES.BAD_UPLOAD),
  internal: (op: R2Operation) =>
    new R2Error(op, "We encountered an internal error. Please try again.", R2_ERROR_CODES.INTERNAL_ERROR),
  invalidRange: (op: R2Operation) => new R2Error(op, "The requested range is not satisfiable", R2_ERROR_CODES.INVALID_RANGE),
  badDigest: (op: R2Operation, name: string, provided: string, actual: string) =>
    new R2Error(
      op,
      `The ${name} checksum you specified did not match what we received.\n` +
        `You provided a ${name} checksum with value: ${provided}\nActual ${name} was: ${actual}`,
      R2_ERROR_CODES.BAD_DIGEST,
    ),
};

export function validateKey(op: R2Operation, key: unknown): string {
  const text = String(key);
  if (Buffer.byteLength(text) > R2_LIMITS.maxKeyBytes) throw r2Errors.invalidObjectName(op);
  return text;
}

// ---------------------------------------------------------------- metadata

export interface R2HTTPMetadata {
  contentType?: string;
  contentLanguage?: string;
  contentDisposition?: string;
  contentEncoding?: string;
  cacheControl?: string;
  cacheExpiry?: Date;
}

/** httpMetadata as stored: cacheExpiry as epoch milliseconds. */
export type StoredHttpMetadata = Omit<R2HTTPMetadata, "cacheExpiry"> & { cacheExpiry?: number };

const HTTP_FIELDS = [
  ["contentType", "content-type"],
  ["contentLanguage", "content-language"],
  ["contentDisposition", "content-disposition"],
  ["contentEncoding", "content-encoding"],
  ["cacheControl", "cache-control"],
] as const;

export function parseHttpMetadata(input: unknown): StoredHttpMetadata {
  if (input === undefined || input === null) return {};
  const out: StoredHttpMetadata = {};
  if (input instanceof Headers) {
    for (const [field, header] of HTTP_FIELDS) {
      const value = input.get(header);
      if (value !== null) out[field] = value;
    }
    const expires = input.get("expires");
    if (expires !== null) {
      const time = Date.parse(expires);
      if (!Number.isNaN(time)) out.cacheExpiry = time;
    }
    return out;
  }
  if (typeof input !== "object") {
    throw new TypeError("Incorrect type for the 'httpMetadata' field on 'R2PutOptions': the provided value is not of type 'HttpMetadata or Headers'.");
  }
  const meta = input as Record<string, unknown>;
  for (const [field] of HTTP_FIELDS) {
    const value = meta[field];
    if (value !== undefined && value !== null) out[field] = String(value);
  }
  const expiry = meta.cacheExpiry;
  if (expiry !== undefined && expiry !== null) {
    // The runtime accepts a Date or epoch milliseconds; anything else is a type error.
    const time = expiry instanceof Date ? expiry.getTime() : typeof expiry === "number" ? expiry : NaN;
    if (Number.isNaN(time)) {
      throw new TypeError("Incorrect type for the 'cacheExpiry' field on 'HttpMetadata': the provided value is not of type 'date'.");
    }
    out.cacheExpiry = time;
  }
  return out;
}

/** Custom metadata is string → string; its size counts as the runtime serialises it. */
export function parseCustomMetadata(op: R2Operation, input: unknown): Record<string, string> {
  if (input === undefined || input === null) return {};
  if (typeof input !== "object") {
    throw new TypeError("Incorrect type for the 'customMetadata' field on 'R2PutOptions': the provided value is not of type 'object'.");
  }
  const out: Record<string, string> = {};
  let size = 0;
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) {
    out[key] = String(value);
    size += serialisedLength(key) + serialisedLength(out[key]!);
  }
  if (size > R2_LIMITS.maxMetadataBytes) throw r2Errors.metadataTooLarge(op);
  return out;
}

function serialisedLength(text: string): number {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) >= 256) return text.length * 2;
  return text.length;
}

// ---------------------------------------------------------------- checksums

export interface ExpectedChecksum {
  field: HashField;
  name: string;
  hex: string;
}

/** At most one checksum may be given, as hex text or raw digest bytes. */
export function parseChecksumOptions(options: Record<string, unknown>): ExpectedChecksum | undefined {
  let found: ExpectedChecksum | undefined;
  for (const algorithm of HASH_ALGORITHMS) {
    const value = options[algorithm.field];
    if (value === undefined || value === null) continue;
    if (found) throw new TypeError("You cannot specify multiple hashing algorithms.");
    let hex: string;
    if (typeof value === "string") {
      if (value.length !== algorithm.bytes * 2) {
        throw new TypeError(`${algorithm.name} is ${algorithm.bytes * 2} hex characters, not ${value.length}`);
      }
      if (!/^[0-9a-fA-F]*$/.test(value)) throw new TypeError(`Provided ${algorithm.name} checksum is not valid hex.`);
      hex = value.toLowerCase();
    } else if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
      const bytes = value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      if (bytes.byteLength !== algorithm.bytes) {
        throw new TypeError(`${algorithm.name} is ${algorithm.bytes} bytes, not ${bytes.byteLength}`);
      }
      hex = Buffer.from(bytes).toString("hex");
    } else {
      throw new TypeError(`Incorrect type for the '${algorithm.field}' field on 'R2PutOptions': the provided value is not of type 'ArrayBuffer or ArrayBufferView or string'.`);
    }
    found = { field: algorithm.field, name: algorithm.name, hex };
  }
  return found;
}

// ---------------------------------------------------------------- conditionals

export interface Conditional {
  etagMatches?: string[];
  etagDoesNotMatch?: string[];
  uploadedBefore?: number;
  uploadedAfter?: number;
  secondsGranularity?: boolean;
}

/** Etag lists as in If-Match: comma separated, quoted or not, `*` for any, `W/` marks a weak etag. */
function parseEtags(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = Array.isArray(value) ? value.map(String) : String(value).split(",");
  return list.map((etag) => etag.trim()).filter((etag) => etag !== "");
}

function parseDate(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (value instanceof Date) return value.getTime();
  throw new TypeError(`Incorrect type for the '${field}' field on 'R2Conditional': the provided value is not of type 'date'.`);
}

export function parseConditional(input: unknown): Conditional | undefined {
  if (input === undefined || input === null) return undefined;
  if (input instanceof Headers) {
    // HTTP dates have whole seconds, so header conditions compare at that granularity.
    const httpDate = (name: string) => {
      const raw = input.get(name);
      if (raw === null) return undefined;
      const time = Date.parse(raw);
      return Number.isNaN(time) ? undefined : time;
    };
    return {
      etagMatches: parseEtags(input.get("if-match") ?? undefined),
      etagDoesNotMatch: parseEtags(input.get("if-none-match") ?? undefined),
      uploadedBefore: httpDate("if-unmodified-since"),
      uploadedAfter: httpDate("if-modified-since"),
      secondsGranularity: true,
    };
  }
  if (typeof input !== "object") {
    throw new TypeError("Incorrect type for the 'onlyIf' field on 'R2GetOptions': the provided value is not of type 'R2Conditional or Headers'.");
  }
  const cond = input as Record<string, unknown>;
  return {
    etagMatches: parseEtags(cond.etagMatches),
    etagDoesNotMatch: parseEtags(cond.etagDoesNotMatch),
    uploadedBefore: parseDate(cond.uploadedBefore, "uploadedBefore"),
    uploadedAfter: parseDate(cond.uploadedAfter, "uploadedAfter"),
    secondsGranularity: Boolean(cond.secondsGranularity),
  };
}

function etagListIncludes(list: string[], etag: string, comparison: "strong" | "weak"): boolean {
  return list.some((candidate) => {
    if (candidate === "*") return true;
    let value = candidate;
    if (value.startsWith("W/")) {
      if (comparison === "strong") return false;
      value = value.slice(2);
    }
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    return value === etag;
  });
}

/**
 * Whether a condition holds for an object (or for no object), with HTTP's
 * precedence: If-Match overrides If-Unmodified-Since, If-None-Match overrides
 * If-Modified-Since.
 */
export function conditionHolds(cond: Conditional, object: { etag: string; uploaded: number } | undefined): boolean {
  if (!object) return cond.etagMatches === undefined && cond.uploadedAfter === undefined;
  const truncate = (time: number) => (cond.secondsGranularity ? Math.floor(time / 1000) * 1000 : time);
  const uploaded = truncate(object.uploaded);
  const ifMatch = cond.etagMatches === undefined || etagListIncludes(cond.etagMatches, object.etag, "strong");
  const ifNoneMatch = cond.etagDoesNotMatch === undefined || !etagListIncludes(cond.etagDoesNotMatch, object.etag, "weak");
  const ifModifiedSince =
    cond.uploadedAfter === undefined || truncate(cond.uploadedAfter) < uploaded || (cond.etagDoesNotMatch !== undefined && ifNoneMatch);
  const ifUnmodifiedSince =
    cond.uploadedBefore === undefined || uploaded < truncate(cond.uploadedBefore) || (cond.etagMatches !== undefined && ifMatch);
  return ifMatch && ifNoneMatch && ifModifiedSince && ifUnmodifiedSince;
}

// ---------------------------------------------------------------- ranges

export type RangeInput = { offset?: number; length?: number; suffix?: number } | Headers;

/** Argument checks the runtime makes before it talks to storage. */
export function checkRangeShape(input: unknown): void {
  if (input === undefined || input === null || input instanceof Headers) return;
  if (typeof input !== "object") {
    throw new TypeError("Incorrect type for the 'range' field on 'R2GetOptions': the provided value is not of type 'R2Range or Headers'.");
  }
  const range = input as Record<string, unknown>;
  if (range.suffix !== undefined && range.offset !== undefined) throw new TypeError("Suffix is incompatible with offset.");
  if (range.suffix !== undefined && range.length !== undefined) throw new TypeError("Suffix is incompatible with length.");
  for (const field of ["offset", "length", "suffix"] as const) {
    const value = range[field];
    if (value !== undefined && (typeof value !== "number" || !Number.isFinite(value))) {
      throw new TypeError(`Incorrect type for the '${field}' field on 'R2Range': the provided value is not of type 'integer'.`);
    }
  }
}

/** Resolve a range against an object's size: `{ offset, length }`, or undefined for the whole object. */
export function resolveRange(op: R2Operation, input: unknown, size: number): { offset: number; length: number } | undefined {
  if (input === undefined || input === null) return undefined;
  if (input instanceof Headers) {
    const header = input.get("range");
    return header === null ? undefined : parseRangeHeader(header, size);
  }
  let { offset, length, suffix } = input as { offset?: number; length?: number; suffix?: number };
  if (suffix !== undefined) {
    if (suffix <= 0) throw r2Errors.invalidRange(op);
    if (suffix > size) suffix = size;
    offset = size - suffix;
    length = suffix;
  }
  offset ??= 0;
  length ??= size - offset;
  if (offset < 0 || offset > size || length <= 0) throw r2Errors.invalidRange(op);
  if (offset + length > size) length = size - offset;
  return { offset, length };
}

/** A single `bytes=` range; anything else (several ranges, junk) reads the whole object, as HTTP servers do. */
function parseRangeHeader(header: string, size: number): { offset: number; length: number } | undefined {
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  if (match[1] === "") {
    const suffix = Math.min(Number(match[2]), size);
    return suffix > 0 ? { offset: size - suffix, length: suffix } : undefined;
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return undefined;
  return { offset: start, length: end - start + 1 };
}

export function validateListLimit(op: R2Operation, limit: unknown): number | undefined {
  if (limit === undefined || limit === null) return undefined;
  const value = Number(limit);
  if (!Number.isInteger(value) || value < 1 || value > R2_LIMITS.maxListKeys) throw r2Errors.invalidMaxKeys(op);
  return value;
}

export function validatePartNumber(partNumber: unknown): number {
  const value = Number(partNumber);
  if (!Number.isInteger(value) || value < 1 || value > R2_LIMITS.maxPartNumber) {
    throw new TypeError(`Part number must be between 1 and 10000 (inclusive). Actual value was: ${partNumber}`);
  }
  return value;
}
