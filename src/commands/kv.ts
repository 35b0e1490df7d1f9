import { defineCommand } from "./define.ts";

export default defineCommand({
  command: "kv",
  describe: "🗂️ Manage Workers KV Namespaces",
  subcommands: [],
});
