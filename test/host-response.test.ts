// The Response a worker constructs refuses what workerd's refuses, in its words.
import { afterAll, expect, test } from "bun:test";
import { installRuntimeGlobals } from "../runtime/host/index.ts";
import { lockCodeGeneration } from "../runtime/host/scope.ts";
import { WebSocketPair, webSocketClassesFor } from "../runtime/host/websocket.ts";

installRuntimeGlobals();
// The worker globals lock code generation; other test files in this process need it.
afterAll(() => lockCodeGeneration(false));

test("a status outside 200-599 is refused, 101 only with a WebSocket", () => {
  const range = "Responses may only be constructed with status codes in the range 200 to 599, inclusive.";
  expect(() => new Response(null, { status: 199 })).toThrow(range);
  expect(() => new Response(null, { status: 600 })).toThrow(range);
  expect(() => new Response(null, { status: 101 })).toThrow(range);
  expect(new Response(null, { status: 101, webSocket: new WebSocketPair()[0] } as ResponseInit).status).toBe(101);
  expect(new Response(null, { status: 599 }).status).toBe(599);
});

test("the global WebSocket is the class of a pair's ends; new WebSocket(url) refuses what workerd refuses, in its words", async () => {
  const [a] = [...Object.values(new WebSocketPair())];
  expect(a instanceof WebSocket).toBe(true);
  expect(Object.getPrototypeOf(a)).toBe(WebSocket.prototype);
  expect([a.url, a.protocol, a.extensions, Object.prototype.toString.call(a)]).toEqual([null, "", "", "[object WebSocket]"]);
  expect(Object.getOwnPropertyNames(WebSocket).sort()).toEqual([...["CLOSED", "CLOSING", "CONNECTING", "OPEN"].flatMap((n) => [n, `READY_STATE_${n}`]), "length", "name", "prototype"].sort());
  expect(({}) instanceof WebSocket).toBe(false);
  const refused = (why: string) => `WebSocket Constructor: ${why}`;
  expect(() => new WebSocket("http://example.com/")).toThrow(refused("The url scheme must be ws or wss."));
  expect(() => new WebSocket("not a url")).toThrow(refused("The url is invalid."));
  expect(() => new WebSocket("ws://example.com/#part")).toThrow(refused("The url fragment must be empty."));
  expect(() => new WebSocket("ws://example.com/", ["a b"])).toThrow(refused("The protocol header token is invalid."));
  expect(() => new WebSocket("ws://example.com/", ["a", "a"])).toThrow(refused("The protocols header cannot have repeating values."));
  expect(() => (WebSocket as unknown as () => void)()).toThrow("Failed to construct 'WebSocket': Please use the 'new' operator, this object constructor cannot be called as a function.");
  expect(() => new Response(null, { status: 101, webSocket: {} } as ResponseInit)).toThrow(
    "Incorrect type for the 'webSocket' field on 'InitializerDict': the provided value is not of type 'WebSocket'.",
  );
});

test("an outgoing WebSocket is an instance of the global WebSocket (or a worker's subclass) with workerd's states and events", async () => {
  const server = Bun.serve({
    port: 0,
    fetch: (request, srv) => (srv.upgrade(request) ? undefined : new Response("no")),
    websocket: { message: (ws, m) => void (m === "bin" ? ws.send(new Uint8Array([1, 2])) : m === "close" ? ws.close(4001, "server bye") : ws.send("echo " + m)) },
  });
  try {
    class Mine extends WebSocket {
      hello() {
        return "mine";
      }
    }
    const url = `ws://localhost:${server.port}/`;
    const ws = new Mine(url);
    expect([ws instanceof Mine, ws instanceof WebSocket, Object.getPrototypeOf(Mine.prototype) === WebSocket.prototype, ws.hello()]).toEqual([true, true, true, "mine"]);
    expect(Object.getPrototypeOf(new WebSocket(url))).toBe(WebSocket.prototype);
    // Without a compatibility date's websocket_standard_binary_type, binary messages are ArrayBuffers.
    expect([ws.readyState, ws.url, ws.protocol, ws.binaryType]).toEqual([WebSocket.CONNECTING, url, "", "arraybuffer"]);
    expect(() => ws.send("early")).toThrow("You must call one of accept() or state.acceptWebSocket() on this WebSocket before sending messages.");
    const log: unknown[] = [];
    const closed = new Promise<void>((resolve) => {
      ws.addEventListener("open", (event) => {
        log.push(["open", event.constructor.name, ws.readyState, ws.protocol]);
        ws.send("hi");
        ws.send("bin");
      });
      ws.onmessage = (event: MessageEvent) => {
        log.push(["message", Object.prototype.toString.call(event.data)]);
        if (log.length === 3) ws.send("close");
      };
      ws.addEventListener("close", (event) => {
        const { code, reason, wasClean } = event as CloseEvent;
        log.push(["close", event.constructor.name, code, reason, wasClean, ws.readyState]);
        resolve();
      });
    });
    await closed;
    // Before web_socket_auto_reply_to_close the worker answers the server's close itself: CLOSING till then.
    expect(log).toEqual([
      ["open", "Event", WebSocket.OPEN, null],
      ["message", "[object String]"],
      ["message", "[object ArrayBuffer]"],
      ["close", "CloseEvent", 4001, "server bye", true, WebSocket.CLOSING],
    ]);
    ws.close();
    expect(ws.readyState).toBe(WebSocket.CLOSED);
    // A connection that never opens: an error, then a close with 1006.
    const refused = new WebSocket("ws://127.0.0.1:1/");
    const events: unknown[] = [];
    await new Promise<void>((resolve) => {
      refused.addEventListener("error", (event) => events.push([event.constructor.name, (event as ErrorEvent).message]));
      refused.addEventListener("close", (event) => {
        events.push([(event as CloseEvent).code, (event as CloseEvent).reason, (event as CloseEvent).wasClean, refused.readyState]);
        resolve();
      });
    });
    expect(events).toEqual([
      ["ErrorEvent", "Uncaught Error: Network connection lost."],
      [1006, "Failed to establish websocket connection", false, WebSocket.CLOSED],
    ]);
  } finally {
    server.stop(true);
  }
});

test("websocket_standard_binary_type: binaryType starts as \"blob\" and a binary message comes as a Blob; \"arraybuffer\" and the older default give ArrayBuffers", async () => {
  const kinds = async (blobMessages: boolean, binaryType?: string) => {
    const [a, b] = [...Object.values(new (webSocketClassesFor({ autoReply: false, limitReason: false, blobMessages }).WebSocketPair)())];
    a.accept();
    b.accept();
    if (binaryType) a.binaryType = binaryType;
    const got = new Promise((resolve) => a.addEventListener("message", (event: Event) => resolve(Object.prototype.toString.call((event as MessageEvent).data))));
    b.send(new Uint8Array([1]));
    return [a.binaryType, await got];
  };
  expect(await kinds(true)).toEqual(["blob", "[object Blob]"]);
  expect(await kinds(true, "arraybuffer")).toEqual(["arraybuffer", "[object ArrayBuffer]"]);
  expect(await kinds(false)).toEqual(["arraybuffer", "[object ArrayBuffer]"]);
  expect(await kinds(false, "blob")).toEqual(["blob", "[object Blob]"]);
});

test("a body on a null-body status is refused unless it is empty, in new Response() and Response.json()", () => {
  const nullBody = "Response with null body status (101, 204, 205, or 304) cannot have a body.";
  expect(() => new Response("x", { status: 204 })).toThrow(nullBody);
  expect(() => new Response(new Uint8Array(1), { status: 304 })).toThrow(nullBody);
  expect(() => Response.json(null, { status: 204 })).toThrow(nullBody);
  expect(new Response("", { status: 204 }).status).toBe(204);
  expect(new Response(null, { status: 304 }).status).toBe(304);
});

test("Response.redirect names the statuses it takes", () => {
  expect(() => Response.redirect("http://x/", 200)).toThrow("200 is not a redirect status code. It must be one of: 301, 302, 303, 307, or 308.");
  const redirect = Response.redirect(new URL("http://x/y") as unknown as string, 308);
  expect([redirect.status, redirect.headers.get("location")]).toEqual([308, "http://x/y"]);
});

test("WebSocketPair: close() without a code reaches the peer as 1005", async () => {
  const [a, b] = [...Object.values(new WebSocketPair())] as InstanceType<typeof WebSocketPair>[0][];
  a.accept();
  b.accept();
  const closed = new Promise<string>((resolve) => b.addEventListener("close", (e) => resolve(`${(e as CloseEvent).code} [${(e as CloseEvent).reason}] ${(e as CloseEvent).wasClean}`)));
  a.close();
  expect(await closed).toBe("1005 [] true");
});

test("WebSocketPair: an end neither accepted nor connected refuses send() and close() in workerd's words; once accepted it sends", async () => {
  const [a, b] = [...Object.values(new WebSocketPair())] as InstanceType<typeof WebSocketPair>[0][];
  const refused = "You must call one of accept() or state.acceptWebSocket() on this WebSocket before sending messages.";
  expect(() => b.send("x")).toThrow(new TypeError(refused));
  expect(() => b.close(1000)).toThrow(new TypeError(refused));
  expect(() => a.close()).toThrow(new TypeError(refused));
  // The code is checked first; a refused call changes nothing.
  expect(() => b.close(1)).toThrow("Invalid WebSocket close code: 1.");
  expect([a.readyState, b.readyState]).toEqual([1, 1]);
  b.accept();
  b.send("hello");
  expect(() => a.send("back")).toThrow(new TypeError(refused));
  a.accept();
  const got = await new Promise((resolve) => a.addEventListener("message", (event) => resolve((event as MessageEvent).data)));
  expect(got).toBe("hello");
});

test("WebSocketPair: invalid close codes and a reason without a code are refused as workerd refuses them", () => {
  const refusal = (code: unknown, reason?: string) => {
    try {
      const ws = new WebSocketPair()[0];
      ws.accept();
      ws.close(code as number, reason);
      return "ok";
    } catch (error) {
      return `${(error as DOMException).name}: ${(error as DOMException).message}`;
    }
  };
  for (const code of [999, 1004, 1005, 1006, 1015, 5000, 0]) expect(refusal(code)).toBe(`InvalidAccessError: Invalid WebSocket close code: ${code}.`);
  expect(refusal(NaN)).toBe("InvalidAccessError: Invalid WebSocket close code: 0.");
  expect(refusal(1.5)).toBe("InvalidAccessError: Invalid WebSocket close code: 1.");
  for (const code of [1000, 1001, 1016, 2999, 4999, "1000"]) expect(refusal(code)).toBe("ok");
  expect(refusal(undefined, "why")).toBe("InvalidAccessError: If you specify a WebSocket close reason, you must also specify a code.");
  // Without websocket_close_reason_byte_limit (before 2026-03-03) the reason's length is not checked.
  expect(refusal(1000, "x".repeat(200))).toBe("ok");
});

test("WebSocketPair with websocket_close_reason_byte_limit: a close reason over 123 UTF-8 bytes is refused", () => {
  const Pair = webSocketClassesFor({ autoReply: false, limitReason: true, blobMessages: false }).WebSocketPair;
  expect(Pair.name).toBe("WebSocketPair");
  const attempt = (code: number | undefined, reason: string) => {
    try {
      const ws = new Pair()[0];
      ws.accept();
      ws.close(code, reason);
      return "ok";
    } catch (error) {
      return `${(error as DOMException).name}: ${(error as DOMException).message}`;
    }
  };
  const tooLong = "SyntaxError: WebSocket close reason must not be longer than 123 bytes when UTF-8 encoded.";
  expect(attempt(1000, "x".repeat(123))).toBe("ok");
  expect(attempt(1000, "x".repeat(124))).toBe(tooLong);
  expect(attempt(1000, "é".repeat(62))).toBe(tooLong);
  // The length is checked before the missing code.
  expect(attempt(undefined, "x".repeat(124))).toBe(tooLong);
  // A worker's own subclass keeps the settings, and the class shows no more than workerd's.
  class Mine extends Pair {}
  const mine = new Mine()[0];
  mine.accept();
  expect(() => mine.close(1000, "x".repeat(124))).toThrow(tooLong.replace("SyntaxError: ", ""));
  expect(Object.getOwnPropertyNames(Pair).sort()).toEqual(["length", "name", "prototype"]);
});
