// The CLI root: wrangler's global flags, the command tree, and the one place
// where an error becomes a message and an exit code.
import type { Arguments, Argv } from "yargs";
import path from "node:path";
import { readFileSync } from "node:fs";
import { describeReadError } from "./config/parse.ts";
import { COMMAND_GROUPS, CATEGORY_ORDER } from "./commands/index.ts";
import type { CommandContext, CommandGroup, CommandSpec, GlobalArgs } from "./commands/define.ts";
import { CommandLineArgsError, ISSUES_URL, JsonFriendlyError, missingFileError, ParseError, UserError } from "./errors.ts";
import { LOG_LEVELS, log, printBanner, setLogLevel, version, type LogLevelName } from "./log.ts";
import { bold, cyan, hex } from "./colors.ts";
import { needsNetwork, printResourceLocationBlock, refuseRemote, type LocationFlags } from "./commands/shared/location.ts";
import type { Project } from "./project.ts";
import { forwardToWrangler, needsWrangler } from "./forward.ts";
import { GLOBAL_FLAGS } from "./commands/global-flags.ts";
import { fastArgs } from "./fast-args.ts";

/** Set by argsFromYargs: the next handler hands over its arguments instead of running. */
let captured: { args?: GlobalArgs; words?: string } | undefined;

/** Flags that take a value, so the group finder can skip their values. */
const FLAGS_WITH_VALUES = new Set(
  Object.entries(GLOBAL_FLAGS)
    .filter(([, options]) => options.type === "string")
    .flatMap(([name, options]) => ["--" + name, ...("alias" in options ? [(options.alias.length === 1 ? "-" : "--") + options.alias] : [])]),
);

function invokedGroup(argv: string[]): CommandGroup | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (FLAGS_WITH_VALUES.has(arg)) {
      i++;
      continue;
    }
    if (arg.startsWith("-")) continue;
    return COMMAND_GROUPS.find((group) => group.name === arg);
  }
  return undefined;
}

/** A top-level group with no module: main() hands those to a real wrangler, so only `--help`-like lines get here. */
function refuseGroup(group: CommandGroup): never {
  throw needsNetwork(group.name);
}

/** Wrangler colours a command's status (" [open beta]") where commands are listed. */
function listedDescription(describe: string): string {
  return describe.replace(/ \[(open beta|private beta|experimental|alpha|beta)\]$/, (suffix) => hex("#BD5B08")(suffix));
}

/**
 * Wrangler's check that a flag given twice is refused (yargs would make it an
 * array), for every flag but array ones; `allow` exempts command lines where it may repeat.
 */
function demandSingleValue(key: string, allow?: (args: Arguments) => boolean): (args: Arguments) => true {
  return (args) => {
    if (Array.isArray(args[key]) && !allow?.(args)) {
      throw new CommandLineArgsError(`The argument "--${key}" expects a single value, but received multiple: ${JSON.stringify(args[key])}.`);
    }
    return true;
  };
}

function register(parser: Argv, spec: CommandSpec, parentWords: string[] = []): void {
  const words = [...parentWords, spec.command.split(" ")[0]!];
  parser.command(
    spec.command,
    (spec.hidden ? false : listedDescription(spec.describe)) as string,
    (sub) => {
      for (const [name, options] of Object.entries(spec.positionals ?? {})) sub.positional(name, options);
      if (spec.options) sub.options(spec.options);
      for (const child of spec.subcommands ?? []) register(sub, child, words);
      for (const [name, options] of [...Object.entries(spec.positionals ?? {}), ...Object.entries(spec.options ?? {})]) {
        if (!options.array && options.type !== "array") sub.check(demandSingleValue(name));
      }
      if (spec.check) sub.check((args) => spec.check!(args as GlobalArgs));
      for (const [example, description] of spec.examples ?? []) sub.example(example, description);
      if (spec.epilogue) sub.epilogue(spec.epilogue);
      // Whatever follows a network-only command is refused with it, not parsed.
      if (spec.behaviour?.location === "remote-only") sub.strict(false);
      return sub;
    },
    async (args) => {
      if (captured) {
        captured.args = args as GlobalArgs;
        captured.words = words.join(" ");
        return;
      }
      if (spec.handler || spec.behaviour) await runCommand(spec, args as GlobalArgs, words.join(" "));
      else parser.showHelp("log");
    },
  );
}

const decide = <A>(setting: boolean | ((args: A) => boolean) | undefined, args: A, fallback: boolean): boolean =>
  typeof setting === "function" ? setting(args) : (setting ?? fallback);

/**
 * The steps wrangler's command runner takes before a handler, as the
 * command's `behaviour` declares them (see CommandBehaviour in define.ts).
 */
async function runCommand(spec: CommandSpec, args: GlobalArgs, words: string): Promise<void> {
  const behaviour = spec.behaviour;
  // Loaded here, not at the top: `bunflare --version` and help need no config or store code.
  const { openProject } = require("./project.ts") as typeof import("./project.ts");
  let project: Project | undefined;
  const lazyContext: CommandContext = {
    get project() {
      return (project ??= openProject(args));
    },
  };
  if (!behaviour) {
    await spec.handler?.(args, lazyContext);
    return;
  }
  const jsonOutput = Boolean(behaviour.json && args.json);
  if (!jsonOutput && decide(behaviour.printBanner, args, true)) printBanner();
  if (spec.status) {
    const article = "aeiou".includes(spec.status[0]!) ? "an" : "a";
    log.warn(`🚧 \`bunflare ${words}\` is ${article} ${spec.status} command. Please report any issues to ${ISSUES_URL}`);
  }
  // Wrangler goes on to fail at the API; bunflare says why at once.
  if (behaviour.location === "remote-only") throw needsNetwork(words);
  await spec.validateArgs?.(args);
  if (!jsonOutput && decide(behaviour.printResourceLocation, args, false)) printResourceLocationBlock(args as LocationFlags);
  if (behaviour.provideConfig ?? true) project = openProject(args);
  // Refused where wrangler would first reach the network: after what it prints before that.
  if ((behaviour.location ?? "local") === "local") refuseRemote(args as LocationFlags, words);
  await spec.handler?.(args, lazyContext);
}

/** What the root parser's middleware does before any handler: --cwd, then the .env files. */
function applyGlobalFlags(args: GlobalArgs): void {
  if (typeof args.cwd === "string") {
    try {
      process.chdir(args.cwd);
    } catch {
      // Wrangler's wording, which names the directory it was started in.
      throw missingFileError(process.cwd());
    }
  }
  loadEnvFiles(args);
}

function loadEnvFiles(args: GlobalArgs): void {
  // Like wrangler, .env files (or --env-file ones) also set the CLI's own environment:
  // later files override earlier ones, and variables already set in the shell win over all.
  const given = args["env-file"];
  const files = given ?? [".env", ".env.local", ...(args.env ? [`.env.${args.env}`, `.env.${args.env}.local`] : [])];
  const merged: Record<string, string> = {};
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(path.resolve(file), "utf8");
    } catch (error) {
      if (!given && (error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw new UserError(`Could not read the --env-file "${file}": ${describeReadError(error, path.resolve(file))}`);
    }
    // Required only when a file exists: dotenv pulls in node:os, ~9 ms of start-up.
    Object.assign(merged, (require("dotenv") as typeof import("dotenv")).parse(text));
  }
  for (const [key, value] of Object.entries(merged)) {
    if (process.env[key] === undefined) process.env[key] = value;
  }
}

export async function main(argv: string[]): Promise<number> {
  const group = invokedGroup(argv);
  // Commands that need Cloudflare's network go to real wrangler, untouched (src/forward.ts).
  if (group && needsWrangler(argv, Boolean(group.load))) {
    try {
      return await forwardToWrangler(argv);
    } catch (error) {
      reportError(error);
      return 1;
    }
  }
  // Like wrangler's global middleware: any command given a valid --log-level logs at it,
  // even one that then refuses the flag as unknown (its error shows only if the level lets it).
  const level = logLevelOfArgv(argv);
  if (level) setLogLevel(level);
  const spec = group?.load ? (await group.load()).default : undefined;
  // A plain line of a common command runs without yargs (src/fast-args.ts); yargs decides the rest.
  const fast = spec ? fastArgs(argv, spec) : undefined;
  let parser: Argv | undefined;

  let failed: unknown;
  try {
    if (fast) {
      applyGlobalFlags(fast.args);
      await runCommand(fast.spec, fast.args, fast.words);
    } else {
      parser = buildParser(argv, group, spec);
      const wantsRootHelp = !group && (argv.includes("--help") || argv.includes("-h"));
      if (wantsRootHelp) await printRootHelp(parser);
      else await parser.parseAsync();
    }
  } catch (error) {
    failed = error;
  }
  // A handler that ran real wrangler (init --from-dash, setup of a framework) leaves its exit code here.
  if (!failed) return typeof process.exitCode === "number" ? process.exitCode : 0;
  // Older command modules signalled usage errors with an Error named "YError"; same treatment.
  if (failed instanceof Error && failed.name === "YError") failed = new CommandLineArgsError(failed.message);
  // Wrangler's error handler starts with a blank line on stdout (JSON errors carry their own).
  if (!(failed instanceof JsonFriendlyError)) log.info("");
  if (failed instanceof CommandLineArgsError) {
    log.error(failed.message);
    // Wrangler follows a usage error with the help of the line's words that do not start
    // with "-", flag values included: a global flag's value before the command
    // (`-c x.toml kv ...`) is no command, so that gets the root help (grouped) too.
    const firstWord = argv.find((arg) => arg !== "" && !arg.startsWith("-"));
    if (group && firstWord === group.name) showCommandHelp(argv, group, spec);
    else await printRootHelp(group ? buildParser([], undefined, undefined) : parser!);
    return 1;
  }
  reportError(failed);
  return failed instanceof UserError ? failed.exitCode : 1;
}

/** The yargs tree for this command line: the global flags, and the invoked group's commands (else every group's entry). */
function buildParser(argv: string[], group: CommandGroup | undefined, spec: CommandSpec | undefined): Argv {
  // Loaded here: the fast path (src/fast-args.ts) runs a command without yargs.
  const yargs = (require("./yargs.ts") as typeof import("./yargs.ts")).default;
  const parser = yargs(argv)
    .scriptName("bunflare")
    .strict()
    .showHelpOnFail(false)
    .wrap(null)
    .locale("en_US")
    .version(false)
    .help()
    .alias("h", "help")
    .options(GLOBAL_FLAGS)
    .fail((message, error) => {
      throw error && error.name !== "YError" ? error : new CommandLineArgsError(message ?? error?.message ?? "");
    })
    .check(demandSingleValue("cwd"))
    // dev and types take several configs; wrangler lets `pages dev` too.
    .check(demandSingleValue("config", (args) => args._[0] === "dev" || args._[0] === "types" || (args._[0] === "pages" && args._[1] === "dev")))
    .check(demandSingleValue("env"))
    .middleware((args) => applyGlobalFlags(args as unknown as GlobalArgs))
    .updateStrings({
      "Commands:": bold("COMMANDS"),
      "Options:": bold("OPTIONS"),
      "Positionals:": bold("POSITIONALS"),
      "Examples:": bold("EXAMPLES"),
    })
    .group(["config", "cwd", "env", "env-file", "help", "version"], bold("GLOBAL FLAGS"))
    .epilogue(`Please report any issues to ${cyan(ISSUES_URL)}`);

  // With a known group on the command line, the other groups are never parsed
  // nor listed, so only that one is registered: yargs' per-command setup is
  // most of a one-shot command's start-up time.
  for (const entry of group ? [group] : COMMAND_GROUPS) {
    if (spec && entry === group) {
      register(parser, spec);
    } else {
      parser.command(entry.usage, (entry.hidden ? false : listedDescription(entry.describe)) as string, (sub) => sub.strict(false), () => refuseGroup(entry));
    }
  }
  parser.command("$0", false, () => {}, async (args) => {
    if (args.v) log.info(version);
    else await printRootHelp(parser);
  });
  // yargs renders the running command's whole help before each handler, in case
  // the handler fails with a usage error (~7 ms of every command); instead
  // main() renders it only then, from a fresh parser (see showCommandHelp).
  (parser as unknown as { getInternalMethods(): { getUsageInstance(): { cacheHelpMessage(): void } } })
    .getInternalMethods()
    .getUsageInstance().cacheHelpMessage = () => {};
  return parser;
}

/**
 * The help of the command on the command line, as yargs shows it after a
 * usage error: a parser that has not run yet works the command out in
 * help-only mode (builders run, no middleware, no handler).
 */
function showCommandHelp(argv: string[], group: CommandGroup | undefined, spec: CommandSpec | undefined): void {
  buildParser(argv, group, spec).showHelp("log");
}

/** `--log-level X` / `--log-level=X` (or camel-cased) before a `--`, when X is one of wrangler's levels. */
function logLevelOfArgv(argv: string[]): LogLevelName | undefined {
  let value: string | undefined;
  for (let i = 0; i < argv.length && argv[i] !== "--"; i++) {
    const match = /^--(?:log-level|logLevel)(?:=(.*))?$/.exec(argv[i]!);
    if (match) value = match[1] ?? argv[i + 1];
  }
  return value !== undefined && Object.hasOwn(LOG_LEVELS, value) ? (value as LogLevelName) : undefined;
}

/** Root help with commands grouped under wrangler's categories. */
async function printRootHelp(parser: Argv): Promise<void> {
  const lines = (await parser.getHelp()).split("\n");
  const start = lines.findIndex((line) => line.includes("COMMANDS"));
  const end = lines.findIndex((line) => line.includes("GLOBAL FLAGS"));
  const byCategory = new Map<string, string[]>();
  const plain: string[] = [];
  for (const line of lines.slice(start + 1, end)) {
    const name = line.match(/^\s*bunflare\s+(\S+)/)?.[1];
    const category = COMMAND_GROUPS.find((g) => g.name === name)?.category;
    if (category !== undefined) byCategory.set(category, [...(byCategory.get(category) ?? []), line]);
    else if (line.trim()) plain.push(line);
  }
  const out = [...lines.slice(0, start + 1), ...plain];
  for (const category of ["", ...CATEGORY_ORDER]) {
    const entries = byCategory.get(category);
    if (!entries) continue;
    out.push("");
    if (category) out.push(bold(category.toUpperCase()));
    out.push(...entries.sort((a, b) => a.trim().localeCompare(b.trim())));
  }
  out.push("", ...lines.slice(end));
  log.info(out.join("\n"));
}

/** The path of a file-not-found error, or of one that caused it (as wrangler looks for it). */
function missingPath(error: unknown): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, path } = error as NodeJS.ErrnoException;
  if (code === "ENOENT" && typeof path === "string") return path;
  return missingPath(error.cause);
}

export function reportError(error: unknown): void {
  const missing = missingPath(error);
  if (error instanceof JsonFriendlyError) {
    console.log(`\n${error.message}`);
  } else if (error instanceof ParseError) {
    const bugNote = `\nIf you think this is a bug, please open an issue at: ${ISSUES_URL}`;
    log.error({ text: error.text, location: error.location, notes: [...error.notes, bugNote] });
  } else if (error instanceof UserError) {
    log.error(error.message);
  } else if (missing) {
    // Wrangler's handler words any unexpected ENOENT this way, naming the path.
    log.error(missingFileError(missing).message);
  } else if (error instanceof Error) {
    // An unexpected failure still gets one readable line; the stack only on request.
    log.error(process.env.BUNFLARE_DEBUG ? (error.stack ?? error.message) : error.message);
  } else {
    log.error(String(error));
  }
}

if (import.meta.main) {
  // Not a top-level await: that would keep Bun from compiling this module graph to bytecode (CommonJS output).
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

/** The arguments yargs hands the command's handler (for the fast path's test); undefined when yargs would not reach a handler. */
export async function argsFromYargs(argv: string[]): Promise<{ args: GlobalArgs; words: string } | undefined> {
  const group = invokedGroup(argv);
  const spec = group?.load ? (await group.load()).default : undefined;
  captured = {};
  try {
    await buildParser(argv, group, spec).parseAsync();
    return captured.args ? { args: captured.args, words: captured.words! } : undefined;
  } catch {
    return undefined;
  } finally {
    captured = undefined;
  }
}
