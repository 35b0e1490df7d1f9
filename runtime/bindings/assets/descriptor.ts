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
  createEnv: (_entry, ctx) => ctx.assets,
  typeName: () => "Fetcher",
};
