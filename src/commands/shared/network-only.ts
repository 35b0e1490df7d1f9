// Wrangler subcommands that only talk to Cloudflare's API: listed in help as
// wrangler lists them, and refused with one message when run.
import { defineCommand, type CommandSpec } from "../define.ts";

export function networkOnlyCommand(command: string, describe: string, status?: CommandSpec["status"]): CommandSpec {
  return defineCommand({ command, describe, status, behaviour: { location: "remote-only" } });
}
