// A Durable Object namespace whose class another `bunflare dev` process defines
// (`script_name` naming a worker found in the dev registry). Ids are made here as
// the owner makes them (they derive from the class name); each stub forwards
// fetch and RPC to the owner, where the one instance per id lives, as under
// wrangler, where the object runs in the process of the worker that defines it.
import { DurableObjectId, DurableObjectStubClass, IdFactory } from "./id.ts";
import { noJurisdiction, notAnId, STUB_NOT_SENT, uniqueIdOptions } from "./validate.ts";
import { remoteCapability, remoteFetch } from "../../rpc/remote.ts";
import { fetchThroughBinding } from "../fetcher.ts";
import { makeStub } from "../../rpc/stubs.ts";

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

  newUniqueId(options?: unknown): DurableObjectId {
    uniqueIdOptions(options);
    return this.#ids.unique();
  }

  jurisdiction(jurisdiction?: string | null): RemoteDurableObjectNamespace {
    noJurisdiction(jurisdiction);
    return this;
  }

  get(id: DurableObjectId, _options?: unknown): unknown {
    if (!(id instanceof DurableObjectId)) throw notAnId("get");
    const target = { worker: this.worker, className: this.className, id: id.toString(), name: id.name };
    const own = {
      name: id.name,
      id,
      fetch: (input: Request | string | URL, init?: RequestInit) =>
        fetchThroughBinding(input instanceof Request && init === undefined ? input : new Request(input as string, init), (next) => remoteFetch(target, next)),
    };
    return makeStub(remoteCapability(target), { own, object: true, local: false, refuseClone: STUB_NOT_SENT, proto: DurableObjectStubClass.prototype });
  }

  getByName(name: string, options?: unknown): unknown {
    return this.get(this.idFromName(name), options);
  }
}
