// Builds dist/cli-<id>.js (kv), cli-<id>.d1.js, cli-<id>.r2.js, cli-<id>.dev.js and cli-<id>.all.js (each with its lazy parts, .dev.<part>.js and .all.<part>.js)
// (+ their bytecode) from src/launch.ts, and beside each its manifest (cli-<id>[.group].manifest.json) listing the source files it holds (see src/launch.ts for how the
// bundle checks it is current). Run at install (package.json postinstall) and
// by `npm run build`; a failed build leaves no bundle, and the launcher runs
// the sources.
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
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
 * Dev's bundle and the one of every group are built in parts, so that a command reads only what
 * it runs (Bun reads a bundle's source and bytecode whole, ~1 ms per 100 KB here, called or not):
 *
 * - `<name>.<bundle>.js`, the first part, holds what src/launch.ts imports statically and the lazy
 *   `require()` / `import()`s on the start's way (START_PATHS): for dev, what a start of a worker
 *   without bindings reaches; for the bundle of every group, the CLI itself up to a group's load.
 * - Every other lazy edge of ours leads to a lazy part, `<name>.<bundle>.<part>.js` (lazyPartOf):
 *   one per binding (its implementation), one for the bindings' leftover recoveries, one per
 *   command group and per directory of src/ (the Local Explorer, the bundler, typegen, ...), one
 *   per package, one for the runtime's other modules, one for the rest. A part holds its modules;
 *   what it imports from the first part or another lazy part, it takes from there through the
 *   table the first part sets up: one instance of each module per process, never a second copy
 *   (Bun's bytecode needs CommonJS output, which cannot be split into chunks). A part loads at its
 *   first use.
 *
 * The first part's manifest lists the sources of every part and names the parts (`parts`):
 * src/launch.ts runs the sources when one is stale or a part is missing. The first part requires
 * the parts by their absolute paths, as it does runtime/modules. test/launcher.test.ts checks
 * that a dev start without bindings, run from the sources, loads no module dev's first part does
 * not hold.
 */
const START_PATHS: Record<string, string[]> = {
  [DEV_GROUP]: [
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
  ],
  // Every command of this bundle is parsed by yargs.
  all: ["src/cli.ts", "src/project.ts", "src/yargs.ts"],
};
/** Packages required lazily on a start's way: dotenv for a `.dev.vars` or `.env` file, which most projects have. */
const START_PACKAGES = ["dotenv", "dotenv-expand"];
/** The global through which the parts reach each other's modules: (part, file) => module. */
const PARTS_TABLE = "bunflare.parts";
const FIRST_PART = "first";

/** The lazy part a module off the start's way goes to. */
function lazyPartOf(file: string): string {
  const relative = path.relative(root, file);
  // Every store open runs each binding's leftover recovery: they load together, without their bindings.
  if (/^runtime\/bindings\/[\w-]+\/recover\.ts$/.test(relative)) return "recover";
  const binding = /^runtime\/bindings\/([\w-]+)\//.exec(relative);
  if (binding) return binding[1]!;
  const lastPackage = relative.lastIndexOf("node_modules/");
  if (lastPackage >= 0) {
    const [scope, name] = relative.slice(lastPackage + "node_modules/".length).split("/");
    return scope!.startsWith("@") ? `${scope!.slice(1)}-${name}` : scope!;
  }
  const command = /^src\/commands\/([\w-]+)/.exec(relative);
  if (command) return `command-${command[1]}`;
  const directory = /^src\/([\w-]+)\//.exec(relative);
  if (directory) return directory[1]!;
  // The runtime's shared pieces (RPC across processes, fetchers, commits) apart from the CLI's.
  return relative.startsWith("runtime/") ? "runtime" : "rest";
}

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
const partFile = (bundle: string, part: string) => `${name}.${bundle}.${part}.js`;
/**
 * A module's stand-in in another part: the module itself, taken through the table. Bun hands
 * `import()` of a CommonJS module, and an `import` of one from an ES module, the whole of
 * `module.exports` as `default`. So a stand-in is CommonJS (its exports stay live) for a
 * `require()`, for a CommonJS package, and for an `import` of our code (crossPartImport refuses
 * a default import of it); otherwise, an ES module re-exporting the target's names, taken once it
 * has loaded (a target with `export *` or `export let` fails the build).
 */
const scanner = new Bun.Transpiler({ loader: "ts" });
function fromTable(part: string, file: string, kind: string): { loader: "js"; contents: string } {
  const take = `globalThis[Symbol.for(${JSON.stringify(PARTS_TABLE)})](${JSON.stringify(part)}, ${JSON.stringify(path.relative(root, file))})`;
  const commonJs = { loader: "js" as const, contents: `module.exports = ${take};` };
  if (kind === "require-call" || (kind === "import-statement" && ours(file))) return commonJs;
  const source = readFileSync(file, "utf8");
  const names = scanner.scan(source).exports;
  if (!names.length) return commonJs;
  if (/^export (\*|let )/m.test(source)) fail([`bunflare: ${file} is imported from another part of its bundle and has \`export *\` or \`export let\`: require() it, or keep it in one part`]);
  const named = names.filter((name) => name !== "default");
  return {
    loader: "js",
    contents: [
      `const taken = ${take};`,
      ...(names.includes("default") ? ["export default taken.default;"] : []),
      ...(named.length ? [`export const { ${named.join(", ")} } = taken;`] : []),
    ].join("\n"),
  };
}
/** Where an `import` statement crosses parts: refuses a default import of ours (see fromTable). */
function crossPartImport(args: { path: string; importer: string; kind: string }, file: string): void {
  if (args.kind !== "import-statement" || !ours(file)) return;
  const quoted = `["']${args.path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["']`;
  if (new RegExp(`^import\\s+[\\w$]+\\s*(,|from)[^;]*?${quoted}`, "m").test(readFileSync(args.importer, "utf8"))) {
    fail([`bunflare: ${args.importer} imports the default export of ${file}, which is in another part of its bundle: import() it, or export it by name`]);
  }
}
/** `{ "<file>": () => require("<file>") }` for the given modules. */
const moduleTable = (files: Iterable<string>) =>
  ["{", ...[...files].sort().map((file) => `  ${JSON.stringify(path.relative(root, file))}: () => require(${JSON.stringify(file)}),`), "}"].join("\n");

/**
 * The first part: a lazy edge of ours off the start's way, to a module it does not hold, goes to
 * that module's part (`lazy` undefined: the edges are only recorded in `lazyTargets`, as externals).
 * The table holds the first part's modules the lazy parts import (`exported`) and loads each part at its first use.
 */
const firstPart = (bundle: string, held: Set<string> | undefined, lazyTargets: Set<string>, lazy?: { parts: string[]; exported: Set<string> }): import("bun").BunPlugin => ({
  name: "first-part",
  setup(build) {
    const startPath = new Set(START_PATHS[bundle]!.map((file) => path.join(root, file)));
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.namespace !== "file" || (args.kind !== "require-call" && args.kind !== "dynamic-import") || !ours(args.importer)) return undefined;
      if (START_PACKAGES.includes(args.path)) return undefined;
      const file = resolvedFile(args.path, args.importer);
      if (!file || startPath.has(file) || held?.has(file)) return undefined;
      lazyTargets.add(file);
      return lazy ? { path: file, namespace: `lazy-${args.kind}` } : { path: file, external: true };
    });
    for (const kind of ["require-call", "dynamic-import"]) {
      build.onLoad({ filter: /.*/, namespace: `lazy-${kind}` }, (args) => {
        const standIn = fromTable(lazyPartOf(args.path), args.path, kind);
        return { ...standIn, contents: `${kind === "dynamic-import" ? 'import "parts-table";' : 'require("parts-table");'}\n${standIn.contents}` };
      });
    }
    // The parts' files, required when first used, never bundled into this one.
    const partFiles = new Set(lazy?.parts.map((part) => path.join(dist, partFile(bundle, part))));
    build.onResolve({ filter: /^\// }, (args) => (partFiles.has(args.path) ? { path: args.path, external: true } : undefined));
    build.onResolve({ filter: /^parts-table$/ }, () => ({ path: "table", namespace: "parts-table" }));
    build.onLoad({ filter: /.*/, namespace: "parts-table" }, () => ({
      loader: "js",
      contents: [
        `const first = ${moduleTable(lazy?.exported ?? [])};`,
        "const parts = {",
        ...(lazy?.parts ?? []).map((part) => `  ${JSON.stringify(part)}: () => require(${JSON.stringify(path.join(dist, partFile(bundle, part)))}),`),
        "};",
        `const files = ${JSON.stringify(Object.fromEntries((lazy?.parts ?? []).map((part) => [part, path.join(dist, partFile(bundle, part))])))};`,
        "const loaded = {};",
        // A rebuild keeps the files of builds running processes were started from; a reinstall does not.
        "const load = (part) => {",
        "  try {",
        "    return parts[part]();",
        "  } catch (error) {",
        `    if (require("node:fs").existsSync(files[part])) throw error;`,
        "    throw new Error(`bunflare was reinstalled or rebuilt since this process started, and ${files[part]} is gone: restart it`);",
        "  }",
        "};",
        `globalThis[Symbol.for(${JSON.stringify(PARTS_TABLE)})] = (part, file) => part === ${JSON.stringify(FIRST_PART)} ? first[file]() : (loaded[part] ??= load(part))[file]();`,
      ].join("\n"),
    }));
  },
});

/** A lazy part: its entry is a table of its own modules; each other module of ours comes from the first part or its own part through the table. */
const lazyPart = (part: string, members: Set<string>, held: Set<string>, lazyModules: Set<string>, exported: Set<string>): import("bun").BunPlugin => ({
  name: "lazy-part",
  setup(build) {
    build.onResolve({ filter: /^lazy-part-entry$/ }, () => ({ path: "entry", namespace: "lazy-part-entry" }));
    build.onLoad({ filter: /.*/, namespace: "lazy-part-entry" }, () => ({ loader: "js", contents: `module.exports = ${moduleTable(members)};` }));
    build.onResolve({ filter: /.*/ }, (args) => {
      if (args.namespace !== "file" || !args.importer) return undefined;
      const file = resolvedFile(args.path, args.importer);
      if (!file || members.has(file)) return undefined;
      if (held.has(file) || lazyModules.has(file)) crossPartImport(args, file);
      if (held.has(file)) {
        exported.add(file);
        return { path: file, namespace: `first-part-${args.kind}` };
      }
      if (lazyModules.has(file)) return { path: file, namespace: `other-part-${args.kind}` };
      // Bundled here, it would be a second copy of a module another part holds.
      if (lazyModules.size) fail([`bunflare: the lazy part ${part} imports ${file}, which no part holds (${args.importer})`]);
      return undefined;
    });
    for (const kind of ["import-statement", "require-call", "dynamic-import"]) {
      build.onLoad({ filter: /.*/, namespace: `first-part-${kind}` }, (args) => fromTable(FIRST_PART, args.path, kind));
      build.onLoad({ filter: /.*/, namespace: `other-part-${kind}` }, (args) => fromTable(lazyPartOf(args.path), args.path, kind));
    }
  },
});

/** `<name>.<bundle>.js` and its lazy parts, from src/launch.ts with `plugins`. */
async function buildInParts(bundle: string, plugins: import("bun").BunPlugin[]): Promise<void> {
  const entry = path.join(root, "src", "launch.ts");
  const modulesOf = (entrypoint: string, more: import("bun").BunPlugin[]) =>
    Bun.build({ entrypoints: [entrypoint], metafile: true, target: "bun", format: "cjs", external: EXTERNAL, plugins: more }).then((result) => {
      if (!result.success) fail(result.logs);
      return new Set(Object.keys(result.metafile!.inputs).map((input) => path.resolve(input)));
    });
  // What the first part holds: launch.ts' static imports and the start's lazy ones.
  const lazyTargets = new Set<string>();
  const held = await modulesOf(entry, [...plugins, firstPart(bundle, undefined, lazyTargets)]);
  for (const file of lazyTargets) if (held.has(file)) lazyTargets.delete(file);
  // Every module off the start's way: what the lazy edges reach, but the first part's modules.
  const reached = new Set<string>();
  const lazyModules = await modulesOf("lazy-part-entry", [sharedExternals, lazyPart("all", lazyTargets, held, new Set(), reached)]);
  for (const file of lazyModules) if (reached.has(file) || !path.isAbsolute(file) || !existsSync(file)) lazyModules.delete(file);
  const parts = new Map<string, Set<string>>();
  for (const file of lazyModules) {
    const part = lazyPartOf(file);
    if (!parts.has(part)) parts.set(part, new Set());
    parts.get(part)!.add(file);
  }
  const exported = new Set<string>();
  const lazySources = new Set<string>();
  for (const [part, members] of parts) {
    for (const file of await writeBundle(partFile(bundle, part), "lazy-part-entry", [sharedExternals, lazyPart(part, members, held, lazyModules, exported)], null)) lazySources.add(file);
  }
  const again = new Set<string>();
  await writeBundle(`${name}.${bundle}.js`, entry, [...plugins, firstPart(bundle, held, again, { parts: [...parts.keys()], exported })], {
    also: lazySources,
    parts: [...parts.keys()].map((part) => partFile(bundle, part)),
  });
  // Both builds must agree on where each module is: an edge found only now would fail at run time.
  const missing = [...again].filter((file) => !lazyModules.has(file));
  if (missing.length) fail([`bunflare: the ${bundle} bundle's first part requires modules no lazy part holds: ${missing.join(", ")}`]);
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
for (const group of SMALL_GROUPS) {
  await writeBundle(`${name}${group === "kv" ? "" : `.${group}`}.js`, path.join(root, "src", "launch.ts"), [sharedExternals, onlyGroup(group), offGroupPath(group)]);
}
await buildInParts(DEV_GROUP, [sharedExternals, onlyGroup(...DEV_GROUPS), pagesBuildLeftOut]);
await buildInParts("all", [sharedExternals]);
const current = path.join(dist, "current");
let previous = "";
try {
  previous = readFileSync(current, "utf8").trim().split(/\s+/)[0]!.replace(/\.js$/, "");
} catch {}
// One line, read by bin/bunflare with the shell's `read small all`.
writeFileSync(`${current}.${process.pid}`, `${name}.js ${name}.all.js\n`);
renameSync(`${current}.${process.pid}`, current);
/**
 * The builds running processes were started from (their command line names the bundle): such a
 * process reads its lazy parts only when it first needs them, maybe hours later (Linux; elsewhere none is known).
 */
function buildsInUse(): Set<string> {
  const inUse = new Set<string>();
  // The launcher may name it through a symlinked or `bin/..` path; the build's name alone is unique.
  const bundle = /\/dist\/(cli-\w+-\d+)\./;
  let pids: string[] = [];
  try {
    pids = readdirSync("/proc").filter((entry) => /^\d+$/.test(entry));
  } catch {}
  for (const pid of pids) {
    try {
      const used = bundle.exec(readFileSync(`/proc/${pid}/cmdline`, "utf8"));
      if (used) inUse.add(used[1]!);
    } catch {}
  }
  return inUse;
}
// Older builds go, but the previous one (for a command that read its name just before the
// switch) and any a running process was started from.
const inUse = buildsInUse();
for (const file of readdirSync(dist)) {
  if (file === "current" || own(file) || (previous && file.startsWith(`${previous}.`)) || inUse.has(file.split(".")[0]!)) continue;
  if (/^cli-[\w-]+\.([\w-]+\.)*(js|js\.jsc|manifest\.json)$/.test(file) || file.startsWith("current.")) rmSync(path.join(dist, file), { force: true });
}
