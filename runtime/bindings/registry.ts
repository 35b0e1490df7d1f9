// Every binding bunflare knows, in wrangler's bindings-table order. buildEnv,
// the bindings table, config validation, `types` and the Local Explorer
// iterate this list; a new binding is its folder plus one line here.
// Descriptors are light (no implementation loaded), so reading this list costs
// a `kv` command nothing of R2's, D1's or Durable Objects' code.
import type { BindingDescriptor } from "./descriptor.ts";
import { durableObjectsDescriptor } from "./durable-objects/descriptor.ts";
import { kvDescriptor } from "./kv/descriptor.ts";
import { d1Descriptor } from "./d1/descriptor.ts";
import { r2Descriptor } from "./r2/descriptor.ts";
import { serviceDescriptor } from "./service/descriptor.ts";
import { assetsDescriptor } from "./assets/descriptor.ts";
import { varsDescriptor } from "./vars/descriptor.ts";
import { queuesDescriptor } from "./queues/descriptor.ts";
import { workflowsDescriptor } from "./workflows/descriptor.ts";
import { sendEmailDescriptor } from "./send-email/descriptor.ts";
import { hyperdriveDescriptor } from "./hyperdrive/descriptor.ts";
import { analyticsEngineDescriptor } from "./analytics-engine/descriptor.ts";
import { imagesDescriptor } from "./images/descriptor.ts";
import { ratelimitsDescriptor } from "./ratelimits/descriptor.ts";
import { versionMetadataDescriptor } from "./version-metadata/descriptor.ts";
import { secretsStoreDescriptor } from "./secrets-store/descriptor.ts";
import { dispatchNamespacesDescriptor } from "./dispatch-namespaces/descriptor.ts";
import { pipelinesDescriptor } from "./pipelines/descriptor.ts";
import { unsafeDescriptor } from "./unsafe/descriptor.ts";
import { workerLoadersDescriptor } from "./worker-loaders/descriptor.ts";
import { streamDescriptor } from "./stream/descriptor.ts";
import {
  aiDescriptor,
  aiSearchDescriptor,
  aiSearchNamespacesDescriptor,
  artifactsDescriptor,
  flagshipDescriptor,
  mediaDescriptor,
  mtlsCertificatesDescriptor,
  vectorizeDescriptor,
  vpcNetworksDescriptor,
  vpcServicesDescriptor,
} from "./remote-only/descriptor.ts";

export const BINDINGS: readonly BindingDescriptor[] = [
  durableObjectsDescriptor,
  workflowsDescriptor,
  kvDescriptor,
  sendEmailDescriptor,
  queuesDescriptor,
  d1Descriptor,
  vectorizeDescriptor,
  aiSearchNamespacesDescriptor,
  aiSearchDescriptor,
  hyperdriveDescriptor,
  vpcServicesDescriptor,
  vpcNetworksDescriptor,
  r2Descriptor,
  secretsStoreDescriptor,
  artifactsDescriptor,
  flagshipDescriptor,
  serviceDescriptor,
  analyticsEngineDescriptor,
  imagesDescriptor,
  streamDescriptor,
  mediaDescriptor,
  aiDescriptor,
  pipelinesDescriptor,
  ratelimitsDescriptor,
  assetsDescriptor,
  versionMetadataDescriptor,
  unsafeDescriptor,
  varsDescriptor,
  dispatchNamespacesDescriptor,
  mtlsCertificatesDescriptor,
  workerLoadersDescriptor,
];

/** The bindings wrangler dev warns about (or refuses) at start for their `remote` field, in its order. */
export const REMOTE_WARNING_ORDER: readonly BindingDescriptor[] = [
  aiDescriptor,
  aiSearchNamespacesDescriptor,
  aiSearchDescriptor,
  mediaDescriptor,
  artifactsDescriptor,
  flagshipDescriptor,
  vectorizeDescriptor,
  vpcServicesDescriptor,
  vpcNetworksDescriptor,
  dispatchNamespacesDescriptor,
  mtlsCertificatesDescriptor,
];

/**
 * Wrangler config keys of bindings bunflare has no descriptor for yet, with how
 * wrangler names them. A worker configured with one gets a warning at dev
 * start instead of a silent `undefined` in env.
 */
export const UNSUPPORTED_BINDING_KEYS: Record<string, string> = {
  logfwdr: "logfwdr",
  unsafe_hello_world: "Hello World",
  // wrangler dev drives a local Chrome for it; bunflare has no browser to drive.
  browser: "Browser Run",
};

/**
 * Keys without a descriptor that wrangler dev serves only by connecting to
 * Cloudflare: bunflare never will, so its warning says so rather than "not yet".
 * (Bindings with a descriptor say so with `unavailable`: ai, vectorize, ai_search,
 * vpc_services, vpc_networks, media, artifacts, flagship, mtls_certificates, dispatch_namespaces, images and stream.)
 */
export const REMOTE_ONLY_BINDING_KEYS: ReadonlySet<string> = new Set(["logfwdr"]);

/** The env names one unsupported key binds (`binding`, or `name` for send_email / ratelimits / logfwdr / unsafe). */
function namesUnder(value: unknown): string[] {
  const entries = Array.isArray(value)
    ? value
    : value && typeof value === "object"
      ? Array.isArray((value as { bindings?: unknown }).bindings)
        ? ((value as { bindings: unknown[] }).bindings)
        : [value]
      : [];
  return entries
    .map((entry) => (entry && typeof entry === "object" ? ((entry as Record<string, unknown>).binding ?? (entry as Record<string, unknown>).name) : undefined))
    .filter((name): name is string => typeof name === "string");
}

/** Configured bindings bunflare has no descriptor for: each key with the env names it binds. */
export function unsupportedBindings(config: Record<string, unknown>): { key: string; names: string[] }[] {
  const found: { key: string; names: string[] }[] = [];
  for (const key of Object.keys(UNSUPPORTED_BINDING_KEYS)) {
    const value = config[key];
    if (value === undefined || (Array.isArray(value) && value.length === 0)) continue;
    // A built wrangler.json (Cloudflare's Vite plugin) carries `logfwdr: { bindings: [] }`: nothing bound.
    const bindings = (value as { bindings?: unknown } | null)?.bindings;
    if (Array.isArray(bindings) && bindings.length === 0) continue;
    if (BINDINGS.some((descriptor) => descriptor.key.split(".")[0] === key)) continue;
    found.push({ key, names: namesUnder(value) });
  }
  return found;
}
