// The objects the R2 binding hands to user code: R2Object (metadata only, as
// from head / put / list / a failed precondition) and R2ObjectBody (get).
// Own enumerable properties and prototype methods follow workerd's, so code
// that spreads or JSON-serialises an object sees what it would in production.
import { HASH_ALGORITHMS } from "./limits.ts";
import type { R2HTTPMetadata, StoredHttpMetadata } from "./validate.ts";

/** One object's metadata row, as stored. */
export interface ObjectRow {
  key: string;
  blob_id: string;
  version: string;
  size: number;
  etag: string;
  uploaded: number;
  checksums: string;
  http_metadata: string;
  custom_metadata: string;
  storage_class: string;
}

export type StringChecksums = Partial<Record<(typeof HASH_ALGORITHMS)[number]["field"], string>>;

export class R2Checksums {
  // `declare`: only the digests an object has become own properties.
  declare readonly md5?: ArrayBuffer;
  declare readonly sha1?: ArrayBuffer;
  declare readonly sha256?: ArrayBuffer;
  declare readonly sha384?: ArrayBuffer;
  declare readonly sha512?: ArrayBuffer;
  readonly #hex: StringChecksums;

  constructor(hex: StringChecksums) {
    this.#hex = hex;
    for (const { field } of HASH_ALGORITHMS) {
      const value = hex[field];
      if (value !== undefined) {
        const bytes = Buffer.from(value, "hex");
        (this as Record<string, unknown>)[field] = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      }
    }
  }

  toJSON(): StringChecksums {
    return { ...this.#hex };
  }
}

export function httpMetadataFromStored(stored: StoredHttpMetadata): R2HTTPMetadata {
  const { cacheExpiry, ...rest } = stored;
  return cacheExpiry === undefined ? { ...rest } : { ...rest, cacheExpiry: new Date(cacheExpiry) };
}

export interface ObjectViewOptions {
  /** head / get report the range read; put and list results have none. */
  range?: { offset: number; length: number };
  /** list leaves these empty unless `include` asks for them. */
  includeHttpMetadata?: boolean;
  includeCustomMetadata?: boolean;
}

export class R2Object {
  // `declare` + assignment in the constructor: own properties appear in
  // workerd's order (Object.keys of a runtime R2Object starts at ssecKeyMd5).
  declare readonly ssecKeyMd5: string | undefined;
  declare readonly storageClass: string;
  declare readonly range: { offset: number; length: number } | undefined;
  declare readonly customMetadata: Record<string, string>;
  declare readonly httpMetadata: R2HTTPMetadata;
  declare readonly uploaded: Date;
  declare readonly checksums: R2Checksums;
  declare readonly httpEtag: string;
  declare readonly etag: string;
  declare readonly size: number;
  declare readonly version: string;
  declare readonly key: string;

  constructor(row: ObjectRow, options: ObjectViewOptions = {}) {
    const checksums = JSON.parse(row.checksums) as StringChecksums;
    // A plain (non-multipart) etag is the body's MD5, so it is always a known checksum.
    if (/^[0-9a-f]{32}$/.test(row.etag)) checksums.md5 = row.etag;
    Object.assign(this, {
      ssecKeyMd5: undefined,
      storageClass: row.storage_class,
      range: options.range,
      customMetadata: options.includeCustomMetadata === false ? {} : JSON.parse(row.custom_metadata),
      httpMetadata: options.includeHttpMetadata === false ? {} : httpMetadataFromStored(JSON.parse(row.http_metadata)),
      uploaded: new Date(row.uploaded),
      checksums: new R2Checksums(checksums),
      httpEtag: `"${row.etag}"`,
      etag: row.etag,
      size: row.size,
      version: row.version,
      key: row.key,
    });
  }

  /** Copies the stored HTTP metadata onto response headers (Expires as an HTTP date). */
  writeHttpMetadata(headers: Headers): void {
    const meta = this.httpMetadata;
    if (meta.contentType !== undefined) headers.set("content-type", meta.contentType);
    if (meta.contentLanguage !== undefined) headers.set("content-language", meta.contentLanguage);
    if (meta.contentDisposition !== undefined) headers.set("content-disposition", meta.contentDisposition);
    if (meta.contentEncoding !== undefined) headers.set("content-encoding", meta.contentEncoding);
    if (meta.cacheControl !== undefined) headers.set("cache-control", meta.cacheControl);
    if (meta.cacheExpiry !== undefined) headers.set("expires", meta.cacheExpiry.toUTCString());
  }
}

export class R2ObjectBody extends R2Object {
  readonly #body: ReadableStream<Uint8Array>;
  #used = false;

  constructor(row: ObjectRow, body: ReadableStream<Uint8Array>, range: { offset: number; length: number }) {
    super(row, { range });
    this.#body = body;
  }

  get body(): ReadableStream<Uint8Array> {
    return this.#body;
  }

  get bodyUsed(): boolean {
    return this.#used || this.#body.locked;
  }

  #consume(): Response {
    if (this.bodyUsed) throw new TypeError("Body has already been used. It can only be used once. Use tee() first if you need to read it twice.");
    this.#used = true;
    return new Response(this.#body);
  }

  // Async so a second read rejects (as in workerd) rather than throwing synchronously.
  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#consume().arrayBuffer();
  }

  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await this.#consume().arrayBuffer());
  }

  async text(): Promise<string> {
    return this.#consume().text();
  }

  async json<T = unknown>(): Promise<T> {
    return this.#consume().json() as Promise<T>;
  }

  async blob(): Promise<Blob> {
    const buffer = await this.#consume().arrayBuffer();
    const type = this.httpMetadata.contentType ?? "";
    const blob = new Blob([buffer], { type });
    // Bun appends ";charset=utf-8" to text types; workerd reports contentType verbatim.
    if (blob.type !== type) Object.defineProperty(blob, "type", { value: type });
    return blob;
  }
}
