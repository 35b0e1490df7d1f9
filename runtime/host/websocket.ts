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

/** One end of a WebSocketPair. What one end sends, the other receives. */
export class WorkerWebSocket extends EventTarget {
  static readonly READY_STATE_CONNECTING = CONNECTING;
  static readonly READY_STATE_OPEN = OPEN;
  static readonly READY_STATE_CLOSING = CLOSING;
  static readonly READY_STATE_CLOSED = CLOSED;
  readyState = OPEN;
  url: string | null = null;
  protocol: string | null = null;
  extensions: string | null = null;
  #peer?: WorkerWebSocket;
  #sink?: SocketSink;
  #accepted = false;
  /** Events that arrive before accept() are held, as in workerd. */
  #pending: Event[] = [];
  #attachment: unknown;

  /** @internal Whether accept() (or a real connection) took this end. */
  static accepted(ws: object): boolean {
    return #accepted in ws && ws.#accepted;
  }

  /** @internal */
  static link(a: WorkerWebSocket, b: WorkerWebSocket): void {
    a.#peer = b;
    b.#peer = a;
  }

  accept(): void {
    if (this.#accepted) return;
    this.#accepted = true;
    const pending = this.#pending;
    this.#pending = [];
    for (const event of pending) this.dispatchEvent(event);
  }

  send(data: Data): void {
    if (this.readyState !== OPEN) throw new TypeError("Can't call WebSocket send() after close().");
    const payload = typeof data === "string" || data instanceof ArrayBuffer ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice().buffer;
    this.#peer?.receive(payload);
  }

  close(code = 1000, reason = ""): void {
    if (this.readyState >= CLOSING) return;
    this.readyState = CLOSING;
    this.#peer?.closedByPeer(code, reason);
    this.readyState = CLOSED;
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
      this.#sink.close(code, reason);
      this.readyState = CLOSED;
      return;
    }
    this.readyState = CLOSED;
    this.#deliver(Object.assign(new Event("close"), { code, reason, wasClean: true }));
  }

  #deliver(event: Event): void {
    if (this.#accepted) this.dispatchEvent(event);
    else this.#pending.push(event);
  }
}

export class WebSocketPair {
  0: WorkerWebSocket;
  1: WorkerWebSocket;
  constructor() {
    this[0] = new WorkerWebSocket();
    this[1] = new WorkerWebSocket();
    WorkerWebSocket.link(this[0], this[1]);
  }
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
