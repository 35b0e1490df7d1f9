// Service-binding setups that once ended in "Maximum call stack size exceeded":
// a worker bound to itself, two services bound to each other (in one
// `bunflare dev` and across two), middleware around a WorkerEntrypoint; and
// three processes where one is killed with -9 and restarted.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { cleanedAfterEach, eventually, project, startDev } from "./dev-helpers.ts";
import { durableObject, JOBS, KV, R2, tomlWithMain } from "./configs.ts";

setDefaultTimeout(60_000);

const { running, dirs } = cleanedAfterEach();

async function start(dir: string, args: string[] = [], env: Record<string, string> = {}) {
  const dev = await startDev(dir, args, { env });
  running.push(dev);
  return dev;
}
const text = async (base: string, path: string) => {
  const response = await fetch(new URL(path, base));
  return `${response.status} ${await response.text()}`;
};

const SELF = {
  "wrangler.toml": `name = "self"
main = "index.js"
compatibility_date = "2025-01-01"
[[services]]
binding = "SELF"
service = "self"
[[services]]
binding = "NAMED"
service = "self"
entrypoint = "Named"
`,
  "index.js": `import { WorkerEntrypoint } from "cloudflare:workers";
const calls = [];
// Instrumentation as tracing libraries do it: a Proxy around the class whose instances are Proxies too.
function instrument(Base) {
  return new Proxy(Base, {
    construct(target, args, newTarget) {
      const instance = Reflect.construct(target, args, newTarget);
      return new Proxy(instance, {
        get(obj, key, receiver) {
          const value = Reflect.get(obj, key, receiver);
          if (typeof value !== "function" || typeof key !== "string") return value;
          return (...a) => { calls.push(key); return value.apply(obj, a); };
        },
      });
    },
  });
}
// Middleware as a subclass that wraps fetch.
function withPrefix(Base) {
  return class extends Base {
    async fetch(request) { const r = await super.fetch(request); return new Response("mw:" + (await r.text()), r); }
  };
}
export const Named = instrument(class Named extends WorkerEntrypoint {
  hi() { return "named hi"; }
  async fetch() { return new Response("named " + (await this.env.SELF.add(1, 2))); }
});
class App extends WorkerEntrypoint {
  add(a, b) { return a + b; }
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === "/inner") return new Response("inner");
    if (path === "/self-fetch") return this.env.SELF.fetch("http://x/inner");
    if (path === "/self-rpc") return new Response(String(await this.env.SELF.add(2, 3)));
    if (path === "/named") return this.env.NAMED.fetch("http://x/");
    if (path === "/named-rpc") return new Response((await this.env.NAMED.hi()) + " " + calls.join(","));
    return new Response("root");
  }
}
export default withPrefix(App);
`,
};

const pingPong = (name: string, other: string, method: string, next: string) => ({
  "wrangler.toml": `name = "${name}"
main = "index.js"
compatibility_date = "2025-01-01"
[[services]]
binding = "OTHER"
service = "${other}"
`,
  "index.js": `import { WorkerEntrypoint } from "cloudflare:workers";
export default class extends WorkerEntrypoint {
  ${method}(n) { return n <= 0 ? "${name} done" : this.env.OTHER.${next}(n - 1); }
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === "/fetch") return this.env.OTHER.fetch("http://x/leaf");
    if (path === "/leaf") return new Response("leaf of ${name}");
    return new Response(String(await this.${method}(Number(new URL(request.url).searchParams.get("n") ?? 5))));
  }
}
`,
});

describe("setups that recursed without end", () => {
  test("a worker bound to itself, its named entrypoint, middleware and an instrumenting Proxy", async () => {
    const dir = project(SELF);
    dirs.push(dir);
    const dev = await start(dir);
    expect(await text(dev.url, "/")).toBe("200 mw:root");
    // workerd runs the default export (middleware included) for a fetch through a binding to it.
    expect(await text(dev.url, "/self-fetch")).toBe("200 mw:mw:inner");
    expect(await text(dev.url, "/self-rpc")).toBe("200 mw:5");
    expect(await text(dev.url, "/named")).toBe("200 mw:named 3");
    // The call went through the instance Proxy, so the instrumentation saw it.
    expect(await text(dev.url, "/named-rpc")).toBe("200 mw:named hi fetch,hi");
  });

  test("two services bound to each other, in one bunflare dev and across two", async () => {
    const registry = project({});
    const a = project(pingPong("a", "b", "ping", "pong"));
    const b = project(pingPong("b", "a", "pong", "ping"));
    dirs.push(registry, a, b);
    const env = { BUNFLARE_REGISTRY_PATH: registry };
    const together = await start(a, ["-c", "wrangler.toml", "-c", `${b}/wrangler.toml`], env);
    expect(await text(together.url, "/?n=5")).toBe("200 b done");
    expect(await text(together.url, "/?n=6")).toBe("200 a done");
    expect(await text(together.url, "/fetch")).toBe("200 leaf of b");
    await together.stop();
    const devB = await start(b, [], env);
    const devA = await start(a, [], env);
    expect(await text(devA.url, "/?n=5")).toBe("200 b done");
    expect(await text(devB.url, "/?n=5")).toBe("200 a done");
    expect(await text(devA.url, "/fetch")).toBe("200 leaf of b");
    expect(await text(devB.url, "/fetch")).toBe("200 leaf of a");
  });
});

describe("streams across processes", () => {
  test("a returned ReadableStream is read while the callee still writes it; a stream argument is read by the callee", async () => {
    const registry = project({});
    const callee = project({
      "wrangler.toml": 'name = "streamer"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n',
      "index.js": `import { WorkerEntrypoint } from "cloudflare:workers";
let finish;
const finished = new Promise((resolve) => (finish = resolve));
export default class extends WorkerEntrypoint {
  fetch() { return new Response("streamer"); }
  stream() {
    const bytes = new TextEncoder();
    return new ReadableStream({
      async start(controller) {
        controller.enqueue(bytes.encode("first;"));
        // The rest only once the caller has said it read the first chunk.
        await finished;
        controller.enqueue(bytes.encode("rest"));
        controller.close();
      },
    });
  }
  finish() { finish(); return "finished"; }
  async upload(stream) { return "got " + (await new Response(stream).text()); }
}
`,
    });
    const caller = project({
      "wrangler.toml": 'name = "reader"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[services]]\nbinding = "S"\nservice = "streamer"\n',
      "index.js": `export default {
  async fetch(request, env) {
    const decoder = new TextDecoder();
    if (new URL(request.url).pathname === "/upload") {
      const { readable, writable } = new TransformStream();
      const answer = env.S.upload(readable);
      const writer = writable.getWriter();
      await writer.write(new TextEncoder().encode("up"));
      await writer.write(new TextEncoder().encode("load"));
      await writer.close();
      return new Response(await answer);
    }
    const reader = (await env.S.stream()).getReader();
    const first = decoder.decode((await reader.read()).value);
    const said = await env.S.finish();
    let rest = "";
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += decoder.decode(chunk.value);
    return new Response(first + " | " + said + " | " + rest);
  },
};
`,
    });
    dirs.push(registry, callee, caller);
    const env = { BUNFLARE_REGISTRY_PATH: registry };
    await start(callee, [], env);
    const dev = await start(caller, [], env);
    expect(await text(dev.url, "/")).toBe("200 first; | finished | rest");
    expect(await text(dev.url, "/upload")).toBe("200 got upload");
  });
});

describe("an entrypoint class that does not extend WorkerEntrypoint", () => {
  // Deliberately clearer than wrangler, which answers "internal error; reference = <random id>".
  test("RPC to it fails with an error naming the class; fetch still works", async () => {
    const dir = project({
      "wrangler.toml": `name = "plain"
main = "index.js"
compatibility_date = "2025-01-01"
[[services]]
binding = "PLAIN"
service = "plain"
entrypoint = "Plain"
`,
      "index.js": `export class Plain { hi() { return "hi"; } fetch() { return new Response("plain fetch"); } }
export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === "/fetch") return env.PLAIN.fetch("http://x/");
    return env.PLAIN.hi().then(() => new Response("answered"), (e) => new Response(e.name + ": " + e.message));
  },
};
`,
    });
    dirs.push(dir);
    const dev = await start(dir);
    expect(await text(dev.url, "/")).toBe(
      '200 Error: The entrypoint "Plain" is a class that does not extend WorkerEntrypoint (from "cloudflare:workers"), so it cannot take RPC calls.',
    );
    expect(await text(dev.url, "/fetch")).toBe("200 plain fetch");
  });
});

describe("three processes, one killed with -9", () => {
  test("callers in the other two get wrangler's error, then reach the restarted session and its stored data", async () => {
    const registry = project({});
    const store = project({
      "wrangler.toml": tomlWithMain("store", "index.js", durableObject("COUNTER", "Counter")),
      "index.js": `import { WorkerEntrypoint, DurableObject, RpcTarget } from "cloudflare:workers";
class Handle extends RpcTarget { constructor(n) { super(); this.n = n; } get value() { return this.n; } }
export class Counter extends DurableObject {
  async increment() { const n = ((await this.ctx.storage.get("n")) ?? 0) + 1; await this.ctx.storage.put("n", n); return new Handle(n); }
}
export default class extends WorkerEntrypoint {
  fetch() { return new Response("store"); }
  pid() { return process.pid; }
}
`,
    });
    const client = (name: string) =>
      project({
        "wrangler.toml": `name = "${name}"
main = "index.js"
compatibility_date = "2025-01-01"
compatibility_flags = ["nodejs_compat"]
[[services]]
binding = "STORE"
service = "store"
[[durable_objects.bindings]]
name = "COUNTER"
class_name = "Counter"
script_name = "store"
`,
        "index.js": `export default {
  async fetch(request, env) {
    try {
      // Pipelined: the Handle's value is read without awaiting increment() first.
      return new Response(String(await env.COUNTER.getByName("one").increment().value));
    } catch (e) { return new Response(e.message, { status: 500 }); }
  },
};
`,
      });
    const one = client("one");
    const two = client("two");
    dirs.push(registry, store, one, two);
    const env = { BUNFLARE_REGISTRY_PATH: registry };
    const storeDev = await start(store, [], env);
    const devOne = await start(one, [], env);
    const devTwo = await start(two, [], env);
    expect(await text(devOne.url, "/")).toBe("200 1");
    expect(await text(devTwo.url, "/")).toBe("200 2");
    storeDev.child.kill("SIGKILL");
    await eventually(async () => storeDev.child.exitCode !== null || storeDev.child.signalCode !== null);
    const missing = '500 Worker "store" not found. Make sure it is running locally.';
    expect(await text(devOne.url, "/")).toBe(missing);
    expect(await text(devTwo.url, "/")).toBe(missing);
    // The restarted session has a new address; the stale entry's pid is dead, so callers use the new one.
    await start(store, [], env);
    expect(await text(devOne.url, "/")).toBe("200 3");
    expect(await text(devTwo.url, "/")).toBe("200 4");
  });
});

describe("stubs within one process", () => {
  const { createServiceBinding } = require("../runtime/bindings/service/index.ts") as typeof import("../runtime/bindings/service/index.ts");
  const { RpcTarget, WorkerEntrypoint } = require("../runtime/modules/workers.ts") as typeof import("../runtime/modules/workers.ts");
  const { RpcStub } = require("../runtime/rpc/stubs.ts") as typeof import("../runtime/rpc/stubs.ts");
  class Box extends RpcTarget {
    items: string[] = [];
    add(item: string) {
      this.items.push(item);
      return this.items.length;
    }
  }
  class Api extends WorkerEntrypoint<unknown, { who?: string }> {
    box() {
      return new Box();
    }
    who() {
      return this.ctx.props.who ?? "nobody";
    }
    headers(h: Headers) {
      h.set("x-callee", "1");
      return h;
    }
    blob() {
      return new Blob(["x"]);
    }
  }
  const binding = (props?: unknown) =>
    createServiceBinding({
      service: "api",
      props,
      find: () => ({
        fetch: async () => new Response("fetched"),
        rpcTarget: (p) => new Api({ waitUntil() {}, passThroughOnException() {}, props: p as { who?: string } }, {}) as unknown as Record<string, unknown>,
      }),
    }) as any;

  test("dup() keeps the target reachable after the first stub is disposed; each call's entrypoint gets the binding's props", async () => {
    const api = binding({ who: "ann" });
    const box = await api.box();
    expect(box instanceof RpcStub).toBe(true);
    expect(await box.add("a")).toBe(1);
    const copy = box.dup();
    box[Symbol.dispose]();
    expect(await box.add("b").then(() => "answered", (e: Error) => e.message)).toBe("RPC stub used after being disposed.");
    expect(await copy.add("b")).toBe(2);
    expect(await api.who()).toBe("ann");
    expect(await binding().who()).toBe("nobody");
    expect(await (await api.fetch("http://x/")).text()).toBe("fetched");
  });

  test("a service binding is sent over RPC only with the experimental compatibility flag, as in workerd", async () => {
    const api = binding();
    const sent = await api.who(api).then(() => "sent", (e: DOMException) => [`${e.name}: ${e.message}`, e.stack!.split("\n")[0], e.stack!.includes("\n    at ")]);
    // Its stack is headed by its name and message, as workerd's DOMExceptions' are (Bun's said "Error").
    const refused = "DataCloneError: ServiceStub serialization requires the 'experimental' compat flag.";
    expect(sent).toEqual([refused, refused, true]);
    const experimental = createServiceBinding({ service: "api", experimental: true, find: () => undefined }) as any;
    expect(await api.who(experimental)).toBe("nobody");
  });

  test("a Blob or File, as argument or result, is refused with workerd's DataCloneError; the error's stack has no frames of bunflare's runtime", async () => {
    const api = binding();
    const refused = (type: string) => `DataCloneError: Could not serialize object of type "${type}". This type does not support serialization.`;
    const sent = await api.who(new Blob(["x"])).then(
      () => "sent",
      (e: DOMException) => [`${e.name}: ${e.message}`, e.stack!.split("\n")[0], e.stack!.includes("/runtime/"), e.stack!.includes(import.meta.path)],
    );
    expect(sent).toEqual([refused("Blob"), refused("Blob"), false, true]);
    expect(await api.who(new File(["x"], "a.txt")).catch((e: Error) => e.message)).toBe(refused("File").slice("DataCloneError: ".length));
    const returned = await api.blob().catch((e: DOMException & { remote?: boolean }) => [`${e.name}: ${e.message}`, e.remote]);
    expect(returned).toEqual([refused("Blob"), true]);
  });

  test("a pending call, a property, a returned stub and the binding stringify as workerd's, without an RPC call", async () => {
    const api = binding();
    const box = await api.box();
    const call = api.who();
    const views = [call, api.who, box, box.add, box.add("a"), api.box().add, api];
    expect(views.map((v) => [String(v), `${v}`, Object.prototype.toString.call(v), v.toString === Object.prototype.toString, v.constructor.name])).toEqual([
      ["[object JsRpcPromise]", "[object JsRpcPromise]", "[object JsRpcPromise]", true, "RpcPromise"],
      ["[object JsRpcProperty]", "[object JsRpcProperty]", "[object JsRpcProperty]", true, "RpcProperty"],
      ["[object JsRpcStub]", "[object JsRpcStub]", "[object JsRpcStub]", true, "RpcStub"],
      ["[object JsRpcProperty]", "[object JsRpcProperty]", "[object JsRpcProperty]", true, "RpcProperty"],
      ["[object JsRpcPromise]", "[object JsRpcPromise]", "[object JsRpcPromise]", true, "RpcPromise"],
      ["[object JsRpcProperty]", "[object JsRpcProperty]", "[object JsRpcProperty]", true, "RpcProperty"],
      ["[object Fetcher]", "[object Fetcher]", "[object Fetcher]", true, "Fetcher"],
    ]);
    expect(await call).toBe("nobody");
  });

  test("an error the callee throws arrives with its type, message and remote mark, and a stack of the caller's frames only", async () => {
    class Thrower extends WorkerEntrypoint {
      fail() {
        throw new RangeError("out of range");
      }
    }
    const api = createServiceBinding({
      service: "thrower",
      find: () => ({ fetch: async () => new Response(), rpcTarget: () => new Thrower({ waitUntil() {}, passThroughOnException() {}, props: {} }, {}) as any }),
    }) as any;
    const error = await api.fail().catch((e: Error) => e);
    expect([error instanceof RangeError, error.message, error.remote, error.stack.split("\n")[0], error.stack.includes("/runtime/")]).toEqual([
      true,
      "out of range",
      true,
      "RangeError: out of range",
      false,
    ]);
  });

  test("arguments are copies: the callee's changes to them do not reach the caller", async () => {
    const api = binding();
    const sent = new Headers({ a: "1" });
    const back = await api.headers(sent);
    expect(back.get("x-callee")).toBe("1");
    expect(sent.has("x-callee")).toBe(false);
  });
});

describe("property reads", () => {
  test("awaiting the same member twice reads the property twice", async () => {
    const { createServiceBinding } = require("../runtime/bindings/service/index.ts") as typeof import("../runtime/bindings/service/index.ts");
    const { WorkerEntrypoint } = require("../runtime/modules/workers.ts") as typeof import("../runtime/modules/workers.ts");
    let reads = 0;
    class Api extends WorkerEntrypoint {
      get count() {
        return ++reads;
      }
    }
    const api = createServiceBinding({
      service: "api",
      find: () => ({ fetch: async () => new Response(), rpcTarget: () => new Api({ waitUntil() {}, passThroughOnException() {}, props: {} }, {}) as any }),
    }) as any;
    expect(await api.count).toBe(1);
    expect(await api.count).toBe(2);
  });
});

describe("a Durable Object stub as an RPC argument or result", () => {
  const refused = 'DataCloneError: Could not serialize object of type "DurableObject". This type does not support serialization.';
  const attempt = `const attempt = async (f) => { try { return await f(); } catch (e) { return e.name + ": " + e.message; } };`;

  test("is refused with workerd's DataCloneError, in one process and sent to another; the stub shows its name and id, every binding its type name, and env.ASSETS is a Fetcher, as in workerd", async () => {
    const registry = project({});
    const owner = project({
      "wrangler.toml": tomlWithMain("owner", "index.js", durableObject("COUNTER", "Counter"), `[[services]]\nbinding = "SELF"\nservice = "owner"\n`, KV, R2, JOBS, `[assets]\ndirectory = "public"\nbinding = "ASSETS"\n`),
      "public/a.txt": "asset a",
      "index.js": `import { DurableObject, WorkerEntrypoint } from "cloudflare:workers";
export class Counter extends DurableObject { hello() { return "hello"; } }
${attempt}
export default class extends WorkerEntrypoint {
  stub(name) { return this.env.COUNTER.getByName(name); }
  take(stub) { return typeof stub; }
  async fetch() {
    const { COUNTER, SELF, KV, BUCKET, JOBS, ASSETS } = this.env;
    const named = COUNTER.getByName("alice");
    return Response.json([
      JSON.stringify(named), Object.keys(named).join(","), named.id.equals(COUNTER.idFromName("alice")),
      await attempt(() => SELF.take(named)), await attempt(() => SELF.take([named])), await attempt(() => SELF.stub("alice")),
      [KV, BUCKET, JOBS, named, SELF, ASSETS].map((binding) => binding.constructor.name + " " + Object.prototype.toString.call(binding)),
      await attempt(() => SELF.take(KV)),
      await attempt(() => SELF.take(JOBS)),
      [Object.keys(ASSETS).join(","), await (await ASSETS.fetch("http://x/a.txt")).text(), await attempt(() => ASSETS.match(new Request("http://x/a.txt")))],
      await attempt(() => SELF.take(ASSETS)),
    ]);
  }
}
`,
    });
    const client = project({
      "wrangler.toml": tomlWithMain(
        "client",
        "index.js",
        `[[services]]\nbinding = "OWNER"\nservice = "owner"\n[[durable_objects.bindings]]\nname = "COUNTER"\nclass_name = "Counter"\nscript_name = "owner"\n`,
      ),
      "index.js": `${attempt}
export default {
  async fetch(request, env) {
    const named = env.COUNTER.getByName("alice");
    return Response.json([
      JSON.stringify(named), named.id.name, await named.hello(),
      await attempt(() => env.OWNER.take(named)), await attempt(() => env.OWNER.stub("alice")),
    ]);
  },
};
`,
    });
    dirs.push(registry, owner, client);
    const env = { BUNFLARE_REGISTRY_PATH: registry };
    const inOwner = await start(owner, [], env);
    const inClient = await start(client, [], env);
    const json = '{"name":"alice","id":{"name":"alice"}}';
    expect(await (await fetch(inOwner.url)).json()).toEqual([
      json,
      "name,id",
      true,
      refused,
      refused,
      refused,
      [
        "KvNamespace [object KvNamespace]",
        "R2Bucket [object R2Bucket]",
        "WorkerQueue [object WorkerQueue]",
        "DurableObject [object DurableObject]",
        "Fetcher [object Fetcher]",
        "Fetcher [object Fetcher]",
      ],
      'DataCloneError: Could not serialize object of type "KvNamespace". This type does not support serialization.',
      'DataCloneError: Could not serialize object of type "WorkerQueue". This type does not support serialization.',
      // env.ASSETS is a Fetcher: the asset server's own match() (or close()) is not reachable.
      ["", "asset a", 'TypeError: The RPC receiver does not implement the method "match".'],
      "DataCloneError: ServiceStub serialization requires the 'experimental' compat flag.",
    ]);
    // Before, a stub returned to another process arrived as a bare RpcStub with no id or name.
    expect(await (await fetch(inClient.url)).json()).toEqual([json, "alice", "hello", refused, refused]);
  });
});
