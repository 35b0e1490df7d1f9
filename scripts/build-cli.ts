// Builds dist/cli-<id>.js (+ its bytecode) from src/launch.ts, and
// dist/cli-<id>.manifest.json listing the source files it was built from (see src/launch.ts for how the
// bundle checks it is current). Run at install (package.json postinstall) and
// by `npm run build`; a failed build leaves no bundle, and the launcher runs
// the sources.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dir, "..");
const dist = path.join(root, "dist");

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

// Each build gets its own file names, and dist/current names the one to run,
// replaced by a rename: a command starting during a build runs the previous
// bundle or the new one, never a half-written or mixed one.
const name = `cli-${Date.now().toString(36)}-${process.pid}`;
mkdirSync(dist, { recursive: true });
const result = await Bun.build({
  entrypoints: [path.join(root, "src", "launch.ts")],
  outdir: dist,
  naming: `${name}.js`,
  target: "bun",
  format: "cjs",
  bytecode: true,
  // Packages with native parts or their own binaries stay where npm put them,
  // and so does jsonc-parser, whose UMD build requires its parts by computed paths.
  external: ["esbuild", "chokidar", "sharp", "playwright-core", "bun", "jsonc-parser"],
  plugins: [onlyBundledGroups],
});
const own = (file: string) => file === `${name}.js` || file === `${name}.js.jsc` || file === `${name}.manifest.json`;
if (!result.success) {
  for (const log of result.logs) console.error(log);
  for (const file of readdirSync(dist)) if (own(file)) rmSync(path.join(dist, file), { force: true });
  process.exit(1);
}
writeFileSync(path.join(dist, `${name}.manifest.json`), JSON.stringify({ root, files }));
const current = path.join(dist, "current");
let previous = "";
try {
  previous = readFileSync(current, "utf8").trim().replace(/\.js$/, "");
} catch {}
writeFileSync(`${current}.${process.pid}`, `${name}.js\n`);
renameSync(`${current}.${process.pid}`, current);
// Older builds go; the previous one stays for a command that read its name just before the switch.
for (const file of readdirSync(dist)) {
  if (file === "current" || own(file) || (previous && file.startsWith(`${previous}.`))) continue;
  if (/^cli-[\w-]+\.(js|js\.jsc|manifest\.json)$/.test(file) || file.startsWith("current.")) rmSync(path.join(dist, file), { force: true });
}
