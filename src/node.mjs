// The package's entry under Node (package.json "exports" → "node"): the parts of the
// API that work there. unstable_startWorker / unstable_dev start `bunflare dev` as a
// Bun child process, exactly as under Bun; getPlatformProxy needs the store in this
// process, and the store is bun:sqlite.
export { unstable_dev, unstable_startWorker } from "./start-worker.mjs";

export async function getPlatformProxy() {
  throw new Error(
    "getPlatformProxy() runs under Bun only (the .bunflare store is bun:sqlite): run these tests with `bun test`, or use unstable_startWorker() / unstable_dev(), which work under Node too.",
  );
}
