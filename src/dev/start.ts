// The first part of `bunflare dev`'s start: the banner, every config read, and
// the first builds' esbuild spawned. Only what that needs is loaded before the
// spawn; server.ts (the server, watchers, bindings' tables, pumps and what they
// import) loads and initialises while esbuild builds.
import { UserError } from "../errors.ts";
import { logLevel, printBanner, setLogLevel } from "../log.ts";
import { setWorkerLogSink } from "../../runtime/host/worker-console.ts";
import { DevConsole } from "./console.ts";
import { DevSession } from "./session.ts";
import type { DevArgs } from "./settings.ts";

export type { DevArgs } from "./settings.ts";

/** A worker runs in this process: its process.exit() must not end the dev server. Returns the real one. */
function keepWorkersFromExiting(): (code?: number) => never {
  const realExit = process.exit.bind(process);
  process.exit = ((code?: number) => {
    throw new Error(`process.exit(${code ?? ""}) is not available to a Worker; the dev server keeps running.`);
  }) as typeof process.exit;
  return realExit;
}

export function errorText(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

export async function startDev(args: DevArgs): Promise<void> {
  if (args.remote) {
    throw new UserError(
      "bunflare runs your Worker locally only: `--remote` is not supported. Use `wrangler dev --remote` to run on Cloudflare's network.",
    );
  }
  if (args["log-level"]) setLogLevel(args["log-level"]);
  const devConsole = new DevConsole(logLevel());
  setWorkerLogSink(devConsole.worker);
  const realExit = keepWorkersFromExiting();

  printBanner();
  if (args.preparePages) {
    args = await args.preparePages();
    // As wrangler, which builds Functions first: if they do not build, their error is all a start shows.
    if (args.pages!.functionsDir) devConsole.hold();
    devConsole.log("log", args.pages!.notice);
  }
  const session = new DevSession(args, devConsole);
  const { primary } = session;

  const reportError = (error: unknown) => devConsole.workerError(primary.current ? primary.current.mapStack(error) : errorText(error));
  process.on("uncaughtException", reportError);
  process.on("unhandledRejection", reportError);

  // esbuild starts on the first builds now: the server's modules load, and its checks and tables run, beside it.
  await session.startBuilds();
  const { serveDev } = require("./server.ts") as typeof import("./server.ts");
  await serveDev(args, session, devConsole, realExit, reportError);
}
