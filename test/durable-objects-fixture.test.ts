// The do-counter fixture served over real HTTP, the way the dev server will
// wire it: env.COUNTER from createDurableObjectNamespace, the worker's fetch
// behind Bun.serve.
import { afterAll, expect, test } from "bun:test";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createDurableObjectNamespace, sqliteBackedClasses } from "../runtime/bindings/durable-objects/index.ts";
import { openStore } from "../runtime/store/index.ts";

const dir = mkdtempSync(path.join(tmpdir(), "do-fixture-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
cpSync(path.join(import.meta.dir, "../fixtures/do-counter"), dir, { recursive: true });
// The fixture imports `cloudflare:workers`; point that one import at a local stand-in
// (rewriting the copy, so no process-wide module plugin leaks into other test files).
writeFileSync(
  path.join(dir, "src/cloudflare-workers.js"),
  "export class DurableObject { constructor(ctx, env) { this.ctx = ctx; this.env = env; } }\n",
);
const source = readFileSync(path.join(dir, "src/index.js"), "utf8");
writeFileSync(path.join(dir, "src/index.js"), source.replace('"cloudflare:workers"', '"./cloudflare-workers.js"'));

async function serveFixture() {
  const mod = (await import(path.join(dir, "src/index.js"))) as {
    default: { fetch(request: Request, env: unknown): Promise<Response> };
    Counter: new (state: unknown, env: unknown) => unknown;
  };
  const store = openStore(path.join(dir, ".bunflare"));
  const sqlite = sqliteBackedClasses([{ tag: "v1", new_sqlite_classes: ["Counter"] }]);
  const env: Record<string, unknown> = {};
  const ns = createDurableObjectNamespace({
    store,
    className: "Counter",
    getClass: () => mod.Counter,
    getEnv: () => env,
    sqlite: sqlite.has("Counter"),
  });
  env.COUNTER = ns;
  const server = Bun.serve({ port: 0, fetch: (request) => mod.default.fetch(request, env) });
  return {
    url: `http://localhost:${server.port}`,
    stop() {
      server.stop(true);
      ns.dispose();
      store.close();
    },
  };
}

test("the counter fixture counts every concurrent HTTP request once and keeps the count across a restart", async () => {
  let app = await serveFixture();
  const bodies = await Promise.all(Array.from({ length: 40 }, () => fetch(`${app.url}/`).then((r) => r.text())));
  expect(bodies.map(Number).sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
  expect(await (await fetch(`${app.url}/rpc`)).text()).toBe("41");
  expect(await (await fetch(`${app.url}/value?name=other`)).text()).toBe("0");
  app.stop();

  app = await serveFixture();
  try {
    expect(await (await fetch(`${app.url}/value`)).text()).toBe("41");
    expect(await (await fetch(`${app.url}/`)).text()).toBe("42");
  } finally {
    app.stop();
  }
});

test("a count written by one process is read by the next, even when the first exits without cleanup", async () => {
  const store = path.join(dir, ".bunflare-procs");
  const script = `
    import { createDurableObjectNamespace } from ${JSON.stringify(path.join(import.meta.dir, "../runtime/bindings/durable-objects/index.ts"))};
    import { openStore } from ${JSON.stringify(path.join(import.meta.dir, "../runtime/store/index.ts"))};
    const { Counter } = await import(${JSON.stringify(path.join(dir, "src/index.js"))});
    const ns = createDurableObjectNamespace({
      store: openStore(${JSON.stringify(store)}),
      className: "Counter",
      getClass: () => Counter,
      getEnv: () => ({}),
      sqlite: true,
    });
    console.log(await ns.getByName("shared").increment());
    process.exit(0);
  `;
  const run = () => {
    const proc = Bun.spawnSync([process.execPath, "-e", script], { stderr: "pipe", timeout: 30_000 });
    expect(proc.stderr.toString()).toBe("");
    return proc.stdout.toString().trim();
  };
  expect(run()).toBe("1");
  expect(run()).toBe("2");
});
