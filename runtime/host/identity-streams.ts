// workerd's IdentityTransformStream and FixedLengthStream, which Bun lacks: a byte stream
// whose writable side takes ArrayBuffers and views and whose readable side (a byte stream,
// so a BYOB reader works) gives them back as Uint8Arrays. There is no buffer between the
// two: a write settles once a read has taken its bytes. A FixedLengthStream also knows how
// many bytes it will give, so a Response on its readable is sent with that Content-Length
// (runtime/host/index.ts, worker-streams.ts); more bytes error the readable, and a close
// before all of them errors it too.

const NativeReadableStream = globalThis.ReadableStream as unknown as new (source: object, strategy?: { highWaterMark?: number }) => ReadableStream<Uint8Array>;
const NativeWritableStream = globalThis.WritableStream;
const NativeTransformStream = globalThis.TransformStream;

/** The readable sides of FixedLengthStreams: their length. */
const lengths = new WeakMap<ReadableStream, number>();

/** The bytes a FixedLengthStream's readable will give, if `stream` is one. */
export function knownLength(stream: unknown): number | undefined {
  return typeof stream === "object" && stream !== null ? lengths.get(stream as ReadableStream) : undefined;
}

const STRING_CHUNK =
  "This TransformStream is being used as a byte stream, but received a string on its writable side. If you wish to write a string, you'll probably want to explicitly UTF-8-encode it with TextEncoder.";
const OTHER_CHUNK = "This TransformStream is being used as a byte stream, but received an object of non-ArrayBuffer/ArrayBufferView type on its writable side.";

/** The readable and writable sides; `expected` bytes exactly for a FixedLengthStream. */
function identityPair(expected?: number): { readable: ReadableStream<Uint8Array>; writable: WritableStream } {
  let controller!: ReadableByteStreamController;
  let written = 0;
  // A read waiting for bytes (the stream pulls), and the pull waiting for the write that answers it.
  let demand = Promise.withResolvers<void>();
  let answered: (() => void) | undefined;
  const readable = new NativeReadableStream(
    {
      type: "bytes",
      start: (c: ReadableByteStreamController) => void (controller = c),
      pull: () => {
        const answer = Promise.withResolvers<void>();
        answered = answer.resolve;
        demand.resolve();
        return answer.promise;
      },
      // A write waiting for a read goes on, and fails on the cancelled stream.
      cancel: () => demand.resolve(),
    },
    { highWaterMark: 0 },
  );
  const writable = new NativeWritableStream({
    async write(chunk: unknown) {
      if (typeof chunk === "string") throw new TypeError(STRING_CHUNK);
      if (!(chunk instanceof ArrayBuffer) && !ArrayBuffer.isView(chunk)) throw new TypeError(OTHER_CHUNK);
      const view = chunk instanceof ArrayBuffer ? new Uint8Array(chunk) : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      if (view.byteLength === 0) return;
      // Settles once a read has the bytes: nothing is buffered between the two sides.
      await demand.promise;
      demand = Promise.withResolvers<void>();
      written += view.byteLength;
      if (expected !== undefined && written > expected) {
        // As workerd: the write itself settles, the read gets the error.
        controller.error(new TypeError("Attempt to write too many bytes through a FixedLengthStream."));
        return;
      }
      // A copy: the writer may reuse its buffer once the write settles.
      controller.enqueue(view.slice());
      answered?.();
    },
    close() {
      if (expected !== undefined && written < expected) {
        controller.error(new TypeError("FixedLengthStream did not see all expected bytes before close()."));
        return;
      }
      controller.close();
    },
    abort(reason) {
      controller.error(reason);
    },
  });
  return { readable, writable };
}

/** The length the FixedLengthStream being constructed hands to IdentityTransformStream's constructor. */
let lengthOfNext: number | undefined;

/**
 * A TransformStream (instanceof holds) whose two sides are the identity pair's: a native
 * TransformStream's readable cannot be a byte stream.
 */
export class IdentityTransformStream extends NativeTransformStream {
  readonly #readable: ReadableStream<Uint8Array>;
  readonly #writable: WritableStream;

  // A rest parameter, so `IdentityTransformStream.length` is 0 as workerd's; its options (highWaterMark) change nothing here.
  constructor(..._options: unknown[]) {
    super();
    const pair = identityPair(lengthOfNext);
    lengthOfNext = undefined;
    this.#readable = pair.readable;
    this.#writable = pair.writable;
  }

  override get readable(): ReadableStream<Uint8Array> {
    return this.#readable;
  }

  override get writable(): WritableStream {
    return this.#writable;
  }
}

/** workerd's conversion of the expected length, with its words. */
function expectedLength(args: unknown[]): number {
  if (args.length === 0) {
    throw new TypeError("Failed to construct 'FixedLengthStream': constructor parameter 1 is not of type 'bigint'.");
  }
  const value = Number(args[0]);
  if (Number.isNaN(value)) throw new TypeError("The value cannot be converted because it is not an integer.");
  if (value < 0) throw new TypeError("The value cannot be converted because it is negative and this API expects a positive bigint.");
  if (value >= 2 ** 53) throw new TypeError("FixedLengthStream requires an integer expected length less than 2^53.");
  return Math.trunc(value);
}

export class FixedLengthStream extends IdentityTransformStream {
  // A rest parameter, so `FixedLengthStream.length` is 0 as workerd's.
  constructor(...args: unknown[]) {
    const length = expectedLength(args);
    lengthOfNext = length;
    super();
    lengths.set(this.readable, length);
  }
}
