// Reload on change: watch each worker's sources and config files, fold a burst
// of changes into one round, and rebuild only the workers that own a changed file.
import { dim } from "../colors.ts";
import { existsSync } from "node:fs";
import path from "node:path";
import type { FSWatcher } from "chokidar";
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

/** Whether a change to this file rebuilds the slot's worker. */
const owns = (slot: Slot, file: string) =>
  isConfigFile(slot, file) ||
  slot.watched.has(file) ||
  slot.settings.watchDirs.some((dir) => file === dir || file.startsWith(dir + path.sep));

const ignored = (file: string) =>
  file.includes(`${path.sep}node_modules${path.sep}`) || file.includes(`${path.sep}.bunflare`) || file.includes(`${path.sep}.wrangler`);

export class Reloader {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running: Promise<void>;
  private readonly changed = new Set<string>();
  private watchers: FSWatcher[] = [];
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
   * Starts watching and resolves once the watchers are ready, so an edit made after that is never missed.
   * chokidar loads (~10 ms) while `loaded` (the first build) runs; the files are watched once it is done.
   */
  start(loaded: Promise<unknown> = Promise.resolve()): Promise<void> {
    return (this.starting ??= this.watch(loaded));
  }

  private async watch(loaded: Promise<unknown>): Promise<void> {
    const { slots } = this.session;
    const { watch } = await import("chokidar");
    const ready: Promise<void>[] = [];
    const follow = (w: FSWatcher) => {
      this.watchers.push(w);
      ready.push(new Promise<void>((resolve) => w.once("ready", () => resolve())));
      w.on("all", (_event, file) => this.noticed(path.resolve(file)));
      // chokidar drops a change whose mtime equals the last one it saw, and file
      // timestamps are coarse: a quick second save would be lost. Raw events are not filtered.
      w.on("raw", (_event, name, details) => {
        const base = (details as { watchedPath?: string } | undefined)?.watchedPath;
        if (!base || typeof name !== "string") return;
        this.noticed(path.basename(base) === name ? base : path.join(base, name));
      });
    };
    // Config, .dev.vars and .env files are watched through their directory, so one
    // created after start (a first .dev.vars) is noticed too. Known before the build.
    const configDirs = [...new Set(slots.map((slot) => slot.settings.project.loaded.dir))];
    follow(watch(configDirs, { ignoreInitial: true, depth: 0, ignored }));
    await loaded.catch(() => {});
    const initial = slots.flatMap((slot) => [...slot.watched, ...slot.settings.watchDirs.filter(existsSync)]);
    for (const slot of slots) for (const dir of slot.settings.watchDirs.filter(existsSync)) slot.watched.add(dir);
    const sources = watch(initial, { ignoreInitial: true, ignored });
    this.session.onWatchedPaths((paths) => sources.add(paths));
    follow(sources);
    await Promise.all(ready);
  }

  async close(): Promise<void> {
    await this.starting;
    for (const w of this.watchers) await w.close();
  }

  private noticed(file: string): void {
    const slots = this.session.slots.filter((slot) => owns(slot, file));
    if (!slots.length) return;
    this.changed.add(file);
    // A config change makes a new bundler: only a source change starts a build early.
    for (const slot of slots) if (!isConfigFile(slot, file)) this.session.prestartBuild(slot);
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
      ok = (await this.session.reload(slot)) && ok;
    }
    this.hooks.reloaded();
    if (ok) {
      this.console.log("log", dim("⎔ Local server updated and ready"));
      this.hooks.updated();
    }
  }
}
