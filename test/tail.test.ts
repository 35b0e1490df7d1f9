// Tail consumers in `bunflare dev`: wrangler's "sending Tail events" block at
// start, and the TraceItems a consumer's tail() receives for the producer's
// fetch (console lines, a thrown error), scheduled, queue, Durable Object alarm,
// RPC and email invocations, from a worker of the same session and from one in
// another dev process (the dev registry).
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cleanedAfterEach, eventually, project, startDev, type DevProcess } from "./dev-helpers.ts";
import { tomlWithMain } from "./configs.ts";

setDefaultTimeout(60_000);

const { running, dirs } = cleanedAfterEach();

const PRODUCER_TOML = tomlWithMain("producer", "index.js", `tail_consumers = [{ service = "logger" }]\n`);
const PRODUCER_JS = `export default {
  async fetch(request, env, ctx) {
    console.log("hello", { a: 1 });
    console.warn("careful");
    ctx.waitUntil(new Promise((resolve) => setTimeout(resolve, 50)).then(() => console.log("later")));
    if (new URL(request.url).pathname === "/throw") throw new Error("boom");
    return new Response("ok");
  },
  async scheduled(controller) {
    console.log("cron", controller.cron);
    if (controller.cron === "fail") throw new TypeError("scheduled boom");
  },
};
`;
const LOGGER_TOML = tomlWithMain("logger", "index.js");
const LOGGER_JS = `export default {
  fetch() { return new Response("logger"); },
  async tail(events) {
    console.log("TAIL " + JSON.stringify(events));
    // A failing consumer must not touch the producer's answer.
    throw new Error("consumer failed");
  },
};
`;

/** The batches the consumer logged so far. */
function batches(dev: DevProcess): any[][] {
  // (With several workers the line starts with the logger's "[logger]", as under wrangler.)
  return [...dev.output().matchAll(/^(?:\[logger\] )?TAIL (.*)$/gm)].map((match) => JSON.parse(match[1]!));
}

async function nextBatch(dev: DevProcess, seen: number): Promise<any[]> {
  await eventually(async () => batches(dev).length > seen);
  return batches(dev)[seen]!;
}

function oneSession(): string {
  const dir = project({
    "a/wrangler.toml": PRODUCER_TOML,
    "a/index.js": PRODUCER_JS,
    "b/wrangler.toml": LOGGER_TOML,
    "b/index.js": LOGGER_JS,
  });
  dirs.push(dir);
  return dir;
}

/** A producer with a queue, a Durable Object class, a named entrypoint and email(); a caller of its entrypoint; the logger. */
const KINDS_FILES: Record<string, string> = {
    "a/wrangler.toml": tomlWithMain(
      "producer",
      "index.js",
      `tail_consumers = [{ service = "logger" }]
[[queues.producers]]
binding = "Q"
queue = "jobs"
[[queues.consumers]]
queue = "jobs"
max_batch_timeout = 1
max_retries = 0
[durable_objects]
bindings = [{ name = "COUNTER", class_name = "Counter" }]
[[migrations]]
tag = "v1"
new_sqlite_classes = ["Counter"]
[[services]]
binding = "CALLER"
service = "caller"
`,
    ),
    "a/index.js": `import { DurableObject, WorkerEntrypoint } from "cloudflare:workers";
export class Counter extends DurableObject {
  async fetch(request) {
    console.log("object fetch", request.url);
    if (request.url.endsWith("/throw")) throw new Error("object fetch boom");
    if (request.url.endsWith("/alarm")) await this.ctx.storage.setAlarm(Date.now() + 50);
    return new Response("set", { status: 201 });
  }
  async alarm(info) {
    console.log("alarm", info.retryCount);
    if (info.retryCount === 0) throw new Error("alarm boom");
  }
  async ping(n) { console.log("object rpc", n); return "pong"; }
  async fail() { console.log("object failing"); throw new TypeError("object rpc boom"); }
}
export class Api extends WorkerEntrypoint {
  async hello(name) { console.log("rpc", name); this.ctx.waitUntil(Promise.resolve().then(() => console.log("rpc later"))); return "hi " + name; }
  async fail() { console.log("failing"); throw new TypeError("rpc boom"); }
  get answer() { console.log("read"); return 42; }
  fetch(request) { console.log("entrypoint fetch"); return new Response("from api"); }
}
export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    // The RPC calls come from another worker, which this one's own URL reaches.
    if (path.startsWith("/rpc")) return env.CALLER.fetch(request);
    if (path === "/send") await env.Q.send("fine", { contentType: "text" });
    if (path === "/fail") await env.Q.send("fail", { contentType: "text" });
    const object = env.COUNTER.get(env.COUNTER.idFromName("a"));
    if (path === "/alarm") return object.fetch(request);
    if (path === "/object-fetch") {
      console.log("outer");
      return object.fetch("http://object/fetch", { method: "PUT", headers: { "x-foo": "bar" } });
    }
    if (path === "/object-throw") return new Response(await object.fetch("http://object/throw").catch((error) => "caught " + error.message));
    if (path === "/object-rpc") return new Response(await object.ping(3));
    if (path === "/object-rpc-fail") return new Response(await object.fail().catch((error) => "caught " + error.message));
    return new Response("sent");
  },
  async queue(batch) {
    console.log("queue", batch.messages[0].body);
    if (batch.messages[0].body === "fail") throw new Error("queue boom");
  },
  async email(message) {
    console.log("email", message.to);
    if (message.to.startsWith("throw")) throw new Error("email boom");
  },
};
`,
    "b/wrangler.toml": LOGGER_TOML,
    "b/index.js": LOGGER_JS,
    "c/wrangler.toml": tomlWithMain("caller", "index.js", `[[services]]\nbinding = "API"\nservice = "producer"\nentrypoint = "Api"\n`),
    "c/index.js": `export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    if (path === "/rpc/fail") return new Response(await env.API.fail().catch((error) => "caught " + error.message));
    if (path === "/rpc/read") return new Response(String(await env.API.answer));
    if (path === "/rpc/fetch") return env.API.fetch("http://api/path", { headers: { "x-foo": "bar" } });
    return new Response(await env.API.hello("bob"));
  },
};
`,
};

const TIMES_SET_ASIDE = (key: string, value: unknown) => (key === "timestamp" || key === "eventTimestamp" ? "<time>" : key === "stack" ? "<stack>" : value);
const noTimes = (item: any) => JSON.parse(JSON.stringify(item, TIMES_SET_ASIDE));
const common = { wallTime: 0, cpuTime: 0, truncated: false, executionModel: "stateless", outcome: "ok" };

/** The session of KINDS_FILES, and the first item the consumer got that `match`es (waited for). */
async function kindsSession(): Promise<{ dev: DevProcess; itemWhere: (match: (item: any) => boolean) => Promise<any> }> {
  const dir = project(KINDS_FILES);
  dirs.push(dir);
  const dev = await startDev(dir, ["-c", "a/wrangler.toml", "-c", "b/wrangler.toml", "-c", "c/wrangler.toml"]);
  running.push(dev);
  // The [name] several configs put first in console.log lines (asserted in the fetch test) is set aside here.
  const bare = (item: any) => ({ ...item, logs: item.logs.map((log: any) => ({ ...log, message: /^\[\w+\]$/.test(log.message[0]) ? log.message.slice(1) : log.message })) });
  const items = () => batches(dev).flat().map(bare);
  const itemWhere = async (match: (item: any) => boolean) => {
    await eventually(async () => items().some(match));
    return items().find(match);
  };
  return { dev, itemWhere };
}

describe("tail consumers", () => {
  test("the start prints the consumers with their connection status, and the connection note", async () => {
    const dir = project({
      "wrangler.toml": tomlWithMain("producer", "index.js", `tail_consumers = [{ service = "logger" }]\nstreaming_tail_consumers = [{ service = "streamer" }]\n`),
      "index.js": PRODUCER_JS,
    });
    dirs.push(dir);
    const dev = await startDev(dir);
    running.push(dev);
    expect(dev.output()).toContain(
      "Your Worker is sending Tail events to the following Workers:\n- logger [not connected]\n- streamer (streaming) [not connected]\n\n" +
        "Service bindings, Durable Object bindings, and Tail consumers connect to other Wrangler or Vite dev processes running locally, with their connection status indicated by [connected] or [not connected].",
    );
  });

  test("a fetch's console lines, request and response reach the consumer of the same session after the response; a throw is a 500", async () => {
    const dir = oneSession();
    const dev = await startDev(dir, ["-c", "a/wrangler.toml", "-c", "b/wrangler.toml"]);
    running.push(dev);
    expect(dev.output()).toContain("producer is sending Tail events to the following Workers:\n- logger [not connected]");
    const response = await fetch(`${dev.url}/path?q=1`, { headers: { "x-foo": "bar" } });
    expect(await response.text()).toBe("ok");
    const [item] = await nextBatch(dev, 0);
    expect(Object.keys(item)).toEqual([
      "wallTime", "cpuTime", "truncated", "executionModel", "outcome", "scriptName",
      "diagnosticsChannelEvents", "exceptions", "logs", "eventTimestamp", "event",
    ]);
    expect(item).toMatchObject({ wallTime: 0, cpuTime: 0, truncated: false, executionModel: "stateless", outcome: "ok", scriptName: null, exceptions: [] });
    // waitUntil work is part of the invocation: its line is in the same batch. With several
    // workers, wrangler's console.log (not warn) gets the worker's name first, in the trace too.
    expect(item.logs.map((log: any) => [log.level, log.message])).toEqual([
      ["log", ["[producer]", "hello", { a: 1 }]],
      ["warn", ["careful"]],
      ["log", ["[producer]", "later"]],
    ]);
    expect(typeof item.logs[0].timestamp).toBe("number");
    expect(item.event.request.url).toBe(`${dev.url}/path?q=1`);
    expect(item.event.request.method).toBe("GET");
    expect(item.event.request.headers["x-foo"]).toBe("bar");
    expect(item.event.request.headers["accept-encoding"]).toBe("br, gzip");
    expect(item.event.request.cf.colo).toBe("DFW");
    expect(item.event.response).toEqual({ status: 200 });

    // As under wrangler, whose dev middleware turns the throw into its 500 page inside the worker.
    const thrown = await fetch(`${dev.url}/throw`);
    expect(thrown.status).toBe(500);
    const [failed] = await nextBatch(dev, 1);
    expect(failed.outcome).toBe("ok");
    expect(failed.exceptions).toEqual([]);
    expect(failed.event.response).toEqual({ status: 500 });
    expect(failed.logs.map((log: any) => log.message.at(-1))).toEqual([{ a: 1 }, "careful", "later"]);
  });

  test("a scheduled event, and its exception, reach the consumer", async () => {
    const dir = oneSession();
    const dev = await startDev(dir, ["-c", "a/wrangler.toml", "-c", "b/wrangler.toml"]);
    running.push(dev);
    const ok = await fetch(`${dev.url}/cdn-cgi/handler/scheduled?cron=*+*+*+*+*&time=1000`);
    expect(await ok.text()).toBe("ok");
    const [item] = await nextBatch(dev, 0);
    expect(item.event).toEqual({ cron: "* * * * *", scheduledTime: 1000 });
    expect(item.exceptions).toEqual([]);
    expect(item.logs.map((log: any) => log.message)).toEqual([["[producer]", "cron", "* * * * *"]]);

    const failed = await fetch(`${dev.url}/cdn-cgi/handler/scheduled?cron=fail`);
    expect(failed.status).toBe(500);
    const [thrown] = await nextBatch(dev, 1);
    // workerd reports "ok" locally and lists the exception, its stack's frames only.
    expect(thrown.outcome).toBe("ok");
    expect(thrown.exceptions).toHaveLength(1);
    expect(thrown.exceptions[0]).toMatchObject({ name: "TypeError", message: "scheduled boom" });
    expect(thrown.exceptions[0].stack).toMatch(/^\s+at .*index\.js:\d+:\d+/);
    expect(typeof thrown.exceptions[0].timestamp).toBe("number");
  });

  test("a service binding's callee logs in its own invocation, not in its caller's trace", async () => {
    const dir = project({
      "a/wrangler.toml": tomlWithMain("producer", "index.js", `tail_consumers = [{ service = "logger" }]\n[[services]]\nbinding = "HELPER"\nservice = "helper"\n`),
      "a/index.js": `export default { async fetch(request, env) { console.log("caller"); return new Response(await (await env.HELPER.fetch("http://helper/")).text()); } };\n`,
      "b/wrangler.toml": LOGGER_TOML,
      "b/index.js": LOGGER_JS,
      "c/wrangler.toml": tomlWithMain("helper", "index.js"),
      "c/index.js": `export default { fetch() { console.log("callee"); return new Response("helped"); } };\n`,
    });
    dirs.push(dir);
    const dev = await startDev(dir, ["-c", "a/wrangler.toml", "-c", "b/wrangler.toml", "-c", "c/wrangler.toml"]);
    running.push(dev);
    expect(await (await fetch(dev.url)).text()).toBe("helped");
    const [item] = await nextBatch(dev, 0);
    expect(item.logs.map((log: any) => log.message)).toEqual([["[producer]", "caller"]]);
  });

  test("a consumer in another dev process is connected and gets the events through the dev registry", async () => {
    const registry = mkdtempSync(path.join(tmpdir(), "bunflare-tail-registry-"));
    dirs.push(registry);
    const env = { BUNFLARE_REGISTRY_PATH: registry };
    const loggerDir = project({ "wrangler.toml": LOGGER_TOML, "index.js": LOGGER_JS });
    const producerDir = project({ "wrangler.toml": PRODUCER_TOML, "index.js": PRODUCER_JS });
    dirs.push(loggerDir, producerDir);
    const logger = await startDev(loggerDir, [], { env });
    running.push(logger);
    const producer = await startDev(producerDir, [], { env });
    running.push(producer);
    expect(producer.output()).toContain("Your Worker is sending Tail events to the following Workers:\n- logger [connected]");
    expect(await (await fetch(`${producer.url}/remote`)).text()).toBe("ok");
    const [item] = await nextBatch(logger, 0);
    expect(item.event.request.url).toEndWith("/remote");
    expect(item.logs.map((log: any) => log.message[0])).toEqual(["hello", "careful", "later"]);
  });

  test("a queue batch is an invocation of its own: { batchSize, queue }, a throw listed", async () => {
    const { dev, itemWhere } = await kindsSession();
    // (a) The queue consumer: { batchSize, queue }; a throw is listed, the outcome stays "ok".
    expect(await (await fetch(`${dev.url}/send`)).text()).toBe("sent");
    const queued = await itemWhere((item) => item.event.queue);
    expect(Object.keys(queued)).not.toContain("entrypoint");
    expect(noTimes(queued)).toEqual({
      ...common, scriptName: null, diagnosticsChannelEvents: [], exceptions: [],
      logs: [{ message: ["queue", "fine"], level: "log", timestamp: "<time>" }], eventTimestamp: "<time>", event: { batchSize: 1, queue: "jobs" },
    });
    await fetch(`${dev.url}/fail`);
    const failedQueue = await itemWhere((item) => item.event.queue && item.exceptions.length);
    expect(failedQueue.outcome).toBe("ok");
    expect(failedQueue.exceptions[0]).toMatchObject({ name: "Error", message: "queue boom" });
    expect(failedQueue.exceptions[0].stack).toMatch(/^\s+at .*index\.js:\d+:\d+/);

  });

  test("a Durable Object alarm is the class's invocation: an \"exception\" when it throws, each retry its own", async () => {
    const { dev, itemWhere } = await kindsSession();
    // (b) The alarm: the class's invocation; its throw makes it an "exception", and the retry is another one.
    await fetch(`${dev.url}/alarm`);
    const alarm = await itemWhere((item) => item.event.scheduledTime && item.executionModel === "durableObject");
    expect(Object.keys(alarm)).toEqual([
      "wallTime", "cpuTime", "truncated", "executionModel", "outcome", "entrypoint", "scriptName",
      "diagnosticsChannelEvents", "exceptions", "logs", "eventTimestamp", "event",
    ]);
    expect(alarm).toMatchObject({ executionModel: "durableObject", outcome: "exception", entrypoint: "Counter" });
    expect(alarm.exceptions).toHaveLength(1);
    expect(alarm.exceptions[0]).toMatchObject({ name: "Error", message: "alarm boom" });
    expect(alarm.logs.map((log: any) => log.message)).toEqual([["alarm", 0]]);
    expect(alarm.event.scheduledTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    const retried = await itemWhere((item) => item.event.scheduledTime && item.outcome === "ok");
    expect(retried.exceptions).toEqual([]);
    expect(retried.logs.map((log: any) => log.message)).toEqual([["alarm", 1]]);

  });

  test("an RPC call or getter read on a named entrypoint is an invocation: { rpcMethod }, with its entrypoint", async () => {
    const { dev, itemWhere } = await kindsSession();
    // (d) RPC on the named entrypoint: { rpcMethod }, its waitUntil work included; a throw is an "exception", not listed.
    const rpcItem = async (path: string, method: string) => {
      const answer = await (await fetch(dev.url + path)).text();
      return { answer, item: await itemWhere((item) => item.event.rpcMethod === method) };
    };
    const hello = await rpcItem("/rpc", "hello");
    expect(hello.answer).toBe("hi bob");
    expect(noTimes(hello.item)).toEqual({
      ...common, entrypoint: "Api", scriptName: null, diagnosticsChannelEvents: [], exceptions: [],
      logs: [
        { message: ["rpc", "bob"], level: "log", timestamp: "<time>" },
        { message: ["rpc later"], level: "log", timestamp: "<time>" },
      ],
      eventTimestamp: "<time>", event: { rpcMethod: "hello" },
    });
    const failed = await rpcItem("/rpc/fail", "fail");
    expect(failed.answer).toBe("caught rpc boom");
    expect(failed.item).toMatchObject({ outcome: "exception", entrypoint: "Api", exceptions: [] });
    expect(failed.item.logs.map((log: any) => log.message)).toEqual([["failing"]]);
    const read = await rpcItem("/rpc/read", "answer");
    expect(read.answer).toBe("42");
    expect(read.item.logs.map((log: any) => log.message)).toEqual([["read"]]);

    // The entrypoint's fetch is a fetch event, with the entrypoint's name.
    expect(await (await fetch(`${dev.url}/rpc/fetch`)).text()).toBe("from api");
    const fetched = await itemWhere((item) => item.event.request?.url === "http://api/path");
    expect(noTimes(fetched)).toEqual({
      ...common, entrypoint: "Api", scriptName: null, diagnosticsChannelEvents: [], exceptions: [],
      logs: [{ message: ["entrypoint fetch"], level: "log", timestamp: "<time>" }],
      eventTimestamp: "<time>", event: { request: { url: "http://api/path", method: "GET", headers: { "x-foo": "bar" } }, response: { status: 200 } },
    });

  });

  test("email() is an invocation: { rpcMethod: \"email\" }, a throw neither listed nor an exception", async () => {
    const { dev, itemWhere } = await kindsSession();
    // (c) email(): { rpcMethod: "email" }; a throw is neither listed nor an "exception".
    const email = (to: string) =>
      fetch(`${dev.url}/cdn-cgi/handler/email?from=sender@example.com&to=${to}`, {
        method: "POST",
        body: `From: sender@example.com\r\nTo: ${to}\r\nMessage-ID: <m1@example.com>\r\nSubject: hi\r\n\r\nbody`,
      });
    expect((await email("plain@example.com")).status).toBe(200);
    const mailed = await itemWhere((item) => item.event.rpcMethod === "email");
    expect(Object.keys(mailed)).not.toContain("entrypoint");
    expect(noTimes(mailed)).toMatchObject({ ...common, exceptions: [], logs: [{ message: ["email", "plain@example.com"], level: "log", timestamp: "<time>" }], event: { rpcMethod: "email" } });
    expect((await email("throw@example.com")).status).toBe(500);
    const thrown = await itemWhere((item) => item.event.rpcMethod === "email" && item.logs[0]?.message[1] === "throw@example.com");
    expect(thrown).toMatchObject({ outcome: "ok", exceptions: [] });
  });

  test("a Durable Object's fetch is the class's invocation, not its caller's: a throw listed, an \"exception\" without a response", async () => {
    const { dev, itemWhere } = await kindsSession();
    const response = await fetch(`${dev.url}/object-fetch`);
    expect(response.status).toBe(201);
    const fetched = await itemWhere((item) => item.executionModel === "durableObject" && item.event.request);
    expect(noTimes(fetched)).toEqual({
      ...common, executionModel: "durableObject", entrypoint: "Counter", scriptName: null, diagnosticsChannelEvents: [], exceptions: [],
      logs: [{ message: ["object fetch", "http://object/fetch"], level: "log", timestamp: "<time>" }],
      eventTimestamp: "<time>",
      event: { request: { url: "http://object/fetch", method: "PUT", headers: { "x-foo": "bar" } }, response: { status: 201 } },
    });
    // The caller's own invocation has only its own line.
    const caller = await itemWhere((item) => item.executionModel === "stateless" && item.event.request?.url.endsWith("/object-fetch"));
    expect(caller.logs.map((log: any) => log.message)).toEqual([["outer"]]);

    expect(await (await fetch(`${dev.url}/object-throw`)).text()).toBe("caught object fetch boom");
    const thrown = await itemWhere((item) => item.executionModel === "durableObject" && item.event.request?.url === "http://object/throw");
    expect(thrown).toMatchObject({ outcome: "exception", entrypoint: "Counter" });
    expect(thrown.event).toEqual({ request: { url: "http://object/throw", method: "GET", headers: {} } });
    expect(thrown.exceptions).toHaveLength(1);
    expect(thrown.exceptions[0]).toMatchObject({ name: "Error", message: "object fetch boom" });
  });

  test("a Durable Object's RPC call is the class's invocation: { rpcMethod }, a throw neither listed nor an exception", async () => {
    const { dev, itemWhere } = await kindsSession();
    expect(await (await fetch(`${dev.url}/object-rpc`)).text()).toBe("pong");
    const called = await itemWhere((item) => item.executionModel === "durableObject" && item.event.rpcMethod === "ping");
    expect(noTimes(called)).toEqual({
      ...common, executionModel: "durableObject", entrypoint: "Counter", scriptName: null, diagnosticsChannelEvents: [], exceptions: [],
      logs: [{ message: ["object rpc", 3], level: "log", timestamp: "<time>" }],
      eventTimestamp: "<time>", event: { rpcMethod: "ping" },
    });
    expect(await (await fetch(`${dev.url}/object-rpc-fail`)).text()).toBe("caught object rpc boom");
    const failed = await itemWhere((item) => item.executionModel === "durableObject" && item.event.rpcMethod === "fail");
    expect(failed).toMatchObject({ outcome: "ok", exceptions: [] });
    expect(failed.logs.map((log: any) => log.message)).toEqual([["object failing"]]);
  });
});
