// A Durable Object namespace whose class another `bunflare dev` process defines
// (`script_name` naming a worker found in the dev registry). Ids are made here as
// the owner makes them (they derive from the class name); each stub forwards
// fetch and RPC to the owner, where the one instance per id lives, as under
// wrangler, where the object runs in the process of the worker that defines it.
import { DurableObjectId, IdFactory } from "./id.ts";
import { notAnId } from "./validate.ts";
import { remoteCall, remoteFetch, remoteMember, type RemoteTarget } from "../service/remote.ts";

const NOT_RPC = new Set(["then", "constructor", "toJSON"]);

export class RemoteDurableObjectNamespace {
  readonly #ids: IdFactory;

  constructor(
    readonly worker: string,
    readonly className: string,
  ) {
    this.#ids = new IdFactory(className);
  }

  idFromName(name: string): DurableObjectId {
    return this.#ids.fromName(name);
  }

  idFromString(id: string): DurableObjectId {
    return this.#ids.fromString(id);
  }

  newUniqueId(_options?: unknown): DurableObjectId {
    return this.#ids.unique();
  }

  jurisdiction(_jurisdiction: string): RemoteDurableObjectNamespace {
    return this;
  }

  get(id: DurableObjectId, _options?: unknown): unknown {
    if (!(id instanceof DurableObjectId)) throw notAnId("get");
    const target: RemoteTarget = { worker: this.worker, className: this.className, id: id.toString(), name: id.name };
    const base = {
      id,
      name: id.name,
      fetch: (input: Request | string | URL, init?: RequestInit) =>
        remoteFetch(target, input instanceof Request && init === undefined ? input : new Request(input as string, init)),
    };
    const members = new Map<string, unknown>();
    return new Proxy(base, {
      get(t, prop) {
        if (typeof prop === "symbol") return undefined;
        if (prop in t) return t[prop as keyof typeof t];
        if (NOT_RPC.has(prop)) return undefined;
        let member = members.get(prop);
        if (!member) members.set(prop, (member = remoteMember((op, args) => remoteCall(target, op, prop, args))));
        return member;
      },
    });
  }

  getByName(name: string, options?: unknown): unknown {
    return this.get(this.idFromName(name), options);
  }
}
