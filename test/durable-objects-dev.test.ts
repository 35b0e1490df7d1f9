// Durable Objects under a real `bunflare dev`: WebSocket hibernation with real
// WebSocket clients, and one alarm fired once by two dev processes sharing a store.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { cleanedAfterEach, eventually, project, startDev } from "./dev-helpers.ts";

setDefaultTimeout(60_000);

const { running, dirs } = cleanedAfterEach();

const CONFIG = `name = "rooms"
main = "index.js"
compatibility_date = "2025-01-01"
[[durable_objects.bindings]]
name = "ROOM"
class_name = "Room"
[[migrations]]
tag = "v1"
new_sqlite_classes = ["Room"]
`;

const ROOM = `import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/count") return new Response(String(this.ctx.getWebSockets(url.searchParams.get("tag") ?? undefined).length));
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server, [url.searchParams.get("tag")]);
    server.serializeAttachment({ name: url.searchParams.get("name"), joined: new Date(0), seen: new Set() });
    return new Response(null, { status: 101, webSocket: client });
  }
  webSocketMessage(ws, message) {
    const me = ws.deserializeAttachment();
    if (message === "who") return ws.send(me.name + " " + (me.joined instanceof Date) + " " + (me.seen instanceof Set) + " " + this.ctx.getTags(ws).join(","));
    if (message.startsWith("bye")) return ws.close(4000 + Number(message.slice(3)), "bye " + me.name);
    const [tag, text] = message.split(":");
    for (const peer of this.ctx.getWebSockets(tag)) peer.send(me.name + ": " + text);
  }
  async webSocketClose(ws, code, reason, wasClean) {
    const me = ws.deserializeAttachment();
    const log = (await this.ctx.storage.get("closes")) ?? [];
    log.push(me.name + " " + code + " " + reason + " " + wasClean);
    await this.ctx.storage.put("closes", log);
  }
  // One key per run: two processes running it at once cannot overwrite each other's record.
  // The run holds until the test releases it, so a second run would overlap this one.
  async alarm() {
    await this.ctx.storage.put("fired:" + crypto.randomUUID(), true);
    while (!(await this.ctx.storage.get("release"))) await scheduler.wait(20);
  }
  async release() { await this.ctx.storage.put("release", true); }
  async runs() { return (await this.ctx.storage.list({ prefix: "fired:" })).size; }
  async setAlarm(at) { await this.ctx.storage.setAlarm(at); }
  // A read, an await of storage, a write: the input gate keeps other requests out in between.
  async increment() {
    const n = ((await this.ctx.storage.get("n")) ?? 0) + 1;
    await this.ctx.storage.put("n", n);
    return n;
  }
  async read(key) { return (await this.ctx.storage.get(key)) ?? null; }
}
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const stub = env.ROOM.getByName("lobby");
    if (url.pathname === "/inc") return new Response(String(await stub.increment()));
    if (url.pathname === "/release") { await stub.release(); return new Response("released"); }
    if (url.pathname === "/closes") return Response.json(await stub.read("closes"));
    if (url.pathname === "/alarm") { await stub.setAlarm(Number(url.searchParams.get("at"))); return new Response("set"); }
    if (url.pathname === "/fired") {
      // A timer turn first: an alarm due before this request has been claimed (or not) by this process.
      await new Promise((resolve) => setTimeout(resolve, 0));
      return new Response(String(await stub.runs()));
    }
    return stub.fetch(request);
  },
};
`;

interface Client {
  ws: WebSocket;
  received: string[];
  next(): Promise<string>;
  closed: Promise<{ code: number; reason: string }>;
}

async function connect(base: string, name: string, tag: string): Promise<Client> {
  const ws = new WebSocket(`${base.replace("http", "ws")}/ws?name=${name}&tag=${tag}`);
  const received: string[] = [];
  const waiting: ((m: string) => void)[] = [];
  ws.addEventListener("message", (event) => {
    const text = String(event.data);
    const waiter = waiting.shift();
    if (waiter) waiter(text);
    else received.push(text);
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.addEventListener("close", (e) => resolve({ code: e.code, reason: e.reason })));
  await new Promise((resolve, reject) => {
    ws.addEventListener("open", resolve);
    ws.addEventListener("error", reject);
  });
  return {
    ws,
    received,
    closed,
    next: () => (received.length ? Promise.resolve(received.shift()!) : new Promise((resolve) => waiting.push(resolve))),
  };
}

describe("WebSocket hibernation with real clients", () => {
  test("tags, getWebSockets(tag), auto-response, attachments, close codes and reasons, many clients", async () => {
    const dir = project({ "wrangler.toml": CONFIG, "index.js": ROOM });
    dirs.push(dir);
    const dev = await startDev(dir);
    running.push(dev);
    const clients: Client[] = [];
    for (let i = 0; i < 12; i++) clients.push(await connect(dev.url, `c${i}`, i % 3 === 0 ? "red" : "blue"));
    expect(await (await fetch(`${dev.url}/count`)).text()).toBe("12");
    expect(await (await fetch(`${dev.url}/count?tag=red`)).text()).toBe("4");
    // Answered by the runtime without waking the object.
    clients[1]!.ws.send("ping");
    expect(await clients[1]!.next()).toBe("pong");
    // The attachment comes back structured-cloned (Date, Set), tags as given.
    clients[0]!.ws.send("who");
    expect(await clients[0]!.next()).toBe("c0 true true red");
    // A message to one tag reaches exactly the sockets with that tag.
    clients[2]!.ws.send("red:hello");
    for (const [i, client] of clients.entries()) {
      if (i % 3 === 0) expect(await client.next()).toBe("c2: hello");
    }
    clients[4]!.ws.send("blue:hi");
    for (const [i, client] of clients.entries()) {
      if (i % 3 !== 0) expect(await client.next()).toBe("c4: hi");
      else expect(client.received).toEqual([]);
    }
    // The object closes one with its code and reason; a client closes another.
    clients[5]!.ws.send("bye7");
    expect(await clients[5]!.closed).toEqual({ code: 4007, reason: "bye c5" });
    clients[6]!.ws.close(4100, "leaving");
    // Both closes reach webSocketClose: the client's echo of the object's close frame, and the client's own.
    await eventually(async () => ((await (await fetch(`${dev.url}/closes`)).json()) as string[] | null)?.length === 2);
    expect(await (await fetch(`${dev.url}/closes`)).json()).toEqual(["c5 4007 bye c5 true", "c6 4100 leaving true"]);
    await eventually(async () => (await (await fetch(`${dev.url}/count`)).text()) === "10");
    for (const client of clients) client.ws.close();
  });
});

describe("input gate", () => {
  test("concurrent HTTP requests incrementing one object never read the same count", async () => {
    const dir = project({ "wrangler.toml": CONFIG, "index.js": ROOM });
    dirs.push(dir);
    const dev = await startDev(dir);
    running.push(dev);
    const counts = await Promise.all(Array.from({ length: 40 }, async () => Number(await (await fetch(`${dev.url}/inc`)).text())));
    expect(counts.sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  });
});

describe("alarms with two dev processes on one store", () => {
  test("a due alarm both processes armed fires once", async () => {
    const dir = project({ "wrangler.toml": CONFIG, "index.js": ROOM });
    const registry = project({});
    dirs.push(dir, registry);
    const env = { BUNFLARE_REGISTRY_PATH: registry };
    const first = await startDev(dir, [], { env });
    running.push(first);
    const at = Date.now() + 4_000;
    expect(await (await fetch(`${first.url}/alarm?at=${at}`)).text()).toBe("set");
    // The second process reads the stored alarm at start and arms it too.
    const second = await startDev(dir, [], { env });
    running.push(second);
    await eventually(async () => (await (await fetch(`${first.url}/fired`)).text()) === "1", 20_000);
    // While that run holds, each process has had a timer turn after the due time: still one run.
    expect(await (await fetch(`${second.url}/fired`)).text()).toBe("1");
    expect(await (await fetch(`${first.url}/fired`)).text()).toBe("1");
    expect(await (await fetch(`${first.url}/release`)).text()).toBe("released");
  });
});

test("a throwing alarm() is printed as a worker error, its stack in the user's file, and is retried", async () => {
  const dir = project({
    "wrangler.toml": CONFIG,
    "index.js": `import { DurableObject } from "cloudflare:workers";
export class Room extends DurableObject {
  async alarm(info) {
    throw new Error("alarm boom " + info.retryCount);
  }
  async arm() { await this.ctx.storage.setAlarm(Date.now() + 10); }
}
export default { async fetch(request, env) { await env.ROOM.getByName("a").arm(); return new Response("armed"); } };
`,
  });
  dirs.push(dir);
  const dev = await startDev(dir);
  running.push(dev);
  expect(await (await fetch(dev.url)).text()).toBe("armed");
  await dev.waitForOutput(/alarm boom 1\n.*\n/, 20_000);
  const printed = dev.output();
  expect(printed).toContain("[wrangler:error] Error: alarm boom 0\n    at alarm (file://");
  expect(printed).toContain("/index.js:4:15)");
  // Not Bun's own report of an uncaught error (a source excerpt, the dev server's frames).
  expect(printed).not.toContain("error: alarm boom");
});
