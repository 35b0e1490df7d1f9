// Background work of a dev session (queue consumers, cron triggers, workflow
// instances, Durable Object alarms) plugs into the dev server through this
// one interface. A pump finds its work in the store, so work queued by a CLI
// command or another bunflare dev process is picked up too, and nothing is
// lost when the server stops or is killed.
import type { Store } from "../../../runtime/store/index.ts";
import type { LoadedWorker } from "../../../runtime/host/index.ts";
import type { WorkerConfig } from "../../config/types.ts";
import type { DevArgs, LogLevel } from "../settings.ts";

/** One worker of the session, as a pump sees it. */
export interface SessionWorker {
  name: string | undefined;
  /** Its resolved config (after environments); replaced on a config reload. */
  config: WorkerConfig;
  /** Its store, opened on first use. */
  readonly store: Store;
  /** Whether its store exists on disk yet (a fresh project's has nothing registered in it). */
  storeExists(): boolean;
  /** The worker currently serving (the new one after a reload), once loaded. */
  current(): LoadedWorker | undefined;
}

export interface PumpSession {
  /** The `bunflare dev` flags (e.g. --no-crons). */
  args: DevArgs;
  /** The server's URL as the banner shows it (http://localhost:8787), once listening. */
  url(): string | undefined;
  workers(): SessionWorker[];
  /** A console line at a wrangler log level (honours --log-level). */
  log(level: LogLevel, line: string): void;
  /** Reports a failure the way the dev server reports a worker's uncaught error. */
  reportError(error: unknown, worker?: LoadedWorker): void;
}

export interface Pump {
  /** Lines for the startup banner (e.g. which crons fire), if any. */
  banner?(): string[];
  /** Called after the session's workers are (re)loaded: pick up new config. */
  reload?(): void;
  /** Stop taking new work and wait for work in hand to settle. */
  stop(): Promise<void>;
}

/** Starts a pump for a session, or returns undefined when it has nothing to do there. */
export type PumpFactory = (session: PumpSession) => Pump | undefined;
