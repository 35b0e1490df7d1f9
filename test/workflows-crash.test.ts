// kill -9 of `bunflare dev` with one workflow between two steps and another
// inside a sleep: after a restart, completed steps never run again and the
// sleep wakes at its original time.
import { afterAll, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { Database } from "bun:sqlite";
import path from "node:path";
import { eventually, project, startDev, type DevProcess } from "./dev-helpers.ts";
import { config, WORKER } from "./workflows-fixture.ts";

const running: DevProcess[] = [];
afterAll(async () => {
  for (const dev of running) await dev.stop();
});

const lines = (dir: string) => (existsSync(path.join(dir, "log.txt")) ? readFileSync(path.join(dir, "log.txt"), "utf8").trim().split("\n") : []);
const count = (dir: string, line: string) => lines(dir).filter((l) => l === line).length;
const status = async (dev: DevProcess, wf: string, id: string) => ((await (await fetch(`${dev.url}/status?wf=${wf}&id=${id}`)).json()) as { status: string; output?: unknown });

test("after kill -9, completed steps are not run again and a sleep keeps its wake-up time", async () => {
  const dir = project({ "src/index.js": WORKER });
  writeFileSync(path.join(dir, "wrangler.toml"), config(dir));
  let dev = await startDev(dir);
  running.push(dev);

  expect((await fetch(`${dev.url}/create?wf=GATED&id=g1&params=${encodeURIComponent('{"x":1}')}`)).status).toBe(200);
  expect((await fetch(`${dev.url}/create?wf=SLEEPER&id=s1&params=${encodeURIComponent('{"ms":6000}')}`)).status).toBe(200);
  // g1 is inside step two (step one done), s1 is inside its sleep.
  await eventually(async () => count(dir, "A:two-start") === 1 && (await status(dev, "SLEEPER", "s1")).status === "waiting");
  expect(count(dir, "A:one")).toBe(1);
  const db = new Database(path.join(dir, ".bunflare", "data.sqlite"));
  const wakeAt = (db.query("SELECT wake_at FROM workflow_steps WHERE instance = 's1' AND type = 'sleep'").get() as { wake_at: number }).wake_at;

  // Killed 2 s into the sleep: a sleep begun again at the restart would wake 2 s after the stored time.
  await Bun.sleep(2000);
  dev.child.kill("SIGKILL");
  await new Promise((resolve) => dev.child.once("exit", resolve));
  const restartedAt = Date.now();
  dev = await startDev(dir);
  running.push(dev);

  // The interrupted step two runs again (its attempt never finished); step one does not.
  await eventually(async () => count(dir, "A:two-start") === 2);
  writeFileSync(path.join(dir, "release"), "");
  await eventually(async () => (await status(dev, "GATED", "g1")).status === "complete", 20_000);
  expect(count(dir, "A:one")).toBe(1);
  expect(count(dir, "A:two-done")).toBe(1);
  expect((await status(dev, "GATED", "g1")).output).toEqual({ one: { n: 1, at: new Date(0).toISOString() }, two: 2, payload: { x: 1 }, instanceId: "g1", isDate: true });

  await eventually(async () => (await status(dev, "SLEEPER", "s1")).status === "complete", 20_000);
  expect(count(dir, "B:before")).toBe(1);
  const after = lines(dir).filter((l) => l.startsWith("B:after:"));
  expect(after.length).toBe(1);
  const woke = Number(after[0]!.split(":")[2]);
  // Woke at the stored time, not a fresh 6 s after the restart.
  expect(woke).toBeGreaterThanOrEqual(wakeAt);
  expect(woke).toBeLessThan(restartedAt + 6000);
  const stored = (db.query("SELECT wake_at FROM workflow_steps WHERE instance = 's1' AND type = 'sleep'").get() as { wake_at: number }).wake_at;
  expect(stored).toBe(wakeAt);
  db.close();
}, 60_000);
