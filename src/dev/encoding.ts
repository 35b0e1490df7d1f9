// Content encoding on wrangler dev's request path. Two things happen there:
// - workerd encodes a body on its way out to match the response's
//   `Content-Encoding` (gzip or br), unless the worker built it with
//   `encodeBody: "manual"` (then the bytes are already encoded);
// - before that, wrangler's entry worker picks the encoding a client gets the
//   way Cloudflare's edge does: a compressible type (the types Cloudflare
//   compresses, or no Content-Type at all) gets the client's first acceptable
//   of gzip / br, nothing when it only accepts identity, and 415 when it refuses
//   identity too. No minimum size; HEAD, 204 and 304 get the header alone.
// The worker itself always sees `Accept-Encoding: br, gzip` (as in production)
// and the client's header in `request.cf.clientAcceptEncoding`.
import { isManuallyEncoded } from "../../runtime/host/encode-body.ts";

/** What the worker's request carries, whatever the client sent (Cloudflare's edge always sends this). */
export const WORKER_ACCEPT_ENCODING = "br, gzip";

/**
 * An answer the dev server writes itself, labelled as workerd labels a string body. Explicit:
 * Bun leaves the type to Bun.serve, so encodeForClient would see none and a piped body lose it.
 */
export const plainText = (body: string, status: number) =>
  new Response(body, { status, headers: { "Content-Type": "text/plain;charset=UTF-8" } });

/** The content types Cloudflare's edge compresses (its documented list). */
const COMPRESSIBLE = new Set(
  [
    "text/html text/richtext text/plain text/css text/x-script text/x-component text/x-java-source text/x-markdown",
    "application/javascript application/x-javascript text/javascript text/js image/x-icon image/vnd.microsoft.icon",
    "application/x-perl application/x-httpd-cgi text/xml application/xml application/rss+xml application/vnd.api+json",
    "application/x-protobuf application/json multipart/bag multipart/mixed application/xhtml+xml font/ttf font/otf",
    "font/x-woff image/svg+xml application/vnd.ms-fontobject application/ttf application/x-ttf application/otf",
    "application/x-otf application/truetype application/opentype application/x-opentype application/font-woff",
    "application/eot application/font application/font-sfnt application/wasm application/javascript-binast",
    "application/manifest+json application/ld+json application/graphql+json application/geo+json",
  ].flatMap((line) => line.split(" ")),
);

type Coding = "gzip" | "br";
// Bun's Compression/DecompressionStream take "brotli" besides the standard formats.
const STREAM_FORMAT = { gzip: "gzip", br: "brotli" } as const;

function isCoding(value: string | null): value is Coding {
  return value === "gzip" || value === "br";
}

/** The coding a client asked for, or what to do when it accepts neither gzip nor br. */
function negotiate(acceptEncoding: string): Coding | "identity" | "refuse" | undefined {
  const entries: { coding: string; weight: number }[] = [];
  for (const part of acceptEncoding.split(",")) {
    const match = /^([a-z]+|\*)(?:\s*;\s*q=(\d+(?:\.\d+)?))?$/.exec(part.trim());
    if (match) entries.push({ coding: match[1]!, weight: match[2] === undefined ? 1 : Number(match[2]) });
  }
  // An unparseable header counts as none.
  if (!entries.length) return undefined;
  // Stable: among equal weights the client's order decides.
  entries.sort((a, b) => b.weight - a.weight);
  let refusesIdentity = false;
  for (const { coding, weight } of entries) {
    if (weight === 0) {
      if (coding === "identity" || coding === "*") refusesIdentity = true;
    } else if (coding === "gzip" || coding === "br") {
      return coding;
    } else if (coding === "identity") {
      break;
    }
  }
  return refusesIdentity ? "refuse" : "identity";
}

/**
 * The body sent chunked, as workerd sends a body it encodes or decodes on the
 * way out. Bun.serve would give a stream that has ended by the time it answers
 * (a small compressed body) a Content-Length: flushing each chunk as it comes
 * commits the headers first. (An empty body still gets "Content-Length: 0":
 * Bun sends that for any body that ends without a byte, where workerd sends
 * a chunked body with no chunk.)
 */
function chunked(body: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream({
    type: "direct",
    async pull(controller) {
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        controller.write(read.value);
        controller.flush();
      }
      controller.close();
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

/**
 * A worker's body encoded as workerd encodes a body whose Content-Encoding the
 * worker set: an empty one stays empty, without even a gzip header, and the
 * client gets no bytes whichever coding it asked for (an encoding wrangler's
 * proxy adds to an empty body is a whole empty gzip or brotli stream).
 */
function encodedUnlessEmpty(body: ReadableStream<Uint8Array<ArrayBuffer>>, coding: Coding): ReadableStream<Uint8Array<ArrayBuffer>> {
  let input = false;
  const watch = new TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>({
    transform(chunk, controller) {
      input ||= chunk.byteLength > 0;
      controller.enqueue(chunk);
    },
  });
  // Until input comes the encoder writes only when it ends: what it writes for an empty body.
  const gate = new TransformStream<Uint8Array<ArrayBuffer>, Uint8Array<ArrayBuffer>>({
    transform(chunk, controller) {
      if (input) controller.enqueue(chunk);
    },
  });
  return body.pipeThrough(watch).pipeThrough(new CompressionStream(STREAM_FORMAT[coding] as "gzip")).pipeThrough(gate);
}

/**
 * Whether Bun.serve sends a length header for a HEAD answer of this status. It
 * always sends one, "Content-Length: 0" for a HEAD answer without a body (an
 * asset's, or one encoded on the way out): a size the GET would not have.
 * workerd sends none; "Transfer-Encoding: chunked", set in its place, says
 * nothing of the size either.
 */
function sendsLength(status: number): boolean {
  return status >= 200 && status !== 204 && status !== 304;
}

function hasBody(response: Response, method: string): boolean {
  return response.body !== null && method !== "HEAD" && response.status !== 204 && response.status !== 304;
}

/**
 * The response as the client receives it from wrangler dev. `acceptEncoding`
 * is the client's header (null when it sent none, which leaves the worker's
 * choice alone).
 */
export function encodeForClient(response: Response, acceptEncoding: string | null, method: string): Response {
  const responseHeaders = response.headers;
  const declared = responseHeaders.get("Content-Encoding");
  const manual = isCoding(declared) && isManuallyEncoded(response);
  let wanted: string | null = declared;
  if (acceptEncoding !== null && (declared === null || isCoding(declared))) {
    const type = responseHeaders.get("Content-Type");
    if (type === null || COMPRESSIBLE.has(type.split(";")[0]!)) {
      const choice = negotiate(acceptEncoding);
      if (choice === "refuse") {
        return new Response("Unsupported Media Type", { status: 415, headers: { "Accept-Encoding": WORKER_ACCEPT_ENCODING } });
      }
      if (choice !== undefined) wanted = choice === "identity" ? null : choice;
    }
  }
  if (wanted === declared && (!isCoding(declared) || manual)) {
    // Bun.serve labels a Blob-backed body without a type "application/octet-stream";
    // workerd sends no Content-Type then. Piped, the body is no longer Blob-backed.
    // (The type first: reading `.body` of a string response makes Bun build a stream for it.)
    if (!responseHeaders.has("Content-Type") && response.body) {
      const body = response.body.pipeThrough(new TransformStream());
      return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
    }
    if (method === "HEAD" && response.body === null && !responseHeaders.has("Content-Length") && sendsLength(response.status)) {
      const headers = new Headers(responseHeaders);
      headers.set("Transfer-Encoding", "chunked");
      return new Response(null, { status: response.status, statusText: response.statusText, headers });
    }
    // The common case: nothing to encode and nothing already encoded.
    return response;
  }
  const headers = new Headers(response.headers);
  if (wanted === null) headers.delete("Content-Encoding");
  else headers.set("Content-Encoding", wanted);
  let body = hasBody(response, method) ? response.body : null;
  if (body) {
    // The size changes with the encoding.
    headers.delete("Content-Length");
    if (manual) body = body.pipeThrough(new DecompressionStream(STREAM_FORMAT[declared as Coding] as "gzip"));
    if (isCoding(wanted)) body = isCoding(declared) && !manual ? encodedUnlessEmpty(body, wanted) : body.pipeThrough(new CompressionStream(STREAM_FORMAT[wanted] as "gzip"));
    body = chunked(body);
  } else if (isCoding(wanted)) {
    headers.delete("Content-Length");
    if (method === "HEAD" && sendsLength(response.status)) headers.set("Transfer-Encoding", "chunked");
  }
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}
