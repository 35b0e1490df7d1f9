/** An error meant for the user: printed as one `✘ [ERROR]` block, exit code 1, no stack. */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "UserError";
  }
}
