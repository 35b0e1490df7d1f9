// Wrangler's module rules: which imports become Text, Data or CompiledWasm
// modules instead of being bundled as code.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { ModuleRule } from "../config/types.ts";
import { layoutNotes } from "../log.ts";

/** Wrangler's default rules: after the user's, for the modules that are not code. */
export const DEFAULT_ASSET_RULES: ModuleRule[] = [
  { type: "Text", globs: ["**/*.txt", "**/*.html", "**/*.sql"] },
  { type: "Data", globs: ["**/*.bin"] },
  { type: "CompiledWasm", globs: ["**/*.wasm", "**/*.wasm?module"] },
];

/**
 * Wrangler's warnings for the rules its list drops: after a rule of a type without
 * `fallthrough = true`, later rules of that type, the user's or the defaults, are ignored;
 * `fallthrough = false` on that rule says it is meant, and silences the warning. Laid out
 * as wrangler's logger shows them (the lines after the first as notes).
 */
export function ignoredRulesWarnings(userRules: ModuleRule[] = []): string[] {
  const rules = [...userRules, ...DEFAULT_ASSET_RULES];
  const last = new Map<string, number>();
  const ignored = new Map<string, number[]>();
  rules.forEach((rule, index) => {
    const at = last.get(rule.type);
    if (at === undefined) {
      if (rule.fallthrough !== true) last.set(rule.type, index);
    } else if (rules[at]!.fallthrough !== false) ignored.set(rule.type, [...(ignored.get(rule.type) ?? []), index]);
  });
  const isDefault = (index: number) => index >= userRules.length;
  return [...last]
    .filter(([type]) => ignored.has(type))
    .map(([type, at]) =>
      layoutNotes(
        `The ${isDefault(at) ? "default " : ""}module rule ${JSON.stringify(rules[at])} does not have a fallback, the following rules will be ignored:` +
        ignored.get(type)!.map((index) => `\n ${JSON.stringify(rules[index])}${isDefault(index) ? " (DEFAULT)" : ""}`).join("") +
          "\n\nAdd `fallthrough = true` to rule to allow next rule to be used or `fallthrough = false` to silence this warning",
      ),
    );
}

/**
 * Wrangler's list of rules: the user's, then the defaults; after a rule without
 * `fallthrough = true`, every later rule of its type, the user's or a default, is removed.
 */
export function parseRules(userRules: ModuleRule[] = []): { rules: ModuleRule[]; removed: ModuleRule[] } {
  const rules: ModuleRule[] = [];
  const removed: ModuleRule[] = [];
  const completed = new Set<string>();
  for (const rule of [...userRules, ...DEFAULT_ASSET_RULES]) {
    if (completed.has(rule.type)) removed.push(rule);
    else {
      rules.push(rule);
      if (rule.fallthrough !== true) completed.add(rule.type);
    }
  }
  return { rules, removed };
}

/** The rules that apply, in order. */
export function effectiveRules(userRules: ModuleRule[] = []): ModuleRule[] {
  return parseRules(userRules).rules;
}

// How wrangler tests a path against a removed rule's glob (glob-to-regexp without its
// globstar option): `*` spans any characters, slashes too, the rest stands for itself.
// So "**/*.txt" matches only a path with a slash in it: "sub/a.txt" or "./a.txt", not "a.txt".
export function removedRuleRegExp(glob: string): RegExp {
  let source = "";
  for (const char of glob) source += char === "*" ? ".*" : /[\\^$.+?()[\]{}|/=!,]/.test(char) ? `\\${char}` : char;
  return new RegExp(`^${source}$`);
}

/** Wrangler's error for a file a removed rule matches (rather than leave it out unsaid). */
export function removedRuleError(file: string, rule: ModuleRule): string {
  return `The file ${file} matched a module rule in your configuration (${JSON.stringify(rule)}), but was ignored because a previous rule with the same type was not marked as \`fallthrough = true\`.`;
}

export type AssetModuleType = "Text" | "Data" | "CompiledWasm";

export interface CompiledRule {
  type: AssetModuleType;
  matches(specifier: string): boolean;
}

/** The rules that turn files into non-code modules, compiled to matchers. */
export function assetRules(rules: ModuleRule[]): CompiledRule[] {
  return rules
    .filter((rule): rule is ModuleRule & { type: AssetModuleType } =>
      rule.type === "Text" || rule.type === "Data" || rule.type === "CompiledWasm",
    )
    .map((rule) => {
      const globs = rule.globs.map((glob) => new Bun.Glob(glob));
      return {
        type: rule.type,
        // Globs like **/*.txt should match "./a.txt", "a.txt" and "../x/a.txt" alike.
        matches: (specifier) => {
          const plain = specifier.replace(/^(\.\.?\/)+/, "");
          return globs.some((glob) => glob.match(plain) || glob.match(`x/${plain}`));
        },
      };
    });
}

/**
 * An esbuild filter that every specifier some asset rule matches passes (more may
 * pass: the rules decide), so other imports skip the round trip to the plugin.
 * Only globs naming an extension under any directory ("**" + "/*.txt") narrow it;
 * any other glob keeps every import.
 */
export function assetRulesFilter(rules: ModuleRule[]): RegExp {
  const endings: string[] = [];
  for (const rule of rules) {
    if (rule.type !== "Text" && rule.type !== "Data" && rule.type !== "CompiledWasm") continue;
    for (const glob of rule.globs) {
      const ending = /^\*\*\/\*\.([A-Za-z0-9_?-]+)$/.exec(glob)?.[1];
      if (!ending) return /.*/;
      // A glob's `?` stands for any one character.
      endings.push(ending.replaceAll("?", "."));
    }
  }
  return endings.length ? new RegExp(`\\.(?:${endings.join("|")})$`) : /^$/;
}

/** JS source of a module whose default export is the file's content, as the Workers runtime gives it. */
export function assetModuleSource(type: AssetModuleType, bytes: Uint8Array): string {
  if (type === "Text") return `export default ${JSON.stringify(new TextDecoder().decode(bytes))};`;
  const base64 = Buffer.from(bytes).toString("base64");
  const decode = `Uint8Array.from(atob(${JSON.stringify(base64)}), (c) => c.charCodeAt(0))`;
  if (type === "Data") return `export default ${decode}.buffer;`;
  return `export default new WebAssembly.Module(${decode});`;
}

/**
 * The regular expression (unanchored source) wrangler matches a module file's path,
 * relative to the module root, against for one of a rule's globs: `**` as a whole path
 * segment spans any directories, `*` stays within one, and every other character,
 * `?`, brackets and braces included, stands for itself.
 */
export function moduleGlobSource(glob: string): string {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const char = glob[i]!;
    if (char !== "*") {
      source += /[\\^$.+?()[\]{}|/]/.test(char) ? `\\${char}` : char;
      continue;
    }
    const start = i;
    while (glob[i + 1] === "*") i++;
    const segment = i > start && (start === 0 || glob[start - 1] === "/") && (i + 1 === glob.length || glob[i + 1] === "/");
    if (!segment) source += "[^/]*";
    else {
      source += "(?:[^/]*(?:/|$))*";
      i++; // the slash after it is part of what it matches
    }
  }
  return source;
}

/** The rules each unbundled worker's module root was last loaded with, as matchers of module names. */
const rulesByRoot = new Map<string, ModuleNameRule[]>();
const rootFilters = new Set<string>();

interface ModuleNameRule {
  type: AssetModuleType;
  pattern: RegExp;
}

/** Bun's namespace for rule modules: each keyed by the name it was imported by, not its target's path. */
export const RULE_MODULES = "bunflare-rule-module";

/** The deepest unbundled worker's module root holding `file`. */
function rootOf(file: string): string | undefined {
  let best: string | undefined;
  for (const root of rulesByRoot.keys()) if (file.startsWith(root + path.sep) && (!best || root.length > best.length)) best = root;
  return best;
}

/** The latest rule of the deepest module root holding `file` (a file resolved into RULE_MODULES). */
function ruleFor(file: string): ModuleNameRule | undefined {
  const root = rootOf(file);
  if (root === undefined) return undefined;
  const name = path.relative(root, file).split(path.sep).join("/");
  return rulesByRoot.get(root)!.find((rule) => rule.pattern.test(name));
}

/**
 * workerd names an unbundled worker's modules by their paths under the module root and
 * resolves every specifier against the importer's directory, a bare one too:
 * `import "lib/util.js"` is the module beside it, where Bun would look for a package `lib`.
 * A bare specifier naming a file under the importer's module root is taken so; any other is
 * left to Bun (a package in node_modules, which workerd would not find, still loads).
 */
function resolveBareSpecifiersUnderModuleRoots(): void {
  Bun.plugin({
    name: "bunflare-module-root-bare-specifiers",
    setup(build) {
      // Not relative, not absolute, no scheme (node:, cloudflare:).
      build.onResolve({ filter: /^[^./][^:]*$/ }, (args) => {
        const root = rootOf(args.importer);
        if (root === undefined) return undefined;
        const file = path.resolve(path.dirname(args.importer), args.path);
        if (!file.startsWith(root + path.sep) || !statSync(file, { throwIfNoEntry: false })?.isFile()) return undefined;
        // A rule module (Text, Data, CompiledWasm) loads in its namespace, code as a plain file.
        return ruleFor(file) ? { path: file, namespace: RULE_MODULES } : { path: file };
      });
    },
  });
}

/**
 * Makes Bun load the Text, Data and CompiledWasm modules under an unbundled worker's
 * module root as the Workers runtime gives them (Bun's own loaders give a .bin or .sql
 * file's path, an HTML bundle for .html, and no WebAssembly.Module). Each import is
 * typed by the name it imports, as wrangler matches the rules' globs: Bun loads a
 * symlink by its target's path, so the match is made when the import resolves and the
 * module loaded in a namespace of its own (`data.txt -> blob.bin` is Text). The latest
 * rules for a root pick each file's type; an import none of them names is left to Bun.
 */
export function loadRuleModulesUnder(root: string, userRules: ModuleRule[] | undefined): void {
  const rules: ModuleNameRule[] = effectiveRules(userRules)
    .filter((rule): rule is ModuleRule & { type: AssetModuleType } => rule.type === "Text" || rule.type === "Data" || rule.type === "CompiledWasm")
    .map((rule) => ({ type: rule.type, pattern: new RegExp(`^(?:${rule.globs.map(moduleGlobSource).join("|")})$`) }));
  if (rulesByRoot.size === 0) resolveBareSpecifiersUnderModuleRoots();
  rulesByRoot.set(root, rules);
  if (!rules.length) return;
  // Specifiers that end as one of the globs: Bun asks the plugin about those only.
  const filter = `(?:${rules.map((rule) => rule.pattern.source.slice(1, -1)).join("|")})$`;
  if (rootFilters.has(filter)) return;
  const first = rootFilters.size === 0;
  rootFilters.add(filter);
  Bun.plugin({
    name: `bunflare-module-rules:${filter}`,
    setup(build) {
      build.onResolve({ filter: new RegExp(filter) }, (args) => {
        const file = path.resolve(path.dirname(args.importer), args.path);
        return ruleFor(file) ? { path: file, namespace: RULE_MODULES } : undefined;
      });
      if (first) {
        build.onLoad({ filter: /./, namespace: RULE_MODULES }, (args) => ({
          contents: assetModuleSource(ruleFor(args.path)!.type, readFileSync(args.path.split("?")[0]!)),
          loader: "js",
        }));
      }
    },
  });
}
