// The vars a worker sees in dev, with wrangler's precedence:
// config `vars` < secrets from `.dev.vars[.<env>]` (or, when there is none,
// the `.env` files / --env-file, with ${VAR} expansion) < `--var KEY:VALUE`.
// Secrets files are looked up beside the config (--env-file paths too, as wrangler does).
import { readFileSync } from "node:fs";
import path from "node:path";
import { UserError } from "../errors.ts";
import { describeReadError } from "./parse.ts";
import type { LoadedConfig } from "./index.ts";

export interface DevVarsOptions {
  /** `--env-file` paths (relative to the config's directory); when given, .dev.vars is not read. */
  envFiles?: string[];
  /** `--var KEY:VALUE` entries. */
  cliVars?: string[];
  cwd?: string;
}

export interface DevVars {
  vars: Record<string, unknown>;
  /**
   * Where secrets came from, relative to cwd (or "process.env"), in order, for
   * wrangler's "Using secrets defined in ..." lines.
   */
  sources: string[];
  /** Warnings to print, e.g. secrets the config requires that no file defines. */
  warnings: string[];
}

/** Wrangler's boolean environment switches: unset means the default, else "true"/"false". */
function envSwitch(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  if (raw.toLowerCase() === "true") return true;
  if (raw.toLowerCase() === "false") return false;
  throw new UserError(`Expected ${name} to be "true" or "false", but got ${JSON.stringify(raw)}`);
}

// Loaded only when there is a file to parse: dotenv pulls in node:os, ~9 ms of start-up.
function parseDotenv(text: string): Record<string, string> {
  return (require("dotenv") as typeof import("dotenv")).parse(text);
}

/** A dotenv file's text, undefined when it does not exist. */
function readOptional(file: string, cwd: string, what: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    const shown = path.relative(cwd, file) || file;
    // Wrangler's headline, plus the reason it leaves out.
    throw new UserError(`Failed to load ${what} "${shown}": ${describeReadError(error, file)}`);
  }
}

export function loadDevVars(loaded: LoadedConfig, options: DevVarsOptions = {}): DevVars {
  const cwd = options.cwd ?? process.cwd();
  const vars: Record<string, unknown> = { ...loaded.config.vars };
  const sources: string[] = [];
  const warnings: string[] = [];
  let secrets: Record<string, string> | undefined;

  if (!options.envFiles?.length) {
    // .dev.vars.<env> replaces .dev.vars entirely; they are not merged.
    const names = loaded.env ? [`.dev.vars.${loaded.env}`, ".dev.vars"] : [".dev.vars"];
    for (const name of names) {
      const file = path.join(loaded.dir, name);
      const text = readOptional(file, cwd, "local dev variables file");
      if (text === undefined) continue;
      secrets = parseDotenv(text);
      sources.push(path.relative(cwd, file));
      break;
    }
  }

  if (secrets === undefined && envSwitch("CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV", true)) {
    const names = options.envFiles?.length
      ? options.envFiles
      : [".env", ".env.local", ...(loaded.env ? [`.env.${loaded.env}`, `.env.${loaded.env}.local`] : [])];
    const parsed: Record<string, string> = {};
    for (const name of names) {
      const file = path.resolve(loaded.dir, name);
      const text = readOptional(file, cwd, ".env file");
      if (text === undefined) {
        if (options.envFiles?.length) throw new UserError(`The --env-file "${name}" was not found at "${file}".`);
        continue;
      }
      Object.assign(parsed, parseDotenv(text));
      sources.push(path.relative(cwd, file));
    }
    // A config that declares `secrets` always sees the shell's environment, as in wrangler.
    const includeProcessEnv = loaded.config.secrets !== undefined || envSwitch("CLOUDFLARE_INCLUDE_PROCESS_ENV", false);
    const expanded: Record<string, string> = includeProcessEnv ? ({ ...process.env } as Record<string, string>) : {};
    if (includeProcessEnv) sources.push("process.env");
    (require("dotenv-expand") as typeof import("dotenv-expand")).expand({ processEnv: expanded, parsed });
    secrets = expanded;
  }

  const declared = loaded.config.secrets as { required?: string[] } | undefined;
  if (declared !== undefined) {
    // Only the secrets the config names are bound, so a stray shell variable never leaks in.
    const required = declared.required ?? [];
    for (const key of required) if (secrets && key in secrets) vars[key] = secrets[key];
    const missing = required.filter((key) => !secrets || !(key in secrets));
    if (missing.length) {
      warnings.push(`Missing required secrets: ${missing.join(", ")}. Add them to .dev.vars, .env, or set as environment variables.`);
    }
  } else if (secrets) {
    Object.assign(vars, secrets);
  }

  Object.assign(vars, keyValues(options.cliVars, "var"));
  return { vars, sources, warnings };
}

/**
 * `--var KEY:VALUE` style flags, split at the first colon as wrangler splits them:
 * `--var FLAG` is FLAG set to "". A flag whose value means nothing when empty
 * (`--define`, `--alias`) must have one; no flag may have an empty key.
 */
export function keyValues(entries: string[] | undefined, flag: string, needsValue = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of entries ?? []) {
    const colon = entry.indexOf(":");
    const key = colon === -1 ? entry : entry.slice(0, colon);
    const value = colon === -1 ? "" : entry.slice(colon + 1);
    if (key === "" || (needsValue && colon === -1)) throw new UserError(`Invalid --${flag} "${entry}": expected KEY:VALUE.`);
    out[key] = value;
  }
  return out;
}
