// The assets directory as wrangler finds and checks it (getAssetsOptions), for
// dev and deploy alike: `--assets` is relative to the working directory, the
// config's `assets.directory` to the config file.
import { statSync } from "node:fs";
import path from "node:path";
import { UserError } from "../errors.ts";

/** The worker of a project with assets and no `main`: wrangler's no-op worker. */
export const ASSETS_ONLY_WORKER = path.join(import.meta.dir, "../../runtime/bindings/assets/no-op-worker.js");

export function assetsDirectory(flag: string | undefined, configured: string | undefined, configDir: string): string | undefined {
  const directory = flag ? path.resolve(flag) : configured ? path.resolve(configDir, configured) : undefined;
  if (!directory) return undefined;
  const source = flag ? '"--assets" command line argument' : '"assets.directory" field in your configuration file';
  const stat = statSync(directory, { throwIfNoEntry: false });
  // Wrangler prints the path as an indented note under the message.
  if (!stat) throw new UserError(`The directory specified by the ${source} does not exist:\n\n  ${directory}`);
  if (!stat.isDirectory()) throw new UserError(`The path specified by the ${source} doesn't point to a directory:\n\n  ${directory}`);
  return directory;
}
