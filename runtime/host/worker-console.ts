// The console a worker's modules see (bound by the prelude in scope.ts, so the
// host's own console calls never come here). Where each level goes is the
// embedder's choice: `bunflare dev` hides levels below --log-level and prints
// console.warn / console.error in wrangler's WARNING / ERROR boxes; anywhere else
// (tests, getPlatformProxy) it is this process's console.
export type WorkerLogLevel = "log" | "info" | "debug" | "warn" | "error";
export type WorkerLogSink = (level: WorkerLogLevel, args: unknown[]) => void;

const LEVELS = new Set<PropertyKey>(["log", "info", "debug", "warn", "error"]);
let sink: WorkerLogSink = (level, args) => console[level](...args);

export function setWorkerLogSink(next: WorkerLogSink): void {
  sink = next;
}

const methods = new Map<PropertyKey, (...args: unknown[]) => void>(
  [...LEVELS].map((level) => [level, (...args: unknown[]) => sink(level as WorkerLogLevel, args)]),
);

/** console, with the five levels sent to the sink; everything else (table, time, ...) is the real one. */
export const workerConsole: Console = new Proxy(console, {
  get: (target, key) => methods.get(key) ?? Reflect.get(target, key),
});
