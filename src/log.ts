// Output in wrangler's shapes. Wrangler colours its error and warning
// headers even when stdout is not a TTY, so we do too (NO_COLOR turns it off).
import { version } from "../package.json";

const color = !process.env.NO_COLOR && process.env.FORCE_COLOR !== "0";
const paint = (code: string, text: string) => (color ? `\x1b[${code}m${text}` : text);
const reset = color ? "\x1b[0m" : "";

export function formatError(message: string): string {
  return `${paint("31", "✘ ")}${paint("41;31", "[")}${paint("41;97", "ERROR")}${paint("41;31", "]")}${reset} ${paint("1", message)}${reset}\n\n`;
}

export function formatWarning(message: string): string {
  return `${paint("33", "▲ ")}${paint("43;33", "[")}${paint("43;30", "WARNING")}${paint("43;33", "]")}${reset} ${paint("1", message)}${reset}\n\n`;
}

export const log = {
  /** Plain line to stdout. */
  info(message = ""): void {
    process.stdout.write(message + "\n");
  },
  warn(message: string): void {
    process.stderr.write(formatWarning(message));
  },
  error(message: string): void {
    process.stderr.write(formatError(message));
  },
};

/** The banner wrangler prints before most commands. */
export function printBanner(): void {
  const title = ` ⛅️ bunflare ${version}`;
  log.info("");
  log.info(title);
  log.info("─".repeat(46));
}

export { version };
