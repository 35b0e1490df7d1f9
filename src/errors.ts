/** An error meant for the user: printed as one `✘ [ERROR]` block, exit code 1, no stack. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "UserError";
  }
}

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
