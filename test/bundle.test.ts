// The esbuild bundle of a user's worker: module rules, define/alias, node:*
// gating, and source maps that lead back to the user's lines.
import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createBundler, stopBundler, type BundleOptions, type BuildOutcome } from "../src/bundle/index.ts";
import { effectiveRules, ignoredRulesWarnings, moduleGlobSource, parseRules, removedRuleRegExp } from "../src/bundle/rules.ts";
import { findAdditionalModules } from "../src/bundle/additional-modules.ts";
import { createSourceMapper } from "../runtime/host/sourcemap.ts";
import { project } from "./dev-helpers.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** One build; `warm`: as after a change in dev (prestart), on esbuild's service. */
async function bundle(files: Record<string, string> | string, options: Partial<BundleOptions> = {}, warm = false): Promise<BuildOutcome> {
  const dir = typeof files === "string" ? files : project(files);
  const outDir = mkdtempSync(path.join(tmpdir(), "bunflare-bundle-out-"));
  dirs.push(dir, outDir);
  const bundler = await createBundler({ entry: path.join(dir, "index.js"), projectDir: dir, outDir, nodeCompat: false, ...options });
  try {
    if (warm) bundler.prestart(true);
    return await bundler.build();
  } finally {
    await bundler.dispose();
  }
}

/** Command lines of this process's child processes. */
function children(): string[] {
  return readdirSync("/proc")
    .filter((pid) => /^\d+$/.test(pid))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1] === String(process.pid) ? [readFileSync(`/proc/${pid}/cmdline`, "utf8")] : [];
      } catch {
        return [];
      }
    });
}

async function load(outcome: BuildOutcome): Promise<Record<string, any>> {
  if (!outcome.ok) throw new Error(outcome.message);
  return import(outcome.file);
}

test("text, html, sql, data and wasm imports become the runtime's module types", async () => {
  // (module (func (export "add") ...)): every byte is ASCII, so it survives being written as text.
  const wasm = Buffer.from("0061736d0100000001070160027f7f017f030201000707010361646400000a09010700200020016a0b", "hex");
  const outcome = await bundle({
    "index.js": `import text from "./a.txt"; import html from "./b.html"; import sql from "./c.sql"; import data from "./d.bin"; import mod from "./e.wasm";
export { text, html, sql, data, mod };`,
    "a.txt": "plain text",
    "b.html": "<p>hi</p>",
    "c.sql": "SELECT 1;",
    "d.bin": "\u0001\u0002",
    "e.wasm": wasm.toString("latin1"),
  });
  const m = await load(outcome);
  expect(m.text).toBe("plain text");
  expect(m.html).toBe("<p>hi</p>");
  expect(m.sql).toBe("SELECT 1;");
  expect(m.data).toBeInstanceOf(ArrayBuffer);
  expect([...new Uint8Array(m.data)]).toEqual([1, 2]);
  expect(m.mod).toBeInstanceOf(WebAssembly.Module);
});

test("a user rule replaces the default rule of its type unless it falls through", () => {
  const replaced = effectiveRules([{ type: "Text", globs: ["**/*.md"] }]);
  expect(replaced.filter((rule) => rule.type === "Text").map((rule) => rule.globs)).toEqual([["**/*.md"]]);
  const kept = effectiveRules([{ type: "Text", globs: ["**/*.md"], fallthrough: true }]);
  expect(kept.filter((rule) => rule.type === "Text")).toHaveLength(2);
});

test("after a rule without fallthrough, later rules of its type, the user's too, are removed as wrangler removes them", () => {
  const md = { type: "Text" as const, globs: ["**/*.md"] };
  const dat = { type: "Text" as const, globs: ["**/*.dat"] };
  const { rules, removed } = parseRules([md, dat]);
  expect(rules.filter((rule) => rule.type === "Text")).toEqual([md]);
  expect(removed).toEqual([dat, { type: "Text", globs: ["**/*.txt", "**/*.html", "**/*.sql"] }]);
  expect(parseRules([{ ...md, fallthrough: true }, dat]).removed).toEqual([{ type: "Text", globs: ["**/*.txt", "**/*.html", "**/*.sql"] }]);
});

test("a removed rule's glob is tested as wrangler tests it: * spans slashes, so **/*.txt needs one", () => {
  expect(removedRuleRegExp("**/*.txt").test("sub/b.txt")).toBe(true);
  expect(removedRuleRegExp("**/*.txt").test("./b.txt")).toBe(true);
  expect(removedRuleRegExp("**/*.txt").test("b.txt")).toBe(false);
  expect(removedRuleRegExp("a?.txt").test("ab.txt")).toBe(false);
  expect(removedRuleRegExp("a?.txt").test("a?.txt")).toBe(true);
});

test("additional modules: a file two rules match is warned about (the entry too), and one only a removed rule matches throws", () => {
  const dir = project({ "index.js": "export default {};\n", "a.txt": "a", "sub/b.txt": "b", "sub/c.js": "export const c = 1;\n" });
  dirs.push(dir);
  const rules = [
    { type: "ESModule" as const, globs: ["**/*.js"], fallthrough: true },
    { type: "ESModule" as const, globs: ["**/*.js"] },
    { type: "Text" as const, globs: ["**/*.txt"], fallthrough: true },
  ];
  const found = findAdditionalModules({ root: dir, stateDir: path.join(dir, ".wrangler") }, path.join(dir, "index.js"), rules);
  // Each directory in name order, depth first: a.txt, index.js, then sub/.
  expect(found.modules.map((module) => `${module.name} ${module.type}`)).toEqual(["a.txt text", "sub/b.txt text", "sub/c.js esm"]);
  expect(found.warnings.map((warning) => warning.replace(/\x1b\[\d+m/g, ""))).toEqual([
    "Ignoring duplicate module: a.txt (text)",
    "Ignoring duplicate module: index.js (esm)",
    "Ignoring duplicate module: sub/b.txt (text)",
    "Ignoring duplicate module: sub/c.js (esm)",
  ]);
  expect(() => findAdditionalModules({ root: dir, stateDir: path.join(dir, ".wrangler") }, path.join(dir, "index.js"), [{ type: "Text", globs: ["**/*.md"] }])).toThrow(
    'The file sub/b.txt matched a module rule in your configuration ({"type":"Text","globs":["**/*.txt","**/*.html","**/*.sql"]}), but was ignored because a previous rule with the same type was not marked as `fallthrough = true`.',
  );
});

test("additional modules are searched as wrangler does: node_modules and dot-directories too, not .wrangler or the config; a symlinked file is one", () => {
  const dir = project({
    "wrangler.toml": 'name = "w"\n',
    "index.js": "export default {};\n",
    "a.txt": "a",
    ".g.txt": "g",
    ".hidden/c.txt": "c",
    "node_modules/pkg/b.txt": "b",
    "sub/.deep/e.txt": "e",
    ".wrangler/state/d.txt": "d",
    "other/f.txt": "ffff",
  });
  dirs.push(dir);
  symlinkSync("other/f.txt", path.join(dir, "link.txt"));
  symlinkSync("other", path.join(dir, "linkdir"));
  const search = { root: dir, configFile: path.join(dir, "wrangler.toml"), stateDir: path.join(dir, ".wrangler") };
  const found = findAdditionalModules(search, path.join(dir, "index.js"), [{ type: "Text", globs: ["**/*.toml"], fallthrough: true }]);
  expect(found.modules.map((module) => `${module.name} ${module.size}`)).toEqual([
    ".g.txt 1",
    ".hidden/c.txt 1",
    "a.txt 1",
    "link.txt 4",
    "node_modules/pkg/b.txt 1",
    "other/f.txt 4",
    "sub/.deep/e.txt 1",
  ]);
});

test("additional modules: a matched symlink that leads nowhere is wrangler's missing-file error; one to a directory names the module", () => {
  const dir = project({ "index.js": "export default {};\n", "other/f.txt": "f" });
  dirs.push(dir);
  const search = { root: dir, stateDir: path.join(dir, ".wrangler") };
  symlinkSync("nowhere", path.join(dir, "broken.txt"));
  expect(() => findAdditionalModules(search, path.join(dir, "index.js"), [])).toThrow(`Missing file or directory: ${path.join(dir, "broken.txt")}`);
  rmSync(path.join(dir, "broken.txt"));
  symlinkSync("other", path.join(dir, "linkdir.txt"));
  expect(() => findAdditionalModules(search, path.join(dir, "index.js"), [])).toThrow(
    "The module linkdir.txt is a directory (a symbolic link to one): a module rule matched its name, but only a file can be a module.",
  );
});

test("an import only a removed rule matches fails the build with wrangler's words, at the import", async () => {
  const outcome = await bundle(
    { "index.js": 'import a from "./a.dat";\nexport default a;\n', "a.dat": "dat" },
    { rules: [{ type: "Text", globs: ["**/*.md"] }, { type: "Text", globs: ["**/*.dat"] }] },
  );
  expect(outcome.ok).toBe(false);
  if (outcome.ok) return;
  expect(outcome.message).toContain("The file ./a.dat matched a module rule in your configuration (" + '{"type":"Text","globs":["**/*.dat"]}), but was ignored');
  expect(outcome.message).toContain("index.js:1:14");
});

test("a rule's glob names module files as wrangler's matching does: ** spans directories, * one, the rest literally", () => {
  const matches = (glob: string, name: string) => new RegExp(`^(?:${moduleGlobSource(glob)})$`).test(name);
  expect(matches("**/*.txt", "a.txt")).toBe(true);
  expect(matches("**/*.txt", "x/y/a.txt")).toBe(true);
  expect(matches("data/*.dat", "data/a.dat")).toBe(true);
  expect(matches("data/*.dat", "data/x/a.dat")).toBe(false);
  expect(matches("data/**", "data/x/a.dat")).toBe(true);
  expect(matches("**/*.wasm?module", "a.wasm?module")).toBe(true);
  expect(matches("**/*.wasm?module", "a.wasmXmodule")).toBe(false);
  expect(matches("**/*.{a,b}", "x.a")).toBe(false);
  expect(matches("**/*.raw.bytes", "deep/x.raw.bytes")).toBe(true);
});

test("a rule without fallthrough warns, as wrangler, about the later rules of its type it hides, unless it says fallthrough = false", () => {
  const warnings = ignoredRulesWarnings([
    { type: "ESModule", globs: ["**/*.js"] },
    { type: "ESModule", globs: ["**/*.mjs"] },
    { type: "Text", globs: ["**/*.dat"] },
    { type: "Data", globs: ["**/*.bytes"], fallthrough: false },
    { type: "CompiledWasm", globs: ["**/*.w"], fallthrough: true },
  ]);
  expect(warnings).toEqual([
    'The module rule {"type":"ESModule","globs":["**/*.js"]} does not have a fallback, the following rules will be ignored:\n\n' +
      '   {"type":"ESModule","globs":["**/*.mjs"]}\n  \n  Add `fallthrough = true` to rule to allow next rule to be used or `fallthrough = false` to silence this warning',
    'The module rule {"type":"Text","globs":["**/*.dat"]} does not have a fallback, the following rules will be ignored:\n\n' +
      '   {"type":"Text","globs":["**/*.txt","**/*.html","**/*.sql"]} (DEFAULT)\n  \n  Add `fallthrough = true` to rule to allow next rule to be used or `fallthrough = false` to silence this warning',
  ]);
  expect(ignoredRulesWarnings(undefined)).toEqual([]);
});

test("define and alias substitute as configured", async () => {
  const outcome = await bundle(
    { "index.js": 'import value from "virtual-thing";\nexport const out = [FLAVOUR, value];\n', "shim.js": "export default 42;\n" },
    { define: { FLAVOUR: '"vanilla"' }, alias: { "virtual-thing": "./shim.js" } },
  );
  expect((await load(outcome)).out).toEqual(["vanilla", 42]);
});

test("cloudflare:workers resolves to bunflare's module; other cloudflare:* stay external", async () => {
  const outcome = await bundle({ "index.js": 'export { WorkerEntrypoint } from "cloudflare:workers";\nexport const other = () => import("cloudflare:sockets");\n' });
  if (!outcome.ok) throw new Error(outcome.message);
  const code = readFileSync(outcome.file, "utf8");
  expect(code).toContain(path.join("runtime", "modules", "workers.ts"));
  expect(code).toContain('"cloudflare:sockets"');
});

test("node:* without nodejs_compat warns like wrangler and fails when loaded", async () => {
  const warnings: string[] = [];
  const outcome = await bundle({ "index.js": 'import { Buffer } from "node:buffer";\nexport const b = Buffer;\n' }, { onWarning: (w) => warnings.push(w) });
  expect(warnings[0]).toContain('The package "node:buffer" wasn\'t found on the file system but is built into node.');
  expect(warnings[0]).toContain(" - index.js");
  expect(load(outcome)).rejects.toThrow('No such module "node:buffer".');
});

test("node:* and bare builtins are available with nodejs_compat", async () => {
  const outcome = await bundle({ "index.js": 'import { Buffer } from "node:buffer";\nimport path from "path";\nexport const out = [Buffer.from("hi").length, path.join("a", "b")];\n' }, { nodeCompat: true });
  expect((await load(outcome)).out).toEqual([2, "a/b"]);
});

test("a syntax error is reported with file, line and column", async () => {
  const outcome = await bundle({ "index.js": "export default {\n  fetch() { return new Response(\"x\" ; }\n};\n" });
  expect(outcome.ok).toBe(false);
  if (outcome.ok) return;
  expect(outcome.message).toContain("Build failed with 1 error");
  expect(outcome.message).toContain("index.js:2:");
  expect(outcome.inputs.some((input) => input.endsWith("index.js"))).toBe(true);
});

test("a build failure nests esbuild's messages as wrangler does: indented, a blank line between, and their own blank lines at the end", async () => {
  const outcome = await bundle({ "index.js": 'import a from "./nope1.js";\nimport b from "./nope2.js";\nexport default [a, b];\n' });
  expect(outcome.ok).toBe(false);
  if (outcome.ok) return;
  const lines = outcome.message.replace(/\x1b\[[0-9;]*m/g, "").split("\n");
  expect(lines[0]).toBe("Build failed with 2 errors:");
  const second = lines.findIndex((line) => line.includes('Could not resolve "./nope2.js"'));
  expect(lines.slice(second - 3, second)).toEqual(["          ╵               ~~~~~~~~~~~~", "  ", "  "]);
  expect(lines.slice(-3)).toEqual(["          ╵               ~~~~~~~~~~~~", "  ", "  "]);
});

test("the source map leads stack frames back to the user's TypeScript lines", async () => {
  const outcome = await bundle(
    { "index.js": 'import { boom } from "./lib.ts";\nexport { boom };\n', "lib.ts": "type T = number;\n\nexport function boom(): T {\n  throw new Error(\"mapped\");\n}\n" },
  );
  if (!outcome.ok) throw new Error(outcome.message);
  const mapper = createSourceMapper(outcome.file, outcome.map);
  const m = await import(outcome.file);
  let stack = "";
  try {
    m.boom();
  } catch (error) {
    stack = (error as Error).stack!;
  }
  expect(stack).toContain(outcome.file);
  expect(mapper.mapStack(stack)).toMatch(/lib\.ts:4:\d+/);
});

test("each build is a new file, so importing it gives fresh module state", async () => {
  const dir = project({ "index.js": "let n = 0;\nexport const next = () => ++n;\n" });
  const outDir = mkdtempSync(path.join(tmpdir(), "bunflare-bundle-out-"));
  dirs.push(dir, outDir);
  const bundler = await createBundler({ entry: path.join(dir, "index.js"), projectDir: dir, outDir, nodeCompat: false });
  try {
    const first = await load(await bundler.build());
    first.next();
    const second = await load(await bundler.build());
    expect(first.next()).toBe(2);
    expect(second.next()).toBe(1);
  } finally {
    await bundler.dispose();
  }
});

test("esbuild's binary run with flags, and its service spoken to directly, build byte for byte what its JS API and the plugin build", async () => {
  const files = {
    "index.js": `import { DurableObject, WorkerEntrypoint } from "cloudflare:workers";
import { connect } from "cloudflare:sockets";
import { Buffer } from "node:buffer";
import path from "path";
import legacy from "./legacy.cjs";
import { Shape, render } from "./lib.tsx";
import "./data.json";
// a comment the bundle drops
export class Counter extends DurableObject { get   value ( ) { return 1 } }
export class Api extends WorkerEntrypoint { hello(name) { return \`hi \${name}\\n\`; } }
const arrow = ( a,b )=>a+b;
export default {
  async fetch(request, env) {
    const text = "line one\\nline two";
    return new Response([arrow.toString(), Counter.toString(), text, legacy(), new Shape().area(), render(), Buffer.from("x").length, path.sep, typeof connect, FLAVOUR].join("\\n"));
  },
};
`,
    "legacy.cjs": 'module.exports = function legacy() { return require("node:util").format("%s", "cjs"); };\n',
    "lib.tsx": "export class Shape { constructor(private side = 2) {} area(): number { return this.side ** 2; } }\nexport const render = () => <p>hi</p>;\nfunction h(tag: string) { return tag; }\n",
    "data.json": '{ "a": 1 }\n',
  };
  const real = project(files);
  // Reached through a symlink: both builds must see the directory as spelled.
  const dir = `${real}-link`;
  symlinkSync(real, dir);
  dirs.push(real, dir);
  const outcomes: { code: string; map: string }[] = [];
  // A user rule (one that changes nothing here) sends the build through the JS API and the plugin.
  const text = [{ type: "Text" as const, globs: ["**/*.txt"], fallthrough: true }];
  try {
    for (const [rules, warm] of [[undefined, false], [undefined, true], [text, false]] as const) {
      const outcome = await bundle(dir, { nodeCompat: true, rules, define: { FLAVOUR: '"vanilla"' }, jsxFactory: "h", minify: false }, warm);
      if (!outcome.ok) throw new Error(outcome.message);
      outcomes.push({ code: readFileSync(outcome.file, "utf8"), map: outcome.map });
      // The service stops if a request fails (the binary builds then): still running, it built this one.
      if (warm) expect(children().some((line) => line.includes("--service=") && line.includes("--ping"))).toBe(true);
    }
  } finally {
    stopBundler();
  }
  expect(outcomes[0]!.code).toContain("static {");
  expect(outcomes[0]).toEqual(outcomes[2]!);
  expect(outcomes[1]).toEqual(outcomes[2]!);
});
