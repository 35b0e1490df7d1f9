// Vars in the registry, so they take wrangler's place in the bindings table
// (after assets) and reach env through the same loop. Their values come from
// the scope: vars after .dev.vars / .env / --var precedence, not only `vars`.
import type { BindingDescriptor } from "../descriptor.ts";

export interface VarEntry {
  name: string;
  value: unknown;
}

/** wrangler's table cuts a value of 40 characters or more to 37 and "..." (a string inside its quotes, anything else as JSON text). */
function shownValue(value: unknown): string {
  const cut = (text: string) => (text.length >= 40 ? `${text.slice(0, 37)}...` : text);
  return typeof value === "string" ? JSON.stringify(cut(value)) : cut(JSON.stringify(value));
}

export const varsDescriptor: BindingDescriptor<VarEntry> = {
  key: "vars",
  kind: "Environment Variable",
  entries: (config, scope) => Object.entries(scope?.vars ?? config.vars ?? {}).map(([name, value]) => ({ name, value })),
  bindingName: (entry) => entry.name,
  row: (entry, _config, scope) => ({
    name: entry.name,
    type: "Environment Variable",
    value: scope?.hidden?.has(entry.name) ? '"(hidden)"' : shownValue(entry.value),
    mode: "local",
  }),
  createEnv: (entry) => entry.value,
  // What `wrangler types` writes: a string var is its literal type, a JSON var its shape's kind.
  typeName: (entry) => (typeof entry.value === "string" ? JSON.stringify(entry.value) : Array.isArray(entry.value) ? "unknown[]" : typeof entry.value),
};
