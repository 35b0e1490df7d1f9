// A `workflows` config entry checked in wrangler's words; the signature of a
// descriptor's validate (non-object entries are reported before it runs).
import type { Diagnostics } from "../../diagnostics.ts";
import { optionalString, requireString, warnUnknown, type ConfigEntry } from "../config-checks.ts";

export function validateWorkflow(d: Diagnostics, field: string, value: ConfigEntry): void {
  requireString(d, field, value, "binding");
  requireString(d, field, value, "name");
  requireString(d, field, value, "class_name");
  optionalString(d, field, value, "script_name");
  warnUnknown(d, field, value, ["binding", "name", "class_name", "script_name", "remote", "limits"]);
}
