// Edits to a user's wrangler.json(c), as `kv namespace create --binding`,
// `r2 bucket create --binding` and `d1 create --binding` make them.
import { readFileSync, writeFileSync } from "node:fs";

/**
 * Append one entry to a binding array (`kv_namespaces`, `r2_buckets`, ...), of
 * `env.<name>` when an environment is given, keeping the file's comments and layout.
 */
export function addBindingToJsonConfig(file: string, env: string | undefined, key: string, entry: unknown): void {
  const { applyEdits, modify, parse: parseJsonc } = require("jsonc-parser") as typeof import("jsonc-parser");
  const text = readFileSync(file, "utf8");
  const listPath = env ? ["env", env, key] : [key];
  const list = listPath.reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], parseJsonc(text));
  const formattingOptions = { insertSpaces: !text.includes("\t"), tabSize: 2 };
  const edits = Array.isArray(list)
    ? modify(text, [...listPath, list.length], entry, { isArrayInsertion: true, formattingOptions })
    : modify(text, listPath, [entry], { formattingOptions });
  writeFileSync(file, applyEdits(text, edits));
}
