// Types of the `bunflare` package's programmatic API (src/api.ts), for editors and tsc.
// Binding types come from @cloudflare/workers-types when the project has them.

export interface GetPlatformProxyOptions {
  /** The wrangler config to read (default: found from the working directory, as the CLI finds it). */
  configPath?: string;
  /** `[env.NAME]` to use, like `--env`. */
  environment?: string;
  /** true (default): the project's `.bunflare/` store; `{ path }`: that directory; false: a throwaway store. */
  persist?: boolean | { path: string };
}

export interface PlatformProxyCache {
  match(request: Request | string | URL, options?: { ignoreMethod?: boolean }): Promise<Response | undefined>;
  put(request: Request | string | URL, response: Response): Promise<void>;
  delete(request: Request | string | URL, options?: { ignoreMethod?: boolean }): Promise<boolean>;
}

export interface PlatformProxy<Env = Record<string, unknown>, CfProperties = Record<string, unknown>> {
  /** The worker's bindings and vars, on the same `.bunflare/` store as `bunflare dev`. */
  env: Env;
  cf: CfProperties;
  ctx: { waitUntil(promise: Promise<unknown>): void; passThroughOnException(): void; props: Record<string, unknown> };
  caches: { default: PlatformProxyCache; open(name: string): Promise<PlatformProxyCache> };
  /** Waits for waitUntil work and closes the store. */
  dispose(): Promise<void>;
}

export function getPlatformProxy<Env = Record<string, unknown>, CfProperties = Record<string, unknown>>(
  options?: GetPlatformProxyOptions,
): Promise<PlatformProxy<Env, CfProperties>>;

export { unstable_dev, unstable_startWorker } from "./start-worker.mjs";
export type { StartDevWorkerInput, Unstable_DevOptions, Unstable_DevWorker, Worker } from "./start-worker.mjs";
