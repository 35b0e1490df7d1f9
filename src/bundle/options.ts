// The esbuild options of a worker's bundle from its config and the build flags
// (`--define`, `--alias`, `--minify`, ...). One place, so `bunflare dev` and
// `bunflare deploy --dry-run` build exactly the same bundle.
import path from "node:path";
import type { LoadedConfig } from "../config/index.ts";
import { keyValues } from "../config/vars.ts";
import type { BundleOptions } from "./index.ts";

export interface BuildFlags {
  define?: string[];
  alias?: string[];
  minify?: boolean;
  tsconfig?: string;
  "jsx-factory"?: string;
  "jsx-fragment"?: string;
}

export function nodeCompatOf(flags: string[] | undefined): boolean {
  return (flags ?? []).includes("nodejs_compat") || (flags ?? []).includes("nodejs_compat_v2");
}

export function bundleOptions(
  loaded: LoadedConfig,
  main: string,
  args: BuildFlags,
  outDir: string,
  onWarning: (message: string) => void,
): BundleOptions {
  const { config, dir } = loaded;
  return {
    entry: main,
    // As wrangler's esbuild runs: from the user's own config's directory, a redirected (built) config's too.
    projectDir: loaded.userDir,
    outDir,
    rules: config.rules,
    define: { ...config.define, ...keyValues(args.define, "define", true) },
    alias: { ...config.alias, ...keyValues(args.alias, "alias", true) },
    minify: args.minify ?? config.minify,
    tsconfig: args.tsconfig ? path.resolve(args.tsconfig) : config.tsconfig ? path.resolve(dir, config.tsconfig) : undefined,
    jsxFactory: args["jsx-factory"] ?? config.jsx_factory,
    jsxFragment: args["jsx-fragment"] ?? config.jsx_fragment,
    nodeCompat: nodeCompatOf(config.compatibility_flags),
    // Required only for a worker that has them, as the dev session does.
    additionalModules: config.find_additional_modules
      ? (require("./additional-modules.ts") as typeof import("./additional-modules.ts")).moduleSearchOf(loaded, main)
      : undefined,
    onWarning,
  };
}
