// The worker's entry as `wrangler types` sees it: its file, its format and its
// exported names, which decide whether a Durable Object, workflow or service
// binding can be typed with the class or entrypoint the worker exports.
import path from "node:path";
import type { LoadedConfig } from "../config/index.ts";

export interface TypesEntry {
  /** Absolute path of the entry module. */
  file: string;
  format: "modules" | "service-worker";
  /** Names the entry module exports ("default", "Counter", ...). */
  exports: string[];
  /** The worker's name (`name`, else "worker"): a service binding to it is a binding to itself. */
  name: string;
}

/**
 * The entry of a config, or undefined where wrangler's `getEntry` fails and
 * `types` carries on without one: no `main`, a file esbuild cannot read, or a
 * service-worker script with Durable Objects of its own.
 */
export async function findEntry(loaded: LoadedConfig): Promise<TypesEntry | undefined> {
  const config = loaded.config;
  const site = config.site as { "entry-point"?: string } | undefined;
  let file: string;
  if (config.main !== undefined) file = path.resolve(loaded.dir, config.main);
  else if (site?.["entry-point"]) {
    const point = site["entry-point"];
    file = path.extname(point) ? path.resolve(point) : path.resolve(point, "index.js");
  } else return undefined;

  let exports: string[];
  try {
    exports = await exportedNames(file, loaded.dir, config.tsconfig);
  } catch {
    return undefined;
  }
  // Like wrangler, a module with exports but no default is built as a service worker.
  const format = exports.includes("default") ? "modules" : "service-worker";
  const name = config.name ?? "worker";
  const ownDurableObjects = config.durable_objects.bindings.some((b) => !b.script_name || b.script_name === config.name);
  if (format === "service-worker" && ownDurableObjects) return undefined;
  return { file, format, exports, name };
}

/** The export names esbuild reports for one module, without bundling it (what wrangler asks esbuild for). */
async function exportedNames(file: string, projectDir: string, tsconfig?: string): Promise<string[]> {
  if (path.extname(file) === ".py") return [];
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: [file],
    absWorkingDir: projectDir,
    bundle: false,
    write: false,
    metafile: true,
    logLevel: "silent",
    target: "es2024",
    supported: { "import-source": true },
    loader: { ".js": "jsx", ".mjs": "jsx", ".cjs": "jsx" },
    ...(tsconfig ? { tsconfig } : {}),
  });
  const output = Object.values(result.metafile.outputs).find((out) => out.entryPoint !== undefined);
  return output?.exports ?? [];
}
