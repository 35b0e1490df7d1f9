// The client's request as workerd hands it to a worker: what of its headers
// the worker sees, and that it cannot change them.

/** The headers of the connection itself, which workerd never shows a worker. */
const HOP_BY_HOP = ["connection", "keep-alive", "te", "upgrade"];

/** Headers whose set / append / delete throw, as those of a request a worker receives. */
const IMMUTABLE_HEADERS: Headers = Object.create(Headers.prototype, {
  set: { value: immutable },
  append: { value: immutable },
  delete: { value: immutable },
});

function immutable(): never {
  throw new TypeError("Can't modify immutable headers.");
}

/**
 * The client's request as a worker receives it from workerd: without the
 * connection's own (hop-by-hop) headers, unless it asks for a WebSocket, and
 * with headers it cannot change (new Request(request) gives a changeable copy).
 */
export function asReceived(request: Request): Request {
  const headers = request.headers;
  if (headers.has("connection") && headers.get("upgrade")?.toLowerCase() !== "websocket") {
    for (const name of HOP_BY_HOP) headers.delete(name);
  }
  Object.setPrototypeOf(headers, IMMUTABLE_HEADERS);
  return request;
}
