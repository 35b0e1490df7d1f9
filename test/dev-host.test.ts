// The worker host on its own: load a module and dispatch events to it.
import { afterAll, afterEach, expect, test } from "bun:test";
import { heapSize } from "bun:jsc";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { loadWorker } from "../runtime/host/index.ts";
import { lockCodeGeneration } from "../runtime/host/scope.ts";
import { cleanup, project, write } from "./dev-helpers.ts";

// Loading a worker here locks code generation for this whole process, as in a dev
// server; bun test runs every file in one process, so later files get eval back.
afterAll(() => lockCodeGeneration(false));

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) cleanup(dir);
});

async function load(source: string, env: Record<string, unknown> = {}) {
  const dir = project({});
  dirs.push(dir);
  const file = path.join(dir, `worker-${dirs.length}.mjs`);
  writeFileSync(file, source);
  const errors: unknown[] = [];
  const worker = await loadWorker({ file, env, onBackgroundError: (error) => errors.push(error) });
  return { worker, errors };
}

test("other handlers (queue, tail, ...) are dispatched with env and ctx, waiting for waitUntil", async () => {
  const { worker } = await load(`export default {
  async queue(batch, env, ctx) {
    let done = false;
    ctx.waitUntil(new Promise((r) => setTimeout(() => { done = true; r(); }, 5)));
    globalThis.__seen = () => done;
    return batch.messages.length + ":" + env.NAME;
  },
};`, { NAME: "q" });
  expect(await worker.dispatch("queue", { messages: [1, 2, 3] })).toBe("3:q");
  expect((globalThis as any).__seen()).toBe(true);
  expect(worker.dispatch("tail", [])).rejects.toThrow("Handler does not export a tail() function.");
});

test("an entrypoint class gets the payload alone, with env and ctx on this", async () => {
  const { worker } = await load(`import { WorkerEntrypoint } from "cloudflare:workers";
export default class extends WorkerEntrypoint {
  queue(batch) { return batch.id + ":" + this.env.NAME + ":" + typeof this.ctx.waitUntil; }
}`, { NAME: "cls" });
  expect(await worker.dispatch("queue", { id: "b1" })).toBe("b1:cls:function");
});

test("scheduled reports an exception without throwing, and noRetry is seen", async () => {
  const { worker, errors } = await load(`export default {
  scheduled(controller) { controller.noRetry(); throw new Error("cron failed"); },
};`);
  const result = await worker.scheduled("* * * * *", 0);
  expect(result).toMatchObject({ outcome: "exception", noRetry: true });
  expect(String(result.error)).toBe("Error: cron failed");
  expect(String(errors[0])).toContain("cron failed");
});

/** The JS heap's size once everything unreachable is collected. */
function heap(): number {
  Bun.gc(true);
  return heapSize();
}

test("loading a worker again evaluates every module under its root afresh, and lets the last load's modules be freed", async () => {
  const dir = project({});
  dirs.push(dir);
  const entry = path.join(dir, "index.js");
  writeFileSync(entry, 'import { big, tag } from "./lib/big.js";\nexport default { fetch() { return new Response(tag + big.length); } };\n');
  const scope = { root: dir, nodeGlobals: false, processEnv: {}, evalAtStartup: false };
  let baseline = 0;
  for (let n = 0; n < 12; n++) {
    // 8 MB held by a module global of the imported module, not of the entry.
    write(dir, "lib/big.js", `export const big = new Array(1_000_000).fill(0);\nexport const tag = "v${n}:";\n`);
    const worker = await loadWorker({ file: entry, env: {}, scope, onBackgroundError: () => {} });
    expect(await (await worker.fetch(new Request("http://localhost/"))).text()).toBe(`v${n}:1000000`);
    if (n === 1) baseline = heap();
  }
  // Kept alive, the ten loads after the second would hold 80 MB more.
  expect(heap() - baseline).toBeLessThan(25 * 1024 * 1024);
});

test("a bundle per generation (gen-<n>/worker.js, as dev builds them): each load lets the earlier generations be freed", async () => {
  const dir = project({});
  dirs.push(dir);
  const scope = { root: dir, nodeGlobals: false, processEnv: {}, evalAtStartup: false };
  let baseline = 0;
  for (let n = 1; n <= 12; n++) {
    write(dir, `gen-${n}/worker.js`, `const big = new Array(1_000_000).fill(${n});\nexport default { fetch() { return new Response(String(big[0])); } };\n`);
    const worker = await loadWorker({ file: path.join(dir, `gen-${n}/worker.js`), env: {}, scope, onBackgroundError: () => {} });
    expect(await (await worker.fetch(new Request("http://localhost/"))).text()).toBe(String(n));
    if (n === 2) baseline = heap();
  }
  expect(heap() - baseline).toBeLessThan(25 * 1024 * 1024);
});
