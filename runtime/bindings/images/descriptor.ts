// `images = { binding = "IMAGES" }`: env.IMAGES.info() and the
// input().transform().draw().output() chain, run locally by sharp (an
// optional dependency, loaded on first use). With `remote = true` wrangler uses
// Cloudflare's Images (its table says "remote"), which bunflare never reaches: that
// binding is the remote-only stand-in, named in the start warning.
import type { BindingDescriptor } from "../descriptor.ts";
import { validateNamedSimple } from "../config-checks.ts";
import { remoteStub } from "../remote-only/descriptor.ts";

export interface ImagesConfig {
  binding: string;
  remote?: boolean;
}

const images = () => require("./index.ts") as typeof import("./index.ts");

export const imagesDescriptor: BindingDescriptor<ImagesConfig> = {
  key: "images",
  kind: "Images",
  entries: (config) => (config.images && typeof (config.images as ImagesConfig).binding === "string" ? [config.images as ImagesConfig] : []),
  bindingName: (entry) => entry.binding,
  validateSection: ({ d, value }) => validateNamedSimple(d, "images", value),
  row: (entry) => ({ name: entry.binding, type: "Images", mode: entry.remote === true ? "remote" : "local" }),
  unavailable: (entry) => (entry.remote === true ? "Images" : undefined),
  createEnv: (entry) => (entry.remote === true ? remoteStub(entry.binding) : images().createImages()),
  typeName: () => "ImagesBinding",
};
