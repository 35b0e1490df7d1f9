// A real `bunflare dev` keeps answering while another process holds the write
// lock on data.sqlite (as a long `kv bulk put` does): the queue producer's send
// and the consumer pump's claim of a message that falls due meanwhile wait off
// the event loop, and both complete once the lock is released.
import { afterAll, expect, test } from "bun:test";
import path from "node:path";
import { cleanup, eventually, project, startDev, type DevProcess } from "./dev-helpers.ts";
import { holdLock } from "./lock-holder.ts";

const dirs: string[] = [];
const procs: DevProcess[] = [];
afterAll(async () => {
  for (const proc of procs) await proc.stop();
  for (const dir of dirs) cleanup(dir);
});

const WORKER = `
const seen = [];
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/send") {
      await env.Q.send(url.searchParams.get("body"), { delaySeconds: Number(url.searchParams.get("delay") ?? 0) });
      return new Response("sent");
    }
    if (url.pathname === "/seen") return Response.json(seen);
    return new Response("hello");
  },
  async queue(batch) {
    for (const message of batch.messages) seen.push(message.body);
  },
};
`;

test("dev answers requests while another process holds data.sqlite's lock; a queue send and the pump's claim complete after it", async () => {
  const dir = project({
    "wrangler.toml": `name = "pumps-lock"
main = "index.js"
compatibility_date = "2025-01-01"
[[queues.producers]]
binding = "Q"
queue = "work"
[[queues.consumers]]
queue = "work"
max_batch_size = 1
max_batch_timeout = 0
`,
    "index.js": WORKER,
  });
  dirs.push(dir);
  const dev = await startDev(dir);
  procs.push(dev);
  // Due one second from now: the pump claims it while the lock is held.
  const sentAt = Date.now();
  expect(await (await fetch(`${dev.url}/send?body=delayed&delay=1`)).text()).toBe("sent");

  const holder = holdLock(path.join(dir, ".bunflare", "data.sqlite"));
  try {
    expect(await holder.nextLine()).toBe("locked");
    let sent = false;
    const sending = fetch(`${dev.url}/send?body=later`).then(async (r) => ((sent = true), await r.text()));
    // Until the delayed message has been due for several pump polls, every
    // request to a route that touches no store is answered.
    let answered = 0;
    while (Date.now() < sentAt + 2_000) {
      expect(await (await fetch(`${dev.url}/`)).text()).toBe("hello");
      answered++;
    }
    expect(answered).toBeGreaterThan(10);
    expect(sent).toBe(false);
    expect(await (await fetch(`${dev.url}/seen`)).json()).toEqual([]);
    holder.release();
    expect(await sending).toBe("sent");
    await eventually(async () => ((await (await fetch(`${dev.url}/seen`)).json()) as string[]).sort().join() === "delayed,later");
  } finally {
    holder.child.kill();
  }
});
