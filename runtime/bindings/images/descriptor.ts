// `images = { binding = "IMAGES" }`: env.IMAGES.info() and the
// input().transform().draw().output() chain, run locally by sharp (an
// optional dependency, loaded on first use).
import type { BindingDescriptor } from "../descriptor.ts";
import { validateNamedSimple } from "../config-checks.ts";

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
  row: (entry) => ({ name: entry.binding, type: "Images", mode: "local" }),
  createEnv: () => images().createImages(),
  typeName: () => "ImagesBinding",
};
