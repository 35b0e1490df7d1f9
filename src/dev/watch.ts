// Reload on change: watch each worker's sources and config files, fold a burst
// of changes into one round, and rebuild only the workers that own a changed file.
import { dim } from "../colors.ts";
import { existsSync, statSync, watch, type FSWatcher } from "node:fs";
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

/** build.watch_dir: a change there runs the custom build command again. */
const inWatchDirs = (slot: Slot, file: string) => slot.settings.watchDirs.some((dir) => file === dir || file.startsWith(dir + path.sep));

/** Whether a change to this file rebuilds the slot's worker. */
const owns = (slot: Slot, file: string) => isConfigFile(slot, file) || slot.watched.has(file) || inWatchDirs(slot, file);

const ignored = (file: string) =>
  file.includes(`${path.sep}node_modules${path.sep}`) || file.includes(`${path.sep}.bunflare`) || file.includes(`${path.sep}.wrangler`);

export class Reloader {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void>;
  private readonly changed = new Set<string>();
  /** Slots whose sources changed in this batch of events: each starts one build for it. */
  private readonly toPrestart = new Set<Slot>();
  /** One watcher per directory and kind ("tree:" for a whole tree, "dir:" for its own entries). */
  private readonly watchers = new Map<string, FSWatcher>();
  private starting: Promise<void> | undefined;

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
      if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) this.watchDir(file, true);
      else this.watchDir(path.dirname(file), false);
    }
  }

  private watchDir(dir: string, tree: boolean): void {
    const key = `${tree ? "tree" : "dir"}:${dir}`;
    if (this.watchers.has(key)) return;
    try {
      const watcher = watch(dir, { recursive: tree }, (_event, name) => {
        if (typeof name === "string") this.noticed(path.join(dir, name));
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

  private noticed(file: string): void {
    if (ignored(file)) return;
    const slots = this.session.slots.filter((slot) => owns(slot, file));
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
    this.timer = setTimeout(() => {
      const files = [...this.changed];
      this.changed.clear();
      this.running = this.running.then(() => this.reloadFor(files));
    }, 5);
  }

  private async reloadFor(files: string[]): Promise<void> {
    const affected = this.session.slots.filter((slot) => files.some((f) => owns(slot, f)));
    if (!affected.length) return;
    this.console.log("log", dim("⎔ Reloading local server..."));
    let ok = true;
    for (const slot of affected) {
      if (files.some((f) => isConfigFile(slot, f))) {
        if (!(await this.session.reconfigure(slot))) {
          ok = false;
          continue;
        }
        this.hooks.reconfigured(slot);
      }
      // As wrangler: the custom build runs for config and watch_dir changes only. A change to
      // what it writes (main) is rebundled without it, or a command that writes main would loop.
      const runCommand = files.some((f) => isConfigFile(slot, f) || inWatchDirs(slot, f));
      ok = (await this.session.reload(slot, runCommand)) && ok;
    }
    this.hooks.reloaded();
    if (ok) {
      this.console.log("log", dim("⎔ Local server updated and ready"));
      this.hooks.updated();
    }
  }
}
