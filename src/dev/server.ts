// `bunflare dev`: bundle, host the worker in this process behind one
// Bun.serve, watch and reload, and talk like wrangler dev on the console.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import path from "node:path";
import type { FSWatcher } from "chokidar";
import type { Server, ServerWebSocket } from "bun";
import { loadDevVars } from "../config/vars.ts";
import { UserError } from "../errors.ts";
import { chalk, devLogLine, devRequestLine, kleur, log, printBanner } from "../log.ts";
import type { Project } from "../project.ts";
import { createBundler, type Bundler } from "../bundle/index.ts";
import { buildEnv, disposeEnv, missingBindingsWarning } from "../../runtime/bindings/index.ts";
import type { Store } from "../../runtime/store/index.ts";
import { loadWorker, type LoadedWorker } from "../../runtime/host/index.ts";
import { webSocketOf, type WorkerWebSocket } from "../../runtime/host/websocket.ts";
import { workerdStatusText } from "./status-text.ts";
import { bindingRows, connectionStatusNote, formatBindingsTable, TABLE_BINDINGS } from "./bindings-table.ts";
import { lookupWorker, ORIGINAL_URL_HEADER, registerWorker, unregisterWorker } from "../../runtime/bindings/service/registry.ts";
import type { ServiceTarget } from "../../runtime/bindings/service/index.ts";
import { prettyErrorPage, wantsPrettyError } from "./error-page.ts";
import { PUMPS } from "./pumps/index.ts";
import type { Pump, PumpSession } from "./pumps/types.ts";
import { keyValues, loadSettings, localCertificate, type DevArgs, type LogLevel, type Settings } from "./settings.ts";

export type { DevArgs } from "./settings.ts";

// Wrangler's order: a message shows when its level is at or below the chosen one.
const LEVELS: LogLevel[] = ["none", "error", "warn", "info", "log", "debug"];

const LIVE_RELOAD_PATH = "/cdn-cgi/live-reload";
const LIVE_RELOAD_SCRIPT = `<script defer type="application/javascript">
(function () {
  var protocol = location.protocol === "https:" ? "wss:" : "ws:";
  var ws = new WebSocket(protocol + "//" + location.host + "${LIVE_RELOAD_PATH}");
  ws.onmessage = function (event) { if (event.data === "reload") location.reload(); };
})();
</script>`;

/** One worker of this dev session (several with `-c a.toml -c b.toml`). */
interface Slot {
  index: number;
  args: DevArgs;
  settings: Settings;
  bundler?: Bundler;
  current?: LoadedWorker;
  /** Files and directories whose change rebuilds this worker. */
  watched: Set<string>;
  generation: number;
}

/** The path of an absolute URL, without parsing the whole URL on every request. */
function pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "/";
  const end = url.slice(start).search(/[?#]/);
  return end < 0 ? url.slice(start) : url.slice(start, start + end);
}

/** A worker served by another `bunflare dev` process, reached over HTTP (fetch only). */
function remoteService(name: string): ServiceTarget | undefined {
  const entry = lookupWorker(name);
  if (!entry) return undefined;
  return {
    async fetch(request) {
      const url = new URL(request.url);
      const headers = new Headers(request.headers);
      headers.set(ORIGINAL_URL_HEADER, request.url);
      return fetch(new URL(url.pathname + url.search, entry.url), {
        method: request.method,
        headers,
        body: request.body,
        redirect: "manual",
      });
    },
    rpcTarget() {
      throw new Error(`RPC to "${name}", which runs in another bunflare dev process, is not supported yet; use fetch().`);
    },
  };
}

export async function startDev(args: DevArgs): Promise<void> {
  if (args.remote) {
    throw new UserError(
      "bunflare runs your Worker locally only: `--remote` is not supported. Use `wrangler dev --remote` to run on Cloudflare's network.",
    );
  }
  const level = LEVELS.indexOf(args["log-level"] ?? "log");
  // Lines are batched per tick: one write per request is the dev server's main per-request cost.
  let pending = "";
  const flush = () => {
    const text = pending;
    pending = "";
    // console.log, not process.stdout.write: see src/log.ts. `text` ends with the newline console adds.
    if (text) console.log(text.slice(0, -1));
  };
  const logAt = (at: LogLevel, line: string) => {
    if (LEVELS.indexOf(at) > level) return;
    if (!pending) setImmediate(flush);
    pending += line + "\n";
  };
  const warn = (message: string) => {
    if (LEVELS.indexOf("warn") <= level) log.warn(message);
  };
  const realExit = process.exit.bind(process);
  // A worker runs in this process: its process.exit() must not end the dev server.
  process.exit = ((code?: number) => {
    throw new Error(`process.exit(${code ?? ""}) is not available to a Worker; the dev server keeps running.`);
  }) as typeof process.exit;

  printBanner();
  // `-c a.toml -c b.toml` runs several workers in this process; the first is served,
  // the others are reachable from it (and each other) through service bindings.
  const configPaths = Array.isArray(args.config) ? (args.config as string[]) : [args.config];
  const multi = configPaths.length > 1;
  const outDir = mkdtempSync(path.join(tmpdir(), "bunflare-dev-"));
  const slots: Slot[] = configPaths.map((config, index) => {
    const slotArgs: DevArgs = { ...args, config, script: index === 0 ? args.script : undefined };
    return { index, args: slotArgs, settings: loadSettings(slotArgs, warn), watched: new Set(), generation: 0 };
  });
  const primary = slots[0]!;

  const reportError = (error: unknown) => {
    const text = primary.current ? primary.current.mapStack(error) : error instanceof Error ? (error.stack ?? error.message) : String(error);
    logAt("error", devLogLine("error", text));
  };
  process.on("uncaughtException", reportError);
  process.on("unhandledRejection", reportError);

  const printBindings = (s: Settings) => {
    const { config } = s.project.loaded;
    const rows = bindingRows(config, s.vars, s.hidden, (name) => slots.some((slot) => slot.settings.project.loaded.config.name === name));
    const lines = formatBindingsTable(rows, multi ? config.name : undefined);
    for (const line of lines) logAt("log", line);
  };
  const printServiceNote = () => {
    // Only bindings that reach another worker get the note; a class of this worker's own does not.
    const any = slots.some(({ settings: { project } }) => {
      const { config } = project.loaded;
      const external = (config.durable_objects?.bindings ?? []).filter((b) => b.script_name && b.script_name !== config.name);
      return (config.services ?? []).length > 0 || external.length > 0;
    });
    if (any) {
      logAt("log", connectionStatusNote());
    }
  };
  for (const slot of slots) {
    const sources = loadDevVars(slot.settings.project.loaded, { envFiles: args["env-file"] }).sources;
    for (const source of sources) logAt("log", `Using secrets defined in ${source}`);
  }
  for (const slot of slots) printBindings(slot.settings);
  printServiceNote();
  for (const slot of slots) {
    const missing = missingBindingsWarning(slot.settings.project.loaded.config, TABLE_BINDINGS);
    if (missing) warn(multi ? `${slot.settings.project.loaded.config.name}: ${missing}` : missing);
  }

  const makeBundler = (slot: Slot) => {
    const s = slot.settings;
    const { config, dir } = s.project.loaded;
    return createBundler({
      entry: s.main,
      projectDir: dir,
      outDir: path.join(outDir, String(slot.index)),
      rules: config.rules,
      define: { ...config.define, ...keyValues(args.define, "define") },
      alias: { ...config.alias, ...keyValues(args.alias, "alias") },
      minify: args.minify ?? config.minify,
      tsconfig: args.tsconfig ? path.resolve(args.tsconfig) : config.tsconfig ? path.resolve(dir, config.tsconfig) : undefined,
      jsxFactory: args["jsx-factory"] ?? config.jsx_factory,
      jsxFragment: args["jsx-fragment"] ?? config.jsx_fragment,
      nodeCompat: s.nodeCompat,
      additionalModulesDir: config.find_additional_modules
        ? path.resolve(dir, config.base_dir ?? path.dirname(path.relative(dir, s.main)))
        : undefined,
      onWarning: warn,
    });
  };
  const bundles = (slot: Slot) =>
    !(args["no-bundle"] === true || args.bundle === false || slot.settings.project.loaded.config.no_bundle === true);
  for (const slot of slots) if (bundles(slot)) slot.bundler = await makeBundler(slot);

  // Async so the last good worker keeps answering while a custom build runs.
  const runBuildCommand = async (s: Settings): Promise<boolean> => {
    const build = s.project.loaded.config.build;
    if (!build?.command) return true;
    logAt("log", `[custom build] Running: ${build.command}`);
    flush();
    const child = Bun.spawn(["sh", "-c", build.command], {
      cwd: path.resolve(s.project.loaded.dir, build.cwd ?? "."),
      stdio: ["ignore", "inherit", "inherit"],
    });
    if ((await child.exited) !== 0) {
      log.error(`Running custom build \`${build.command}\` failed. There are likely more logs from your build command above.`);
      return false;
    }
    return true;
  };

  // One store handle per directory for the life of the server: a config reload must
  // not open a second connection while the old worker may still be using the first.
  const stores = new Map<string, Store>();
  const storeFor = (project: Project): Store => {
    let store = stores.get(project.storeDir);
    if (!store) stores.set(project.storeDir, (store = project.store()));
    return store;
  };

  let watcher: FSWatcher | undefined;
  const watchAll = (slot: Slot, paths: string[]) => {
    const fresh = paths.filter((p) => !slot.watched.has(p));
    for (const p of fresh) slot.watched.add(p);
    if (fresh.length && watcher) watcher.add(fresh);
  };

  const findService = (name: string, entrypoint?: string): ServiceTarget | undefined => {
    const local = slots.find((slot) => slot.settings.project.loaded.config.name === name);
    if (local) return local.current?.asService(entrypoint);
    return remoteService(name);
  };

  /** Build and load a new worker; on failure print why and keep the last good one. */
  const reload = async (slot: Slot): Promise<boolean> => {
    const s = slot.settings;
    if (!(await runBuildCommand(s))) return false;
    let file = s.main;
    let map: string | undefined;
    if (slot.bundler) {
      const outcome = await slot.bundler.build();
      watchAll(slot, outcome.inputs);
      if (!outcome.ok) {
        log.error(outcome.message);
        return false;
      }
      file = outcome.file;
      map = outcome.map;
    } else {
      // Unbundled: Bun transpiles (and source-maps) the entry itself; a query gives fresh globals.
      file = `${s.main}?v=${++slot.generation}`;
      watchAll(slot, [s.main]);
    }
    let next: LoadedWorker | undefined;
    const env = buildEnv({
      config: s.project.loaded.config,
      vars: s.vars,
      store: () => storeFor(s.project),
      getExports: () => next?.exports ?? {},
      assets: s.assets,
      findService,
      findWorker: (name) => {
        const worker = slots.find((other) => other.settings.project.loaded.config.name === name)?.current;
        return worker && { exports: worker.exports, env: worker.env };
      },
    });
    // workerd fills process.env with a worker's vars (JSON ones as text) under nodejs_compat
    // from 2025-04-01 (the nodejs_compat_populate_process_env default); the worker shares ours.
    const flags = s.project.loaded.config.compatibility_flags ?? [];
    const populate =
      s.nodeCompat &&
      !flags.includes("nodejs_compat_do_not_populate_process_env") &&
      (flags.includes("nodejs_compat_populate_process_env") || (s.project.loaded.config.compatibility_date ?? "") >= "2025-04-01");
    if (populate) {
      for (const [name, value] of Object.entries(s.vars)) process.env[name] = typeof value === "string" ? value : JSON.stringify(value);
    }
    try {
      next = await loadWorker({
        file,
        map,
        env,
        onBackgroundError: (error, worker) => logAt("error", devLogLine("error", worker.mapStack(error))),
      });
    } catch (error) {
      logAt("error", devLogLine("error", (error as Error).message));
      return false;
    }
    const previous = slot.current;
    slot.current = next;
    // Requests already in flight finish on the old worker; release its Durable
    // Object instances and files once they have had time to.
    if (previous) setTimeout(() => disposeEnv(previous.env), 10_000).unref();
    return true;
  };

  // Secondary workers first, so the primary's top-level code can already reach them.
  for (const slot of [...slots.slice(1), primary]) await reload(slot);

  const pumpSession: PumpSession = {
    workers: () =>
      slots.map((slot) => ({
        name: slot.settings.project.loaded.config.name,
        config: slot.settings.project.loaded.config,
        store: storeFor(slot.settings.project),
        current: () => slot.current,
      })),
    log: logAt,
    reportError: (error, worker) =>
      logAt("error", devLogLine("error", worker ? worker.mapStack(error) : error instanceof Error ? (error.stack ?? error.message) : String(error))),
  };
  const pumps: Pump[] = PUMPS.map((start) => start(pumpSession)).filter((pump): pump is Pump => pump !== undefined);

  const sockets = new Set<ServerWebSocket<unknown>>();
  // --- Reload on change ---
  const isConfigFile = (slot: Slot, file: string) => slot.settings.watchFiles.includes(file);
  const owns = (slot: Slot, file: string) =>
    isConfigFile(slot, file) ||
    slot.watched.has(file) ||
    slot.settings.watchDirs.some((dir) => file === dir || file.startsWith(dir + path.sep));
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running: Promise<void> = Promise.resolve();
  const changed = new Set<string>();
  const reconfigure = async (slot: Slot): Promise<boolean> => {
    try {
      const fresh = loadSettings(slot.args, warn);
      slot.settings = fresh;
      if (slot.bundler) await slot.bundler.dispose();
      slot.bundler = bundles(slot) ? await makeBundler(slot) : undefined;
      watchAll(slot, [fresh.main, ...fresh.watchDirs.filter(existsSync)]);
      printBindings(fresh);
      return true;
    } catch (error) {
      log.error((error as Error).message);
      return false;
    }
  };
  const onChange = (file: string) => {
    changed.add(file);
    clearTimeout(timer);
    // A short debounce folds an editor's write+rename into one rebuild.
    timer = setTimeout(() => {
      const files = [...changed];
      changed.clear();
      running = running.then(async () => {
        const affected = slots.filter((slot) => files.some((f) => owns(slot, f)));
        if (!affected.length) return;
        logAt("log", chalk.dim("⎔ Reloading local server..."));
        let ok = true;
        for (const slot of affected) {
          if (files.some((f) => isConfigFile(slot, f)) && !(await reconfigure(slot))) {
            ok = false;
            continue;
          }
          ok = (await reload(slot)) && ok;
        }
        for (const pump of pumps) pump.reload?.();
        if (ok) {
          logAt("log", chalk.dim("⎔ Local server updated and ready"));
          for (const ws of sockets) ws.send("reload");
        }
      });
    }, 5);
  };
  let configWatcher: FSWatcher | undefined;
  // Watching starts once the server listens (chokidar costs ~10 ms to load and
  // set up, which the first response need not wait for); "Ready on" waits for
  // it, so an edit made after that line is never missed.
  const startWatching = async (): Promise<void> => {
    const { watch } = await import("chokidar");
    const initial = slots.flatMap((slot) => [...slot.watched, ...slot.settings.watchDirs.filter(existsSync)]);
    for (const slot of slots) for (const dir of slot.settings.watchDirs.filter(existsSync)) slot.watched.add(dir);
    const ignored = (file: string) =>
      file.includes(`${path.sep}node_modules${path.sep}`) || file.includes(`${path.sep}.bunflare`) || file.includes(`${path.sep}.wrangler`);
    const sources = watch(initial, { ignoreInitial: true, ignored });
    watcher = sources;
    // Config, .dev.vars and .env files are watched through their directory, so one
    // created after start (a first .dev.vars) is noticed too.
    const configDirs = [...new Set(slots.map((slot) => slot.settings.project.loaded.dir))];
    const configs = watch(configDirs, { ignoreInitial: true, depth: 0, ignored });
    configWatcher = configs;
    for (const w of [sources, configs]) {
      w.on("all", (_event, file) => {
        const full = path.resolve(file);
        if (slots.some((slot) => owns(slot, full))) onChange(full);
      });
      // chokidar drops a change whose mtime equals the last one it saw, and file
      // timestamps are coarse: a quick second save would be lost. Raw events are not filtered.
      w.on("raw", (_event, name, details) => {
        const base = (details as { watchedPath?: string } | undefined)?.watchedPath;
        if (!base || typeof name !== "string") return;
        const full = path.basename(base) === name ? base : path.join(base, name);
        if (slots.some((slot) => owns(slot, full))) onChange(full);
      });
    }
    await Promise.all([sources, configs].map((w) => new Promise<void>((resolve) => w.once("ready", () => resolve()))));
  };
  const closeAll = async () => {
    await watcher?.close();
    await configWatcher?.close();
    for (const slot of slots) await slot.bundler?.dispose();
    rmSync(outDir, { recursive: true, force: true });
  };

  // --- HTTP ---
  const config = () => primary.settings.project.loaded.config;
  const ip = args.ip ?? config().dev?.ip ?? "localhost";
  const chosenPort = args.port ?? config().dev?.port;
  // Like wrangler: without a chosen port, the first free one of 8787-8797 (just 8787 in CI), else any.
  const candidatePorts = chosenPort !== undefined ? [chosenPort] : [...Array.from({ length: process.env.CI ? 1 : 11 }, (_, i) => 8787 + i), 0];
  const port = candidatePorts[0]!;
  const protocol = args["local-protocol"] ?? config().dev?.local_protocol ?? "http";
  const liveReload = args["live-reload"] ?? false;

  const runScheduled = async (url: URL) => {
    const cron = url.searchParams.get("cron") ?? "";
    const time = Number(url.searchParams.get("time") ?? Date.now());
    const current = primary.current;
    if (!current) return new Response("No worker is loaded", { status: 503 });
    const result = await current.scheduled(cron, Number.isFinite(time) ? time : Date.now());
    return result;
  };

  const handle = async (request: Request, server: Server<unknown>): Promise<Response | undefined> => {
    const pathname = pathOf(request.url);
    if (pathname === "/cdn-cgi/handler/scheduled") {
      const result = await runScheduled(new URL(request.url));
      if (result instanceof Response) return result;
      return new Response(result.outcome === "ok" ? "ok" : "exception", { status: result.outcome === "ok" ? 200 : 500 });
    }
    if (liveReload && pathname === LIVE_RELOAD_PATH && server.upgrade(request, { data: undefined })) return undefined;
    const started = performance.now();
    let response: Response;
    let asset: Response | undefined;
    if (args["test-scheduled"] && pathname === "/__scheduled") {
      const result = await runScheduled(new URL(request.url));
      response =
        result instanceof Response
          ? result
          : new Response(result.outcome === "ok" ? "Ran scheduled event" : "Scheduled event failed", {
              status: result.outcome === "ok" ? 200 : 500,
            });
    } else if (primary.settings.assets && primary.settings.project.loaded.config.assets?.run_worker_first !== true && (asset = primary.settings.assets.match(request))) {
      response = asset;
    } else if (!primary.current) {
      response = new Response("Your Worker failed to build or start: see the dev server's output.", { status: 503 });
    } else {
      try {
        const forwarded = request.headers.get(ORIGINAL_URL_HEADER);
        if (forwarded) {
          const headers = new Headers(request.headers);
          headers.delete(ORIGINAL_URL_HEADER);
          request = new Request(forwarded, { method: request.method, headers, body: request.body, redirect: "manual" });
        }
        response = await primary.current.fetch(request);
        const socket = response.status === 101 ? webSocketOf(response) : undefined;
        if (socket) {
          if (!server.upgrade(request, { data: { socket } as SocketData, headers: response.headers })) {
            throw new TypeError("Worker tried to return a WebSocket in a response to a request which did not contain the header \"Upgrade: websocket\".");
          }
          logAt("info", devRequestLine(request.method, pathname, 101, workerdStatusText(101), Math.round(performance.now() - started)));
          return undefined;
        }
        if (liveReload && response.headers.get("Content-Type")?.toLowerCase().includes("text/html")) {
          const html = await response.text();
          const headers = new Headers(response.headers);
          headers.delete("Content-Length");
          response = new Response(html + LIVE_RELOAD_SCRIPT, { status: response.status, statusText: response.statusText, headers });
        }
      } catch (error) {
        const stack = (error as Error).stack ?? String(error);
        logAt("error", devLogLine("error", stack));
        response = wantsPrettyError(request) && !(error as { plain?: boolean }).plain
          ? new Response(prettyErrorPage(stack, request), { status: 500, headers: { "Content-Type": "text/html;charset=utf-8" } })
          : new Response(stack, { status: 500 });
      }
    }
    logAt("info", devRequestLine(request.method, pathname, response.status, response.statusText.trim() || workerdStatusText(response.status), Math.round(performance.now() - started)));
    return response;
  };

  type SocketData = { socket?: WorkerWebSocket };
  const tls = protocol === "https" ? localCertificate(args) : undefined;
  const listen = (candidate: number) =>
    Bun.serve({
      hostname: ip === "*" ? "0.0.0.0" : ip,
      port: candidate,
      tls,
      idleTimeout: 0,
      fetch: handle,
      websocket: {
        open: (ws) => {
          const socket = (ws.data as SocketData | undefined)?.socket;
          if (!socket) return void sockets.add(ws);
          socket.attach({ send: (data) => void ws.send(data), close: (code, reason) => ws.close(code, reason) });
        },
        message: (ws, message) => {
          const socket = (ws.data as SocketData | undefined)?.socket;
          try {
            socket?.send(typeof message === "string" ? message : new Uint8Array(message));
          } catch (error) {
            reportError(error);
          }
        },
        close: (ws, code, reason) => {
          sockets.delete(ws);
          (ws.data as SocketData | undefined)?.socket?.close(code, reason);
        },
      },
      error: (error) => new Response(String(error), { status: 500 }),
    });
  const inUse = (error: unknown) =>
    (error as NodeJS.ErrnoException).code === "EADDRINUSE" || /in use/i.test(String((error as Error).message));
  let server: Server<unknown> | undefined;
  try {
    for (const candidate of candidatePorts) {
      try {
        server = listen(candidate);
        break;
      } catch (error) {
        if (!inUse(error) || candidate === candidatePorts.at(-1)) throw error;
      }
    }
  } catch (error) {
    // Nothing may keep the process alive after a failed start.
    await closeAll();
    if (inUse(error)) {
      throw new UserError(`Address already in use (${ip}:${port}). Please check that you are not already running a server on this address or specify a different port with --port.`);
    }
    throw error;
  }
  if (!server) throw new Error("unreachable: no port was tried");
  const httpServer = server;
  await startWatching();
  const wildcard = ip === "0.0.0.0" || ip === "::" || ip === "*";
  const urlHost = ip === "*" ? "0.0.0.0" : ip.includes(":") ? `[${ip}]` : ip;
  // Where a browser should go: wrangler names "localhost" for a wildcard address.
  const shownHost = wildcard ? "localhost" : urlHost;
  const readyUrl = `${protocol}://${shownHost}:${httpServer.port}`;
  logAt("log", chalk.dim("⎔ Starting local server..."));
  logAt("info", devLogLine("info", `Ready on ${kleur.green(`${protocol}://${urlHost}:${httpServer.port}`)}`));
  if (wildcard) {
    const hosts = ip === "0.0.0.0" ? [] : ["localhost", "[::1]"];
    for (const addresses of Object.values(networkInterfaces())) {
      for (const address of addresses ?? []) if (address.family === "IPv4") hosts.push(address.address);
    }
    for (const host of hosts) logAt("info", devLogLine("info", `- ${protocol}://${host}:${httpServer.port}`));
  }
  for (const pump of pumps) for (const line of pump.banner?.() ?? []) logAt("log", line);
  const workerName = config().name;
  if (workerName) registerWorker(workerName, `${protocol}://${ip === "*" || wildcard ? "127.0.0.1" : urlHost}:${httpServer.port}`);
  if (typeof process.send === "function") {
    process.send(JSON.stringify({ event: "DEV_SERVER_READY", ip: urlHost.replace(/^\[|\]$/g, ""), port: httpServer.port }));
  }
  if ((config().triggers?.crons ?? []).length && !args["test-scheduled"]) {
    warn(
      "Scheduled Workers are not automatically triggered during local development.\n" +
        "To manually trigger a scheduled event, run:\n" +
        `  curl "http://${shownHost}:${httpServer.port}/cdn-cgi/handler/scheduled"\n` +
        "For more details, see https://developers.cloudflare.com/workers/configuration/cron-triggers/#test-cron-triggers-locally",
    );
  }

  // --- Shutdown and hotkeys ---
  let closing = false;
  const shutdown = async (code = 0) => {
    if (closing) return;
    closing = true;
    httpServer.stop(true);
    await Promise.all(pumps.map((pump) => pump.stop()));
    await closeAll();
    for (const store of stores.values()) store.close();
    if (workerName) unregisterWorker(workerName);
    realExit(code);
  };
  process.on("SIGINT", () => void shutdown(0));
  process.on("SIGTERM", () => void shutdown(0));
  process.on("SIGHUP", () => void shutdown(0));

  const interactive = process.stdin.isTTY && process.stdout.isTTY && args["show-interactive-dev-session"] !== false;
  if (interactive) {
    const keys = "[b] open a browser [c] clear console [x] to exit";
    const printHotkeys = () => logAt("log", `╭${"─".repeat(keys.length + 4)}╮\n│  ${keys}  │\n╰${"─".repeat(keys.length + 4)}╯`);
    printHotkeys();
    process.stdin.setRawMode(true);
    process.stdin.resume();
    process.stdin.on("data", (data: Buffer) => {
      const key = data.toString().toLowerCase();
      if (key === "b") {
        const opener = process.platform === "darwin" ? "open" : process.platform === "win32" ? "start" : "xdg-open";
        spawn(opener, [readyUrl], { stdio: "ignore", detached: true }).on("error", () => {}).unref();
      } else if (key === "c") {
        process.stdout.write("\x1b[2J\x1b[3J\x1b[H");
        printHotkeys();
      } else if (key === "x" || key === "q" || key === "\u0003") {
        void shutdown(0);
      }
    });
  }
  await new Promise<never>(() => {});
}
