// Builds dist/cli.js (+ its bytecode) from src/launch.ts, and dist/manifest.json
// listing the source files it was built from (see src/launch.ts for how the
// bundle checks it is current). Run at install (package.json postinstall) and
// by `npm run build`; a failed build leaves no bundle, and the launcher runs
// the sources.
import { readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dir, "..");
const dist = path.join(root, "dist");
const staging = path.join(root, `dist.tmp-${process.pid}`);

/** Every file the bundle could contain: the sources, and package.json (dependency versions). */
function sourceFiles(): string[] {
  const files = ["package.json", "package-lock.json"].filter((file) => {
    try {
      return statSync(path.join(root, file)).isFile();
    } catch {
      return false;
    }
  });
  for (const dir of ["src", "runtime"]) {
    for (const entry of readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) files.push(path.relative(root, path.join(entry.parentPath, entry.name)));
    }
  }
  return files.sort();
}

// Stat before building: an edit during the build then makes the manifest stale, never the bundle.
const files = sourceFiles().map((file) => {
  const stat = statSync(path.join(root, file));
  return [file, stat.size, stat.mtimeMs] as [string, number, number];
});

/**
 * bin/bunflare sends only these groups to the bundle (dev and the others run
 * from the sources), so the other groups' modules are left out: a smaller
 * bundle loads faster. Reaching one anyway is a bug, and says so.
 */
const BUNDLED_GROUPS = ["kv", "d1", "r2"];
const onlyBundledGroups: import("bun").BunPlugin = {
  name: "only-bundled-groups",
  setup(build) {
    build.onResolve({ filter: /^\.\/[\w-]+\.ts$/ }, (args) => {
      if (!args.importer.endsWith(path.join("src", "commands", "index.ts"))) return undefined;
      const group = args.path.slice(2, -3);
      return BUNDLED_GROUPS.includes(group) ? undefined : { path: group, namespace: "left-out" };
    });
    build.onLoad({ filter: /.*/, namespace: "left-out" }, (args) => ({
      contents: `throw new Error("bunflare: the ${"$"}{args.path} commands are not in the CLI bundle; run src/cli.ts");`,
      loader: "js",
    }));
  },
};

rmSync(staging, { recursive: true, force: true });
const result = await Bun.build({
  entrypoints: [path.join(root, "src", "launch.ts")],
  outdir: staging,
  naming: "cli.js",
  target: "bun",
  format: "cjs",
  bytecode: true,
  // Packages with native parts or their own binaries stay where npm put them,
  // and so does jsonc-parser, whose UMD build requires its parts by computed paths.
  external: ["esbuild", "chokidar", "sharp", "playwright-core", "bun", "jsonc-parser"],
  plugins: [onlyBundledGroups],
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  rmSync(staging, { recursive: true, force: true });
  process.exit(1);
}
writeFileSync(path.join(staging, "manifest.json"), JSON.stringify({ root, files }));
// Swap in whole: a command starting meanwhile sees the old bundle, the new one, or none.
rmSync(dist, { recursive: true, force: true });
renameSync(staging, dist);
