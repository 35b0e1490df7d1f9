// Blob files for R2. A blob's file name is a generated id kept in the metadata
// row, never derived from the key, so any key (1,024 bytes of `..` and `/`,
// say) is just a column value: no traversal, no collisions, no length limits
// from the filesystem. Bodies stream through fixed-size chunks both ways, so a
// 1 GB object never sits whole in memory.
import { closeSync, mkdirSync, openSync, read, renameSync, rmSync, unlinkSync } from "node:fs";
import path from "node:path";

const READ_CHUNK_BYTES = 256 * 1024;

/** node:fs/promises is loaded on first use: the cache binding imports this file at every dev start, which does not need it (~3 ms). */
function openFile(file: string, flags: "r" | "w") {
  return (require("node:fs/promises") as typeof import("node:fs/promises")).open(file, flags);
}

/**
 * `<writer pid>-<random>`: the writer's pid in the name lets the next open of
 * the store tell a dead writer's leftovers (a `.tmp-` body, a body renamed into
 * place but never committed) from a live writer's files in flight (recover.ts).
 */
export function newBlobId(): string {
  return `${process.pid}-${Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("hex")}`;
}

export function blobPath(dir: string, blobId: string): string {
  return path.join(dir, blobId);
}

export type BodyInput = ReadableStream | ArrayBuffer | ArrayBufferView | string | Blob | null | undefined;

/** Normalise every body type the runtime accepts; anything else is the runtime's TypeError. */
export function bodySource(value: unknown, operation: "put" | "uploadPart"): AsyncIterable<Uint8Array> | Uint8Array {
  if (value === null || value === undefined) return new Uint8Array(0);
  if (typeof value === "string") return new TextEncoder().encode(value);
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (value instanceof Blob) return chunksOf(value.stream());
  if (value instanceof ReadableStream) return chunksOf(value);
  const method = operation === "put" ? "put' on 'R2Bucket" : "uploadPart' on 'R2MultipartUpload";
  throw new TypeError(
    `Failed to execute '${method}': parameter 2 is not of type 'ReadableStream or ArrayBuffer or ArrayBufferView or string or Blob'.`,
  );
}

async function* chunksOf(stream: ReadableStream): AsyncIterable<Uint8Array> {
  const reader = stream.getReader();
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) return;
      if (value instanceof Uint8Array) yield value;
      else if (typeof value === "string") yield new TextEncoder().encode(value);
      else if (value instanceof ArrayBuffer) yield new Uint8Array(value);
      else if (ArrayBuffer.isView(value)) yield new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
      else throw new TypeError("This TransformStream is being used as a byte stream, but received an object of non-ArrayBuffer/ArrayBufferView type on its writable side.");
    }
  } finally {
    reader.releaseLock();
  }
}

export interface WrittenBlob {
  blobId: string;
  size: number;
  /** Hex digests by hasher name ("md5", "sha256", ...). */
  digests: Record<string, string>;
}

/**
 * Stream a body into a new blob file while hashing it. Written under a
 * temporary name and renamed once complete, so a crash never leaves a
 * half-written file under a blob id. Throws `tooLarge()` past `maxBytes`.
 */
export async function writeBlob(
  dir: string,
  source: AsyncIterable<Uint8Array> | Uint8Array,
  hashers: string[],
  maxBytes: number,
  tooLarge: () => Error,
): Promise<WrittenBlob> {
  mkdirSync(dir, { recursive: true });
  const blobId = newBlobId();
  const temp = path.join(dir, `.tmp-${blobId}`);
  const hashing = hashers.map((name) => [name, new Bun.CryptoHasher(name as "md5")] as const);
  let size = 0;
  const file = await openFile(temp, "w");
  try {
    const write = async (chunk: Uint8Array) => {
      size += chunk.byteLength;
      if (size > maxBytes) throw tooLarge();
      for (const [, hasher] of hashing) hasher.update(chunk);
      let offset = 0;
      while (offset < chunk.byteLength) {
        const { bytesWritten } = await file.write(chunk, offset, chunk.byteLength - offset);
        offset += bytesWritten;
      }
    };
    if (source instanceof Uint8Array) await write(source);
    else for await (const chunk of source) await write(chunk);
    await file.close();
  } catch (error) {
    await file.close().catch(() => {});
    rmSync(temp, { force: true });
    throw error;
  }
  renameSync(temp, blobPath(dir, blobId));
  const digests: Record<string, string> = {};
  for (const [name, hasher] of hashing) digests[name] = hasher.digest("hex");
  return { blobId, size, digests };
}

/** Concatenate blobs (multipart parts, in order) into one new blob, chunk by chunk. */
export async function concatBlobs(dir: string, blobIds: string[]): Promise<string> {
  async function* chunks(): AsyncIterable<Uint8Array> {
    for (const id of blobIds) yield* readChunks(blobPath(dir, id), 0, Infinity);
  }
  const written = await writeBlob(dir, chunks(), [], Infinity, () => new Error("unreachable"));
  return written.blobId;
}

async function* readChunks(file: string, offset: number, length: number): AsyncIterable<Uint8Array> {
  const handle = await openFile(file, "r");
  try {
    let position = offset;
    let remaining = length;
    while (remaining > 0) {
      const buffer = new Uint8Array(Math.min(READ_CHUNK_BYTES, remaining));
      const { bytesRead } = await handle.read(buffer, 0, buffer.byteLength, position);
      if (bytesRead === 0) break;
      position += bytesRead;
      remaining -= bytesRead;
      yield bytesRead === buffer.byteLength ? buffer : buffer.subarray(0, bytesRead);
    }
  } finally {
    await handle.close();
  }
}

// Streams nobody reads to the end (a worker that only looks at metadata) would
// leak their descriptor; close it when the stream itself is collected. Plain
// numeric fds are used because Node's FileHandle throws if garbage-collected open.
const unreadStreams = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // Already closed.
  }
});

function readAt(fd: number, buffer: Uint8Array, position: number): Promise<number> {
  return new Promise((resolve, reject) =>
    read(fd, buffer, 0, buffer.byteLength, position, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead))),
  );
}

/**
 * Open a blob now and stream `length` bytes from `offset` later. The file is
 * opened before returning because a concurrent put or delete may unlink it:
 * an open descriptor keeps reading the old bytes, as R2 serves a consistent object.
 */
export async function openBlobStream(dir: string, blobId: string, offset: number, length: number): Promise<ReadableStream<Uint8Array>> {
  const fd = openSync(blobPath(dir, blobId), "r");
  let position = offset;
  let remaining = length;
  let closed = false;
  const token = {};
  const close = () => {
    if (closed) return;
    closed = true;
    unreadStreams.unregister(token);
    closeSync(fd);
  };
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (remaining > 0) {
          const buffer = new Uint8Array(Math.min(READ_CHUNK_BYTES, remaining));
          const bytesRead = await readAt(fd, buffer, position);
          position += bytesRead;
          remaining = bytesRead === 0 ? 0 : remaining - bytesRead;
          if (bytesRead > 0) {
            controller.enqueue(bytesRead === buffer.byteLength ? buffer : buffer.subarray(0, bytesRead));
            return;
          }
        }
        close();
        controller.close();
      },
      cancel() {
        close();
      },
    },
    { highWaterMark: 0 },
  );
  unreadStreams.register(stream, fd, token);
  return stream;
}

/** Remove blob files no row points at any more; a missing file is already gone. */
export function removeBlobs(dir: string, blobIds: Iterable<string>): void {
  for (const id of blobIds) {
    try {
      unlinkSync(blobPath(dir, id));
    } catch {
      // Already removed (or never renamed into place): nothing to do.
    }
  }
}
