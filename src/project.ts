// What most commands start from: the resolved config for the chosen
// environment and the store it points at.
import path from "node:path";
import { loadConfig, type LoadedConfig } from "./config/index.ts";
import type { GlobalArgs } from "./commands/define.ts";
import { UserError } from "./errors.ts";
import { log } from "./log.ts";
import { openStore, STORE_DIR_NAME, StoreError, type Store, type StoreOptions } from "../runtime/store/index.ts";

export interface Project {
  loaded: LoadedConfig;
  /** `--persist-to`, else `.bunflare/` beside the config file (or in cwd). */
  storeDir: string;
  /** Opens the store on first call; later calls return the same one (the options count on the first). See openStore. */
  store(options?: StoreOptions): Store;
  /**
   * This project for a handler that reads the config a second time, as some of
   * wrangler's do: what the read logged is logged again (wrangler shows such
   * warnings twice), without reading the file again.
   */
  reread(): Project;
}

/** `redirect`: follow `.wrangler/deploy/config.json` as wrangler does for dev, deploy, versions upload, build. */
export function openProject(args: GlobalArgs & { "persist-to"?: string }, options: { redirect?: boolean } = {}): Project {
  const logged: ["warn" | "info", string][] = [];
  const loaded = loadConfig({
    configPath: args.config,
    env: args.env,
    onWarning: (message) => {
      logged.push(["warn", message]);
      log.warn(message);
    },
    redirect: options.redirect,
    onInfo: (message) => {
      logged.push(["info", message]);
      log.info(message);
    },
  });
  // Beside the user's config even when a built one is used, so dev and the CLI share it.
  const storeDir = args["persist-to"] ? path.resolve(args["persist-to"]) : path.join(loaded.userDir, STORE_DIR_NAME);
  let store: Store | undefined;
  const project: Project = {
    loaded,
    storeDir,
    store(options) {
      if (!store) {
        try {
          store = openStore(storeDir, options);
        } catch (error) {
          if (error instanceof StoreError) throw new UserError(error.message);
          throw error;
        }
      }
      return store;
    },
    reread() {
      for (const [level, message] of logged) log[level](message);
      return project;
    },
  };
  return project;
}
