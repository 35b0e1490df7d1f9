// Small checks binding descriptors use to validate their config entries in
// wrangler's words. Light on purpose: every command that reads a config loads it.
import type { Diagnostics } from "../diagnostics.ts";

export type ConfigEntry = Record<string, unknown>;

export const json = (value: unknown) => JSON.stringify(value);
export const isStr = (value: unknown): value is string => typeof value === "string";

export function typeOf(value: unknown): string {
  if (Array.isArray(value)) return "array";
  if (value === null) return "null";
  return typeof value;
}

export function isObject(value: unknown): value is ConfigEntry {
  return typeOf(value) === "object";
}

export function requireString(d: Diagnostics, field: string, value: ConfigEntry, key: string): void {
  if (!isStr(value[key])) d.errors.push(`"${field}" bindings should have a string "${key}" field but got ${json(value)}.`);
}

export function optionalString(d: Diagnostics, field: string, value: ConfigEntry, key: string): void {
  if (value[key] !== undefined && !isStr(value[key])) {
    d.errors.push(`"${field}" bindings should, optionally, have a string "${key}" field but got ${json(value)}.`);
  }
}

/** Wrangler's warning for fields it does not know in one entry. */
export function warnUnknown(d: Diagnostics, field: string, value: ConfigEntry, known: readonly string[]): void {
  const unknown = Object.keys(value).filter((key) => !known.includes(key));
  if (unknown.length) d.warnings.push(`Unexpected fields found in ${field} field: ${unknown.map(json).join(",")}`);
}

/**
 * Wrangler's check of a one-table binding (`images`, `stream`, `media`, `browser`, `ai`: `{ binding, remote }`),
 * once checkType has vetted that it is a table. Its remote and unknown-field notes name the bare
 * key even inside an environment, as wrangler's do. `ai` takes other fields (`staging`) unchecked.
 */
export function validateNamedSimple(d: Diagnostics, key: string, value: unknown, checkUnknown = true): void {
  if (!isObject(value)) return;
  if (!isStr(value.binding)) d.errors.push(`binding should have a string "binding" field.`);
  if ("remote" in value && typeof value.remote !== "boolean") {
    d.errors.push(`"${key}" should, optionally, have a boolean "remote" field but got ${json(value)}.`);
  }
  if (checkUnknown) warnUnknown(d, key, value, ["binding", "remote"]);
}

/** True when the entry has fields outside `known` (wrangler then skips some bindings' other checks). */
export function hasUnknown(value: ConfigEntry, known: readonly string[]): boolean {
  return Object.keys(value).some((key) => !known.includes(key));
}
