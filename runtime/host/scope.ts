// What user code sees of this process, as the Workers runtime shows it: no
// Bun, Node's globals only under nodejs_compat, no code generation from strings,
// and each module run as written (Bun's transpiler never reprints it).
//
// The worker shares this realm with the host, whose code (and its npm
// dependencies) needs Bun, process and Buffer, so nothing is deleted from the
// global object. Instead each module of the worker is loaded through a Bun
// plugin that puts two lines in front of the file's own text:
//
//   // @bun                      <- Bun runs the file untranspiled
//   import ...; var { Bun, process, ... } = scope;   <- module-scope shadows
//
// The shadows are plain module variables, bound once at load, so a request
// pays nothing for them. The same call empties the module's import.meta of
// Bun's members (url, dir, require, env, ...), as workerd gives it. `globalThis` and `self` are shadowed too, by a proxy
// that hides the same names (property reads through it cost a trap; code that
// reads free identifiers, as almost all code does, never meets it). The same
// shadows give a worker the globals whose behaviour hangs on its own
// compatibility date (WebSocket, WebSocketPair), or that must know which objects the
// worker made (ReadableStream).
import path from "node:path";
import { GLOBALS_BY_FLAG } from "../compat.ts";
import { readFileSync } from "node:fs";
import { prefixedConsole, workerConsole } from "./worker-console.ts";
import { isPackageFile } from "./own-code.ts";
import "./event-handlers.ts";
import { webSocketClassesFor, type PairSettings } from "./websocket.ts";
import { WorkerReadableStream, WorkerTransformStream } from "./worker-streams.ts";

export interface ScopeOptions {
  /** process, Buffer, global, setImmediate, clearImmediate exist (nodejs_compat v2). */
  nodeGlobals: boolean;
  /** The names of GATED_GLOBALS its compatibility date and flags leave out (runtime/compat.ts' absentGlobals()). */
  absentGlobals?: string[];
  /** Its `Cloudflare.compatibilityFlags` (runtime/compat.ts' compatibilityFlags()). */
  compatibilityFlags?: Record<string, boolean>;
  /** What `process.env` holds under nodejs_compat: the worker's vars, or nothing. */
  processEnv: Record<string, string>;
  /** Its WebSockets' compatibility settings (auto close reply, close reason limit). */
  webSockets?: PairSettings;
  /** The first argument of its console.log / info / debug lines (wrangler's `[name]` for several workers). */
  consolePrefix?: string;
}

/** Names user code never sees: Bun's own globals, and Bun's (and JavaScriptCore's) ones workerd lacks. */
const ALWAYS_HIDDEN = [
  ...["Bun", "BuildError", "BuildMessage", "ResolveError", "ResolveMessage", "alert", "confirm", "prompt", "Worker"],
  ...["BroadcastChannel", "postMessage", "ShadowRealm", "Temporal"],
];
/** Node's globals, there only with nodejs_compat. */
const NODE_GLOBALS = ["process", "Buffer", "global", "setImmediate", "clearImmediate"];
/** Globals workerd gives from a compatibility date or with a flag. */
const GATED_GLOBALS = Object.values(GLOBALS_BY_FLAG).flat();
/** Every name the prelude binds, in its order. */
const SHADOWED = [
  ...ALWAYS_HIDDEN,
  ...NODE_GLOBALS,
  ...GATED_GLOBALS,
  ...["globalThis", "self", "console", "WebSocket", "WebSocketPair", "ReadableStream", "TransformStream", "Cloudflare"],
];

/** The text the prelude adds before the file: two lines, so stack lines of user modules are 2 too high. */
export const PRELUDE_LINES = 2;
const SCOPE_MODULE = "bunflare:scope";

const REAL_GLOBAL = globalThis;
const realProcess = process;

/** The values a worker's modules bind in place of the globals. */
function makeScope(options: ScopeOptions): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  const absent = options.absentGlobals ?? [];
  for (const name of [...ALWAYS_HIDDEN, ...NODE_GLOBALS, ...absent]) values[name] = undefined;
  for (const name of GATED_GLOBALS) if (!absent.includes(name)) values[name] = Reflect.get(REAL_GLOBAL, name);
  const overrides = new Map<string | symbol, unknown>();
  const hidden = new Set<string | symbol>([...ALWAYS_HIDDEN, ...(options.nodeGlobals ? [] : NODE_GLOBALS), ...absent]);
  // The global object as the worker sees it. The target is a blank object, not the
  // real global, so hiding the real global's non-configurable `Bun` breaks no proxy
  // invariant. Writes to a shadowed name stay with this worker: a polyfill's
  // `globalThis.process = ...` must not replace the host's process.
  const view: Record<PropertyKey, unknown> = new Proxy({} as Record<PropertyKey, unknown>, {
    get: (_, key) => {
      if (overrides.has(key)) return overrides.get(key);
      if (key in values) return values[key as string];
      return Reflect.get(REAL_GLOBAL, key);
    },
    set: (_, key, value) => {
      if (key in values) overrides.set(key, value);
      else Reflect.set(REAL_GLOBAL, key, value);
      return true;
    },
    has: (_, key) => (overrides.has(key) ? true : hidden.has(key) ? false : Reflect.has(REAL_GLOBAL, key)),
    ownKeys: () => [...Reflect.ownKeys(REAL_GLOBAL).filter((key) => !hidden.has(key)), ...[...overrides.keys()].filter((key) => hidden.has(key))],
    getOwnPropertyDescriptor: (_, key) => {
      if (overrides.has(key)) return { value: overrides.get(key), writable: true, enumerable: false, configurable: true };
      if (hidden.has(key)) return undefined;
      const descriptor = Reflect.getOwnPropertyDescriptor(REAL_GLOBAL, key);
      // Reported as configurable: the blank target cannot vouch for a non-configurable one.
      if (descriptor) descriptor.configurable = true;
      return descriptor;
    },
    defineProperty: (_, key, descriptor) => {
      if (key in values) {
        overrides.set(key, descriptor.get ? descriptor.get() : descriptor.value);
        return true;
      }
      return Reflect.defineProperty(REAL_GLOBAL, key, descriptor);
    },
    deleteProperty: (_, key) => (overrides.has(key) ? overrides.delete(key) : hidden.has(key) ? true : Reflect.deleteProperty(REAL_GLOBAL, key)),
    getPrototypeOf: () => Object.getPrototypeOf(REAL_GLOBAL),
  });
  if (options.nodeGlobals) {
    const env = options.processEnv;
    // Bun's process, but with the worker's env rather than the machine's.
    values.process = new Proxy(realProcess, {
      get: (target, key) => (key === "env" ? env : Reflect.get(target, key)),
    });
    values.Buffer = Buffer;
    values.setImmediate = setImmediate;
    values.clearImmediate = clearImmediate;
    values.global = view;
  }
  values.globalThis = view;
  values.self = view;
  values.console = options.consolePrefix === undefined ? workerConsole : prefixedConsole(options.consolePrefix);
  // Per worker: workers of one session may have compatibility dates either side of the flag's.
  const webSockets = webSocketClassesFor(options.webSockets ?? { autoReply: false, limitReason: false, blobMessages: false });
  values.WebSocket = webSockets.WebSocket;
  values.WebSocketPair = webSockets.WebSocketPair;
  values.ReadableStream = WorkerReadableStream;
  values.TransformStream = WorkerTransformStream;
  values.Cloudflare = cloudflareGlobal(options.compatibilityFlags ?? {});
  return values;
}

const CloudflarePrototype = class Cloudflare {}.prototype;
// With set_tostring_tag, workerd's classes name themselves in Object.prototype.toString().
const TaggedCloudflarePrototype = class Cloudflare {}.prototype;
Object.defineProperty(TaggedCloudflarePrototype, Symbol.toStringTag, { value: "Cloudflare", configurable: true });

/** workerd's `Cloudflare` global: an object of class Cloudflare whose one member is the worker's compatibility flags, frozen. */
function cloudflareGlobal(flags: Record<string, boolean>): object {
  const cloudflare = Object.create(flags.set_tostring_tag ? TaggedCloudflarePrototype : CloudflarePrototype) as object;
  Object.defineProperty(cloudflare, "compatibilityFlags", { value: Object.freeze({ ...flags }), enumerable: true, configurable: true });
  return cloudflare;
}

// On the real global too, so `in` and the global's keys find it; each worker's modules see their own.
Object.defineProperty(REAL_GLOBAL, "Cloudflare", { value: cloudflareGlobal({}), writable: true, enumerable: true, configurable: true });

/** Scopes by the directory whose modules use them (a bundle's build directory, or an unbundled project). */
const scopes = new Map<string, Record<string, unknown>>();
/** Files loaded with the prelude, for putting stack lines back. */
const preluded = new Set<string>();
/**
 * Module files of user code that Bun may hold in its registry. One that failed to
 * load (a syntax error, a throw at its top level) stays there, failed, until its entry
 * is deleted, yet require.cache does not list it; so its name must be known here.
 */
const userModules = new Set<string>();
let pluginInstalled = false;
const roots = new Set<string>();

/** What Bun puts on import.meta (import.meta.env is the machine's environment). */
const BUN_META = ["url", "main", "dir", "dirname", "file", "filename", "path", "require", "resolve", "resolveSync", "env"];
// Bun's members are not own properties and cannot be deleted, only shadowed. Not
// configurable, so `delete import.meta.require` cannot bring Bun's back.
const HIDDEN_META: PropertyDescriptor = { value: undefined, writable: true, enumerable: false, configurable: false };

/**
 * The scope of the module whose import.meta is `meta`: the one of the deepest
 * registered directory holding it. Its import.meta is left as workerd gives it
 * (without the new_module_registry flag): an object with nothing on it.
 */
function scopeOf(meta: ImportMeta): Record<string, unknown> {
  const url = meta.url;
  for (const key of BUN_META) Object.defineProperty(meta, key, HIDDEN_META);
  const file = Bun.fileURLToPath(url.split("?")[0]!);
  let best: string | undefined;
  for (const dir of scopes.keys()) if (file.startsWith(dir) && (!best || dir.length > best.length)) best = dir;
  return scopes.get(best!)!;
}

const transpiler = new Bun.Transpiler({ loader: "js" });

/** The prelude for `source`, leaving out names the module declares itself at its top level. */
function preludeFor(source: string): string {
  const names = new Set(SHADOWED);
  for (const name of names) {
    // A top-level function declaration of the name clashes with a var, and Bun's scan misses it.
    if (new RegExp(`\\bfunction\\s*\\*?\\s*${name}\\s*\\(`).test(source)) names.delete(name);
  }
  for (let attempt = 0; attempt < SHADOWED.length; attempt++) {
    const text = `// @bun\nimport { scopeOf as __bunflareScopeOf } from "${SCOPE_MODULE}"; var { ${[...names].join(", ")} } = __bunflareScopeOf(import.meta);\n`;
    try {
      transpiler.scan(text + source);
      return text;
    } catch (error) {
      // `"process" has already been declared`: the module's own binding wins.
      const clash = /"([^"]+)" has already been declared/.exec(String(error));
      if (!clash || !names.delete(clash[1]!)) return text;
    }
  }
  return "// @bun\n";
}

function installPlugin(): void {
  if (pluginInstalled) return;
  pluginInstalled = true;
  Bun.plugin({
    name: "bunflare-scope",
    setup(build) {
      build.module(SCOPE_MODULE, () => ({ exports: { scopeOf }, loader: "object" }));
    },
  });
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * Makes the JavaScript modules under `dir` (a bundle's directory, or an unbundled
 * project) load untranspiled, in a scope made from `options`. The latest call for a
 * directory sets the scope its modules get from then on. Returns the scope's `globalThis`.
 */
export function registerUserCode(dir: string, options: ScopeOptions): object {
  installPlugin();
  const root = dir.endsWith(path.sep) ? dir : dir + path.sep;
  const scope = makeScope(options);
  scopes.set(root, scope);
  if (roots.has(root)) return scope.globalThis as object;
  roots.add(root);
  // One plugin per directory: Bun asks a plugin only about paths its filter matches,
  // so the host's own files never reach this code. A project's node_modules are
  // the worker's code too, but bunflare's own files are not (a fixture inside the repo).
  Bun.plugin({
    name: `bunflare-user-code:${root}`,
    setup(build) {
      build.onLoad({ filter: new RegExp(`^${escape(root)}.*\\.m?js(\\?.*)?$`) }, (args) => {
        const file = args.path.split("?")[0]!;
        userModules.add(file);
        const source = readFileSync(file, "utf8");
        if (isPackageFile(file) || source.startsWith("// @bun")) return { contents: source, loader: "js" };
        preluded.add(file);
        return { contents: preludeFor(source) + source, loader: "js" };
      });
    },
  });
  return scope.globalThis as object;
}

/**
 * Drops the modules under `dir` that an earlier load of a worker left in Bun's registry,
 * so the next import evaluates each of them again from its file: fresh module globals and
 * the file's current text (Bun keys a module by its path and ignores a file URL's query).
 * The dropped modules are then kept alive only by the old worker, and freed with it.
 * Those under node_modules too: wrangler sends them to workerd as modules like the others,
 * read again at each reload, so an edit there shows at the next reload though it
 * does not cause one. Bunflare's own files are never dropped.
 */
export function forgetUserModules(dir: string): void {
  const root = dir.endsWith(path.sep) ? dir : dir + path.sep;
  // A plugin namespace's modules (rule modules) are keyed "<namespace>:<path>".
  const pathOf = (key: string) => (key.startsWith(path.sep) ? key : key.slice(key.indexOf(":") + 1));
  for (const key of Object.keys(require.cache)) if (pathOf(key).startsWith(root)) userModules.add(key);
  for (const key of userModules) {
    const file = pathOf(key);
    if (file.startsWith(root) && !isPackageFile(file)) delete require.cache[key];
  }
}

/**
 * Notes the module files a failed load names (the file a syntax error is in, the
 * files of a top-level throw's stack), which Bun keeps failed, so that the next
 * load reads them again: a CommonJS or data module is not seen by the plugin.
 */
export function rememberFailedModules(error: unknown): void {
  const position = (error as { position?: { file?: unknown } } | undefined)?.position;
  if (typeof position?.file === "string") userModules.add(position.file);
  const stack = error instanceof Error ? error.stack : undefined;
  for (const match of stack?.matchAll(/(?:file:\/\/)?(\/[^\s():?]+):\d+:\d+/g) ?? []) userModules.add(match[1]!);
}

/**
 * Puts the lines of frames in preluded files back to the lines of the files on disk,
 * written as file URLs (as mapped bundle frames are, and as wrangler prints them); a
 * frame already in that form is left alone, so text mapped twice is not shifted twice.
 */
export function unshiftStack(text: string): string {
  // Most printed text (the request log among it) holds no stack frame.
  if (!preluded.size || !text.includes(" at ")) return text;
  return text.replace(/(^|[\s(])(\/[^\s():?]+)(?:\?[^\s():]*)?:(\d+):(\d+)/gm, (whole, before: string, file: string, line: string, column: string) => {
    if (!preluded.has(file) || Number(line) <= PRELUDE_LINES) return whole;
    return `${before}${Bun.pathToFileURL(file).href}:${Number(line) - PRELUDE_LINES}:${column}`;
  });
}

// --- Code generation from strings --------------------------------------------

const EVAL_ERROR = "Code generation from strings disallowed for this context";
const realEval = globalThis.eval;
const RealFunction = Function;
const constructors = [
  RealFunction,
  Object.getPrototypeOf(async function () {}).constructor,
  Object.getPrototypeOf(function* () {}).constructor,
  Object.getPrototypeOf(async function* () {}).constructor,
] as Function[];
const locked = constructors.map(
  (ctor) =>
    new Proxy(ctor, {
      apply() {
        throw new EvalError(EVAL_ERROR);
      },
      construct() {
        throw new EvalError(EVAL_ERROR);
      },
    }),
);
// A method, so the function has the name "eval" without declaring one (not allowed in modules).
const lockedEval = {
  eval(_code?: unknown): never {
    throw new EvalError(EVAL_ERROR);
  },
}.eval;

/**
 * eval(), new Function() and the async / generator function constructors throw
 * the runtime's EvalError (true) or work (false, while top-level code that may use
 * them runs). Process-wide: the host never generates code from strings.
 */
export function lockCodeGeneration(lock: boolean): void {
  (globalThis as { eval: unknown }).eval = lock ? lockedEval : realEval;
  (globalThis as { Function: unknown }).Function = lock ? locked[0] : RealFunction;
  constructors.forEach((ctor, index) => {
    Object.defineProperty(ctor.prototype, "constructor", { value: lock ? locked[index] : ctor, writable: true, configurable: true });
  });
}
