// Static assets' place in the registry: `assets.binding` becomes env.<binding>,
// a Fetcher over the assets directory the dev server already serves from.
import type { BindingDescriptor } from "../descriptor.ts";
import type { AssetsConfig } from "./config.ts";

export const assetsDescriptor: BindingDescriptor<AssetsConfig & { binding: string }> = {
  key: "assets",
  kind: "Assets",
  entries: (config) => (config.assets?.binding ? [config.assets as AssetsConfig & { binding: string }] : []),
  bindingName: (entry) => entry.binding,
  row: (entry) => ({ name: entry.binding, type: "Assets", mode: "local" }),
  // The dev server builds the Assets (it answers requests before the worker too); without
  // a directory there is none, and wrangler refuses to start before this is reached.
  createEnv: (_entry, ctx) => {
    const assets = ctx.assets;
    if (!assets) return undefined;
    const { makeFetcher } = require("../service/index.ts") as typeof import("../service/index.ts");
    const { notImplemented } = require("../../rpc/stubs.ts") as typeof import("../../rpc/stubs.ts");
    // A Fetcher, as workerd's: fetch() only; any other member is an RPC call the asset server does not implement.
    const refuse = async (path: readonly string[]) => {
      throw notImplemented(path.at(-1) ?? "call");
    };
    return makeFetcher((input, init) => assets.fetch(input, init), { call: refuse, get: refuse, release() {} }, ctx.config.compatibility_flags?.includes("experimental"));
  },
  typeName: () => "Fetcher",
};
