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

/** One end of a WebSocketPair. What one end sends, the other receives. */
export class WorkerWebSocket extends EventTarget {
  static readonly READY_STATE_CONNECTING = CONNECTING;
  static readonly READY_STATE_OPEN = OPEN;
  static readonly READY_STATE_CLOSING = CLOSING;
  static readonly READY_STATE_CLOSED = CLOSED;
  url: string | null = null;
  protocol: string | null = null;
  extensions: string | null = null;
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

  /** @internal Whether accept() (or a real connection) took this end. */
  static accepted(ws: object): boolean {
    return #accepted in ws && ws.#accepted;
  }

  /** @internal */
  static link(a: WorkerWebSocket, b: WorkerWebSocket, { autoReply, limitReason }: PairSettings): void {
    a.#peer = b;
    b.#peer = a;
    a.#autoReply = b.#autoReply = autoReply;
    a.#limitReason = b.#limitReason = limitReason;
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
    if (peer) queueMicrotask(() => peer.receive(payload));
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

  /** @internal The real connection closed: Bun's code, 1005 for a frame without one, 1006 for a dropped connection. */
  connectionClosed(code: number, reason: string): void {
    this.#closeOutgoing(code, reason);
  }

  #closeOutgoing(code: number, reason: string): void {
    if (this.#closedOutgoing) return;
    this.#closedOutgoing = true;
    const peer = this.#peer;
    // Until the peer's answer comes back, this end is CLOSING.
    if (peer) queueMicrotask(() => peer.closedByPeer(code, reason));
  }

  serializeAttachment(value: unknown): void {
    this.#attachment = structuredClone(value);
  }

  deserializeAttachment(): unknown {
    return structuredClone(this.#attachment);
  }

  /** @internal Connect this end to a real socket: what the peer sends goes out on it. */
  attach(sink: SocketSink): void {
    this.#sink = sink;
    this.#accepted = true;
    // What the worker sent (or a close) before the connection was upgraded goes out
    // first, in order: workerd buffers it the same way.
    const pending = this.#pending;
    this.#pending = [];
    for (const event of pending) {
      if (event instanceof MessageEvent) this.receive(event.data as string | ArrayBuffer);
      else {
        const { code, reason } = event as Event & { code: number; reason: string };
        this.closedByPeer(code, reason);
      }
    }
  }

  /** @internal */
  receive(data: string | ArrayBuffer): void {
    if (this.#sink) {
      this.#sink.send(typeof data === "string" ? data : new Uint8Array(data));
      return;
    }
    this.#deliver(new MessageEvent("message", { data }));
  }

  /** @internal */
  closedByPeer(code: number, reason: string): void {
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

/** What a worker's compatibility settings change in its WebSockets. */
export interface PairSettings {
  /** web_socket_auto_reply_to_close, the default from 2026-04-07. */
  autoReply: boolean;
  /** websocket_close_reason_byte_limit, the default from 2026-03-03. */
  limitReason: boolean;
}

export class WebSocketPair {
  0: WorkerWebSocket;
  1: WorkerWebSocket;
  constructor(settings: PairSettings = { autoReply: false, limitReason: false }) {
    this[0] = new WorkerWebSocket();
    this[1] = new WorkerWebSocket();
    WorkerWebSocket.link(this[0], this[1], settings);
  }
}

const pairClasses = new Map<string, typeof WebSocketPair>();

/**
 * The WebSocketPair a worker sees: one class per combination of settings, named as workerd names
 * it, whose constructor hands its settings to the base (not a static field: the worker would see it).
 */
export function webSocketPairFor(settings: PairSettings): typeof WebSocketPair {
  const key = `${settings.autoReply} ${settings.limitReason}`;
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

/** Called for every `new Response(body, init)`: keep the socket Bun's Response drops. */
export function rememberWebSocket(response: Response, init: unknown): void {
  const socket = (init as { webSocket?: unknown } | undefined)?.webSocket;
  if (socket instanceof WorkerWebSocket) {
    sockets.set(response, socket);
    Object.defineProperty(response, "webSocket", { value: socket });
  }
}
