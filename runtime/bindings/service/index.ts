// Service bindings: `env.SVC.fetch(...)` and RPC `env.SVC.method(...)` into
// another worker (or this one) in this dev process, or in another `bunflare dev`
// process found in the dev registry. A worker no session runs answers as
// wrangler's does: fetch gets a 503 naming it, RPC throws the same words.
import { workerNotFound } from "./registry.ts";
import { remoteMember, type RpcOp } from "./remote.ts";

export interface ServiceTarget {
  fetch(request: Request): Promise<Response>;
  /** The entrypoint instance RPC calls go to (a worker of this process). */
  rpcTarget?(): Record<string, unknown>;
  /** RPC carried to another process. */
  rpc?(op: RpcOp, name: string, args: unknown[]): Promise<unknown>;
}

export interface ServiceBindingOptions {
  service: string;
  entrypoint?: string;
  find(): ServiceTarget | undefined;
}

export function createServiceBinding(options: ServiceBindingOptions): unknown {
  const fetchVia = async (input: Request | string | URL, init?: RequestInit) => {
    const request = typeof input === "string" || input instanceof URL ? new Request(String(input), init) : new Request(input, init);
    const target = options.find();
    if (!target) return new Response(workerNotFound(options.service), { status: 503 });
    return target.fetch(request);
  };
  const invoke = async (op: RpcOp, name: string, args: unknown[]): Promise<unknown> => {
    const target = options.find();
    if (!target) throw new Error(workerNotFound(options.service));
    if (target.rpc) return target.rpc(op, name, args);
    const instance = target.rpcTarget!();
    const member = instance[name];
    if (op === "get") return typeof member === "function" ? member.bind(instance) : member;
    if (typeof member !== "function") throw new TypeError(`The RPC receiver does not implement the method "${name}".`);
    return (member as (...a: unknown[]) => unknown).apply(instance, args);
  };
  const members = new Map<string, unknown>();
  return new Proxy(
    {},
    {
      get(_self, key) {
        if (key === "fetch") return fetchVia;
        if (key === "then" || typeof key === "symbol") return undefined;
        let member = members.get(key);
        if (!member) members.set(key, (member = remoteMember((op, args) => invoke(op, key, args))));
        return member;
      },
    },
  );
}
