// `new Response(body, { encodeBody: "manual" })`: the worker hands over bytes
// already encoded as its Content-Encoding says, to be sent as they are. Bun's
// Response drops the setting, so the host records such responses here and the
// dev server asks. (A body stream the worker made: worker-streams.ts.)
const manual = new WeakSet<Response>();

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
