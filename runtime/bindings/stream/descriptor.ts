// `stream = { binding = "STREAM" }`: wrangler dev's local Stream simulation
// (runtime/bindings/stream/index.ts), loaded on first use. With `remote = true`
// wrangler needs Cloudflare, which bunflare never reaches: that binding is the
// remote-only stand-in, named in the start warning.
import type { BindingDescriptor } from "../descriptor.ts";
import type { WorkerConfig } from "../../config.ts";
import { validateNamedSimple } from "../config-checks.ts";
import { remoteStub } from "../remote-only/descriptor.ts";
import { STREAM_MIGRATIONS } from "./schema.ts";

export interface StreamConfig {
  binding: string;
  remote?: boolean;
}

const stream = () => require("./index.ts") as typeof import("./index.ts");

const entries = (config: WorkerConfig): StreamConfig[] => {
  const value = (config as { stream?: unknown }).stream;
  return value && typeof value === "object" && !Array.isArray(value) ? [value as StreamConfig] : [];
};

export const streamDescriptor: BindingDescriptor<StreamConfig> = {
  key: "stream",
  kind: "Stream",
  entries,
  bindingName: (entry) => entry.binding,
  validateSection: ({ d, value }) => validateNamedSimple(d, "stream", value),
  // Wrangler's table, which says "remote" unless `remote = false` ("not supported"), though it simulates both locally.
  row: (entry) => ({ name: entry.binding, type: "Stream", mode: entry.remote === false ? "not supported" : "remote" }),
  unavailable: (entry) => (entry.remote === true ? "Stream" : undefined),
  createEnv: (entry, ctx) => (entry.remote === true ? remoteStub(entry.binding) : stream().createStream(ctx.store(), ctx.publicUrl)),
  typeName: () => "StreamBinding",
  // The watch URLs of videos uploaded to a locally simulated Stream.
  devRoute: {
    prefix: "/cdn-cgi/mf/stream",
    serves: (config) => entries(config).some((entry) => entry.remote !== true),
    serve: (request, stores) => stream().serveWatch(request, stores),
  },
  schema: { component: "stream", migrations: STREAM_MIGRATIONS },
  recover(store) {
    const { recoverStream } = require("./recover.ts") as typeof import("./recover.ts");
    recoverStream(store);
  },
};
