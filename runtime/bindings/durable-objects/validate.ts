// Input validation for Durable Object APIs. Messages are the Workers runtime's,
// word for word (observed under `wrangler dev` and in workerd's source).
import { DurableObjectLimits } from "./limits.ts";

const MAX_LENGTH = DurableObjectLimits.MAX_SQLITE_LENGTH;

/** What workerd's SQLite says of a string, blob or row over its length limit. */
export const TOO_BIG = "string or blob too big: SQLITE_TOOBIG";

/** Whether a string of `extra` more bytes would pass SQLite's length limit (short strings are not measured). */
export function tooLong(text: string, limit: number = MAX_LENGTH, extra = 0): boolean {
  return text.length * 3 + extra > limit && Buffer.byteLength(text) + extra > limit;
}

/** A storage key: any string SQLite takes, as in workerd (no 2048-byte limit there; production's KV backend has one). */
export function storageKey(key: unknown): string {
  const k = String(key);
  if (tooLong(k)) throw new Error(TOO_BIG);
  return k;
}

/** The row SQLite builds for a KV pair (header of three varints, key, value) must pass the same limit. */
export function checkRowSize(key: string, valueSize: number): void {
  if (key.length * 3 + valueSize + 32 <= MAX_LENGTH) return;
  const keySize = Buffer.byteLength(key);
  const size = 1 + varintSize(2 * keySize + 13) + varintSize(2 * valueSize + 12) + keySize + valueSize;
  if (size > MAX_LENGTH) throw new Error(TOO_BIG);
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 128 && size < 9) (n = Math.floor(n / 128)), size++;
  return size;
}

export function checkValueSize(size: number, sqlite: boolean): void {
  const max = sqlite ? DurableObjectLimits.MAX_VALUE_SIZE_SQLITE : DurableObjectLimits.MAX_VALUE_SIZE_KV;
  if (size > max + DurableObjectLimits.VALUE_SIZE_CUSHION) {
    throw new RangeError(`Values cannot be larger than ${max} bytes. A value of size ${size} was provided.`);
  }
}

export function putUndefined(): TypeError {
  return new TypeError("put() called with undefined value.");
}

export function listLimit(limit: unknown): number | undefined {
  if (limit === undefined) return undefined;
  const n = Number(limit);
  if (!(n > 0)) throw new TypeError("List limit must be positive.");
  return Math.floor(n);
}

export function alarmTime(time: unknown): number {
  const ms = time instanceof Date ? time.getTime() : typeof time === "number" ? time : undefined;
  if (ms === undefined) throw new TypeError("Failed to execute 'setAlarm' on 'DurableObjectStorage': parameter 1 is not of type 'date'.");
  if (!Number.isFinite(ms)) throw new TypeError("The value cannot be converted because it is not a valid Date.");
  // The runtime keeps whole milliseconds.
  return Math.floor(ms);
}

export const SQL_NOT_ENABLED =
  "SQL is not enabled for this Durable Object class. To enable it, change `new_classes` to `new_sqlite_classes` " +
  "within the 'migrations' field in your wrangler.jsonc or wrangler.toml file. If using workerd directly,set " +
  "`enableSql = true` in your workerd config for the class. Note that this change cannot be made after the class " +
  "is already deployed to production.";

export const SQL_NO_TRANSACTIONS =
  "To execute a transaction, please use the state.storage.transaction() or state.storage.transactionSync() APIs " +
  "instead of the SQL BEGIN TRANSACTION or SAVEPOINT statements. The JavaScript API is safer because it will " +
  "automatically roll back on exceptions, and because it interacts correctly with Durable Objects' automatic " +
  "atomic write coalescing.";

export const ALARM_NEEDS_HANDLER =
  "Your Durable Object class must have an alarm() handler in order to call setAlarm()";

/** workerd sends no Durable Object stub over RPC, in one process or to another (a name or id string can be sent instead). */
export const STUB_NOT_SENT = 'Could not serialize object of type "DurableObject". This type does not support serialization.';

/** workerd keeps every object in one place, so it refuses any jurisdiction, Cloudflare's own ("eu", "fedramp", "fedramp-high") too. */
export function noJurisdiction(jurisdiction: unknown): void {
  if (jurisdiction !== undefined && jurisdiction !== null) throw new Error("Jurisdiction restrictions are not implemented in workerd.");
}

/** newUniqueId's argument: an options object (or nothing); its jurisdiction is refused as above. */
export function uniqueIdOptions(options: unknown): void {
  if (options === undefined || options === null) return;
  if (typeof options !== "object" && typeof options !== "function") {
    throw new TypeError("Failed to execute 'newUniqueId' on 'DurableObjectNamespace': parameter 1 is not of type 'NewUniqueIdOptions'.");
  }
  noJurisdiction((options as { jurisdiction?: unknown }).jurisdiction);
}

export function notAnId(method: string): TypeError {
  return new TypeError(
    `Failed to execute '${method}' on 'DurableObjectNamespace': parameter 1 is not of type 'DurableObjectId'.`,
  );
}
