// Bindings wrangler dev serves only from Cloudflare's network: its table shows
// them as "remote" (always-remote products such as AI) or "not supported"
// (products with no local simulation, unless `remote = true`), and it warns at
// start as warnOrError does. Bunflare never reaches Cloudflare, so each is listed
// and warned about as wrangler does; those wrangler would reach Cloudflare for are
// also named in one "only available on Cloudflare's network" warning, and in env
// each is miniflare's stand-in: a Fetcher (or workerd's JS wrapper of one, for AI and
// Vectorize) whose every use fails with "Binding X needs to be run remotely".
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
  /** The value in env when it is not the plain Fetcher stand-in (workerd wraps some in a JS class). */
  createEnv?(entry: Entry): unknown;
}

const needsRemote = (binding: string) => new Error(`Binding ${binding} needs to be run remotely`);

/**
 * workerd's JsRpcPromise / JsRpcProperty as miniflare's remote-proxy client gives them without a
 * connection: callable, awaitable (with catch and finally), any member another one; nothing
 * fails until it is called or awaited, so an unawaited call leaves no unhandled rejection.
 */
function rpcStub(binding: string, tag: "JsRpcPromise" | "JsRpcProperty"): unknown {
  // An arrow function: callable, with no non-configurable own `prototype`, so it can show no own keys, as workerd's do.
  const target = Object.setPrototypeOf(() => {}, tag === "JsRpcPromise" ? JsRpcPromise.prototype : JsRpcProperty.prototype);
  const rejected = () => Promise.reject(needsRemote(binding));
  const settle: Record<string, unknown> = {
    then: (onFulfilled?: () => unknown, onRejected?: (e: unknown) => unknown) => rejected().then(onFulfilled, onRejected),
    catch: (onRejected?: (e: unknown) => unknown) => rejected().catch(onRejected),
    finally: (onFinally?: () => void) => rejected().finally(onFinally),
  };
  return new Proxy(target, {
    get: (self, key) => (typeof key === "symbol" || key === "constructor" ? Reflect.get(self, key) : (settle[key] ?? rpcStub(binding, "JsRpcProperty"))),
    has: (self, key) => typeof key === "string" || key in self,
    ownKeys: () => [],
    apply: () => rpcStub(binding, "JsRpcPromise"),
  });
}
/** What a dispatch namespace's get() gives offline: miniflare makes get() itself an RPC call, so its answer is a JsRpcPromise. */
export const dispatchedStub = (binding: string): unknown => rpcStub(binding, "JsRpcPromise");

class JsRpcPromise {
  get [Symbol.toStringTag]() {
    return "JsRpcPromise";
  }
}
class JsRpcProperty {
  get [Symbol.toStringTag]() {
    return "JsRpcProperty";
  }
}

/** The binding a stand-in names, out of sight of keys, JSON and `in`; a symbol, as a Fetcher's methods run with its proxy as `this`, which has no private fields. */
const BINDING = Symbol("binding");

/** workerd's Fetcher, the shape miniflare gives a remote-only binding: fetch() plus any RPC member. */
class Fetcher {
  declare [BINDING]: string;
  // The bundle has other classes of this name; user code reads it (`env.X.constructor.name`).
  static {
    Object.defineProperty(this, "name", { value: "Fetcher" });
  }
  constructor(binding: string) {
    Object.defineProperty(this, BINDING, { value: binding });
  }
  get [Symbol.toStringTag]() {
    return "Fetcher";
  }
}
failingMethods(Fetcher, ["fetch", "connect"]);

/**
 * A binding only Cloudflare serves, as wrangler dev gives it offline: a Fetcher whose every
 * other member is an RPC call that fails with "Binding X needs to be run remotely". As on
 * workerd's stubs, `then` and `toJSON` are absent (so it is not a thenable and prints as {})
 * and `in` holds for any name.
 */
export function remoteStub(binding: string): unknown {
  return new Proxy(new Fetcher(binding), {
    get: (self, key) => {
      if (typeof key === "symbol" || key in self) return Reflect.get(self, key, self);
      return key === "then" || key === "toJSON" ? undefined : rpcStub(binding, "JsRpcProperty");
    },
    has: (self, key) => typeof key === "string" || key in self,
  });
}

/** Puts methods that fail as every call on a stand-in does on a wrapper class's prototype. */
function failingMethods(wrapper: { prototype: object }, names: string[]): void {
  for (const name of names) {
    const method = {
      async [name](this: { [BINDING]: string }) {
        throw needsRemote(this[BINDING]);
      },
    }[name];
    Object.defineProperty(wrapper.prototype, name, { value: method, writable: true, configurable: true });
  }
}

/** workerd's `Ai` (cloudflare-internal:ai-api) over miniflare's remote-only fetcher: its fields and methods, nothing else. */
class Ai {
  declare [BINDING]: string;
  lastRequestId = null;
  aiGatewayLogId = null;
  lastRequestHttpStatusCode = null;
  lastRequestInternalStatusCode = null;
  constructor(binding: string) {
    Object.defineProperty(this, BINDING, { value: binding });
  }
  // These hand back their own clients at once; those fail on use.
  gateway(): unknown {
    return remoteStub(this[BINDING]);
  }
  autorag(): unknown {
    return remoteStub(this[BINDING]);
  }
}
failingMethods(Ai, ["fetch", "run", "getLogs", "models", "toMarkdown", "aiSearch"]);

/** workerd's `VectorizeIndexImpl` (cloudflare-internal:vectorize-api) over miniflare's remote-only fetcher. */
class VectorizeIndexImpl {
  declare [BINDING]: string;
  fetcher: unknown;
  indexId: string;
  indexVersion = "v2";
  useNdJson = true;
  constructor(binding: string, indexId: string) {
    Object.defineProperty(this, BINDING, { value: binding });
    this.fetcher = remoteStub(binding);
    this.indexId = indexId;
  }
}
failingMethods(VectorizeIndexImpl, ["describe", "query", "queryById", "insert", "upsert", "getByIds", "deleteByIds"]);

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
    createEnv: (entry) => (spec.createEnv ?? ((e: Entry) => remoteStub(e.binding)))(entry),
    typeName: () => spec.typeName,
  };
}

const unlessFalse = (entry: Entry) => entry.remote !== false;
// wrangler's table lists AI Search and Artifacts as "remote" even with `remote = false` or --local.
const always = () => true;

export const vectorizeDescriptor = remoteOnly({
  key: "vectorize",
  kind: "Vectorize Index",
  typeName: "VectorizeIndex",
  value: (e) => e.index_name,
  support: "remote",
  createEnv: (e) => new VectorizeIndexImpl(e.binding, String(e.index_name)),
});
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
  createEnv: (e) => new Ai(e.binding),
});
export const mtlsCertificatesDescriptor = remoteOnly({
  key: "mtls_certificates",
  kind: "mTLS Certificate",
  typeName: "Fetcher",
  value: (e) => e.certificate_id,
  support: "remote",
});
