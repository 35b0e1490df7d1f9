// R2 buckets: wrangler's explorer paths under /r2/buckets, plus bunflare's
// view of multipart uploads in progress.
import { createR2Bucket, r2BucketNameFor, R2_LIMITS, type LocalR2Bucket } from "../../../runtime/bindings/r2/index.ts";
import type { WorkerConfig } from "../../../runtime/config.ts";
import { BAD_REQUEST, fail, intParam, jsonBody, messageOf, notFound, ok, resourcesOf, type ExplorerSection, type ExplorerStore } from "../common.ts";

const R2_BUCKET_NOT_FOUND = 10006;
const R2_OBJECT_NOT_FOUND = 10007;

const bound = (config: WorkerConfig) => (config.r2_buckets ?? []).map((entry) => ({ id: r2BucketNameFor(entry), name: r2BucketNameFor(entry), binding: entry.binding }));
const bucketsOf = (stores: readonly ExplorerStore[]) => resourcesOf("r2_buckets", stores, bound);
const find = (stores: readonly ExplorerStore[], name: string) => bucketsOf(stores).find((item) => item.id === name);

export const r2Section: ExplorerSection = {
  prefix: ["r2", "buckets"],
  operations: [
    { method: "get", path: "/r2/buckets", summary: "List R2 buckets", tag: "R2" },
    { method: "get", path: "/r2/buckets/{bucket_name}/objects", summary: "List objects", tag: "R2", query: { prefix: "key prefix", delimiter: "usually /", cursor: "from result_info.cursor", per_page: "page size" } },
    { method: "delete", path: "/r2/buckets/{bucket_name}/objects", summary: "Delete objects", tag: "R2", body: "string[] (keys)" },
    { method: "get", path: "/r2/buckets/{bucket_name}/objects/{object_key}", summary: "Download an object (header cf-metadata-only: true for its metadata as JSON)", tag: "R2", rawResponse: "application/octet-stream" },
    { method: "put", path: "/r2/buckets/{bucket_name}/objects/{object_key}", summary: "Upload an object, streamed (Content-Type kept; cf-r2-custom-metadata: JSON)", tag: "R2", rawBody: "application/octet-stream" },
    { method: "get", path: "/r2/buckets/{bucket_name}/multipart", summary: "Multipart uploads in progress, with their parts so far", tag: "bunflare", extra: true },
  ],
  route(request, url, rest, stores) {
    if (rest.length === 0) return request.method === "GET" ? r2Buckets(stores) : notFound(request);
    return r2(request, url, rest, stores);
  },
  workerBindings: (config) => ["r2", bound(config).map((item) => ({ id: item.id, bindingName: item.binding }))],
};

function r2Buckets(stores: readonly ExplorerStore[]): Response {
  const buckets = bucketsOf(stores)
    .map((item) => ({ name: item.id }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return ok({ buckets }, { count: buckets.length });
}

type R2Like = { key: string; etag: string; size: number; version?: string; uploaded: Date; httpMetadata?: Record<string, unknown>; customMetadata?: Record<string, string> };

function objectJson(object: R2Like) {
  const http = object.httpMetadata;
  return {
    key: object.key,
    etag: object.etag,
    size: object.size,
    last_modified: object.uploaded.toISOString(),
    http_metadata: http
      ? {
          contentType: http.contentType,
          contentLanguage: http.contentLanguage,
          contentDisposition: http.contentDisposition,
          contentEncoding: http.contentEncoding,
          cacheControl: http.cacheControl,
          cacheExpiry: (http.cacheExpiry as Date | undefined)?.toISOString(),
        }
      : undefined,
    custom_metadata: object.customMetadata,
  };
}

async function r2(request: Request, url: URL, rest: string[], stores: readonly ExplorerStore[]): Promise<Response> {
  const [name, what, ...tail] = rest;
  // bunflare's extra: multipart uploads created and not yet completed or aborted.
  if (what === "multipart" && tail.length === 0 && request.method === "GET") {
    const bucketFound = find(stores, name!);
    if (!bucketFound) return fail(404, R2_BUCKET_NOT_FOUND, "list multipart uploads: 'bucket not found'");
    const uploads = (createR2Bucket(bucketFound.store, bucketFound.id) as LocalR2Bucket).listMultipartUploads();
    return ok(uploads.map((upload) => ({ upload_id: upload.uploadId, key: upload.key, initiated: upload.created.toISOString(), parts: upload.parts, size: upload.size })), { count: uploads.length });
  }
  if (what !== "objects") return notFound(request);
  const found = find(stores, name!);
  const bucket = found ? (createR2Bucket(found.store, found.id) as LocalR2Bucket) : undefined;
  const verb = { GET: "get", PUT: "put", DELETE: "delete" }[request.method] ?? "list objects";
  try {
    if (tail.length === 0 && request.method === "GET") {
      if (!bucket) return fail(404, R2_BUCKET_NOT_FOUND, "list objects: 'bucket not found'");
      const limit = intParam(url, "per_page");
      if (limit instanceof Response) return limit;
      const listed = await bucket.list({
        prefix: url.searchParams.get("prefix") ?? undefined,
        delimiter: url.searchParams.get("delimiter") ?? undefined,
        cursor: url.searchParams.get("cursor") || undefined,
        limit,
        include: ["httpMetadata", "customMetadata"],
      });
      return ok(listed.objects.map((object) => objectJson(object as unknown as R2Like)), {
        delimited: listed.delimitedPrefixes,
        cursor: listed.truncated ? listed.cursor : undefined,
        is_truncated: listed.truncated ? "true" : "false",
      });
    }
    if (tail.length === 0 && request.method === "DELETE") {
      const body = await jsonBody(request);
      if (body.error) return body.error;
      const keys = body.value;
      if (!Array.isArray(keys) || keys.length === 0 || keys.some((key) => typeof key !== "string")) {
        return fail(400, BAD_REQUEST, "Request body must be a non-empty array of keys");
      }
      if (!bucket) return fail(404, R2_BUCKET_NOT_FOUND, "delete: 'bucket not found'");
      await bucket.delete(keys as string[]);
      return ok((keys as string[]).map((key) => ({ key })));
    }
    if (tail.length === 0) return notFound(request);
    const key = tail.join("/");
    if (!bucket) return fail(404, R2_BUCKET_NOT_FOUND, `${verb}: 'bucket not found'`);
    if (request.method === "GET") {
      if (request.headers.get("cf-metadata-only") === "true") {
        const head = await bucket.head(key);
        // wrangler's field order for a head: last_modified before size.
        const { key: headKey, etag, size, last_modified, ...rest } = head ? objectJson(head as unknown as R2Like) : ({} as ReturnType<typeof objectJson>);
        return head ? ok({ key: headKey, etag, last_modified, size, ...rest }) : fail(404, R2_OBJECT_NOT_FOUND, "head: 'object not found'");
      }
      const object = (await bucket.get(key)) as (R2Like & { body: ReadableStream }) | null;
      if (!object) return fail(404, R2_OBJECT_NOT_FOUND, "get: 'object not found'");
      const headers = new Headers();
      if (object.httpMetadata?.contentType) headers.set("Content-Type", String(object.httpMetadata.contentType));
      headers.set("Content-Length", String(object.size));
      headers.set("ETag", object.etag);
      headers.set("Last-Modified", object.uploaded.toUTCString());
      for (const [name, value] of Object.entries(object.customMetadata ?? {})) headers.set(`X-R2-Custom-Metadata-${name}`, value);
      return new Response(object.body, { headers });
    }
    if (request.method === "PUT") {
      const options: { httpMetadata?: { contentType: string }; customMetadata?: Record<string, string> } = {};
      const contentType = request.headers.get("content-type");
      if (contentType) options.httpMetadata = { contentType };
      const custom = request.headers.get("cf-r2-custom-metadata");
      if (custom) {
        try {
          options.customMetadata = JSON.parse(custom);
        } catch {
          return fail(400, BAD_REQUEST, "Invalid custom metadata JSON");
        }
      }
      // R2's single-put limit, refused before any byte is stored.
      const declared = Number(request.headers.get("content-length") ?? "0");
      if (declared > R2_LIMITS.maxValueBytes) {
        return fail(413, 100100, `put: Your proposed upload exceeds the maximum allowed object size (${declared} bytes > ${R2_LIMITS.maxValueBytes} bytes). Use a multipart upload.`);
      }
      // Streamed into the bucket: a large upload never sits in memory whole.
      const object = (await bucket.put(key, request.body ?? new Uint8Array(0), options)) as (R2Like & { version: string }) | null;
      return ok({ key: object!.key, etag: object!.etag, size: object!.size, version: object!.version });
    }
  } catch (error) {
    return fail(400, BAD_REQUEST, messageOf(error));
  }
  return notFound(request);
}
