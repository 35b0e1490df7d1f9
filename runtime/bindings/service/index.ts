// Service bindings: `env.SVC.fetch(...)` and RPC `env.SVC.method(...)` into
// another worker (or this one) in the same dev server. A worker that is not
// running answers as wrangler's "[not connected]" binding does: an error.

export interface ServiceTarget {
  fetch(request: Request): Promise<Response>;
  /** The entrypoint instance RPC calls go to. */
  rpcTarget(): Record<string, unknown>;
}

export interface ServiceBindingOptions {
  service: string;
  entrypoint?: string;
  find(): ServiceTarget | undefined;
}

export function createServiceBinding(options: ServiceBindingOptions): unknown {
  const target = (): ServiceTarget => {
    const found = options.find();
    if (!found) {
      throw new Error(
        `Couldn't find a local dev session for the "${options.entrypoint ?? "default"}" entrypoint of service "${options.service}" to proxy to`,
      );
    }
    return found;
  };
  const fetchVia = async (input: Request | string | URL, init?: RequestInit) => {
    const request = typeof input === "string" || input instanceof URL ? new Request(String(input), init) : new Request(input, init);
    return target().fetch(request);
  };
  return new Proxy(
    {},
    {
      get(_self, key) {
        if (key === "fetch") return fetchVia;
        if (key === "then" || typeof key === "symbol") return undefined;
        return async (...args: unknown[]) => {
          const instance = target().rpcTarget();
          const member = instance[key];
          if (typeof member !== "function") {
            if (member === undefined) {
              throw new TypeError(`The RPC receiver does not implement the method "${String(key)}".`);
            }
            return member;
          }
          return (member as (...a: unknown[]) => unknown).apply(instance, args);
        };
      },
    },
  );
}
