// env.LOADER.get(id, getCode) / load(code): a worker whose modules are given as
// strings at run time. Its modules are written to a temporary directory and
// imported by the same host that runs the user's worker, with the env the code
// names; getEntrypoint() answers fetch() and RPC calls like a service binding.
// get() keeps a loaded worker per id for this env's life, as workerd may.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { BindingContext } from "../descriptor.ts";
import type { LoadedWorker } from "../../host/index.ts";
import { hostState } from "../../modules/workers.ts";

type Module = string | { js?: string; cjs?: string; text?: string; data?: ArrayBuffer | ArrayBufferView; json?: unknown; wasm?: ArrayBuffer | ArrayBufferView };

interface WorkerCode {
  compatibilityDate?: string;
  compatibilityFlags?: string[];
  mainModule: string;
  modules: Record<string, Module>;
  env?: Record<string, unknown>;
  globalOutbound?: unknown;
}

function bytes(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function check(code: unknown): WorkerCode {
  const given = code as Partial<WorkerCode> | null;
  if (typeof given !== "object" || given === null) throw new TypeError("Worker code must be an object.");
  if (typeof given.mainModule !== "string") throw new TypeError("Worker code is missing `mainModule`.");
  if (typeof given.modules !== "object" || given.modules === null || !(given.mainModule in given.modules)) {
    throw new TypeError(`The main module "${given.mainModule}" is not among the worker's modules.`);
  }
  return given as WorkerCode;
}

/** Writes the modules under a fresh directory; names cannot climb out of it. */
function writeModules(code: WorkerCode, dirs: string[]): string {
  // Named as a dev session's build directory (src/dev/session.ts), so a later session
  // removes it if this process is killed before it can.
  const dir = mkdtempSync(path.join(tmpdir(), `bunflare-dev-${process.pid}-loader-`));
  dirs.push(dir);
  for (const [name, module] of Object.entries(code.modules)) {
    const file = path.join(dir, name);
    if (!file.startsWith(dir + path.sep)) throw new TypeError(`Module name "${name}" is not a relative path.`);
    mkdirSync(path.dirname(file), { recursive: true });
    if (typeof module === "string") writeFileSync(file, module);
    else if (module.js !== undefined) writeFileSync(file, module.js);
    else if (module.cjs !== undefined) writeFileSync(file, module.cjs);
    else if (module.text !== undefined) writeFileSync(file, module.text);
    else if (module.json !== undefined) writeFileSync(file, JSON.stringify(module.json));
    else if (module.data !== undefined) writeFileSync(file, bytes(module.data));
    else if (module.wasm !== undefined) writeFileSync(file, bytes(module.wasm));
    else throw new TypeError(`Module "${name}" has no content.`);
  }
  return path.join(dir, code.mainModule);
}

export function createWorkerLoader(ctx: BindingContext) {
  const dirs: string[] = [];
  ctx.onDispose(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const byId = new Map<string, Promise<LoadedWorker>>();

  const load = async (getCode: () => unknown): Promise<LoadedWorker> => {
    const code = check(await getCode());
    const file = writeModules(code, dirs);
    const { loadWorker } = require("../../host/index.ts") as typeof import("../../host/index.ts");
    // Loading makes the new env the one `cloudflare:workers` exports: the loader's
    // own worker keeps its env.
    const state = hostState();
    const own = state.env;
    try {
      return await loadWorker({ file, env: { ...(code.env ?? {}) }, onBackgroundError: (error) => console.error(error) });
    } finally {
      state.env = own;
    }
  };

  const stub = (worker: Promise<LoadedWorker>) => ({
    getEntrypoint(name?: string) {
      const entrypoint = name ?? undefined;
      const target = async () => (await worker).asService(entrypoint);
      return new Proxy(
        {},
        {
          get(_self, key) {
            if (key === "fetch") {
              return async (input: Request | string | URL, init?: RequestInit) => {
                const request = typeof input === "string" || input instanceof URL ? new Request(String(input), init) : new Request(input, init);
                return (await target()).fetch(request);
              };
            }
            if (key === "then" || typeof key === "symbol") return undefined;
            return async (...args: unknown[]) => {
              const instance = (await target()).rpcTarget!();
              const member = instance[key];
              if (typeof member !== "function") throw new TypeError(`The RPC receiver does not implement the method "${key}".`);
              return (member as (...a: unknown[]) => unknown).apply(instance, args);
            };
          },
        },
      );
    },
  });

  return {
    get(id: string | null, getCode: () => unknown) {
      if (id === null || id === undefined) return stub(load(getCode));
      let worker = byId.get(id);
      if (!worker) {
        byId.set(id, (worker = load(getCode)));
        // A failed load is not kept: the next get() tries again.
        worker.catch(() => byId.delete(id));
      }
      return stub(worker);
    },
    load(code: unknown) {
      return stub(load(() => code));
    },
  };
}
