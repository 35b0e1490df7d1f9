// R2: one implementation for env.BUCKET in a worker and `bunflare r2 ...` on the CLI.
// Metadata rows live in data.sqlite (tables owned here via ensureSchema), bodies
// as files under store.r2Dir(bucket) named by generated ids (see storage.ts).
import { randomBytes, createHash } from "node:crypto";
import type { Database } from "bun:sqlite";
import { ensureSchema, type Store } from "../../store/index.ts";
import { withoutBlocking } from "../../store/lock.ts";
import type { R2BucketConfig } from "./config.ts";
import { R2_LIMITS } from "./limits.ts";
import { R2Object, R2ObjectBody, type ObjectRow } from "./objects.ts";
import { bodySource, concatBlobs, openBlobStream, removeBlobs, writeBlob } from "./storage.ts";
import {
  checkRangeShape,
  conditionHolds,
  parseChecksumOptions,
  parseConditional,
  parseCustomMetadata,
  parseHttpMetadata,
  r2Errors,
  resolveRange,
  validateKey,
  validateListLimit,
  validatePartNumber,
  type R2Operation,
} from "./validate.ts";
import { R2_MIGRATIONS } from "./schema.ts";

export { R2_MIGRATIONS };

export { R2Object, R2ObjectBody, R2Checksums } from "./objects.ts";
export { R2Error } from "./validate.ts";
export { R2_LIMITS } from "./limits.ts";
export * from "./buckets.ts";

const DEFAULT_STORAGE_CLASS = "Standard";

/** The bucket a binding uses in dev: bucket_name, else the binding name. */
export function r2BucketNameFor(binding: R2BucketConfig): string {
  return binding.bucket_name ?? binding.binding;
}

export function createR2Bucket(store: Store, bucketName: string): LocalR2Bucket {
  ensureSchema(store.db, "r2", R2_MIGRATIONS);
  return new LocalR2Bucket(store, bucketName);
}

export interface R2UploadedPart {
  partNumber: number;
  etag: string;
}

export interface R2ListResult {
  objects: R2Object[];
  delimitedPrefixes: string[];
  truncated: boolean;
  cursor?: string;
}

function newVersion(): string {
  return randomBytes(16).toString("hex");
}

function encodeCursor(key: string): string {
  return Buffer.from(key, "utf8").toString("base64");
}

function decodeCursor(cursor: string): string {
  return Buffer.from(cursor, "base64").toString("utf8");
}

export class LocalR2Bucket {
  // The runtime's name for the type: constructor.name, Object.prototype.toString and RPC's DataCloneError show it.
  static {
    Object.defineProperty(this, "name", { value: "R2Bucket" });
  }
  get [Symbol.toStringTag](): string {
    return "R2Bucket";
  }

  readonly #db: Database;
  readonly #dir: string;
  readonly #bucket: string;
  readonly #store: Store;

  constructor(store: Store, bucket: string) {
    this.#store = store;
    this.#db = store.db;
    this.#bucket = bucket;
    this.#dir = store.r2Dir(bucket);
  }

  #row(key: string): ObjectRow | null {
    return this.#db
      .query("SELECT * FROM r2_objects WHERE bucket = ? AND key = ?")
      .get(this.#bucket, key) as ObjectRow | null;
  }

  #storageClass(requested: unknown): string {
    if (requested !== undefined && requested !== null) return String(requested);
    const row = this.#db.query("SELECT storage_class FROM r2_buckets WHERE name = ?").get(this.#bucket) as
      | { storage_class: string }
      | null;
    return row?.storage_class ?? DEFAULT_STORAGE_CLASS;
  }

  async head(key: string): Promise<R2Object | null> {
    const name = validateKey("head", key);
    const row = this.#row(name);
    return row ? new R2Object(row, { range: { offset: 0, length: row.size } }) : null;
  }

  async get(key: string, options: { onlyIf?: unknown; range?: unknown } = {}): Promise<R2ObjectBody | R2Object | null> {
    checkRangeShape(options?.range);
    const cond = parseConditional(options?.onlyIf);
    const name = validateKey("get", key);
    const row = this.#row(name);
    if (!row) return null;
    if (cond && !conditionHolds(cond, row)) return new R2Object(row, { range: { offset: 0, length: row.size } });
    const range = resolveRange("get", options?.range, row.size) ?? { offset: 0, length: row.size };
    let body: ReadableStream<Uint8Array>;
    try {
      body = await openBlobStream(this.#dir, row.blob_id, range.offset, range.length);
    } catch {
      // A concurrent put or delete replaced the row (and removed its blob) between
      // the lookup and the open: read whatever is current. A row whose blob is
      // missing for any other reason is a damaged store, reported as such.
      const current = this.#row(name);
      if (current?.blob_id === row.blob_id) throw r2Errors.internal("get");
      return this.get(key, options);
    }
    return new R2ObjectBody(row, body, range);
  }

  async put(
    key: string,
    value: unknown,
    options: {
      onlyIf?: unknown;
      httpMetadata?: unknown;
      customMetadata?: unknown;
      storageClass?: string;
      md5?: unknown;
      sha1?: unknown;
      sha256?: unknown;
      sha384?: unknown;
      sha512?: unknown;
    } = {},
  ): Promise<R2Object | null> {
    options ??= {};
    const source = bodySource(value, "put");
    const expected = parseChecksumOptions(options as Record<string, unknown>);
    const cond = parseConditional(options.onlyIf);
    const httpMetadata = parseHttpMetadata(options.httpMetadata);
    const name = validateKey("put", key);
    const customMetadata = parseCustomMetadata("put", options.customMetadata);
    const hashers = ["md5", ...(expected && expected.field !== "md5" ? [expected.field] : [])];
    const written = await writeBlob(this.#dir, source, hashers, R2_LIMITS.maxValueBytes, () => r2Errors.entityTooLarge("put"));
    const checksums: Record<string, string> = {};
    if (expected) {
      const actual = written.digests[expected.field]!;
      if (actual !== expected.hex) {
        removeBlobs(this.#dir, [written.blobId]);
        throw r2Errors.badDigest("put", expected.name, expected.hex, actual);
      }
      checksums[expected.field] = actual;
    }
    const row: ObjectRow = {
      key: name,
      blob_id: written.blobId,
      version: newVersion(),
      size: written.size,
      etag: written.digests.md5!,
      uploaded: Date.now(),
      checksums: JSON.stringify(checksums),
      http_metadata: JSON.stringify(httpMetadata),
      custom_metadata: JSON.stringify(customMetadata),
      storage_class: this.#storageClass(options.storageClass),
    };
    // The precondition is checked in the same write transaction that replaces
    // the row, so two conditional puts cannot both win.
    const replaced = await withoutBlocking(this.#db, () =>
      this.#db
        .transaction(() => {
          const existing = this.#row(name);
          if (cond && !conditionHolds(cond, existing ?? undefined)) return null;
          this.#upsert(row);
          return existing?.blob_id ?? "";
        })
        .immediate(),
    );
    if (replaced === null) {
      removeBlobs(this.#dir, [written.blobId]);
      return null;
    }
    if (replaced) removeBlobs(this.#dir, [replaced]);
    return new R2Object(row);
  }

  #upsert(row: ObjectRow): void {
    this.#db
      .query(
        `INSERT OR REPLACE INTO r2_objects
           (bucket, key, blob_id, version, size, etag, uploaded, checksums, http_metadata, custom_metadata, storage_class)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        this.#bucket,
        row.key,
        row.blob_id,
        row.version,
        row.size,
        row.etag,
        row.uploaded,
        row.checksums,
        row.http_metadata,
        row.custom_metadata,
        row.storage_class,
      );
  }

  async delete(keys: string | string[]): Promise<void> {
    const list = (Array.isArray(keys) ? keys : [keys]).map((key) => validateKey("delete", key));
    const blobs = await withoutBlocking(this.#db, () =>
      this.#db
        .transaction(() => {
          const removed: string[] = [];
          for (const key of list) {
            const row = this.#db
              .query("DELETE FROM r2_objects WHERE bucket = ? AND key = ? RETURNING blob_id")
              .get(this.#bucket, key) as { blob_id: string } | null;
            if (row) removed.push(row.blob_id);
          }
          return removed;
        })
        .immediate(),
    );
    removeBlobs(this.#dir, blobs);
  }

  async list(
    options: { prefix?: string; cursor?: string; delimiter?: string; startAfter?: string; limit?: number; include?: string[] } = {},
  ): Promise<R2ListResult> {
    options ??= {};
    const prefix = options.prefix === undefined || options.prefix === null ? "" : String(options.prefix);
    let limit = validateListLimit("list", options.limit) ?? R2_LIMITS.maxListKeys;
    const include = options.include ?? [];
    for (const item of include) {
      if (item !== "httpMetadata" && item !== "customMetadata") {
        throw new TypeError(`Unknown include value '${item}'.`);
      }
    }
    if (include.length > 0) limit = Math.min(limit, R2_LIMITS.maxListKeysWithInclude);
    let startAfter = options.startAfter === undefined ? undefined : String(options.startAfter);
    if (options.cursor !== undefined && options.cursor !== null && options.cursor !== "") {
      const fromCursor = decodeCursor(String(options.cursor));
      // Keys order by UTF-8 bytes, which JS string comparison (UTF-16) does not follow.
      if (startAfter === undefined || Buffer.compare(Buffer.from(fromCursor), Buffer.from(startAfter)) > 0) startAfter = fromCursor;
    }
    const delimiter = options.delimiter ? String(options.delimiter) : undefined;

    // Walk keys in byte order (SQLite's BINARY collation on UTF-8 text is R2's order);
    // a delimited prefix counts once against the limit, however many keys it groups.
    const rows = this.#db
      .query("SELECT * FROM r2_objects WHERE bucket = ?1 AND key >= ?2 AND (?3 IS NULL OR key > ?3) ORDER BY key")
      .iterate(this.#bucket, prefix, startAfter ?? null) as IterableIterator<ObjectRow>;
    const objectRows: ObjectRow[] = [];
    const delimitedPrefixes: string[] = [];
    let lastKey: string | undefined;
    let entries = 0;
    let truncated = false;
    for (const row of rows) {
      const key = row.key;
      if (!key.startsWith(prefix)) break;
      let group: string | undefined;
      if (delimiter !== undefined) {
        const at = key.indexOf(delimiter, prefix.length);
        if (at !== -1) group = key.slice(0, at + delimiter.length);
      }
      if (group !== undefined && group === delimitedPrefixes.at(-1)) {
        lastKey = key;
        continue;
      }
      if (entries === limit) {
        truncated = true;
        break;
      }
      entries++;
      lastKey = key;
      if (group !== undefined) delimitedPrefixes.push(group);
      else objectRows.push(row);
    }
    // Stop the statement early: the rest of the bucket is not needed.
    rows.return?.();

    const view = {
      includeHttpMetadata: include.includes("httpMetadata"),
      includeCustomMetadata: include.includes("customMetadata"),
    };
    const objects = objectRows.map((row) => new R2Object(row, view));
    return truncated
      ? { objects, truncated: true, cursor: encodeCursor(lastKey!), delimitedPrefixes }
      : { objects, truncated: false, delimitedPrefixes };
  }

  async createMultipartUpload(
    key: string,
    options: { httpMetadata?: unknown; customMetadata?: unknown; storageClass?: string } = {},
  ): Promise<R2MultipartUpload> {
    options ??= {};
    const httpMetadata = parseHttpMetadata(options.httpMetadata);
    const name = validateKey("createMultipartUpload", key);
    const customMetadata = parseCustomMetadata("createMultipartUpload", options.customMetadata);
    const uploadId = randomBytes(96).toString("base64url");
    this.#db
      .query(
        `INSERT INTO r2_multipart_uploads (upload_id, bucket, key, http_metadata, custom_metadata, storage_class, state, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'in-progress', ?)`,
      )
      .run(
        uploadId,
        this.#bucket,
        name,
        JSON.stringify(httpMetadata),
        JSON.stringify(customMetadata),
        this.#storageClass(options.storageClass),
        Date.now(),
      );
    return new R2MultipartUpload(this, name, uploadId);
  }

  resumeMultipartUpload(key: string, uploadId: string): R2MultipartUpload {
    // Like the runtime, resuming does not touch storage; a bad id fails on first use.
    return new R2MultipartUpload(this, String(key), String(uploadId));
  }

  #upload(op: R2Operation, key: string, uploadId: string): { http_metadata: string; custom_metadata: string; storage_class: string } {
    const upload = this.#db
      .query("SELECT * FROM r2_multipart_uploads WHERE upload_id = ? AND bucket = ? AND key = ?")
      .get(uploadId, this.#bucket, key) as { state: string; http_metadata: string; custom_metadata: string; storage_class: string } | null;
    if (!upload || upload.state !== "in-progress") throw r2Errors.noSuchUpload(op);
    return upload;
  }

  /** @internal used by R2MultipartUpload */
  async _uploadPart(key: string, uploadId: string, partNumber: number, value: unknown): Promise<R2UploadedPart> {
    const number = validatePartNumber(partNumber);
    const source = bodySource(value, "uploadPart");
    const name = validateKey("uploadPart", key);
    this.#upload("uploadPart", name, uploadId);
    const written = await writeBlob(this.#dir, source, ["md5"], R2_LIMITS.maxValueBytes, () => r2Errors.entityTooLarge("uploadPart"));
    const etag = randomBytes(128).toString("base64url");
    let old: string | null | undefined;
    try {
      old = await withoutBlocking(this.#db, () =>
        this.#db
          .transaction(() => {
            this.#upload("uploadPart", name, uploadId);
            const previous = this.#db
              .query("SELECT blob_id FROM r2_multipart_parts WHERE upload_id = ? AND part_number = ?")
              .get(uploadId, number) as { blob_id: string } | null;
            this.#db
              .query(
                "INSERT OR REPLACE INTO r2_multipart_parts (upload_id, part_number, blob_id, size, etag, md5) VALUES (?, ?, ?, ?, ?, ?)",
              )
              .run(uploadId, number, written.blobId, written.size, etag, written.digests.md5!);
            return previous?.blob_id;
          })
          .immediate(),
      );
    } catch (error) {
      removeBlobs(this.#dir, [written.blobId]);
      throw error;
    }
    if (old) removeBlobs(this.#dir, [old]);
    return { partNumber: number, etag };
  }

  /** @internal used by R2MultipartUpload */
  async _completeMultipartUpload(key: string, uploadId: string, uploadedParts: R2UploadedPart[]): Promise<R2Object> {
    const op = "completeMultipartUpload";
    const name = validateKey(op, key);
    if (!Array.isArray(uploadedParts)) {
      throw new TypeError("Failed to execute 'complete' on 'R2MultipartUpload': parameter 1 is not of type 'Array'.");
    }
    type Part = { part_number: number; blob_id: string; size: number; etag: string; md5: string };
    const chosen = (): Part[] => {
      this.#upload(op, name, uploadId);
      const stored = new Map<number, Part>();
      for (const part of this.#db.query("SELECT * FROM r2_multipart_parts WHERE upload_id = ?").all(uploadId) as Part[]) {
        stored.set(part.part_number, part);
      }
      const seen = new Set<number>();
      const parts = uploadedParts.map((wanted) => {
        const number = Number(wanted?.partNumber);
        if (seen.has(number)) throw r2Errors.internal(op);
        seen.add(number);
        const part = stored.get(number);
        if (!part || part.etag !== wanted.etag) throw r2Errors.invalidPart(op);
        return part;
      });
      // The runtime's rules: every part but the last is at least 5 MiB, all of
      // those are the same size, and the last is no larger than them.
      for (const part of parts.slice(0, -1)) if (part.size < R2_LIMITS.minPartBytes) throw r2Errors.entityTooSmall(op);
      parts.sort((a, b) => a.part_number - b.part_number);
      const partSize = parts.length > 1 ? parts[0]!.size : undefined;
      for (const part of parts.slice(0, -1)) if (part.size !== partSize) throw r2Errors.badUpload(op);
      if (partSize !== undefined && parts.at(-1)!.size > partSize) throw r2Errors.badUpload(op);
      return parts;
    };
    const parts = chosen();
    const blobId = await concatBlobs(this.#dir, parts.map((part) => part.blob_id));
    const md5s = createHash("md5");
    for (const part of parts) md5s.update(Buffer.from(part.md5, "hex"));
    let row!: ObjectRow;
    let obsolete: string[];
    try {
      obsolete = await withoutBlocking(this.#db, () =>
        this.#db
          .transaction(() => {
            // Re-check: another process may have completed or aborted meanwhile.
            const current = chosen();
            const upload = this.#upload(op, name, uploadId);
            row = {
              key: name,
              blob_id: blobId,
              version: newVersion(),
              size: current.reduce((sum, part) => sum + part.size, 0),
              etag: `${md5s.digest("hex")}-${current.length}`,
              uploaded: Date.now(),
              checksums: "{}",
              http_metadata: upload.http_metadata,
              custom_metadata: upload.custom_metadata,
              storage_class: upload.storage_class,
            };
            const previous = this.#row(name);
            this.#upsert(row);
            const partBlobs = (
              this.#db.query("DELETE FROM r2_multipart_parts WHERE upload_id = ? RETURNING blob_id").all(uploadId) as { blob_id: string }[]
            ).map((part) => part.blob_id);
            this.#db.query("UPDATE r2_multipart_uploads SET state = 'completed' WHERE upload_id = ?").run(uploadId);
            return previous ? [previous.blob_id, ...partBlobs] : partBlobs;
          })
          .immediate(),
      );
    } catch (error) {
      removeBlobs(this.#dir, [blobId]);
      throw error;
    }
    removeBlobs(this.#dir, obsolete);
    return new R2Object(row);
  }

  /** @internal used by R2MultipartUpload */
  async _abortMultipartUpload(key: string, uploadId: string): Promise<void> {
    const name = validateKey("abortMultipartUpload", key);
    const blobs = await withoutBlocking(this.#db, () =>
      this.#db
        .transaction(() => {
          const upload = this.#db
            .query("SELECT state FROM r2_multipart_uploads WHERE upload_id = ? AND bucket = ? AND key = ?")
            .get(uploadId, this.#bucket, name) as { state: string } | null;
          if (!upload || upload.state === "completed") throw r2Errors.noSuchUpload("abortMultipartUpload");
          this.#db.query("UPDATE r2_multipart_uploads SET state = 'aborted' WHERE upload_id = ?").run(uploadId);
          return (
            this.#db.query("DELETE FROM r2_multipart_parts WHERE upload_id = ? RETURNING blob_id").all(uploadId) as { blob_id: string }[]
          ).map((part) => part.blob_id);
        })
        .immediate(),
    );
    removeBlobs(this.#dir, blobs);
  }

  /** Multipart uploads created and neither completed nor aborted, with their parts so far (the Local Explorer). */
  listMultipartUploads(): { uploadId: string; key: string; created: Date; parts: number; size: number }[] {
    const rows = this.#db
      .query(
        `SELECT u.upload_id, u.key, u.created_at, count(p.part_number) AS parts, coalesce(sum(p.size), 0) AS size
         FROM r2_multipart_uploads u LEFT JOIN r2_multipart_parts p ON p.upload_id = u.upload_id
         WHERE u.bucket = ? AND u.state = 'in-progress' GROUP BY u.upload_id ORDER BY u.created_at`,
      )
      .all(this.#bucket) as { upload_id: string; key: string; created_at: number; parts: number; size: number }[];
    return rows.map((row) => ({ uploadId: row.upload_id, key: row.key, created: new Date(row.created_at), parts: row.parts, size: row.size }));
  }

  /** Object count and total bytes, for `r2 bucket info`. */
  stats(): { objectCount: number; totalSize: number } {
    const row = this.#db
      .query("SELECT count(*) AS n, coalesce(sum(size), 0) AS bytes FROM r2_objects WHERE bucket = ?")
      .get(this.#bucket) as { n: number; bytes: number };
    return { objectCount: row.n, totalSize: row.bytes };
  }

  get store(): Store {
    return this.#store;
  }
}

export class R2MultipartUpload {
  readonly #bucket: LocalR2Bucket;
  readonly key: string;
  readonly uploadId: string;

  constructor(bucket: LocalR2Bucket, key: string, uploadId: string) {
    this.#bucket = bucket;
    this.key = key;
    this.uploadId = uploadId;
  }

  uploadPart(partNumber: number, value: unknown): Promise<R2UploadedPart> {
    return this.#bucket._uploadPart(this.key, this.uploadId, partNumber, value);
  }

  abort(): Promise<void> {
    return this.#bucket._abortMultipartUpload(this.key, this.uploadId);
  }

  complete(uploadedParts: R2UploadedPart[]): Promise<R2Object> {
    return this.#bucket._completeMultipartUpload(this.key, this.uploadId, uploadedParts);
  }
}
