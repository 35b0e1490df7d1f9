// The programmatic API, importable as `bunflare` (package.json "exports"):
// getPlatformProxy() gives tests and scripts the worker's `env` with real bindings
// on the same `.bunflare/` store `bunflare dev` and the CLI use. Runs under Bun
// (`bun test`); the store is bun:sqlite, so Node and vitest-in-Node cannot load it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openProject } from "./project.ts";
import { loadDevVars } from "./config/vars.ts";
import { buildEnv, disposeEnv } from "../runtime/bindings/index.ts";
import { WorkerCacheStorage } from "../runtime/bindings/cache/index.ts";

export interface GetPlatformProxyOptions {
  /** The wrangler config to read (default: found from the working directory, as the CLI finds it). */
  configPath?: string;
  /** `[env.NAME]` to use, like `--env`. */
  environment?: string;
  /** true (default): the project's `.bunflare/` store; `{ path }`: that directory; false: a throwaway store. */
  persist?: boolean | { path: string };
}

export interface PlatformProxy<Env = Record<string, unknown>, CfProperties = Record<string, unknown>> {
  env: Env;
  cf: CfProperties;
  ctx: { waitUntil(promise: Promise<unknown>): void; passThroughOnException(): void; props: Record<string, unknown> };
  caches: WorkerCacheStorage;
  dispose(): Promise<void>;
}

/** A plausible request.cf, like the one wrangler's proxy serves locally. */
const CF = {
  asn: 395747,
  colo: "DFW",
  country: "US",
  city: "Austin",
  continent: "NA",
  region: "Texas",
  regionCode: "TX",
  postalCode: "78701",
  latitude: "30.27130",
  longitude: "-97.74260",
  timezone: "America/Chicago",
  httpProtocol: "HTTP/1.1",
  tlsVersion: "TLSv1.3",
  tlsCipher: "AEAD-AES256-GCM-SHA384",
  clientTcpRtt: 1,
  edgeRequestKeepAliveStatus: 1,
  requestPriority: "",
};

export async function getPlatformProxy<Env = Record<string, unknown>, CfProperties = Record<string, unknown>>(
  options: GetPlatformProxyOptions = {},
): Promise<PlatformProxy<Env, CfProperties>> {
  const throwaway = options.persist === false ? mkdtempSync(path.join(tmpdir(), "bunflare-proxy-")) : undefined;
  const persistTo = throwaway ?? (typeof options.persist === "object" ? options.persist.path : undefined);
  const project = openProject({ _: [], config: options.configPath, env: options.environment, "persist-to": persistTo });
  const { vars } = loadDevVars(project.loaded, {});
  const env = buildEnv({
    config: project.loaded.config,
    vars,
    store: () => project.store(),
    getExports: () => ({}),
    findService: () => undefined,
  });
  const pending: Promise<unknown>[] = [];
  let disposed = false;
  return {
    env: env as Env,
    cf: structuredClone(CF) as CfProperties,
    ctx: { waitUntil: (promise) => void pending.push(promise), passThroughOnException() {}, props: {} },
    caches: new WorkerCacheStorage(() => project.store()),
    async dispose() {
      if (disposed) return;
      disposed = true;
      await Promise.allSettled(pending);
      disposeEnv(env);
      project.store().close();
      if (throwaway) rmSync(throwaway, { recursive: true, force: true });
    },
  };
}

// Shared with the Node entry (src/node.mjs): the dev server runs as a child process in both runtimes.
export { unstable_dev, unstable_startWorker } from "./start-worker.mjs";
export type { StartDevWorkerInput, Unstable_DevOptions, Unstable_DevWorker, Worker } from "./start-worker.mjs";
