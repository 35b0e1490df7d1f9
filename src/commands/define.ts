// Commands are data: each is a small declaration (words, description, flags,
// positionals, behaviour, handler) registered into one tree, as wrangler does.
// Help text and flag validation come from the declarations; what most commands
// do before their handler (banner, argument checks, resource location, config,
// refusing --remote) is declared in `behaviour` and done by the runner in
// src/cli.ts, in wrangler's order.
import type { Options, PositionalOptions } from "yargs";
import type { Project } from "../project.ts";

export interface GlobalArgs {
  config?: string;
  cwd?: string;
  env?: string;
  "env-file"?: string[];
  _: (string | number)[];
  [key: string]: unknown;
}

/**
 * wrangler's per-command `behaviour`. A command that declares it has these
 * steps done for it, in this order, before its handler:
 *   1. the banner (`printBanner`, default true; off with --json when `json`),
 *      then the command's `status` warning ("... is an open beta command")
 *   2. `validateArgs` (throw CommandLineArgsError: the error, then the help)
 *   3. "Resource location: local" + the --remote hint (`printResourceLocation`)
 *   4. the config read, its warnings printed (`provideConfig`, default true),
 *      handed to the handler as `ctx.project`
 *   5. `--remote` refused (where wrangler would first reach the network),
 *      unless `location` says otherwise
 */
export interface CommandBehaviour<A> {
  printBanner?: boolean | ((args: A) => boolean);
  printResourceLocation?: boolean | ((args: A) => boolean);
  /** Read the config (and open the store lazily) before the handler, as wrangler's provideConfig. Default true. */
  provideConfig?: boolean;
  /**
   * The command has wrangler's --json flag: with it, stdout carries JSON only,
   * so neither banner nor resource location is printed (wrangler's
   * `printBanner: (args) => !args.json`).
   */
  json?: boolean;
  /**
   * Where the command works:
   * - "local" (default): on the local store; --remote is refused just before the handler.
   * - "handler": as "local", but the handler refuses --remote itself (with
   *   refuseRemote from shared/) where wrangler checks other things first.
   * - "remote-only": wrangler runs it against Cloudflare's API only; bunflare
   *   refuses the whole command with one message, after the banner. Words
   *   and flags after it are accepted (and refused with it).
   */
  location?: "local" | "handler" | "remote-only";
}

export interface CommandContext {
  /** The config and store, when `behaviour.provideConfig` is on. */
  project: Project;
}

export interface CommandSpec<A = any> {
  /** yargs command string, e.g. "put <key> [value]". */
  command: string;
  describe: string;
  positionals?: Record<string, PositionalOptions>;
  options?: Record<string, Options>;
  /** Extra validation run by yargs before the handler (return true or throw), before any banner. */
  check?: (args: A & GlobalArgs) => true;
  /** wrangler's validateArgs: run after the banner; throw CommandLineArgsError for a usage error. Needs `behaviour`. */
  validateArgs?: (args: A & GlobalArgs) => void | Promise<void>;
  /** Declared steps the runner does before the handler (see CommandBehaviour); without it, the handler does everything. */
  behaviour?: CommandBehaviour<A & GlobalArgs>;
  handler?: (args: A & GlobalArgs, ctx: CommandContext) => Promise<void> | void;
  subcommands?: CommandSpec[];
  hidden?: boolean;
  /** wrangler's metadata.status: a beta or experimental command warns so before it runs (with `behaviour`). */
  status?: "open beta" | "private beta" | "experimental" | "alpha";
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
  /** Left out of the root help: hidden by wrangler too, or bunflare's own (explorer), so the listing matches wrangler's. */
  hidden?: boolean;
  load?: () => Promise<{ default: CommandSpec }>;
}
