import { layoutNotes, type MessageLocation } from "./log.ts";

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

/** Wrangler's words for a path that does not exist (its ENOENT handler's), naming the path. */
export function missingFileError(file: string): UserError {
  return new UserError(
    layoutNotes(
      "A file or directory could not be found.\n\n" +
        `Missing file or directory: ${file}\n\n` +
        "This is typically caused by:\n  - The file or directory does not exist\n  - A typo in the file path\n  - The file was moved or deleted\n\n" +
        "Please check the file path and try again.",
    ),
  );
}

/**
 * A dev rebuild given up while the last good worker keeps serving, which wrangler reports as a
 * warning rather than an error (Pages Functions that fail to build on a change).
 */
export class LastBuildKeptWarning extends UserError {
  constructor(message: string) {
    super(message);
    this.name = "LastBuildKeptWarning";
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

/**
 * A mistake in how the command was called (wrangler's CommandLineArgsError):
 * printed as an error followed by the command's help, exit code 1. yargs' own
 * argument errors become one of these too. Lines after the first are laid
 * out as notes, as wrangler's logger does.
 */
export class CommandLineArgsError extends UserError {
  constructor(message: string) {
    super(layoutNotes(message));
    this.name = "CommandLineArgsError";
  }
}

/**
 * Runs binding code for a command: what the binding throws (bad key, bad
 * metadata, value too large...) is the user's to fix, so it is reported as a
 * UserError with the binding's message; the original stays as its cause.
 */
export async function asUserError<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UserError || !(error instanceof Error)) throw error;
    throw Object.assign(new UserError(error.message), { cause: error });
  }
}
