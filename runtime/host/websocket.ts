// WebSockets as the Workers runtime gives them: `new WebSocketPair()`, the
// worker accepts one end and returns the other in `new Response(null,
// { status: 101, webSocket })`. The host then upgrades the real connection
// and relays between it and the worker's end. `new WebSocket(url)` is an
// outgoing socket of the same class, over Bun's client.

import { dispatchToListeners } from "./event-handlers.ts";

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

let isWorkerSocket: (value: unknown) => value is WorkerWebSocket;
/** Whether accept() (or a real connection) took this end. */
export let isAccepted: (ws: object) => boolean;
let link: (a: WorkerWebSocket, b: WorkerWebSocket) => void;
/** A socket given to acceptWebSocket(): binaryType does not change what its handlers get. */
export let markHibernated: (ws: object) => void;
/** Connect a pair's end returned in a 101 to the real connection: what its peer sends goes out on it. Throws for a socket already in use. */
export let attachSocket: (ws: WorkerWebSocket, sink: SocketSink) => void;
/** The real connection closed: Bun's code, 1005 for a frame without one, 1006 for a dropped connection. */
export let connectionClosed: (ws: WorkerWebSocket, code: number, reason: string) => void;

/**
 * The worker's WebSocket, as workerd has one class for both: an end of a WebSocketPair (what
 * one end sends, the other receives), or, built with a URL, an outgoing socket over Bun's
 * client. Workers never see this class itself: each sees a copy made for its compatibility
 * settings (webSocketClassesFor), whose instances it builds.
 */
export class WorkerWebSocket extends EventTarget {
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
  #autoReply: boolean;
  /** websocket_close_reason_byte_limit: close() refuses a reason over 123 bytes. */
  #limitReason: boolean;
  /** What a binary message comes as: a Blob for "blob" (the default from websocket_standard_binary_type), else an ArrayBuffer. */
  #binaryType: string;
  /** Given to acceptWebSocket(): its messages go to the object's handlers as they came. */
  #hibernated = false;
  /** An outgoing socket's connection (Bun's client), none for a pair's end. */
  #client?: WebSocket;
  /** An outgoing socket until its connection opens or fails. */
  #connecting = false;
  #url: string | null = null;
  /** What the server chose once open (null for nothing, as workerd says), "" before. */
  #protocol: string | null = "";
  #extensions = "";

  /** A pair's end without `target`; an outgoing socket with it, already checked (see webSocketClassesFor). */
  constructor(settings: PairSettings, target?: { url: string; protocols: string[] }) {
    super();
    this.#autoReply = settings.autoReply;
    this.#limitReason = settings.limitReason;
    this.#binaryType = settings.blobMessages ? "blob" : "arraybuffer";
    if (target) this.#connect(target.url, target.protocols);
  }

  // The host's ways in, kept off the class and its prototype: the worker sees workerd's members only.
  static {
    isWorkerSocket = (value): value is WorkerWebSocket => typeof value === "object" && value !== null && #peer in value;
    isAccepted = (ws) => #accepted in ws && ws.#accepted;
    link = (a, b) => {
      a.#peer = b;
      b.#peer = a;
    };
    markHibernated = (ws) => {
      if (isWorkerSocket(ws)) ws.#hibernated = true;
    };
    attachSocket = (ws, sink) => ws.#attach(sink);
    connectionClosed = (ws, code, reason) => ws.#closeOutgoing(code, reason);
  }

  /** A pair's end has no URL, protocol or extensions, as in workerd; an outgoing socket its URL as given. */
  get url(): string | null {
    return this.#url;
  }

  get protocol(): string | null {
    return this.#protocol;
  }

  get extensions(): string {
    return this.#extensions;
  }

  get binaryType(): string {
    return this.#binaryType;
  }

  set binaryType(value: string) {
    if (value === "blob" || value === "arraybuffer") this.#binaryType = value;
  }

  /** CLOSING from one half of the close to the other, as workerd counts it: CLOSED once both are done. */
  get readyState(): number {
    if (this.#connecting) return CONNECTING;
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
    // After the server's close, workerd still takes a message (before it answers): nothing goes out.
    if (this.#client) return void (this.#client.readyState === OPEN && this.#client.send(payload));
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
    // An outgoing socket may be closed while it connects (workerd then reports a failed connection).
    if (!this.#accepted && !this.#client) throw new TypeError(NOT_ACCEPTED);
    this.#closeOutgoing(code ?? 1005, reason ?? "");
  }

  #closeOutgoing(code: number, reason: string): void {
    if (this.#closedOutgoing) return;
    this.#closedOutgoing = true;
    const client = this.#client;
    // Bun's client may have answered the server's close already; 1005 is a frame without a code.
    if (client && client.readyState <= OPEN) code === 1005 ? client.close() : client.close(code, reason);
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

  /** An outgoing socket: Bun's client underneath, its events re-dispatched as workerd's. */
  #connect(url: string, protocols: string[]): void {
    const client = new NativeWebSocket(url, protocols);
    client.binaryType = "arraybuffer";
    this.#client = client;
    this.#url = url;
    this.#connecting = true;
    client.onopen = () => {
      this.#connecting = false;
      this.#accepted = true;
      this.#protocol = client.protocol || null;
      this.#extensions = client.extensions;
      this.#dispatch(new Event("open"));
    };
    client.onmessage = (event) => this.#deliver(new MessageEvent("message", { data: event.data }));
    client.onclose = (event) => {
      if (!this.#connecting) return this.#closedByPeer(event.code, event.reason);
      // workerd's words for a connection that never opened (refused, or closed while connecting).
      this.#connecting = false;
      this.#closedOutgoing = this.#closedIncoming = true;
      const error = new Error("Network connection lost.");
      this.#dispatch(new ErrorEvent("error", { message: `Uncaught ${error}`, error }));
      this.#dispatch(new CloseEvent("close", { code: 1006, reason: "Failed to establish websocket connection", wasClean: false }));
    };
  }

  /** Connect this end to a real socket: what the peer sends goes out on it. */
  #attach(sink: SocketSink): void {
    // Neither an end the worker talks on itself nor an outgoing socket can be handed on (workerd's words).
    if (this.#accepted || this.#client) throw new TypeError("Can't return WebSocket in a Response after calling accept().");
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
    this.#deliver(new CloseEvent("close", { code, reason, wasClean: code !== 1006 }));
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
    // workerd calls an `on<type>` property that is a function before the listeners.
    const handler = (this as unknown as Record<string, unknown>)[`on${event.type}`];
    if (typeof handler === "function") {
      try {
        handler.call(this, event);
      } catch (error) {
        reportError(error);
      }
    }
    dispatchToListeners.call(this, event);
  }
}

// The ready state constants are on the prototype too, as in workerd.
for (const [name, value] of Object.entries({ CONNECTING, OPEN, CLOSING, CLOSED })) {
  Object.defineProperty(WorkerWebSocket.prototype, name, { value, enumerable: true });
  Object.defineProperty(WorkerWebSocket.prototype, `READY_STATE_${name}`, { value, enumerable: true });
}
Object.defineProperty(WorkerWebSocket.prototype, Symbol.toStringTag, { value: "WebSocket", configurable: true });

/** What a worker's compatibility settings change in its WebSockets. */
export interface PairSettings {
  /** web_socket_auto_reply_to_close, the default from 2026-04-07. */
  autoReply: boolean;
  /** websocket_close_reason_byte_limit, the default from 2026-03-03. */
  limitReason: boolean;
  /** websocket_standard_binary_type, the default from 2026-03-17: binaryType starts as "blob", not "arraybuffer". */
  blobMessages: boolean;
}

/** The two classes a worker sees: its pairs' ends and its outgoing sockets are instances of its WebSocket. */
export interface WebSocketClasses {
  WebSocket: typeof globalThis.WebSocket;
  WebSocketPair: new () => { 0: WorkerWebSocket; 1: WorkerWebSocket };
}

const NO_NEW = "Failed to construct 'WebSocket': Please use the 'new' operator, this object constructor cannot be called as a function.";
/** RFC 7230's token: what a subprotocol may be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** workerd's checks of `new WebSocket(url, protocols)`, in its words (Bun's client would take http: too). */
function outgoingTarget(args: unknown[]): { url: string; protocols: string[] } {
  if (args[0] === undefined) throw new TypeError("Failed to construct 'WebSocket': constructor parameter 1 is not of type 'string'.");
  const url = String(args[0]);
  const refuse = (why: string) => new DOMException(`WebSocket Constructor: ${why}`, "SyntaxError");
  // workerd looks at the scheme before the rest: "http://[" is a wrong scheme, not an invalid URL.
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) throw refuse("The url is invalid.");
  if (scheme !== "ws" && scheme !== "wss") throw refuse("The url scheme must be ws or wss.");
  if (url.includes("#")) throw refuse("The url fragment must be empty.");
  if (!URL.canParse(url)) throw refuse("The url is invalid.");
  const given = args[1] === undefined ? [] : Array.isArray(args[1]) ? args[1].map(String) : [String(args[1])];
  for (const protocol of given) if (!TOKEN.test(protocol)) throw refuse("The protocol header token is invalid.");
  if (new Set(given).size !== given.length) throw refuse("The protocols header cannot have repeating values.");
  return { url, protocols: given };
}

const classes = new Map<string, WebSocketClasses>();

/**
 * The WebSocket and WebSocketPair a worker sees, one pair of classes per combination of
 * settings: its WebSocket is a copy of WorkerWebSocket's prototype (so `Object.getPrototypeOf(ws)
 * === WebSocket.prototype` and `class My extends WebSocket` hold, as in workerd) whose
 * constructor hands the settings to WorkerWebSocket's, where the worker cannot see them.
 */
export function webSocketClassesFor(settings: PairSettings): WebSocketClasses {
  const key = `${settings.autoReply} ${settings.limitReason} ${settings.blobMessages}`;
  let found = classes.get(key);
  if (found) return found;
  const own = { ...settings };
  // A function, not a class: called without new it throws workerd's words, not the engine's.
  // A rest parameter, so `WebSocket.length` is 0 as workerd's.
  const WebSocket = function WebSocket(...args: unknown[]) {
    if (!new.target) throw new TypeError(NO_NEW);
    return Reflect.construct(WorkerWebSocket, [own, outgoingTarget(args)], new.target);
  } as unknown as typeof globalThis.WebSocket;
  const prototype = Object.create(EventTarget.prototype, Object.getOwnPropertyDescriptors(WorkerWebSocket.prototype));
  Object.defineProperty(prototype, "constructor", { value: WebSocket, writable: true, configurable: true });
  Object.defineProperty(WebSocket, "prototype", { value: prototype, writable: false });
  for (const [name, value] of Object.entries({ CONNECTING, OPEN, CLOSING, CLOSED })) {
    Object.defineProperty(WebSocket, name, { value, enumerable: true });
    Object.defineProperty(WebSocket, `READY_STATE_${name}`, { value, enumerable: true });
  }
  class WebSocketPair {
    0: WorkerWebSocket;
    1: WorkerWebSocket;
    constructor() {
      this[0] = Reflect.construct(WorkerWebSocket, [own], WebSocket);
      this[1] = Reflect.construct(WorkerWebSocket, [own], WebSocket);
      link(this[0], this[1]);
    }
  }
  found = { WebSocket, WebSocketPair };
  classes.set(key, found);
  return found;
}

/** The classes of code outside a worker's scope: no compatibility flag of a date. */
export const { WebSocket, WebSocketPair } = webSocketClassesFor({ autoReply: false, limitReason: false, blobMessages: false });

/** The `webSocket` a worker put in its Response init, kept beside the real Response. */
const sockets = new WeakMap<Response, WorkerWebSocket>();

export function webSocketOf(response: Response): WorkerWebSocket | undefined {
  return sockets.get(response);
}

/** Called for every `new Response(body, init)` whose init has a `webSocket`: keep the socket Bun's Response drops. */
export function rememberWebSocket(response: Response, init: unknown): void {
  const socket = (init as { webSocket?: unknown } | undefined)?.webSocket;
  if (isWorkerSocket(socket)) {
    sockets.set(response, socket);
    Object.defineProperty(response, "webSocket", { value: socket });
  } else {
    throw new TypeError("Incorrect type for the 'webSocket' field on 'InitializerDict': the provided value is not of type 'WebSocket'.");
  }
}
