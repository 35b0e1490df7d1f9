// [unsafe] bindings: wrangler passes each `unsafe.bindings` entry through as
// type `unsafe_<type>`, lists it as "Unsafe Metadata" with mode "remote", and
// simulates one kind locally: `type = "ratelimit"` is a rate limiter like
// [[ratelimits]]. Any other type is absent from env, as under wrangler dev.
import type { BindingDescriptor } from "../descriptor.ts";

export interface UnsafeBindingConfig {
  name: string;
  type: string;
  namespace_id?: string;
  simple?: { limit: number; period: number };
  [key: string]: unknown;
}

const ratelimits = () => require("../ratelimits/index.ts") as typeof import("../ratelimits/index.ts");

const bindingsOf = (config: Record<string, unknown>) => {
  const unsafe = config.unsafe as { bindings?: unknown } | undefined;
  return Array.isArray(unsafe?.bindings) ? (unsafe.bindings as UnsafeBindingConfig[]) : [];
};

export const unsafeDescriptor: BindingDescriptor<UnsafeBindingConfig> = {
  key: "unsafe.bindings",
  kind: "Unsafe Metadata",
  entries: (config) => bindingsOf(config as unknown as Record<string, unknown>),
  bindingName: (entry) => entry.name,
  row: (entry) => ({ name: entry.name, type: "Unsafe Metadata", value: entry.type, mode: "remote" }),
  unavailable: (entry) => (entry.type === "ratelimit" ? undefined : `unsafe ${entry.type}`),
  inEnv: (entry) => entry.type === "ratelimit",
  createEnv(entry) {
    const simple = entry.simple;
    if (typeof simple?.limit !== "number" || typeof simple?.period !== "number") {
      throw new Error(`The unsafe ratelimit binding "${entry.name}" needs a "simple" table with a numeric "limit" and "period".`);
    }
    return ratelimits().createRateLimiter(String(entry.namespace_id), simple.limit, simple.period);
  },
  typeName: (entry) => (entry.type === "ratelimit" ? "RateLimit" : "any"),
};
