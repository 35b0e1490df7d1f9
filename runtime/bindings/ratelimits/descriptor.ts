// [[ratelimits]]: env.<name>.limit({ key }) counts calls per key against the
// configured `simple.limit` per `simple.period` seconds, in memory, as
// wrangler dev does.
import type { BindingDescriptor } from "../descriptor.ts";
import { json, warnUnknown } from "../config-checks.ts";

export interface RateLimitConfig {
  name: string;
  namespace_id: string;
  simple: { limit: number; period: number };
}

const ratelimits = () => require("./index.ts") as typeof import("./index.ts");

export const ratelimitsDescriptor: BindingDescriptor<RateLimitConfig> = {
  key: "ratelimits",
  kind: "Rate Limit",
  entries: (config) => (config.ratelimits as RateLimitConfig[] | undefined) ?? [],
  bindingName: (entry) => entry.name,
  validate(d, field, value) {
    for (const key of ["name", "namespace_id"]) {
      if (typeof value[key] !== "string") d.errors.push(`"${field}" bindings must have a string "${key}" field but got ${json(value)}.`);
    }
    const simple = value.simple as Record<string, unknown> | null | undefined;
    if (typeof simple !== "object" || simple === null) {
      d.errors.push(`"${field}" bindings must have a "simple" configuration object but got ${json(value)}.`);
    } else {
      if (typeof simple.limit !== "number") d.errors.push(`"${field}" bindings "simple.limit" must be a number but got ${json(simple)}.`);
      if (typeof simple.period !== "number") {
        d.errors.push(`"${field}" bindings "simple.period" is required and must be a number but got ${json(simple)}.`);
      } else if (simple.period !== 10 && simple.period !== 60) {
        d.errors.push(`"${field}" bindings "simple.period" must be either 10 or 60 but got ${json(simple.period)}.`);
      }
      warnUnknown(d, `${field}.simple`, simple, ["limit", "period"]);
    }
    warnUnknown(d, field, value, ["name", "namespace_id", "simple"]);
  },
  row: (entry) => ({ name: entry.name, type: "Rate Limit", value: `${entry.simple?.limit} requests/${entry.simple?.period}s`, mode: "local" }),
  createEnv: (entry) => ratelimits().createRateLimiter(entry.namespace_id, entry.simple.limit, entry.simple.period),
  typeName: () => "RateLimit",
};
