// Cron triggers: parsing as Cloudflare does, config errors, and the dev pump
// that fires crons on schedule (fake clock for the pump's rules, real
// `bunflare dev` processes for the end-to-end and two-process cases).
import { afterEach, describe, expect, setDefaultTimeout, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseCron, cronProblem } from "../runtime/crons.ts";
import { openStore, type Store } from "../runtime/store/index.ts";
import type { LoadedWorker } from "../runtime/host/index.ts";
import type { WorkerConfig } from "../src/config/types.ts";
import { startCronPump } from "../src/dev/pumps/crons.ts";
import { holdLock } from "./lock-holder.ts";
import type { PumpSession } from "../src/dev/pumps/types.ts";
import { cleanup, project, ROOT, startDev, strip, type DevProcess } from "./dev-helpers.ts";

setDefaultTimeout(30_000);

const dirs: string[] = [];
const stores: Store[] = [];
const running: DevProcess[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((dev) => dev.stop()));
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) cleanup(dir);
});

const at = (iso: string) => Date.parse(iso);

describe("cron expressions", () => {
  test("accepts what Cloudflare documents: five fields, names, L, W, #, weekdays 1-7 from Sunday", () => {
    const next = (cron: string, from: string) => parseCron(cron).nextRun(new Date(from))?.toISOString();
    expect(next("* * * * *", "2026-11-30T20:00:30Z")).toBe("2026-11-30T20:01:00.000Z");
    expect(next("*/30 * * * *", "2026-11-30T20:00:30Z")).toBe("2026-11-30T20:30:00.000Z");
    // 2026-12-06 is a Sunday: "sun" and 1 are the same day.
    expect(next("0 17 * * sun", "2026-12-01T00:00:00Z")).toBe("2026-12-06T17:00:00.000Z");
    expect(next("0 17 * * 1", "2026-12-01T00:00:00Z")).toBe("2026-12-06T17:00:00.000Z");
    expect(next("10 7 * * mon-fri", "2026-12-05T00:00:00Z")).toBe("2026-12-07T07:10:00.000Z");
    expect(next("10 7 * * 2-6", "2026-12-05T00:00:00Z")).toBe("2026-12-07T07:10:00.000Z");
    // The last Friday of December 2026 is the 25th.
    expect(next("0 18 * * 6L", "2026-12-01T00:00:00Z")).toBe("2026-12-25T18:00:00.000Z");
    expect(next("0 18 * * friL", "2026-12-01T00:00:00Z")).toBe("2026-12-25T18:00:00.000Z");
    expect(next("0 10 * * MON#2", "2026-12-01T00:00:00Z")).toBe("2026-12-14T10:00:00.000Z");
    // The last weekday of January 2027 is Friday the 29th; the 15th of August 2027 is a Sunday.
    expect(next("59 23 LW * *", "2027-01-01T00:00:00Z")).toBe("2027-01-29T23:59:00.000Z");
    expect(next("0 0 15W aug *", "2027-01-01T00:00:00Z")).toBe("2027-08-16T00:00:00.000Z");
  });

  test("rejects what Cloudflare rejects, saying why", () => {
    expect(cronProblem("* * * *")).toBe("expected five fields (minute hour day-of-month month day-of-week), got 4");
    expect(cronProblem("0 * * * * *")).toBe("expected five fields (minute hour day-of-month month day-of-week), got 6");
    expect(cronProblem("@daily")).toBe("expected five fields (minute hour day-of-month month day-of-week), got 1");
    expect(cronProblem("61 * * * *")).toBe("invalid value for minute: 61");
    expect(cronProblem("0 0 * * 0")).toBe("day-of-week 0 is out of range (1-7 or SUN-SAT)");
    expect(cronProblem("0 0 * * 2-8")).toBe("day-of-week 8 is out of range (1-7 or SUN-SAT)");
    expect(cronProblem("0 0 * foo *")).toBeString();
    expect(cronProblem("0 0 * * 7")).toBeUndefined();
  });

  test("a bad cron in the config is one error naming it and where; exit 1, for dev and other commands", () => {
    const dir = project({
      "wrangler.toml":
        'name = "c"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[triggers]\ncrons = ["*/5 * * * *", "0 25 * * *"]\n',
      "index.js": "export default { scheduled() {} };\n",
    });
    dirs.push(dir);
    const expected =
      '- "triggers.crons[1]" is not a valid cron expression: "0 25 * * *" (invalid value for hour: 25).';
    for (const args of [["dev", "--port", "0"], ["kv", "namespace", "list"]]) {
      const run = spawnSync(path.join(ROOT, "bin", "bunflare"), args, { cwd: dir, env: { ...process.env, NO_COLOR: "1", HOME: dir } });
      const stderr = strip(run.stderr.toString());
      expect(run.status).toBe(1);
      expect(stderr).toContain("Processing wrangler.toml configuration:");
      expect(stderr).toContain(expected);
      expect(stderr).not.toContain("    at ");
    }
  });
});

interface Fired {
  cron: string;
  scheduledTime: number;
}

/** A pump session over one fake worker, with a store of its own connection on `dir`. */
function fakeSession(dir: string, crons: string[], fired: Fired[], name = "w") {
  const store = openStore(dir);
  stores.push(store);
  const worker = {
    async scheduled(cron: string, scheduledTime: number) {
      fired.push({ cron, scheduledTime });
      return { outcome: "ok" as const, noRetry: false };
    },
  } as unknown as LoadedWorker;
  const lines: string[] = [];
  const session: PumpSession = {
    args: {} as PumpSession["args"],
    url: () => "http://localhost:8787",
    workers: () => [{ name, config: { triggers: { crons } } as WorkerConfig, store, storeExists: () => true, current: () => worker }],
    log: (_level, line) => lines.push(line),
    reportError: (error) => {
      throw error;
    },
  };
  return { session, lines };
}

function storeDir() {
  const dir = mkdtempSync(path.join(tmpdir(), "bunflare-crons-"));
  dirs.push(dir);
  return dir;
}

describe("cron pump", () => {
  test("fires each cron at its scheduled time, once per tick, with a wrangler-style log line", async () => {
    const fired: Fired[] = [];
    let clock = at("2026-11-30T20:00:30Z");
    const { session, lines } = fakeSession(storeDir(), ["* * * * *", "*/5 * * * *"], fired);
    const pump = startCronPump(session, { now: () => clock, timers: false })!;
    await pump.check();
    expect(fired).toEqual([]);
    expect(pump.nextDue()).toBe(at("2026-11-30T20:01:00Z"));
    clock = at("2026-11-30T20:01:00Z");
    await pump.check();
    await pump.check();
    expect(fired).toEqual([{ cron: "* * * * *", scheduledTime: at("2026-11-30T20:01:00Z") }]);
    clock = at("2026-11-30T20:05:00.500Z");
    await pump.check();
    expect(fired.slice(1)).toEqual([
      { cron: "* * * * *", scheduledTime: at("2026-11-30T20:05:00Z") },
      { cron: "*/5 * * * *", scheduledTime: at("2026-11-30T20:05:00Z") },
    ]);
    expect(lines[0]).toBe(`[wrangler:info] "* * * * *" @ ${new Date(at("2026-11-30T20:01:00Z")).toLocaleString()} - Ok`);
    expect(pump.banner!()).toEqual([
      "⏲ Cron triggers fire on their schedule while bunflare dev runs (switch off with --no-crons):",
      '  - "* * * * *"',
      '  - "*/5 * * * *"',
      "  To trigger a scheduled event now, run:",
      '    curl "http://localhost:8787/cdn-cgi/handler/scheduled"',
    ]);
    await pump.stop();
  });

  test("a tick due while another process holds data.sqlite's lock is claimed without blocking the event loop, and fires after", async () => {
    const dir = storeDir();
    const fired: Fired[] = [];
    let clock = at("2026-11-30T20:00:30Z");
    const pump = startCronPump(fakeSession(dir, ["* * * * *"], fired).session, { now: () => clock, timers: false })!;
    await pump.check();
    const holder = holdLock(path.join(dir, "data.sqlite"));
    try {
      expect(await holder.nextLine()).toBe("locked");
      clock = at("2026-11-30T20:01:00Z");
      let done = false;
      const checking = pump.check().then(() => (done = true));
      // Timers keep firing while the claim waits for the lock.
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 1));
      expect(done).toBe(false);
      expect(fired).toEqual([]);
      holder.release();
      await checking;
      expect(fired).toEqual([{ cron: "* * * * *", scheduledTime: at("2026-11-30T20:01:00Z") }]);
    } finally {
      holder.child.kill();
      await pump.stop();
    }
  });

  test("ticks missed while no server ran fire at most once, on start; a first start fires nothing", async () => {
    const dir = storeDir();
    const fired: Fired[] = [];
    let clock = at("2026-11-30T20:00:30Z");
    const first = startCronPump(fakeSession(dir, ["* * * * *"], fired).session, { now: () => clock, timers: false })!;
    await first.check();
    expect(fired).toEqual([]);
    clock = at("2026-11-30T20:01:00Z");
    await first.check();
    await first.stop();
    expect(fired).toHaveLength(1);

    // Three hours down: 180 ticks missed, one fires on start, at the latest missed time.
    clock = at("2026-11-30T23:01:30Z");
    const second = startCronPump(fakeSession(dir, ["* * * * *"], fired).session, { now: () => clock, timers: false })!;
    await second.check();
    expect(fired.slice(1)).toEqual([{ cron: "* * * * *", scheduledTime: at("2026-11-30T23:01:00Z") }]);
    await second.stop();

    // Restarting again within the same minute replays nothing.
    const third = startCronPump(fakeSession(dir, ["* * * * *"], fired).session, { now: () => clock, timers: false })!;
    await third.check();
    expect(fired).toHaveLength(2);
    await third.stop();
  });

  test("two pumps on one store fire each tick once between them", async () => {
    const dir = storeDir();
    const firedA: Fired[] = [];
    const firedB: Fired[] = [];
    let clock = at("2026-11-30T20:00:30Z");
    const a = startCronPump(fakeSession(dir, ["* * * * *"], firedA).session, { now: () => clock, timers: false })!;
    const b = startCronPump(fakeSession(dir, ["* * * * *"], firedB).session, { now: () => clock, timers: false })!;
    for (let minute = 1; minute <= 5; minute++) {
      clock = at(`2026-11-30T20:0${minute}:00Z`);
      await Promise.all([b.check(), a.check()]);
    }
    const times = [...firedA, ...firedB].map((f) => f.scheduledTime).sort();
    expect(times).toEqual([1, 2, 3, 4, 5].map((minute) => at(`2026-11-30T20:0${minute}:00Z`)));
    await Promise.all([a.stop(), b.stop()]);
  });

  test("--no-crons starts no pump", () => {
    const { session } = fakeSession(storeDir(), ["* * * * *"], []);
    expect(startCronPump({ ...session, args: { crons: false } as PumpSession["args"] })).toBeUndefined();
  });
});

describe("crons under bunflare dev", () => {
  const files = {
    "wrangler.toml": 'name = "cron-worker"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[triggers]\ncrons = ["* * * * *"]\n',
    "index.js":
      "export default {\n" +
      '  fetch() { return new Response("x"); },\n' +
      '  async scheduled(controller) { console.log("fired " + controller.cron + " at " + controller.scheduledTime + " " + typeof controller.noRetry); },\n' +
      "};\n",
  };
  // Every-minute crons fire every second here (internal test option), so no test waits a minute.
  const env = { BUNFLARE_INTERNAL_CRON_SECONDS: "1" };
  const firings = (dev: DevProcess) => [...dev.output().matchAll(/fired \* \* \* \* \* at (\d+) function/g)].map((m) => Number(m[1]));

  test("the worker's cron fires on its schedule, announced in the banner", async () => {
    const dir = project(files);
    dirs.push(dir);
    const dev = await startDev(dir, [], { env });
    running.push(dev);
    await dev.waitForOutput(/Cron triggers fire on their schedule while bunflare dev runs/);
    await dev.waitForOutput(/curl "http:\/\/localhost:\d+\/cdn-cgi\/handler\/scheduled"/);
    await dev.waitForOutput(/fired \* \* \* \* \* at \d+ function[\s\S]*fired \* \* \* \* \* at \d+ function/);
    await dev.waitForOutput(/\[wrangler:info\] "\* \* \* \* \*" @ .* - Ok/);
    const times = firings(dev);
    for (const time of times) expect(time % 1000).toBe(0);
    expect(new Set(times).size).toBe(times.length);
    expect(dev.output()).not.toContain("Scheduled Workers are not automatically triggered");
  });

  test("after kill -9, the ticks missed while down fire once on restart, not each", async () => {
    const dir = project(files);
    dirs.push(dir);
    const a = await startDev(dir, [], { env });
    running.push(a);
    await a.waitForOutput(/fired \* \* \* \* \* at \d+ function/);
    a.child.kill("SIGKILL");
    await new Promise((resolve) => (a.child.exitCode !== null || a.child.signalCode !== null ? resolve(null) : a.child.once("exit", resolve)));
    const lastA = Math.max(...firings(a));
    // Down long enough that at least three ticks (one a second here) are missed.
    while (Date.now() < lastA + 4000) await Bun.sleep(100);
    const b = await startDev(dir, [], { env });
    running.push(b);
    await b.waitForOutput(/(fired \* \* \* \* \* at \d+ function[\s\S]*){3}/);
    const times = firings(b);
    // The first is the latest missed tick (A may have claimed one more before it died);
    // the ones between it and A's last were not replayed; then one a second.
    expect(times[0]! - lastA).toBeGreaterThanOrEqual(3000);
    expect(times.filter((time) => time > lastA && time < times[0]!)).toEqual([]);
    expect(times[1]! - times[0]!).toBe(1000);
    expect(new Set(times).size).toBe(times.length);
  });

  test("two dev processes on one store do not both fire the same tick", async () => {
    const dir = project(files);
    dirs.push(dir);
    const a = await startDev(dir, [], { env });
    running.push(a);
    const b = await startDev(dir, [], { env });
    running.push(b);
    // Wait until both have been running through several ticks together.
    const started = Math.max(...[a, b].map((dev) => firings(dev).at(-1) ?? 0));
    const collect = async () => {
      for (;;) {
        const all = [...firings(a), ...firings(b)];
        if (all.filter((time) => time > started).length >= 6) return all;
        await Bun.sleep(50);
      }
    };
    const all = await collect();
    expect(new Set(all).size).toBe(all.length);
  });
});
