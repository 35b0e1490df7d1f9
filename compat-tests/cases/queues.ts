import { answeredLocally, type CompatCase, type CliStep } from "../harness.ts";
import { devCase } from "../dev-harness.ts";
import { ATTEMPT } from "../attempt.ts";

// Every `queues` success path in wrangler talks to Cloudflare's API (it needs
// an account), so only what wrangler decides locally is diffed here: help,
// flag checks and the non-interactive purge guard. The local success paths
// (create/list/info/update/delete/purge/consumer/pause) are covered by
// test/queues.test.ts, printing wrangler's success lines.
const q = (...args: string[]): CliStep => ({ args: ["queues", ...args] });

const config = 'name = "x"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n';
const worker = 'export default { fetch() { return new Response("hi"); } };\n';

export const cases: CompatCase[] = [
  {
    name: "queues help",
    steps: [q("--help"), q("create", "--help"), q("list", "--help"), q("info", "--help"), q("update", "--help"), q("delete", "--help"), q("purge", "--help")],
  },
  {
    name: "queues consumer help",
    steps: [
      q("consumer", "add", "--help"),
      q("consumer", "remove", "--help"),
      q("consumer", "http", "--help"),
      q("consumer", "worker", "--help"),
      q("pause-delivery", "--help"),
      q("resume-delivery", "--help"),
    ],
  },
  {
    name: "queues create rejects an out-of-range delivery delay and retention period",
    files: { "wrangler.toml": config, "index.js": worker },
    fast: true,
    steps: [
      q("create", "jobs", "--delivery-delay-secs", "100000"),
      q("create", "jobs", "--message-retention-period-secs", "10"),
    ],
  },
  {
    // Wrangler passes NaN ("abc") and consumer settings out of Cloudflare's limits on to the
    // API, so it stops at its login error; bunflare names the flag and its range, and
    // registers nothing (`bunflare dev` would otherwise hold the queue's messages undelivered).
    name: "queues: a delivery delay that is not a number and consumer settings out of range are refused, exit 1",
    files: { "wrangler.toml": config, "index.js": worker },
    steps: [
      ...[
        ["create", "jobs", "--delivery-delay-secs", "abc"],
        ["consumer", "add", "jobs", "x", "--batch-size", "0"],
        ["consumer", "add", "jobs", "x", "--batch-size", "abc"],
        ["consumer", "add", "jobs", "x", "--batch-timeout", "61"],
        ["consumer", "add", "jobs", "x", "--message-retries", "-1"],
        ["consumer", "http", "add", "jobs", "--batch-size", "1000"],
      ].map(
        (args): CliStep => ({
          ...q(...args),
          compare: ["exitCode"],
          reason: "wrangler sends the value to Cloudflare's API (its login error here); bunflare refuses it with the flag's range",
        }),
      ),
    ],
  },
  {
    name: "queues list answers from the local registry, where wrangler needs a Cloudflare login",
    fast: true,
    files: { "wrangler.toml": config, "index.js": worker },
    steps: [q("list")],
    expected: answeredLocally("test/queues.test.ts"),
  },
  {
    name: "queues purge needs --force without a terminal",
    files: { "wrangler.toml": config, "index.js": worker },
    fast: true,
    steps: [q("purge", "jobs")],
  },
];

// The producer's error texts and the consumer's MessageBatch, under both dev
// servers. (Beyond this case: wrangler dev keeps messages in memory, so a
// kill -9 loses every delayed one; bunflare keeps them in the store and
// delivers them after a restart: test/queues-dev.test.ts proves it.
// Not diffed: a Map sent with the default v8 content type reaches a wrangler
// dev consumer as a plain empty-looking object; bunflare delivers the Map, as
// the structured clone the runtime documents.)
const QUEUE_WORKER = `${ATTEMPT}
const seen = [];
const sent = (work) => attempt(work, () => "ok");
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/seen") return Response.json(seen.sort((a, b) => a.tag.localeCompare(b.tag)));
    if (url.pathname === "/count") return new Response(String(seen.length));
    const results = {
      json: await sent(() => env.Q.send({ tag: "a-json", n: 1 }, { contentType: "json" })),
      text: await sent(() => env.Q.send("b-text", { contentType: "text" })),
      v8: await sent(() => env.Q.send({ tag: "c-v8", list: [1, 2] })),
      batch: await sent(() => env.Q.sendBatch([{ body: "d-batch-1", contentType: "text" }, { body: "d-batch-2", contentType: "text" }])),
      oversize: await sent(() => env.Q.send("x".repeat(130000), { contentType: "text" })),
      badType: await sent(() => env.Q.send("x", { contentType: "yaml" })),
      undef: await sent(() => env.Q.send(undefined)),
      emptyBatch: await sent(() => env.Q.sendBatch([])),
      bigBatch: await sent(() => env.Q.sendBatch(Array.from({ length: 101 }, () => ({ body: 1 })))),
    };
    return Response.json(results);
  },
  async queue(batch) {
    for (const m of batch.messages) {
      const body = m.body;
      const tag = typeof body === "string" ? body : body instanceof Map ? body.get("tag") : (body?.tag ?? Object.prototype.toString.call(body));
      seen.push({ queue: batch.queue, tag, attempts: m.attempts, idLength: m.id.length, timestamp: m.timestamp instanceof Date });
    }
  },
};
`;

cases.push(
  devCase({
    name: "dev: queue producer errors and the consumer's MessageBatch",
    files: {
      "wrangler.toml":
        'name = "qdev"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[queues.producers]]\nbinding = "Q"\nqueue = "jobs"\n[[queues.consumers]]\nqueue = "jobs"\nmax_batch_timeout = 1\n',
      "index.js": QUEUE_WORKER,
    },
    compareStartup: true,
    requests: [{ path: "/send" }],
    reload: { files: {}, waitFor: "/count", until: /^5$/, requests: [{ path: "/seen" }] },
  }),
);

// What send(), sendBatch() and metrics() resolve to: the backlog before the
// messages went in (the runtime's QueueSendResponse), and a batch that is
// not a sequence. A short wait after each send lets wrangler's broker, which
// enqueues on a timer, count the message.
const METRICS_WORKER = `const shape = (m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v instanceof Date ? "Date" : v]));
const pause = () => new Promise((resolve) => setTimeout(resolve, 100));
export default {
  async fetch(request, env) {
    const first = await env.Q.send("abc", { contentType: "text" });
    await pause();
    const second = await env.Q.send("defg", { contentType: "text", delaySeconds: 0 });
    await pause();
    const batch = await env.Q.sendBatch([{ body: "x", contentType: "text" }]);
    await pause();
    const metrics = await env.Q.metrics();
    let notSequence;
    try { await env.Q.sendBatch("abc"); } catch (e) { notSequence = e.constructor.name + ": " + e.message; }
    return Response.json({ keys: Object.keys(first), first: shape(first.metadata.metrics), second: shape(second.metadata.metrics), batch: shape(batch.metadata.metrics), metrics: shape(metrics), notSequence });
  },
  async queue(batch) { batch.ackAll(); },
};
`;

cases.push(
  devCase({
    name: "dev: a queue producer's send results, metrics() and a batch that is not a sequence",
    files: {
      "wrangler.toml":
        'name = "qmetrics"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[queues.producers]]\nbinding = "Q"\nqueue = "jobs"\n[[queues.consumers]]\nqueue = "jobs"\nmax_batch_timeout = 30\n',
      "index.js": METRICS_WORKER,
    },
    requests: [{ path: "/" }],
    fast: true,
  }),
);

// A consumer that acks a message and then throws. Cloudflare's docs (Queues,
// "Explicit acknowledgement and retries"): "Messages that are explicitly
// acknowledged will not be re-delivered, even if your queue consumer fails on a
// subsequent message and/or fails to return successfully when processing a
// batch." wrangler dev (miniflare) retries the whole batch, the acked message too.
// Bunflare keeps the ack, as deployed queues do.
const ACK_THEN_THROW_WORKER = `const seen = [];
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/seen") return Response.json({ seen: [...seen].sort(), done: seen.includes("plain#2") });
    await env.Q.sendBatch([{ body: "acked", contentType: "text" }, { body: "plain", contentType: "text" }]);
    return new Response("sent");
  },
  async queue(batch) {
    for (const message of batch.messages) {
      seen.push(message.body + "#" + message.attempts);
      if (message.body === "acked") message.ack();
    }
    throw new Error("consumer failed after ack()");
  },
};
`;

cases.push(
  devCase({
    name: "dev: a message acked before the consumer throws is not delivered again",
    files: {
      "wrangler.toml":
        'name = "qack"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[queues.producers]]\nbinding = "Q"\nqueue = "jobs"\n[[queues.consumers]]\nqueue = "jobs"\nmax_batch_timeout = 1\nmax_retries = 1\n',
      "index.js": ACK_THEN_THROW_WORKER,
    },
    requests: [{ path: "/send" }],
    reload: {
      files: {},
      waitFor: "/seen",
      until: /"done":true/,
      requests: [
        {
          path: "/seen",
          expected: [
            {
              reason: "wrangler dev retries a message acked before the handler threw; Cloudflare's docs (and bunflare) keep the ack",
              wrangler: (text) => text.replace('\\"acked#2\\",', ""),
            },
          ],
        },
      ],
    },
  }),
);
