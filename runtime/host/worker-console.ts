// The console a worker's modules see (bound by the prelude in scope.ts, so the
// host's own console calls never come here). Where each level goes is the
// embedder's choice: `bunflare dev` hides levels below --log-level and prints
// console.warn / console.error in wrangler's WARNING / ERROR boxes; anywhere else
// (tests, getPlatformProxy) it is this process's console, with bundle frames in
// printed errors mapped to the user's files. The host's console is never wrapped:
// this is the one place a worker's lines pass through.
export type WorkerLogLevel = "log" | "info" | "debug" | "warn" | "error";
export type WorkerLogSink = (level: WorkerLogLevel, args: unknown[]) => void;

const LEVELS = new Set<PropertyKey>(["log", "info", "debug", "warn", "error"]);
/** Maps bundle frames in a printed value (set by runtime/host/index.ts, which keeps the source maps). */
let mapPrinted: (value: unknown) => unknown = (value) => value;
let sink: WorkerLogSink | undefined;
/** Records a line for the running invocation's tail consumers; set once a worker with tail consumers loads (tail.ts). */
let traceSink: WorkerLogSink | undefined;
const processConsole: WorkerLogSink = (level, args) => console[level](...args.map(mapPrinted));

export function setWorkerLogSink(next: WorkerLogSink): void {
  sink = next;
}

export function setTraceLogSink(next: WorkerLogSink): void {
  traceSink = next;
}

export function setPrintedMapper(next: (value: unknown) => unknown): void {
  mapPrinted = next;
}

const methods = new Map<PropertyKey, (...args: unknown[]) => void>([
  ...[...LEVELS].map((level): [PropertyKey, (...args: unknown[]) => void] => [
    level,
    (...args: unknown[]) => {
      traceSink?.(level as WorkerLogLevel, args);
      (sink ?? processConsole)(level as WorkerLogLevel, args);
    },
  ]),
  ["trace", (...args: unknown[]) => console.trace(...args.map(mapPrinted))],
]);

/** console, with the five levels sent to the sink; everything else (table, time, ...) is the real one. */
export const workerConsole: Console = new Proxy(console, {
  get: (target, key) => methods.get(key) ?? Reflect.get(target, key),
});

/**
 * A worker's console whose log, info and debug calls get `prefix` as their first argument,
 * as wrangler's dev patches a bundled worker's console when it runs several (`[name]`).
 */
export function prefixedConsole(prefix: string): Console {
  const prefixed = new Map<PropertyKey, (...args: unknown[]) => void>(
    ["log", "info", "debug"].map((level) => [level, (...args: unknown[]) => methods.get(level)!(prefix, ...args)]),
  );
  return new Proxy(console, {
    get: (target, key) => prefixed.get(key) ?? methods.get(key) ?? Reflect.get(target, key),
  });
}
