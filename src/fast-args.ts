// The fast path of a one-shot command: for the common commands (FAST_COMMANDS)
// and a plain command line, the arguments yargs would hand the handler, worked
// out without loading yargs (~25 ms of loading, building and parsing). Anything
// this cannot decide with certainty (help, an unknown or repeated flag, a
// missing value, `--`, a value that looks like a flag or a number yargs might
// convert, a failing check) returns undefined, and src/cli.ts runs yargs as
// before, so every output, error text and exit code stays yargs' own.
// test/cli-fast-args.test.ts compares the result with yargs' on many lines.
import type { Options, PositionalOptions } from "yargs";
import type { CommandSpec, GlobalArgs } from "./commands/define.ts";
import { GLOBAL_FLAGS } from "./commands/global-flags.ts";

/** The commands a script runs many times; the rest always go through yargs. */
export const FAST_COMMANDS = new Set([
  "kv key put",
  "kv key get",
  "kv key delete",
  "kv key list",
  "kv bulk put",
  "kv bulk get",
  "kv bulk delete",
  "d1 execute",
  "r2 object put",
  "r2 object get",
  "r2 object delete",
  // A plain `bunflare dev` line: ~25 ms of yargs off the dev server's cold start.
  "dev",
  "pages dev",
]);

const camel = (name: string) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
const NUMBER = /^(?:0|[1-9]\d{0,14})(?:\.\d+)?$/;
// Words yargs-parser could read as something else than a plain string.
const PLAIN_VALUE = /^[^-]/;

function aliasesOf(options: Options): string[] {
  const alias = options.alias;
  return alias === undefined ? [] : typeof alias === "string" ? [alias] : [...alias];
}

/** Sets a flag as yargs does: its name, its aliases, and camel-cased spellings of hyphenated ones. */
function setFlag(args: Record<string, unknown>, name: string, options: Options, value: unknown): void {
  for (const key of [name, ...aliasesOf(options)]) {
    args[key] = value;
    if (key.includes("-")) args[camel(key)] = value;
  }
}

/**
 * `spec` is the invoked group's command tree; the result is the leaf's spec,
 * its words ("kv key put") and its arguments, or undefined for yargs to decide.
 */
export function fastArgs(argv: string[], group: CommandSpec): { spec: CommandSpec; words: string; args: GlobalArgs } | undefined {
  // The command words come first, each a subcommand of the one before, and the levels above the leaf declare nothing.
  let spec = group;
  // A group that is itself the command declares its positionals there ("dev [script]").
  const words = [group.command.split(" ")[0]!];
  if (argv[0] !== words[0]) return undefined;
  let at = 1;
  // A level's options, which the leaf must declare too (pages' hidden globals): yargs then reads them as the leaf's.
  const inherited: string[] = [];
  while (spec.subcommands) {
    if (spec.positionals || spec.check) return undefined;
    inherited.push(...Object.keys(spec.options ?? {}));
    const word = argv[at];
    const next = spec.subcommands.find((child) => child.command.split(" ")[0] === word);
    if (!next) return undefined;
    spec = next;
    words.push(word!);
    at++;
  }
  const path = words.join(" ");
  if (!FAST_COMMANDS.has(path) || !spec.handler || spec.behaviour?.location === "remote-only") return undefined;
  if (inherited.some((name) => !spec.options?.[name])) return undefined;

  const options: Record<string, Options> = { ...(GLOBAL_FLAGS as Record<string, Options>), ...spec.options };
  const byName = new Map<string, [string, Options]>();
  for (const [name, option] of Object.entries(options)) {
    for (const key of [name, ...aliasesOf(option)]) {
      if (byName.has(key)) return undefined;
      byName.set(key, [name, option]);
    }
  }
  const positionalNames = spec.command
    .split(" ")
    .slice(1)
    .map((word) => ({ name: word.slice(1, -1), required: word.startsWith("<") }));
  if (positionalNames.some(({ name }) => name.endsWith(".."))) return undefined;

  const args: Record<string, unknown> = { _: words.slice() };
  const given = new Set<string>();
  const positionalValues: string[] = [];
  for (; at < argv.length; at++) {
    const token = argv[at]!;
    if (!token.startsWith("-")) {
      positionalValues.push(token);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (token.startsWith("--")) {
      const equals = token.indexOf("=");
      name = equals < 0 ? token.slice(2) : token.slice(2, equals);
      inline = equals < 0 ? undefined : token.slice(equals + 1);
    } else if (token.length === 2) {
      name = token.slice(1);
    } else {
      return undefined;
    }
    // `--no-x` is yargs' negation of x (dev declares `no-bundle` itself): yargs' business.
    if (name.startsWith("no-")) return undefined;
    const found = byName.get(name);
    // help and -v (a command's --version) are yargs' to answer.
    if (!found || found[0] === "v") return undefined;
    const [canonical, option] = found;
    if (given.has(canonical)) return undefined;
    given.add(canonical);
    if (option.array || option.count || option.nargs !== undefined) return undefined;
    let value: unknown;
    if (option.choices) {
      // One of the listed words, as given (`--log-level debug`, `--local-protocol https`); yargs reports anything else.
      const text = inline ?? argv[++at];
      if ((option.type !== undefined && option.type !== "string") || option.coerce || text === undefined) return undefined;
      if (!(option.choices as unknown[]).includes(text) || !PLAIN_VALUE.test(text) || NUMBER.test(text)) return undefined;
      value = text;
    } else if (option.type === "boolean") {
      const following = argv[at + 1];
      // `--flag=x` and `--flag true` / `--flag false` give booleans values: yargs' business.
      if (inline !== undefined || following === "true" || following === "false") return undefined;
      value = true;
    } else if (option.type === "string" || option.type === "number") {
      const text = inline ?? argv[++at];
      if (text === undefined || !PLAIN_VALUE.test(text)) return undefined;
      if (option.type === "number") {
        if (!NUMBER.test(text)) return undefined;
        value = Number(text);
      } else {
        value = text;
      }
      if (option.coerce) value = option.coerce(value);
    } else {
      return undefined;
    }
    setFlag(args, canonical, option, value);
  }
  for (const [name, option] of Object.entries(options)) {
    if (given.has(name)) continue;
    if (option.demandOption) return undefined;
    if (option.default !== undefined) setFlag(args, name, option, option.default);
  }
  for (const [name, option] of Object.entries(options)) {
    const conflicts = option.conflicts;
    if (conflicts === undefined) continue;
    const others = typeof conflicts === "string" ? [conflicts] : Array.isArray(conflicts) ? conflicts : Object.keys(conflicts);
    if (args[name] !== undefined && others.some((other) => args[other] !== undefined)) return undefined;
  }
  args.$0 = "bunflare";

  if (positionalValues.length > positionalNames.length) return undefined;
  for (let i = 0; i < positionalNames.length; i++) {
    const { name, required } = positionalNames[i]!;
    const declared: PositionalOptions | undefined = spec.positionals?.[name];
    const value = positionalValues[i];
    if (value === undefined) {
      if (required || declared?.demandOption || declared?.default !== undefined) return undefined;
      continue;
    }
    // Only string positionals are taken as they are; yargs converts the others.
    if (!declared || declared.type !== "string" || declared.alias || declared.coerce || declared.choices) return undefined;
    if (name.includes("-") || byName.has(name)) return undefined;
    args[name] = value;
    // yargs also sets a camel-cased positional's hyphenated spelling.
    if (/[A-Z]/.test(name)) args[name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)] = value;
  }
  if (spec.check) {
    try {
      if (spec.check(args as GlobalArgs) !== true) return undefined;
    } catch {
      return undefined;
    }
  }
  return { spec, words: path, args: args as GlobalArgs };
}
