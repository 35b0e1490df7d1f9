import { defineCommand } from "./define.ts";
import { UserError } from "../errors.ts";

export default defineCommand({
  command: "dev [script]",
  describe: "👂 Start a local server for developing your Worker",
  positionals: { script: { type: "string", describe: "The path to an entry point for your Worker" } },
  handler() {
    throw new UserError("bunflare dev is not built yet.");
  },
});
