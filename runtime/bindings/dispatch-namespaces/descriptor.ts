// [[dispatch_namespaces]]: Workers for Platforms. wrangler dev has no local
// namespace of user workers: its table says "not supported" (or "remote" with
// `remote = true`), it warns at start (and refuses `remote = false`), and
// env.<binding>.get() throws. Bunflare does the same, word for word.
import type { BindingDescriptor } from "../descriptor.ts";
import { json, warnUnknown } from "../config-checks.ts";
import { dispatchedStub } from "../remote-only/descriptor.ts";

export interface DispatchNamespaceConfig {
  binding: string;
  namespace: string;
  outbound?: { service: string; environment?: string; parameters?: string[] };
  remote?: boolean;
}

export const dispatchNamespacesDescriptor: BindingDescriptor<DispatchNamespaceConfig> = {
  key: "dispatch_namespaces",
  kind: "Dispatch Namespace",
  entries: (config) => (config.dispatch_namespaces as DispatchNamespaceConfig[] | undefined) ?? [],
  bindingName: (entry) => entry.binding,
  notObject: (field, value) => `"${field}" binding should be objects, but got ${json(value)}`,
  validate(d, field, value) {
    for (const key of ["binding", "namespace"]) {
      if (typeof value[key] !== "string") d.errors.push(`"${field}" should have a string "${key}" field but got ${json(value)}.`);
    }
    if (value.outbound !== undefined) {
      const outbound = value.outbound as Record<string, unknown> | null;
      if (typeof outbound !== "object" || outbound === null || typeof outbound.service !== "string") {
        d.errors.push(`"${field}" has an invalid outbound definition.`);
      }
    }
    if (value.remote !== undefined && typeof value.remote !== "boolean") {
      d.errors.push(`"${field}" should, optionally, have a boolean "remote" field but got ${json(value)}.`);
    }
    warnUnknown(d, field, value, ["binding", "namespace", "outbound", "remote"]);
  },
  row: (entry) => ({
    name: entry.binding,
    type: "Dispatch Namespace",
    value: entry.outbound ? `${entry.namespace} (outbound -> ${entry.outbound.service})` : entry.namespace,
    mode: entry.remote ? "remote" : "not supported",
  }),
  remoteSupport: "remote",
  unavailable: (entry) => (entry.remote === true ? "Dispatch Namespace" : undefined),
  // miniflare's stand-in: get() gives an RPC promise whose every use says it needs Cloudflare.
  createEnv: (entry) => ({ get: () => dispatchedStub(entry.binding) }),
  typeName: () => "DispatchNamespace",
};
