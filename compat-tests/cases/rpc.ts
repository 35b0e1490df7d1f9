// Workers RPC under wrangler dev and bunflare dev: a worker calling its own
// named entrypoint through a service binding, and a Durable Object. What the
// caller sees (results, error types and messages, stubs) is compared as JSON.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { showDiff, type CaseOutcome, type CompatCase, type Tool } from "../harness.ts";
import { devCase, kill, startDev, type Running } from "../dev-harness.ts";
import { ATTEMPT } from "../attempt.ts";
import { freePort } from "../../bench/proc.ts";

const CALLEE = (answer: string) => ({
  "wrangler.toml": 'name = "callee"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n',
  "index.js": `export default { fetch() { return new Response("${answer}"); } };\n`,
});
const CALLER = {
  "wrangler.toml": 'name = "caller"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[services]]\nbinding = "CALLEE"\nservice = "callee"\n',
  "index.js": `export default {
  async fetch(request, env) {
    try {
      const response = await env.CALLEE.fetch("http://callee/");
      return new Response(response.status + " " + (await response.text()));
    } catch (error) {
      return new Response("threw " + error.message);
    }
  },
};
`,
};

/** Dev sessions of one tool that find each other through their own dev registry (a fresh HOME). */
function sessions(tool: Tool) {
  const home = mkdtempSync(path.join(tmpdir(), `compat-${tool}-registry-`));
  const running: Running[] = [];
  return {
    async start(name: string, files: Record<string, string>): Promise<Running> {
      const dir = path.join(home, name);
      mkdirSync(dir, { recursive: true });
      for (const [file, content] of Object.entries(files)) {
        mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        writeFileSync(path.join(dir, file), content);
      }
      const dev = await startDev(tool, dir, ["--inspector-port", String(await freePort())], { HOME: home });
      running.push(dev);
      return dev;
    },
    stopAll(): void {
      for (const dev of running) kill(dev.child);
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A case that runs `observe` once per tool, in that tool's own sessions, and compares what it returns. */
function sessionsCase(name: string, observe: (start: ReturnType<typeof sessions>["start"]) => Promise<string>): CompatCase {
  return {
    name,
    steps: [],
    async run(): Promise<CaseOutcome> {
      const problems: string[] = [];
      const seen: Partial<Record<Tool, string>> = {};
      for (const tool of ["wrangler", "bunflare"] as const) {
        const { start, stopAll } = sessions(tool);
        try {
          seen[tool] = await observe(start);
        } catch (error) {
          problems.push(`${tool}: ${error}`);
        } finally {
          stopAll();
        }
      }
      if (seen.wrangler !== undefined && seen.bunflare !== seen.wrangler) problems.push(showDiff(seen.wrangler, seen.bunflare ?? ""));
      return { name, ok: problems.length === 0, problems };
    },
  };
}

/**
 * Two dev sessions of the same worker name, found by a third through the dev
 * registry. With one running, both tools answer alike. With two, wrangler
 * 4.86 says nothing and answers either from the second or 503 "not found"
 * (it varies from run to run); bunflare warns the second session that the
 * name was taken and always routes to it, the last one started. When the
 * second stops, wrangler has forgotten the first, which still runs: 503
 * "not found". Bunflare keeps one claim per session and routes back to the
 * first. Both are better than wrangler on purpose; wrangler's answers are
 * shown as notes.
 */
const sameNameTwiceCase: CompatCase = {
  name: "rpc: two dev sessions of one worker name, and the second one stopping",
  steps: [],
  async run(): Promise<CaseOutcome> {
    const problems: string[] = [];
    const seen: Record<Tool, string[]> = { wrangler: [], bunflare: [] };
    for (const tool of ["wrangler", "bunflare"] as const) {
      const { start, stopAll } = sessions(tool);
      try {
        await start("first", CALLEE("first callee"));
        const caller = await start("caller", CALLER);
        const ask = async () => seen[tool].push(await (await fetch(caller.url)).text());
        await ask();
        const second = await start("second", CALLEE("second callee"));
        await ask();
        kill(second.child);
        await new Promise((resolve) => second.child.once("exit", resolve));
        await ask();
        if (tool === "bunflare" && !/is already running in another dev session/.test(second.output())) problems.push(`bunflare did not warn the second session:\n${second.output()}`);
      } catch (error) {
        problems.push(`${tool}: ${error}`);
      } finally {
        stopAll();
      }
    }
    const [wranglerFirst, wranglerBoth, wranglerAfter] = seen.wrangler;
    const [bunflareFirst, bunflareBoth, bunflareAfter] = seen.bunflare;
    if (wranglerFirst !== "200 first callee" || bunflareFirst !== wranglerFirst) problems.push(`one session: wrangler ${wranglerFirst}, bunflare ${bunflareFirst}`);
    if (bunflareBoth !== "200 second callee") problems.push(`two sessions: bunflare answered ${bunflareBoth} (wrangler: ${wranglerBoth})`);
    if (bunflareAfter !== "200 first callee") problems.push(`after the second stopped: bunflare answered ${bunflareAfter} (wrangler: ${wranglerAfter})`);
    const notes = [`two sessions: wrangler "${wranglerBoth}", bunflare "${bunflareBoth}"`, `after the second stopped: wrangler "${wranglerAfter}", bunflare "${bunflareAfter}"`];
    return { name: sameNameTwiceCase.name, ok: problems.length === 0, problems, notes };
  },
};

// The worker that defines the Durable Object, and one in another dev session
// that reaches it by service binding and by `script_name`. Each route answers
// with what it saw, errors as "Name: message".
const DO_OWNER = {
  "wrangler.toml":
    'name = "owner"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[durable_objects.bindings]]\nname = "COUNTER"\nclass_name = "Counter"\n' +
    '[[services]]\nbinding = "SELF"\nservice = "owner"\n[[kv_namespaces]]\nbinding = "KV"\nid = "kv"\n[[r2_buckets]]\nbinding = "R2"\nbucket_name = "bucket"\n' +
    '[[queues.producers]]\nbinding = "Q"\nqueue = "jobs"\n' +
    '[assets]\ndirectory = "public"\nbinding = "ASSETS"\n' +
    '[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["Counter"]\n',
  "public/a.txt": "asset a",
  "index.js": `import { DurableObject, WorkerEntrypoint } from "cloudflare:workers";
${ATTEMPT}
export class Counter extends DurableObject {
  hello() { return "hello"; }
}
const sent = (f) => attempt(f, (r) => r, (e) => e.name + ": " + e.message);
export default class extends WorkerEntrypoint {
  stub(name) { return this.env.COUNTER.getByName(name); }
  inside(name) { return [this.env.COUNTER.getByName(name)]; }
  take(stub) { return typeof stub; }
  async fetch() {
    const { COUNTER, SELF, KV, R2, Q, ASSETS } = this.env;
    const type = (binding) => [binding.constructor.name, Object.prototype.toString.call(binding)];
    const named = COUNTER.getByName("alice");
    const unique = COUNTER.get(COUNTER.newUniqueId());
    return Response.json({
      named: [JSON.stringify(named), Object.keys(named).join(","), named.name, named.id.name, named.id.equals(COUNTER.idFromName("alice"))],
      unique: [JSON.stringify(unique), Object.keys(unique).join(","), unique.name, unique.id.name],
      sent: await sent(() => SELF.take(named)),
      returned: await sent(() => SELF.stub("alice")),
      inArray: await sent(() => SELF.inside("alice")),
      binding: await sent(() => SELF.take(SELF)),
      kv: [...type(KV), await sent(() => SELF.take(KV))],
      r2: [...type(R2), await sent(() => SELF.take(R2))],
      queue: [...type(Q), await sent(() => SELF.take(Q))],
      stubTypes: [type(named), type(SELF)],
      assets: [
        ...type(ASSETS), Object.keys(ASSETS).join(","), typeof ASSETS.match, await (await ASSETS.fetch("http://x/a.txt")).text(),
        await sent(() => ASSETS.match(new Request("http://x/a.txt"))), await sent(() => SELF.take(ASSETS)),
      ],
    });
  }
}
`,
};
const DO_CLIENT = {
  "wrangler.toml":
    'name = "client"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[services]]\nbinding = "OWNER"\nservice = "owner"\n' +
    '[[durable_objects.bindings]]\nname = "COUNTER"\nclass_name = "Counter"\nscript_name = "owner"\n',
  "index.js": `${ATTEMPT}
const sent = (f) => attempt(f, (r) => r, (e) => e.name + ": " + e.message);
export default {
  async fetch(request, env) {
    const named = env.COUNTER.getByName("alice");
    return Response.json({
      named: [JSON.stringify(named), Object.keys(named).join(","), named.name, String(named.id) === String(env.COUNTER.idFromName("alice")), await named.hello()],
      sent: await sent(() => env.OWNER.take(named)),
      returned: await sent(() => env.OWNER.stub("alice")),
      inArray: await sent(() => env.OWNER.inside("alice")),
    });
  },
};
`,
};

/**
 * A Durable Object stub as an RPC argument or result. workerd (wrangler 4.86,
 * at any compatibility date) refuses to send one, in one process or to another
 * dev session, with a DataCloneError; a service binding likewise unless the
 * `experimental` flag is on. bunflare once sent them, and one reaching another
 * process arrived without its id and name. Also the stub's own `name` and `id`
 * as Object.keys and JSON.stringify show them, and the type names of KV, R2
 * and queue producer bindings (in the DataCloneError too; a producer was sent),
 * and the assets binding: a Fetcher, not the asset server's own object (whose
 * match() and close() a worker could call).
 */
const durableObjectStubCase = sessionsCase(
  "rpc: a Durable Object stub sent over RPC, in one process and to another dev session; service, KV, R2, queue and assets bindings",
  async (start) => {
    const owner = await start("owner", DO_OWNER);
    const client = await start("client", DO_CLIENT);
    const answers = [];
    for (const url of [owner.url, client.url]) {
      const response = await fetch(url);
      answers.push(`${response.status} ${JSON.stringify(await response.json(), null, 2)}`);
    }
    return answers.join("\n");
  },
);

/**
 * Bunflare printed the bindings table once, at start. Wrangler prints "⎔ Connection status
 * updated" and the table again whenever a worker it binds starts or stops in another dev
 * session. Compared: the caller's stdout after its "Ready on" line, once the callee started and
 * once it stopped. (Killed with -9, wrangler's callee stays [connected] for the caller; bunflare's
 * turns [not connected]: a bun test covers that.)
 */
const connectionStatusCase = sessionsCase(
  "rpc: the caller prints its bindings again when the worker it binds starts and stops in another session",
  async (start) => {
    const caller = await start("caller", CALLER);
    const updates = () => caller.stdout().split("⎔ Connection status updated").length - 1;
    const waitForUpdates = async (count: number) => {
      const deadline = Date.now() + 15_000;
      while (updates() < count && Date.now() < deadline) await Bun.sleep(50);
      if (updates() < count) throw new Error(`no "Connection status updated" (#${count}) after 15 s:\n${caller.stdout()}`);
    };
    const callee = await start("callee", CALLEE("callee"));
    await waitForUpdates(1);
    // Stopped as Ctrl-C stops it: each tool takes its worker out of its registry.
    process.kill(-callee.child.pid!, "SIGINT");
    await new Promise((resolve) => callee.child.once("exit", resolve));
    await waitForUpdates(2);
    await Bun.sleep(500); // Nothing more comes.
    const out = caller.stdout();
    return out.slice(out.search(/Ready on/)).split("\n").slice(1).join("\n");
  },
);

export const cases: CompatCase[] = [
  sameNameTwiceCase,
  connectionStatusCase,
  durableObjectStubCase,
  devCase({
    name: "rpc: properties, pipelining, RpcTargets, function stubs, ctx.props, errors, cloning and disposal",
    fixture: "dev-rpc",
    // Not compared: RPC to an entrypoint class that does not extend WorkerEntrypoint. wrangler answers
    // "internal error; reference = <random>"; bunflare says which class and why (test/rpc.test.ts).
    requests: [{ path: "/members" }, { path: "/props" }, { path: "/errors" }, { path: "/clone" }, { path: "/handlers" }, { path: "/stubs" }],
  }),
];

// fetch() through a binding follows redirects as workerd's Fetcher does (service bindings and
// env.ASSETS alike): the Fetch standard's method rules, a body sent again after a 307, at most
// 20 redirects, and the answer's url and redirected. Not compared: a 307 of a request whose
// body is a stream, which workerd refuses to send again; bunflare cannot tell a stream from a
// buffer once in a Request, and sends it.
const FOLLOWING = `export default {
  async fetch(request, env) {
    const u = new URL(request.url);
    switch (u.pathname) {
      case "/start": return new Response(null, { status: 302, headers: { location: "/final?x=1" } });
      case "/other": return new Response(null, { status: 303, headers: { location: "/final" } });
      case "/t307": return new Response("moved", { status: 307, headers: { location: "/echo" } });
      case "/t308": return new Response(null, { status: 308, headers: { location: "https://elsewhere.example/echo" } });
      case "/loop": return new Response(null, { status: 302, headers: { location: "/loop" } });
      case "/nowhere": return new Response(null, { status: 302 });
      case "/bad": return new Response(null, { status: 301, headers: { location: "http://[" } });
      case "/mode": return new Response(request.redirect);
      case "/final": case "/echo": return new Response(request.method + " " + u.href + " " + (await request.text()));
    }
    const binding = u.pathname === "/assets" ? env.ASSETS : env.SELF;
    const base = u.pathname === "/assets" ? u.origin : "http://example.com";
    try {
      const body = u.searchParams.get("body") ?? undefined;
      const r = await binding.fetch(base + u.searchParams.get("p"), { method: u.searchParams.get("m") ?? "GET", body, redirect: u.searchParams.get("r") ?? undefined });
      return Response.json({ status: r.status, url: r.url, redirected: r.redirected, location: r.headers.get("location"), body: await r.text() });
    } catch (error) {
      return new Response(error.name + ": " + error.message);
    }
  },
};
`;
cases.push(
  devCase({
    name: "rpc: fetch through a service binding or env.ASSETS follows redirects as workerd does",
    files: {
      "wrangler.toml": 'name = "follow"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\nservices = [{ binding = "SELF", service = "follow" }]\n[assets]\ndirectory = "public"\nbinding = "ASSETS"\n',
      "index.js": FOLLOWING,
      "public/index.html": "<p>home</p>\n",
      "public/a.txt": "a\n",
    },
    requests: [
      "/via?p=/start",
      "/via?p=/start&r=manual",
      "/via?p=/start&m=POST&body=payload",
      "/via?p=/other&m=PUT&body=payload",
      "/via?p=/other&m=HEAD",
      "/via?p=/t307&m=POST&body=payload",
      "/via?p=/t308&m=POST&body=payload",
      "/via?p=/loop",
      "/via?p=/nowhere",
      "/via?p=/bad",
      "/via?p=/final",
      // The request a fetch event gets says "manual", wherever it came from.
      "/mode",
      "/via?p=/mode",
      "/assets?p=/index.html",
      "/assets?p=/index.html&r=manual",
      "/assets?p=/a.txt",
    ].map((path) => ({ path })),
  }),
);

// A Durable Object stub is a Fetcher too: the same following, url and HEAD rules, and the
// object's fetch event gets a request that says "manual".
cases.push(
  devCase({
    name: "rpc: fetch through a Durable Object stub follows redirects as workerd does",
    files: {
      "wrangler.toml": 'name = "dofollow"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[durable_objects.bindings]]\nname = "D"\nclass_name = "Obj"\n[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["Obj"]\n',
      "index.js": `import { DurableObject } from "cloudflare:workers";
export class Obj extends DurableObject {
  async fetch(request) {
    const u = new URL(request.url);
    if (u.pathname === "/start") return new Response(null, { status: 302, headers: { location: "/final" } });
    if (u.pathname === "/mode") return new Response(request.redirect);
    return new Response("final " + request.method + " " + u.href);
  }
}
export default {
  async fetch(request, env) {
    const u = new URL(request.url);
    const r = await env.D.getByName("a").fetch("http://do.example" + u.searchParams.get("p"), { method: u.searchParams.get("m") ?? "GET", redirect: u.searchParams.get("r") ?? undefined });
    return Response.json({ status: r.status, url: r.url, redirected: r.redirected, body: await r.text() });
  },
};
`,
    },
    requests: ["/x?p=/start", "/x?p=/start&r=manual", "/x?p=/mode", "/x?p=/final&m=HEAD"].map((path) => ({ path })),
  }),
);

// What RPC can and cannot send (a Blob or File is refused as the argument or
// result of a service binding or Durable Object call, with workerd's
// DataCloneError), how pending calls, properties and stubs turn into strings
// (`${stub.m()}` is "[object JsRpcPromise]", not a remote call of toString),
// and what an error thrown by the callee looks like to the caller: its stack
// holds none of the runtime's own frames (workerd's shows the caller's async
// frames, which Bun cannot give; the check is that every frame is the worker's).
const FIDELITY = `import { DurableObject, WorkerEntrypoint, RpcTarget } from "cloudflare:workers";
class Point { constructor() { this.x = 1; } }
class MyError extends Error { constructor(m) { super(m); this.name = "MyError"; this.code = 42; } }
class Target extends RpcTarget { m() { return 1; } }
const make = (kind) => ({
  blob: () => new Blob(["hi"]),
  file: () => new File(["hi"], "a.txt"),
  request: () => new Request("http://x/", { method: "POST", body: "rb" }),
  response: () => new Response("resp"),
  stream: () => new Response("st").body,
  fnInObject: () => ({ f() { return 1; } }),
  instance: () => new Point(),
  symbol: () => Symbol("s"),
  map: () => new Map([[1, 2]]),
  set: () => new Set([1]),
  date: () => new Date(0),
  regexp: () => /a/g,
  error: () => new MyError("boom"),
  typeError: () => new TypeError("tboom"),
})[kind]();
const KINDS = ["blob", "file", "request", "response", "stream", "fnInObject", "instance", "symbol", "map", "set", "date", "regexp", "error", "typeError"];
const describe = async (v) => {
  if (v instanceof Request) return "Request " + v.method + " " + (await v.text());
  if (v instanceof Response) return "Response " + (await v.text());
  if (v instanceof ReadableStream) return "ReadableStream " + (await new Response(v).text());
  if (v instanceof Error) return [Object.prototype.toString.call(v), v.constructor.name, v.name, v.message, v.code].join(" ");
  if (typeof v === "object" && v !== null) return [Object.prototype.toString.call(v), v.constructor?.name, typeof v.f, JSON.stringify(v)].join(" ");
  return typeof v + " " + String(v);
};
const fail = (e) => e.constructor.name + " " + e.name + ": " + e.message + (e.remote ? " (remote)" : "");
// The file this worker runs from (each tool bundles it to a file of its own).
const ownFile = () => /\\((.+):\\d+:\\d+\\)$/.exec(new Error().stack.split("\\n")[1])[1];
const onlyOwnFrames = (stack) => stack.split("\\n").slice(1).every((frame) => frame.includes(ownFile()));
const methods = {
  take(v) { return describe(v); },
  give(kind) { return make(kind); },
  boom() { throw new MyError("remote boom"); },
  typeBoom() { throw new TypeError("remote type boom"); },
  target() { return new Target(); },
  fn() { return () => 1; },
};
export class Callee extends WorkerEntrypoint {}
Object.assign(Callee.prototype, methods);
Object.defineProperty(Callee.prototype, "prop", { get: () => 1 });
export class Obj extends DurableObject {}
Object.assign(Obj.prototype, methods);
Object.defineProperty(Obj.prototype, "prop", { get: () => 1 });
const stubs = (env) => [["service", env.SELF], ["object", env.D.getByName("a")]];
const routes = {
  async "/clone"(env, out) {
    for (const [label, t] of stubs(env)) {
      for (const k of KINDS) {
        out[label + " argument " + k] = await t.take(make(k)).catch(fail);
        out[label + " result " + k] = await t.give(k).then(describe, fail);
      }
    }
  },
  async "/strings"(env, out) {
    const pending = env.SELF.target();
    const target = await env.SELF.target();
    const views = {
      service: env.SELF, object: env.D.getByName("a"), call: env.SELF.take(1), objectCall: env.D.getByName("a").take(1),
      prop: env.SELF.prop, method: env.SELF.take, target, fn: await env.SELF.fn(), targetCall: target.m(), targetMethod: target.m,
      pipelined: pending.m, pipelinedCall: pending.m(),
    };
    for (const [name, v] of Object.entries(views)) {
      out[name] = [
        String(v), \`\${v}\`, "" + v, Object.prototype.toString.call(v), typeof v, v instanceof Promise, String(v.constructor?.name),
        v.toString === Object.prototype.toString, v.valueOf === Object.prototype.valueOf, typeof v.hasOwnProperty,
      ];
    }
    await Promise.allSettled(Object.values(views));
  },
  async "/errors"(env, out) {
    for (const [label, t] of stubs(env)) {
      for (const m of ["boom", "typeBoom"]) {
        try {
          await t[m]();
        } catch (e) {
          const head = e.stack.split("\\n")[0];
          out[label + " " + m] = [fail(e), head, onlyOwnFrames(e.stack), e.remote, e.code, Object.hasOwn(e, "stack"), Object.prototype.toString.call(e)];
        }
      }
      try {
        await t.take(new Blob(["x"]));
      } catch (e) {
        out[label + " refused"] = [e.stack.split("\\n")[0], onlyOwnFrames(e.stack)];
      }
    }
  },
};
export default {
  async fetch(request, env) {
    const out = {};
    await routes[new URL(request.url).pathname](env, out);
    return Response.json(out);
  },
};
`;
cases.push(
  devCase({
    name: "rpc: Blob and File refused, what else crosses, pending calls and stubs as strings, remote errors' stacks",
    files: {
      "wrangler.toml":
        'name = "fidelity"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\nservices = [{ binding = "SELF", service = "fidelity", entrypoint = "Callee" }]\n' +
        '[[durable_objects.bindings]]\nname = "D"\nclass_name = "Obj"\n[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["Obj"]\n',
      "index.js": FIDELITY,
    },
    requests: ["/clone", "/strings", "/errors"].map((path) => ({ path })),
  }),
);
