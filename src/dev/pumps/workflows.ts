// Runs the session's workflow instances found in the store: created by
// env.WF.create() here, by `bunflare workflows trigger`, by another dev
// process, or left running by a server that stopped or was killed. A lease
// in SQLite keeps two processes on one store from running one instance at
// once; checkpoints (runtime/bindings/workflows) keep completed steps from
// running twice.
import type { Pump, PumpFactory, SessionWorker } from "./types.ts";
import { withoutBlocking } from "../../../runtime/store/lock.ts";

/** How often the store is looked at for instances another process queued (in-process creates wake the pump at once). */
const SCAN_MS = 250;
const RENEW_MS = 10_000;

interface Owned {
  workflow: string;
  className: string;
  worker: SessionWorker;
}

export const workflowsPump: PumpFactory = (session) => {
  const owned = (): Owned[] =>
    session.workers().flatMap((worker) =>
      (worker.config.workflows ?? [])
        .filter((entry) => !entry.script_name || entry.script_name === worker.config.name)
        .map((entry) => ({ workflow: entry.name, className: entry.class_name, worker })),
    );
  if (owned().length === 0) return undefined;
  const store = () => require("../../../runtime/bindings/workflows/store.ts") as typeof import("../../../runtime/bindings/workflows/store.ts");
  const engine = () => require("../../../runtime/bindings/workflows/engine.ts") as typeof import("../../../runtime/bindings/workflows/engine.ts");

  const running = new Map<string, Promise<unknown>>();
  let stopped = false;
  const abort = new AbortController();
  let reported = new Set<string>();

  const classOf = (entry: Owned) => entry.worker.current()?.exports[entry.className];
  const checkExports = () => {
    for (const entry of owned()) {
      const key = `${entry.workflow}:${entry.className}`;
      if (entry.worker.current() && typeof classOf(entry) !== "function" && !reported.has(key)) {
        reported.add(key);
        session.log(
          "error",
          `Workflow "${entry.workflow}" uses class "${entry.className}", which is not exported by the worker${entry.worker.name ? ` "${entry.worker.name}"` : ""}: its instances stay queued until the class is exported.`,
        );
      }
    }
  };

  const scan = () => {
    if (stopped) return;
    for (const entry of owned()) {
      const loaded = entry.worker.current();
      if (!loaded || typeof classOf(entry) !== "function") continue;
      for (const row of store().runnableInstances(entry.worker.store, entry.workflow)) {
        const key = `${entry.workflow}\0${row.id}`;
        if (running.has(key)) continue;
        const run = engine()
          .runInstance({
            store: entry.worker.store,
            workflow: entry.workflow,
            id: row.id,
            getClass: () => {
              const cls = classOf(entry);
              if (typeof cls !== "function") throw new Error(`Workflow class "${entry.className}" is not exported by the worker.`);
              return cls as never;
            },
            getEnv: () => entry.worker.current()?.env ?? {},
            onError: (error) => session.reportError(error, entry.worker.current()),
            signal: abort.signal,
          })
          .catch((error) => session.reportError(error, entry.worker.current()))
          .finally(() => {
            running.delete(key);
            // An instance resumed or restarted while it ran here is picked up again.
            queueMicrotask(scan);
          });
        running.set(key, run);
      }
    }
  };

  checkExports();
  const unsubscribe = store().onRunnable(() => queueMicrotask(scan));
  const timer = setInterval(scan, SCAN_MS);
  const renew = setInterval(() => {
    const stores = new Set(owned().map((entry) => entry.worker.store));
    for (const s of stores) void withoutBlocking(s.db, () => store().renewLeases(s)).catch((error) => session.reportError(error));
  }, RENEW_MS);
  scan();

  const pump: Pump = {
    reload() {
      reported = new Set();
      checkExports();
      scan();
    },
    async stop() {
      stopped = true;
      abort.abort();
      clearInterval(timer);
      clearInterval(renew);
      unsubscribe();
      await Promise.allSettled([...running.values()]);
    },
  };
  return pump;
};
