// Separate `bunflare dev` processes finding each other through the dev registry:
// service fetch, RPC (default and named entrypoints), Durable Objects bound with
// script_name, wrangler's not-found error, and a kill -9 followed by a restart.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { cleanedAfterEach, eventually, project, startDev } from "./dev-helpers.ts";
import { durableObject, tomlWithMain } from "./configs.ts";
import { lookupWorker, registerWorker, setRpcAddress, unregisterWorker } from "../runtime/rpc/registry.ts";
import { answerRpc, decode, encode, outstandingLoans, remoteCall, remoteFetch, sweepLoans, type RpcReply } from "../runtime/rpc/remote.ts";
import { localCapability } from "../runtime/rpc/stubs.ts";
import { RpcTarget } from "../runtime/modules/workers.ts";

setDefaultTimeout(60_000);

const { running, dirs } = cleanedAfterEach();

const CALLEE = {
  "wrangler.toml": tomlWithMain("callee", "index.js", durableObject("COUNTER", "Counter")),
  "index.js": `import { WorkerEntrypoint, DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  async increment(by) { const n = ((await this.ctx.storage.get("n")) ?? 0) + by; await this.ctx.storage.put("n", n); return n; }
  async fetch(request) { return new Response("counter at " + (await this.ctx.storage.get("n")) + " for " + new URL(request.url).pathname); }
}
export class Named extends WorkerEntrypoint {
  greet(who) { return "hello " + who; }
  fetch() { return new Response("named fetch"); }
}
export default class extends WorkerEntrypoint {
  async fetch(request) {
    if (new URL(request.url).pathname === "/throw") throw new TypeError("callee fetch failed");
    if (new URL(request.url).pathname === "/headers") return Response.json([...request.headers]);
    return new Response("callee saw " + request.method + " " + request.url + " " + (await request.text()));
  }
  echo(value) { return { value, at: new Date(0), tags: new Set(["a"]) }; }
  fail() { throw new RangeError("out of range in callee"); }
  get answer() { return 42; }
}
`,
};

const CALLER = {
  "wrangler.toml": `name = "caller"
main = "index.js"
compatibility_date = "2025-01-01"
[[services]]
binding = "CALLEE"
service = "callee"
[[services]]
binding = "NAMED"
service = "callee"
entrypoint = "Named"
[[durable_objects.bindings]]
name = "COUNTER"
class_name = "Counter"
script_name = "callee"
`,
  "index.js": `const routes = {
  "/fetch": (env) => env.CALLEE.fetch("https://example.com/path?q=1", { method: "POST", body: "hello" }),
  "/echo": async (env) => {
    const r = await env.CALLEE.echo(new Map([[1, 2n]]));
    return Response.json([r.value instanceof Map, String(r.value.get(1)), r.at instanceof Date, r.tags instanceof Set]);
  },
  "/fail": async (env) => env.CALLEE.fail().then(() => new Response("no error"), (e) => new Response(e.name + ": " + e.message + " " + (e instanceof RangeError))),
  "/prop": async (env) => new Response(String(await env.CALLEE.answer)),
  "/named": async (env) => new Response(await env.NAMED.greet("bob")),
  "/named-fetch": (env) => env.NAMED.fetch("http://x/"),
  "/do": async (env) => {
    const stub = env.COUNTER.getByName("c");
    const n = await stub.increment(2);
    return new Response(n + "; " + (await (await stub.fetch("http://x/path")).text()));
  },
  "/rpc-missing": async (env) => env.CALLEE.echo(1).then(() => new Response("answered"), (e) => new Response("threw " + e.message)),
  "/do-missing": async (env) => env.COUNTER.getByName("c").increment(1).then(() => new Response("answered"), (e) => new Response("threw " + e.message)),
  "/fetch-headers": (env) => env.CALLEE.fetch("http://x/headers", { headers: { "x-foo": "bar" } }),
  "/fetch-throws": async (env) => env.CALLEE.fetch("http://x/throw").then(() => new Response("answered"), (e) => new Response("threw " + e.name + ": " + e.message)),
  "/uncloneable": async (env) => env.CALLEE.echo(Symbol("s")).then(() => new Response("sent"), (e) => new Response(e.name)),
};
export default { fetch: (request, env) => routes[new URL(request.url).pathname](env) };
`,
};

async function twoSessions() {
  const registry = project({});
  const calleeDir = project(CALLEE);
  const callerDir = project(CALLER);
  dirs.push(registry, calleeDir, callerDir);
  const env = { BUNFLARE_REGISTRY_PATH: registry };
  const start = async (dir: string) => {
    const dev = await startDev(dir, [], { env });
    running.push(dev);
    return dev;
  };
  const callee = await start(calleeDir);
  const caller = await start(callerDir);
  const get = async (path: string) => {
    const response = await fetch(new URL(path, caller.url), { headers: { "user-agent": "curl/8" } });
    return { status: response.status, text: await response.text() };
  };
  return { callee, caller, get, start, restartCallee: () => start(calleeDir) };
}

describe("bunflare dev across processes", () => {
  test("service fetch, RPC to default and named entrypoints, and a script_name Durable Object reach the other process", async () => {
    const { caller, callee, get } = await twoSessions();
    expect(caller.output()).toMatch(/env\.CALLEE \(callee\)\s+Worker\s+local \[connected\]/);
    expect(caller.output()).toMatch(/env\.COUNTER \(Counter, defined in callee\)\s+Durable Object\s+local \[connected\]/);
    expect(await get("/fetch")).toEqual({ status: 200, text: "callee saw POST https://example.com/path?q=1 hello" });
    // Structured clone, not JSON: Map, bigint, Date and Set survive both ways.
    expect(JSON.parse((await get("/echo")).text)).toEqual([true, "2", true, true]);
    expect((await get("/fail")).text).toBe("RangeError: out of range in callee true");
    expect((await get("/prop")).text).toBe("42");
    expect((await get("/named")).text).toBe("hello bob");
    expect((await get("/named-fetch")).text).toBe("named fetch");
    expect((await get("/do")).text).toBe("2; counter at 2 for /path");
    expect((await get("/do")).text).toBe("4; counter at 4 for /path");
    expect((await get("/uncloneable")).text).toBe("DataCloneError");
    // A callee whose fetch throws: the caller's fetch() rejects with that error; the callee logs it.
    // The request's own headers only, none the hop between the processes added.
    expect(JSON.parse((await get("/fetch-headers")).text)).toEqual([["x-foo", "bar"]]);
    expect((await get("/fetch-throws")).text).toBe("threw TypeError: callee fetch failed");
    await callee.waitForOutput(/\[wrangler:error\] TypeError: callee fetch failed/);
    expect(callee.output()).not.toMatch(/GET \/throw/);
  });

  test("after kill -9 the caller gets wrangler's not-found error; a restarted callee is found again with its data", async () => {
    const { callee, get, restartCallee } = await twoSessions();
    expect((await get("/do")).text).toBe("2; counter at 2 for /path");
    callee.child.kill("SIGKILL");
    await eventually(async () => callee.child.exitCode !== null || callee.child.signalCode !== null);
    expect(await get("/fetch")).toEqual({ status: 503, text: 'Worker "callee" not found. Make sure it is running locally.' });
    expect((await get("/rpc-missing")).text).toBe('threw Worker "callee" not found. Make sure it is running locally.');
    expect((await get("/do-missing")).text).toBe('threw Worker "callee" not found. Make sure it is running locally.');
    await restartCallee();
    expect((await get("/do")).text).toBe("4; counter at 4 for /path");
  });
});

describe("connection status", () => {
  test("the caller prints its bindings again when the callee starts, and when it is killed with -9 (wrangler misses a kill)", async () => {
    const registry = project({});
    const calleeDir = project(CALLEE);
    const callerDir = project(CALLER);
    dirs.push(registry, calleeDir, callerDir);
    const env = { BUNFLARE_REGISTRY_PATH: registry };
    const caller = await startDev(callerDir, [], { env });
    running.push(caller);
    expect(caller.output()).toMatch(/env\.CALLEE \(callee\)\s+Worker\s+local \[not connected\]/);
    expect(caller.output()).not.toContain("Connection status updated");
    const callee = await startDev(calleeDir, [], { env });
    running.push(callee);
    await caller.waitForOutput(/⎔ Connection status updated\nYour Worker has access to the following bindings:\n[^]*env\.CALLEE \(callee\)\s+Worker\s+local \[connected\]/);
    // Every row that changed is in the one table: the named entrypoint and the Durable Object too.
    const update = caller.output().slice(caller.output().indexOf("Connection status updated"));
    expect(update).toMatch(/env\.NAMED \(callee#Named\)\s+Worker\s+local \[connected\]/);
    expect(update).toMatch(/env\.COUNTER \(Counter, defined in callee\)\s+Durable Object\s+local \[connected\]/);
    callee.child.kill("SIGKILL");
    await eventually(async () => caller.output().split("Connection status updated").length === 3);
    expect(caller.output().slice(caller.output().lastIndexOf("Connection status updated"))).toMatch(/env\.CALLEE \(callee\)\s+Worker\s+local \[not connected\]/);
  });
});

describe("the dev registry", () => {
  test("a second session of the same worker is warned, serves other processes' calls, and hands them back when it stops", async () => {
    const { get, start } = await twoSessions();
    expect((await get("/fetch")).text).toStartWith("callee saw POST");
    const secondDir = project({ ...CALLEE, "index.js": CALLEE["index.js"].replace('"callee saw "', '"second callee saw "') });
    dirs.push(secondDir);
    const second = await start(secondDir);
    await second.waitForOutput(/Worker "callee" is already running in another dev session \(process \d+, http:\/\/[^)]+\)/);
    expect(second.output()).toContain("they go back to the other one when this one stops");
    expect((await get("/fetch")).text).toStartWith("second callee saw POST");
    await second.stop();
    // wrangler's registry would now answer "not found"; the first session serves again.
    expect((await get("/fetch")).text).toStartWith("callee saw POST");
  });

  test("an entry whose process lives but no longer serves (pid reused) counts as not running", async () => {
    const registry = project({});
    dirs.push(registry);
    const saved = process.env.BUNFLARE_REGISTRY_PATH;
    process.env.BUNFLARE_REGISTRY_PATH = registry;
    try {
      // This test's own pid is alive; nothing listens on port 1.
      registerWorker({ name: "reused", url: "http://127.0.0.1:1", entrypoints: ["default"], durableObjects: [] });
      const response = await remoteFetch({ worker: "reused" }, new Request("http://x/"));
      expect(response.status).toBe(503);
      expect(await response.text()).toBe('Worker "reused" not found. Make sure it is running locally.');
      await expect(remoteCall({ worker: "reused" }, "call", ["method"], [])).rejects.toThrow('Worker "reused" not found. Make sure it is running locally.');
    } finally {
      unregisterWorker("reused");
      if (saved === undefined) delete process.env.BUNFLARE_REGISTRY_PATH;
      else process.env.BUNFLARE_REGISTRY_PATH = saved;
    }
  });


  test("an entry whose process has died is ignored; unregister removes this process's entry", () => {
    const registry = project({});
    dirs.push(registry);
    const saved = process.env.BUNFLARE_REGISTRY_PATH;
    process.env.BUNFLARE_REGISTRY_PATH = registry;
    try {
      registerWorker({ name: "mine", url: "http://127.0.0.1:1", entrypoints: ["default"], durableObjects: ["C"] });
      expect(lookupWorker("mine")).toMatchObject({ url: "http://127.0.0.1:1", pid: process.pid, durableObjects: ["C"] });
      // A pid that has exited stands for a session killed with -9.
      const dead = spawnSync("true").pid;
      const { Database } = require("bun:sqlite") as typeof import("bun:sqlite");
      const db = new Database(`${registry}/registry.sqlite`);
      db.run("UPDATE dev_workers SET pid = ? WHERE name = 'mine'", [dead]);
      db.close();
      expect(lookupWorker("mine")).toBeUndefined();
      registerWorker({ name: "mine", url: "http://127.0.0.1:2", entrypoints: [], durableObjects: [] });
      unregisterWorker("mine");
      expect(lookupWorker("mine")).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.BUNFLARE_REGISTRY_PATH;
      else process.env.BUNFLARE_REGISTRY_PATH = saved;
    }
  });
});

describe("what a process lends to a borrower that dies", () => {
  test("capabilities returned to a dead caller are released, a live caller's kept; unclaimed streams are cancelled", async () => {
    setRpcAddress("http://127.0.0.1:1");
    try {
      let cancelled = 0;
      class Api extends RpcTarget {
        counter() {
          return () => 1;
        }
        stream() {
          return new ReadableStream({ pull() {}, cancel: () => void cancelled++ });
        }
      }
      const api = new Api();
      const resolve = () => localCapability(() => api);
      const ask = async (method: string, from: number) => {
        const response = await answerRpc((await encode({ target: { worker: "w" }, op: "call", path: [method], args: [], from })).buffer as ArrayBuffer, resolve);
        expect(decode<RpcReply>(await response.arrayBuffer())).not.toHaveProperty("error");
      };
      const before = outstandingLoans();
      const dead = spawnSync("true").pid!;
      await ask("counter", dead);
      await ask("counter", process.pid === 1 ? 2 : 1);
      await ask("stream", dead);
      expect(outstandingLoans()).toEqual({ capabilities: before.capabilities + 2, streams: before.streams + 1 });
      sweepLoans();
      // The dead caller's function is gone; pid 1 (alive) keeps its own; the stream waits for its reader a while.
      expect(outstandingLoans()).toEqual({ capabilities: before.capabilities + 1, streams: before.streams + 1 });
      sweepLoans(Date.now() + 61_000);
      expect(outstandingLoans().streams).toBe(before.streams);
      expect(cancelled).toBe(1);
    } finally {
      setRpcAddress(undefined);
    }
  });
});

describe("a borrower killed with -9", () => {
  // This process lends (it answers RPC as a dev server does); a real `bunflare dev` borrows and is killed.
  test("what it borrowed and kept is released by the lender's sweep", async () => {
    const registry = project({});
    const borrowerDir = project({
      "wrangler.toml": tomlWithMain("borrower", "index.js", `[[services]]\nbinding = "LENDER"\nservice = "lender"\n`),
      "index.js": `const kept = [];
export default {
  async fetch(request, env) {
    const counter = await env.LENDER.counter();
    kept.push(counter);
    return new Response(String(await counter()));
  },
};
`,
    });
    dirs.push(registry, borrowerDir);
    const saved = process.env.BUNFLARE_REGISTRY_PATH;
    process.env.BUNFLARE_REGISTRY_PATH = registry;
    class Api extends RpcTarget {
      counter() {
        let n = 0;
        return () => ++n;
      }
    }
    const api = new Api();
    const lender = Bun.serve({
      hostname: "127.0.0.1",
      port: 0,
      fetch: async (request) => answerRpc(await request.arrayBuffer(), () => localCapability(() => api)),
    });
    setRpcAddress(lender.url.origin);
    registerWorker({ name: "lender", url: lender.url.origin, entrypoints: [], durableObjects: [] });
    try {
      const before = outstandingLoans().capabilities;
      const borrower = await startDev(borrowerDir, [], { env: { BUNFLARE_REGISTRY_PATH: registry } });
      running.push(borrower);
      expect(await (await fetch(borrower.url)).text()).toBe("1");
      expect(await (await fetch(borrower.url)).text()).toBe("1");
      // Both counters are kept by the borrower: lent, not released.
      expect(outstandingLoans().capabilities).toBe(before + 2);
      borrower.child.kill("SIGKILL");
      await eventually(async () => borrower.child.signalCode !== null);
      // The sweep runs every 10 s while anything is lent.
      await eventually(async () => outstandingLoans().capabilities === before, 30_000);
    } finally {
      unregisterWorker("lender");
      setRpcAddress(undefined);
      lender.stop(true);
      if (saved === undefined) delete process.env.BUNFLARE_REGISTRY_PATH;
      else process.env.BUNFLARE_REGISTRY_PATH = saved;
    }
  });
});

describe("RPC across processes behaves as within one", () => {
  // fixtures/dev-rpc calls its own entrypoint; compat-tests/cases/rpc.ts checks those answers against wrangler dev.
  // Here a second process runs the same caller code with its bindings pointing at the first. (Two wrangler dev
  // sessions set up this way answer exactly as one does: checked by hand with the pinned wrangler.)
  test("properties, pipelining, RpcTargets, callbacks, ctx.props, errors, cloning and disposal", async () => {
    const registry = project({});
    const callee = project({}, "dev-rpc");
    const source = await Bun.file(`${callee}/index.js`).text();
    const caller = project({
      "index.js": source,
      "wrangler.toml": `name = "caller"
main = "index.js"
compatibility_date = "2025-01-01"
[[services]]
binding = "SELF"
service = "probe"
entrypoint = "Api"
[[services]]
binding = "PROPS"
service = "probe"
entrypoint = "Api"
props = { user = "ann", n = 1 }
[[services]]
binding = "DEFAULT"
service = "probe"
[[services]]
binding = "HANDLERS"
service = "probe"
entrypoint = "handlers"
[[durable_objects.bindings]]
name = "DO"
class_name = "Obj"
script_name = "probe"
`,
    });
    dirs.push(registry, callee, caller);
    const env = { BUNFLARE_REGISTRY_PATH: registry };
    const inner = await startDev(callee, [], { env });
    running.push(inner);
    const outer = await startDev(caller, [], { env });
    running.push(outer);
    for (const route of ["/members", "/props", "/errors", "/clone", "/handlers", "/stubs"]) {
      const local = await (await fetch(new URL(route, inner.url))).json();
      const remote = await (await fetch(new URL(route, outer.url))).json();
      expect({ route, remote }).toEqual({ route, remote: local });
    }
    // The callback above ran in the caller's process, called back from the callee's.
    expect(JSON.stringify(await (await fetch(new URL("/stubs", outer.url))).json())).toContain('"callback":{"value":"cb:42"}');
  });
});
