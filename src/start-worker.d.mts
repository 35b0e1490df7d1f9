// Types of unstable_startWorker() and unstable_dev() (src/start-worker.mjs), a subset of
// wrangler's: the options bunflare dev has flags for. Both run under Bun and Node.

type LogLevel = "none" | "error" | "warn" | "info" | "log" | "debug";

export interface StartDevWorkerInput {
  /** The Worker's name (like `--name`). */
  name?: string;
  /** The entry point, like `bunflare dev <script>` (default: the config's `main`). */
  entrypoint?: string;
  /** The wrangler config file (default: found from the working directory, as the CLI finds it). */
  config?: string;
  compatibilityDate?: string;
  compatibilityFlags?: string[];
  /** `[env.NAME]` to use, like `--env`. */
  env?: string;
  envFiles?: string[];
  /** Extra vars; only `plain_text` and `json` bindings (others belong in the config file). */
  bindings?: Record<string, { type: "plain_text"; value: string } | { type: "json"; value: unknown }>;
  build?: { bundle?: boolean };
  dev?: {
    server?: { hostname?: string; port?: number; secure?: boolean; httpsKeyPath?: string; httpsCertPath?: string };
    /** A directory for the `.bunflare` store, or false for a throwaway one removed by dispose(). Default: the project's. */
    persist?: string | false;
    logLevel?: LogLevel;
    liveReload?: boolean;
    testScheduled?: boolean;
  };
}

export interface Worker {
  /** Settles once the dev server serves requests (rejects if it stops first). */
  ready: Promise<void>;
  url: Promise<URL>;
  /** Always undefined: bunflare has no devtools inspector. */
  inspectorUrl: Promise<URL | undefined>;
  config: StartDevWorkerInput;
  /** fetch() against the Worker: a path (`"/x"`) or any URL, sent with its path and query to the Worker. */
  fetch(input?: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Stops the dev server (and removes a throwaway store). */
  dispose(): Promise<void>;
}

export interface Unstable_DevOptions {
  config?: string;
  env?: string;
  envFiles?: string[];
  ip?: string;
  /** Default 0: a free port. */
  port?: number;
  bundle?: boolean;
  localProtocol?: "http" | "https";
  httpsKeyPath?: string;
  httpsCertPath?: string;
  assets?: string;
  compatibilityDate?: string;
  compatibilityFlags?: string[];
  /** false: a throwaway store, removed by stop(). */
  persist?: boolean;
  persistTo?: string;
  vars?: Record<string, string | number | boolean | object | null>;
  logLevel?: LogLevel;
  experimental?: { liveReload?: boolean; testScheduled?: boolean; [key: string]: unknown };
}

export interface Unstable_DevWorker {
  port: number;
  address: string;
  stop(): Promise<void>;
  fetch(input?: string | URL | Request, init?: RequestInit): Promise<Response>;
  waitUntilExit(): Promise<void>;
}

/** Starts `bunflare dev` (a child process running Bun) for the Worker; see wrangler's unstable_startWorker. */
export function unstable_startWorker(input?: StartDevWorkerInput): Promise<Worker>;

/** Starts `bunflare dev` for `script` and resolves once it serves; see wrangler's unstable_dev. */
export function unstable_dev(script: string, options?: Unstable_DevOptions, apiOptions?: unknown): Promise<Unstable_DevWorker>;
