// workerd's EventSource, which Bun lacks: server-sent events read from a fetch() (or a binding's
// `fetcher`), or from a stream with EventSource.from(). What workerd does where the standard
// leaves room or differs, as the compat suite saw it: a message with no data is not dispatched,
// an `id` holding NUL is kept, the open event is an "OpenEvent", errors are ErrorEvents whose
// `error` says why, a stream from from() ends in an error and CLOSED (no reconnection), and a
// failed reconnection closes the source.

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 2;
/** Before the first `retry:` field. */
const DEFAULT_RETRY_MS = 1000;

interface Fetcher {
  fetch(input: string, init?: RequestInit): Promise<Response>;
}

class OpenEvent extends Event {}

/** A message from EventSource.from() has no origin: null, where Bun's MessageEvent would give "null". */
const NativeMessageEvent = globalThis.MessageEvent as unknown as new (type: string, init?: MessageEventInit) => MessageEvent;
const OriginlessMessageEvent = class MessageEvent extends NativeMessageEvent {
  override get origin(): string {
    return null as unknown as string;
  }
};

function errorEvent(error: Error): ErrorEvent {
  return new ErrorEvent("error", { error });
}

function abortError(message: string): Error {
  return new DOMException(message, "AbortError") as unknown as Error;
}

export class EventSource extends EventTarget {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSED = CLOSED;
  readonly CONNECTING = CONNECTING;
  readonly OPEN = OPEN;
  readonly CLOSED = CLOSED;

  // Plain properties: the runtime's dispatch (event-handlers.ts) calls an on<type> function before the listeners.
  onopen: ((event: Event) => unknown) | null = null;
  onmessage: ((event: MessageEvent) => unknown) | null = null;
  onerror: ((event: Event) => unknown) | null = null;

  #readyState = CONNECTING;
  #url: string;
  #withCredentials: boolean;
  #fetcher: Fetcher | undefined;
  #abort = new AbortController();
  #lastEventId = "";
  #retryMs = DEFAULT_RETRY_MS;

  // A rest parameter, so `EventSource.length` is 0 as workerd's.
  constructor(...args: [url?: string | URL, init?: { withCredentials?: boolean; fetcher?: Fetcher }]) {
    super();
    const [url, init] = args;
    const fromStream = (url as unknown) === FROM_STREAM;
    let parsed = "";
    if (!fromStream) {
      try {
        parsed = new URL(String(url)).href;
      } catch {
        throw new DOMException(`Cannot open an EventSource to '${String(url)}'. The URL is invalid.`, "SyntaxError");
      }
    }
    this.#url = parsed;
    this.#withCredentials = Boolean(init?.withCredentials);
    this.#fetcher = init?.fetcher;
    if (!fromStream) void this.#connect();
  }

  /** Events read from `stream` (server-sent event text, as bytes): open at once, closed where it ends. */
  static from(stream: ReadableStream<Uint8Array>): EventSource {
    const source = new EventSource(FROM_STREAM as unknown as string);
    source.#readyState = OPEN;
    void source.#read(stream, null).then(
      () => source.#fail(new Error("The server disconnected.")),
      (error) => source.#fail(error),
    );
    return source;
  }

  get url(): string {
    return this.#url;
  }

  get withCredentials(): boolean {
    return this.#withCredentials;
  }

  get readyState(): number {
    return this.#readyState;
  }

  close(): void {
    this.#readyState = CLOSED;
    this.#abort.abort();
  }

  async #connect(): Promise<void> {
    const headers: Record<string, string> = { accept: "text/event-stream", "cache-control": "no-cache" };
    if (this.#lastEventId) headers["last-event-id"] = this.#lastEventId;
    let response: Response;
    try {
      const init = { headers, signal: this.#abort.signal };
      response = await (this.#fetcher ? this.#fetcher.fetch(this.#url, init) : fetch(this.#url, init));
    } catch (error) {
      this.#fail(error as Error);
      return;
    }
    if (this.#readyState === CLOSED) return;
    if (response.status !== 200) return this.#fail(abortError(`The response status code was ${response.status}.`), response);
    const type = (response.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type !== "text/event-stream") return this.#fail(abortError(`The content type '${response.headers.get("content-type") ?? ""}' is invalid.`), response);
    this.#readyState = OPEN;
    this.dispatchEvent(new OpenEvent("open"));
    try {
      await this.#read(response.body!, new URL(response.url || this.#url).origin);
    } catch (error) {
      if (this.#readyState !== CLOSED) this.#fail(error as Error);
      return;
    }
    if (this.#readyState === CLOSED) return;
    // The server ended the stream: try again after the retry time.
    this.#readyState = CONNECTING;
    this.dispatchEvent(errorEvent(new Error("The server disconnected.")));
    setTimeout(() => {
      if (this.#readyState === CONNECTING) void this.#connect();
    }, this.#retryMs);
  }

  #fail(error: Error, response?: Response): void {
    void response?.body?.cancel().catch(() => {});
    if (this.#readyState === CLOSED) return;
    this.#readyState = CLOSED;
    this.dispatchEvent(errorEvent(error));
  }

  /** Reads the event stream, dispatching each complete event, until it ends or the source closes. */
  async #read(stream: ReadableStream<Uint8Array>, origin: string | null): Promise<void> {
    const reader = stream.getReader();
    this.#abort.signal.addEventListener("abort", () => void reader.cancel().catch(() => {}), { once: true });
    const decoder = new TextDecoder();
    let pending = "";
    let first = true;
    let data = "";
    let type = "";
    while (this.#readyState !== CLOSED) {
      const { done, value } = await reader.read();
      if (done) return;
      pending += decoder.decode(value, { stream: true });
      if (first && pending.length) {
        if (pending.charCodeAt(0) === 0xfeff) pending = pending.slice(1);
        first = false;
      }
      // Complete lines only: a CR at the end may be the first half of a CRLF.
      const lines = pending.split(/\r\n|\n|\r(?!$)/);
      pending = lines.pop()!;
      for (const line of lines) {
        if (this.#readyState === CLOSED) return;
        if (line === "") {
          const text = data.endsWith("\n") ? data.slice(0, -1) : data;
          if (text !== "") {
            const init = { data: text, origin: origin ?? undefined, lastEventId: this.#lastEventId };
            this.dispatchEvent(origin === null ? new OriginlessMessageEvent(type || "message", init) : new MessageEvent(type || "message", init));
          }
          data = "";
          type = "";
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        let fieldValue = colon === -1 ? "" : line.slice(colon + 1);
        if (fieldValue.startsWith(" ")) fieldValue = fieldValue.slice(1);
        if (field === "data") data += fieldValue + "\n";
        else if (field === "event") type = fieldValue;
        else if (field === "id") this.#lastEventId = fieldValue;
        else if (field === "retry" && /^\d+$/.test(fieldValue)) this.#retryMs = Number(fieldValue);
      }
    }
  }
}

/** What from() constructs with: a source on no URL, reading the stream it is given. */
const FROM_STREAM = Symbol("EventSource.from");

// Their own names: the CLI bundle renames a class that clashes with a global (MessageEvent2).
Object.defineProperty(OriginlessMessageEvent, "name", { value: "MessageEvent" });
Object.defineProperty(EventSource, "name", { value: "EventSource" });
