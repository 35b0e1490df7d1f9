// Durable Object ids: 32 bytes shown as 64 lowercase hex digits. The first 16
// bytes identify the object (derived from the name, or random); the last 16 are
// a MAC of the first under a key derived from the class, so idFromString can
// tell an id of another namespace apart, as the runtime does.

export class DurableObjectId {
  readonly #hex: string;
  /** Always undefined: workerd makes no id in a jurisdiction. An own property, as workerd's is. */
  declare readonly jurisdiction?: string;
  /** Set for ids from idFromName / getByName, undefined otherwise (so JSON shows it only then). */
  declare readonly name?: string;

  constructor(hex: string, name?: string) {
    this.#hex = hex;
    Object.defineProperty(this, "jurisdiction", { value: undefined, enumerable: true });
    Object.defineProperty(this, "name", { value: name, enumerable: true });
  }

  toString(): string {
    return this.#hex;
  }

  equals(other: DurableObjectId): boolean {
    return other instanceof DurableObjectId && other.#hex === this.#hex;
  }
}

/** What a Durable Object stub reports as its class, as workerd's do (not the DurableObject base class of cloudflare:workers). */
export class DurableObjectStubClass {
  static {
    Object.defineProperty(this, "name", { value: "DurableObject" });
  }
}

// Named ids are looked up on every request (getByName per request is the common
// pattern), so recent ones are cached; a bound keeps a name-per-request app from
// growing it without end.
const NAME_CACHE_SIZE = 10_000;

export class IdFactory {
  readonly #key: Uint8Array;
  readonly #byName = new Map<string, DurableObjectId>();

  constructor(className: string) {
    this.#key = new Bun.CryptoHasher("sha256").update(`bunflare-durable-object:${className}`).digest();
  }

  fromName(name: unknown): DurableObjectId {
    const n = String(name);
    const cached = this.#byName.get(n);
    if (cached) return cached;
    const head = this.#mac(new TextEncoder().encode(n)).subarray(0, 16);
    const id = new DurableObjectId(this.#seal(head), n);
    if (this.#byName.size >= NAME_CACHE_SIZE) this.#byName.clear();
    this.#byName.set(n, id);
    return id;
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

  #mac(data: Uint8Array): Uint8Array {
    return new Bun.CryptoHasher("sha256", this.#key).update(data).digest();
  }

  #seal(head: Uint8Array): string {
    const tail = this.#mac(head).subarray(0, 16);
    return Buffer.from(head).toString("hex") + Buffer.from(tail).toString("hex");
  }
}
