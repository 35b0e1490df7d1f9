// Cron triggers (`[triggers] crons`): one parser for config validation and the
// dev server's cron pump, and the store table where the pump claims each tick.
// Cloudflare takes five fields (minute hour day-of-month month day-of-week),
// Quartz-style extensions (`L`, `W`, `#`), month and weekday names, weekdays
// numbered 1-7 from Sunday; croner parses exactly that in "5-part" mode with
// alternative (Quartz) weekdays.
import type { Database } from "bun:sqlite";
import type { Cron } from "croner";
import { ensureSchema } from "./store/index.ts";

const FIELDS = ["minute", "hour", "day-of-month", "month", "day-of-week"];

export interface CronOptions {
  /**
   * Internal, for tests: a leading seconds field of "*" is added, so an
   * every-minute cron fires every second (BUNFLARE_INTERNAL_CRON_SECONDS=1).
   */
  seconds?: boolean;
}

/** Why Cloudflare would reject `expression`, or undefined when it is valid. */
export function cronProblem(expression: string): string | undefined {
  try {
    parseCron(expression);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Parses a cron trigger as Cloudflare does; throws an Error naming the reason when it is not valid. */
export function parseCron(expression: string, options: CronOptions = {}): Cron {
  const fields = expression.trim().split(/\s+/).filter(Boolean);
  if (fields.length !== 5) {
    throw new Error(`expected five fields (${FIELDS.join(" ")}), got ${fields.length}`);
  }
  // croner wraps weekday 8 round to Sunday and reports 0 as "-1": Cloudflare takes 1-7.
  for (const item of fields[4]!.split(",")) {
    for (const token of item.replace(/\/.*$/, "").split("-")) {
      const number = token.replace(/(L|#\d+)$/i, "");
      if (/^\d+$/.test(number) && (Number(number) < 1 || Number(number) > 7)) {
        throw new Error(`day-of-week ${number} is out of range (1-7 or SUN-SAT)`);
      }
    }
  }
  const pattern = options.seconds ? `* ${fields.join(" ")}` : fields.join(" ");
  try {
    // Required on first use: config validation of a project without crons never loads croner (~3 ms).
    const { Cron } = require("croner") as typeof import("croner");
    return new Cron(pattern, {
      paused: true,
      timezone: "UTC",
      mode: options.seconds ? "6-part" : "5-part",
      alternativeWeekdays: true,
    });
  } catch (error) {
    const reason = String((error as Error).message).replace(/^CronPattern: /, "");
    throw new Error(reason.charAt(0).toLowerCase() + reason.slice(1));
  }
}

/** The first tick of `cron` strictly after `time` (ms), if it ever fires again. */
export function nextTick(cron: Cron, time: number): number | undefined {
  return cron.nextRun(new Date(time))?.getTime();
}

/** The last tick of `cron` at or before `time` (ms) and strictly after `after`, if any. */
export function lastTickBetween(cron: Cron, after: number, time: number): number | undefined {
  const previous = cron.previousRuns(1, new Date(time + 1))[0]?.getTime();
  // previousRuns can stop one tick short of `time`: walk forward from it (few steps).
  let last = previous !== undefined && previous > after && previous <= time ? previous : undefined;
  for (let tick = nextTick(cron, last ?? after); tick !== undefined && tick <= time; tick = nextTick(cron, tick)) last = tick;
  return last;
}

const CRON_MIGRATIONS = [
  `CREATE TABLE cron_ticks (
     worker TEXT NOT NULL,
     cron TEXT NOT NULL,
     last_tick INTEGER NOT NULL,
     PRIMARY KEY (worker, cron)
   )`,
];

/** The scheduled time (ms) of the last tick claimed for this worker's cron, if any. */
export function lastClaimedTick(db: Database, worker: string, cron: string): number | undefined {
  ensureSchema(db, "crons", CRON_MIGRATIONS);
  const row = db.query("SELECT last_tick FROM cron_ticks WHERE worker = ? AND cron = ?").get(worker, cron) as
    | { last_tick: number }
    | null;
  return row?.last_tick;
}

/** Records `time` as the baseline for a cron seen for the first time (nothing was missed before it). */
export function rememberCron(db: Database, worker: string, cron: string, time: number): void {
  ensureSchema(db, "crons", CRON_MIGRATIONS);
  db.run("INSERT OR IGNORE INTO cron_ticks (worker, cron, last_tick) VALUES (?, ?, ?)", [worker, cron, time]);
}

/**
 * Claims the tick at `tick` for this worker's cron: true for exactly one caller,
 * however many dev processes share the store. One statement, so atomic in SQLite.
 */
export function claimTick(db: Database, worker: string, cron: string, tick: number): boolean {
  ensureSchema(db, "crons", CRON_MIGRATIONS);
  const result = db.run(
    "INSERT INTO cron_ticks (worker, cron, last_tick) VALUES (?, ?, ?) " +
      "ON CONFLICT (worker, cron) DO UPDATE SET last_tick = excluded.last_tick WHERE last_tick < excluded.last_tick",
    [worker, cron, tick],
  );
  return result.changes === 1;
}
