// The first build of a `dev` start, kept for the next start of the same project:
// a test suite that starts a dev server per file would otherwise run esbuild on
// unchanged sources each time (5 ms for a hello worker, 50 ms with a few
// packages). One file per entry point, `<store>/dev-build/<hash>`: a line of JSON
// (what shaped the build and the state of every file it depends on), then the
// bundle, then its source map. Kept only when nothing it depends on changed since
// the build started; used only when the build's options are the same and every
// one of those files and directories is as it was.
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync, type BigIntStats } from "node:fs";
import path from "node:path";

/** An entry's first line: the build it holds and what it was built from. */
interface Header {
  key: string;
  /** Every file the bundle read, as esbuild reported them. */
  inputs: string[];
  /** [path, signature] of each file or directory whose change could change the build (see dependencies). */
  paths: [string, string][];
  codeLength: number;
  mapLength: number;
}

export interface CachedBuild {
  code: string;
  map: string;
  inputs: string[];
}

// What esbuild looks for in the directories above each file (packages, package.json's
// `type`/`browser`/`exports`, tsconfig/jsconfig, Yarn PnP): one appearing or changing
// there can change how an import resolves or a file compiles.
const LOOKED_UP = ["node_modules", "package.json", "tsconfig.json", "jsconfig.json", ".pnp.cjs", ".pnp.js", ".pnp.data.json"];

// A file's timestamps can lag the clock (coarse kernel clocks) or be whole seconds
// (FAT: two), so a file whose mtime or ctime is this close to the build's start may
// have changed after esbuild read it with no later timestamp to show it: not kept.
const SETTLED_MS = 2_500;

/** What identifies a file's content without reading it ("-": absent); ctime moves on every write and cannot be set back. */
const signatureOf = (stat: BigIntStats | undefined) => (stat ? `${stat.ino}:${stat.size}:${stat.mtimeNs}:${stat.ctimeNs}` : "-");

const signature = (file: string) => signatureOf(statSync(file, { bigint: true, throwIfNoEntry: false }));

/**
 * The files and directories a build depends on beyond its inputs: each input's
 * directory (a file added there can take an import's place: `./util.ts` before
 * `./util.js`) and the one above it (`./lib.js` before `./lib/index.js`), and in
 * every directory above them, the names esbuild looks up.
 */
function dependencies(inputs: string[], others: string[]): string[] {
  const paths = new Set([...inputs, ...others]);
  const scopes = new Set(inputs.map((input) => /[\\/]node_modules[\\/](@[^\\/]+)[\\/]/.exec(input)?.[1]).filter((scope) => scope !== undefined));
  const seen = new Set<string>();
  for (const input of inputs) {
    paths.add(path.dirname(input)).add(path.dirname(path.dirname(input)));
    for (let dir = path.dirname(input); !seen.has(dir); dir = path.dirname(dir)) {
      seen.add(dir);
      for (const name of LOOKED_UP) paths.add(path.join(dir, name));
      for (const scope of scopes) paths.add(path.join(dir, "node_modules", scope));
    }
  }
  return [...paths];
}

// A tsconfig that extends another or maps paths makes the build depend on files and
// directories found through it: such builds are not kept.
const FAR_REACHING_TSCONFIG = /"(?:extends|paths|baseUrl)"\s*:/;

/** Where the build of `entry` is kept under `dir`. */
export function cacheEntry(dir: string, entry: string): string {
  return path.join(dir, Bun.hash(entry).toString(36));
}

/**
 * The kept build of `file` if it was made with `key` and nothing it depends on changed since; else undefined.
 * `key` is made only when there is an entry: a fresh project's start allocates no more than
 * before (its idle memory sits at a heap-growth step, see bench/PROFILE.md).
 */
export function loadBuild(file: string, key: () => string): CachedBuild | undefined {
  try {
    const text = readFileSync(file, "utf8");
    const end = text.indexOf("\n");
    const header = JSON.parse(text.slice(0, end)) as Header;
    if (header.key !== key() || text.length !== end + 1 + header.codeLength + header.mapLength) return undefined;
    for (const [dependency, kept] of header.paths) if (signature(dependency) !== kept) return undefined;
    const code = text.slice(end + 1, end + 1 + header.codeLength);
    return { code, map: text.slice(end + 1 + header.codeLength), inputs: header.inputs };
  } catch {
    // Missing, unreadable or cut short: built as if there were none.
    return undefined;
  }
}

/**
 * Keeps a build started at `startedAt` (ms since the epoch; `bundle`: its file; `tools`: the
 * files that made it, checked as its inputs are), unless something it depends on changed too
 * close to that time to tell. Written whole under another
 * name and renamed, so a process starting meanwhile reads the old entry or the new one.
 */
export function saveBuild(
  file: string,
  key: () => string,
  startedAt: number,
  build: Omit<CachedBuild, "code"> & { bundle: string; tsconfig?: string; tools: string[] },
): void {
  try {
    // First: making the store can change the project's directory, which the build may depend on.
    mkdirSync(path.dirname(file), { recursive: true });
    const settled = BigInt(Math.floor(startedAt - SETTLED_MS)) * 1_000_000n;
    const paths: [string, string][] = [];
    for (const dependency of dependencies(build.inputs, [...build.tools, ...(build.tsconfig ? [build.tsconfig] : [])])) {
      const stat = statSync(dependency, { bigint: true, throwIfNoEntry: false });
      if (stat && (stat.mtimeNs >= settled || stat.ctimeNs >= settled)) return;
      const tsconfig = dependency === build.tsconfig || /^[tj]sconfig\.json$/.test(path.basename(dependency));
      if (stat?.isFile() && tsconfig && FAR_REACHING_TSCONFIG.test(readFileSync(dependency, "utf8"))) return;
      paths.push([dependency, signatureOf(stat)]);
    }
    const code = readFileSync(build.bundle, "utf8");
    const header: Header = { key: key(), inputs: build.inputs, paths, codeLength: code.length, mapLength: build.map.length };
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(header)}\n${code}${build.map}`);
    renameSync(temporary, file);
  } catch {
    // Not kept (a read-only store, a file gone meanwhile): the next start builds.
  }
}
