// Service bindings: `env.SVC.fetch(...)` and RPC `env.SVC.method(...)` into
// another worker (or this one) in this dev process, or in another `bunflare dev`
// process found in the dev registry. A worker no session runs answers as
// wrangler's does: fetch gets a 503 naming it, RPC throws the same words.
// RPC itself (stubs, pipelining, copying, errors) is runtime/rpc/stubs.ts.
import { workerNotFound } from "../../rpc/registry.ts";
import { fetchThroughBinding } from "../fetcher.ts";
import { remoteCapability, type RemoteTarget } from "../../rpc/remote.ts";
import { clonedCapability, localCapability, makeStub, type Capability } from "../../rpc/stubs.ts";

export interface ServiceTarget {
  fetch(request: Request): Promise<Response>;
  /** The entrypoint instance an RPC call goes to (a worker of this process): a new one per call, with `ctx.props`. */
  rpcTarget?(props?: unknown): Record<string, unknown>;
  /** The worker runs in another process: RPC is carried there. */
  remote?: Extract<RemoteTarget, { entrypoint?: string }>;
}

export interface ServiceBindingOptions {
  service: string;
  entrypoint?: string;
  /** The binding's `props`: what the entrypoint sees as `this.ctx.props`. */
  props?: unknown;
  /** The `experimental` compatibility flag is on: workerd sends a service binding over RPC only then. */
  experimental?: boolean;
  find(): ServiceTarget | undefined;
}

/** What a service binding reports as its class, as in workerd. */
class Fetcher {
  // Kept whatever a bundler renames the class to.
  static {
    Object.defineProperty(this, "name", { value: "Fetcher" });
  }
}

type FetchFunction = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

/**
 * A binding as workerd's Fetchers are: its own `fetch`, every other member an
 * RPC call into `rpc`. workerd sends one over RPC only with the `experimental` flag.
 */
export function makeFetcher(fetch: FetchFunction, rpc: Capability, experimental = false): unknown {
  const refuseClone = experimental ? undefined : "ServiceStub serialization requires the 'experimental' compat flag.";
  return makeStub(rpc, { own: { fetch }, object: true, local: false, proto: Fetcher.prototype, refuseClone });
}

export function createServiceBinding(options: ServiceBindingOptions): unknown {
  const props = options.props ?? {};
  const fetch = async (input: Request | string | URL, init?: RequestInit) => {
    const request = typeof input === "string" || input instanceof URL ? new Request(String(input), init) : new Request(input, init);
    const target = options.find();
    if (!target) return new Response(workerNotFound(options.service), { status: 503 });
    return fetchThroughBinding(request, (next) => target.fetch(next));
  };
  // Found per call: the other worker may reload, stop or start between calls.
  const capability = (): Capability => {
    const target = options.find();
    if (!target) throw new Error(workerNotFound(options.service));
    if (target.remote) return remoteCapability({ ...target.remote, props });
    return clonedCapability(localCapability(() => target.rpcTarget!(props)));
  };
  const cap: Capability = {
    call: async (path, args) => capability().call(path, args),
    get: async (path) => capability().get(path),
    release() {},
  };
  // Copies are made by the capability found: in this process, or by the request to another.
  return makeFetcher(fetch, cap, options.experimental);
}
