// What worker code sees under `bunflare dev`: no Bun, Node's globals only as
// nodejs_compat and the compatibility date give them, code generation from strings
// refused with the runtime's error, modules run as written; and the compatibility
// date / flag checks at start. Real `bunflare dev` processes, real HTTP.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { spawn } from "node:child_process";
import path from "node:path";
import { cleanedAfterEach, project, ROOT, startDev, strip } from "./dev-helpers.ts";

setDefaultTimeout(30_000);

const { running, dirs } = cleanedAfterEach();

async function serve(files: Record<string, string>) {
  const dir = project(files);
  dirs.push(dir);
  const dev = await startDev(dir);
  running.push(dev);
  return { dir, dev, get: (path: string) => fetch(new URL(path, dev.url)) };
}

/** Runs `bunflare dev` expecting it to stop by itself; resolves with its exit code and output. */
function devExit(files: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const dir = project(files);
  dirs.push(dir);
  const child = spawn(path.join(ROOT, "bin", "bunflare"), ["dev", "--port", "0"], { cwd: dir, env: { ...process.env, NO_COLOR: "1", HOME: dir } });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk));
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, output: strip(output) })));
}

const EVAL_ERROR = "EvalError: Code generation from strings disallowed for this context";

const PROBE = `
const refused = (run) => { try { run(); return "allowed"; } catch (error) { return error.name + ": " + error.message; } };
export default {
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === "/polyfill") {
      // A browser polyfill writing Node's globals must not reach the host's.
      globalThis.process = { env: { POLYFILLED: "yes" } };
      globalThis.Buffer = "not a buffer";
      return Response.json({ process: globalThis.process.env.POLYFILLED, buffer: globalThis.Buffer });
    }
    return Response.json({
      bun: typeof Bun,
      globalBun: typeof globalThis.Bun,
      selfBun: typeof self.Bun,
      bunInGlobal: "Bun" in globalThis,
      bunKey: Object.getOwnPropertyNames(globalThis).includes("Bun"),
      process: typeof process,
      globalProcess: typeof globalThis.process,
      buffer: typeof Buffer,
      setImmediate: typeof setImmediate,
      global: typeof global,
      require: typeof require,
      userAgent: navigator.userAgent,
      eval: refused(() => eval("1 + 1")),
      indirectEval: refused(() => (0, eval)("1 + 1")),
      newFunction: refused(() => new Function("return 1")),
      viaConstructor: refused(() => (function () {}).constructor("return 1")),
      asyncFunction: refused(() => (async () => {}).constructor("return 1")),
      generator: refused(() => (function* () {}).constructor("yield 1")),
      isFunction: (() => {}) instanceof Function,
      env: typeof process === "object" ? process.env : null,
      cwdIsFunction: typeof process === "object" ? typeof process.cwd : null,
    });
  },
};
`;

const config = (extra: string, main = "index.js") => `name = "probe"\nmain = "${main}"\n${extra}\n[vars]\nGREETING = "hi"\nCOUNT = 3\n`;

describe("the global scope worker code sees", () => {
  test("an EventTarget's on<type> function runs before its listeners; true cancels; its throw leaves dispatchEvent and stops the listeners", async () => {
    const worker = `export default {
      fetch() {
        const out = [];
        class Sub extends EventTarget {}
        const t = new Sub();
        t.addEventListener("foo", () => out.push("listener"));
        t.onfoo = (e) => { out.push("handler " + (e.target === t)); return true; };
        const event = new Event("foo", { cancelable: true });
        out.push(t.dispatchEvent(event), event.defaultPrevented);
        t.onfoo = () => { throw new Error("boom"); };
        try { t.dispatchEvent(new Event("foo")); } catch (e) { out.push(e.message); }
        t.onfoo = "not a function";
        out.push(t.dispatchEvent(new Event("foo")));
        return Response.json(out);
      },
    };`;
    const { get } = await serve({ "wrangler.toml": config('compatibility_date = "2025-06-01"'), "index.js": worker });
    expect(await (await get("/")).json()).toEqual(["handler true", "listener", false, true, "boom", "listener", true]);
  });

  test("a listener that throws ends dispatchEvent() and abort(), which throw it; onabort runs before every listener; nothing is logged; capture listeners are refused", async () => {
    const worker = `export default {
      fetch() {
        const out = [];
        const add = (target, type, name) => target.addEventListener(type, () => { out.push(name); if (name.startsWith("throw")) throw new Error(name); });
        const t = new EventTarget();
        add(t, "x", "a"); add(t, "x", "throw b"); add(t, "x", "c");
        try { t.dispatchEvent(new Event("x")); } catch (e) { out.push("threw " + e.message); }
        const c = new AbortController();
        add(c.signal, "abort", "d"); c.signal.onabort = () => out.push("onabort"); add(c.signal, "abort", "throw e"); add(c.signal, "abort", "f");
        try { c.abort(); } catch (e) { out.push("threw " + e.message, c.signal.aborted); }
        const p = new EventTarget(); const listener = () => out.push("removed ran");
        p.addEventListener("x", listener); p.removeEventListener("x", listener);
        p.addEventListener("x", (e) => e.preventDefault());
        out.push(p.dispatchEvent(new Event("x")));
        for (const options of [true, { capture: true }, { passive: true }]) try { p.addEventListener("x", listener, options); } catch (e) { out.push(e.message); }
        return Response.json(out);
      },
    };`;
    const { get, dev } = await serve({ "wrangler.toml": config('compatibility_date = "2025-06-01"'), "index.js": worker });
    expect(await (await get("/")).json()).toEqual(["a", "throw b", "threw throw b", "onabort", "d", "throw e", "threw throw e", true, false,
      "addEventListener(): useCapture must be false.",
      "addEventListener(): options.capture must be false.",
      "addEventListener(): options.passive must be false.",
    ]);
    expect(dev.output()).not.toContain("Error: throw");
  });

  test("without nodejs_compat: no Bun, no Node globals, eval and every Function constructor refused", async () => {
    const { get } = await serve({ "wrangler.toml": config('compatibility_date = "2025-06-01"'), "index.js": PROBE });
    const seen = (await (await get("/")).json()) as Record<string, unknown>;
    expect(seen).toMatchObject({
      bun: "undefined",
      globalBun: "undefined",
      selfBun: "undefined",
      bunInGlobal: false,
      bunKey: false,
      process: "undefined",
      globalProcess: "undefined",
      buffer: "undefined",
      setImmediate: "undefined",
      global: "undefined",
      userAgent: "Cloudflare-Workers",
      eval: EVAL_ERROR,
      indirectEval: EVAL_ERROR,
      newFunction: EVAL_ERROR,
      viaConstructor: EVAL_ERROR,
      asyncFunction: EVAL_ERROR,
      generator: EVAL_ERROR,
      isFunction: true,
      env: null,
    });
  });

  test("nodejs_compat from 2025-04-01: Node's globals, and process.env holds the worker's vars only", async () => {
    const { get } = await serve({
      "wrangler.toml": config('compatibility_date = "2025-06-01"\ncompatibility_flags = ["nodejs_compat"]'),
      "index.js": PROBE,
    });
    const seen = (await (await get("/")).json()) as Record<string, unknown>;
    expect(seen).toMatchObject({ bun: "undefined", process: "object", globalProcess: "object", buffer: "function", setImmediate: "function", global: "object", cwdIsFunction: "function" });
    // Not the machine's environment (PATH, HOME, ...): the vars, JSON ones as text.
    expect(seen.env).toEqual({ GREETING: "hi", COUNT: "3" });
  });

  test("nodejs_compat before 2024-09-23 gives no Node globals; before 2025-04-01 process.env is empty", async () => {
    const v1 = await serve({ "wrangler.toml": config('compatibility_date = "2024-09-01"\ncompatibility_flags = ["nodejs_compat"]'), "index.js": PROBE });
    expect(await (await v1.get("/")).json()).toMatchObject({ process: "undefined", buffer: "undefined", global: "undefined" });
    const v2 = await serve({ "wrangler.toml": config('compatibility_date = "2025-01-01"\ncompatibility_flags = ["nodejs_compat"]'), "index.js": PROBE });
    expect(await (await v2.get("/")).json()).toMatchObject({ process: "object", env: {} });
  });

  test("a polyfill's writes to globalThis.process stay in the worker; the dev server keeps working", async () => {
    const { get } = await serve({ "wrangler.toml": config('compatibility_date = "2025-06-01"'), "index.js": PROBE });
    expect(await (await get("/polyfill")).json()).toEqual({ process: "yes", buffer: "not a buffer" });
    // The host still has its own process and Buffer: the next request is served and logged.
    expect(((await (await get("/")).json()) as { process: string }).process).toBe("undefined");
  });

  test("eval works in top-level code from 2025-06-01, and is refused again once requests run", async () => {
    const worker = `let atStartup;
try { atStartup = eval("1 + 1") + new Function("return 2")(); } catch (error) { atStartup = String(error); }
export default { fetch() { let later; try { later = eval("3"); } catch (error) { later = String(error); } return Response.json({ atStartup, later }); } };
`;
    const recent = await serve({ "wrangler.toml": config('compatibility_date = "2025-06-01"'), "index.js": worker });
    expect(await (await recent.get("/")).json()).toEqual({ atStartup: 4, later: EVAL_ERROR });
    const older = await serve({ "wrangler.toml": config('compatibility_date = "2025-01-01"'), "index.js": worker });
    expect(await (await older.get("/")).json()).toEqual({ atStartup: EVAL_ERROR, later: EVAL_ERROR });
  });
});

const AS_WRITTEN = `// a helper, spaced as its author likes
function   shout( text ) {
  /* a comment inside */ return text.toUpperCase()   + "!" ; // and after
}
export default {
  fetch(request) {
    if (new URL(request.url).pathname === "/throw") throw new Error("thrown on line 7");
    return new Response(shout.toString());
  },
};
`;

describe("import.meta", () => {
  // workerd's (without new_module_registry) is an empty object: no url, no main, nothing of Bun's.
  const META = ["url", "main", "dir", "dirname", "file", "filename", "path", "require", "resolve", "resolveSync", "env"];
  const probe = `export const members = (meta) => ({
  types: Object.fromEntries(${JSON.stringify(META)}.map((key) => [key, typeof meta[key]])),
  keys: Object.keys(meta),
  json: JSON.stringify(meta),
  deleted: (() => { try { delete meta.require; } catch {} return typeof meta.require; })(),
});
`;
  const empty = { types: Object.fromEntries(META.map((key) => [key, "undefined"])), keys: [], json: "{}", deleted: "undefined" };

  test("shows nothing of Bun (no require, no env holding the machine's environment), bundled and in each unbundled module", async () => {
    const index = 'import { members } from "./meta.js";\nimport { meta } from "./dep.js";\nexport default { fetch() { return Response.json([members(import.meta), members(meta)]); } };\n';
    const files = { "index.js": index, "meta.js": probe, "dep.js": "export const meta = import.meta;\n" };
    for (const extra of ['compatibility_date = "2025-06-01"\ncompatibility_flags = ["nodejs_compat"]', 'compatibility_date = "2025-06-01"\nno_bundle = true']) {
      const { get } = await serve({ "wrangler.toml": config(extra), ...files });
      expect(await (await get("/")).json()).toEqual([empty, empty]);
    }
  });
});

describe("modules run as written", () => {
  test("no_bundle: a function's toString() is its text in the file, comments and spacing kept", async () => {
    const { get } = await serve({ "wrangler.toml": config('compatibility_date = "2025-06-01"\nno_bundle = true'), "index.js": AS_WRITTEN });
    expect(await (await get("/")).text()).toBe('function   shout( text ) {\n  /* a comment inside */ return text.toUpperCase()   + "!" ; // and after\n}');
  });

  test("no_bundle: an imported module runs as written too, and stack lines point at the file's own lines", async () => {
    const { dev, get } = await serve({
      "wrangler.toml": config('compatibility_date = "2025-06-01"\nno_bundle = true'),
      "index.js": 'import { shout } from "./lib.js";\nexport default { fetch(request) { if (new URL(request.url).pathname === "/throw") shout(null); return new Response(shout.toString() + typeof Bun); } };\n',
      "lib.js": "export function shout( text ) { return text.toUpperCase() /* ! */ }\n",
    });
    expect(await (await get("/")).text()).toBe("function shout( text ) { return text.toUpperCase() /* ! */ }undefined");
    expect((await get("/throw")).status).toBe(500);
    await dev.waitForOutput(/lib\.js:1:\d+/);
    expect(dev.output()).not.toMatch(/lib\.js:3:\d+/);
  });

  test("bundled: the worker runs esbuild's output untranspiled, and stack frames map to the source lines", async () => {
    const { dev, get } = await serve({ "wrangler.toml": config('compatibility_date = "2025-06-01"'), "index.js": AS_WRITTEN });
    // esbuild reprints the function (as it does under wrangler); Bun adds nothing on top.
    expect(await (await get("/")).text()).toBe('function shout(text) {\n  return text.toUpperCase() + "!";\n}');
    expect((await get("/throw")).status).toBe(500);
    await dev.waitForOutput(/index\.js:7:\d+/);
    // Bun reads no source map of its own for the bundle (it would warn that it cannot).
    expect(dev.output()).not.toContain("sourcemap");
  });
});

describe("compatibility date and flags at start", () => {
  const worker = 'export default { fetch() { return new Response("ok"); } };\n';

  test("an unknown compatibility flag stops dev with workerd's words and exit code 1", async () => {
    const { code, output } = await devExit({
      "wrangler.toml": 'name = "w"\nmain = "index.js"\ncompatibility_date = "2025-06-01"\ncompatibility_flags = ["no_such_flag"]\n',
      "index.js": worker,
    });
    expect(code).toBe(1);
    expect(output).toContain("service core:user:w: No such compatibility flag: no_such_flag");
    expect(output).toContain("The Workers runtime failed to start.");
    expect(output).not.toContain("Ready on");
  });

  test("a date in the future stops dev; a malformed one is named", async () => {
    const future = await devExit({ "wrangler.toml": 'name = "w"\nmain = "index.js"\ncompatibility_date = "2999-01-01"\n', "index.js": worker });
    expect(future.code).toBe(1);
    expect(future.output).toContain('Compatibility date "2999-01-01" is in the future and unsupported');
    const malformed = await devExit({ "wrangler.toml": 'name = "w"\nmain = "index.js"\ncompatibility_date = "2025-6-1"\n', "index.js": worker });
    expect(malformed.code).toBe(1);
    expect(malformed.output).toContain("service core:user:w: Invalid compatibility date: 2025-6-1");
  });

  test("today's date starts: no newest date is baked in", async () => {
    const today = new Date().toISOString().slice(0, 10);
    const { get } = await serve({ "wrangler.toml": `name = "w"\nmain = "index.js"\ncompatibility_date = "${today}"\n`, "index.js": worker });
    expect(await (await get("/")).text()).toBe("ok");
  });

  test("flags bunflare does not give are named in one warning, and the worker still starts", async () => {
    const { dev, get } = await serve({
      "wrangler.toml": 'name = "w"\nmain = "index.js"\ncompatibility_date = "2025-06-01"\ncompatibility_flags = ["nodejs_compat", "global_fetch_strictly_public", "url_original"]\n',
      "index.js": worker,
    });
    expect(await (await get("/")).text()).toBe("ok");
    const warnings = dev.output().match(/not supported by bunflare dev/g) ?? [];
    expect(warnings.length).toBe(1);
    expect(dev.output()).toContain('The compatibility flags "global_fetch_strictly_public", "url_original" are not supported by bunflare dev');
  });
});
