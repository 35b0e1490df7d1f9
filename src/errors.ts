import type { MessageLocation } from "./log.ts";

/** An error meant for the user: printed as one `✘ [ERROR]` block, exit code 1, no stack. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "UserError";
  }
}

/**
 * A file that could not be read or parsed: printed with its location and notes,
 * and, as wrangler does for these, a line asking for a bug report.
 */
export class ParseError extends UserError {
  constructor(
    readonly text: string,
    readonly location?: MessageLocation,
    readonly notes: string[] = [],
  ) {
    super(text);
    this.name = "ParseError";
  }
}

export const ISSUES_URL = "https://github.com/bunflare/bunflare/issues";

/**
 * An error whose message is already the output (wrangler's JsonFriendlyFatalError):
 * with `--json`, failures are printed as JSON on stdout, exit code 1, nothing on stderr.
 */
export class JsonFriendlyError extends UserError {
  constructor(json: string) {
    super(json);
    this.name = "JsonFriendlyError";
  }
}
