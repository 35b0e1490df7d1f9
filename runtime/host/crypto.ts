// What workerd's Web Crypto has beyond the standard, which Bun lacks:
// crypto.subtle.timingSafeEqual (webhook signature checks), MD5 in
// crypto.subtle.digest, and crypto.DigestStream (a WritableStream that hashes
// what is written to it); and the standard's 64 KiB cap on
// crypto.getRandomValues, which Bun does not enforce. Installed once on this
// process's globals.
import type { Hash } from "node:crypto";

/** node:crypto, loaded on first use: loading it costs a dev start several milliseconds, and most workers never reach it. */
const nodeCrypto = () => require("node:crypto") as typeof import("node:crypto");

/** workerd's digest names (upper case) and node:crypto's for each. */
const HASHES: Record<string, string> = { "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512", MD5: "md5" };
const UNKNOWN_DIGEST = "Unrecognized or unimplemented digest algorithm requested.";

type Algorithm = string | { name: string };
const nameOf = (algorithm: Algorithm): string => String(typeof algorithm === "string" ? algorithm : algorithm?.name).toUpperCase();

function bytesOf(data: unknown, what: string): Uint8Array {
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw new TypeError(`Failed to execute '${what}' on 'SubtleCrypto': parameter is not of type 'ArrayBuffer or ArrayBufferView'.`);
}

/** A WritableStream of bytes whose `digest` resolves to their hash once it is closed. */
export class DigestStream extends WritableStream<ArrayBuffer | ArrayBufferView | string> {
  readonly digest: Promise<ArrayBuffer>;
  #written = 0;

  constructor(algorithm: Algorithm) {
    const hashName = HASHES[nameOf(algorithm)];
    if (!hashName) throw new DOMException(UNKNOWN_DIGEST, "NotSupportedError");
    const hash: Hash = nodeCrypto().createHash(hashName);
    let settle!: { resolve(value: ArrayBuffer): void; reject(reason: unknown): void };
    const digest = new Promise<ArrayBuffer>((resolve, reject) => (settle = { resolve, reject }));
    super({
      write: (chunk) => {
        // Text is hashed as its UTF-8 bytes, as workerd does.
        const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : bytesOf(chunk, "write");
        this.#written += bytes.byteLength;
        hash.update(bytes);
      },
      close: () => {
        const out = hash.digest();
        settle.resolve(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer);
      },
      abort: (reason) => settle.reject(reason),
    });
    // A digest nobody awaits must not surface as an unhandled rejection when the stream is aborted.
    digest.catch(() => {});
    this.digest = digest;
  }

  /** A bigint, as workerd's. */
  get bytesWritten(): bigint {
    return BigInt(this.#written);
  }
}

/** The most bytes one crypto.getRandomValues() call fills, per the Web Crypto standard. */
const MAX_RANDOM_BYTES = 65_536;

/** The typed-array kinds crypto.getRandomValues() fills. */
const INTEGER_ARRAYS = new Set(["Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "BigInt64Array", "BigUint64Array"]);

/**
 * A typed array's own kind ("Uint8Array"), undefined for a DataView: the standard's getter
 * reads the view's internal slot, so a subclass gives its base kind and a swapped prototype
 * changes nothing. workerd checks that kind too (V8's IsUint8Array and so on), not the
 * prototype chain; one call and one Set lookup rather than a scan of instanceof tests.
 */
const kindOf = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)!.get as (this: ArrayBufferView) => string | undefined;

let installed = false;

export function installCryptoExtensions(): void {
  if (installed) return;
  installed = true;
  const proto = Object.getPrototypeOf(crypto.subtle) as SubtleCrypto & Record<string, unknown>;
  Object.defineProperty(proto, "timingSafeEqual", {
    configurable: true,
    writable: true,
    value(a: unknown, b: unknown): boolean {
      const left = bytesOf(a, "timingSafeEqual");
      const right = bytesOf(b, "timingSafeEqual");
      if (left.byteLength !== right.byteLength) throw new TypeError("Input buffers must have the same byte length.");
      return nodeCrypto().timingSafeEqual(left, right);
    },
  });
  const digest = proto.digest;
  Object.defineProperty(proto, "digest", {
    configurable: true,
    writable: true,
    value(this: SubtleCrypto, algorithm: Algorithm, data: ArrayBuffer | ArrayBufferView): Promise<ArrayBuffer> {
      if (nameOf(algorithm) !== "MD5") return digest.call(this, algorithm, data as ArrayBuffer);
      try {
        const out = nodeCrypto().createHash("md5").update(bytesOf(data, "digest")).digest();
        return Promise.resolve(out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer);
      } catch (error) {
        return Promise.reject(error);
      }
    },
  });
  Object.defineProperty(crypto, "DigestStream", { configurable: true, writable: true, value: DigestStream });
  const nativeGetRandomValues = crypto.getRandomValues;
  // On the object: Bun's prototype method cannot be redefined.
  Object.defineProperty(crypto, "getRandomValues", {
    configurable: true,
    writable: true,
    // Checked in workerd's order: an integer-typed view first, then its size; what is not a view, Bun refuses itself.
    // A rest parameter, so its length is 0 as workerd's.
    value: function getRandomValues<T extends ArrayBufferView | null>(this: Crypto, ...args: [array: T]): T {
      const [array] = args;
      if (ArrayBuffer.isView(array)) {
        if (!INTEGER_ARRAYS.has(kindOf.call(array) ?? "")) {
          throw new DOMException("ArrayBufferView argument to getRandomValues() must be an integer-typed view.", "TypeMismatchError");
        }
        if (array.byteLength > MAX_RANDOM_BYTES) {
          throw new DOMException(`getRandomValues() only accepts buffers of size <= 64K but provided ${array.byteLength} bytes.`, "QuotaExceededError");
        }
      }
      return nativeGetRandomValues.call(this, array as ArrayBufferView) as T;
    },
  });
}
