import { defineCommand } from "./define.ts";

export default defineCommand({
  command: "r2",
  describe: "📦 Manage R2 buckets & objects",
  subcommands: [],
});
