// WebSockets as the Workers runtime gives them: `new WebSocketPair()`, the
// worker accepts one end and returns the other in `new Response(null,
// { status: 101, webSocket })`. The host then upgrades the real connection
// and relays between it and the worker's end.

export interface SocketSink {
  send(data: string | ArrayBuffer | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

type Data = string | ArrayBuffer | ArrayBufferView;

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/** workerd's words for send() or close() on an end neither accepted nor connected (the same for both). */
const NOT_ACCEPTED = "You must call one of accept() or state.acceptWebSocket() on this WebSocket before sending messages.";

const NativeWebSocket = globalThis.WebSocket;
/** What WebSocketPair passes its ends' constructor: a worker's `new WebSocket(...)` cannot. */
const PAIR_END = Symbol("pair end");

let isPairEnd: (value: unknown) => value is WorkerWebSocket;
/** Whether accept() (or a real connection) took this end. */
export let isAccepted: (ws: object) => boolean;
let link: (a: WorkerWebSocket, b: WorkerWebSocket, settings: PairSettings) => void;
/** A socket given to acceptWebSocket(): binaryType does not change what its handlers get. */
export let markHibernated: (ws: object) => void;
/** Connect a pair's end returned in a 101 to the real connection: what its peer sends goes out on it. */
export let attachSocket: (ws: WorkerWebSocket, sink: SocketSink) => void;
/** The real connection closed: Bun's code, 1005 for a frame without one, 1006 for a dropped connection. */
export let connectionClosed: (ws: WorkerWebSocket, code: number, reason: string) => void;

/**
 * The worker's WebSocket, as workerd has one class for both: an end of a WebSocketPair (what
 * one end sends, the other receives), or, built with a URL, an outgoing socket, which is Bun's
 * own client (its constructor returns that; `instanceof WebSocket` holds for both).
 */
export class WorkerWebSocket extends EventTarget {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;
  static readonly READY_STATE_CONNECTING = CONNECTING;
  static readonly READY_STATE_OPEN = OPEN;
  static readonly READY_STATE_CLOSING = CLOSING;
  static readonly READY_STATE_CLOSED = CLOSED;
  #peer?: WorkerWebSocket;
  #sink?: SocketSink;
  #accepted = false;
  /** Events that arrive before accept() are held, as in workerd. */
  #pending: Event[] = [];
  #attachment: unknown;
  // workerd's two halves of a close: this end called close(), and a close reached it.
  #closedOutgoing = false;
  #closedIncoming = false;
  /** web_socket_auto_reply_to_close: a close that reaches this end is answered at once. */
  #autoReply = false;
  /** websocket_close_reason_byte_limit: close() refuses a reason over 123 bytes. */
  #limitReason = false;
  /** What a binary message comes as: a Blob for "blob" (the default from websocket_standard_binary_type), else an ArrayBuffer. */
  #binaryType = "blob";
  /** Given to acceptWebSocket(): its messages go to the object's handlers as they came. */
  #hibernated = false;

  // A rest parameter, so `WebSocket.length` is 0 as workerd's.
  constructor(...args: [url?: unknown, protocols?: string | string[]]) {
    super();
    if (args[0] === PAIR_END) return;
    return outgoing(args) as unknown as WorkerWebSocket;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return isPairEnd(value) || value instanceof NativeWebSocket;
  }

  // The host's ways in, kept off the class and its prototype: the worker sees workerd's members only.
  static {
    isPairEnd = (value): value is WorkerWebSocket => typeof value === "object" && value !== null && #peer in value;
    isAccepted = (ws) => #accepted in ws && ws.#accepted;
    link = (a, b, { autoReply, limitReason, blobMessages }) => {
      a.#peer = b;
      b.#peer = a;
      a.#autoReply = b.#autoReply = autoReply;
      a.#limitReason = b.#limitReason = limitReason;
      a.#binaryType = b.#binaryType = blobMessages ? "blob" : "arraybuffer";
    };
    markHibernated = (ws) => {
      if (isPairEnd(ws)) ws.#hibernated = true;
    };
    attachSocket = (ws, sink) => ws.#attach(sink);
    connectionClosed = (ws, code, reason) => ws.#closeOutgoing(code, reason);
  }

  /** A pair's end has no URL, protocol or extensions, as in workerd. */
  get url(): string | null {
    return null;
  }

  get protocol(): string {
    return "";
  }

  get extensions(): string {
    return "";
  }

  get binaryType(): string {
    return this.#binaryType;
  }

  set binaryType(value: string) {
    if (value === "blob" || value === "arraybuffer") this.#binaryType = value;
  }

  /** CLOSING from one half of the close to the other, as workerd counts it: CLOSED once both are done. */
  get readyState(): number {
    if (this.#closedOutgoing && this.#closedIncoming) return CLOSED;
    return this.#closedOutgoing || this.#closedIncoming ? CLOSING : OPEN;
  }

  /** `allowHalfOpen`: this end does not answer a close by itself (for proxying), whatever the compatibility date. */
  accept(options?: { allowHalfOpen?: boolean }): void {
    if (this.#accepted) return;
    if (options?.allowHalfOpen) this.#autoReply = false;
    this.#accepted = true;
    const pending = this.#pending;
    this.#pending = [];
    for (const event of pending) this.#dispatch(event);
  }

  send(data: Data): void {
    // As workerd's binding converts it: bytes as they are, anything else but nothing as a string.
    if (data === undefined) throw new TypeError("Failed to execute 'send' on 'WebSocket': parameter 1 is not of type 'ArrayBuffer or ArrayBufferView or string'.");
    if (!this.#accepted) throw new TypeError(NOT_ACCEPTED);
    // Only this end's own close() stops it sending: after receiving a close it may still say something.
    if (this.#closedOutgoing) throw new TypeError("Can't call WebSocket send() after close().");
    const payload = typeof data === "string" || data instanceof ArrayBuffer ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice().buffer : String(data);
    const peer = this.#peer;
    // It reaches the peer later, as over a connection (and in order with a close that follows it).
    if (peer) queueMicrotask(() => peer.#receive(payload));
  }

  /** No code sends a close frame without one: the peer sees 1005, as in workerd. */
  close(code?: number, reason?: string): void {
    if (code !== undefined) {
      code |= 0; // workerd takes it as an int: 1.5 is 1, NaN is 0
      if (code < 1000 || code >= 5000 || code === 1004 || code === 1005 || code === 1006 || code === 1015) {
        throw new DOMException(`Invalid WebSocket close code: ${code}.`, "InvalidAccessError");
      }
    }
    if (reason !== undefined) {
      reason = String(reason);
      if (this.#limitReason && Buffer.byteLength(reason) > 123) {
        throw new DOMException("WebSocket close reason must not be longer than 123 bytes when UTF-8 encoded.", "SyntaxError");
      }
      if (code === undefined) throw new DOMException("If you specify a WebSocket close reason, you must also specify a code.", "InvalidAccessError");
    }
    if (!this.#accepted) throw new TypeError(NOT_ACCEPTED);
    this.#closeOutgoing(code ?? 1005, reason ?? "");
  }

  #closeOutgoing(code: number, reason: string): void {
    if (this.#closedOutgoing) return;
    this.#closedOutgoing = true;
    const peer = this.#peer;
    // Until the peer's answer comes back, this end is CLOSING.
    if (peer) queueMicrotask(() => peer.#closedByPeer(code, reason));
  }

  serializeAttachment(value: unknown): void {
    this.#attachment = structuredClone(value);
  }

  deserializeAttachment(): unknown {
    return structuredClone(this.#attachment);
  }

  /** Connect this end to a real socket: what the peer sends goes out on it. */
  #attach(sink: SocketSink): void {
    this.#sink = sink;
    this.#accepted = true;
    // What the worker sent (or a close) before the connection was upgraded goes out
    // first, in order: workerd buffers it the same way.
    const pending = this.#pending;
    this.#pending = [];
    for (const event of pending) {
      if (event instanceof MessageEvent) this.#receive(event.data as string | ArrayBuffer);
      else {
        const { code, reason } = event as Event & { code: number; reason: string };
        this.#closedByPeer(code, reason);
      }
    }
  }

  #receive(data: string | ArrayBuffer): void {
    if (this.#sink) {
      this.#sink.send(typeof data === "string" ? data : new Uint8Array(data));
      return;
    }
    this.#deliver(new MessageEvent("message", { data }));
  }

  #closedByPeer(code: number, reason: string): void {
    if (this.#sink) {
      // The real client answers the close itself; its answer comes back through close().
      this.#closedIncoming = true;
      this.#sink.close(code, reason);
      return;
    }
    // A connection dropped without a close frame: workerd's reason, not clean, and the socket stays OPEN.
    if (code === 1006) reason = "WebSocket disconnected without sending Close frame.";
    this.#deliver(Object.assign(new Event("close"), { code, reason, wasClean: code !== 1006 }));
  }

  #deliver(event: Event): void {
    if (this.#accepted) this.#dispatch(event);
    else this.#pending.push(event);
  }

  #dispatch(event: Event): void {
    // binaryType is read as the message is delivered, as in workerd.
    if (event instanceof MessageEvent && event.data instanceof ArrayBuffer && this.#binaryType === "blob" && !this.#hibernated) {
      event = new MessageEvent("message", { data: new Blob([event.data]) });
    }
    if (event.type === "close" && (event as CloseEvent).wasClean) {
      this.#closedIncoming = true;
      // The reply echoes the code, which may be one close() refuses (1005).
      if (this.#autoReply) this.#closeOutgoing((event as CloseEvent).code, (event as CloseEvent).reason);
    }
    this.dispatchEvent(event);
  }
}

// workerd's name for it: the server end of a WebSocketPair is a WebSocket.
Object.defineProperty(WorkerWebSocket, "name", { value: "WebSocket" });
Object.defineProperty(WorkerWebSocket.prototype, Symbol.toStringTag, { value: "WebSocket", configurable: true });
// The ready state constants are on the prototype too, as in workerd.
for (const [name, value] of Object.entries({ CONNECTING, OPEN, CLOSING, CLOSED })) {
  Object.defineProperty(WorkerWebSocket.prototype, name, { value, enumerable: true });
  Object.defineProperty(WorkerWebSocket.prototype, `READY_STATE_${name}`, { value, enumerable: true });
}

/**
 * A worker's `new WebSocket(url, protocols)`: Bun's client, after workerd's check of the
 * URL (only ws: and wss:, where Bun would also take http: and https:).
 */
function outgoing([url, protocols]: [url?: unknown, protocols?: string | string[]]): WebSocket {
  const scheme = URL.parse(String(url))?.protocol;
  if (scheme !== "ws:" && scheme !== "wss:") throw new DOMException("WebSocket Constructor: The url scheme must be ws or wss.", "SyntaxError");
  return new NativeWebSocket(String(url), protocols);
}

/** What a worker's compatibility settings change in its WebSockets. */
export interface PairSettings {
  /** web_socket_auto_reply_to_close, the default from 2026-04-07. */
  autoReply: boolean;
  /** websocket_close_reason_byte_limit, the default from 2026-03-03. */
  limitReason: boolean;
  /** websocket_standard_binary_type, the default from 2026-03-17: binaryType starts as "blob", not "arraybuffer". */
  blobMessages: boolean;
}

export class WebSocketPair {
  0: WorkerWebSocket;
  1: WorkerWebSocket;
  constructor(settings: PairSettings = { autoReply: false, limitReason: false, blobMessages: false }) {
    this[0] = new WorkerWebSocket(PAIR_END);
    this[1] = new WorkerWebSocket(PAIR_END);
    link(this[0], this[1], settings);
  }
}

const pairClasses = new Map<string, typeof WebSocketPair>();

/**
 * The WebSocketPair a worker sees: one class per combination of settings, named as workerd names
 * it, whose constructor hands its settings to the base (not a static field: the worker would see it).
 */
export function webSocketPairFor(settings: PairSettings): typeof WebSocketPair {
  const key = `${settings.autoReply} ${settings.limitReason} ${settings.blobMessages}`;
  let pair = pairClasses.get(key);
  if (!pair) {
    const Base = WebSocketPair;
    const own = { ...settings };
    pair = class WebSocketPair extends Base {
      constructor() {
        super(own);
      }
    };
    pairClasses.set(key, pair);
  }
  return pair;
}

/** The `webSocket` a worker put in its Response init, kept beside the real Response. */
const sockets = new WeakMap<Response, WorkerWebSocket>();

export function webSocketOf(response: Response): WorkerWebSocket | undefined {
  return sockets.get(response);
}

/** Called for every `new Response(body, init)` whose init has a `webSocket`: keep the socket Bun's Response drops. */
export function rememberWebSocket(response: Response, init: unknown): void {
  const socket = (init as { webSocket?: unknown } | undefined)?.webSocket;
  if (isPairEnd(socket)) {
    sockets.set(response, socket);
    Object.defineProperty(response, "webSocket", { value: socket });
  } else if (!(socket instanceof WorkerWebSocket)) {
    throw new TypeError("Incorrect type for the 'webSocket' field on 'InitializerDict': the provided value is not of type 'WebSocket'.");
  }
}
