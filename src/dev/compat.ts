// The checks `wrangler dev` makes of each worker's compatibility date and flags
// before it starts (miniflare's future-date check, then workerd's own refusals),
// and one warning naming the flags bunflare does not give.
import { log } from "../log.ts";
import { startupProblem, unsupportedFlags } from "../../runtime/compat.ts";
import type { DevConsole } from "./console.ts";
import { compatOf, type Slot } from "./session.ts";

/** Prints why a worker cannot start as wrangler does and returns false, or warns about unsupported flags and returns true. */
export function checkCompatibility(slots: Slot[], devConsole: DevConsole): boolean {
  for (const slot of slots) {
    const { config } = slot.settings.project.loaded;
    const problem = startupProblem(config.name ?? "worker", compatOf(slot.settings));
    if (!problem) continue;
    devConsole.flush();
    for (const line of problem.lines) log.error(line);
    if (problem.runtime) log.error("The Workers runtime failed to start. There is likely additional logging output above.");
    return false;
  }
  for (const slot of slots) {
    const { config } = slot.settings.project.loaded;
    const flags = unsupportedFlags(config.compatibility_flags ?? []);
    if (!flags.length) continue;
    const names = flags.map((flag) => `"${flag}"`).join(", ");
    const message =
      flags.length === 1
        ? `The compatibility flag ${names} is not supported by bunflare dev: the Worker runs as if it were not set.`
        : `The compatibility flags ${names} are not supported by bunflare dev: the Worker runs as if they were not set.`;
    devConsole.warn(slots.length > 1 ? `${config.name}: ${message}` : message);
  }
  return true;
}
