// Workflow semantics under a real `bunflare dev`: retries and backoff,
// timeouts, NonRetryableError, non-serialisable results, repeated step names,
// waitForEvent, pause / resume / terminate / restart and the status shape.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { eventually, project, startDev, type DevProcess } from "./dev-helpers.ts";
import { config, WORKER } from "./workflows-fixture.ts";

let dev: DevProcess;
let dir: string;
beforeAll(async () => {
  dir = project({ "src/index.js": WORKER });
  writeFileSync(path.join(dir, "wrangler.toml"), config(dir));
  dev = await startDev(dir);
});
afterAll(async () => {
  await dev.stop();
});

const lines = () => (existsSync(path.join(dir, "log.txt")) ? readFileSync(path.join(dir, "log.txt"), "utf8").trim().split("\n") : []);
const call = async (route: string, params: Record<string, string>) => {
  const response = await fetch(`${dev.url}/${route}?wf=SEM&${new URLSearchParams(params)}`);
  return (await response.json()) as any;
};
const create = (id: string, params: unknown) => call("create", { id, params: JSON.stringify(params) });
const status = (id: string) => call("status", { id });
const settled = async (id: string, want: string) => {
  await eventually(async () => (await status(id)).status === want, 20_000);
  return status(id);
};

test("a failing step is retried with exponential backoff until it succeeds", async () => {
  await create("retry-exp", { kind: "retry", limit: 5, delay: 40, backoff: "exponential", failures: 3 });
  expect(await settled("retry-exp", "complete")).toEqual({ status: "complete", __LOCAL_DEV_STEP_OUTPUTS: ["ok after 4"], output: "ok after 4" });
  const times = lines().filter((l) => l.startsWith("R:")).map((l) => Number(l.split(":")[2]));
  expect(times.length).toBe(4);
  // Waits of 40, 80, 160 ms between attempts (at least; never less).
  expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(40);
  expect(times[2]! - times[1]!).toBeGreaterThanOrEqual(80);
  expect(times[3]! - times[2]!).toBeGreaterThanOrEqual(160);
});

test("a step that keeps failing errors the instance after limit + 1 attempts", async () => {
  const before = lines().filter((l) => l.startsWith("R:")).length;
  await create("retry-out", { kind: "retry", limit: 2, delay: 1, backoff: "linear", failures: 10 });
  expect(await settled("retry-out", "errored")).toEqual({ status: "errored", __LOCAL_DEV_STEP_OUTPUTS: [], output: null, error: { name: "Error", message: "boom 3" } });
  expect(lines().filter((l) => l.startsWith("R:")).length - before).toBe(3);
});

test("NonRetryableError fails the step at once", async () => {
  await create("nonretry", { kind: "nonretryable" });
  expect(await settled("nonretry", "errored")).toMatchObject({
    status: "errored",
    output: null,
    error: { name: "WorkflowFatalError", message: "The execution of the Workflow instance was terminated, as a step threw an NonRetryableError and it was not handled" },
  });
  expect(lines().filter((l) => l === "N:attempt").length).toBe(1);
});

test("a step that outlives its timeout fails with WorkflowTimeoutError", async () => {
  await create("timeout", { kind: "timeout" });
  expect(await settled("timeout", "errored")).toMatchObject({
    status: "errored",
    error: { name: "WorkflowTimeoutError", message: "Execution timed out after 50ms" },
  });
});

test("a step returning a function errors the instance as the runtime does", async () => {
  await create("serialise", { kind: "serialise" });
  expect(await settled("serialise", "errored")).toMatchObject({
    status: "errored",
    error: {
      name: "WorkflowFatalError",
      message: 'The execution of the Workflow instance was terminated, as the step "fn" returned a value which is not serialisable',
    },
  });
});

test("two steps with one name are two checkpoints, in order", async () => {
  await create("dup", { kind: "duplicate" });
  expect(await settled("dup", "complete")).toEqual({ status: "complete", __LOCAL_DEV_STEP_OUTPUTS: ["first", "second"], output: ["first", "second"] });
});

test("waitForEvent waits (status waiting) and returns the sent event", async () => {
  await create("evt", { kind: "event" });
  await settled("evt", "waiting");
  await call("event", { id: "evt", type: "approve", payload: JSON.stringify({ ok: true }) });
  expect(await settled("evt", "complete")).toMatchObject({ status: "complete", output: { payload: { ok: true }, type: "approve", isDate: true } });
});

test("waitForEvent times out with WorkflowTimeoutError", async () => {
  await create("evt-timeout", { kind: "event", timeout: 100 });
  expect(await settled("evt-timeout", "errored")).toMatchObject({
    status: "errored",
    error: { name: "WorkflowTimeoutError", message: "Execution timed out after 100ms" },
  });
});

test("pause, resume, terminate and restart move through the runtime's statuses", async () => {
  await create("ctl", { kind: "event" });
  await settled("ctl", "waiting");
  await call("action", { id: "ctl", action: "pause" });
  await settled("ctl", "paused");
  await call("action", { id: "ctl", action: "resume" });
  await settled("ctl", "waiting");
  await call("action", { id: "ctl", action: "terminate" });
  expect(await settled("ctl", "terminated")).toEqual({ status: "terminated", __LOCAL_DEV_STEP_OUTPUTS: [], output: null });
  await call("action", { id: "ctl", action: "restart" });
  await settled("ctl", "waiting");
  await call("event", { id: "ctl", type: "approve", payload: "1" });
  await settled("ctl", "complete");
});

test("unknown ids and duplicate ids are rejected", async () => {
  expect((await status("nope")).error).toContain("instance.not_found");
  await create("twice", { kind: "duplicate" });
  expect((await create("twice", { kind: "duplicate" })).error).toContain("instance.already_exists");
});

test("sleepUntil waits for its time; a time in the past is the runtime's error", async () => {
  await create("until", { kind: "until" });
  expect(await settled("until", "complete")).toMatchObject({ status: "complete", output: true });
  await create("past", { kind: "past" });
  expect(await settled("past", "errored")).toMatchObject({
    status: "errored",
    error: { name: "Error", message: "You can't sleep until a time in the past, time-traveler" },
  });
});

test("createBatch creates every instance, and each runs", async () => {
  const ids = ["batch-1", "batch-2", "batch-3"];
  expect(await call("batch", { ids: JSON.stringify(ids) })).toEqual(ids);
  for (const id of ids) expect(await settled(id, "complete")).toMatchObject({ output: ["first", "second"] });
});
