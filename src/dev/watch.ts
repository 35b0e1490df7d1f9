// Reload on change: watch each worker's sources and config files, fold a burst
// of changes into one round, and rebuild only the workers that own a changed file.
import { dim } from "../colors.ts";
import { existsSync, readdirSync, statSync, watch, type Dirent, type FSWatcher } from "node:fs";
import path from "node:path";
import type { DevConsole } from "./console.ts";
import type { DevSession, Slot } from "./session.ts";

export interface ReloadHooks {
  /** A slot's config was re-read (its bindings table is printed again). */
  reconfigured(slot: Slot): void;
  /** A reload round ended, whether or not every worker built: pumps pick up new config. */
  reloaded(): void;
  /** Every affected worker reloaded: open browsers refresh. */
  updated(): void;
}

/** Config, .dev.vars and .env files: a change re-reads the slot's settings. */
const isConfigFile = (slot: Slot, file: string) => slot.settings.watchFiles.includes(file);

const under = (dir: string, file: string) => file === dir || file.startsWith(dir + path.sep);

/**
 * build.watch_dir: a change there runs the custom build command again. Any change, as
 * wrangler's watcher of it ignores nothing (node_modules and dot directories included).
 */
const inWatchDirs = (slot: Slot, file: string) => slot.settings.watchDirs.some((dir) => under(dir, file));

/** What wrangler's watcher of an unbundled worker's module root ignores. */
const MODULE_ROOT_IGNORED = new Set([".git", "node_modules", ".wrangler"]);

/** A path under an unbundled worker's module root, outside the directories wrangler ignores there. */
const underModuleRoot = (slot: Slot, file: string) =>
  slot.moduleRoot !== undefined &&
  file.startsWith(slot.moduleRoot + path.sep) &&
  !file.slice(slot.moduleRoot.length + 1).split(path.sep).some((part) => MODULE_ROOT_IGNORED.has(part));

/**
 * A file there that is written: wrangler reloads on a file's change only, not on a new
 * directory or a deletion, nor on a new file (see Reloader.created).
 */
const inModuleRoot = (slot: Slot, file: string) => underModuleRoot(slot, file) && statSync(file, { throwIfNoEntry: false })?.isFile() === true;

/** Whether a file concerns the slot other than as a module under its module root. */
const ownsOtherwise = (slot: Slot, file: string) => isConfigFile(slot, file) || slot.watched.has(file) || inWatchDirs(slot, file);

/** The files below a module root, as its watcher sees them (the directories wrangler ignores left out). */
function filesBelow(dir: string, into = new Set<string>()): Set<string> {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return into;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() && !MODULE_ROOT_IGNORED.has(entry.name)) filesBelow(full, into);
    else if (entry.isFile()) into.add(full);
  }
  return into;
}

/** A new file's own events (its creation, then the write of its content) come within this time. */
const CREATION_MS = 100;

/** How long a round waits for the content of a changed file found empty (see Reloader.settle). */
const EMPTY_FILE_WAIT_MS = 100;

/** Whether a change to this file rebuilds the slot's worker. */
const owns = (slot: Slot, file: string) => isConfigFile(slot, file) || slot.watched.has(file) || inWatchDirs(slot, file) || inModuleRoot(slot, file);

export class Reloader {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void>;
  private readonly changed = new Set<string>();
  /** Slots whose sources changed in this batch of events: each starts one build for it. */
  private readonly toPrestart = new Set<Slot>();
  /** One watcher per directory and kind ("tree:" for a whole tree, "dir:" and "top:" for its own entries). */
  private readonly watchers = new Map<string, FSWatcher>();
  private starting: Promise<void> | undefined;
  /**
   * The files under each unbundled worker's module root: there when it was first watched,
   * or created since. Wrangler's watcher of it reloads on a known file's change, not on a
   * new file (its first edit does): an event for a file not known is its creation.
   */
  private readonly moduleFiles = new Map<string, Set<string>>();
  /** When each file found new appeared: the events of its creation are not an edit. */
  private readonly created = new Map<string, number>();
  /** Set while a failed first build holds the start: the round that loads every worker ends the wait. */
  private firstLoaded: (() => void) | undefined;

  /** No reload round starts before `after` resolves (the first load and the server's listen). */
  constructor(
    private readonly session: DevSession,
    private readonly console: DevConsole,
    private readonly hooks: ReloadHooks,
    after: Promise<void> = Promise.resolve(),
  ) {
    this.running = after;
  }

  /**
   * Starts watching and resolves once the watchers are in place, so an edit made after that is never missed.
   * The files are watched once `loaded` (the first build) is done and their list is known.
   */
  start(loaded: Promise<unknown> = Promise.resolve()): Promise<void> {
    return (this.starting ??= this.watch(loaded));
  }

  /**
   * The first build failed: resolves once a round loads every worker. That round is the
   * start, which prints its own lines, not a reload's.
   */
  firstLoad(): Promise<void> {
    return new Promise((resolve) => (this.firstLoaded = resolve));
  }

  private async watch(loaded: Promise<unknown>): Promise<void> {
    const { slots } = this.session;
    // Config, .dev.vars and .env files are watched through their directory, so one
    // created after start (a first .dev.vars) is noticed too. Known before the build.
    for (const slot of slots) this.watchDir(slot.settings.project.loaded.dir, false);
    await loaded.catch(() => {});
    for (const slot of slots) for (const dir of slot.settings.watchDirs.filter(existsSync)) slot.watched.add(dir);
    this.follow(slots.flatMap((slot) => [...slot.watched]));
    this.session.onWatchedPaths((paths) => this.follow(paths));
  }

  /**
   * Watches files through their directory (an editor's atomic save replaces the file, a
   * deleted file may come back) and directories as whole trees; `owns` picks the events.
   */
  private follow(paths: string[]): void {
    for (const file of paths) {
      if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) {
        const root = this.session.slots.some((slot) => slot.moduleRoot === file);
        if (root && !this.moduleFiles.has(file)) this.moduleFiles.set(file, filesBelow(file));
        this.watchTree(file);
      } else this.watchDir(path.dirname(file), false);
    }
  }

  /** The stores: written by the workers themselves, so a change there never reloads (wrangler's .wrangler/state under a watch_dir does, without end). */
  private inStore(file: string): boolean {
    return this.session.slots.some((slot) => under(slot.settings.project.storeDir, file));
  }

  /** Whether some change under this directory would reload a worker (trees are watched for watch_dir and module roots). */
  private actedOnUnder(dir: string): boolean {
    // A name no file can have stands for any file below: the rules look at directories only.
    const file = path.join(dir, "\0");
    return !this.inStore(file) && this.session.slots.some((slot) => inWatchDirs(slot, file) || underModuleRoot(slot, file));
  }

  /**
   * A directory tree: its own entries, and each subdirectory as a recursive watch of its
   * own, made for a subdirectory that appears later too. A recursive watch of the whole
   * tree would ask the OS to watch every directory below, the thousands of a node_modules
   * (or the store) nothing acts on among them.
   */
  private watchTree(dir: string): void {
    this.watchDir(dir, false, true);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // Gone already.
    }
    for (const entry of entries) if (entry.isDirectory()) this.watchSubtree(path.join(dir, entry.name));
  }

  private watchSubtree(dir: string): void {
    if (this.actedOnUnder(dir)) this.watchDir(dir, true);
  }

  /** `top`: the top of a tree, whose new subdirectories are watched as they appear (see watchTree). */
  private watchDir(dir: string, recursive: boolean, top = false): void {
    const key = `${recursive ? "tree" : top ? "top" : "dir"}:${dir}`;
    if (this.watchers.has(key)) return;
    try {
      const watcher = watch(dir, { recursive }, (_event, name) => {
        if (typeof name !== "string") return;
        const file = path.join(dir, name);
        if (top && statSync(file, { throwIfNoEntry: false })?.isDirectory()) this.watchSubtree(file);
        this.noticed(file, recursive || top);
      });
      // A directory that goes away ends its watcher; nothing to report.
      watcher.on("error", () => {});
      this.watchers.set(key, watcher);
    } catch {
      // Gone already (a deleted source's directory).
    }
  }

  async close(): Promise<void> {
    await this.starting;
    for (const watcher of this.watchers.values()) watcher.close();
    this.watchers.clear();
  }

  /**
   * `inTree`: seen by a tree's watcher. A directory's own watcher is there for its config
   * and source files; what else it sees before a tree's watcher starts (a first custom
   * build writing into `watch_dir = "."`) must not reload.
   */
  private noticed(file: string, inTree: boolean): void {
    if (this.inStore(file)) return;
    if (inTree && this.isCreation(file)) return;
    const slots = this.session.slots.filter((slot) => (inTree ? owns(slot, file) : isConfigFile(slot, file) || slot.watched.has(file)));
    if (!slots.length) return;
    this.changed.add(file);
    // A config change makes a new bundler: only a source change starts a build early,
    // once per batch of events (a file seen by two watchers, an editor's rename and write).
    const batched = this.toPrestart.size > 0;
    for (const slot of slots) if (!isConfigFile(slot, file)) this.toPrestart.add(slot);
    if (!batched && this.toPrestart.size) {
      queueMicrotask(() => {
        for (const slot of this.toPrestart) this.session.prestartBuild(slot);
        this.toPrestart.clear();
      });
    }
    clearTimeout(this.timer);
    // A short debounce folds an editor's write+rename into one rebuild.
    this.timer = setTimeout(() => this.settle(false), 5);
  }

  /**
   * Starts the round for the changes seen. A changed file that is empty is most often one
   * half-written (truncated, its content not yet written: a slow save, a loaded machine),
   * so the round waits a little longer for that write once; a file really emptied reloads then.
   */
  private settle(waited: boolean): void {
    if (!waited && [...this.changed].some((file) => statSync(file, { throwIfNoEntry: false })?.size === 0)) {
      this.timer = setTimeout(() => this.settle(true), EMPTY_FILE_WAIT_MS);
      return;
    }
    const files = [...this.changed];
    this.changed.clear();
    this.running = this.running.then(() => this.reloadFor(files));
  }

  /** Whether this event under a module root is a file's creation (or part of it), which wrangler does not reload for. */
  private isCreation(file: string): boolean {
    const known = [...this.moduleFiles].find(([root]) => file.startsWith(root + path.sep))?.[1];
    if (!known || this.session.slots.some((slot) => ownsOtherwise(slot, file))) return false;
    // A deleted file stays known: an editor that saves by deleting and writing again must reload
    // (wrangler's watcher takes a quick delete and add for a change; a slow one gets a reload here).
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) return false;
    if (!known.has(file)) {
      known.add(file);
      this.created.set(file, performance.now());
      return true;
    }
    const at = this.created.get(file);
    if (at === undefined) return false;
    if (performance.now() - at < CREATION_MS) return true;
    this.created.delete(file);
    return false;
  }

  private async reloadFor(files: string[]): Promise<void> {
    const affected = this.session.slots.filter((slot) => files.some((f) => owns(slot, f)));
    if (!affected.length) return;
    // As wrangler, whose runtime hears of a reload only from a finished bundle: the line comes once,
    // after the config's warnings, the custom build and the modules table; a failed build gets none.
    let announced = false;
    const announce = () => {
      if (announced || this.firstLoaded) return;
      announced = true;
      this.console.log("log", dim("⎔ Reloading local server..."));
    };
    let ok = true;
    for (const slot of affected) {
      const configChanged = files.some((f) => isConfigFile(slot, f));
      if (configChanged) {
        if (!(await this.session.reconfigure(slot))) {
          ok = false;
          continue;
        }
        this.hooks.reconfigured(slot);
      }
      // As wrangler: the custom build runs for config and watch_dir changes only. A change to
      // what it writes (main) is rebundled without it, even inside watch_dir (`watch_dir = "."`),
      // where wrangler runs the command again on each of its own writes, without end.
      const runCommand = configChanged || files.some((f) => inWatchDirs(slot, f) && f !== slot.settings.main);
      ok = (await this.session.reload(slot, runCommand, announce, configChanged)) && ok;
    }
    const first = this.firstLoaded;
    if (first && this.session.slots.every((slot) => slot.current)) {
      this.firstLoaded = undefined;
      first();
    }
    this.hooks.reloaded();
    if (ok && !first) {
      this.console.log("log", dim("⎔ Local server updated and ready"));
      this.hooks.updated();
    }
  }
}
