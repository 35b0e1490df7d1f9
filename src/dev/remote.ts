// The callee's side of cross-process calls (runtime/rpc/remote.ts is
// the caller's): another `bunflare dev` process forwards a service binding's
// fetch, an RPC call, or a request to a Durable Object of a class this session
// defines. These requests never reach the request log: to the user they are a
// binding call, not a request to this server.
import type { RemoteTarget } from "../../runtime/rpc/remote.ts";
import type { Capability } from "../../runtime/rpc/stubs.ts";
import { ERROR_HEADER, HEADER_NAMES_HEADER, ORIGINAL_URL_HEADER, RPC_PATH, TARGET_HEADER, workerNotFound } from "../../runtime/rpc/registry.ts";
import type { DurableObjectNamespace } from "../../runtime/bindings/durable-objects/index.ts";
import type { DevSession } from "./session.ts";

type Stub = Record<string, unknown> & { fetch(request: Request): Promise<Response> };

// Required at the first call from another process: the RPC wire and the stubs (with
// cloudflare:workers' sources) then stay out of the modules a dev start loads before its
// first build, which loads the stubs while esbuild runs (src/dev/session.ts).
const rpc = () => require("../../runtime/rpc/remote.ts") as typeof import("../../runtime/rpc/remote.ts");
const stubs = () => require("../../runtime/rpc/stubs.ts") as typeof import("../../runtime/rpc/stubs.ts");

const errorShape = (error: unknown) => {
  const original = ((error as { original?: unknown }).original ?? error) as Error;
  return { name: original?.name ?? "Error", message: original?.message ?? String(original) };
};

/** Whether `request` was sent by another dev process rather than a client. */
export const isRemoteCall = (request: Request) => request.headers.has(TARGET_HEADER);

export function createRemoteHandler(session: DevSession, reportError: (stack: string) => void) {
  const stubFor = (target: Extract<RemoteTarget, { className: string }>): Stub | undefined => {
    const namespace = session.hostedNamespace(target.worker, target.className);
    if (!namespace) return undefined;
    const id = target.name !== undefined ? namespace.idFromName(target.name) : namespace.idFromString(target.id);
    return namespace.get(id) as unknown as Stub;
  };

  // The entrypoint or Durable Object a call from another process is for, before in-process copying.
  const resolveTarget = (target: Exclude<RemoteTarget, { cap: string }>): Capability => {
    if ("className" in target) {
      const stub = stubFor(target);
      if (!stub) throw new Error(workerNotFound(target.worker));
      return stubs().rawCapabilityOf(stub)!;
    }
    const service = session.findService(target.worker, target.entrypoint);
    if (!service?.rpcTarget) throw new Error(workerNotFound(target.worker));
    return stubs().localCapability(() => service.rpcTarget!(target.props));
  };

  return async (request: Request): Promise<Response> => {
    const { pathname } = new URL(request.url);
    const { answerRpc, answerStream, STREAM_PATH } = rpc();
    if (pathname === RPC_PATH) return answerRpc(await request.arrayBuffer(), resolveTarget);
    if (pathname.startsWith(STREAM_PATH)) return answerStream(pathname);
    const target = JSON.parse(request.headers.get(TARGET_HEADER)!) as Exclude<RemoteTarget, { cap: string }>;
    const headers = new Headers(request.headers);
    headers.delete(TARGET_HEADER);
    headers.delete(ORIGINAL_URL_HEADER);
    // Only the caller's own headers: not the ones the hop between the processes added.
    const names = request.headers.get(HEADER_NAMES_HEADER);
    if (names !== null) {
      const own = new Set(JSON.parse(names) as string[]);
      for (const name of [...headers.keys()]) if (!own.has(name)) headers.delete(name);
    }
    const forwarded = new Request(request.headers.get(ORIGINAL_URL_HEADER) ?? request.url, {
      method: request.method,
      headers,
      body: request.body,
      redirect: "manual",
    });
    try {
      if ("className" in target) {
        const stub = stubFor(target);
        if (!stub) return new Response(workerNotFound(target.worker), { status: 503 });
        return await stub.fetch(forwarded);
      }
      const service = session.findService(target.worker, target.entrypoint);
      if (!service || service.remote) return new Response(workerNotFound(target.worker), { status: 503 });
      return await service.fetch(forwarded);
    } catch (error) {
      // The caller's fetch() rejects with this error, as a binding call into a throwing worker does.
      reportError((error as Error).stack ?? String(error));
      return new Response(null, { status: 500, headers: { [ERROR_HEADER]: encodeURIComponent(JSON.stringify(errorShape(error))) } });
    }
  };
}

export type { DurableObjectNamespace };
