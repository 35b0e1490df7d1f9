// Pages Functions: a `functions/` directory compiled into one Worker entry, as `wrangler pages dev`
// and `wrangler pages functions build` do. (Being built: the seam `pages dev` calls.)
import { UserError } from "../errors.ts";

/**
 * Writes, under `outDir`, an ES module that imports every route file of `functionsDir` and
 * default-exports `{ fetch(request, env, ctx) }`: it routes as Pages does and falls through to
 * `env.ASSETS.fetch()`. Resolves to the module's absolute path. Cheap to call again on each
 * change to the directory (a route file added or removed).
 */
export async function writeFunctionsEntry(functionsDir: string, outDir: string): Promise<string> {
  void outDir;
  throw new UserError(`Pages Functions in ${functionsDir} are not built into bunflare yet.`);
}
