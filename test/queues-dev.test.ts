// Queues under real `bunflare dev` processes: messages survive kill -9,
// retries / dead-letter / explicit ack semantics, and two processes on one
// store never deliver the same message twice.
import { afterAll, describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import path from "node:path";
import { cleanup, eventually, project, startDev, type DevProcess } from "./dev-helpers.ts";

const dirs: string[] = [];
const procs: DevProcess[] = [];
afterAll(async () => {
  for (const proc of procs) await proc.stop();
  for (const dir of dirs) cleanup(dir);
});

// Every delivery is recorded in KV as d:<body>:<attempt>:<unique>, so a test can count them.
const WORKER = `
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/send") {
      const n = Number(url.searchParams.get("n"));
      const delay = Number(url.searchParams.get("delay") ?? 0);
      const bodies = Array.from({ length: n }, (_, i) => ({ body: String(i) }));
      for (let i = 0; i < bodies.length; i += 100) await env.Q.sendBatch(bodies.slice(i, i + 100), { delaySeconds: delay });
      return new Response("sent");
    }
    if (url.pathname === "/send-one") {
      await env.Q.send(url.searchParams.get("body"));
      return new Response("sent");
    }
    if (url.pathname === "/seen") {
      const keys = [];
      let cursor;
      do {
        const page = await env.KV.list({ prefix: "d:", cursor });
        keys.push(...page.keys.map((k) => k.name));
        cursor = page.list_complete ? undefined : page.cursor;
      } while (cursor);
      return Response.json(keys);
    }
    return new Response("no", { status: 404 });
  },
  async queue(batch, env) {
    for (const message of batch.messages) {
      await env.KV.put("d:" + batch.queue + ":" + message.body + ":" + message.attempts + ":" + message.id + ":" + crypto.randomUUID(), "1");
      if (message.body === "fail") throw new Error("fails on purpose");
      if (message.body === "ack-then-throw") { message.ack(); throw new Error("after ack"); }
      if (message.body === "retry-once" && message.attempts === 1) message.retry();
      // Hangs on its first delivery (the test kills the server meanwhile), returns on the next.
      if (message.body === "hang" && !(await env.KV.get("hung"))) { await env.KV.put("hung", "1"); await new Promise(() => {}); }
    }
  },
};
`;

function config(extra = "", name = "q"): string {
  return `name = "${name}"
main = "index.js"
compatibility_date = "2025-01-01"
kv_namespaces = [{ binding = "KV", id = "seen" }]
[[queues.producers]]
binding = "Q"
queue = "work"
${extra}`;
}

async function seen(dev: DevProcess): Promise<string[]> {
  return (await (await fetch(`${dev.url}/seen`)).json()) as string[];
}

function waiting(dir: string): number {
  const db = new Database(path.join(dir, ".bunflare", "data.sqlite"), { readonly: true });
  try {
    return (db.query("SELECT count(*) AS n FROM queue_messages").get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe("queues under bunflare dev", () => {
  test("kill -9 with 50 delayed messages in flight: after a restart every message is delivered, none lost", async () => {
    const dir = project({
      "index.js": WORKER,
      "wrangler.toml": config(`[[queues.consumers]]\nqueue = "work"\nmax_batch_size = 10\nmax_batch_timeout = 0\n`),
    });
    dirs.push(dir);
    const first = await startDev(dir);
    expect(await (await fetch(`${first.url}/send?n=50&delay=3`)).text()).toBe("sent");
    // The 50 are committed to the store before send() resolves; the server dies before they are due.
    expect(waiting(dir)).toBe(50);
    first.child.kill("SIGKILL");
    await first.stop();
    expect(waiting(dir)).toBe(50);

    const second = await startDev(dir);
    procs.push(second);
    await eventually(async () => waiting(dir) === 0, 30_000);
    const delivered = new Set((await seen(second)).map((key) => key.split(":")[2]));
    expect([...delivered].sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: 50 }, (_, i) => String(i)));
    await second.waitForOutput(/QUEUE work 10\/10 \(\d+ms\)/);
    await second.stop();
  }, 60_000);

  test("retry, explicit ack, max_retries then the dead-letter queue keeps the message id", async () => {
    const dir = project({
      "index.js": WORKER,
      "wrangler.toml": config(
        `[[queues.consumers]]\nqueue = "work"\nmax_batch_size = 1\nmax_batch_timeout = 0\nmax_retries = 1\ndead_letter_queue = "dlq"\n` +
          `[[queues.consumers]]\nqueue = "dlq"\nmax_batch_size = 1\nmax_batch_timeout = 0\n`,
      ),
    });
    dirs.push(dir);
    const dev = await startDev(dir);
    procs.push(dev);
    for (const body of ["fail", "ack-then-throw", "retry-once", "plain"]) await fetch(`${dev.url}/send-one?body=${body}`);
    await eventually(async () => waiting(dir) === 0 && (await seen(dev)).some((key) => key.startsWith("d:dlq:fail:")), 30_000);
    const keys = (await seen(dev)).map((key) => key.split(":").slice(1, 5));
    const of = (queue: string, body: string) => keys.filter(([q, b]) => q === queue && b === body);
    // fail: two attempts on "work" (max_retries = 1), then the dead-letter queue, same id, attempts from 1 again;
    // it fails there too: three attempts (the default max_retries is 2), then it is dropped.
    expect(of("work", "fail").map(([, , attempt]) => attempt).sort()).toEqual(["1", "2"]);
    expect(of("dlq", "fail").map(([, , attempt]) => attempt).sort()).toEqual(["1", "2", "3"]);
    expect(of("dlq", "fail")[0]![3]).toBe(of("work", "fail")[0]![3]);
    // An explicit ack stands although the handler throws afterwards.
    expect(of("work", "ack-then-throw").length).toBe(1);
    expect(of("dlq", "ack-then-throw").length).toBe(0);
    // retry() on the first attempt: delivered again with attempts = 2.
    expect(of("work", "retry-once").map(([, , attempt]) => attempt).sort()).toEqual(["1", "2"]);
    expect(of("work", "plain").length).toBe(1);
    await dev.waitForOutput(/Moving message "[0-9a-f]{32}" on queue "work" to dead letter queue "dlq" after 2 failed attempts\.\.\./);
    await dev.waitForOutput(/Dropped message "[0-9a-f]{32}" on queue "dlq" after 3 failed attempts!/);
    await dev.stop();
  }, 60_000);

  test("two dev processes consuming one store never deliver a message twice; a third process's sends reach them", async () => {
    const dir = project({
      "index.js": WORKER,
      "wrangler.toml": config(`[[queues.consumers]]\nqueue = "work"\nmax_batch_size = 5\nmax_batch_timeout = 0\nmax_concurrency = 2\n`),
      "producer/index.js": WORKER,
      "producer/wrangler.toml": config("", "producer"),
    });
    dirs.push(dir);
    const store = path.join(dir, ".bunflare");
    const a = await startDev(dir);
    const b = await startDev(dir);
    const producer = await startDev(path.join(dir, "producer"), ["--persist-to", store]);
    procs.push(a, b, producer);
    expect(await (await fetch(`${producer.url}/send?n=200`)).text()).toBe("sent");
    await eventually(async () => waiting(dir) === 0, 30_000);
    const bodies = (await seen(a)).filter((key) => key.startsWith("d:work:")).map((key) => key.split(":")[2]);
    expect(bodies.length).toBe(200);
    expect(new Set(bodies).size).toBe(200);
    for (const proc of [a, b, producer]) await proc.stop();
  }, 60_000);

  test("a consumer added with `queues consumer add` for this worker is delivered to, with its batch size, once delivery resumes", async () => {
    const dir = project({ "index.js": WORKER, "wrangler.toml": config() });
    dirs.push(dir);
    const cli = (...args: string[]) => {
      const result = Bun.spawnSync([path.join(import.meta.dir, "..", "bin", "bunflare"), ...args], { cwd: dir, env: { ...process.env, NO_COLOR: "1", CI: "true", HOME: dir } });
      expect(result.exitCode).toBe(0);
    };
    cli("queues", "create", "work");
    cli("queues", "consumer", "add", "work", "q", "--batch-size", "2", "--batch-timeout", "0");
    cli("queues", "pause-delivery", "work");
    const dev = await startDev(dir);
    procs.push(dev);
    await fetch(`${dev.url}/send?n=4`);
    expect(waiting(dir)).toBe(4);
    cli("queues", "resume-delivery", "work");
    await eventually(async () => waiting(dir) === 0, 30_000);
    expect((await seen(dev)).length).toBe(4);
    await dev.waitForOutput(/QUEUE work 2\/2 \(\d+ms\)[\s\S]*QUEUE work 2\/2 \(\d+ms\)/);
    expect(dev.output().match(/QUEUE work \d+\/\d+/g)).toEqual(["QUEUE work 2/2", "QUEUE work 2/2"]);
    await dev.stop();
  }, 60_000);

  test("a consumer of a queue nothing produces to is named at startup", async () => {
    const dir = project({ "index.js": WORKER, "wrangler.toml": config(`[[queues.consumers]]\nqueue = "ghost"\n`) });
    dirs.push(dir);
    const dev = await startDev(dir);
    procs.push(dev);
    await dev.waitForOutput(/Worker "q" consumes queue "ghost" \(\[\[queues\.consumers\]\]\), but no worker of this session produces to it/);
    await dev.stop();
  }, 60_000);

  test("-c a -c b: a producer in one worker, its consumer in the other", async () => {
    const dir = project({
      "index.js": WORKER,
      "a.toml": config("", "a"),
      "b.toml": config(`[[queues.consumers]]\nqueue = "work"\nmax_batch_size = 3\nmax_batch_timeout = 0\n`, "b"),
    });
    dirs.push(dir);
    const dev = await startDev(dir, ["-c", "a.toml", "-c", "b.toml"]);
    procs.push(dev);
    await fetch(`${dev.url}/send?n=3`);
    await dev.waitForOutput(/QUEUE work 3\/3 \(\d+ms\)/);
    expect((await seen(dev)).map((key) => key.split(":")[2]).sort()).toEqual(["0", "1", "2"]);
    await dev.stop();
  }, 60_000);

  test("kill -9 while a handler holds a batch: the message was never removed and is delivered again after a restart", async () => {
    const dir = project({ "index.js": WORKER, "wrangler.toml": config(`[[queues.consumers]]\nqueue = "work"\nmax_batch_size = 1\nmax_batch_timeout = 0\n`) });
    dirs.push(dir);
    const first = await startDev(dir);
    await fetch(`${first.url}/send-one?body=hang`);
    await eventually(async () => (await seen(first)).some((key) => key.startsWith("d:work:hang:1:")), 30_000);
    first.child.kill("SIGKILL");
    await first.stop();
    expect(waiting(dir)).toBe(1);

    const second = await startDev(dir);
    procs.push(second);
    await eventually(async () => waiting(dir) === 0, 30_000);
    const deliveries = (await seen(second)).filter((key) => key.startsWith("d:work:hang:"));
    expect(deliveries.length).toBe(2);
    // Same message both times; a crash is not a failed attempt, so attempts stays 1.
    expect(new Set(deliveries.map((key) => key.split(":")[4])).size).toBe(1);
    expect(deliveries.map((key) => key.split(":")[3])).toEqual(["1", "1"]);
    await second.stop();
  }, 60_000);

  test("a shutdown does not wait forever on a hanging handler: its message is handed back, unleased", async () => {
    const dir = project({ "index.js": WORKER, "wrangler.toml": config(`[[queues.consumers]]\nqueue = "work"\nmax_batch_size = 1\nmax_batch_timeout = 0\n`) });
    dirs.push(dir);
    const dev = await startDev(dir);
    await fetch(`${dev.url}/send-one?body=hang`);
    await eventually(async () => (await seen(dev)).some((key) => key.startsWith("d:work:hang:1:")), 30_000);
    const exited = new Promise<string | null>((resolve) => dev.child.on("exit", (_code, signal) => resolve(signal)));
    dev.child.kill("SIGTERM");
    expect(await exited).not.toBe("SIGKILL");
    const db = new Database(path.join(dir, ".bunflare", "data.sqlite"), { readonly: true });
    const rows = db.query("SELECT lease_owner, failed_attempts FROM queue_messages").all();
    db.close();
    expect(rows).toEqual([{ lease_owner: null, failed_attempts: 0 }]);
  }, 60_000);

  test("a consumer setting out of the runtime's range is named, and its queue's messages are kept", async () => {
    const dir = project({ "index.js": WORKER, "wrangler.toml": config(`[[queues.consumers]]\nqueue = "work"\nmax_batch_size = 500\n`) });
    dirs.push(dir);
    const dev = await startDev(dir);
    procs.push(dev);
    await dev.waitForOutput(
      /\[\[queues\.consumers\]\] for queue "work" of worker "q": "max_batch_size" must be an integer between 1 and 100, but got 500\./,
    );
    await fetch(`${dev.url}/send-one?body=kept`);
    expect(waiting(dir)).toBe(1);
    await dev.stop();
    expect(waiting(dir)).toBe(1);
  }, 60_000);
});
