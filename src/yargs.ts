// yargs (the pinned 17.7.2) built with a platform shim of our own. yargs'
// ESM entry wires in node:assert, util.format / util.inspect (y18n,
// yargs-parser) and process.stdout at import; under Bun those load the
// inspector and the stream classes, ~15 ms of every one-shot command. The
// same library parts are used here; only what they need from the platform is
// handed over lazily: node:util only for a format the cheap one cannot do,
// process.stdout only if yargs asks for the terminal width.
import { readFileSync, statSync, writeFile } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import type { Argv } from "yargs";
import { isatty } from "./colors.ts";

type Factory = (processArgs?: readonly string[] | string, cwd?: string) => Argv;

const requireHere = createRequire(import.meta.url);
const yargsDir = path.dirname(requireHere.resolve("yargs/package.json"));
const requireFromYargs = createRequire(path.join(yargsDir, "package.json"));

/** The folder of a package yargs depends on, as yargs itself would resolve it. */
function packageDir(name: string): string {
  const entry = requireFromYargs.resolve(name);
  const marker = `${path.sep}node_modules${path.sep}${name}${path.sep}`;
  return entry.slice(0, entry.lastIndexOf(marker) + marker.length - 1);
}

/**
 * util.format for what yargs' messages need (%s with strings and numbers);
 * anything else goes to the real one.
 */
function format(text: unknown, ...args: unknown[]): string {
  const plain = (value: unknown) =>
    typeof value === "string" || (typeof value === "number" && Number.isFinite(value) && !Object.is(value, -0));
  if (typeof text !== "string" || !args.every(plain) || /%[^s]/.test(text)) {
    return (require("node:util") as typeof import("node:util")).format(text, ...args);
  }
  let used = 0;
  let out = text.replace(/%s/g, (spec) => (used < args.length ? String(args[used++]) : spec));
  for (; used < args.length; used++) out += ` ${String(args[used])}`;
  return out;
}

function lazyAssert(name: "notStrictEqual" | "strictEqual") {
  return (actual: unknown, expected: unknown, message?: string) => {
    const holds = name === "strictEqual" ? Object.is(actual, expected) : !Object.is(actual, expected);
    if (!holds) (require("node:assert") as Record<typeof name, (a: unknown, e: unknown, m?: string) => void>)[name](actual, expected, message);
  };
}

function build(): Factory {
  const parserDir = packageDir("yargs-parser");
  const { YargsParser } = requireFromYargs(path.join(parserDir, "build/lib/yargs-parser.js"));
  const strings = requireFromYargs(path.join(parserDir, "build/lib/string-utils.js"));
  const parser = new YargsParser({
    cwd: process.cwd,
    env: () => process.env,
    format,
    normalize: path.normalize,
    resolve: path.resolve,
    require: (file: string) => requireFromYargs(file),
  });
  const Parser = Object.assign((args: string[], opts: unknown) => parser.parse(args.slice(), opts).argv, {
    detailed: (args: string[], opts: unknown) => parser.parse(args.slice(), opts),
    camelCase: strings.camelCase,
    decamelize: strings.decamelize,
    looksLikeNumber: strings.looksLikeNumber,
  });

  const { y18n } = requireFromYargs(path.join(packageDir("y18n"), "build/lib/index.js"));
  const exists = (file: string) => {
    try {
      return statSync(file).isFile();
    } catch {
      return false;
    }
  };
  const { YargsFactory } = requireFromYargs(path.join(yargsDir, "build/lib/yargs-factory.js"));
  const { YError } = requireFromYargs(path.join(yargsDir, "build/lib/yerror.js"));
  const { getProcessArgvBin } = requireFromYargs(path.join(yargsDir, "build/lib/utils/process-argv.js"));
  const cannot = (message: string) => () => {
    throw new YError(message);
  };
  const ui = requireFromYargs(path.join(packageDir("cliui"), "index.mjs")).default;
  const mainDir = yargsDir.slice(0, yargsDir.lastIndexOf("node_modules"));
  return YargsFactory({
    assert: { notStrictEqual: lazyAssert("notStrictEqual"), strictEqual: lazyAssert("strictEqual") },
    // cliui asks process.stdout for the width when yargs gives none (wrap(null)); only a terminal has one.
    cliui: (opts?: { width?: number | null; wrap?: boolean }) =>
      ui({ ...opts, width: opts?.width || (isatty(1) && process.stdout.columns) || 80 }),
    findUp: requireFromYargs("escalade/sync"),
    getEnv: (key: string) => process.env[key],
    get inspect() {
      return (require("node:util") as typeof import("node:util")).inspect;
    },
    getCallerFile: cannot("loading a directory of commands is not supported yet for ESM"),
    getProcessArgvBin,
    mainFilename: mainDir || process.cwd(),
    Parser,
    path: { basename: path.basename, dirname: path.dirname, extname: path.extname, relative: path.relative, resolve: path.resolve },
    process: {
      argv: () => process.argv,
      cwd: process.cwd,
      emitWarning: (warning: string, type?: string) => process.emitWarning(warning, type),
      execPath: () => process.execPath,
      exit: process.exit,
      nextTick: process.nextTick,
      // Read only when yargs wraps help to the terminal (bunflare sets wrap(null)).
      get stdColumns() {
        return typeof process.stdout.columns !== "undefined" ? process.stdout.columns : null;
      },
    },
    readFileSync,
    require: cannot("require is not supported by ESM"),
    requireDirectory: cannot("loading a directory of commands is not supported yet for ESM"),
    stringWidth: (text: string) => [...text].length,
    y18n: y18n(
      { directory: path.join(yargsDir, "locales"), updateFiles: false },
      { fs: { readFileSync, writeFile }, format, resolve: path.resolve, exists },
    ),
  });
}

let factory: Factory | undefined;

/** yargs(argv), as `import yargs from "yargs"` gives it. */
export default function yargs(processArgs?: readonly string[] | string, cwd?: string): Argv {
  return (factory ??= build())(processArgs, cwd);
}
