// Calls into a worker that another `bunflare dev` process runs, found in the dev
// registry: fetch() is forwarded as an HTTP request to that server (with the
// target named in a header); RPC is one POST per call whose body is the call
// and whose answer is the result, both structured-cloned with bun:jsc (Map,
// Set, Date, typed arrays, bigint survive; JSON would not). Functions and
// RpcTargets travel as capability ids of the process that holds them, so the
// other side's stub calls back here (callbacks, returned targets, pipelining);
// streams (and Request / Response bodies) are lent too: the receiver reads
// them as one streamed HTTP response from the process that holds them.
import { deserialize, serialize } from "bun:jsc";
import { processAlive } from "../processes.ts";
import { ERROR_HEADER, HEADER_NAMES_HEADER, lookupWorker, ORIGINAL_URL_HEADER, rpcAddress, RPC_PATH, TARGET_HEADER, workerNotFound } from "./registry.ts";
import {
  dataCloneError,
  errorShape,
  isStub,
  isTarget,
  localCapability,
  makeStub,
  prepare,
  rawCapabilityOf,
  rebuildError,
  revive,
  type Capability,
  type ErrorShape,
} from "./stubs.ts";

/** What a cross-process call is addressed to: an entrypoint, one Durable Object, or a capability a process exported. */
export type RemoteTarget =
  | { worker: string; entrypoint?: string; props?: unknown }
  | { worker: string; className: string; id: string; name?: string }
  | { cap: string; url: string };

export type RpcOp = "call" | "get" | "release";

export interface RpcRequest {
  target: RemoteTarget;
  op: RpcOp;
  path: string[];
  args: unknown[];
  /** The calling process: what its results lend is released if it dies without disposing them. */
  from?: number;
}

export type RpcReply = { ok: unknown } | { error: ErrorShape };

// ---------------------------------------------------------------------------
// Capabilities this process lends to others

const exported = new Map<string, Capability>();
let nextExport = 0;

// A borrower killed (-9, a crash) never sends "release", and never reads the
// streams lent to it: each result's loans are tagged with the borrower's pid,
// and a sweep releases those of processes that are gone. A lent stream is
// fetched by its borrower as soon as it decodes the value, so one unclaimed for
// a minute has no reader left.
const borrowers = new Map<string, number>();
const STREAM_UNCLAIMED_MS = 60_000;
const SWEEP_EVERY_MS = 10_000;
let sweeper: ReturnType<typeof setInterval> | undefined;

/** Releases what dead borrowers held and cancels streams no one came for. */
export function sweepLoans(now = Date.now()): void {
  const alive = new Map<number, boolean>();
  for (const [id, pid] of borrowers) {
    if (!alive.has(pid)) alive.set(pid, processAlive(pid));
    if (alive.get(pid)) continue;
    borrowers.delete(id);
    const cap = exported.get(id);
    exported.delete(id);
    cap?.release();
  }
  for (const [id, loan] of lentStreams) {
    if (now - loan.at < STREAM_UNCLAIMED_MS) continue;
    lentStreams.delete(id);
    loan.stream.cancel().catch(() => {});
  }
  if (borrowers.size === 0 && lentStreams.size === 0 && sweeper) {
    clearInterval(sweeper);
    sweeper = undefined;
  }
}

function sweepLater(): void {
  sweeper ??= setInterval(sweepLoans, SWEEP_EVERY_MS);
  sweeper.unref?.();
}

/** How many capabilities and streams this process has lent and not had back. */
export function outstandingLoans(): { capabilities: number; streams: number } {
  return { capabilities: exported.size, streams: lentStreams.size };
}

function lend(cap: Capability): { cap: string; url: string } {
  const ownAddress = rpcAddress();
  if (!ownAddress) {
    throw dataCloneError(
      "Could not serialize a function: bunflare passes functions and RpcTargets by reference only from a running `bunflare dev` session.",
    );
  }
  const id = `${process.pid}.${++nextExport}`;
  exported.set(id, cap);
  return { cap: id, url: ownAddress };
}

/** A stream on the wire: lent (read from its holder when the receiver reads it), or its bytes when nothing can serve it. */
type StreamRef = { stream: string; url: string } | { bytes: Uint8Array };

type Wire =
  | { cap: string; url: string }
  | { body: StreamRef }
  | { request: { url: string; method: string; headers: [string, string][]; body: StreamRef | null } }
  | { response: { status: number; statusText: string; headers: [string, string][]; body: StreamRef | null } }
  | { headers: [string, string][] };

const lentStreams = new Map<string, { stream: ReadableStream; at: number }>();

/** Path under which a dev server serves the streams it lent (one read each). */
export const STREAM_PATH = "/cdn-cgi/bunflare/rpc-stream/";

async function lendStream(body: ReadableStream | null): Promise<StreamRef | null> {
  if (!body) return null;
  const ownAddress = rpcAddress();
  if (!ownAddress) return { bytes: new Uint8Array(await new Response(body).arrayBuffer()) };
  const id = `${process.pid}.${++nextExport}`;
  lentStreams.set(id, { stream: body, at: Date.now() });
  sweepLater();
  return { stream: id, url: ownAddress };
}

function borrowStream(ref: StreamRef | null): ReadableStream | null {
  if (!ref) return null;
  if ("bytes" in ref) return new Response(ref.bytes).body;
  // Read as the receiver reads: chunks arrive while the holder is still writing them.
  const { readable, writable } = new TransformStream();
  fetch(new URL(STREAM_PATH + ref.stream, ref.url), { headers: { [TARGET_HEADER]: "stream" } })
    .then((response) => {
      if (!response.ok || !response.body) throw new Error("Network connection lost.");
      return response.body.pipeTo(writable);
    })
    .catch((error) => writable.abort(error).catch(() => {}));
  return readable;
}

/** The answer to a request for a stream this process lent: its bytes, as they come. */
export function answerStream(pathname: string): Response {
  const id = pathname.slice(STREAM_PATH.length);
  const loan = lentStreams.get(id);
  lentStreams.delete(id);
  return loan ? new Response(loan.stream) : new Response(null, { status: 404 });
}

async function toWire(value: unknown, lent: string[]): Promise<Wire> {
  if (typeof value === "function" || isStub(value) || isTarget(value)) {
    const cap = isStub(value) ? (rawCapabilityOf(value) ?? localCapability(() => value)) : localCapability(() => value);
    const ref = lend(cap);
    lent.push(ref.cap);
    return ref;
  }
  if (value instanceof ReadableStream) return { body: (await lendStream(value))! };
  if (value instanceof Request) {
    return { request: { url: value.url, method: value.method, headers: [...value.headers], body: await lendStream(value.body) } };
  }
  if (value instanceof Response) {
    return { response: { status: value.status, statusText: value.statusText, headers: [...value.headers], body: await lendStream(value.body) } };
  }
  return { headers: [...(value as Headers)] };
}

function fromWire(wire: Wire): unknown {
  if ("cap" in wire) return makeStub(remoteCapability(wire), { local: false });
  if ("body" in wire) return borrowStream(wire.body);
  if ("request" in wire) {
    const r = wire.request;
    const body = borrowStream(r.body);
    return new Request(r.url, { method: r.method, headers: r.headers, body, ...(body ? { duplex: "half" } : {}) } as RequestInit);
  }
  if ("response" in wire) {
    const r = wire.response;
    return new Response(borrowStream(r.body), { status: r.status, statusText: r.statusText, headers: r.headers });
  }
  return new Headers(wire.headers);
}

/** Structured-clone bytes of `value`, its functions and targets lent (their ids pushed to `lent`). */
export async function encode(value: unknown, lent: string[] = []): Promise<Uint8Array> {
  const specials: unknown[] = [];
  const prepared = prepare(value, specials);
  const wires = await Promise.all(specials.map((special) => toWire(special, lent)));
  return new Uint8Array(serialize({ v: prepared, s: wires }));
}

export function decode<T>(bytes: ArrayBuffer | Uint8Array): T {
  const { v, s } = deserialize(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)) as { v: unknown; s: Wire[] };
  return (s.length ? revive(v, (i) => fromWire(s[i]!)) : v) as T;
}

// ---------------------------------------------------------------------------
// The caller's side

/** A refused connection: the registry's pid lives on but no longer serves (pid reuse, or shutting down). */
function notServing(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? "";
  return code === "ConnectionRefused" || code === "ECONNREFUSED" || code === "ECONNRESET" || /Unable to connect|ConnectionRefused/i.test(String(error));
}

const notFoundResponse = (worker: string) => new Response(workerNotFound(worker), { status: 503 });

/** Forwards `request` to the worker (or Durable Object) in the process that runs it; 503 with wrangler's text when none does. */
export async function remoteFetch(target: RemoteTarget & { worker: string }, request: Request): Promise<Response> {
  const entry = lookupWorker(target.worker);
  if (!entry) return notFoundResponse(target.worker);
  const url = new URL(request.url);
  const headers = new Headers(request.headers);
  headers.set(HEADER_NAMES_HEADER, JSON.stringify([...request.headers.keys()]));
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
  if (thrown) throw rebuildError(JSON.parse(decodeURIComponent(thrown)) as ErrorShape);
  return response;
}

/** One RPC operation on a target in another process; resolves with its result or rejects with its error. */
export async function remoteCall(target: RemoteTarget, op: RpcOp, path: string[], args: unknown[]): Promise<unknown> {
  const lent: string[] = [];
  try {
    const body = await encode({ target, op, path, args, from: process.pid } satisfies RpcRequest, lent);
    const url = "cap" in target ? target.url : lookupWorker(target.worker)?.url;
    const lost = () => ("cap" in target ? new Error("Network connection lost.") : new Error(workerNotFound(target.worker)));
    if (!url) throw lost();
    let response: Response;
    try {
      response = await fetch(new URL(RPC_PATH, url), { method: "POST", body, headers: { [TARGET_HEADER]: "rpc" } });
    } catch (error) {
      if (notServing(error)) throw lost();
      throw error;
    }
    // Not a bunflare dev server answering (an old one, or another program on the port).
    if (response.headers.get("content-type") !== "application/x-bunflare-rpc") throw lost();
    const reply = decode<RpcReply>(await response.arrayBuffer());
    if ("error" in reply) throw rebuildError(reply.error);
    return reply.ok;
  } finally {
    // Stubs received as arguments live for the call, as in workerd (dup() is not carried across).
    for (const id of lent) exported.delete(id);
  }
}

/** A capability in another process: the target stays there, each operation is one request. */
export function remoteCapability(target: RemoteTarget): Capability {
  return {
    call: (path, args) => remoteCall(target, "call", [...path], args),
    get: (path) => remoteCall(target, "get", [...path], []),
    release() {
      if ("cap" in target) remoteCall(target, "release", [], []).catch(() => {});
    },
  };
}

// ---------------------------------------------------------------------------
// The callee's side

/**
 * Answers one RPC request body. `resolveTarget` gives the capability of an
 * entrypoint or Durable Object of this process (or throws wrangler's not-found).
 */
export async function answerRpc(body: ArrayBuffer, resolveTarget: (target: Exclude<RemoteTarget, { cap: string }>) => Capability): Promise<Response> {
  let reply: RpcReply;
  let from: number | undefined;
  try {
    const { target, op, path, args, from: caller } = decode<RpcRequest>(body);
    from = caller;
    let cap: Capability;
    if ("cap" in target) {
      const found = exported.get(target.cap);
      if (!found) throw new Error("RPC stub used after being disposed.");
      if (op === "release") {
        exported.delete(target.cap);
        borrowers.delete(target.cap);
        found.release();
        return rpcResponse({ ok: undefined });
      }
      cap = found;
    } else {
      cap = resolveTarget(target);
    }
    reply = { ok: await (op === "call" ? cap.call(path, args) : cap.get(path)) };
  } catch (error) {
    reply = { error: errorShape(error) };
  }
  return rpcResponse(reply, from);
}

async function rpcResponse(reply: RpcReply, borrower?: number): Promise<Response> {
  let bytes: Uint8Array;
  const lent: string[] = [];
  try {
    bytes = await encode(reply, lent);
  } catch (error) {
    bytes = await encode({ error: errorShape(error) });
  }
  if (borrower !== undefined && borrower !== process.pid) {
    for (const id of lent) borrowers.set(id, borrower);
    if (lent.length) sweepLater();
  }
  return new Response(bytes, { headers: { "content-type": "application/x-bunflare-rpc" } });
}
