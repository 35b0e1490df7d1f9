// Builds dist/cli-<id>.js (kv), cli-<id>.d1.js, cli-<id>.r2.js, cli-<id>.dev.js (with its lazy part, .dev.lazy.js) and cli-<id>.all.js
// (+ their bytecode) from src/launch.ts, and beside each its manifest (cli-<id>[.group].manifest.json) listing the source files it holds (see src/launch.ts for how the
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
 * Modules that must exist once per process, shared by the bundle and by code
 * loaded from disk at run time: users' worker bundles import
 * `cloudflare:workers` (and `cloudflare:workflows`, `cloudflare:email`) by the
 * absolute path of runtime/modules/*.ts (src/bundle), so `instanceof
 * DurableObject`/`WorkerEntrypoint`/`RpcTarget` and the host state must come
 * from those very files. They, and every file they import, stay out of the
 * bundle: the bundle requires them by their absolute source paths (the bundle
 * only ever runs in the root it was built in, src/launch.ts), so the bundle's
 * host and a worker's bundle get the same module instance from Bun's registry.
 */
function sharedModules(): Set<string> {
  const scanner = new Bun.Transpiler({ loader: "ts" });
  const shared = new Set<string>();
  const modules = path.join(root, "runtime", "modules");
  const queue = readdirSync(modules)
    .filter((file) => /\.[cm]?[jt]s$/.test(file))
    .map((file) => path.join(modules, file));
  while (queue.length) {
    const file = queue.pop()!;
    if (shared.has(file)) continue;
    shared.add(file);
    for (const { path: specifier } of scanner.scanImports(readFileSync(file, "utf8"))) {
      if (specifier.startsWith(".")) queue.push(path.resolve(path.dirname(file), specifier));
    }
  }
  return shared;
}
const SHARED = sharedModules();
const sharedExternals: import("bun").BunPlugin = {
  name: "shared-modules-external",
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const file = path.resolve(path.dirname(args.importer), args.path);
      return SHARED.has(file) ? { path: file, external: true } : undefined;
    });
  },
};

/**
 * Each one-shot group a script repeats (kv, d1, r2) gets a bundle of its own
 * without the other groups' modules (~230 KB instead of 1.2 MB: Bun's load time
 * grows with the bundle's size, ~1 ms per 100 KB); reaching another group's
 * module from it is a bug, and says so.
 */
const SMALL_GROUPS = ["kv", "d1", "r2"];
/**
 * `dev` gets one too: every other group left out (no other command's code to
 * load at each start), with yargs still loaded from node_modules for its help
 * and flag errors (src/yargs.ts). `pages` (its `pages dev` is dev's session) shares it.
 */
const DEV_GROUP = "dev";
const DEV_GROUPS = [DEV_GROUP, "pages"];
const onlyGroup = (...only: string[]): import("bun").BunPlugin => ({
  name: "only-group",
  setup(build) {
    build.onResolve({ filter: /^\.\/[\w-]+\.ts$/ }, (args) => {
      if (!args.importer.endsWith(path.join("src", "commands", "index.ts"))) return undefined;
      const group = args.path.slice(2, -3);
      return only.includes(group) ? undefined : { path: group, namespace: "left-out" };
    });
    build.onLoad({ filter: /.*/, namespace: "left-out" }, (args) => ({
      contents: `throw new Error("bunflare: the ${"$"}{args.path} commands are not in this CLI bundle; run the other one or src/cli.ts");`,
      loader: "js",
    }));
  },
});

/**
 * `pages functions build` runs from the bundle of every group (bin/bunflare sends only `pages dev`
 * to dev's): its compiler and upload writer stay out of dev's bundle, which every dev start loads.
 */
const pagesBuildLeftOut: import("bun").BunPlugin = {
  name: "pages-build-left-out",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/pages\/build\.ts$/ }, (args) =>
      args.importer.endsWith(path.join("src", "commands", "pages.ts")) ? { path: args.path, namespace: "left-out" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "left-out" }, () => ({
      contents: `throw new Error("bunflare: pages functions build is not in this CLI bundle; run the other one or src/cli.ts");`,
      loader: "js",
    }));
  },
};

/**
 * What the descriptors require() lazily for a worker's env (`createEnv`: Durable
 * Objects, queues, workflows, the host, RPC, ...) or for other groups, and
 * croner (cron triggers), are never reached by a kv, d1 or r2 command, yet they
 * were most of the small bundles. A group's bundle requires them from their
 * sources (packages from node_modules) should a command ever get there; the
 * group's own binding stays in, every binding's leftover recovery (run by
 * every store open) too, and so does everything imported statically.
 */
const offGroupPath = (group: string): import("bun").BunPlugin => ({
  name: "off-group-path",
  setup(build) {
    const bindings = path.join(root, "runtime", "bindings");
    const binding = path.join(bindings, group) + path.sep;
    // Every binding's leftover recovery (<binding>/recover.ts) runs at each store open.
    const isRecovery = (file: string) => path.basename(file) === "recover.ts" && path.dirname(path.dirname(file)) === bindings;
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind !== "require-call") return undefined;
      if (args.path === "croner") return { path: args.path, external: true };
      if (!/[\\/]runtime[\\/]bindings[\\/][\w-]+[\\/]descriptor\.ts$/.test(args.importer) || !args.path.startsWith(".")) return undefined;
      const file = path.resolve(path.dirname(args.importer), args.path);
      return file.startsWith(binding) || isRecovery(file) ? undefined : { path: file, external: true };
    });
  },
});

// Each build gets its own file names (all starting with `<name>.`), and
// dist/current names the bundles to run (`<name>.js`: kv, beside it
// `<name>.d1.js`, `<name>.r2.js` and `<name>.dev.js`; `<name>.all.js`: every group), replaced by
// a rename: a command starting during a build runs the previous bundles or the
// new ones, never a half-written or mixed one. Each has its manifest beside it
// (`<bundle minus .js>.manifest.json`).
const name = `cli-${Date.now().toString(36)}-${process.pid}`;
const own = (file: string) => file.startsWith(`${name}.`);
function fail(messages: unknown[]): never {
  for (const message of messages) console.error(message);
  for (const file of readdirSync(dist)) if (own(file)) rmSync(path.join(dist, file), { force: true });
  process.exit(1);
}
/**
 * Dev's bundle in two parts, so that a start whose worker has no bindings reads only what it
 * runs (Bun reads a bundle's source and bytecode whole, ~1 ms per 100 KB here, called or not):
 *
 * - `<name>.dev.js` holds what such a start reaches: what src/launch.ts imports statically, and
 *   the lazy `require()` / `import()`s on its way (DEV_START_PATH).
 * - `<name>.dev.lazy.js` holds what every other lazy edge of ours leads to (the bindings'
 *   implementations, the Local Explorer, the email sink, cron parsing, ...) and what those
 *   import that the first part does not hold. The first part loads it at the first such edge,
 *   after handing it a table of the first part's modules it imports: one instance of each
 *   module per process, never a second copy (Bun's bytecode needs CommonJS output, which cannot
 *   be split into chunks).
 *
 * The first part's manifest lists the sources of both and names the lazy part (`parts`):
 * src/launch.ts runs the sources when either is stale or the lazy part is missing. The first
 * requires the lazy part by its absolute path, as it does runtime/modules. test/launcher.test.ts
 * checks that a start without bindings, run from the sources, loads no module the first part
 * does not hold.
 */
const DEV_START_PATH = new Set(
  [
    "src/cli.ts",
    "src/project.ts",
    // yargs' help and flag errors (yargs itself loads from node_modules).
    "src/yargs.ts",
    "src/commands/dev.ts",
    "src/commands/pages.ts",
    "src/dev/start.ts",
    "src/dev/server.ts",
    "src/pages/dev.ts",
    "runtime/host/index.ts",
  ].map((file) => path.join(root, file)),
);
/** Packages required lazily on a start's way: dotenv for a `.dev.vars` or `.env` file, which most projects have. */
const DEV_START_PACKAGES = ["dotenv", "dotenv-expand"];
const LAZY_TABLE = "bunflare.dev.held";

/** The absolute file a specifier of ours leads to, or undefined (built-ins, externals, what does not resolve). */
function resolvedFile(specifier: string, importer: string): string | undefined {
  if (specifier.startsWith("node:") || specifier.startsWith("bun:") || EXTERNAL.includes(specifier)) return undefined;
  if (specifier.startsWith(".") || specifier.startsWith("/")) return path.resolve(path.dirname(importer), specifier);
  try {
    return Bun.resolveSync(specifier, path.dirname(importer));
  } catch {
    return undefined;
  }
}
const ours = (file: string) => /^(src|runtime)\//.test(path.relative(root, file));

/**
 * The first part: a lazy edge of ours off the start's way, to a module the first part does not
 * hold, goes to the lazy part (`held` undefined: only recorded in `lazyTargets`, as an external).
 */
const devFirstPart = (held: Set<string> | undefined, lazyTargets: Set<string>, table: string[], lazyPart: string): import("bun").BunPlugin => ({
  name: "dev-first-part",
  setup(build) {
    // Required when the first part runs, never bundled into it.
    build.onResolve({ filter: /^dev-lazy-part-file$/ }, () => ({ path: path.join(dist, lazyPart), external: true }));
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.namespace !== "file" || (args.kind !== "require-call" && args.kind !== "dynamic-import") || !ours(args.importer)) return undefined;
      if (DEV_START_PACKAGES.includes(args.path)) return undefined;
      const file = resolvedFile(args.path, args.importer);
      if (!file || DEV_START_PATH.has(file) || held?.has(file)) return undefined;
      lazyTargets.add(file);
      return held ? { path: path.relative(root, file), namespace: "dev-lazy" } : { path: file, external: true };
    });
    build.onResolve({ filter: /^dev-lazy-part-loader$/ }, () => ({ path: "loader", namespace: "dev-lazy-part-loader" }));
    // Loads the lazy part at its first use, after handing it the first part's modules it imports.
    build.onLoad({ filter: /.*/, namespace: "dev-lazy-part-loader" }, () => ({
      loader: "js",
      contents: [
        "let lazyPart;",
        "const table = {",
        ...table.map((file) => `  ${JSON.stringify(path.relative(root, file))}: () => require(${JSON.stringify(file)}),`),
        "};",
        "module.exports = (file) => {",
        `  if (!lazyPart) globalThis[Symbol.for(${JSON.stringify(LAZY_TABLE)})] = (held) => table[held](), lazyPart = require("dev-lazy-part-file");`,
        "  return lazyPart[file]();",
        "};",
      ].join("\n"),
    }));
    build.onLoad({ filter: /.*/, namespace: "dev-lazy" }, (args) => ({
      loader: "js",
      contents: `module.exports = require("dev-lazy-part-loader")(${JSON.stringify(args.path)});`,
    }));
  },
});

/** The lazy part: its entry is a table of the modules the first part requires from it; what the first part holds comes from the first part. */
const devLazyPart = (held: Set<string>, lazyTargets: Set<string>, imported: Set<string>): import("bun").BunPlugin => ({
  name: "dev-lazy-part",
  setup(build) {
    build.onResolve({ filter: /^dev-lazy-part-entry$/ }, () => ({ path: "entry", namespace: "dev-lazy-part-entry" }));
    build.onLoad({ filter: /.*/, namespace: "dev-lazy-part-entry" }, () => ({
      loader: "js",
      contents: [
        "module.exports = {",
        ...[...lazyTargets].map((file) => `  ${JSON.stringify(path.relative(root, file))}: () => require(${JSON.stringify(file)}),`),
        "};",
      ].join("\n"),
    }));
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.namespace !== "file" || !args.importer) return undefined;
      const file = resolvedFile(args.path, args.importer);
      if (!file || !held.has(file)) return undefined;
      imported.add(file);
      return { path: path.relative(root, file), namespace: "dev-held" };
    });
    build.onLoad({ filter: /.*/, namespace: "dev-held" }, (args) => ({
      loader: "js",
      contents: `module.exports = globalThis[Symbol.for(${JSON.stringify(LAZY_TABLE)})](${JSON.stringify(args.path)});`,
    }));
  },
});

async function buildDev(): Promise<void> {
  const entry = path.join(root, "src", "launch.ts");
  const lazyPart = `${name}.${DEV_GROUP}.lazy.js`;
  const plugins = [sharedExternals, onlyGroup(...DEV_GROUPS), pagesBuildLeftOut];
  // What the first part holds: launch.ts' static imports and the start's lazy ones.
  const lazyTargets = new Set<string>();
  const first = await Bun.build({ entrypoints: [entry], metafile: true, target: "bun", format: "cjs", external: EXTERNAL, plugins: [...plugins, devFirstPart(undefined, lazyTargets, [], lazyPart)] });
  if (!first.success) fail(first.logs);
  const held = new Set(Object.keys(first.metafile!.inputs).map((input) => path.resolve(input)));
  for (const file of lazyTargets) if (held.has(file)) lazyTargets.delete(file);
  const imported = new Set<string>();
  // No manifest of its own: the first part's covers it.
  const lazyInputs = await writeBundle(lazyPart, "dev-lazy-part-entry", [sharedExternals, devLazyPart(held, lazyTargets, imported)], null);
  const again = new Set<string>();
  await writeBundle(`${name}.${DEV_GROUP}.js`, entry, [...plugins, devFirstPart(held, again, [...imported].sort(), lazyPart)], { also: lazyInputs, parts: [lazyPart] });
  // Both builds must agree on what goes to the lazy part: an edge found only now would fail at run time.
  const missing = [...again].filter((file) => !lazyTargets.has(file));
  if (missing.length) fail([`bunflare: dev's first part requires modules its lazy part does not hold: ${missing.join(", ")}`]);
}

// Packages with native parts or their own binaries stay where npm put them,
// and so does jsonc-parser, whose UMD build requires its parts by computed paths.
const EXTERNAL = ["esbuild", "sharp", "playwright-core", "bun", "jsonc-parser"];

/** One bundle written to dist (bytecode beside it), with its manifest listing the sources it holds and `also`'s; returns the sources it holds. */
async function writeBundle(output: string, entry: string, plugins: import("bun").BunPlugin[], manifest: { also?: Set<string>; parts?: string[] } | null = {}): Promise<Set<string>> {
  const result = await Bun.build({ entrypoints: [entry], metafile: true, outdir: dist, naming: output, target: "bun", format: "cjs", bytecode: true, external: EXTERNAL, plugins });
  if (!result.success) fail(result.logs);
  // Its own manifest lists only the sources it holds (fewer files to stat at each start), and the package files.
  const inputs = new Set(Object.keys(result.metafile!.inputs).map((input) => path.relative(root, path.resolve(input))));
  if (manifest) {
    const held = files.filter(([file]) => inputs.has(file) || manifest.also?.has(file) || !/^(src|runtime)\//.test(file));
    writeFileSync(path.join(dist, output.replace(/\.js$/, ".manifest.json")), JSON.stringify({ root, files: held, ...(manifest.parts ? { parts: manifest.parts } : {}) }));
  }
  // Bun reads a line starting with a source-map comment as the bundle's own map (and warns on every start when it is not one).
  if (/^\/\/# sourceMappingURL=/m.test(readFileSync(path.join(dist, output), "utf8"))) {
    fail(["bunflare: a line of the CLI bundle starts with a sourceMappingURL comment; write that string so it does not"]);
  }
  return inputs;
}

mkdirSync(dist, { recursive: true });
for (const [output, plugins] of [
  ...SMALL_GROUPS.map((group) => [`${name}${group === "kv" ? "" : `.${group}`}.js`, [sharedExternals, onlyGroup(group), offGroupPath(group)]] as const),
  [`${name}.all.js`, [sharedExternals]] as const,
]) {
  await writeBundle(output, path.join(root, "src", "launch.ts"), [...plugins]);
}
await buildDev();
const current = path.join(dist, "current");
let previous = "";
try {
  previous = readFileSync(current, "utf8").trim().split(/\s+/)[0]!.replace(/\.js$/, "");
} catch {}
// One line, read by bin/bunflare with the shell's `read small all`.
writeFileSync(`${current}.${process.pid}`, `${name}.js ${name}.all.js\n`);
renameSync(`${current}.${process.pid}`, current);
// Older builds go; the previous one stays for a command that read its name just before the switch.
for (const file of readdirSync(dist)) {
  if (file === "current" || own(file) || (previous && file.startsWith(`${previous}.`))) continue;
  if (/^cli-[\w-]+\.(\w+\.)*(js|js\.jsc|manifest\.json)$/.test(file) || file.startsWith("current.")) rmSync(path.join(dist, file), { force: true });
}
