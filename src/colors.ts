// Colours as wrangler's chalk applies them: one level for all output, taken
// from FORCE_COLOR, whether stdout is a terminal, and the terminal's kind, so
// a pipe gets plain text and FORCE_COLOR=1 gets the 16-colour codes wrangler
// prints there. NO_COLOR turns them off (bunflare's convention, as in
// src/log.ts). Error and warning headers are esbuild's, not chalk's: log.ts.

/**
 * Whether a file descriptor is a terminal. Bun's tty binding answers without
 * loading node:tty, whose streams cost ~8 ms of a one-shot command's start-up.
 */
export function isatty(fd: number): boolean {
  try {
    return Boolean((process as unknown as { binding(name: string): { isTTY(fd: number): boolean } }).binding("tty_wrap").isTTY(fd));
  } catch {
    return (require("node:tty") as typeof import("node:tty")).isatty(fd);
  }
}

export type ColorLevel = 0 | 1 | 2 | 3;

let cached: ColorLevel | undefined;

/** chalk's level (supports-color's rules, for stdout). */
export function colorLevel(): ColorLevel {
  return (cached ??= detectLevel(process.env, isatty(1)));
}

export function detectLevel(env: NodeJS.ProcessEnv, isTTY: boolean): ColorLevel {
  if (env.NO_COLOR) return 0;
  let forced: number | undefined;
  if (env.FORCE_COLOR !== undefined) {
    const value = env.FORCE_COLOR;
    forced = value === "true" || value === "" ? 1 : value === "false" ? 0 : Math.min(Number.parseInt(value, 10), 3);
    if (Number.isNaN(forced)) forced = undefined;
  }
  if (forced === 0) return 0;
  if ("TF_BUILD" in env && "AGENT_NAME" in env) return 1;
  if (!isTTY && forced === undefined) return 0;
  const min = (forced ?? 0) as ColorLevel;
  const term = env.TERM ?? "";
  if (term === "dumb") return min;
  if ("CI" in env) {
    if ("GITHUB_ACTIONS" in env || "GITEA_ACTIONS" in env) return 3;
    if (["TRAVIS", "CIRCLECI", "APPVEYOR", "GITLAB_CI", "BUILDKITE", "DRONE"].some((name) => name in env) || env.CI_NAME === "codeship") return 1;
    return min;
  }
  if ("TEAMCITY_VERSION" in env) return /^(9\.(0*[1-9]\d*)\.|\d{2,}\.)/.test(env.TEAMCITY_VERSION!) ? 1 : 0;
  if (env.COLORTERM === "truecolor" || term === "xterm-kitty") return 3;
  if (env.TERM_PROGRAM === "iTerm.app") return Number.parseInt((env.TERM_PROGRAM_VERSION ?? "").split(".")[0]!, 10) >= 3 ? 3 : 2;
  if (env.TERM_PROGRAM === "Apple_Terminal") return 2;
  if (/-256(color)?$/i.test(term)) return 2;
  if (/^screen|^xterm|^vt100|^vt220|^rxvt|color|ansi|cygwin|linux/i.test(term)) return 1;
  if ("COLORTERM" in env) return 1;
  return min;
}

export type Style = (text: string) => string;

/**
 * A chalk style: like chalk, it re-opens itself after a nested style's
 * matching close, and closes and re-opens around each line break.
 */
const wrap = (open: string, close: string): Style => (text) => {
  if (!colorLevel()) return text;
  const [o, c] = [`\x1b[${open}m`, `\x1b[${close}m`];
  let body = text.includes("\x1b") ? text.replaceAll(c, c + o) : text;
  if (body.includes("\n")) body = body.replace(/\r?\n/g, (lf) => `${c}${lf}${o}`);
  return `${o}${body}${c}`;
};

export const bold = wrap("1", "22");
export const dim = wrap("2", "22");
export const red = wrap("31", "39");
export const yellow = wrap("33", "39");
export const blue = wrap("34", "39");
export const green = wrap("32", "39");
export const white = wrap("37", "39");
export const gray = wrap("90", "39");
export const cyan = wrap("36", "39");

/** chalk.hex(): true colour at level 3, else the nearest 256- or 16-colour code, as chalk downsamples. */
export function hex(color: string): Style {
  const n = Number.parseInt(color.replace(/^#/, ""), 16);
  const [r, g, b] = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  return (text) => {
    const level = colorLevel();
    if (level === 0) return text;
    const code = level === 3 ? `38;2;${r};${g};${b}` : level === 2 ? `38;5;${rgbTo256(r, g, b)}` : String(ansi256To16(rgbTo256(r, g, b)));
    return `\x1b[${code}m${text}\x1b[39m`;
  };
}

function rgbTo256(r: number, g: number, b: number): number {
  if (r === g && g === b) {
    if (r < 8) return 16;
    if (r > 248) return 231;
    return Math.round(((r - 8) / 247) * 24) + 232;
  }
  const six = (value: number) => Math.round((value / 255) * 5);
  return 16 + 36 * six(r) + 6 * six(g) + six(b);
}

function ansi256To16(code: number): number {
  if (code < 8) return 30 + code;
  if (code < 16) return 90 + (code - 8);
  let red: number, green: number, blue: number;
  if (code >= 232) {
    red = green = blue = ((code - 232) * 10 + 8) / 255;
  } else {
    const cube = code - 16;
    red = Math.floor(cube / 36) / 5;
    green = Math.floor((cube % 36) / 6) / 5;
    blue = (cube % 6) / 5;
  }
  const value = Math.max(red, green, blue) * 2;
  if (value === 0) return 30;
  const result = 30 + ((Math.round(blue) << 2) | (Math.round(green) << 1) | Math.round(red));
  return value === 2 ? result + 60 : result;
}
