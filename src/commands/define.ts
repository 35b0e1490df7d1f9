// Commands are data: each is a small declaration (words, description, flags,
// positionals, handler) registered into one tree, as wrangler does. Help text
// and flag validation come from the declarations.
import type { Options, PositionalOptions } from "yargs";

export interface GlobalArgs {
  config?: string;
  cwd?: string;
  env?: string;
  "env-file"?: string[];
  _: (string | number)[];
  [key: string]: unknown;
}

export interface CommandSpec<A = any> {
  /** yargs command string, e.g. "put <key> [value]". */
  command: string;
  describe: string;
  positionals?: Record<string, PositionalOptions>;
  options?: Record<string, Options>;
  /** Extra validation run by yargs before the handler (return true or throw). */
  check?: (args: A & GlobalArgs) => true;
  handler?: (args: A & GlobalArgs) => Promise<void> | void;
  subcommands?: CommandSpec[];
  hidden?: boolean;
  examples?: [string, string][];
  /** Text after the flags in --help (wrangler's command epilogue). */
  epilogue?: string;
}

export function defineCommand<A = any>(spec: CommandSpec<A>): CommandSpec<A> {
  return spec;
}

/** Top-level entry: the module is only imported when its command is run. */
export interface CommandGroup {
  name: string;
  /** Usage shown in the root help, e.g. "dev [script]". */
  usage: string;
  describe: string;
  category?: string;
  /** Left out of the root help, as wrangler hides it. */
  hidden?: boolean;
  load?: () => Promise<{ default: CommandSpec }>;
}
