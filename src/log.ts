// Output in wrangler's shapes. Wrangler prints errors and warnings through
// esbuild's message formatter (header, optional source location, notes), with
// colours even when stdout is not a TTY; this reproduces that layout.
// NO_COLOR (or FORCE_COLOR=0) turns the colours off.
import { version } from "../package.json";

const color = !process.env.NO_COLOR && process.env.FORCE_COLOR !== "0";
const esc = (code: string) => (color ? `\x1b[${code}m` : "");

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
  // Wrangler prints esbuild's formatted message (ending in a blank line)
  // with console.error, which adds a newline: two blank lines after each.
  warn(message: string | Message): void {
    if (shows("warn")) stderr(formatWarning(message) + "\n");
  },
  error(message: string | Message): void {
    if (shows("error")) stderr(formatError(message) + "\n");
  },
};

/**
 * Writes text to stderr as given. Not console.error: under FORCE_COLOR, Bun
 * wraps what console.error prints in red (\x1b[0m\x1b[31m...), which wrangler
 * (Node) does not.
 */
export function stderr(text: string): void {
  process.stderr.write(text);
}

let level: 0 | 1 | 2 | 3 | undefined;
/**
 * Chalk's colour level for stdout, which is what wrangler's chalk colours
 * (banner rule, "Resource location:", help tags) follow: FORCE_COLOR decides
 * if set, else none unless stdout is a terminal. (Errors and warnings are
 * coloured regardless, as esbuild's formatter does.)
 */
export function chalkLevel(): 0 | 1 | 2 | 3 {
  if (level !== undefined) return level;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined) {
    const n = force === "" || force === "true" ? 1 : force === "false" ? 0 : Number.parseInt(force, 10);
    return (level = (Number.isNaN(n) ? 1 : Math.min(Math.max(n, 0), 3)) as 0 | 1 | 2 | 3);
  }
  // node:tty's isatty rather than process.stdout.isTTY: the first touch of
  // process.stdout costs start-up time.
  if (process.env.NO_COLOR || !require("node:tty").isatty(1) || process.env.TERM === "dumb") return (level = 0);
  if (process.env.COLORTERM === "truecolor") return (level = 3);
  return (level = /-256(colou?r)?$/i.test(process.env.TERM ?? "") ? 2 : 1);
}

/** An RGB colour as chalk prints it at the current level (truecolor, 256 or 16 colours). */
function hexCode(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  const lvl = chalkLevel();
  if (lvl === 3) return `38;2;${r};${g};${b}`;
  const code256 =
    r === g && g === b
      ? r < 8 ? 16 : r > 248 ? 231 : Math.round(((r - 8) / 247) * 24) + 232
      : 16 + 36 * Math.round((r / 255) * 5) + 6 * Math.round((g / 255) * 5) + Math.round((b / 255) * 5);
  if (lvl === 2) return `38;5;${code256}`;
  // 256 -> 16 colours, the way chalk's ansi-styles maps them.
  let rgb: [number, number, number];
  if (code256 >= 232) {
    const grey = ((code256 - 232) * 10 + 8) / 255;
    rgb = [grey, grey, grey];
  } else {
    const c = code256 - 16;
    rgb = [Math.floor(c / 36) / 5, Math.floor((c % 36) / 6) / 5, (c % 6) / 5];
  }
  const value = Math.max(...rgb) * 2;
  if (value === 0) return "30";
  const code = 30 + ((Math.round(rgb[2]) << 2) | (Math.round(rgb[1]) << 1) | Math.round(rgb[0]));
  return String(value === 2 ? code + 60 : code);
}

const wrap = (open: string, close: string) => (text: string) => (chalkLevel() ? `\x1b[${open}m${text}\x1b[${close}m` : text);
/** Wrangler's chalk styles, at chalk's level. */
export const chalk = {
  bold: wrap("1", "22"),
  dim: wrap("2", "22"),
  red: wrap("31", "39"),
  green: wrap("32", "39"),
  cyan: wrap("36", "39"),
  white: wrap("37", "39"),
  hex: (hex: string) => (text: string) => (chalkLevel() ? `\x1b[${hexCode(hex)}m${text}\x1b[39m` : text),
};

/** The banner wrangler prints before most commands. */
export function printBanner(): void {
  const title = ` ⛅️ bunflare ${version}`;
  log.info("");
  log.info(title);
  log.info(chalk.hex("#FF8800")("─".repeat(title.length)));
}

export { version };
