// Tail consumers (`tail_consumers`) under wrangler dev and bunflare dev: the
// block the start prints, and what a consumer's tail() receives from a worker
// in another dev session (found through the dev registry) for fetch, scheduled,
// queue, Durable Object alarm, RPC and email invocations.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { showDiff, type CaseOutcome, type CompatCase, type Tool } from "../harness.ts";
import { devCase, kill, startDev, workerToml, type Running } from "../dev-harness.ts";
import { freePort } from "../../bench/proc.ts";

const PRODUCER = {
  "wrangler.toml": workerToml("producer", "index.js", 'tail_consumers = [{ service = "logger" }]\n'),
  "index.js": `export default {
  async fetch(request) {
    console.log("hello", { a: 1 }, [2, "three"]);
    console.warn("careful");
    console.error("bad", 4);
    if (new URL(request.url).pathname === "/throw") throw new Error("boom");
    return new Response("ok");
  },
  async scheduled(controller) {
    console.log("cron", controller.cron);
    if (controller.cron === "fail") throw new TypeError("scheduled boom");
  },
};
`,
};
const LOGGER = {
  "wrangler.toml": workerToml("logger"),
  "index.js": `export default {
  fetch() { return new Response("logger"); },
  async tail(events) { console.log("TAIL " + JSON.stringify(events)); },
};
`,
};

/**
 * A batch with what legitimately varies set aside: the clock (timestamps), the port each
 * server got, and an exception's stack (wrangler's names a frame in its bundle under
 * .wrangler/tmp/dev-<random>, bunflare's the user's source file, with JSC's frame names).
 */
function normalised(batch: any[], url: string): string {
  const port = new URL(url).port;
  const text = JSON.stringify(batch, (key, value) => {
    if (key === "timestamp" || key === "eventTimestamp") return "<time>";
    if (key === "stack") return "<stack>";
    return value;
  }, 2);
  return text.replaceAll(`:${port}`, ":<port>");
}

const REQUESTS = ["/path?q=1", "/throw", "/cdn-cgi/handler/scheduled?cron=*+*+*+*+*&time=1000", "/cdn-cgi/handler/scheduled?cron=fail&time=2000"];

/**
 * Dev sessions of one tool, each in its own directory under a fresh HOME (so its dev
 * registry holds only these sessions) and with its own inspector port; `stop` ends them all.
 */
function sessions(tool: Tool) {
  const home = mkdtempSync(path.join(tmpdir(), `compat-${tool}-tail-`));
  const running: Running[] = [];
  const start = async (name: string, files: Record<string, string>) => {
    const dir = path.join(home, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, content] of Object.entries(files)) writeFileSync(path.join(dir, file), content);
    const dev = await startDev(tool, dir, ["--inspector-port", String(await freePort())], { HOME: home });
    running.push(dev);
    return dev;
  };
  const stop = () => {
    for (const dev of running) kill(dev.child);
    rmSync(home, { recursive: true, force: true });
  };
  return { start, stop };
}

const tailEventsCase: CompatCase = {
  name: "tail: a consumer in another dev session gets fetch and scheduled events, logs and exceptions",
  steps: [],
  async run(): Promise<CaseOutcome> {
    const problems: string[] = [];
    const seen: Record<Tool, string[]> = { wrangler: [], bunflare: [] };
    for (const tool of ["wrangler", "bunflare"] as const) {
      const { start, stop } = sessions(tool);
      try {
        const logger = await start("logger", LOGGER);
        const producer = await start("producer", PRODUCER);
        const batches = () => [...logger.stdout().matchAll(/^TAIL (.*)$/gm)].map((match) => JSON.parse(match[1]!) as any[]);
        // One request at a time, each batch awaited: the batches' order is the requests'.
        for (const [index, request] of REQUESTS.entries()) {
          await fetch(producer.url + request, { headers: { "x-foo": "bar" } }).then((response) => response.arrayBuffer());
          const deadline = Date.now() + 10_000;
          while (batches().length <= index && Date.now() < deadline) await Bun.sleep(50);
          const batch = batches()[index];
          seen[tool].push(batch ? normalised(batch, producer.url) : `no tail event for ${request}`);
        }
      } catch (error) {
        problems.push(`${tool}: ${error}`);
      } finally {
        stop();
      }
    }
    for (const [index, request] of REQUESTS.entries()) {
      const want = seen.wrangler[index] ?? "";
      const got = seen.bunflare[index] ?? "";
      if (want !== got) problems.push(`tail event for ${request}:\n${showDiff(want, got)}`);
    }
    return { name: tailEventsCase.name, ok: problems.length === 0, problems };
  },
};

// A producer that is its own queue's consumer, with a Durable Object class whose alarm
// throws once, a named entrypoint and email(); a caller in a third session calls the
// entrypoint over a service binding.
const KINDS_PRODUCER = {
  "wrangler.toml": workerToml(
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
`,
  ),
  "index.js": `import { DurableObject, WorkerEntrypoint } from "cloudflare:workers";
export class Counter extends DurableObject {
  async fetch(request) {
    console.log("object fetch", request.url);
    if (request.url.endsWith("/throw")) throw new Error("object fetch boom");
    if (request.url.endsWith("/alarm")) await this.ctx.storage.setAlarm(Date.now() + 100);
    return new Response("set", { status: 201 });
  }
  async ping(n) { console.log("object rpc", n); return "pong"; }
  async fail() { console.log("object failing"); throw new TypeError("object rpc boom"); }
  async alarm(info) {
    console.log("alarm", info.retryCount, info.isRetry);
    if (info.retryCount === 0) throw new Error("alarm boom");
  }
}
export class Api extends WorkerEntrypoint {
  async hello(name) { console.log("rpc", name, { n: 1 }); this.ctx.waitUntil(Promise.resolve().then(() => console.warn("rpc later"))); return "hi " + name; }
  async fail() { console.log("failing"); throw new TypeError("rpc boom"); }
  get answer() { console.log("read"); return 42; }
  fetch(request) { console.log("entrypoint fetch", request.url); return new Response("from api"); }
}
export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    if (path === "/send") await env.Q.send({ tag: "fine" });
    if (path === "/sendfail") await env.Q.send("fail", { contentType: "text" });
    const object = env.COUNTER.get(env.COUNTER.idFromName("a"));
    if (path === "/alarm") return object.fetch(request);
    if (path === "/object-fetch") return object.fetch("http://object/fetch", { method: "PUT", headers: { "x-foo": "bar" } });
    if (path === "/object-throw") return new Response(await object.fetch("http://object/throw").catch((error) => "caught " + error.message));
    if (path === "/object-rpc") return new Response(await object.ping(3));
    if (path === "/object-rpc-fail") return new Response(await object.fail().catch((error) => "caught " + error.message));
    return new Response("sent");
  },
  async queue(batch) {
    console.log("queue", batch.queue, JSON.stringify(batch.messages[0].body));
    if (batch.messages[0].body === "fail") throw new Error("queue boom");
  },
  async email(message) {
    console.log("email", message.from, message.to);
    if (message.to.startsWith("throw")) throw new Error("email boom");
  },
};
`,
};
const KINDS_CALLER = {
  "wrangler.toml": workerToml("caller", "index.js", `[[services]]\nbinding = "API"\nservice = "producer"\nentrypoint = "Api"\n`),
  "index.js": `export default {
  async fetch(request, env) {
    const path = new URL(request.url).pathname;
    if (path === "/fail") return new Response(await env.API.fail().catch((error) => "caught " + error.message));
    if (path === "/read") return new Response(String(await env.API.answer));
    if (path === "/fetch") return env.API.fetch("http://api/path", { headers: { "x-foo": "bar" } });
    return new Response(await env.API.hello("bob"));
  },
};
`,
};

const email = (to: string): RequestInit => ({
  method: "POST",
  body: `From: sender@example.com\r\nTo: ${to}\r\nMessage-ID: <m1@example.com>\r\nSubject: hi\r\n\r\nbody`,
});

interface KindStep {
  label: string;
  send(urls: { producer: string; caller: string }): Promise<Response>;
  /** The items of this kind (the consumer also gets the fetches that start them). */
  kind(item: any): boolean;
  /** How many items of this kind there are once this step's have come. */
  total: number;
}

const isQueue = (item: any) => item.event?.queue !== undefined;
const isAlarm = (item: any) => item.executionModel === "durableObject" && item.event?.scheduledTime !== undefined;
const isRpc = (item: any) => item.executionModel === "stateless" && item.event?.rpcMethod !== undefined && item.event.rpcMethod !== "email";
const isEntrypointFetch = (item: any) => item.entrypoint === "Api" && item.event?.request !== undefined;
const isObjectFetch = (item: any) => item.executionModel === "durableObject" && item.event?.request !== undefined;
const isObjectRpc = (item: any) => item.executionModel === "durableObject" && item.event?.rpcMethod !== undefined;
const isEmail = (item: any) => item.event?.rpcMethod === "email";

// Only the items of each step's kind are compared: the order of a Durable Object's item and
// its caller's fetch item varies from run to run under wrangler itself.
const KIND_STEPS: KindStep[] = [
  { label: "queue batch", send: (u) => fetch(u.producer + "/send"), kind: isQueue, total: 1 },
  { label: "queue batch that throws", send: (u) => fetch(u.producer + "/sendfail"), kind: isQueue, total: 2 },
  // The alarm throws, then its retry (wrangler's a second or two later) succeeds.
  { label: "Durable Object alarm and its retry", send: (u) => fetch(u.producer + "/alarm"), kind: isAlarm, total: 2 },
  // The fetch that set the alarm is the object's first fetch invocation.
  { label: "Durable Object fetch of a new request", send: (u) => fetch(u.producer + "/object-fetch"), kind: isObjectFetch, total: 2 },
  { label: "Durable Object fetch that throws", send: (u) => fetch(u.producer + "/object-throw"), kind: isObjectFetch, total: 3 },
  { label: "Durable Object RPC call", send: (u) => fetch(u.producer + "/object-rpc"), kind: isObjectRpc, total: 1 },
  { label: "Durable Object RPC call that throws", send: (u) => fetch(u.producer + "/object-rpc-fail"), kind: isObjectRpc, total: 2 },
  { label: "RPC call", send: (u) => fetch(u.caller + "/"), kind: isRpc, total: 1 },
  { label: "RPC call that throws", send: (u) => fetch(u.caller + "/fail"), kind: isRpc, total: 2 },
  { label: "RPC getter read", send: (u) => fetch(u.caller + "/read"), kind: isRpc, total: 3 },
  { label: "fetch of a named entrypoint", send: (u) => fetch(u.caller + "/fetch"), kind: isEntrypointFetch, total: 1 },
  { label: "email", send: (u) => fetch(u.producer + "/cdn-cgi/handler/email?from=sender@example.com&to=plain@example.com", email("plain@example.com")), kind: isEmail, total: 1 },
  { label: "email that throws", send: (u) => fetch(u.producer + "/cdn-cgi/handler/email?from=sender@example.com&to=throw@example.com", email("throw@example.com")), kind: isEmail, total: 2 },
];

/**
 * Items with the clock set aside (timestamps, and an alarm's scheduledTime, the time it was
 * set for) and stacks (wrangler's name a frame in its bundle under .wrangler/tmp/dev-<random>).
 */
function kindItems(items: any[], url: string): string {
  const port = new URL(url).port;
  const text = JSON.stringify(items, (key, value) => {
    if (key === "timestamp" || key === "eventTimestamp" || key === "scheduledTime") return "<time>";
    if (key === "stack") return "<stack>";
    return value;
  }, 2);
  // The port the producer's server got (in the URL of the request a Durable Object was handed).
  return text.replaceAll(`:${port}`, ":<port>");
}

const tailKindsCase: CompatCase = {
  name: "tail: queue batches, Durable Object alarms, fetches and RPC calls, RPC calls on an entrypoint and emails reach a consumer in another dev session",
  steps: [],
  async run(): Promise<CaseOutcome> {
    const problems: string[] = [];
    const seen: Record<Tool, string[]> = { wrangler: [], bunflare: [] };
    for (const tool of ["wrangler", "bunflare"] as const) {
      const { start, stop } = sessions(tool);
      try {
        const logger = await start("logger", LOGGER);
        const producer = await start("producer", KINDS_PRODUCER);
        const caller = await start("caller", KINDS_CALLER);
        const items = () => [...logger.stdout().matchAll(/^TAIL (.*)$/gm)].flatMap((match) => JSON.parse(match[1]!) as any[]);
        // One step at a time, its items awaited: the items of a kind come in the steps' order.
        for (const step of KIND_STEPS) {
          const response = await step.send({ producer: producer.url, caller: caller.url });
          const answer = `${response.status} ${(await response.text()).split("\n")[0]}`;
          const deadline = Date.now() + 15_000;
          while (items().filter(step.kind).length < step.total && Date.now() < deadline) await Bun.sleep(50);
          const ofKind = items().filter(step.kind);
          seen[tool].push(`answer: ${answer}\n` + (ofKind.length >= step.total ? kindItems(ofKind, producer.url) : `only ${ofKind.length} of ${step.total}: ${kindItems(ofKind, producer.url)}`));
        }
      } catch (error) {
        problems.push(`${tool}: ${error}`);
      } finally {
        stop();
      }
    }
    for (const [index, step] of KIND_STEPS.entries()) {
      const want = seen.wrangler[index] ?? "";
      const got = seen.bunflare[index] ?? "";
      if (want !== got) problems.push(`tail items after the ${step.label}:\n${showDiff(want, got)}`);
    }
    return { name: tailKindsCase.name, ok: problems.length === 0, problems };
  },
};

export const cases: CompatCase[] = [
  // Without `streaming_tail_consumers`: wrangler 4.86 lists one as "- streamer (streaming) [not
  // connected]" too, but then its workerd refuses to start ("...'s streaming tails refers to a
  // service ..., but no such service is defined"), so there is nothing to compare after the list.
  devCase({
    name: "tail: the start lists the tail consumers, not connected, and the connection note",
    files: PRODUCER,
    compareStartup: true,
    requests: [{ path: "/" }],
  }),
  tailEventsCase,
  tailKindsCase,
];
