// Bindings wrangler dev serves only from Cloudflare's network: its table shows
// them as "remote" (always-remote products such as AI) or "not supported"
// (products with no local simulation, unless `remote = true`), and it warns at
// start as warnOrError does. Bunflare never reaches Cloudflare, so each is listed
// and warned about as wrangler does; those wrangler would reach Cloudflare for are
// also named in one "only available on Cloudflare's network" warning, and in env
// each is miniflare's stand-in: any use fails with "Binding X needs to be run remotely".
import type { BindingDescriptor } from "../descriptor.ts";
import { validateNamedSimple } from "../config-checks.ts";

type Entry = Record<string, unknown> & { binding: string; remote?: boolean };

interface RemoteOnly {
  key: string;
  kind: string;
  typeName: string;
  /** The value in the table's parentheses. */
  value?(entry: Entry): unknown;
  /** wrangler's warnOrError kind: "always-remote" products reach Cloudflare unless `remote = false`. */
  support: "remote" | "always-remote";
  /** When wrangler's table says "remote" (default: with `remote = true`). */
  shownRemote?(entry: Entry): boolean;
  /** A single table (`ai = { binding = ... }`) rather than a list. */
  single?: boolean;
  /** Fields a single table takes besides `binding` and `remote`, unchecked (wrangler warns about others unless this is given). */
  extraFields?: boolean;
}

/** Every member is a call that fails as miniflare's remote-proxy client does without a connection; `callable` stubs fail when called too. */
export function remoteStub(binding: string, callable = false): unknown {
  const fail = async () => {
    throw new Error(`Binding ${binding} needs to be run remotely`);
  };
  return new Proxy(callable ? fail : {}, { get: (_self, key) => (key === "then" || typeof key === "symbol" ? undefined : fail) });
}

function remoteOnly(spec: RemoteOnly): BindingDescriptor<Entry> {
  return {
    key: spec.key,
    kind: spec.kind,
    entries(config) {
      const value = (config as unknown as Record<string, unknown>)[spec.key];
      if (spec.single) return value && typeof value === "object" && !Array.isArray(value) ? [value as Entry] : [];
      return Array.isArray(value) ? (value as Entry[]) : [];
    },
    bindingName: (entry) => entry.binding,
    ...(spec.single && { validateSection: ({ d, value }) => validateNamedSimple(d, spec.key, value, !spec.extraFields) }),
    row(entry) {
      const value = spec.value?.(entry);
      return {
        name: entry.binding,
        type: spec.kind,
        value: value === undefined || value === null ? undefined : String(value),
        mode: (spec.shownRemote?.(entry) ?? entry.remote === true) ? "remote" : "not supported",
      };
    },
    remoteSupport: spec.support,
    // Bunflare's own note only where wrangler would reach Cloudflare: elsewhere wrangler runs locally too, and says so.
    unavailable: (entry) => (entry.remote === true || (spec.support === "always-remote" && entry.remote !== false) ? spec.kind : undefined),
    createEnv: (entry) => remoteStub(entry.binding),
    typeName: () => spec.typeName,
  };
}

const unlessFalse = (entry: Entry) => entry.remote !== false;
// wrangler's table lists AI Search and Artifacts as "remote" even with `remote = false` or --local.
const always = () => true;

export const vectorizeDescriptor = remoteOnly({ key: "vectorize", kind: "Vectorize Index", typeName: "VectorizeIndex", value: (e) => e.index_name, support: "remote" });
export const aiSearchNamespacesDescriptor = remoteOnly({
  key: "ai_search_namespaces",
  kind: "AI Search Namespace",
  typeName: "AiSearchNamespace",
  value: (e) => e.namespace,
  support: "always-remote",
  shownRemote: always,
});
export const aiSearchDescriptor = remoteOnly({
  key: "ai_search",
  kind: "AI Search Instance",
  typeName: "AiSearchInstance",
  value: (e) => e.instance_name,
  support: "always-remote",
  shownRemote: always,
});
export const vpcServicesDescriptor = remoteOnly({ key: "vpc_services", kind: "VPC Service", typeName: "Fetcher", value: (e) => e.service_id, support: "always-remote" });
export const vpcNetworksDescriptor = remoteOnly({
  key: "vpc_networks",
  kind: "VPC Network",
  typeName: "Fetcher",
  value: (e) => e.tunnel_id ?? e.network_id,
  support: "always-remote",
});
export const artifactsDescriptor = remoteOnly({
  key: "artifacts",
  kind: "Artifacts",
  typeName: "Artifacts",
  value: (e) => e.namespace,
  support: "always-remote",
  shownRemote: always,
});
export const flagshipDescriptor = remoteOnly({ key: "flagship", kind: "Flagship", typeName: "Flagship", value: (e) => e.app_id, support: "always-remote", shownRemote: unlessFalse });
export const mediaDescriptor = remoteOnly({ key: "media", kind: "Media", typeName: "MediaBinding", single: true, support: "always-remote", shownRemote: unlessFalse });
export const aiDescriptor = remoteOnly({
  key: "ai",
  kind: "AI",
  typeName: "Ai",
  single: true,
  extraFields: true,
  support: "always-remote",
  shownRemote: unlessFalse,
  value: (e) => (e.staging ? "staging" : undefined),
});
export const mtlsCertificatesDescriptor = remoteOnly({
  key: "mtls_certificates",
  kind: "mTLS Certificate",
  typeName: "Fetcher",
  value: (e) => e.certificate_id,
  support: "remote",
});
