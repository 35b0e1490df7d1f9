// The WebSocket Hibernation API of ctx: acceptWebSocket, tags, attachments and
// auto-responses. Works with any server-side socket that follows the Workers
// WebSocket shape (send, close, addEventListener), such as the dev server's
// WebSocketPair; events reach the object's webSocketMessage / webSocketClose /
// webSocketError handlers through its input gate, like any other event.
// Nothing is actually hibernated: the instance stays in memory.
import { DurableObjectLimits } from "./limits.ts";
import { isAccepted, markHibernated } from "../../host/websocket.ts";

export interface WorkerWebSocket {
  send(message: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: any) => void): void;
  accept?(): void;
  serializeAttachment?(value: unknown): void;
  deserializeAttachment?(): unknown;
}

export interface AutoResponsePair {
  readonly request: string;
  readonly response: string;
}

type Deliver = (handler: string, args: (ws: WorkerWebSocket) => unknown[], ws: WorkerWebSocket) => void;

export class HibernatableSockets {
  readonly #tags = new Map<WorkerWebSocket, string[]>();
  readonly #autoResponseAt = new WeakMap<WorkerWebSocket, Date>();
  #autoResponse: AutoResponsePair | null = null;
  #eventTimeout: number | null = null;
  readonly #deliver: Deliver;

  constructor(deliver: Deliver) {
    this.#deliver = deliver;
  }

  accept(ws: WorkerWebSocket, tags: readonly string[] = []): void {
    if (!ws || typeof ws.send !== "function" || typeof ws.addEventListener !== "function") {
      throw new TypeError(
        "Failed to execute 'acceptWebSocket' on 'DurableObjectState': parameter 1 is not of type 'WebSocket'.",
      );
    }
    if (tags.length > DurableObjectLimits.MAX_WEBSOCKET_TAGS) {
      throw new Error(`a Hibernatable WebSocket cannot have more than ${DurableObjectLimits.MAX_WEBSOCKET_TAGS} tags`);
    }
    for (const tag of tags) {
      if (String(tag).length > DurableObjectLimits.MAX_WEBSOCKET_TAG_LENGTH) {
        throw new Error(
          `"${tag}" is longer than the max tag length (${DurableObjectLimits.MAX_WEBSOCKET_TAG_LENGTH} characters).`,
        );
      }
    }
    // Accepting twice would deliver every message twice.
    if (hibernating.has(ws) || isAccepted(ws)) {
      throw new Error("Cannot call `acceptWebSocket()` if the WebSocket was already accepted via `accept()`");
    }
    this.#tags.set(ws, tags.map(String));
    addAttachmentMethods(ws);
    ws.addEventListener("message", (event: MessageEvent) => {
      const auto = this.#autoResponse;
      if (auto && event.data === auto.request) {
        ws.send(auto.response);
        this.#autoResponseAt.set(ws, new Date());
        return;
      }
      this.#deliver("webSocketMessage", (socket) => [socket, event.data], ws);
    });
    ws.addEventListener("close", (event: CloseEvent) => {
      this.#tags.delete(ws);
      this.#deliver("webSocketClose", (socket) => [socket, event.code, event.reason, event.wasClean], ws);
    });
    ws.addEventListener("error", (event: Event & { error?: unknown }) => {
      this.#tags.delete(ws);
      this.#deliver("webSocketError", (socket) => [socket, event.error ?? event], ws);
    });
    // Our sockets only start delivering events once accepted; acceptWebSocket stands in for accept().
    markHibernated(ws);
    ws.accept?.();
    hibernating.add(ws);
    Object.defineProperty(ws, "accept", {
      configurable: true,
      value: () => {
        throw new TypeError("Can't accept() WebSocket after enabling hibernation.");
      },
    });
  }

  /** As the runtime orders them: every socket newest first, a tag's sockets oldest first. */
  list(tag?: string): WorkerWebSocket[] {
    const all = [...this.#tags.keys()];
    return tag === undefined ? all.reverse() : all.filter((ws) => this.#tags.get(ws)!.includes(String(tag)));
  }

  tagsOf(ws: WorkerWebSocket): string[] {
    const tags = this.#tags.get(ws);
    if (!tags) throw new Error("you must call 'acceptWebSocket()' before attempting to access the tags of a WebSocket.");
    return [...tags];
  }

  setAutoResponse(pair?: AutoResponsePair | null): void {
    this.#autoResponse = pair ? { request: String(pair.request), response: String(pair.response) } : null;
  }

  getAutoResponse(): AutoResponsePair | null {
    return this.#autoResponse;
  }

  autoResponseTimestamp(ws: WorkerWebSocket): Date | null {
    return this.#autoResponseAt.get(ws) ?? null;
  }

  setEventTimeout(ms?: number | null): void {
    this.#eventTimeout = ms ?? null;
  }

  getEventTimeout(): number | null {
    return this.#eventTimeout;
  }
}

/** Sockets given to acceptWebSocket(), closed or not. */
const hibernating = new WeakSet<object>();

const attachments = new WeakMap<object, unknown>();

/** serializeAttachment / deserializeAttachment, for sockets that do not bring their own. */
function addAttachmentMethods(ws: WorkerWebSocket): void {
  if (typeof ws.serializeAttachment === "function") return;
  Object.defineProperty(ws, "serializeAttachment", {
    configurable: true,
    value: (value: unknown) => attachments.set(ws, structuredClone(value)),
  });
  Object.defineProperty(ws, "deserializeAttachment", {
    configurable: true,
    value: () => (attachments.has(ws) ? structuredClone(attachments.get(ws)) : null),
  });
}

/** The global `WebSocketRequestResponsePair`: what setWebSocketAutoResponse() takes. */
export class WebSocketRequestResponsePair implements AutoResponsePair {
  readonly #request: string;
  readonly #response: string;
  constructor(request: string, response: string) {
    if (arguments.length < 2) {
      throw new TypeError("Failed to construct 'WebSocketRequestResponsePair': constructor requires 2 arguments.");
    }
    this.#request = String(request);
    this.#response = String(response);
  }
  get request(): string {
    return this.#request;
  }
  get response(): string {
    return this.#response;
  }
}
