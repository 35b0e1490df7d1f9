// Wrangler's additional modules: with `no_bundle` or `find_additional_modules`, the files
// under the module root that the module rules match (the entry aside) go up as modules of
// their own, and wrangler lists them in one table ("Attaching additional modules:") in dev
// and deploy alike. As in wrangler, only the user's own ESModule / CommonJS rules pick code
// files; the default rules add text, data and wasm.
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { LoadedConfig } from "../config/index.ts";
import type { ModuleRule } from "../config/types.ts";
import { renderTable } from "../commands/shared/format.ts";
import { blue, green } from "../colors.ts";
import { moduleGlobSource, parseRules, removedRuleError, removedRuleRegExp } from "./rules.ts";
import { missingFileError, UserError } from "../errors.ts";

export interface AdditionalModule {
  /** Path relative to the module root, with forward slashes (the module's name). */
  name: string;
  file: string;
  /** Wrangler's module type names, as its table shows them. */
  type: string;
  size: number;
}

const TYPE_NAMES: Record<ModuleRule["type"], string> = {
  ESModule: "esm",
  CommonJS: "commonjs",
  Text: "text",
  Data: "buffer",
  CompiledWasm: "compiled-wasm",
  PythonModule: "python",
  PythonRequirement: "python-requirement",
};

function compile(rules: ModuleRule[], regExp: (glob: string) => RegExp): { rule: ModuleRule; globs: RegExp[] }[] {
  return rules.map((rule) => ({ rule, globs: rule.globs.map(regExp) }));
}

/** Where wrangler looks for additional modules: the module root, less wrangler's own files in it. */
export interface ModuleSearch {
  /** `base_dir`, else the entry's directory. */
  root: string;
  /** The config file in use, never a module (a user's rule for .toml or .json files would match it). */
  configFile?: string;
  /** `.wrangler` beside the user's config: wrangler's state, never searched. */
  stateDir: string;
}

export function moduleSearchOf(loaded: LoadedConfig, main: string): ModuleSearch {
  const baseDir = loaded.config.base_dir;
  return {
    root: baseDir ? path.resolve(loaded.dir, baseDir) : path.dirname(main),
    configFile: loaded.path,
    stateDir: path.join(loaded.userDir, ".wrangler"),
  };
}

/**
 * The files of a module search, in wrangler's order: each directory's entries sorted by
 * name, depth first. As wrangler, every directory is entered, node_modules and dot-directories
 * too (only the state directory is not), and a symlink is taken as a file, never entered.
 */
export function moduleSearchFiles(search: ModuleSearch, dir = search.root): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (full !== search.stateDir) out.push(...moduleSearchFiles(search, full));
    } else if (full !== search.configFile) out.push(full);
  }
  return out;
}

export interface FoundModules {
  modules: AdditionalModule[];
  /** Wrangler's "Ignoring duplicate module" warnings: one for each further rule glob a file matches, the entry's too. */
  warnings: string[];
}

/** A matched module's size, read where wrangler reads the file (a symlink may lead nowhere, or to a directory). */
function moduleSize(file: string, name: string): number {
  let stats;
  try {
    stats = statSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw missingFileError(file);
    throw error;
  }
  // Wrangler fails to read it with a bare "EISDIR: illegal operation on a directory, read".
  if (stats.isDirectory()) throw new UserError(`The module ${name} is a directory (a symbolic link to one): a module rule matched its name, but only a file can be a module.`);
  return stats.size;
}

/** Throws wrangler's error for a file under the module root that a removed rule matches. */
export function findAdditionalModules(search: ModuleSearch, entry: string, userRules: ModuleRule[] | undefined): FoundModules {
  const parsed = parseRules(userRules);
  const rules = compile(parsed.rules, (glob) => new RegExp(`^(?:${moduleGlobSource(glob)})$`));
  const removed = compile(parsed.removed, removedRuleRegExp);
  const found: FoundModules = { modules: [], warnings: [] };
  for (const file of moduleSearchFiles(search)) {
    const name = path.relative(search.root, file).split(path.sep).join("/");
    let type: string | undefined;
    let size = 0;
    // As wrangler, which tries every glob of every rule: the first match wins, each later one is a warning.
    for (const { rule, globs } of rules) {
      for (const glob of globs) {
        if (!glob.test(name)) continue;
        if (type === undefined) {
          type = TYPE_NAMES[rule.type];
          size = moduleSize(file, name);
        } else found.warnings.push(`Ignoring duplicate module: ${blue(name)} (${green(TYPE_NAMES[rule.type])})`);
      }
    }
    const hidden = removed.find(({ globs }) => globs.some((glob) => glob.test(name)));
    if (hidden) throw new UserError(removedRuleError(name, hidden.rule));
    if (type !== undefined && path.resolve(file) !== path.resolve(entry)) {
      found.modules.push({ name, file, type, size });
    }
  }
  return found;
}

/** "Attaching additional modules:" and wrangler's table, or nothing when there are none. */
export function additionalModulesTable(modules: AdditionalModule[]): string | undefined {
  if (!modules.length) return undefined;
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(2)} KiB`;
  const total = modules.reduce((sum, module) => sum + module.size, 0);
  const rows: Record<string, string>[] = modules.map((module) => ({ Name: module.name, Type: module.type, Size: kib(module.size) }));
  rows.push({ Name: `Total (${modules.length} module${modules.length > 1 ? "s" : ""})`, Type: "", Size: kib(total) });
  return `Attaching additional modules:\n${renderTable(rows)}`;
}
