// workerd's Web Crypto extensions as the worker host installs them.
import { expect, test } from "bun:test";
import { runInNewContext } from "node:vm";
import { installCryptoExtensions } from "../runtime/host/crypto.ts";

installCryptoExtensions();
const subtle = crypto.subtle as SubtleCrypto & { timingSafeEqual(a: ArrayBuffer | ArrayBufferView, b: ArrayBuffer | ArrayBufferView): boolean };
const text = (s: string) => new TextEncoder().encode(s);
const hex = (buffer: ArrayBuffer) => Buffer.from(buffer).toString("hex");

test("crypto.subtle.timingSafeEqual compares bytes of equal length and refuses unequal lengths", () => {
  expect(subtle.timingSafeEqual(text("abc"), text("abc"))).toBe(true);
  expect(subtle.timingSafeEqual(text("abc"), text("abd"))).toBe(false);
  expect(subtle.timingSafeEqual(text("ab").buffer, new Uint16Array([0x6261]))).toBe(true);
  expect(() => subtle.timingSafeEqual(text("ab"), text("abc"))).toThrow("Input buffers must have the same byte length.");
});

test("crypto.subtle.digest takes MD5, and the standard algorithms still work", async () => {
  expect(hex(await subtle.digest("MD5", text("abc")))).toBe("900150983cd24fb0d6963f7d28e17f72");
  expect(hex(await subtle.digest({ name: "md5" }, text("abc")))).toBe("900150983cd24fb0d6963f7d28e17f72");
  expect(hex(await subtle.digest("SHA-1", text("abc")))).toBe("a9993e364706816aba3e25717850c26c9cd0d89d");
});

test("crypto.DigestStream hashes what is written to it, text as UTF-8", async () => {
  const DigestStream = (crypto as unknown as { DigestStream: new (algorithm: string) => WritableStream & { digest: Promise<ArrayBuffer>; bytesWritten: bigint } }).DigestStream;
  const stream = new DigestStream("SHA-256");
  const writer = stream.getWriter();
  await writer.write(text("a"));
  await writer.write("bc");
  await writer.close();
  expect(hex(await stream.digest)).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  expect(stream.bytesWritten).toBe(3n);
  const piped = new DigestStream("MD5");
  await new Response("abc").body!.pipeTo(piped);
  expect(hex(await piped.digest)).toBe("900150983cd24fb0d6963f7d28e17f72");
  expect(() => new DigestStream("SHA-999")).toThrow("Unrecognized or unimplemented digest algorithm requested.");
});

test("crypto.getRandomValues fills up to 65,536 bytes and refuses more, and non-integer views, in workerd's words", () => {
  expect(crypto.getRandomValues(new Uint8Array(65_536)).byteLength).toBe(65_536);
  expect(crypto.getRandomValues(new BigUint64Array(4)).length).toBe(4);
  const refusal = (view: ArrayBufferView) => {
    try {
      crypto.getRandomValues(view as Uint8Array);
    } catch (error) {
      return [(error as DOMException).name, (error as DOMException).message];
    }
    return "filled";
  };
  expect(refusal(new Uint8Array(65_537))).toEqual(["QuotaExceededError", "getRandomValues() only accepts buffers of size <= 64K but provided 65537 bytes."]);
  expect(refusal(new Uint32Array(16_385))).toEqual(["QuotaExceededError", "getRandomValues() only accepts buffers of size <= 64K but provided 65540 bytes."]);
  expect(refusal(new Float32Array(20_000))).toEqual(["TypeMismatchError", "ArrayBufferView argument to getRandomValues() must be an integer-typed view."]);
  expect(refusal(new DataView(new ArrayBuffer(4)))).toEqual(["TypeMismatchError", "ArrayBufferView argument to getRandomValues() must be an integer-typed view."]);
});

test("crypto.getRandomValues goes by a view's own kind, as workerd does: a subclass or another realm's view is filled, a swapped prototype changes nothing", () => {
  class Bytes extends Uint8Array {}
  expect(crypto.getRandomValues(new Bytes(4))).toBeInstanceOf(Bytes);
  const otherRealm = new (runInNewContext("Uint16Array") as Uint16ArrayConstructor)(2);
  expect(crypto.getRandomValues(otherRealm).byteLength).toBe(4);
  const intDressedAsFloat = Object.setPrototypeOf(new Uint8Array(2), Float32Array.prototype) as Uint8Array;
  expect(crypto.getRandomValues(intDressedAsFloat).byteLength).toBe(2);
  const floatDressedAsInt = Object.setPrototypeOf(new Float32Array(2), Uint8Array.prototype) as Uint8Array;
  expect(() => crypto.getRandomValues(floatDressedAsInt)).toThrow("ArrayBufferView argument to getRandomValues() must be an integer-typed view.");
});
