// Custom Domain rules wrangler checks when dev starts and before a deploy (not
// while reading the config): a custom domain is a bare hostname, with no
// wildcard and no path.
import { UserError } from "../errors.ts";
import { layoutNotes } from "../log.ts";

/** The routes a worker is reached on: --routes, else `route`, else `routes`. */
export function configuredRoutes(argRoutes: string[] | undefined, config: { route?: unknown; routes?: unknown }): unknown[] {
  if (argRoutes) return argRoutes;
  if (config.route) return [config.route];
  return Array.isArray(config.routes) ? config.routes : [];
}

/** Throws wrangler's "Invalid Routes" error naming each bad Custom Domain and why. */
export function checkCustomDomains(routes: unknown[]): void {
  const invalid = new Map<string, string[]>();
  for (const route of routes) {
    if (typeof route !== "object" || route === null) continue;
    const { pattern, custom_domain } = route as { pattern?: unknown; custom_domain?: unknown };
    if (!custom_domain || typeof pattern !== "string") continue;
    const problems = invalid.get(pattern) ?? [];
    if (pattern.includes("*")) problems.push("Wildcard operators (*) are not allowed in Custom Domains");
    if (pattern.includes("/")) problems.push("Paths are not allowed in Custom Domains");
    if (problems.length) invalid.set(pattern, problems);
  }
  if (invalid.size === 0) return;
  throw new UserError(layoutNotes(`Invalid Routes:\n${[...invalid].map(([pattern, problems]) => `${pattern}:\n${problems.join("\n")}`).join("\n\n")}`));
}
