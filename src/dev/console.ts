// The dev server's console: wrangler's log levels, request lines batched per
// tick, and the interactive hotkeys box.
import { isatty } from "../colors.ts";
import { devLogLine, nameDevLogsByWorker, formatError, formatWarning, kleurEnabled, layoutNotes, log, writeStderr } from "../log.ts";
import type { LogLevel } from "./settings.ts";
import { noteConsoleLine, noteWorkerLine } from "./requests.ts";
import type { mapPrinted } from "../../runtime/host/index.ts";
import type { WorkerLogLevel } from "../../runtime/host/worker-console.ts";

// Wrangler's order: a message shows when its level is at or below the chosen one.
export const LEVELS: readonly LogLevel[] = ["none", "error", "warn", "info", "log", "debug"];

/** The host's frame mapping, required at a worker's first line (the host is loaded by then): the dev server's modules load without the host, which loads while the first build runs. */
let mapFrames: typeof mapPrinted | undefined;

export class DevConsole {
  private readonly level: number;
  private pending = "";
  /** While `pages dev`'s Functions first build: what would be written, in order (see hold()). */
  private held: (() => void)[] | undefined;

  constructor(level: LogLevel = "log") {
    this.level = LEVELS.indexOf(level);
    nameDevLogsByWorker(level === "debug");
  }

  /** A line at a wrangler log level. Lines are batched per tick: one write per
   * request is the dev server's main per-request cost. */
  readonly log = (at: LogLevel, line: string): void => {
    noteConsoleLine(line);
    this.request(at, line);
  };

  /** A request's log line: the same, but never a cron or queue summary for the explorer's record. */
  readonly request = (at: LogLevel, line: string): void => {
    if (LEVELS.indexOf(at) > this.level) return;
    if (!this.pending) setImmediate(this.flush);
    this.pending += line + "\n";
  };

  /** Writes the batched lines now (before a child process writes to the same terminal). */
  readonly flush = (): void => {
    const text = this.pending;
    this.pending = "";
    // console.log, not process.stdout.write: see src/log.ts. `text` ends with the newline console adds.
    if (text) this.write(() => console.log(text.slice(0, -1)));
  };

  /** A plain line on stdout now, after the batched ones. */
  readonly line = (text: string): void => {
    this.flush();
    this.write(() => console.log(text));
  };

  /**
   * Keeps everything written from now on until release(): wrangler builds Pages Functions
   * before it prints anything else, so a start whose Functions do not build shows the error alone.
   */
  hold(): void {
    this.held ??= [];
  }

  /** Ends hold(): what was kept is written (`print`) or dropped. */
  release(print: boolean): void {
    this.flush();
    const held = this.held ?? [];
    this.held = undefined;
    if (print) for (const write of held) write();
  }

  private write(write: () => void): void {
    if (this.held) this.held.push(write);
    else write();
  }

  /**
   * Where a worker's console.* goes, as wrangler dev sends it: log, info and debug to
   * stdout (log hidden below "log", info and debug below "info"), warn and error in
   * wrangler's WARNING / ERROR boxes on stderr.
   */
  readonly worker = (level: WorkerLogLevel, args: unknown[]): void => {
    if (LEVELS.indexOf(level === "debug" ? "info" : level) > this.level) return;
    const mapped = args.map((mapFrames ??= (require("../../runtime/host/index.ts") as { mapPrinted: typeof mapPrinted }).mapPrinted));
    // Loaded at a worker's first line: node:util costs a dev start ~1.5 ms when nothing logs.
    const { format, formatWithOptions } = require("node:util") as typeof import("node:util");
    const text = format(...mapped);
    noteWorkerLine(level, text);
    // Formatted as Node formats it (wrangler's way: `{ n: 1 }` on one line), in miniflare's colours when they are on.
    const shown = kleurEnabled() ? formatWithOptions({ colors: true }, ...mapped) : text;
    if (level === "warn" || level === "error") {
      this.flush();
      // The first line in the box's heading, the rest (a stack) as a note below it.
      this.write(() => writeStderr(level === "warn" ? formatWarning(layoutNotes(shown)) : formatError(layoutNotes(shown))));
    } else {
      this.write(() => console.log(shown));
    }
  };

  /** A wrangler-style warning box, unless --log-level hides warnings. */
  readonly warn = (message: string): void => {
    if (LEVELS.indexOf("warn") > this.level) return;
    // Lines logged before it (the bindings table) come before it, as in wrangler.
    this.flush();
    this.write(() => log.warn(message));
  };

  /** An error the way wrangler dev reports a worker's uncaught one. */
  readonly workerError = (text: string): void => this.log("error", devLogLine("error", text));

  /**
   * A worker whose code throws while it loads (`stack`: the error's mapped stack), worded as
   * workerd words it under wrangler: "service core:user:<name>: Uncaught <error>" in an ERROR
   * box, its frames below.
   */
  readonly loadFailure = (worker: string, stack: string): void => {
    if (LEVELS.indexOf("error") > this.level) return;
    this.flush();
    const [first = "", ...frames] = stack.split("\n");
    const text = [`service core:user:${worker}: Uncaught ${first}`, ...frames.map((frame) => `  ${frame.trim()}`)].join("\n");
    this.write(() => writeStderr(formatError(layoutNotes(text))));
  };
}

export interface HotkeyActions {
  /** Where [b] points the browser. */
  url: string;
  /** [x], [q] or Ctrl-C. */
  exit(): void;
}

/** Opens a URL in the desktop's browser; a machine without one is not an error. */
export function openInBrowser(url: string): void {
  const opener = process.platform === "darwin" ? "open" : process.platform === "win32" ? "start" : "xdg-open";
  const { spawn } = require("node:child_process") as typeof import("node:child_process");
  spawn(opener, [url], { stdio: "ignore", detached: true }).on("error", () => {}).unref();
}

/** The hotkeys box and its keys, on an interactive terminal only (as wrangler). */
export function startHotkeys(devConsole: DevConsole, actions: HotkeyActions, showInteractive: boolean | undefined): void {
  // isatty rather than process.stdin/stdout.isTTY: creating those streams costs ~10 ms of a
  // dev start that is not interactive (and colors.ts's isatty loads no node:tty).
  const interactive = isatty(0) && isatty(1) && showInteractive !== false;
  if (!interactive) return;
  // wrangler's order ([d] devtools has no bunflare counterpart, so it is not listed).
  const keys = "[b] open a browser [e] open local explorer [c] clear console [x] to exit";
  const printHotkeys = () => devConsole.log("log", `╭${"─".repeat(keys.length + 4)}╮\n│  ${keys}  │\n╰${"─".repeat(keys.length + 4)}╯`);
  printHotkeys();
  process.stdin.setRawMode(true);
  process.stdin.resume();
  process.stdin.on("data", (data: Buffer) => {
    const key = data.toString().toLowerCase();
    if (key === "b") {
      openInBrowser(actions.url);
    } else if (key === "e") {
      openInBrowser(new URL("/cdn-cgi/explorer", actions.url).href);
    } else if (key === "c") {
      process.stdout.write("\x1b[2J\x1b[3J\x1b[H");
      printHotkeys();
    } else if (key === "x" || key === "q" || key === "\u0003") {
      actions.exit();
    }
  });
}
