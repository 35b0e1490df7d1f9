// Local vs remote, as wrangler decides and prints it, and bunflare's one
// refusal of what needs Cloudflare's network.
import { hex, bold } from "../../colors.ts";
import { UserError } from "../../errors.ts";
import { log } from "../../log.ts";

export interface LocationFlags {
  local?: boolean;
  remote?: boolean;
}

/** wrangler's isLocal: local unless --remote (or --local false) says otherwise. */
export function isLocal(args: LocationFlags, defaultValue = true): boolean {
  if (args.local === undefined && args.remote === undefined) return defaultValue;
  return args.local === true || args.remote === false;
}

/** The "Resource location:" line, in wrangler's colours. */
export function printResourceLocation(location: "local" | "remote"): void {
  log.info(`${hex("#BD5B08")(bold("Resource location:"))} ${location} \n`);
}

/** What wrangler's command runner prints for `printResourceLocation` commands. */
export function printResourceLocationBlock(args: LocationFlags): void {
  if (isLocal(args)) {
    printResourceLocation("local");
    log.info("Use --remote if you want to access the remote instance.\n");
  } else {
    printResourceLocation("remote");
  }
}

/** A command, or a flag of one, that only works against Cloudflare's network. */
export function needsNetwork(words: string): UserError {
  return new UserError(
    `\`bunflare ${words}\` needs Cloudflare's network, and bunflare only works locally for now: use \`npx wrangler ${words}\` for it.`,
  );
}

/** Refuses --remote (or --local false): bunflare has only the local store. */
export function refuseRemote(args: LocationFlags, command: string): void {
  if (!isLocal(args)) {
    throw new UserError(
      `\`bunflare ${command} --remote\` needs Cloudflare's network, and bunflare only works locally for now: drop --remote to use the local store, or use \`npx wrangler ${command} --remote\` for the remote one.`,
    );
  }
}

/** The --local / --remote / --persist-to flags of wrangler's KV and R2 object commands, as parsed. */
export interface LocalRemoteArgs extends LocationFlags {
  "persist-to"?: string;
}

/** Those flags as wrangler declares them for KV and R2 (D1 words its own). */
export const LOCAL_REMOTE_OPTIONS = {
  local: { type: "boolean", describe: "Interact with local storage" },
  remote: { type: "boolean", describe: "Interact with remote storage", conflicts: "local" },
  "persist-to": { type: "string", describe: "Directory for local persistence" },
} as const;
