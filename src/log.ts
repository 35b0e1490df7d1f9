// Output in wrangler's shapes. Wrangler prints errors and warnings through
// esbuild's message formatter (header, optional source location, notes), with
// colours even when stdout is not a TTY; this reproduces that layout.
// NO_COLOR (or FORCE_COLOR=0) turns the colours off.
import { version } from "../package.json";
import { writeSync } from "node:fs";
import { hex, isatty } from "./colors.ts";

/** Whether error and warning boxes are coloured. */
export const boxColours = !process.env.NO_COLOR && process.env.FORCE_COLOR !== "0";
const esc = (code: string) => (boxColours ? `\x1b[${code}m` : "");

export interface MessageLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 0-based, like esbuild's. */
  column: number;
  /** Characters to underline; 0 or 1 gives a caret. */
  length?: number;
  lineText: string;
}

export interface Message {
  text: string;
  notes?: string[];
  location?: MessageLocation;
}

const HEADERS = {
  error: () => `${esc("31")}✘ ${esc("41;31")}[${esc("41;97")}ERROR${esc("41;31")}]${esc("0")} `,
  warning: () => `${esc("33")}▲ ${esc("43;33")}[${esc("43;30")}WARNING${esc("43;33")}]${esc("0")} `,
};

/** esbuild's formatter underlines the URLs in a message's notes. */
function underlineUrls(text: string): string {
  return text.replace(/https?:\/\/\S*[^\s.,;:)'"]/g, (url) => `${esc("4")}${url}${esc("0")}`);
}

export function formatMessage(kind: "error" | "warning", message: Message): string {
  let out = `${HEADERS[kind]()}${esc("1")}${message.text}${esc("0")}\n\n`;
  const loc = message.location;
  if (loc) {
    const length = loc.length ?? 0;
    const gutter = String(loc.line).length;
    const before = loc.lineText.slice(0, loc.column);
    const marked = loc.lineText.slice(loc.column, loc.column + length);
    const after = loc.lineText.slice(loc.column + length);
    out += `    ${loc.file}:${loc.line}:${loc.column}:\n`;
    out += `${esc("37")}      ${loc.line} │ ${before}${esc("32")}${marked}${esc("37")}${after}\n`;
    out += `${" ".repeat(6 + gutter)} ╵ ${" ".repeat(loc.column)}${esc("32")}${length > 1 ? "~".repeat(length) : "^"}${esc("0")}\n\n`;
  }
  const notes = message.notes ?? [];
  for (const note of notes) out += underlineUrls(note).split("\n").map((line) => `  ${line}\n`).join("");
  if (notes.length) out += "\n";
  return out;
}

/**
 * Wrangler's logger turns every line after a message's first into an esbuild
 * "note" (indented two spaces, after a blank line). Messages written the way
 * wrangler's source writes them ("headline\nmore\nmore") go through this
 * before being thrown or logged; log.error/log.warn print strings as given.
 */
export function layoutNotes(text: string): string {
  const [first = "", ...rest] = text.split("\n");
  return rest.length ? `${first}\n\n${rest.map((line) => `  ${line}`).join("\n")}` : first;
}

/** A plain string is printed as given after the header: its first line bold, the rest as laid out by the caller. */
function formatPlain(kind: "error" | "warning", text: string): string {
  const [first = "", ...rest] = text.split("\n");
  // One blank line after, as esbuild's formatter ends a message (log.warn and
  // log.error add the newline of wrangler's console.error).
  return `${HEADERS[kind]()}${esc("1")}${first}${esc("0")}${rest.length ? `\n${underlineUrls(rest.join("\n"))}` : ""}\n\n`;
}

export function formatError(message: string | Message): string {
  return typeof message === "string" ? formatPlain("error", message) : formatMessage("error", message);
}

export function formatWarning(message: string | Message): string {
  return typeof message === "string" ? formatPlain("warning", message) : formatMessage("warning", message);
}

/** Wrangler's logger levels: a message shows when its level is at or below the chosen one. */
export const LOG_LEVELS = { none: -1, error: 0, warn: 1, info: 2, log: 3, debug: 4 } as const;
export type LogLevelName = keyof typeof LOG_LEVELS;

let chosenLevel: LogLevelName | undefined;
let envLevel: LogLevelName | undefined;

/** Sets the level for the rest of the process (`dev --log-level`, which wrangler lets win over WRANGLER_LOG). */
export function setLogLevel(level: LogLevelName | undefined): void {
  chosenLevel = level;
}

/** The level every command logs at: --log-level, else WRANGLER_LOG, else "log". */
export function logLevel(): LogLevelName {
  if (chosenLevel) return chosenLevel;
  if (envLevel) return envLevel;
  const fromEnv = process.env.WRANGLER_LOG?.toLowerCase();
  envLevel = "log";
  if (fromEnv !== undefined) {
    if (Object.hasOwn(LOG_LEVELS, fromEnv)) envLevel = fromEnv as LogLevelName;
    else {
      const expected = Object.keys(LOG_LEVELS).map((level) => `"${level}"`).join(" | ");
      log.warn(`Unrecognised WRANGLER_LOG value ${JSON.stringify(fromEnv)}, expected ${expected}, defaulting to "log"...`);
    }
  }
  return envLevel;
}

const shows = (level: LogLevelName) => LOG_LEVELS[logLevel()] >= LOG_LEVELS[level];

export const log = {
  /** Plain line to stdout (wrangler's logger.log: hidden below the "log" level). */
  // console.log/error rather than process.stdout/stderr.write: Bun writes them
  // natively, while the first touch of process.stdout costs ~10 ms of start-up.
  // With one string argument they print it verbatim (no format specifiers).
  info(message = ""): void {
    if (shows("log")) console.log(message);
  },
  // Wrangler prints esbuild's formatted message (ending in a blank line) with
  // console.error, which adds a newline: two blank lines after each.
  warn(message: string | Message): void {
    if (shows("warn")) writeStderr(formatWarning(message));
  },
  error(message: string | Message): void {
    if (shows("error")) writeStderr(formatError(message));
  },
};

/**
 * One line to stderr, as given. Not console.error: Bun paints that red
 * (wrapping it in its own escape codes) whenever colour is forced.
 */
export function writeStderr(text: string): void {
  const bytes = Buffer.from(`${text}\n`);
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(2, bytes, offset);
    } catch (error) {
      // A non-blocking stderr pipe that is full: try again until the reader catches up.
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
    }
  }
}


let kleurOn: boolean | undefined;
/**
 * Whether miniflare's colours (kleur: the dev server's "[wrangler:info]"
 * prefixes and its "Ready on" URL) are on: FORCE_COLOR set to anything but
 * "0", or stdout a terminal; never with NO_COLOR, NODE_DISABLE_COLORS or TERM=dumb.
 */
export function kleurEnabled(): boolean {
  if (kleurOn !== undefined) return kleurOn;
  const env = process.env;
  const wanted = (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") || isatty(1);
  return (kleurOn = !env.NODE_DISABLE_COLORS && env.NO_COLOR === undefined && env.TERM !== "dumb" && wanted);
}
// Like kleur, a nested style's matching close re-opens this one.
const kleurWrap = (open: string, close: string) => (text: string) =>
  kleurEnabled() ? `\x1b[${open}m${text.replaceAll(`\x1b[${close}m`, `\x1b[${close}m\x1b[${open}m`)}\x1b[${close}m` : text;
/** Miniflare's kleur styles, which colour the dev server's log lines. */
export const kleur = {
  reset: kleurWrap("0", "0"),
  bold: kleurWrap("1", "22"),
  red: kleurWrap("31", "39"),
  green: kleurWrap("32", "39"),
  yellow: kleurWrap("33", "39"),
  blue: kleurWrap("34", "39"),
  grey: kleurWrap("90", "39"),
};
const LEVEL_COLOURS = { error: kleur.red, warn: kleur.yellow, info: kleur.green } as const;
/**
 * The names wrangler gives its two miniflare loggers: "wrangler" for both, but at --log-level debug
 * each is named for its worker: the proxy in front (request lines, "Ready on") and the user's worker
 * (the endpoints' and bindings' lines, the worker's errors).
 */
const devLogNames = { proxy: "wrangler", user: "wrangler" };
export function nameDevLogsByWorker(byWorker: boolean): void {
  devLogNames.proxy = byWorker ? "wrangler-ProxyWorker" : "wrangler";
  devLogNames.user = byWorker ? "wrangler-UserWorker" : "wrangler";
}

/** A dev-server log line as miniflare prints it: "[wrangler:info] message", the prefix in its level's colour. */
export function devLogLine(level: keyof typeof LEVEL_COLOURS, message: string, from: keyof typeof devLogNames = "user"): string {
  return `${LEVEL_COLOURS[level](`[${devLogNames[from]}:${level}]`)} ${message}`;
}

/**
 * A request as miniflare logs it: "[wrangler:info] GET /path 200 OK (3ms)",
 * the method bold, the status in its class's colour, the time grey.
 */
export function devRequestLine(method: string, pathname: string, status: number, statusText: string, ms: number): string {
  // On every request: without colours, one string and no styling calls.
  if (!kleurEnabled()) return `[${devLogNames.proxy}:info] ${method} ${pathname} ${status} ${statusText} (${ms}ms)`;
  const colour = status >= 200 && status < 300 ? kleur.green : status >= 400 && status < 500 ? kleur.yellow : status >= 500 ? kleur.red : kleur.blue;
  return devLogLine("info", kleur.reset(`${kleur.bold(method)} ${pathname} ${colour(`${kleur.bold(String(status))} ${statusText} `)}${kleur.grey(`(${ms}ms)`)}`), "proxy");
}

/** The banner wrangler prints before most commands. */
export function printBanner(): void {
  const title = ` ⛅️ bunflare ${version}`;
  log.info("");
  log.info(title);
  // Wrangler colours the rule orange when stdout takes colour (chalk's rules).
  log.info(hex("#FF8800")("─".repeat(title.length)));
}

export { version };
