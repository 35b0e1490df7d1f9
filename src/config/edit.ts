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

/** The flags every resource-creating command (`kv namespace create`, `r2 bucket create`, `d1 create`) has for this. */
export const ADD_TO_CONFIG_OPTIONS = {
  "use-remote": { type: "boolean", describe: "Use a remote binding when adding the newly created resource to your config" },
  "update-config": { type: "boolean", describe: "Automatically update your config file with the newly added resource" },
  binding: { type: "string", describe: "The binding name of this resource in your Worker" },
} as const;
