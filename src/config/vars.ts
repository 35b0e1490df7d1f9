// The vars a worker sees in dev, with wrangler's precedence:
// config `vars` < secrets from `.dev.vars[.<env>]` (or, when there is none,
// the `.env` files / --env-file) < `--var KEY:VALUE` on the command line.
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import dotenv from "dotenv";
import { UserError } from "../errors.ts";
import { describeReadError } from "./parse.ts";
import type { LoadedConfig } from "./index.ts";

export interface DevVarsOptions {
  /** `--env-file` paths (relative to cwd); when given, .dev.vars is not read. */
  envFiles?: string[];
  /** `--var KEY:VALUE` entries. */
  cliVars?: string[];
  cwd?: string;
}

export interface DevVars {
  vars: Record<string, unknown>;
  /** The secrets file(s) read, relative to cwd, for "Using secrets defined in ..." lines. */
  sources: string[];
}

function readDotenv(file: string, cwd: string): Record<string, string> | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return dotenv.parse(readFileSync(file));
  } catch (error) {
    // Wrangler's headline, plus the reason it leaves out.
    const shown = path.relative(cwd, file) || file;
    throw new UserError(`Failed to load local dev variables file "${shown}": ${describeReadError(error, file)}`);
  }
}

export function loadDevVars(loaded: LoadedConfig, options: DevVarsOptions = {}): DevVars {
  const cwd = options.cwd ?? process.cwd();
  const vars: Record<string, unknown> = { ...loaded.config.vars };
  const sources: string[] = [];
  let secrets: Record<string, string> | undefined;

  if (!options.envFiles?.length) {
    const candidates = loaded.env ? [`.dev.vars.${loaded.env}`, ".dev.vars"] : [".dev.vars"];
    for (const name of candidates) {
      const file = path.join(loaded.dir, name);
      secrets = readDotenv(file, cwd);
      if (secrets) {
        sources.push(path.relative(cwd, file));
        break;
      }
    }
  }
  if (!secrets) {
    const names = options.envFiles?.length
      ? options.envFiles.map((file) => path.resolve(cwd, file))
      : [".env", ".env.local", ...(loaded.env ? [`.env.${loaded.env}`, `.env.${loaded.env}.local`] : [])].map((file) =>
          path.join(loaded.dir, file),
        );
    for (const file of names) {
      const parsed = readDotenv(file, cwd);
      if (!parsed) continue;
      secrets = { ...(secrets ?? {}), ...parsed };
      sources.push(path.relative(cwd, file));
    }
  }
  Object.assign(vars, secrets);

  for (const entry of options.cliVars ?? []) {
    const colon = entry.indexOf(":");
    if (colon <= 0) throw new UserError(`Invalid --var "${entry}": expected KEY:VALUE.`);
    vars[entry.slice(0, colon)] = entry.slice(colon + 1);
  }
  return { vars, sources };
}
