// Tail consumers in `bunflare dev`: wrangler's "sending Tail events" block at
// start, and the TraceItems a consumer's tail() receives for the producer's
// fetch (console lines, a thrown error) and scheduled invocations, from a worker
// of the same session and from one in another dev process (the dev registry).
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
});
