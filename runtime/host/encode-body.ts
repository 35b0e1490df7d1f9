// How the dev server sends the body of a Response the worker constructed, where
// workerd's rules differ from what Bun's Response keeps. Bun drops these, so the
// host records such responses here and the dev server asks:
// - `new Response(body, { encodeBody: "manual" })`: the worker hands over bytes
//   already encoded as its Content-Encoding says, to be sent as they are;
// - a body stream the worker made, whose chunks must be bytes (bytesOnly).
const manual = new WeakSet<Response>();
const checked = new WeakSet<Response>();

/** Called for every Response the worker constructs; remembers the manual ones. */
export function rememberEncodeBody(response: Response, init: unknown): void {
  if (!init || typeof init !== "object") return;
  const wanted = (init as { encodeBody?: unknown }).encodeBody;
  // `new Response(body, otherResponse)` keeps the other's setting, as workerd's init copy does.
  if (wanted === "manual" || (init instanceof Response && manual.has(init))) manual.add(response);
}

export function isManuallyEncoded(response: Response): boolean {
  return manual.has(response);
}

/**
 * A body stream the worker made, read as workerd reads one: chunks must be bytes.
 * Bun would encode a string chunk; workerd errors the body instead, so whoever
 * reads it (the worker's own text(), or the dev server) gets this error.
 */
export function bytesOnly(stream: ReadableStream): ReadableStream {
  const reader = stream.getReader();
  return new ReadableStream(
    {
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return controller.enqueue(value);
        const error = new TypeError("This ReadableStream did not return bytes.");
        void reader.cancel(error).catch(() => {});
        controller.error(error);
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/** Called for a Response whose body is a bytesOnly() stream. */
export function rememberCheckedBody(response: Response): void {
  checked.add(response);
}

/**
 * The response as the client gets it: a checked body that fails is reported and
 * ends where it failed, after the status and what came before, as under wrangler
 * (Bun would reset the connection, and print its own trace of the error).
 */
export function endedOnBodyError(response: Response, report: (error: unknown) => void): Response {
  if (!checked.has(response)) return response;
  const reader = response.body!.getReader();
  const body = new ReadableStream({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        report(error);
        controller.close();
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}
