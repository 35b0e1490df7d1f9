// The streams a worker makes, and workerd's rule for one sent as a body: its
// chunks must be bytes. Bun's ReadableStream takes any chunk and its Response
// encodes a string chunk, so the worker's ReadableStream and TransformStream
// (bound in its modules by scope.ts) mark what they make; a Response or Request
// built on a marked stream reads it through bytesOnly(), and the dev server ends
// such a response where its body failed (endedOnBodyError: one WeakSet lookup
// for any other response); fetch() and a binding's fetch() send one as far as it
// gives bytes (sentAsWorkerd). A FixedLengthStream's readable (identity-streams.ts) is
// checked the same way, and its response sent with its length. The host's own streams
// stay unmarked and unchecked.
import { workerConsole } from "./worker-console.ts";
import { knownLength } from "./identity-streams.ts";

const NativeReadableStream = globalThis.ReadableStream as new (source?: { type?: unknown }, strategy?: QueuingStrategy) => ReadableStream;
/** The streams worker code made whose chunks may be anything: workerd sends only bytes of one as a body. */
const anyChunkStreams = new WeakSet<object>();

/** Whether `value` is a stream the worker made that may hold other chunks than bytes. */
export function isAnyChunkStream(value: unknown): value is ReadableStream {
  return typeof value === "object" && value !== null && anyChunkStreams.has(value);
}

/**
 * The worker's ReadableStream: Bun's, remembering the default (not byte) streams it
 * makes. The host's own streams stay unmarked, so the response paths that send them
 * never check their chunks.
 */
export const WorkerReadableStream = class ReadableStream extends NativeReadableStream {
  // A rest parameter, so `ReadableStream.length` is 0 as the native constructor's.
  constructor(...args: [source?: { type?: unknown }, strategy?: QueuingStrategy]) {
    super(...args);
    if (args[0]?.type === undefined) anyChunkStreams.add(this);
  }

  /** Its chunks are whatever the iterable gives: a body of it must give bytes, as a made one. */
  static from(iterable: unknown): ReadableStream {
    const stream = (NativeReadableStream as unknown as { from(iterable: unknown): ReadableStream }).from(iterable);
    anyChunkStreams.add(stream);
    return stream;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof NativeReadableStream;
  }
};
// Its own name: the CLI bundle renames a class that clashes with a global (ReadableStream2).
Object.defineProperty(WorkerReadableStream, "name", { value: "ReadableStream" });

const NativeTransformStream = globalThis.TransformStream;

/** The worker's TransformStream: what is written comes out of its readable as it was, so that is a made stream too. */
export const WorkerTransformStream = class TransformStream extends NativeTransformStream {
  // A rest parameter, so `TransformStream.length` is 0 as the native constructor's.
  constructor(...args: ConstructorParameters<typeof NativeTransformStream>) {
    super(...args);
    anyChunkStreams.add(this.readable);
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return value instanceof NativeTransformStream;
  }
};

/**
 * A body stream the worker made, read as workerd reads one: chunks must be bytes.
 * Bun would encode a string chunk; workerd errors the body instead, so whoever
 * reads it (the worker's own text(), or the dev server) gets this error.
 */
export function bytesOnly(stream: ReadableStream): ReadableStream {
  // Locked at the first read, as a body is: until then the worker may still use the stream elsewhere.
  let locked: { read(): Promise<{ done: boolean; value?: unknown }>; cancel(reason?: unknown): Promise<void> } | undefined;
  return new ReadableStream(
    {
      async pull(controller) {
        const reader = (locked ??= stream.getReader());
        const { done, value } = await reader.read();
        if (done) return controller.close();
        if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return controller.enqueue(value);
        const error = new TypeError("This ReadableStream did not return bytes.");
        void reader.cancel(error).catch(() => {});
        controller.error(error);
      },
      cancel: (reason) => (locked ?? stream).cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/** The Responses and Requests whose body is a bytesOnly() stream. */
const checked = new WeakSet<object>();
/** Of those, the Responses on a FixedLengthStream: the bytes it will give. */
const bodyLengths = new WeakMap<object, number>();

/** Called for a Response or Request whose body is a bytesOnly() stream (`length`: a FixedLengthStream's). */
export function rememberCheckedBody(message: Request | Response, length?: number): void {
  checked.add(message);
  if (length !== undefined) bodyLengths.set(message, length);
}

/** Whether `value` is a Request or Response whose body is a bytesOnly() stream. */
export function hasCheckedBody(value: unknown): boolean {
  return typeof value === "object" && value !== null && checked.has(value);
}

/** `stream`, ended cleanly where it fails, the failure given to `report`. */
function endedWhereFailed(stream: ReadableStream, report: (error: unknown) => void): ReadableStream {
  const reader = stream.getReader();
  return new ReadableStream({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        report(error);
        controller.close();
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/**
 * The response as the client gets it: a checked body that fails is reported and
 * ends where it failed, after the status and what came before, as under wrangler
 * (Bun would reset the connection, and print its own trace of the error).
 */
export function endedOnBodyError(response: Response, report: (error: unknown) => void): Response {
  if (!checked.has(response)) return response;
  const body = endedWhereFailed(response.body!, report);
  // A FixedLengthStream's body goes with its length, as workerd sends it (the worker's headers do not show it).
  const length = bodyLengths.get(response);
  let { headers } = response;
  if (length !== undefined && !headers.has("content-length")) {
    headers = new Headers(headers);
    headers.set("content-length", String(length));
  }
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/**
 * A request as workerd sends it, by fetch() or a binding's fetch(): a checked body
 * that fails (a chunk that is not bytes, or the stream's own error) ends there, and
 * the receiver gets what came before as the whole body; the sender's fetch() goes on,
 * and the error is logged as uncaught.
 */
export function sentAsWorkerd(request: Request): Request {
  if (!checked.has(request)) return request;
  return new Request(request, { body: endedWhereFailed(request.body!, (error) => workerConsole.error(`Uncaught ${error}`)) });
}

const nativeFetch = globalThis.fetch;

/**
 * The global fetch(): Bun's, with a body stream the worker made sent as workerd sends it.
 * A made stream in the init goes through the worker's Request, which checks its chunks.
 * (Global, not a module shadow, so a worker's own `globalThis.fetch = ...` still wraps it.)
 */
// `init` defaults, so `fetch.length` is 1 as the native one's.
export const workerFetch = function fetch(input: Request | string | URL, init: RequestInit | undefined = undefined): Promise<Response> {
  if (init != null && isAnyChunkStream(init.body)) return nativeFetch(sentAsWorkerd(new Request(input as string, init)));
  // A FixedLengthStream's body goes with its length, as workerd sends it (Bun would send it chunked).
  const length = init != null ? knownLength(init.body) : undefined;
  if (length !== undefined) {
    const request = new Request(input as string, init);
    if (!request.headers.has("content-length")) request.headers.set("content-length", String(length));
    return nativeFetch(request);
  }
  return nativeFetch(checked.has(input as object) ? sentAsWorkerd(input as Request) : input, init);
};
