// A `workflows` config entry checked in wrangler's words; the signature of a
// descriptor's validate (non-object entries are reported before it runs).
import type { Diagnostics } from "../../diagnostics.ts";
import { json, optionalString, requireString, warnUnknown, type ConfigEntry } from "../config-checks.ts";

/** Wrangler's rule for workflow names (the same as for instance ids). */
const NAME = /^[a-zA-Z0-9_][a-zA-Z0-9-_]*$/;
const MAX_NAME_LENGTH = 64;
/** Steps one instance may run in production. */
const MAX_STEPS = 25_000;

export function validateWorkflow(d: Diagnostics, field: string, value: ConfigEntry): void {
  requireString(d, field, value, "binding");
  requireString(d, field, value, "name");
  if (typeof value.name === "string" && (value.name.length > MAX_NAME_LENGTH || !NAME.test(value.name))) {
    d.errors.push(
      `"${field}" binding "name" field is invalid. Workflow names must be 1-64 characters long, start with a letter, number, or underscore, and may only contain letters, numbers, underscores, or hyphens.`,
    );
  }
  requireString(d, field, value, "class_name");
  optionalString(d, field, value, "script_name");
  if (value.remote !== undefined && typeof value.remote !== "boolean") {
    d.errors.push(`"${field}" bindings should, optionally, have a boolean "remote" field but got ${json(value)}.`);
  }
  const limits = value.limits;
  if (limits !== undefined) {
    if (typeof limits !== "object" || limits === null || Array.isArray(limits)) {
      d.errors.push(`"${field}" bindings should, optionally, have an object "limits" field but got ${json(value)}.`);
    } else {
      const steps = (limits as ConfigEntry).steps;
      if (steps !== undefined) {
        if (typeof steps !== "number" || !Number.isInteger(steps) || steps < 1) {
          d.errors.push(`"${field}" bindings "limits.steps" field must be a positive integer but got ${json(steps)}.`);
        } else if (steps > MAX_STEPS) {
          d.warnings.push(
            `"${field}" has a step limit of ${steps}, which exceeds the production maximum of 25,000. This configuration may not work when deployed.`,
          );
        }
      }
      warnUnknown(d, `${field}.limits`, limits as ConfigEntry, ["steps"]);
    }
  }
  warnUnknown(d, field, value, ["binding", "name", "class_name", "script_name", "remote", "limits"]);
}
