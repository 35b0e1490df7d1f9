// Find, parse, validate and resolve a wrangler config for one environment.
import { existsSync, readFileSync, statSync } from "node:fs";
import type { ParseError } from "jsonc-parser";
import path from "node:path";
import { UserError } from "../errors.ts";
import { layoutNotes } from "../log.ts";
import { stringify as stringifyToml } from "smol-toml";
import { parseConfigFile } from "./parse.ts";
import { resolveEnvironment } from "./environments.ts";
import { Diagnostics } from "./diagnostics.ts";
import type { WorkerConfig } from "./types.ts";

export type { WorkerConfig } from "./types.ts";

export const CONFIG_FILE_NAMES = ["wrangler.json", "wrangler.jsonc", "wrangler.toml"] as const;

/**
 * Wrangler looks for each name in turn, walking up from `from` to the root,
 * so a wrangler.json in a parent directory wins over a wrangler.toml here.
 */
export function findConfigFile(from: string): string | undefined {
  for (const name of CONFIG_FILE_NAMES) {
    let dir = path.resolve(from);
    while (true) {
      const candidate = path.join(dir, name);
      if (isFile(candidate)) return candidate;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return undefined;
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

export interface LoadConfigOptions {
  cwd?: string;
  /** `-c/--config`, relative to cwd. */
  configPath?: string;
  /** `-e/--env`. */
  env?: string;
  /** Print warnings (unknown fields, non-inherited keys). */
  onWarning?: (message: string) => void;
  /**
   * Follow `.wrangler/deploy/config.json` to a tool-built config (Cloudflare's Vite plugin
   * writes one), as wrangler does for dev, deploy, versions upload and build only.
   */
  redirect?: boolean;
  /** Where the redirect line goes (wrangler prints it at info level). */
  onInfo?: (message: string) => void;
  /**
   * The command's words, for a command that changes a deployed Worker (deploy, secret put, ...):
   * with environments in the file and none targeted, warns through `onWarning` after the
   * config's own warnings, as wrangler's warnIfMultipleEnvsConfiguredButNoneSpecified.
   */
  warnUntargetedFor?: string;
}

export interface LoadedConfig {
  /** Absolute path of the config file, if one was found. */
  path?: string;
  /** The directory paths in the config are relative to (the config's, else cwd). */
  dir: string;
  env?: string;
  /** The whole parsed file, before environment resolution. */
  raw: Record<string, unknown>;
  config: WorkerConfig;
  /** The user's own config when `path` is a redirected (built) one; the store lives beside it. */
  userPath?: string;
  /** Directory of the user's config (else cwd): where `.bunflare/` lives, redirected or not. */
  userDir: string;
}

export const PATH_TO_DEPLOY_CONFIG = ".wrangler/deploy/config.json";

/** Like findConfigFile for one relative path, walking up from `from`. */
function findUp(from: string, name: string): string | undefined {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (isFile(path.join(dir, name))) return path.join(dir, name);
    if (path.dirname(dir) === dir) return undefined;
  }
}

/** Wrangler's redirect: the config a `.wrangler/deploy/config.json` points at (`configPath` relative to it). */
function findRedirectedConfig(cwd: string, userConfig: string | undefined): { file: string; deployConfig: string } | undefined {
  const deployConfig = findUp(cwd, PATH_TO_DEPLOY_CONFIG);
  if (!deployConfig) return undefined;
  const shown = (file: string) => path.relative(cwd, file);
  const text = readFileSync(deployConfig, "utf8");
  let target: unknown;
  try {
    const errors: ParseError[] = [];
    // Required here, not at the top: only a redirect needs it, and its UMD loader costs ~5 ms at start-up.
    const { parse: parseJsonc } = require("jsonc-parser") as typeof import("jsonc-parser");
    const parsed = parseJsonc(text, errors, { allowTrailingComma: true }) as { configPath?: unknown } | undefined;
    if (errors.length || typeof parsed !== "object" || parsed === null) throw new Error("invalid JSON");
    target = parsed.configPath;
  } catch {
    throw new UserError(`Failed to parse the deploy configuration file at ${shown(deployConfig)}`);
  }
  if (typeof target !== "string" || !target) {
    throw new UserError(layoutNotes(
      `A deploy configuration file was found at "${shown(deployConfig)}".\n` +
        `But this is not valid - the required "configPath" property was not found.\n` +
        `Instead this file contains:\n\`\`\`\n${text}\n\`\`\``,
    ));
  }
  const file = path.resolve(path.dirname(deployConfig), target);
  if (!existsSync(file)) {
    throw new UserError(layoutNotes(
      `There is a deploy configuration at "${shown(deployConfig)}".\n` +
        `But the redirected configuration path it points to, "${shown(file)}", does not exist.`,
    ));
  }
  if (userConfig && path.join(path.dirname(userConfig), PATH_TO_DEPLOY_CONFIG) !== deployConfig) {
    throw new UserError(layoutNotes(
      `Found both a user configuration file at "${shown(userConfig)}"\n` +
        `and a deploy configuration file at "${shown(deployConfig)}".\n` +
        "But these do not share the same base path so it is not clear which should be used.",
    ));
  }
  return { file, deployConfig };
}

export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const userFile = options.configPath ? path.resolve(cwd, options.configPath) : findConfigFile(cwd);
  const redirect = options.redirect && !options.configPath ? findRedirectedConfig(cwd, userFile) : undefined;
  const file = redirect?.file ?? userFile;
  if (redirect) {
    (options.onInfo ?? console.log)(
      "Using redirected Wrangler configuration.\n" +
        ` - Configuration being used: "${path.relative(cwd, redirect.file)}"\n` +
        ` - Original user's configuration: "${userFile ? path.relative(cwd, userFile) : "<no user config found>"}"\n` +
        ` - Deploy configuration file: "${path.relative(cwd, redirect.deployConfig)}"`,
    );
  }
  // A missing -c file is reported by the read, with wrangler's "Could not read file" wording.
  // Like wrangler, a file whose name ends in none of toml/json/jsonc is not read at all.
  const raw = file && configFormat(file) !== "none" ? parseConfigFile(file, options.configPath ?? file) : {};
  const displayName = file ? path.relative(cwd, file) || path.basename(file) : "config";
  const diagnostics = new Diagnostics(`Processing ${displayName} configuration:`);
  // Wrangler's environment: --env, else CLOUDFLARE_ENV; an empty one is the top level
  // (so `--env "$ENV"` with ENV unset works). Only the config's resolution reads
  // CLOUDFLARE_ENV: .dev.vars.<env> and .env.<env> follow --env alone, as in wrangler.
  const fromVariable = options.env === undefined && !!process.env.CLOUDFLARE_ENV;
  let env = (options.env ?? process.env.CLOUDFLARE_ENV) || undefined;
  if (redirect) {
    // A built config is already one environment's: wrangler refuses env sections in it
    // and an --env other than the one it was built for.
    const defined = raw.env && typeof raw.env === "object" ? Object.keys(raw.env) : [];
    if (defined.length) {
      diagnostics.errors.push(
        `Redirected configurations cannot include environments but the following have been found:\n${defined.map((name) => `\t- ${name}`).join("\n")}\n\n\n` +
          "Such configurations are generated by tools, meaning that one of the tools\n" +
          "your application is using is generating the incorrect configuration.\n" +
          "Report this issue to the tool's author so that this can be fixed there.",
      );
    }
    if (env !== undefined && typeof raw.targetEnvironment === "string" && raw.targetEnvironment !== env) {
      throw new UserError(
        `You have specified the environment "${env}" ${fromVariable ? "via the CLOUDFLARE_ENV environment variable" : "via the \`--env/-e\` CLI argument"}.\n` +
          `This does not match the target environment "${raw.targetEnvironment}" that was used when building the application.\n` +
          `Perhaps you need to re-run the custom build of the project with "${env}" as the selected environment?`,
      );
    }
    env = undefined;
  }
  const config = resolveEnvironment(raw, env, diagnostics, configFileName(file), file ? path.dirname(file) : cwd);
  if (diagnostics.hasWarnings() && options.onWarning) options.onWarning(layoutNotes(diagnostics.render("warnings")));
  if (diagnostics.hasErrors()) throw new UserError(layoutNotes(diagnostics.render("errors")));
  // Wrangler asks whether --env was given at all: `--env ""` targets the top level; CLOUDFLARE_ENV alone still warns.
  if (options.warnUntargetedFor && options.env === undefined && file && raw.env && typeof raw.env === "object" && Object.keys(raw.env).length) {
    options.onWarning?.(
      layoutNotes(
        `Multiple environments are defined in the Wrangler configuration file, but no target environment was specified for the ${options.warnUntargetedFor} command.\n` +
          "To avoid unintentional changes to the wrong environment, it is recommended to explicitly specify the target environment using the `-e|--env` flag.\n" +
          'If your intention is to use the top-level environment of your configuration simply pass an empty string to the flag to target such environment. For example `--env=""`.',
      ),
    );
  }
  const userDir = userFile ? path.dirname(userFile) : redirect ? cwd : file ? path.dirname(file) : cwd;
  return { path: file, dir: file ? path.dirname(file) : cwd, env: options.env, raw, config, userPath: redirect ? userFile : undefined, userDir };
}

/** Wrangler decides a config's format by how its name ends (not even by extension). */
export function configFormat(file?: string): "toml" | "jsonc" | "json" | "none" {
  if (file?.endsWith("toml")) return "toml";
  if (file?.endsWith("jsonc")) return "jsonc";
  if (file?.endsWith("json")) return "json";
  return "none";
}

/** How wrangler's messages name a config file: by format, not by its actual name. */
export function configFileName(file?: string): string {
  const format = configFormat(file);
  return format === "none" ? "Wrangler configuration" : `wrangler.${format}`;
}

/** A config snippet in the config's own format, for error messages that suggest one. */
function configSnippet(values: Record<string, unknown>, configPath?: string): string {
  if (configFormat(configPath) !== "toml") return JSON.stringify(values, null, 2);
  const toml = stringifyToml(values);
  return toml.endsWith("\n") ? toml : `${toml}\n`;
}

/**
 * The script to run: the positional `[script]` if given, else `main` (relative to the config).
 * `command` is the wrangler command named in the error messages ("dev", "deploy", ...).
 */
/** wrangler's message when `main` is still missing after build.command ran; undefined when it is there. */
export function builtMainMissing(loaded: LoadedConfig, main: string): string | undefined {
  return entryPointProblem(main, path.relative(loaded.dir, main) || ".", loaded);
}

const SOURCE_EXTENSIONS = [".ts", ".tsx", ".js", ".jsx"];

/** Wrangler's test for an entry point: a path without an extension may leave off .ts/.tsx/.js/.jsx. */
function entryExists(file: string): boolean {
  return path.extname(file) ? existsSync(file) : SOURCE_EXTENSIONS.some((extension) => existsSync(file + extension));
}

/**
 * Why `main` (shown as the user wrote it) cannot be bundled, in wrangler's words, or undefined.
 * `built` is given after a custom build ran, whose output it should have been.
 */
function entryPointProblem(main: string, shown: string, built?: LoadedConfig): string | undefined {
  if (entryExists(main)) return undefined;
  if (existsSync(main) && statSync(main).isDirectory()) {
    // The files wrangler suggests, in its order: the worker first, then an index.
    const candidates = ["worker", "dist/worker", "index", "dist/index"]
      .flatMap((base) => SOURCE_EXTENSIONS.map((extension) => base + extension))
      .filter((file) => entryExists(path.resolve(main, file)))
      .map((file) => path.join(shown, file));
    return layoutNotes(
      `The provided entry-point path, "${shown}", points to a directory, rather than a file.\n` +
        (candidates.length > 0
          ? `\nDid you mean to set the main field to${candidates.length > 1 ? " one of" : ""}:\n\`\`\`\n${candidates.map((file) => `main = "./${file}"\n`).join("")}\`\`\``
          : `\n If you want to deploy a directory of static assets, you can do so by using the \`--assets\` flag. For example:\n\nwrangler deploy --assets=./${shown}\n`),
    );
  }
  if (built) {
    return layoutNotes(
      `The expected output file at "${shown}" was not found after running custom build: ${built.config.build?.command}.\n` +
        `The \`main\` property in your ${configFileName(built.path)} file should point to the file generated by the custom build.`,
    );
  }
  return layoutNotes(
    `The entry-point file at "${shown}" was not found.\n\n` +
      "This might mean that your entry-point file needs to be generated (which is the general case when a framework is being used).\n" +
      "If that's the case please run your project's build command and try again.",
  );
}

export function resolveMain(loaded: LoadedConfig, script?: string, cwd = process.cwd(), command = "dev"): string {
  if (!script && !loaded.config.main) {
    const today = new Date().toISOString().slice(0, 10);
    const suggest = (snippet: Record<string, unknown>) =>
      (loaded.path ? `add the following to your "${configFileName(loaded.path)}" file:` : `create a "wrangler.jsonc" file containing:`) +
      "\n\n```\n" +
      configSnippet(
        {
          ...(loaded.config.name ? {} : { name: "worker-name" }),
          ...(loaded.config.compatibility_date ? {} : { compatibility_date: today }),
          ...snippet,
        },
        loaded.path,
      ) +
      "\n```\n";
    throw new UserError(
      layoutNotes(
      "Missing entry-point to Worker script or to assets directory\n\n" +
        "If there is code to deploy, you can either:\n" +
        `- Specify an entry-point to your Worker script via the command line (ex: \`npx wrangler ${command} src/index.ts\`)\n` +
        `- Or ${suggest({ main: "src/index.ts" })}\n\n` +
        "If are uploading a directory of assets, you can either:\n" +
        `- Specify the path to the directory of assets via the command line: (ex: \`npx wrangler ${command} --assets=./dist\`)\n` +
        `- Or ${suggest({ assets: { directory: "./dist" } })}`,
      ),
    );
  }
  // A script on the command line is shown as given from the working directory, main from the config's.
  const main = script ? path.resolve(cwd, script) : path.resolve(loaded.dir, loaded.config.main!);
  const shown = path.relative(script ? cwd : loaded.dir, main) || ".";
  // A custom build may generate it: checked after the build runs (builtMainMissing).
  const problem = loaded.config.build?.command ? undefined : entryPointProblem(main, shown);
  if (problem) throw new UserError(problem);
  return main;
}
