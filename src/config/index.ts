// Find, parse, validate and resolve a wrangler config for one environment.
import { existsSync, statSync } from "node:fs";
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
}

export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const file = options.configPath ? path.resolve(cwd, options.configPath) : findConfigFile(cwd);
  // A missing -c file is reported by the read, with wrangler's "Could not read file" wording.
  // Like wrangler, a file whose name ends in none of toml/json/jsonc is not read at all.
  const raw = file && configFormat(file) !== "none" ? parseConfigFile(file, options.configPath ?? file) : {};
  const displayName = file ? path.relative(cwd, file) || path.basename(file) : "config";
  const diagnostics = new Diagnostics(`Processing ${displayName} configuration:`);
  const config = resolveEnvironment(raw, options.env, diagnostics, configFileName(file));
  if (diagnostics.hasWarnings() && options.onWarning) options.onWarning(layoutNotes(diagnostics.render("warnings")));
  if (diagnostics.hasErrors()) throw new UserError(layoutNotes(diagnostics.render("errors")));
  return { path: file, dir: file ? path.dirname(file) : cwd, env: options.env, raw, config };
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
export function resolveMain(loaded: LoadedConfig, script?: string, cwd = process.cwd(), command = "dev"): string {
  if (script) return path.resolve(cwd, script);
  if (!loaded.config.main) {
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
  const main = path.resolve(loaded.dir, loaded.config.main);
  if (!existsSync(main)) {
    throw new UserError(
      layoutNotes(
        `The entry-point file at "${path.relative(loaded.dir, main)}" was not found.\n\n` +
          "This might mean that your entry-point file needs to be generated (which is the general case when a framework is being used).\n" +
          "If that's the case please run your project's build command and try again.",
      ),
    );
  }
  return main;
}
