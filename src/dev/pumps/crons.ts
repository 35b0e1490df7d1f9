// Cron triggers under `bunflare dev` (wrangler dev never fires them): each cron
// of each worker fires on its schedule. Ticks are claimed in the store, so two
// dev processes on one store fire a tick once between them, and a tick missed
// while no server ran fires at most once, on start.
import type { Cron } from "croner";
import { claimTick, lastClaimedTick, lastTickBetween, nextTick, parseCron, rememberCron } from "../../../runtime/crons.ts";
import { withoutBlocking } from "../../../runtime/store/lock.ts";
import type { Pump, PumpSession, SessionWorker } from "./types.ts";

/** Re-read the clock at least this often, so a suspended laptop or a changed clock is noticed. */
const MAX_SLEEP_MS = 30_000;

export interface CronPumpOptions {
  /** The clock (ms since the epoch); tests inject a fake one. */
  now?: () => number;
  /** Arm real timers (off in unit tests, which call `check()` themselves). */
  timers?: boolean;
  /** Internal, for tests: crons get a leading "*" seconds field (every-minute fires every second). */
  seconds?: boolean;
}

interface Job {
  worker: SessionWorker;
  key: string;
  cron: string;
  schedule: Cron;
  /** The next tick to fire (ms), or undefined when the cron never fires again. */
  next: number | undefined;
}

export interface CronPump extends Pump {
  /** Fires every tick that is due now; resolves once those scheduled() calls have settled. */
  check(): Promise<void>;
  /** The earliest upcoming tick, if any (for tests and the timer). */
  nextDue(): number | undefined;
}

export function startCronPump(session: PumpSession, options: CronPumpOptions = {}): CronPump | undefined {
  if (session.args.crons === false) return undefined;
  const now = options.now ?? Date.now;
  const timers = options.timers ?? true;
  const seconds = options.seconds ?? process.env.BUNFLARE_INTERNAL_CRON_SECONDS === "1";
  let jobs: Job[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const inFlight = new Set<Promise<void>>();

  const fire = (job: Job, tick: number) => {
    // The claim waits for another process's write lock without stopping requests.
    const run = withoutBlocking(job.worker.store.db, () => claimTick(job.worker.store.db, job.key, job.cron, tick)).then((claimed) => {
      const worker = claimed ? job.worker.current() : undefined;
      if (!worker) return;
      return worker.scheduled(job.cron, tick).then(
        (result) => {
          // wrangler tail's line for a scheduled event.
          const outcome = result.outcome === "ok" ? "Ok" : "Exception Thrown";
          session.log("info", `[wrangler:info] "${job.cron}" @ ${new Date(tick).toLocaleString()} - ${outcome}`);
        },
        (error) => session.reportError(error, worker),
      );
    }, (error) => session.reportError(error));
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
  };

  /** (Re)builds the job list from the session's config; a tick missed while down fires once. */
  const load = () => {
    const time = now();
    const next: Job[] = [];
    for (const worker of session.workers()) {
      const key = worker.name ?? "";
      for (const cron of new Set(worker.config.triggers?.crons ?? [])) {
        let schedule: Cron;
        try {
          schedule = parseCron(cron, { seconds });
        } catch {
          continue; // config validation already reported it
        }
        const known = jobs.find((job) => job.worker.name === worker.name && job.cron === cron);
        if (known) {
          next.push({ ...known, worker, schedule });
          continue;
        }
        const last = lastClaimedTick(worker.store.db, key, cron);
        if (last === undefined) rememberCron(worker.store.db, key, cron, time);
        // A tick missed while no server ran is due at once (the first check fires the latest only).
        const missed = last === undefined ? undefined : lastTickBetween(schedule, last, time);
        next.push({ worker, key, cron, schedule, next: missed ?? nextTick(schedule, time) });
      }
    }
    jobs = next;
  };

  const check = async () => {
    const time = now();
    for (const job of jobs) {
      if (job.next === undefined || job.next > time) continue;
      // Several ticks due at once (the machine slept): fire the latest only.
      const tick = lastTickBetween(job.schedule, job.next - 1, time) ?? job.next;
      job.next = nextTick(job.schedule, time);
      fire(job, tick);
    }
    await Promise.all(inFlight);
  };

  const nextDue = () => {
    let earliest: number | undefined;
    for (const job of jobs) if (job.next !== undefined && (earliest === undefined || job.next < earliest)) earliest = job.next;
    return earliest;
  };

  const arm = () => {
    if (!timers || stopped) return;
    clearTimeout(timer);
    const due = nextDue();
    if (due === undefined) return;
    timer = setTimeout(() => {
      // check() moves each fired job's next tick on before it awaits; a store error is reported, not fatal.
      check().catch((error) => session.reportError(error));
      arm();
    }, Math.min(Math.max(due - now(), 0), MAX_SLEEP_MS));
  };

  load();
  arm();

  return {
    banner() {
      if (jobs.length === 0) return [];
      const url = session.url() ?? "http://localhost:8787";
      return [
        "⏲ Cron triggers fire on their schedule while bunflare dev runs (switch off with --no-crons):",
        ...jobs.map((job) => `  - "${job.cron}"${session.workers().length > 1 && job.worker.name ? ` (${job.worker.name})` : ""}`),
        "  To trigger a scheduled event now, run:",
        `    curl "${url}/cdn-cgi/handler/scheduled"`,
      ];
    },
    reload() {
      load();
      arm();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await Promise.all(inFlight);
    },
    check,
    nextDue,
  };
}
