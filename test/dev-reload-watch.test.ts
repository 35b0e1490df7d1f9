// What a reload sees, and which edits start one: an unbundled (no_bundle) worker's every
// module fresh after a reload, its module root watched as wrangler watches it, and
// build.watch_dir acted on as wrangler's watcher of it acts.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdirSync, readdirSync, readlinkSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { cleanedAfterEach, type DevProcess, eventually, project, startDev, write } from "./dev-helpers.ts";

setDefaultTimeout(60_000);

const { running, dirs } = cleanedAfterEach();

async function serve(files: Record<string, string>) {
  const dir = project(files);
  // HOME elsewhere: what Bun writes there must not land in a watched project directory.
  const home = project({});
  dirs.push(dir, home);
  const dev = await startDev(dir, [], { env: { HOME: home } });
  running.push(dev);
  const text = async (p: string) => (await fetch(new URL(p, dev.url))).text();
  return { dir, dev, text };
}

const reloads = (dev: DevProcess) => dev.output().split("Local server updated and ready").length - 1;

/** How many inotify watches a process holds (Linux). */
function inotifyWatches(pid: number): number {
  let count = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target = "";
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    if (!target.includes("inotify")) continue;
    count += readFileSync(`/proc/${pid}/fdinfo/${fd}`, "utf8").split("\n").filter((line) => line.startsWith("inotify ")).length;
  }
  return count;
}

/** A worker that a custom build copies from src/ to dist/, watching `watchDir`, with a KV namespace it writes to. */
const customBuild = (watchDir: string) =>
  `name = "wd"\nmain = "dist/index.js"\ncompatibility_date = "2025-01-01"\n[build]\ncommand = "mkdir -p dist && cp src/index.js dist/index.js"\nwatch_dir = "${watchDir}"\n[[kv_namespaces]]\nbinding = "KV"\nid = "kv"\n`;

const NO_BUNDLE = 'name = "nb"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\nno_bundle = true\n[[rules]]\ntype = "ESModule"\nglobs = ["**/*.js"]\n';

describe("no_bundle: a reload evaluates every module of the worker again", () => {
  test("an edit to an imported module, a Text module or a dynamically imported one is served, with fresh globals in each", async () => {
    const { dir, dev, text } = await serve({
      "wrangler.toml": NO_BUNDLE,
      "src/index.js": [
        'import { count } from "./lib/count.js";',
        'import note from "./note.txt";',
        "export default { async fetch() {",
        '  const { word } = await import("./lazy.js");',
        '  return new Response([count(), note, word].join(" "));',
        "} };",
        "",
      ].join("\n"),
      // Imported by the entry and by the module it imports.
      "src/lib/count.js": 'import { prefix } from "../prefix.js";\nlet n = 0;\nexport const count = () => prefix + ++n;\n',
      "src/prefix.js": 'export const prefix = "a";\n',
      "src/note.txt": "note-1",
      "src/lazy.js": 'export const word = "lazy-1";\n',
    });
    expect(await text("/")).toBe("a1 note-1 lazy-1");
    expect(await text("/")).toBe("a2 note-1 lazy-1");
    write(dir, "src/prefix.js", 'export const prefix = "b";\n');
    await eventually(async () => (await text("/")).startsWith("b"));
    // count.js was not edited, yet its counter starts again: the whole worker is new.
    expect(await text("/")).toBe("b2 note-1 lazy-1");
    write(dir, "src/note.txt", "note-2");
    await eventually(async () => (await text("/")).includes("note-2"));
    write(dir, "src/lazy.js", 'export const word = "lazy-2";\n');
    await eventually(async () => (await text("/")).endsWith("lazy-2"));
    // As wrangler, each reload lists the modules again, then says it is reloading.
    await eventually(async () => reloads(dev) === 3);
    const rounds = dev.output().split(/Ready on[^\n]*\n/)[1]!.split("Local server updated and ready").slice(0, -1);
    expect(rounds).toHaveLength(3);
    for (const round of rounds) expect(round).toMatch(/Attaching additional modules:[^]*lib\/count\.js[^]*Reloading local server\.\.\.\n(?![^]*Attaching)/);
  });

  test("Text, Data and CompiledWasm modules are the runtime's string, ArrayBuffer and WebAssembly.Module, also by a rule of the config", async () => {
    const { dir, text } = await serve({
      "wrangler.toml": NO_BUNDLE + '[[rules]]\ntype = "Data"\nglobs = ["**/*.dat"]\nfallthrough = true\n',
      "src/index.js": [
        'import page from "./page.html";',
        'import data from "./blob.bin";',
        'import more from "./more.dat";',
        'import wasm from "./add.wasm";',
        "const kind = (value) => Object.prototype.toString.call(value);",
        "export default { async fetch() {",
        "  const { exports } = await WebAssembly.instantiate(wasm);",
        '  return new Response([page, kind(data), new Uint8Array(data).join(","), kind(more), more.byteLength, kind(wasm), exports.add(2, 3)].join(" "));',
        "} };",
        "",
      ].join("\n"),
      "src/page.html": "<p>hi</p>",
      "src/blob.bin": "\x01\x02",
      "src/more.dat": "four",
      "src/add.wasm": "\x00asm\x01\x00\x00\x00\x01\x07\x01\x60\x02\x7f\x7f\x01\x7f\x03\x02\x01\x00\x07\x07\x01\x03add\x00\x00\x0a\x09\x01\x07\x00\x20\x00\x20\x01\x6a\x0b",
    });
    expect(await text("/")).toBe("<p>hi</p> [object ArrayBuffer] 1,2 [object ArrayBuffer] 4 [object WebAssembly.Module] 5");
    write(dir, "src/blob.bin", "\x03");
    await eventually(async () => (await text("/")).includes("] 3 ["));
  });

  test("no_bundle: a rule's glob of any shape (a directory, a double extension) gives its module type, matched as wrangler matches it", async () => {
    const { text } = await serve({
      "wrangler.toml": NO_BUNDLE + '[[rules]]\ntype = "Text"\nglobs = ["data/*.dat"]\n[[rules]]\ntype = "Data"\nglobs = ["**/*.raw.bytes"]\n',
      "src/index.js":
        'import text from "./data/a.dat";\nimport bytes from "./deep/er/x.raw.bytes";\n' +
        'export default { fetch() { return new Response([text, Object.prototype.toString.call(bytes), bytes.byteLength].join(" ")); } };\n',
      "src/data/a.dat": "hello",
      "src/deep/er/x.raw.bytes": "abc",
    });
    expect(await text("/")).toBe("hello [object ArrayBuffer] 3");
  });

  test("no_bundle: a bare specifier names the module beside the importer, as workerd resolves it, and reloads with it", async () => {
    const { dir, text } = await serve({
      "wrangler.toml": NO_BUNDLE,
      "src/index.js":
        'import { word } from "lib/util.js";\nimport note from "lib/note.txt";\nimport { WorkerEntrypoint } from "cloudflare:workers";\n' +
        'export default { fetch() { return new Response([word, note, typeof WorkerEntrypoint].join(" ")); } };\n',
      "src/lib/util.js": 'export { word } from "helper.js";\n',
      "src/lib/helper.js": 'export const word = "one";\n',
      "src/lib/note.txt": "noted",
      // A package of the same name is not what workerd loads.
      "node_modules/lib/util.js": 'export const word = "package";\n',
      "node_modules/lib/package.json": '{ "name": "lib" }',
    });
    expect(await text("/")).toBe("one noted function");
    write(dir, "src/lib/helper.js", 'export const word = "two";\n');
    await eventually(async () => (await text("/")).startsWith("two "));
  });

  test("with base_dir, a module beside the entry's directory reloads the worker", async () => {
    const { dir, text } = await serve({
      "wrangler.toml": 'name = "nb"\nmain = "src/worker/index.js"\nbase_dir = "src"\ncompatibility_date = "2025-01-01"\nno_bundle = true\n[[rules]]\ntype = "ESModule"\nglobs = ["**/*.js"]\n',
      "src/worker/index.js": 'import { word } from "../shared/word.js";\nexport default { fetch() { return new Response(word); } };\n',
      "src/shared/word.js": 'export const word = "one";\n',
    });
    expect(await text("/")).toBe("one");
    write(dir, "src/shared/word.js", 'export const word = "two";\n');
    await eventually(async () => (await text("/")) === "two");
  });

  // Bun keeps a module that failed to load in its registry, failed, without listing it in
  // require.cache: each error line is awaited so that the bad and the good edit are two reloads.
  const errors = (dev: DevProcess) => dev.output().split(": Uncaught ").length - 1;

  test("an edit that fails to load keeps the last good worker, and the next good edit is served", async () => {
    const { dir, dev, text } = await serve({
      "wrangler.toml": NO_BUNDLE,
      "src/index.js": 'import { word } from "./word.js";\nexport default { fetch() { return new Response(word); } };\n',
      "src/word.js": 'export const word = "good";\n',
    });
    write(dir, "src/word.js", "export const word = ;\n");
    await dev.waitForOutput(/SyntaxError/);
    expect(await text("/")).toBe("good");
    write(dir, "src/word.js", 'export const word = "fixed";\n');
    await eventually(async () => (await text("/")) === "fixed");
    write(dir, "src/word.js", 'throw new Error("top-level");\nexport const word = 1;\n');
    await dev.waitForOutput(/Error: top-level/);
    expect(await text("/")).toBe("fixed");
    write(dir, "src/word.js", 'export const word = "fixed again";\n');
    await eventually(async () => (await text("/")) === "fixed again");
  });

  test("a CommonJS module that failed to parse, then threw, is read again once fixed", async () => {
    const { dir, dev, text } = await serve({
      "wrangler.toml": NO_BUNDLE + '[[rules]]\ntype = "CommonJS"\nglobs = ["**/*.cjs"]\n',
      "src/index.js": 'import w from "./w.cjs";\nexport default { fetch() { return new Response(w.word); } };\n',
      "src/w.cjs": 'module.exports = { word: "good" };\n',
    });
    write(dir, "src/w.cjs", "module.exports = { word: };\n");
    await eventually(async () => errors(dev) === 1);
    write(dir, "src/w.cjs", 'module.exports = { word: "fixed" };\n');
    await eventually(async () => (await text("/")) === "fixed");
    write(dir, "src/w.cjs", 'throw new Error("top-level");\n');
    await eventually(async () => errors(dev) === 2);
    expect(await text("/")).toBe("fixed");
    write(dir, "src/w.cjs", 'module.exports = { word: "fixed again" };\n');
    await eventually(async () => (await text("/")) === "fixed again");
  });
});

describe("which edits reload, as wrangler's watchers decide", () => {
  test("no_bundle: edits under the module root's node_modules, .git and .wrangler do not reload, and the OS is not asked to watch them", async () => {
    const files: Record<string, string> = {
      "wrangler.toml": 'name = "nb"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\nno_bundle = true\n',
      "index.js": 'export default { fetch() { return new Response("v1"); } };\n',
      ".git/HEAD": "ref: refs/heads/main\n",
      ".wrangler/state/x": "1",
    };
    for (let n = 0; n < 300; n++) files[`node_modules/pkg${n}/lib/index.js`] = "module.exports = 1;\n";
    const { dir, dev, text } = await serve(files);
    expect(await text("/")).toBe("v1");
    // A project dir with its config, the worker's directory tree: a handful of watches, not 600 directories'.
    expect(inotifyWatches(dev.child.pid!)).toBeLessThan(20);
    write(dir, "node_modules/pkg1/lib/index.js", "module.exports = 2;\n");
    write(dir, ".git/HEAD", "ref: refs/heads/other\n");
    write(dir, ".wrangler/state/x", "2");
    // Nor does a new directory.
    mkdirSync(path.join(dir, "late"));
    await Bun.sleep(500);
    expect(reloads(dev)).toBe(0);
    // That directory is watched from then on: a new file in it does not reload (as wrangler), its edits do.
    write(dir, "late/extra.js", "export const x = 1;\n");
    await Bun.sleep(500);
    expect(reloads(dev)).toBe(0);
    write(dir, "late/extra.js", "export const x = 2;\n");
    await eventually(async () => reloads(dev) === 1);
    write(dir, "late/extra.js", "export const x = 3;\n");
    await eventually(async () => reloads(dev) === 2);
    write(dir, "index.js", 'export default { fetch() { return new Response("v2"); } };\n');
    await eventually(async () => (await text("/")) === "v2");
  });

  test("no_bundle: a module under node_modules edited without a reload is read again at the next reload", async () => {
    const { dir, dev, text } = await serve({
      "wrangler.toml": NO_BUNDLE,
      "src/index.js": 'import { word } from "./node_modules/dep/index.js";\nimport { tail } from "./lib.js";\nexport default { fetch() { return new Response(word + tail); } };\n',
      "src/node_modules/dep/index.js": 'export const word = "v1";\n',
      "src/lib.js": 'export const tail = " a";\n',
    });
    expect(await text("/")).toBe("v1 a");
    write(dir, "src/node_modules/dep/index.js", 'export const word = "v2";\n');
    await Bun.sleep(500);
    expect(reloads(dev)).toBe(0);
    write(dir, "src/lib.js", 'export const tail = " b";\n');
    await eventually(async () => (await text("/")).endsWith(" b"));
    expect(await text("/")).toBe("v2 b");
  });

  test("no_bundle: a new file under the module root does not reload, as wrangler; its first edit does, and so does a file deleted and written again", async () => {
    const { dir, dev, text } = await serve({
      "wrangler.toml": NO_BUNDLE,
      "src/index.js": 'import { word } from "./lib.js";\nexport default { fetch() { return new Response(word); } };\n',
      "src/lib.js": 'export const word = "v1";\n',
    });
    expect(await text("/")).toBe("v1");
    write(dir, "src/new.js", "export const x = 1;\n");
    await Bun.sleep(500);
    expect(reloads(dev)).toBe(0);
    write(dir, "src/new.js", "export const x = 2;\n");
    await eventually(async () => reloads(dev) === 1);
    // An editor that saves by deleting the file and writing it again.
    rmSync(path.join(dir, "src/lib.js"));
    await Bun.sleep(200);
    write(dir, "src/lib.js", 'export const word = "v2";\n');
    await eventually(async () => (await text("/")) === "v2");
  });

  test("bundled: an edit to a package the bundle read reloads, as wrangler's esbuild watch does", async () => {
    const { dir, text } = await serve({
      "wrangler.toml": 'name = "pkg"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\n',
      "src/index.js": 'import { word } from "dep";\nexport default { fetch() { return new Response(word); } };\n',
      "node_modules/dep/package.json": '{ "name": "dep", "main": "lib/index.js" }\n',
      "node_modules/dep/lib/index.js": 'export const word = "v1";\n',
    });
    expect(await text("/")).toBe("v1");
    write(dir, "node_modules/dep/lib/index.js", 'export const word = "v2";\n');
    await eventually(async () => (await text("/")) === "v2");
  });

  test("build.watch_dir: an edit under its node_modules runs the custom build again, as under wrangler; the store's writes do not", async () => {
    const { dir, dev, text } = await serve({
      "wrangler.toml": customBuild("src"),
      "src/index.js": 'export default { async fetch(req, env) { await env.KV.put("k", "v"); return new Response("v1"); } };\n',
      "src/node_modules/dep/index.js": "export const v = 1;\n",
    });
    expect(await text("/")).toBe("v1");
    write(dir, "src/node_modules/dep/index.js", "export const v = 2;\n");
    await dev.waitForOutput(/Local server updated and ready/);
    expect(dev.output().split("[custom build] Running:").length - 1).toBe(2);
  });

  test("build.watch_dir = \".\": the store under it never reloads the worker, nor does the build writing main", async () => {
    const { dir, dev, text } = await serve({
      "wrangler.toml": customBuild("."),
      "src/index.js": 'export default { async fetch(req, env) { await env.KV.put(String(Math.random()), "v"); return new Response("v1"); } };\n',
    });
    for (let n = 0; n < 5; n++) expect(await text("/")).toBe("v1");
    await Bun.sleep(500);
    expect(reloads(dev)).toBe(0);
    write(dir, "src/index.js", 'export default { fetch() { return new Response("v2"); } };\n');
    await eventually(async () => (await text("/")) === "v2");
  });

  test("watch_dir without build.command watches nothing, as wrangler", async () => {
    const { dir, dev, text } = await serve({
      "wrangler.toml": 'name = "wd"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\n[build]\nwatch_dir = "other"\n',
      "src/index.js": 'export default { fetch() { return new Response("v1"); } };\n',
      "other/notes.txt": "1",
    });
    expect(await text("/")).toBe("v1");
    write(dir, "other/notes.txt", "2");
    await Bun.sleep(500);
    expect(reloads(dev)).toBe(0);
  });

  test("a save that truncates the file and writes its content a moment later reloads once, with the content", async () => {
    const { dir, dev, text } = await serve({
      "wrangler.toml": 'name = "half"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\n',
      "src/index.js": 'import note from "./note.txt";\nexport default { fetch() { return new Response("[" + note + "]"); } };\n',
      "src/note.txt": "v1",
    });
    expect(await text("/")).toBe("[v1]");
    // As a slow editor or a loaded machine splits a save: the truncation's event, then the write's 10 ms later.
    write(dir, "src/note.txt", "");
    await Bun.sleep(10);
    write(dir, "src/note.txt", "v2");
    await eventually(async () => (await text("/")) === "[v2]");
    await Bun.sleep(300);
    expect(reloads(dev)).toBe(1);
  });

  test("a file really emptied still reloads", async () => {
    const { dir, dev, text } = await serve({
      "wrangler.toml": 'name = "empty"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\n',
      "src/index.js": 'import note from "./note.txt";\nexport default { fetch() { return new Response("[" + note + "]"); } };\n',
      "src/note.txt": "v1",
    });
    expect(await text("/")).toBe("[v1]");
    write(dir, "src/note.txt", "");
    await eventually(async () => (await text("/")) === "[]");
    expect(reloads(dev)).toBe(1);
  });
});
