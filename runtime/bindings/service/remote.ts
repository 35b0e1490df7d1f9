// Calls into a worker that another `bunflare dev` process runs, found in the dev
// registry: fetch() is forwarded as an HTTP request to that server (with the
// target named in a header), RPC is one POST per call whose body is the call
// and whose answer is the result, both structured-cloned (Map, Set, Date,
// typed arrays, bigint survive; JSON would not). Errors cross back as their
// name and message, as the runtime gives them to the caller.
import { deserialize, serialize } from "bun:jsc";
import { ERROR_HEADER, lookupWorker, ORIGINAL_URL_HEADER, RPC_PATH, TARGET_HEADER, workerNotFound } from "./registry.ts";

/** What a cross-process call is addressed to: an entrypoint of a worker, or one Durable Object of a class it defines. */
export type RemoteTarget = { worker: string; entrypoint?: string } | { worker: string; className: string; id: string; name?: string };

export type RpcOp = "call" | "get";

export interface RpcRequest {
  target: RemoteTarget;
  op: RpcOp;
  name: string;
  args: unknown[];
}

export type RpcReply = { ok: unknown } | { error: { name: string; message: string } };

/** Structured-clone bytes of `value`; what cannot be cloned is named as the runtime names it. */
export function encode(value: unknown): Uint8Array {
  try {
    return new Uint8Array(serialize(value));
  } catch (error) {
    const culprit = findUncloneable(value);
    const what = culprit === undefined ? "" : typeof culprit === "function" ? "function" : (culprit as object)?.constructor?.name ?? typeof culprit;
    throw Object.assign(
      new Error(
        what === "function"
          ? "Could not serialize a function: bunflare passes functions and RpcTargets by reference only within one dev process, not to a worker of another `bunflare dev` process."
          : `Could not serialize object of type "${what || "unknown"}". This type does not support serialization.`,
      ),
      { name: "DataCloneError", cause: error },
    );
  }
}

export function decode<T>(bytes: ArrayBuffer | Uint8Array): T {
  return deserialize(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)) as T;
}

function findUncloneable(value: unknown, seen = new Set<unknown>()): unknown {
  if (typeof value === "function" || typeof value === "symbol") return value;
  if (value === null || typeof value !== "object" || seen.has(value)) return undefined;
  seen.add(value);
  if (value instanceof ReadableStream || value instanceof Request || value instanceof Response) return value;
  const children = value instanceof Map ? [...value.keys(), ...value.values()] : value instanceof Set ? [...value] : Object.values(value);
  for (const child of children) {
    const found = findUncloneable(child, seen);
    if (found !== undefined) return found;
  }
  return undefined;
}

const BUILTIN_ERRORS: Record<string, ErrorConstructor> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/** The error a caller sees for one the callee threw: same name and message, the caller's stack. */
export function rebuildError(shape: { name: string; message: string }): Error {
  const error = new (BUILTIN_ERRORS[shape.name] ?? Error)(shape.message);
  if (error.name !== shape.name) Object.defineProperty(error, "name", { value: shape.name, configurable: true, writable: true });
  return error;
}

/** A refused connection: the registry's pid lives on but no longer serves (pid reuse, or shutting down). */
function notServing(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? "";
  return code === "ConnectionRefused" || code === "ECONNREFUSED" || code === "ECONNRESET" || /Unable to connect|ConnectionRefused/i.test(String(error));
}

const notFoundResponse = (worker: string) => new Response(workerNotFound(worker), { status: 503 });

/** Forwards `request` to the worker (or Durable Object) in the process that runs it; 503 with wrangler's text when none does. */
export async function remoteFetch(target: RemoteTarget, request: Request): Promise<Response> {
  const entry = lookupWorker(target.worker);
  if (!entry) return notFoundResponse(target.worker);
  const url = new URL(request.url);
  const headers = new Headers(request.headers);
  headers.set(ORIGINAL_URL_HEADER, request.url);
  headers.set(TARGET_HEADER, JSON.stringify(target));
  let response: Response;
  try {
    response = await fetch(new URL(url.pathname + url.search, entry.url), {
      method: request.method,
      headers,
      body: request.body,
      redirect: "manual",
      // The callee answers content-encoded bodies as they are; the caller's worker decodes, as in workerd.
      decompress: false,
    } as RequestInit);
  } catch (error) {
    if (notServing(error)) return notFoundResponse(target.worker);
    throw error;
  }
  const thrown = response.headers.get(ERROR_HEADER);
  if (thrown) throw rebuildError(JSON.parse(decodeURIComponent(thrown)) as { name: string; message: string });
  return response;
}

/** One RPC call (or property read) on the remote target; resolves with its result or rejects with its error. */
export async function remoteCall(target: RemoteTarget, op: RpcOp, name: string, args: unknown[]): Promise<unknown> {
  const body = encode({ target, op, name, args } satisfies RpcRequest);
  const entry = lookupWorker(target.worker);
  if (!entry) throw new Error(workerNotFound(target.worker));
  let response: Response;
  try {
    response = await fetch(new URL(RPC_PATH, entry.url), { method: "POST", body, headers: { [TARGET_HEADER]: "rpc" } });
  } catch (error) {
    if (notServing(error)) throw new Error(workerNotFound(target.worker));
    throw error;
  }
  if (response.headers.get("content-type") !== "application/x-bunflare-rpc") {
    // Not a bunflare dev server answering (an old one, or another program on the port).
    throw new Error(workerNotFound(target.worker));
  }
  const reply = decode<RpcReply>(await response.arrayBuffer());
  if ("error" in reply) throw rebuildError(reply.error);
  return reply.ok;
}

/** The body a dev server answers an RPC request with. */
export function rpcResponse(reply: RpcReply): Response {
  let bytes: Uint8Array;
  try {
    bytes = encode(reply);
  } catch (error) {
    bytes = encode({ error: { name: (error as Error).name, message: (error as Error).message } });
  }
  return new Response(bytes, { headers: { "content-type": "application/x-bunflare-rpc" } });
}

/** A method of a remote stub: callable, and awaitable to read a property, as workerd's stubs are. */
export function remoteMember(call: (op: RpcOp, args: unknown[]) => Promise<unknown>) {
  return Object.assign((...args: unknown[]) => call("call", args), {
    then(resolve?: (value: unknown) => unknown, reject?: (error: unknown) => unknown) {
      return call("get", []).then(resolve, reject);
    },
  });
}
