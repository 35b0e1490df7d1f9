// The queue producer binding and the `queues` commands against real stores
// and real processes: limits and error texts, content types, purge/delete,
// pause-delivery, and a dead process's lease taken back.
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore, type Store } from "../runtime/store/index.ts";
import { createQueueProducer, decode } from "../runtime/bindings/queues/index.ts";
import { claimBatch, countMessages, releaseDeadLeases } from "../runtime/bindings/queues/storage.ts";
import { getQueue } from "../runtime/bindings/queues/registry.ts";

const BIN = path.resolve(import.meta.dir, "..", "bin", "bunflare");
let dir: string;
let store: Store;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "queues-"));
  writeFileSync(path.join(dir, "wrangler.toml"), 'name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n');
  writeFileSync(path.join(dir, "index.js"), "export default { fetch() { return new Response('hi'); } };\n");
  store = openStore(path.join(dir, ".bunflare"));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

function run(...args: string[]) {
  // No Cloudflare credentials: the commands answer from the store, where wrangler would need a login.
  const { CLOUDFLARE_API_TOKEN: _token, CLOUDFLARE_ACCOUNT_ID: _account, ...env } = process.env;
  const result = Bun.spawnSync([BIN, ...args], { cwd: dir, env: { ...env, NO_COLOR: "1", CI: "true", HOME: dir }, stdout: "pipe", stderr: "pipe" });
  return { code: result.exitCode, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

test("send rejects what the runtime rejects, with its messages, and stores nothing", async () => {
  const q = createQueueProducer({ store, queue: "jobs" });
  await expect(q.send("x".repeat(128_001), { contentType: "text" })).rejects.toThrow(
    "Queue send failed: message length of 128001 bytes exceeds limit of 128000",
  );
  await expect(q.send("x", { contentType: "yaml" })).rejects.toThrow("Unsupported queue message content type: yaml");
  await expect(q.send(undefined)).rejects.toThrow("Message body cannot be undefined");
  await expect(q.send("x", { delaySeconds: 86_401 })).rejects.toThrow("message delay 86401 is invalid");
  await expect(q.sendBatch("abc" as never)).rejects.toThrow("Failed to execute 'sendBatch' on 'WorkerQueue': parameter 1 is not of type 'Sequence'.");
  await expect(q.sendBatch([])).rejects.toThrow("sendBatch() requires at least one message");
  await expect(q.sendBatch(Array.from({ length: 101 }, () => ({ body: 1 })))).rejects.toThrow(
    "Queue sendBatch failed: batch message count of 101 exceeds limit of 100",
  );
  await expect(q.sendBatch(Array.from({ length: 3 }, () => ({ body: "y".repeat(100_000), contentType: "text" })))).rejects.toThrow(
    "Queue sendBatch failed: batch size of 300000 bytes exceeds limit of 256000",
  );
  expect(countMessages(store, "jobs")).toBe(0);
});

test("send and sendBatch report the backlog before their messages, and metrics() the backlog now", async () => {
  const q = createQueueProducer({ store, queue: "jobs" });
  expect(await q.send("abc", { contentType: "text" })).toEqual({ metadata: { metrics: { backlogCount: 0, backlogBytes: 0 } } });
  // A delay of up to 24 hours is accepted; a delayed message is not in the backlog yet.
  await q.send("later", { contentType: "text", delaySeconds: 86_400 });
  const second = await q.sendBatch([{ body: "defg", contentType: "text" }]);
  expect(second.metadata.metrics).toMatchObject({ backlogCount: 1, backlogBytes: 3 });
  expect(second.metadata.metrics.oldestMessageTimestamp).toBeInstanceOf(Date);
  expect(await q.metrics()).toMatchObject({ backlogCount: 2, backlogBytes: 7 });
  // Messages in a consumer's hands are not backlog.
  claimBatch(store, "jobs", 10);
  expect(await q.metrics()).toEqual({ backlogCount: 0, backlogBytes: 0 });
});

test("every content type round-trips through the store", async () => {
  const q = createQueueProducer({ store, queue: "jobs" });
  await q.send("hello", { contentType: "text" });
  await q.send({ a: [1, 2] }, { contentType: "json" });
  await q.send(new Uint8Array([1, 2, 3]), { contentType: "bytes" });
  await q.send(new Map([["when", new Date(5)]]));
  const rows = claimBatch(store, "jobs", 10);
  const bodies = rows.map((row) => decode(row.body, row.content_type));
  expect(bodies[0]).toBe("hello");
  expect(bodies[1]).toEqual({ a: [1, 2] });
  expect([...new Uint8Array(bodies[2] as ArrayBuffer)]).toEqual([1, 2, 3]);
  expect((bodies[3] as Map<string, Date>).get("when")!.getTime()).toBe(5);
});

test("delivery_delay of the binding delays a message; claimed messages are not claimed again", async () => {
  const q = createQueueProducer({ store, queue: "jobs", deliveryDelay: 60 });
  await q.send("later");
  await q.send("now", { delaySeconds: 0 });
  const first = claimBatch(store, "jobs", 10);
  expect(first.map((row) => decode(row.body, row.content_type))).toEqual(["now"]);
  expect(claimBatch(store, "jobs", 10)).toEqual([]);
});

test("a lease held by a process that no longer exists is taken back", async () => {
  await createQueueProducer({ store, queue: "jobs" }).send("m");
  const dead = Bun.spawnSync(["true"]).pid;
  store.db.run("UPDATE queue_messages SET lease_owner = ?, lease_until = ?", [`${dead}:x`, Date.now() + 60_000]);
  expect(claimBatch(store, "jobs", 10)).toEqual([]);
  expect(releaseDeadLeases(store)).toBe(1);
  expect(claimBatch(store, "jobs", 10).length).toBe(1);
});

test("a consumer setting out of Cloudflare's limits, or a number flag given a word, is one error naming the flag and its range; the queue keeps its consumers", () => {
  expect(run("queues", "create", "jobs").code).toBe(0);
  expect(run("queues", "consumer", "add", "jobs", "app", "--batch-size", "5").code).toBe(0);
  const refused = (args: string[], message: string) => {
    const r = run("queues", ...args);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`[ERROR] ${message}`);
    expect(r.stderr).not.toContain("    at ");
  };
  refused(["consumer", "add", "jobs", "app", "--batch-size", "0"], "Invalid --batch-size value: 0. Must be an integer between 1 and 100");
  refused(["consumer", "add", "jobs", "app", "--batch-size", "abc"], "Invalid --batch-size value: not a number. Must be an integer between 1 and 100");
  refused(["consumer", "add", "jobs", "app", "--batch-timeout", "61"], "Invalid --batch-timeout value: 61. Must be a number between 0 and 60");
  refused(["consumer", "add", "jobs", "app", "--message-retries", "-1"], "Invalid --message-retries value: -1. Must be an integer between 0 and 100");
  refused(["consumer", "add", "jobs", "app", "--max-concurrency", "0"], "Invalid --max-concurrency value: 0. Must be an integer between 1 and 250");
  refused(["consumer", "add", "jobs", "app", "--retry-delay-secs", "1.5"], "Invalid --retry-delay-secs value: 1.5. Must be an integer between 0 and 86400");
  refused(["consumer", "http", "add", "jobs", "--batch-size", "1000"], "Invalid --batch-size value: 1000. Must be an integer between 1 and 100");
  refused(["create", "other", "--delivery-delay-secs", "abc"], "Invalid --delivery-delay-secs value: not a number. Must be between 0 and 86400");
  expect(getQueue(store, "jobs")!.settings.consumers).toEqual([{ type: "worker", script: "app", batch_size: 5 }]);
  expect(getQueue(store, "other")).toBeUndefined();
  // A fractional batch timeout is a number of seconds, not refused.
  expect(run("queues", "consumer", "add", "jobs", "app", "--batch-timeout", "2.5").code).toBe(0);
});

test("queues create / pause-delivery / consumer add / purge / delete work on the local store", async () => {
  let r = run("queues", "create", "jobs", "--delivery-delay-secs", "5");
  expect(r.code).toBe(0);
  expect(r.stdout).toContain("✅ Created queue 'jobs'");
  expect(getQueue(store, "jobs")!.settings.delivery_delay).toBe(5);
  expect(run("queues", "create", "jobs").code).toBe(1);

  r = run("queues", "pause-delivery", "jobs");
  expect(r.stdout).toContain("Paused message delivery for queue jobs.");
  expect(getQueue(store, "jobs")!.settings.delivery_paused).toBe(true);

  r = run("queues", "consumer", "add", "jobs", "app", "--batch-size", "3", "--batch-timeout", "2");
  expect(r.stdout).toContain("Added consumer to queue jobs.");
  expect(getQueue(store, "jobs")!.settings.consumers).toEqual([{ type: "worker", script: "app", batch_size: 3, max_wait_time_ms: 2000 }]);
  expect(run("queues", "info", "jobs").stdout).toContain("Consumers: worker:app");
  r = run("queues", "list");
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/│ id\s+│ name\s+│ created_on\s+│ modified_on\s+│ producers\s+│ consumers\s+│/);
  expect(r.stdout).toMatch(/│ jobs\s+│ \d{4}-\d\d-\d\dT[^│]+│ \d{4}-[^│]+│ 0\s+│ 1\s+│/);

  await createQueueProducer({ store, queue: "jobs" }).send("m");
  expect(run("queues", "purge", "jobs").code).toBe(1);
  expect(countMessages(store, "jobs")).toBe(1);
  r = run("queues", "purge", "jobs", "--force");
  expect(r.stdout).toContain("Purged Queue 'jobs'");
  expect(countMessages(store, "jobs")).toBe(0);

  r = run("queues", "delete", "nope");
  expect(r.code).toBe(1);
  expect(r.stderr).toContain('Queue "nope" does not exist. To create it, run: wrangler queues create nope');
  expect(run("queues", "delete", "jobs").stdout).toContain("Deleted queue jobs.");
  expect(getQueue(store, "jobs")).toBeUndefined();
});
