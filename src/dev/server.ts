// `bunflare dev`: bundle, host the worker in this process behind one
// Bun.serve, watch and reload, and talk like wrangler dev on the console.
// start.ts begins a start (banner, configs, esbuild spawned); this file puts
// the rest together in wrangler's start-up order; each part does one job:
//   console.ts  log levels, batched lines, hotkeys
//   session.ts  the workers (settings, bundler, env, load/reload, stores)
//   watch.ts    file watching and reload rounds
//   http.ts     Bun.serve, port choice, routing
//   pumps/      background work (queues, crons, workflows, alarms)
import { networkInterfaces } from "node:os";
import path from "node:path";
import { loadDevVars } from "../config/vars.ts";
import { UserError } from "../errors.ts";
import { devLogLine, kleur, layoutNotes, log } from "../log.ts";
import { openRegistry, registerWorker, setRpcAddress, unregisterWorker } from "../../runtime/rpc/registry.ts";
import { createRemoteHandler } from "./remote.ts";
import { mountedAssetsWarning, upstreamOf } from "./upstream.ts";
import { missingBindingsWarning } from "../../runtime/bindings/index.ts";
import { bindingRows, connectionStatusNote, containerLines, formatBindingsTable, tailConsumerLines } from "./bindings-table.ts";
import { dim } from "../colors.ts";
import { BINDINGS } from "../../runtime/bindings/registry.ts";
import { startHotkeys, type DevConsole } from "./console.ts";
import { errorText } from "./start.ts";
import { chooseAddress, DevHttpServer, urlsOf } from "./http.ts";
import { PUMPS } from "./pumps/index.ts";
import type { Pump, PumpSession } from "./pumps/types.ts";
import { DevSession, removeLeftBuildDirs, type Slot } from "./session.ts";
import type { DevArgs, Settings } from "./settings.ts";
import { checkCompatibility } from "./compat.ts";
import { Reloader } from "./watch.ts";
// Not functions.ts: it loads esbuild's JS API, which a dev start must not pay for.
import { displayDirectory } from "../pages/dev.ts";
import type { Store } from "../../runtime/store/index.ts";
import type { WorkerConfig } from "../../runtime/config.ts";

export type { DevArgs } from "./settings.ts";

/** One worker's bindings table, tail consumers and containers, in wrangler's order. */
function bindingLines(session: DevSession, s: Settings): string[] {
  const { config } = s.project.loaded;
  let rows = bindingRows(config, s.vars, s.hidden, session.runsWorker);
  // As wrangler pages dev: env.ASSETS is not listed.
  if (s.pages) rows = rows.filter((row) => !(row.type === "Assets" && row.name === "ASSETS"));
  const name = session.multi ? config.name : undefined;
  return [...formatBindingsTable(rows, name), ...tailConsumerLines(config, session.runsWorker, name), ...containerLines(config, name)];
}

/** What each worker's lists said when last printed: the connection watcher prints them again when a status in them changes. */
const printedBindings = new WeakMap<Slot, string>();

/** One worker's lists, printed at start and again after its config is re-read. */
function printBindings(session: DevSession, devConsole: DevConsole, slot: Slot, lines = bindingLines(session, slot.settings)): void {
  printedBindings.set(slot, lines.join("\n"));
  for (const line of lines) devConsole.log("log", line);
}

/** Whether some binding of the session reaches another worker (its lists then show [connected] or [not connected]). */
function reachesOtherWorkers(session: DevSession): boolean {
  // A class of this worker's own does not.
  return session.slots.some(({ settings: { project } }) => {
    const { config } = project.loaded;
    const external = (config.durable_objects?.bindings ?? []).filter((b) => b.script_name && b.script_name !== config.name);
    const tails = (config.tail_consumers ?? []).length + (config.streaming_tail_consumers ?? []).length;
    return (config.services ?? []).length > 0 || external.length > 0 || tails > 0;
  });
}

/** How often the connection watcher asks the dev registry (one query per binding that reaches another process). */
const CONNECTION_POLL_MS = 250;

/**
 * As wrangler: when a worker bound from this session starts or stops in another dev process,
 * "⎔ Connection status updated" and the lists that changed are printed again. Wrangler's watcher
 * of its registry misses a process killed with -9 (its entry stays); this one sees it, as calls do.
 */
function watchConnections(session: DevSession, devConsole: DevConsole): () => void {
  const timer = setInterval(() => {
    const changed = session.slots
      .map((slot) => ({ slot, lines: bindingLines(session, slot.settings) }))
      .filter(({ slot, lines }) => printedBindings.get(slot) !== lines.join("\n"));
    if (!changed.length) return;
    devConsole.log("log", dim("⎔ Connection status updated"));
    for (const { slot, lines } of changed) printBindings(session, devConsole, slot, lines);
  }, CONNECTION_POLL_MS);
  return () => clearInterval(timer);
}

/** Puts every worker of the session in the dev registry, so other dev processes reach it. */
function registerSession(session: DevSession, url: string, warn?: (message: string) => void): void {
  for (const slot of session.slots) {
    const { config } = slot.settings.project.loaded;
    if (!config.name) continue;
    const exports = slot.current?.exports ?? {};
    const previous = registerWorker({
      name: config.name,
      url,
      entrypoints: Object.keys(exports).filter((key) => typeof exports[key] === "function" || key === "default"),
      durableObjects: (config.durable_objects?.bindings ?? [])
        .filter((b) => !b.script_name || b.script_name === config.name)
        .map((b) => b.class_name),
    });
    if (previous && warn) {
      warn(
        `Worker "${config.name}" is already running in another dev session (process ${previous.pid}, ${previous.url}).\n` +
          "Service bindings and Durable Objects of other dev sessions now reach this one; they go back to the other one when this one stops.",
      );
    }
  }
}

function startPumps(session: DevSession, devConsole: DevConsole, args: DevArgs, url: () => string | undefined): Pump[] {
  const pumpSession: PumpSession = {
    args,
    url,
    workers: () => session.workers(),
    log: devConsole.log,
    reportError: (error, worker) => devConsole.workerError(worker ? worker.mapStack(error) : errorText(error)),
  };
  return PUMPS.map((start) => start(pumpSession)).filter((pump): pump is Pump => pump !== undefined);
}

/**
 * What wrangler checks and prints before it builds: routes, address, vars, binding
 * tables and warnings, compatibility. Undefined when the compatibility check failed
 * (it printed why).
 */
function prepareStart(session: DevSession, devConsole: DevConsole, args: DevArgs) {
  const { primary } = session;
  // Routes and the host they imply are checked before anything is built, as wrangler does.
  const { loaded } = primary.settings.project;
  const upstream = upstreamOf(args, loaded.config, loaded.path);
  const assetsDir = args.assets ? path.resolve(args.assets) : loaded.config.assets?.directory ? path.resolve(loaded.dir, loaded.config.assets.directory) : undefined;
  const mounted = mountedAssetsWarning(args as { routes?: string[] }, loaded.config, assetsDir, Boolean(args.script || loaded.config.main));
  if (mounted) devConsole.warn(mounted);
  const address = chooseAddress(args, primary.settings.project.loaded.config.dev);
  // Loaded only for https: it needs node:crypto, which a plain start never loads.
  const tls =
    address.protocol === "https"
      ? (require("./cert.ts") as typeof import("./cert.ts")).httpsCertificate(args["https-key-path"], args["https-cert-path"])
      : undefined;
  for (const slot of session.slots) {
    const sources = loadDevVars(slot.settings.project.loaded, { envFiles: args["env-file"] }).sources;
    for (const source of sources) devConsole.log("log", `Using secrets defined in ${source}`);
  }
  for (const slot of session.slots) {
    const { config } = slot.settings.project.loaded;
    for (const descriptor of BINDINGS) {
      const entries = descriptor.prepare ? descriptor.entries(config) : [];
      if (!entries.length) continue;
      const { logs, error } = descriptor.prepare!(entries, config);
      if (error) throw new UserError(error);
      for (const line of logs) devConsole.log("log", line);
    }
  }
  for (const slot of session.slots) printBindings(session, devConsole, slot);
  for (const slot of session.slots) session.listModules(slot);
  if (reachesOtherWorkers(session)) devConsole.log("log", connectionStatusNote());
  for (const slot of session.slots) {
    const { config } = slot.settings.project.loaded;
    const missing = missingBindingsWarning(config, BINDINGS);
    if (missing) devConsole.warn(session.multi ? `${config.name}: ${missing}` : missing);
  }
  for (const slot of session.slots) {
    const { warnings, error } = slot.settings.remoteNotices;
    for (const warning of warnings) devConsole.warn(warning);
    // As wrangler, after the bindings table.
    if (error) throw new UserError(error);
  }
  for (const slot of session.slots) {
    const { config } = slot.settings.project.loaded;
    // Where wrangler would build the images with Docker, and stops when it cannot; bunflare never runs
    // them, and says so rather than start a worker whose `ctx.container` is missing.
    if (!config.containers.length || !(args["enable-containers"] ?? config.dev.enable_containers ?? true)) continue;
    const names = config.containers.map((container) => container.name).join(", ");
    throw new UserError(
      layoutNotes(
        `bunflare does not run containers (${names}): building and running their images needs Docker, which bunflare does not drive.\n` +
          "To develop the rest of your Worker without them, set dev.enable_containers to false in your Wrangler config or pass --enable-containers=false (`ctx.container` is then undefined, as under wrangler).",
      ),
    );
  }

  if (!checkCompatibility(session.slots, devConsole)) return undefined;
  return { upstream, address, tls };
}

/**
 * The rest of a start, once start.ts has printed the banner, read the configs and spawned the
 * first builds' esbuild: the checks and tables (beside esbuild), the worker, the server, the banner.
 */
export async function serveDev(args: DevArgs, session: DevSession, devConsole: DevConsole, realExit: (code?: number) => never, reportError: (error: unknown) => void): Promise<void> {
  const { primary } = session;
  let start: ReturnType<typeof prepareStart>;
  try {
    start = prepareStart(session, devConsole, args);
    if (start) session.checkBundlers();
  } catch (error) {
    // A start that fails here leaves no build process or bundle behind.
    await session.disposeBuilds();
    throw error;
  }
  if (!start) {
    await session.disposeBuilds();
    session.closeStores();
    realExit(1);
  }
  const { upstream, address, tls } = start!;
  // The config directories are watched while the first build runs, the sources
  // once its inputs are known. Reload rounds wait until the server listens.
  let started!: () => void;
  const reloader = new Reloader(
    session,
    devConsole,
    {
      reconfigured: (slot) => printBindings(session, devConsole, slot),
      reloaded: () => {
        // Entrypoints and classes may have changed with the code.
        if (registered) register();
        for (const pump of pumps) pump.reload?.();
      },
      updated: () => http.reloadBrowsers(),
    },
    new Promise<void>((resolve) => (started = resolve)),
  );
  const loading = session.loadAll();
  const watching = reloader.start(loading);
  openRegistry();
  const failed = await loading;
  devConsole.release(failed !== "build");
  // As wrangler: a build that fails at launch (an unresolved import) is printed and the
  // server waits for a fix, with no "Ready on" until one builds, so a script waiting
  // for that line is not misled. Wrangler then rebuilds only on a config change; here
  // an edit of the sources builds too.
  // Pages Functions that do not bundle end `pages dev` instead, as wrangler does.
  const functionsDir = args.pages?.functionsDir;
  const waiting = failed === "build" && !functionsDir && (await session.waitsForFix());
  // Until every worker loads, a request is answered 503 and logged (wrangler holds it, unlogged,
  // until a build succeeds: a client that gives up meanwhile leaves no trace in the terminal).
  const firstLoaded = waiting ? reloader.firstLoad() : undefined;
  if (failed && !waiting) {
    // As wrangler: a worker that fails to start at launch, or whose main does not parse,
    // ends the command with exit code 1. Later failures keep the last good worker (see Reloader).
    devConsole.flush();
    if (failed === "start") log.error("The Workers runtime failed to start. There is likely additional logging output above.");
    if (failed === "build" && functionsDir) {
      // Wrangler throws this one to its error handler, which starts with a blank line on stdout.
      log.info("");
      log.error(`Failed to build Functions at ${displayDirectory(functionsDir)}.`);
    }
    await reloader.close();
    await session.disposeBuilds();
    session.closeStores();
    realExit(1);
  }
  let bannerUrl: string | undefined;
  const pumps = startPumps(session, devConsole, args, () => bannerUrl);

  // --- HTTP ---
  let registered = false;
  const config = () => primary.settings.project.loaded.config;
  const { ip, protocol } = address;
  const http = new DevHttpServer({
    address,
    primary,
    console: devConsole,
    liveReload: args["live-reload"] ?? false,
    testScheduled: args["test-scheduled"] ?? false,
    tls,
    reportError,
    upstream,
    remote: createRemoteHandler(session, (stack) => devConsole.workerError(stack)),
    // As wrangler: X_LOCAL_EXPLORER=false hands /cdn-cgi/explorer to the worker.
    explorerStores: process.env.X_LOCAL_EXPLORER?.toLowerCase() === "false" ? undefined : () => {
      const byStore = new Map<Store, { configs: WorkerConfig[]; configPaths: (string | undefined)[] }>();
      for (const worker of session.workers()) {
        const entry = byStore.get(worker.store) ?? { configs: [], configPaths: [] };
        entry.configs.push(worker.config);
        // D1 migrations directories are relative to the config file (the first config's; others use the cwd).
        entry.configPaths.push(worker.config === config() ? primary.settings.project.loaded.path : undefined);
        byStore.set(worker.store, entry);
      }
      return [...byStore].map(([store, entry]) => ({ store, ...entry }));
    },
    bindingRoute: (request, pathname) => {
      for (const { devRoute } of BINDINGS) {
        if (!devRoute || !(pathname === devRoute.prefix || pathname.startsWith(`${devRoute.prefix}/`))) continue;
        const stores = new Set(session.workers().filter((worker) => devRoute.serves(worker.config)).map((worker) => worker.store));
        if (stores.size) return devRoute.serve(request, [...stores]);
      }
      return undefined;
    },
  });
  try {
    http.listen();
  } catch (error) {
    // Nothing may keep the process alive after a failed start.
    await reloader.close();
    await session.disposeBuilds();
    throw error;
  }
  // As wrangler names its server to bindings (miniflare's buildPublicUrl): a wildcard address as 127.0.0.1.
  const served = urlsOf(ip);
  session.publicUrl = `${protocol}://${served.wildcard ? "127.0.0.1" : served.urlHost}:${http.port}`;
  started();

  // "Ready on" waits for the watchers, so an edit made after that line is never missed.
  await watching;
  await firstLoaded;

  // --- Banner ---
  const { wildcard, urlHost, shownHost } = urlsOf(ip);
  const port = http.port;
  const readyUrl = `${protocol}://${shownHost}:${port}`;
  devConsole.log("log", dim("⎔ Starting local server..."));
  devConsole.log("info", devLogLine("info", `Ready on ${kleur.green(`${protocol}://${urlHost}:${port}`)}`, "proxy"));
  if (wildcard) {
    const hosts = ip === "0.0.0.0" ? [] : ["localhost", "[::1]"];
    for (const addresses of Object.values(networkInterfaces())) {
      for (const entry of addresses ?? []) if (entry.family === "IPv4") hosts.push(entry.address);
    }
    for (const host of hosts) devConsole.log("info", devLogLine("info", `- ${protocol}://${host}:${port}`, "proxy"));
  }
  bannerUrl = readyUrl;
  // Off the start's path: a temp directory may hold thousands of entries.
  setTimeout(removeLeftBuildDirs, 2000).unref();
  for (const pump of pumps) for (const line of pump.banner?.() ?? []) devConsole.log("log", line);
  const registryUrl = `${protocol}://${ip === "*" || wildcard ? "127.0.0.1" : urlHost}:${port}`;
  const register = () => registerSession(session, registryUrl);
  // Functions and RpcTargets sent to other processes are called back here.
  setRpcAddress(registryUrl);
  registerSession(session, registryUrl, devConsole.warn);
  registered = true;
  const stopWatchingConnections = reachesOtherWorkers(session) ? watchConnections(session, devConsole) : undefined;
  if (typeof process.send === "function") {
    process.send(JSON.stringify({ event: "DEV_SERVER_READY", ip: urlHost.replace(/^\[|\]$/g, ""), port }));
  }
  // Scheduled Workers warning (wrangler dev prints it when crons are configured);
  // with crons firing (the default), the cron pump's banner replaces it.
  if ((config().triggers?.crons ?? []).length && !args["test-scheduled"] && args.crons === false) {
    devConsole.warn(
      "Scheduled Workers are not automatically triggered during local development.\n" +
        "To manually trigger a scheduled event, run:\n" +
        `  curl "http://${shownHost}:${port}/cdn-cgi/handler/scheduled"\n` +
        "For more details, see https://developers.cloudflare.com/workers/configuration/cron-triggers/#test-cron-triggers-locally",
    );
  }

  // --- Shutdown and hotkeys ---
  let closing = false;
  const shutdown = async (code = 0) => {
    if (closing) return;
    closing = true;
    stopWatchingConnections?.();
    http.stop();
    await Promise.all(pumps.map((pump) => pump.stop()));
    await reloader.close();
    await session.disposeBuilds();
    session.closeStores();
    for (const slot of session.slots) {
      const name = slot.settings.project.loaded.config.name;
      if (name) unregisterWorker(name);
    }
    realExit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  process.on("SIGHUP", () => void shutdown(0));
  startHotkeys(devConsole, { url: readyUrl, exit: () => void shutdown(0) }, args["show-interactive-dev-session"]);

  await new Promise<never>(() => {});
}
