// Bindings wrangler dev simulates partly or not at all, under a real
// `bunflare dev`: an unsafe rate limiter, a Dynamic Worker Loader, a dispatch
// namespace (Cloudflare-only, with wrangler's warning and error), pipelines, and
// remote-only bindings listed as wrangler lists them and named in one warning.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { rmSync } from "node:fs";
import { project, startDev, strip, type DevProcess } from "./dev-helpers.ts";
import { PARTLY_LOCAL, tomlWithMain } from "./configs.ts";

const CONFIG = tomlWithMain("unsafe-remote", "index.js", `ai = { binding = "AI" }\n${PARTLY_LOCAL}`);

const DYNAMIC = `import { WorkerEntrypoint } from "cloudflare:workers";
import { greeting } from "./lib/greet.js";
export class Api extends WorkerEntrypoint { add(a, b) { return a + b + Number(this.env.OFFSET); } }
export default { fetch(request, env) { return new Response(greeting + " " + env.WHO + " " + new URL(request.url).pathname); } };`;

const WORKER = `const run = async (fn) => { try { return Response.json(await fn()); } catch (e) { return Response.json({ error: String(e) }); } };
const code = (who) => ({ compatibilityDate: "2025-01-01", mainModule: "main.js", modules: { "main.js": ${JSON.stringify(DYNAMIC)}, "lib/greet.js": "export const greeting = 'hello';" }, env: { WHO: who, OFFSET: "100" } });
let loads = 0;
export default {
  async fetch(request, env) {
    const { pathname } = new URL(request.url);
    switch (pathname) {
      case "/keys": return Response.json(Object.keys(env).sort());
      case "/limit": return run(() => env.UNSAFE_LIMIT.limit({ key: "k" }));
      case "/loader": return run(async () => (await env.LOADER.get("w1", () => (loads++, code("world"))).getEntrypoint().fetch("http://dynamic/path")).text());
      case "/loader-again": return run(async () => { await env.LOADER.get("w1", () => (loads++, code("again"))).getEntrypoint().fetch("http://dynamic/"); return loads; });
      case "/loader-rpc": return run(() => env.LOADER.load(code("rpc")).getEntrypoint("Api").add(1, 2));
      case "/loader-bad": return run(() => env.LOADER.load({ mainModule: "missing.js", modules: {} }).getEntrypoint().fetch("http://x/"));
      case "/dispatch": return run(async () => (await env.DISPATCH.get("customer-worker").fetch("http://x/")).text());
      case "/vectorize": return run(() => env.VEC.query([1, 2, 3]));
      case "/shapes": return Response.json({
        ai: [typeof env.AI.notAMethod, "notAMethod" in env.AI, typeof env.AI.run, JSON.stringify(env.AI)],
        vec: [typeof env.VEC.whatever, Object.keys(env.VEC), env.VEC.indexId],
        cert: [typeof env.CERT.whatever, "whatever" in env.CERT, String(env.CERT), JSON.stringify(env.CERT), env.CERT.then],
        dispatched: [typeof env.DISPATCH.get("w"), String(env.DISPATCH.get("w")), await env.DISPATCH.get("w").foo().catch((e) => e.message)],
      });
      case "/pipeline": return run(async () => (await env.PIPE.send([{ a: 1 }])) ?? "sent");
    }
    return new Response("not found", { status: 404 });
  },
};
`;

let dir: string;
let dev: DevProcess;
const get = async (pathname: string) => (await fetch(new URL(pathname, dev.url))).json() as Promise<any>;

beforeAll(async () => {
  dir = project({ "wrangler.toml": CONFIG, "index.js": WORKER });
  dev = await startDev(dir);
});
afterAll(async () => {
  await dev?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("the bindings table lists each binding with wrangler's resource and mode", () => {
  const output = strip(dev.output());
  const rows = output.slice(output.indexOf("Your Worker has access")).split("\n").slice(2, 11).map((line) => line.replace(/\s{2,}/g, " | ").trim());
  expect(rows).toEqual([
    "env.VEC (idx) | Vectorize Index | not supported",
    "env.AI | AI | remote",
    "env.PIPE (events) | Pipeline | local",
    "env.UNSAFE_LIMIT (ratelimit) | Unsafe Metadata | remote",
    "env.UNSAFE_OTHER (custom) | Unsafe Metadata | remote",
    "env.DISPATCH (customers (outbound -> outbound-worker)) | Dispatch Namespace | not supported",
    "env.CERT (cert-1) | mTLS Certificate | not supported",
    "env.LOADER | Worker Loader | local",
    "",
  ]);
});

test("bindings wrangler would reach Cloudflare for are named once in a warning, the others get wrangler's warnings; in env they fail as wrangler's stand-ins do", async () => {
  const output = strip(dev.output());
  const line =
    "These bindings are only available on Cloudflare's network, which bunflare does not reach, so they do not work locally: env.AI (AI), env.UNSAFE_OTHER (unsafe custom)";
  expect(output.split(line).length - 1).toBe(1);
  for (const kind of ["Vectorize Index", "Dispatch Namespace", "mTLS Certificate"]) {
    const warning = `${kind} bindings do not support local development, and so parts of your Worker may not work correctly.`;
    expect(output.split(warning).length - 1).toBe(1);
  }
  // An unsafe binding of an unknown type is left out, as wrangler leaves it out.
  expect(await get("/keys")).toEqual(["AI", "CERT", "DISPATCH", "LOADER", "PIPE", "UNSAFE_LIMIT", "VEC"]);
  expect(await get("/vectorize")).toEqual({ error: "Error: Binding VEC needs to be run remotely" });
});

test("remote-only stand-ins show what wrangler's do: AI and Vectorize have no unknown members, a Fetcher has every one", async () => {
  expect(await get("/shapes")).toEqual({
    ai: ["undefined", false, "function", '{"lastRequestId":null,"aiGatewayLogId":null,"lastRequestHttpStatusCode":null,"lastRequestInternalStatusCode":null}'],
    vec: ["undefined", ["fetcher", "indexId", "indexVersion", "useNdJson"], "idx"],
    cert: ["function", true, "[object Fetcher]", "{}", null],
    dispatched: ["function", "[object JsRpcPromise]", "Binding DISPATCH needs to be run remotely"],
  });
});

test("an unsafe ratelimit binding limits as [[ratelimits]] does", async () => {
  expect(await get("/limit")).toEqual({ success: true });
  expect(await get("/limit")).toEqual({ success: false });
});

test("a dispatch namespace warns at start and throws wrangler's error when used", async () => {
  expect(strip(dev.output())).toContain("Dispatch Namespace bindings do not support local development, and so parts of your Worker may not work correctly.");
  expect(await get("/dispatch")).toEqual({ error: "Error: Binding DISPATCH needs to be run remotely" });
});

test("a worker loader runs the given modules with their own env; get() loads an id once", async () => {
  expect(await get("/loader")).toBe("hello world /path");
  expect(await get("/loader-again")).toBe(1);
  expect(await get("/loader-rpc")).toBe(103);
  expect((await get("/loader-bad")).error).toBe('TypeError: The main module "missing.js" is not among the worker\'s modules.');
});

test("pipelines accept records locally", async () => {
  expect(await get("/pipeline")).toBe("sent");
});
