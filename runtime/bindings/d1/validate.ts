// Input checks with the Workers runtime's own messages, so a worker and the
// CLI reject the same bad input with the same words.
import { D1_LIMITS } from "./limits.ts";

/** Errors shaped as workerd's: `PREFIX: detail`, with `cause` holding the bare detail. */
export function d1Error(prefix: string, detail: string): Error {
  return new Error(`${prefix}: ${detail}`, { cause: new Error(detail) });
}

export type D1Value = null | number | string | Uint8Array;

/** A value passed to `bind()`, converted to what SQLite stores; throws D1_TYPE_ERROR otherwise. */
export function toSqlValue(value: unknown): D1Value {
  if (value === null || typeof value === "number" || typeof value === "string") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw d1Error("D1_TYPE_ERROR", `Type '${typeof value}' not supported for value '${String(value)}'`);
}

/** Bun's SQLite allows far more variables than workerd's; refuse what production would. */
export function checkVariableLimit(count: number): void {
  if (count > D1_LIMITS.maxBoundParameters) throw d1Error("D1_ERROR", "too many SQL variables: SQLITE_ERROR");
}

export function checkParameterCount(expected: number, given: number): void {
  if (expected !== given) throw d1Error("D1_ERROR", "Wrong number of parameter bindings for SQL query.");
}

export function checkStatementSize(sql: string): void {
  // A UTF-16 code unit is at most 3 bytes of UTF-8: most statements need no count.
  if (sql.length * 3 > D1_LIMITS.maxStatementBytes && Buffer.byteLength(sql) > D1_LIMITS.maxStatementBytes) {
    throw d1Error("D1_ERROR", "statement too long: SQLITE_TOOBIG");
  }
}

/**
 * SQLite's error as workerd words it: "<message>[ at offset N]: SQLITE_<PRIMARY>
 * [(extended: SQLITE_<EXTENDED>)]".
 */
export function sqliteMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  if (typeof code !== "string" || !code.startsWith("SQLITE_")) return error.message;
  const primary = code.split("_").slice(0, 2).join("_");
  const offset = (error as { byteOffset?: unknown }).byteOffset;
  const at = typeof offset === "number" && offset >= 0 ? ` at offset ${offset}` : "";
  const extended = primary !== code ? ` (extended: ${code})` : "";
  return `${error.message}${at}: ${primary}${extended}`;
}
