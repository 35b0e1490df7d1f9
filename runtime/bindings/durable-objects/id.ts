// Durable Object ids: 32 bytes shown as 64 lowercase hex digits. The first 16
// bytes identify the object (derived from the name, or random); the last 16 are
// a MAC of the first under a key derived from the class, so idFromString can
// tell an id of another namespace apart, as the runtime does.
import { notAnId } from "./validate.ts";

export class DurableObjectId {
  readonly #hex: string;
  /** Set for ids from idFromName / getByName; absent otherwise (JSON shows it only then). */
  declare readonly name?: string;

  constructor(hex: string, name?: string) {
    this.#hex = hex;
    if (name !== undefined) Object.defineProperty(this, "name", { value: name, enumerable: true });
  }

  toString(): string {
    return this.#hex;
  }

  equals(other: DurableObjectId): boolean {
    return other instanceof DurableObjectId && other.#hex === this.#hex;
  }
}

export class IdFactory {
  readonly #key: Uint8Array;

  constructor(className: string) {
    this.#key = new Bun.CryptoHasher("sha256").update(`bunflare-durable-object:${className}`).digest();
  }

  fromName(name: unknown): DurableObjectId {
    const n = String(name);
    const head = this.#mac(new TextEncoder().encode(n)).subarray(0, 16);
    return new DurableObjectId(this.#seal(head), n);
  }

  unique(): DurableObjectId {
    return new DurableObjectId(this.#seal(crypto.getRandomValues(new Uint8Array(16))));
  }

  fromString(hex: unknown): DurableObjectId {
    const s = String(hex);
    if (!/^[0-9a-fA-F]{64}$/.test(s)) throw new TypeError("Invalid Durable Object ID: must be 64 hex digits");
    const lower = s.toLowerCase();
    const head = Buffer.from(lower.slice(0, 32), "hex");
    if (this.#seal(head) !== lower) throw new TypeError("Durable Object ID is not valid for this namespace.");
    return new DurableObjectId(lower);
  }

  /** Whether `id` was made by this namespace (an id of another class is rejected by get()). */
  owns(id: unknown): id is DurableObjectId {
    if (!(id instanceof DurableObjectId)) throw notAnId("get");
    const hex = id.toString();
    return this.#seal(Buffer.from(hex.slice(0, 32), "hex")) === hex;
  }

  #mac(data: Uint8Array): Uint8Array {
    return new Bun.CryptoHasher("sha256", this.#key).update(data).digest();
  }

  #seal(head: Uint8Array): string {
    const tail = this.#mac(head).subarray(0, 16);
    return Buffer.from(head).toString("hex") + Buffer.from(tail).toString("hex");
  }
}
