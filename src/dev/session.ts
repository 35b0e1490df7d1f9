// The workers of one dev session (several with `-c a.toml -c b.toml`): their
// settings and bundlers, their env, and loading a fresh worker on each reload.
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { devLogLine, kleur, log } from "../log.ts";
import type { Project } from "../project.ts";
import { createBundler, stopBundler, type Bundler } from "../bundle/index.ts";
import { bundleOptions } from "../bundle/options.ts";
import { ignoredRulesWarnings, loadRuleModulesUnder, parseRules } from "../bundle/rules.ts";
import { buildEnv, disposeEnv } from "../../runtime/bindings/index.ts";
import { STORE_FILE, type Store } from "../../runtime/store/index.ts";
import type { LoadedWorker } from "../../runtime/host/index.ts";
import type { TraceItem } from "../../runtime/host/tail.ts";
import type { ServiceTarget } from "../../runtime/bindings/service/index.ts";
import type { DurableObjectNamespace } from "../../runtime/bindings/durable-objects/index.ts";
import type { DevConsole } from "./console.ts";
import type { SessionWorker } from "./pumps/types.ts";
import { builtMainMissing } from "../config/index.ts";
import { LastBuildKeptWarning, UserError } from "../errors.ts";
import { customBuildFailed, runCustomBuild } from "../custom-build.ts";
import { loadSettings, type DevArgs, type Settings } from "./settings.ts";
import { displayDirectory, functionsKept } from "../pages/dev.ts";
import { absentGlobals, allowsEvalDuringStartup, compatibilityFlags, autoRepliesToClose, blobsBinaryMessages, hasNodeGlobals, limitsCloseReason, populatesProcessEnv, type CompatSettings } from "../../runtime/compat.ts";
import type { FoundModules } from "../bundle/additional-modules.ts";

/** The worker host, required when a worker is first built: its modules (~5 ms) then load while esbuild builds. */
const host = () => require("../../runtime/host/index.ts") as typeof import("../../runtime/host/index.ts");

/** The dev registry's lookup, loaded when a worker calls another (not before esbuild is spawned at start). */
const lookupWorker = (name: string) => (require("../../runtime/rpc/registry.ts") as typeof import("../../runtime/rpc/registry.ts")).lookupWorker(name);

/** Additional modules' lookup, loaded only for workers that have them. */
const additionalModules = () => require("../bundle/additional-modules.ts") as typeof import("../bundle/additional-modules.ts");

/** One worker of this dev session. */
export interface Slot {
  index: number;
  args: DevArgs;
  settings: Settings;
  bundler?: Bundler;
  current?: LoadedWorker;
  /** Files and directories whose change rebuilds this worker. */
  watched: Set<string>;
  /** An unbundled worker's module root (base_dir, else main's directory): wrangler reloads on a change under it. */
  moduleRoot?: string;
  /** An unbundled worker's additional modules, as its last build found them (none after a failed one). */
  modules?: FoundModules;
  /** Whether the last reload got past the build: a bundle, or an unbundled worker's module search (its failure, if any, was at start). */
  built?: boolean;
}

/** A worker served by another `bunflare dev` process, reached over HTTP. */
function remoteService(name: string, entrypoint?: string): ServiceTarget | undefined {
  if (!lookupWorker(name)) return undefined;
  const target = { worker: name, entrypoint };
  const { remoteFetch } = require("../../runtime/rpc/remote.ts") as typeof import("../../runtime/rpc/remote.ts");
  return { fetch: (request) => remoteFetch(target, request), remote: target };
}

/** The compatibility date and flags a slot's worker runs with. */
export function compatOf(s: Settings): CompatSettings {
  const { config } = s.project.loaded;
  return { date: config.compatibility_date ?? "", flags: config.compatibility_flags ?? [] };
}

/** A session's build directory is named `bunflare-dev-<pid>-<random>`. */
const BUILD_DIR_PREFIX = "bunflare-dev-";
const BUILD_DIR_PID = /^bunflare-dev-(\d+)-/;

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * Removes the build directories of dev sessions killed before they could (SIGKILL, a
 * crash): their process is gone. Left alone, they pile up in the temp directory, and
 * every Bun start there reads it.
 */
export function removeLeftBuildDirs(): void {
  let names: string[];
  try {
    names = readdirSync(tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const pid = BUILD_DIR_PID.exec(name)?.[1];
    if (pid && Number(pid) !== process.pid && processIsGone(Number(pid))) rmSync(path.join(tmpdir(), name), { recursive: true, force: true });
  }
}

export class DevSession {
  /** The first config's worker is the one served; the others are reachable through service bindings. */
  readonly slots: Slot[];
  readonly primary: Slot;
  private readonly args: DevArgs;
  private readonly console: DevConsole;
  /** Where bundles are written; removed by dispose(), or by a later session if this one is killed. */
  private readonly outDir = mkdtempSync(path.join(tmpdir(), `${BUILD_DIR_PREFIX}${process.pid}-`));
  // One store handle per directory for the life of the server: a config reload must
  // not open a second connection while the old worker may still be using the first.
  private readonly stores = new Map<string, Store>();
  private watchListener?: (paths: string[]) => void;
  /** Bundlers made so far (a config change makes a new one). */
  private bundlers = 0;
  /** Whether the first load is done: the server's start lists the modules of that one. */
  private loaded = false;
  private readonly extraNamespaces = new WeakMap<object, Map<string, DurableObjectNamespace>>();
  /** Where the server listens, as bindings name it (set once it listens). */
  publicUrl?: string;

  /** Reads every config (its warnings go to the console); builds nothing yet. */
  constructor(args: DevArgs, devConsole: DevConsole) {
    this.args = args;
    this.console = devConsole;
    const configPaths = Array.isArray(args.config) ? (args.config as string[]) : [args.config];
    this.slots = [];
    for (const [index, config] of configPaths.entries()) {
      // As wrangler: every worker of the session keeps its data in the first one's store (beside
      // the first config, or --persist-to), so two workers binding one KV id, D1 id or cache share it.
      const persistTo = index === 0 ? args["persist-to"] : this.slots[0]!.settings.project.storeDir;
      const slotArgs: DevArgs = { ...args, config, script: index === 0 ? args.script : undefined, "persist-to": persistTo };
      this.slots.push({ index, args: slotArgs, settings: loadSettings(slotArgs, devConsole), watched: new Set() });
    }
    this.primary = this.slots[0]!;
  }

  get multi(): boolean {
    return this.slots.length > 1;
  }

  /** Whether a worker of this name runs in this session. */
  readonly runsWorker = (name: string): boolean => this.slots.some((slot) => slot.settings.project.loaded.config.name === name);

  storeFor(project: Project): Store {
    let store = this.stores.get(project.storeDir);
    if (!store) this.stores.set(project.storeDir, (store = project.store()));
    return store;
  }

  /** The session's workers as pumps see them. */
  workers(): SessionWorker[] {
    return this.slots.map((slot) => {
      const { project } = slot.settings;
      const storeFor = () => this.storeFor(project);
      return {
        name: project.loaded.config.name,
        config: project.loaded.config,
        // Opened on first use: a worker whose pumps find nothing to do never opens its store.
        get store() {
          return storeFor();
        },
        storeExists: () => this.stores.has(project.storeDir) || existsSync(path.join(project.storeDir, STORE_FILE)),
        current: () => slot.current,
      };
    });
  }

  /** Told about every path a slot starts watching after it was first read (the file watcher adds them). */
  onWatchedPaths(listener: (paths: string[]) => void): void {
    this.watchListener = listener;
  }

  watchAll(slot: Slot, paths: string[]): void {
    const fresh = paths.filter((p) => !slot.watched.has(p));
    for (const p of fresh) slot.watched.add(p);
    if (fresh.length) this.watchListener?.(fresh);
  }

  /** Why a bundler could not be made (a bad --define, WRANGLER_BUILD_PLATFORM): thrown by checkBundlers(). */
  private bundlerError?: { error: unknown };

  /**
   * Creates a bundler for every slot that bundles and starts its first build now, so
   * esbuild runs while the rest of the start prints. Prints nothing and throws nothing:
   * a failure waits for checkBundlers(), where the start reported it before.
   */
  async startBuilds(): Promise<void> {
    try {
      for (const slot of this.slots) {
        if (!this.bundles(slot)) continue;
        slot.bundler = await this.makeBundler(slot);
        this.prestartBuild(slot, false);
      }
    } catch (error) {
      this.bundlerError = { error };
    }
  }

  /** Throws what startBuilds() met, if anything. */
  checkBundlers(): void {
    if (this.bundlerError) throw this.bundlerError.error;
  }

  /**
   * The slot's build starts now: at start (`change` false), or while a change to its sources
   * settles. Not before a custom build, which may write the sources.
   */
  prestartBuild(slot: Slot, change = true): void {
    if (!slot.settings.project.loaded.config.build?.command && !slot.settings.prepare) slot.bundler?.prestart(change);
  }

  /**
   * Loads every worker: secondaries first, so the primary's top-level code can already reach them.
   * Returns how the first failing one failed: its build, or its start (top-level code threw).
   */
  async loadAll(): Promise<"build" | "start" | undefined> {
    let failed: "build" | "start" | undefined;
    for (const slot of [...this.slots.slice(1), this.primary]) {
      if (!(await this.reload(slot))) failed ??= slot.built ? "start" : "build";
    }
    this.loaded = true;
    return failed;
  }

  /**
   * After a failed first load: whether wrangler would keep running (it bundles in watch mode,
   * prints the error and waits), not end with exit code 1. It ends when a worker failed to
   * start, or when a main that does not parse fails its look at main's exports before bundling.
   */
  async waitsForFix(): Promise<boolean> {
    for (const slot of this.slots) {
      if (slot.current) continue;
      // A custom build's failure ends the start as before: wrangler runs the command before it bundles.
      if (slot.built || slot.settings.project.loaded.config.build?.command) return false;
      if (slot.bundler && !(await slot.bundler.entryParses())) return false;
    }
    return true;
  }

  /**
   * Build and load a new worker; on failure print why and keep the last good one.
   * `onBuilt` runs once the build is done and listed, before the new worker loads.
   * `configChanged`: the round's reason is a config change (a Pages worker is then not "compiled" again).
   */
  async reload(slot: Slot, runCommand = true, onBuilt?: () => void, configChanged = false): Promise<boolean> {
    const s = slot.settings;
    slot.built = false;
    if (runCommand && !(await this.runBuildCommand(s))) return false;
    let file = s.main;
    let map: string | undefined;
    if (slot.bundler) {
      const building = slot.bundler.build();
      host();
      const outcome = await building;
      this.watchAll(slot, outcome.inputs);
      if (!outcome.ok) {
        log.error(outcome.message);
        const functionsDir = s.pages?.functionsDir;
        if (this.loaded && functionsDir) log.warn(functionsKept(`Failed to build Functions at ${displayDirectory(functionsDir)}`));
        return false;
      }
      file = outcome.file;
      map = outcome.map;
      slot.built = true;
    } else {
      // Unbundled: Bun transpiles (and source-maps) the modules itself; the host evaluates them afresh.
      const { loaded } = s.project;
      const search = additionalModules().moduleSearchOf(loaded, s.main);
      slot.moduleRoot = search.root;
      this.watchAll(slot, [s.main, slot.moduleRoot]);
      // As wrangler, which reads the rules again for each unbundled reload.
      for (const warning of ignoredRulesWarnings(loaded.config.rules)) this.console.warn(warning);
      // The module search is this worker's build: a file under the module root that only a
      // removed rule matches fails it, as under wrangler, and so does a matched symlink that leads
      // nowhere or to a directory (where wrangler stops serving, with an unhandled rejection).
      slot.modules = undefined;
      try {
        slot.modules = additionalModules().findAdditionalModules(search, s.main, loaded.config.rules);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        log.error(error.message);
        return false;
      }
      loadRuleModulesUnder(slot.moduleRoot, loaded.config.rules);
      slot.built = true;
    }
    // As wrangler, which lists the additional modules again on each build (the one that fixes a failed start too).
    if (this.loaded) this.listModules(slot);
    // As wrangler pages dev, which compiles the worker again before the dev server hears of a change to it
    // (a config change only restarts the server).
    if (this.loaded && s.pages?.main && !configChanged) this.console.log("log", "✨ Compiled Worker successfully");
    onBuilt?.();
    let next: LoadedWorker | undefined;
    const env = buildEnv({
      config: s.project.loaded.config,
      vars: s.vars,
      store: () => this.storeFor(s.project),
      getExports: () => next?.exports ?? {},
      assets: s.assets,
      findService: this.findService,
      findWorker: this.findWorker,
      log: (level, heading, rest = "") => this.console.log(level, devLogLine(level, kleur.blue(heading) + rest)),
      reportError: (error) => this.console.workerError(next ? next.mapStack(error) : String((error as Error)?.stack ?? error)),
      publicUrl: () => this.publicUrl,
    });
    // workerd fills process.env with a worker's vars (JSON ones as text); the worker's
    // `process` shows only those, and node:process (the host's own) gets them too.
    const compat = compatOf(s);
    const flagsOn = compatibilityFlags(compat);
    const processEnv: Record<string, string> = {};
    if (populatesProcessEnv(compat)) {
      for (const [name, value] of Object.entries(s.vars)) {
        processEnv[name] = process.env[name] = typeof value === "string" ? value : JSON.stringify(value);
      }
    }
    try {
      next = await host().loadWorker({
        file,
        map,
        env,
        scope: {
          // Bundles of this slot live under its own directory; an unbundled worker's modules are the project's.
          root: slot.bundler ? this.slotDir(slot) : path.dirname(s.main).startsWith(s.project.loaded.dir) ? s.project.loaded.dir : path.dirname(s.main),
          nodeGlobals: hasNodeGlobals(compat),
          absentGlobals: absentGlobals(flagsOn),
          compatibilityFlags: flagsOn,
          processEnv,
          evalAtStartup: allowsEvalDuringStartup(compat),
          webSockets: { autoReply: autoRepliesToClose(compat), limitReason: limitsCloseReason(compat), blobMessages: blobsBinaryMessages(compat) },
          // wrangler's middleware for several workers, added by its bundler (so not to an unbundled worker).
          consolePrefix: this.multi && slot.bundler ? kleur.blue(`[${s.project.loaded.config.name}]`) : undefined,
        },
        onBackgroundError: (error, worker) => this.console.workerError(worker.mapStack(error)),
        tail: this.tailSender(s.project.loaded.config),
      });
    } catch (error) {
      // The worker's own code threw (its stack already mapped), or the host could not load it.
      // wrangler names an unnamed worker with a random UUID there.
      if ((error as { mapped?: boolean }).mapped) this.console.loadFailure(s.project.loaded.config.name ?? crypto.randomUUID(), (error as Error).message);
      else this.console.workerError((error as Error).message);
      return false;
    }
    const previous = slot.current;
    slot.current = next;
    // Requests already in flight finish on the old worker; release its Durable
    // Object instances and files once they have had time to.
    if (previous) setTimeout(() => disposeEnv(previous.env), 10_000).unref();
    return true;
  }

  /** Re-reads a slot's config and vars after one of its config files changed; prints why on failure. */
  async reconfigure(slot: Slot): Promise<boolean> {
    try {
      const fresh = loadSettings(slot.args, this.console);
      slot.settings = fresh;
      if (slot.bundler) await slot.bundler.dispose();
      slot.bundler = this.bundles(slot) ? await this.makeBundler(slot) : undefined;
      slot.moduleRoot = undefined;
      slot.modules = undefined;
      this.watchAll(slot, [fresh.main, ...fresh.watchDirs.filter(existsSync)]);
      return true;
    } catch (error) {
      log.error((error as Error).message);
      return false;
    }
  }

  /** A service binding's target: a worker of this session, else one another dev process serves. */
  readonly findService = (name: string, entrypoint?: string): ServiceTarget | undefined => {
    const local = this.slots.find((slot) => slot.settings.project.loaded.config.name === name);
    if (local) return local.current?.asService(entrypoint);
    return remoteService(name, entrypoint);
  };

  /**
   * Where a worker's tail events go: each of its `tail_consumers`, a worker of this session or
   * of another dev process (its default export's tail()). Undefined without consumers, so the
   * worker is not traced at all. A consumer that is not running misses the events, as in wrangler.
   */
  private tailSender(config: Settings["project"]["loaded"]["config"]): ((items: TraceItem[]) => void) | undefined {
    const names = (config.tail_consumers ?? []).map((consumer) => consumer.service).filter((name) => typeof name === "string");
    if (!names.length) return undefined;
    // The consumer's failure is its own: printed as its uncaught error, never the producer's.
    const report = (error: unknown, worker?: LoadedWorker) => {
      if (!(error instanceof host().HandlerError)) this.console.workerError(worker ? worker.mapStack(error) : String((error as Error)?.stack ?? error));
    };
    return (items) => {
      for (const name of names) {
        const local = this.slots.find((slot) => slot.settings.project.loaded.config.name === name);
        if (local) {
          const consumer = local.current;
          consumer?.dispatch("tail", items).catch((error) => report(error, consumer));
        } else if (lookupWorker(name)) {
          const { remoteCall } = require("../../runtime/rpc/remote.ts") as typeof import("../../runtime/rpc/remote.ts");
          remoteCall({ worker: name }, "call", ["tail"], [items]).catch((error) => report(error));
        }
      }
    };
  }

  /** A worker of this session by name (Durable Object bindings to another worker's class). */
  readonly findWorker = (name: string) => {
    const worker = this.slots.find((other) => other.settings.project.loaded.config.name === name)?.current;
    return worker && { exports: worker.exports, env: worker.env };
  };

  /**
   * The namespace of a Durable Object class a worker of this session defines, for
   * calls from another dev process: the worker's own binding to it when it has
   * one (so both reach the same instances), else one made for those calls.
   */
  hostedNamespace(workerName: string, className: string): DurableObjectNamespace | undefined {
    const slot = this.slots.find((candidate) => candidate.settings.project.loaded.config.name === workerName);
    const worker = slot?.current;
    if (!slot || !worker || typeof worker.exports[className] !== "function") return undefined;
    const { config } = slot.settings.project.loaded;
    const own = (config.durable_objects?.bindings ?? []).find(
      (b) => b.class_name === className && (!b.script_name || b.script_name === config.name),
    );
    if (own) return worker.env[own.name] as DurableObjectNamespace;
    let made = this.extraNamespaces.get(worker.env);
    if (!made) this.extraNamespaces.set(worker.env, (made = new Map()));
    let namespace = made.get(className);
    if (!namespace) {
      const { createDurableObjectNamespace, sqliteBackedClasses } = require("../../runtime/bindings/durable-objects/index.ts") as typeof import("../../runtime/bindings/durable-objects/index.ts");
      namespace = createDurableObjectNamespace({
        store: this.storeFor(slot.settings.project),
        className,
        sqlite: sqliteBackedClasses(config.migrations).has(className),
        getClass: () => slot.current!.exports[className] as new (state: unknown, env: unknown) => unknown,
        getEnv: () => slot.current!.env,
      });
      made.set(className, namespace);
    }
    return namespace;
  }

  /** Stops the bundlers and removes the bundles. */
  async disposeBuilds(): Promise<void> {
    for (const slot of this.slots) await slot.bundler?.dispose();
    stopBundler();
    rmSync(this.outDir, { recursive: true, force: true });
  }

  closeStores(): void {
    for (const store of this.stores.values()) store.close();
  }

  /** Wrangler's "Attaching additional modules" table, for a worker unbundled or with find_additional_modules. */
  listModules(slot: Slot): void {
    const { loaded } = slot.settings.project;
    const { config } = loaded;
    if (this.bundles(slot) && !config.find_additional_modules) return;
    const { main } = slot.settings;
    const modules = additionalModules();
    let found = slot.modules;
    try {
      // At start this can run before the first build is done.
      found ??= modules.findAdditionalModules(modules.moduleSearchOf(loaded, main), main, config.rules);
    } catch (error) {
      // The build ran this same search and said why it failed: an unbundled worker's always
      // (reload()), a bundle's where removed rules exist (src/bundle).
      if (!(error instanceof UserError)) throw error;
      if (this.bundles(slot) && !parseRules(config.rules).removed.length) log.error(error.message);
      return;
    }
    for (const warning of found.warnings) this.console.warn(warning);
    const table = modules.additionalModulesTable(found.modules);
    if (table) this.console.log("info", table);
  }

  private bundles(slot: Slot): boolean {
    const { args } = this;
    return !(args["no-bundle"] === true || args.bundle === false || slot.settings.project.loaded.config.no_bundle === true);
  }

  private slotDir(slot: Slot): string {
    return path.join(this.outDir, String(slot.index));
  }

  private makeBundler(slot: Slot): Promise<Bundler> {
    const { project, main } = slot.settings;
    // Each bundler numbers its builds from 1 again: in a directory of its own, a new
    // bundler's gen-<n>/worker.js is never a path whose module Bun has already loaded.
    const outDir = path.join(this.slotDir(slot), String(++this.bundlers));
    // As wrangler, which reads the rules when it sets up a bundle (at start and on a config change), not for each rebuild.
    for (const warning of ignoredRulesWarnings(project.loaded.config.rules)) this.console.warn(warning);
    // Not for a custom build: its command may write the sources before each build.
    const cacheDir = project.loaded.config.build?.command ? undefined : path.join(project.storeDir, "dev-build");
    const options = bundleOptions(project.loaded, main, this.args, outDir, this.console.warn);
    // As wrangler, Pages Functions build from their own directory: a message names `api.js`, not `functions/api.js`.
    const functionsDir = slot.settings.pages?.functionsDir;
    return createBundler({ ...options, projectDir: functionsDir ?? options.projectDir, cacheDir });
  }

  // Async so the last good worker keeps answering while a custom build runs.
  private async runBuildCommand(s: Settings): Promise<boolean> {
    const loaded = s.project.loaded;
    if (s.prepare) {
      try {
        await s.prepare();
      } catch (error) {
        this.console.flush();
        if (error instanceof LastBuildKeptWarning) log.warn(error.message);
        else log.error(error instanceof Error ? error.message : String(error));
        return false;
      }
    }
    if (!loaded.config.build?.command) return true;
    const ran = await runCustomBuild(loaded, "dev", (line) => this.console.log("log", line));
    // The command may generate `main`: it must be there once it has run.
    const problem = ran ? builtMainMissing(loaded, s.main) : customBuildFailed(loaded.config.build.command);
    if (!problem) return true;
    this.console.flush();
    log.error(problem);
    return false;
  }

}
