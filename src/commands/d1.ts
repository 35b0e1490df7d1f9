import { defineCommand } from "./define.ts";

export default defineCommand({
  command: "d1",
  describe: "🗄️ Manage Workers D1 databases",
  subcommands: [],
});
