// bunflare dev end to end: real processes on free ports, real HTTP.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { cleanedAfterEach, eventually, project, spawnDev, startDev, write } from "./dev-helpers.ts";
import { existsSync, readdirSync, symlinkSync } from "node:fs";
import path from "node:path";

setDefaultTimeout(30_000);

const { running, dirs } = cleanedAfterEach();

async function serve(files: Record<string, string>, args: string[] = [], fixture?: string) {
  const dir = project(files, fixture);
  dirs.push(dir);
  const dev = await startDev(dir, args);
  running.push(dev);
  return { dir, dev, get: (path: string, init?: RequestInit) => fetch(new URL(path, dev.url), init) };
}

const toml = (main = "src/index.js", extra = "") =>
  `name = "t"\nmain = "${main}"\ncompatibility_date = "2025-01-01"\n${extra}`;

describe("bunflare dev", () => {
  test("serves the worker on the port its Ready line names", async () => {
    const { dev, get } = await serve({}, [], "dev-module");
    expect(dev.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await get("/");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("Hello from a module worker!");
    await dev.waitForOutput(/\[wrangler:info\] GET \/ 200 OK \(\d+ms\)/);
  });

  test("request.cf has wrangler's placeholder and navigator.userAgent is Cloudflare-Workers", async () => {
    const { get } = await serve({}, [], "dev-module");
    expect(await (await get("/cf")).json()).toEqual({ colo: "DFW", country: "US", ua: "Cloudflare-Workers" });
  });

  test("an uncaught exception answers 500 in plain text with the stack at the user's source line", async () => {
    const { dev, get } = await serve({}, [], "dev-module");
    const response = await get("/throw", { headers: { "user-agent": "curl/8" } });
    expect(response.status).toBe(500);
    const body = await response.text();
    expect(body.split("\n")[0]).toBe("Error: boom from the worker");
    expect(body).toMatch(/src\/index\.js:7:\d+/);
    expect(body).not.toContain("runtime/host");
    await dev.waitForOutput(/\[wrangler:error\] Error: boom from the worker/);
    await dev.waitForOutput(/GET \/throw 500 Internal Server Error/);
  });

  test("a browser gets the pretty HTML error page", async () => {
    const { get } = await serve({}, [], "dev-module");
    const response = await get("/throw", { headers: { accept: "text/html", "user-agent": "Mozilla/5.0" } });
    expect(response.status).toBe(500);
    expect(response.headers.get("content-type")).toBe("text/html;charset=utf-8");
    const html = await response.text();
    expect(html).toContain("Error: boom from the worker");
    expect(html).toMatch(/src\/index\.js:7/);
  });

  test("TypeScript stack traces point at the .ts source line", async () => {
    const { get } = await serve({
      "wrangler.toml": toml("src/index.ts"),
      "src/index.ts":
        'import { fail } from "./fail";\ninterface Shape {\n  kind: string;\n}\nexport default {\n  fetch(request: Request): Response {\n    const shape: Shape = { kind: new URL(request.url).pathname };\n    if (shape.kind === "/here") throw new Error("thrown in index");\n    return fail();\n  },\n};\n',
      "src/fail.ts": "interface X { a: number }\n\nexport function fail(): never {\n  const x: X = { a: 1 };\n  throw new Error(`typed ${x.a}`);\n}\n",
    });
    const body = await (await get("/", { headers: { "user-agent": "curl/8" } })).text();
    expect(body.split("\n")[0]).toBe("Error: typed 1");
    expect(body).toMatch(/src\/fail\.ts:5:\d+/);
    const here = await (await get("/here", { headers: { "user-agent": "curl/8" } })).text();
    expect(here.split("\n")[0]).toBe("Error: thrown in index");
    expect(here).toMatch(/src\/index\.ts:8:\d+/);
  });

  test("console.error(err) and console.error(err.stack) in a worker print frames in the user's source files", async () => {
    const { dev, get } = await serve({
      "wrangler.toml": toml("src/index.ts"),
      "src/index.ts":
        'import { helper } from "./helper";\nexport default {\n  fetch(): Response {\n    try {\n      helper();\n    } catch (err) {\n      console.error(err);\n      console.error("stack: " + (err as Error).stack);\n    }\n    return new Response("ok");\n  },\n};\n',
      "src/helper.ts": "interface X { a: number }\nexport function helper(): void {\n  const x: X = { a: 1 };\n  throw new Error(`helper failed ${x.a}`);\n}\n",
    });
    expect(await (await get("/")).text()).toBe("ok");
    await dev.waitForOutput(/stack: Error: helper failed 1\n\s+at helper \(\S*src\/helper\.ts:4:\d+\)\n\s+at fetch \(\S*src\/index\.ts:5:\d+\)/);
    // console.error prints in wrangler's ERROR box, the stack as its note.
    await dev.waitForOutput(/^✘ \[ERROR\] Error: helper failed 1\n\n\s+at helper \(\S*src\/helper\.ts:4:\d+\)/m);
    expect(dev.output()).not.toContain("worker.js:");
  });

  test("a worker that exits, rejects or throws in a timer never takes the server down", async () => {
    const { dev, get } = await serve({
      "wrangler.toml": toml(),
      "src/index.js": `export default {
  fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === "/exit") process.exit(1);
    if (path === "/unhandled") { Promise.reject(new Error("nobody caught me")); return new Response("sent"); }
    if (path === "/timer") { setTimeout(() => { throw new Error("thrown in a timer"); }, 0); return new Response("scheduled"); }
    if (path === "/wait-fail") { globalThis.ctxFail = true; }
    return new Response("still alive");
  },
};
`,
    });
    expect((await get("/exit")).status).toBe(500);
    expect(await (await get("/unhandled")).text()).toBe("sent");
    expect(await (await get("/timer")).text()).toBe("scheduled");
    await dev.waitForOutput(/nobody caught me/);
    await dev.waitForOutput(/thrown in a timer/);
    expect(await (await get("/")).text()).toBe("still alive");
    expect(dev.child.exitCode).toBeNull();
  });

  test("ctx.waitUntil failures are logged and the response is unaffected", async () => {
    const { dev, get } = await serve({
      "wrangler.toml": toml(),
      "src/index.js":
        'export default { fetch(req, env, ctx) { ctx.waitUntil(Promise.reject(new Error("background failed"))); ctx.passThroughOnException(); return new Response("ok"); } };\n',
    });
    expect(await (await get("/")).text()).toBe("ok");
    await dev.waitForOutput(/background failed/);
  });

  test("editing a source file reloads the worker with fresh module globals", async () => {
    const { dir, dev, get } = await serve({
      "wrangler.toml": toml(),
      "src/index.js": 'let n = 0;\nexport default { fetch() { n++; return new Response("v1 " + n); } };\n',
    });
    expect(await (await get("/")).text()).toBe("v1 1");
    expect(await (await get("/")).text()).toBe("v1 2");
    write(dir, "src/index.js", 'let n = 0;\nexport default { fetch() { n++; return new Response("v2 " + n); } };\n');
    await eventually(async () => (await (await get("/")).text()).startsWith("v2"));
    await dev.waitForOutput(/Local server updated and ready/);
  });

  test("editing an imported module reloads too", async () => {
    const { dir, get } = await serve({
      "wrangler.toml": toml(),
      "src/index.js": 'import { word } from "./word.js";\nexport default { fetch() { return new Response(word); } };\n',
      "src/word.js": 'export const word = "before";\n',
    });
    expect(await (await get("/")).text()).toBe("before");
    write(dir, "src/word.js", 'export const word = "after";\n');
    await eventually(async () => (await (await get("/")).text()) === "after");
  });

  test("saves in quick succession: the last one is served, and no earlier build replaces it afterwards", async () => {
    const { dir, get } = await serve({
      "wrangler.toml": toml(),
      "src/index.js": 'export default { fetch() { return new Response("v0"); } };\n',
    });
    expect(await (await get("/")).text()).toBe("v0");
    // Gaps shorter and longer than a build, so builds overlap and are superseded mid-way.
    for (let n = 1; n <= 12; n++) {
      write(dir, "src/index.js", `export default { fetch() { return new Response("v${n}"); } };\n`);
      await Bun.sleep(n % 4);
    }
    await eventually(async () => (await (await get("/")).text()) === "v12");
    for (let n = 0; n < 10; n++) {
      await Bun.sleep(30);
      expect(await (await get("/")).text()).toBe("v12");
    }
  });

  test("a build error is printed with its location and the last good worker keeps serving", async () => {
    const { dir, dev, get } = await serve({
      "wrangler.toml": toml(),
      "src/index.js": 'export default { fetch() { return new Response("good"); } };\n',
    });
    write(dir, "src/index.js", 'export default { fetch() { return new Response("bad" ; } };\n');
    await dev.waitForOutput(/src\/index\.js:1:\d+/);
    expect(await (await get("/")).text()).toBe("good");
    // As wrangler, whose runtime never hears of a bundle that failed: no "Reloading" for it.
    expect(dev.output()).not.toContain("Reloading local server");
    write(dir, "src/index.js", 'export default { fetch() { return new Response("fixed"); } };\n');
    await eventually(async () => (await (await get("/")).text()) === "fixed");
    await dev.waitForOutput(/Local server updated and ready/);
    expect(dev.output().split("Reloading local server").length - 1).toBe(1);
  });

  test("a request in flight during a reload finishes on the old worker", async () => {
    // /slow waits on this gate, which answers only once the new worker is
    // serving: the request is in flight across the whole reload.
    let arrived!: () => void;
    const slowArrived = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const gate = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch() {
        arrived();
        await released;
        return new Response("go");
      },
    });
    try {
      const { dir, get } = await serve({
        "wrangler.toml": toml(),
        "src/index.js": `export default { async fetch(req) { if (new URL(req.url).pathname === "/slow") await (await fetch("http://127.0.0.1:${gate.port}/")).text(); return new Response("old"); } };\n`,
      });
      const slow = get("/slow");
      await slowArrived;
      write(dir, "src/index.js", 'export default { fetch() { return new Response("new"); } };\n');
      await eventually(async () => (await (await get("/")).text()) === "new");
      release();
      const response = await slow;
      expect(response.status).toBe(200);
      expect(await response.text()).toBe("old");
    } finally {
      release();
      gate.stop(true);
    }
  });

  test("editing .dev.vars or the config's vars reloads env", async () => {
    const { dir, get } = await serve({
      "wrangler.toml": toml("src/index.js", '[vars]\nA = "one"\n'),
      ".dev.vars": "SECRET=s1\n",
      "src/index.js": "export default { fetch(req, env) { return new Response(env.A + ' ' + env.SECRET); } };\n",
    });
    expect(await (await get("/")).text()).toBe("one s1");
    write(dir, ".dev.vars", "SECRET=s2\n");
    await eventually(async () => (await (await get("/")).text()) === "one s2");
    write(dir, "wrangler.toml", toml("src/index.js", '[vars]\nA = "two"\n'));
    await eventually(async () => (await (await get("/")).text()) === "two s2");
  });

  test("a config edit after code edits keeps the latest code, not an earlier build's", async () => {
    const { dir, get } = await serve({
      "wrangler.toml": toml("src/index.js", '[vars]\nA = "one"\n'),
      "src/index.js": "export default { fetch(req, env) { return new Response('v1 ' + env.A); } };\n",
    });
    expect(await (await get("/")).text()).toBe("v1 one");
    for (const version of ["v2", "v3"]) {
      write(dir, "src/index.js", `export default { fetch(req, env) { return new Response('${version} ' + env.A); } };\n`);
      await eventually(async () => (await (await get("/")).text()) === `${version} one`);
    }
    write(dir, "wrangler.toml", toml("src/index.js", '[vars]\nA = "two"\n'));
    await eventually(async () => (await (await get("/")).text()) === "v3 two");
  });

  test("prints the bindings table and hides secret values", async () => {
    const { dev } = await serve({
      "wrangler.toml": toml("src/index.js", '[vars]\nGREETING = "hello"\nNUM = 3\n'),
      ".dev.vars": "TOKEN=secret-value\n",
      "src/index.js": 'export default { fetch() { return new Response("x"); } };\n',
    });
    const out = dev.output();
    expect(out).toContain("Using secrets defined in .dev.vars");
    expect(out).toContain("Your Worker has access to the following bindings:");
    expect(out).toMatch(/^Binding {24}Resource {18}Mode$/m);
    expect(out).toMatch(/^env\.GREETING \("hello"\) {9}Environment Variable {6}local$/m);
    expect(out).toMatch(/^env\.NUM \(3\) {20}Environment Variable {6}local$/m);
    expect(out).toMatch(/^env\.TOKEN \("\(hidden\)"\) {9}Environment Variable {6}local$/m);
    expect(out).not.toContain("secret-value");
  });

  test("service-worker syntax sees bindings as globals", async () => {
    const { get } = await serve({}, [], "dev-service-worker");
    expect(await (await get("/var")).text()).toBe("hi from a global");
    expect(await (await get("/p", { method: "POST", body: "x" })).text()).toBe("service worker saw POST /p");
  });

  test("a default-exported WorkerEntrypoint class handles fetch and can call itself over a service binding", async () => {
    const { get } = await serve({
      "wrangler.toml": toml("src/index.js", '[[services]]\nbinding = "SELF"\nservice = "t"\n'),
      "src/index.js": `import { WorkerEntrypoint } from "cloudflare:workers";
export default class extends WorkerEntrypoint {
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === "/rpc") return new Response(String(await this.env.SELF.add(2, 3)));
    if (path === "/via") return this.env.SELF.fetch("http://x/inner");
    return new Response("entrypoint " + path);
  }
  add(a, b) { return a + b; }
}
`,
    });
    expect(await (await get("/hello")).text()).toBe("entrypoint /hello");
    expect(await (await get("/rpc")).text()).toBe("5");
    expect(await (await get("/via")).text()).toBe("entrypoint /inner");
  });

  test("cloudflare:workers exports env and waitUntil at module scope", async () => {
    const { dev, get } = await serve({
      "wrangler.toml": toml("src/index.js", '[vars]\nNAME = "from env"\n'),
      "src/index.js": `import { env, waitUntil, RpcTarget, DurableObject, WorkflowEntrypoint } from "cloudflare:workers";
export default { fetch() {
  waitUntil(Promise.resolve().then(() => console.log("background done")));
  return new Response([env.NAME, typeof RpcTarget, typeof DurableObject, typeof WorkflowEntrypoint].join(","));
} };
`,
    });
    expect(await (await get("/")).text()).toBe("from env,function,function,function");
    await dev.waitForOutput(/background done/);
  });

  test("--test-scheduled runs the scheduled handler at /__scheduled; /cdn-cgi/handler/scheduled always does", async () => {
    const files = {
      "wrangler.toml": toml(),
      "src/index.js":
        'export default { fetch() { return new Response("fetched"); }, scheduled(c) { console.log("cron ran: " + c.cron); } };\n',
    };
    const plain = await serve(files);
    expect(await (await plain.get("/__scheduled")).text()).toBe("fetched");
    expect(await (await plain.get("/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*")).text()).toBe("ok");
    await plain.dev.waitForOutput(/cron ran: \*\/5 \* \* \* \*/);
    const testing = await serve(files, ["--test-scheduled"]);
    expect(await (await testing.get("/__scheduled?cron=1+2+3+4+5")).text()).toBe("Ran scheduled event");
    await testing.dev.waitForOutput(/cron ran: 1 2 3 4 5/);
  });

  test("with --no-crons, crons in config print wrangler's how-to-trigger warning", async () => {
    const { dev } = await serve(
      {
        "wrangler.toml": toml("src/index.js", '[triggers]\ncrons = ["*/5 * * * *"]\n'),
        "src/index.js": 'export default { fetch() { return new Response("x"); }, scheduled() {} };\n',
      },
      ["--no-crons"],
    );
    await dev.waitForOutput(/Scheduled Workers are not automatically triggered during local development/);
    await dev.waitForOutput(/curl "http:\/\/localhost:\d+\/cdn-cgi\/handler\/scheduled"/);
  });

  test("--var and --define reach the worker", async () => {
    const { get } = await serve(
      {
        "wrangler.toml": toml(),
        "src/index.js": 'export default { fetch(req, env) { return new Response(env.FROM_CLI + " " + MY_CONST); } };\n',
      },
      ["--var", "FROM_CLI:cli-value", "--define", 'MY_CONST:"defined"'],
    );
    expect(await (await get("/")).text()).toBe("cli-value defined");
  });

  test("a config without compatibility_date warns and still serves", async () => {
    const { dev, get } = await serve({
      "wrangler.toml": 'name = "t"\nmain = "src/index.js"\n',
      "src/index.js": 'export default { fetch() { return new Response("dated"); } };\n',
    });
    expect(await (await get("/")).text()).toBe("dated");
    expect(dev.output()).toMatch(/No compatibility_date was specified\. Using today's date: \d{4}-\d\d-\d\d\./);
  });

  test("node:* imports need nodejs_compat, as in the Workers runtime", async () => {
    const worker = 'import { Buffer } from "node:buffer";\nexport default { fetch() { return new Response(Buffer.from("aGk=", "base64").toString()); } };\n';
    // As under wrangler, the module is missing at start, so dev ends with exit code 1.
    const dir = project({ "wrangler.toml": toml(), "src/index.js": worker });
    dirs.push(dir);
    const without = Bun.spawnSync([`${import.meta.dir}/../bin/bunflare`, "dev", "--port", "0"], { cwd: dir, env: { ...process.env, NO_COLOR: "1", HOME: dir } });
    const output = without.stdout.toString() + without.stderr.toString();
    expect(output).toMatch(/The package "node:buffer" wasn't found on the file system but is built into node\./);
    expect(output).toContain('No such module "node:buffer"');
    expect(without.exitCode).toBe(1);
    const withFlag = await serve({ "wrangler.toml": toml("src/index.js", 'compatibility_flags = ["nodejs_compat"]\n'), "src/index.js": worker });
    expect(await (await withFlag.get("/")).text()).toBe("hi");
  });

  test("dev.port in config is used when --port is not given", async () => {
    const port = await freePort();
    const dir = project({
      "wrangler.toml": toml("src/index.js", `[dev]\nport = ${port}\n`),
      "src/index.js": 'export default { fetch() { return new Response("configured port"); } };\n',
    });
    dirs.push(dir);
    const { spawn } = await import("node:child_process");
    const child = spawn(`${import.meta.dir}/../bin/bunflare`, ["dev"], { cwd: dir, env: { ...process.env, HOME: dir }, stdio: "ignore" });
    try {
      await eventually(async () => (await (await fetch(`http://127.0.0.1:${port}/`)).text()) === "configured port");
    } finally {
      child.kill("SIGTERM");
    }
  });

  test("announces readiness over the IPC channel when forked", async () => {
    const dir = project({ "wrangler.toml": toml(), "src/index.js": 'export default { fetch() { return new Response("x"); } };\n' });
    dirs.push(dir);
    const dev = await startDev(dir, [], { ipc: true });
    running.push(dev);
    await eventually(async () => dev.messages.length > 0, 5_000);
    const ready = JSON.parse(dev.messages[0] as string);
    expect(ready).toEqual({ event: "DEV_SERVER_READY", ip: "localhost", port: Number(new URL(dev.url).port) });
  });

  test("with --log-level none nothing is printed, yet the IPC ready message arrives", async () => {
    const dir = project({ "wrangler.toml": toml(), "src/index.js": 'export default { fetch() { return new Response("quiet"); } };\n' });
    dirs.push(dir);
    const dev = await startDev(dir, ["--log-level", "none"], { ipc: true });
    running.push(dev);
    const ready = JSON.parse(dev.messages[0] as string);
    expect(ready.event).toBe("DEV_SERVER_READY");
    expect(await (await fetch(`http://127.0.0.1:${ready.port}/`)).text()).toBe("quiet");
    await dev.stop();
    expect(dev.output()).toBe("");
  });

  test("--remote without a real wrangler to hand it to is one clear line and exit code 1", async () => {
    const dir = project({ "wrangler.toml": toml(), "src/index.js": "export default {};\n" });
    dirs.push(dir);
    const result = Bun.spawnSync([`${import.meta.dir}/../bin/bunflare`, "dev", "--remote"], { cwd: dir, env: { ...process.env, NO_COLOR: "1", PATH: "/usr/bin:/bin" } });
    expect(result.exitCode).toBe(1);
    const stderr = result.stderr.toString();
    // `dev --remote` goes to real wrangler (src/forward.ts); here there is none.
    expect(stderr).toContain("[ERROR] `wrangler dev` needs Cloudflare's network, which bunflare hands to a real wrangler, and none is installed");
    expect(stderr).not.toContain("    at ");
  });
});

async function freePort(): Promise<number> {
  const server = Bun.serve({ port: 0, fetch: () => new Response() });
  const port = server.port!;
  server.stop(true);
  return port;
}

describe("bunflare dev start-up failures", () => {
  test("a worker that throws at module load when dev starts: workerd's error box with the source's frame, no Ready line, exit code 1; an unnamed worker is named by a UUID", () => {
    const start = (config: string) => {
      const dir = project({ "wrangler.toml": config, "src/index.js": 'throw new Error("broken at load");\nexport default { fetch() { return new Response("never"); } };\n' });
      dirs.push(dir);
      const result = Bun.spawnSync([`${import.meta.dir}/../bin/bunflare`, "dev", "--port", "0"], { cwd: dir, env: { ...process.env, NO_COLOR: "1", HOME: dir } });
      expect(result.exitCode).toBe(1);
      expect(result.stdout.toString()).not.toContain("Ready on");
      return result.stderr.toString().replaceAll(dir, "<DIR>");
    };
    expect(start(toml())).toBe(
      "✘ [ERROR] service core:user:t: Uncaught Error: broken at load\n\n    at file://<DIR>/src/index.js:1:11\n\n\n" +
        "✘ [ERROR] The Workers runtime failed to start. There is likely additional logging output above.\n\n\n",
    );
    expect(start(toml().replace('name = "t"\n', ""))).toMatch(/^✘ \[ERROR\] service core:user:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}: Uncaught Error: broken at load\n/);
  });

  test("a port that is not one (--port abc, -1, 70000, 1.5, dev.port in the config, or the inspector's) is one line naming where it came from, exit code 1", () => {
    const run = (args: string[], config = "") => {
      const dir = project({ "wrangler.toml": toml() + config, "src/index.js": 'export default { fetch() { return new Response("x"); } };\n' });
      dirs.push(dir);
      const result = Bun.spawnSync([`${import.meta.dir}/../bin/bunflare`, "dev", ...args], { cwd: dir, env: { ...process.env, NO_COLOR: "1", HOME: dir } });
      const stderr = result.stderr.toString();
      expect(result.exitCode).toBe(1);
      expect(stderr).not.toContain("    at ");
      expect(result.stdout.toString()).not.toContain("Ready on");
      return stderr.match(/\[ERROR\] (.*)/)?.[1];
    };
    expect(run(["--port", "abc"])).toBe("Invalid --port: not a number. A port is a whole number from 0 to 65535.");
    expect(run(["--port", "-1"])).toBe("Invalid --port: -1. A port is a whole number from 0 to 65535.");
    expect(run(["--port", "1.5"])).toBe("Invalid --port: 1.5. A port is a whole number from 0 to 65535.");
    expect(run([], "[dev]\nport = 70000\n")).toBe("Invalid dev.port in the config: 70000. A port is a whole number from 0 to 65535.");
    // No inspector is served, but its port is checked the same way.
    expect(run(["--inspector-port", "abc"])).toBe("Invalid --inspector-port: not a number. A port is a whole number from 0 to 65535.");
    expect(run([], "[dev]\ninspector_port = 70000\n")).toBe("Invalid dev.inspector_port in the config: 70000. A port is a whole number from 0 to 65535.");
  });

  test("a main that does not parse when dev starts: the build error, no Ready line, exit code 1", () => {
    const dir = project({ "wrangler.toml": toml(), "src/index.js": "export default { fetch() { return ;;; )) } };\n" });
    dirs.push(dir);
    const result = Bun.spawnSync([`${import.meta.dir}/../bin/bunflare`, "dev", "--port", "0"], { cwd: dir, env: { ...process.env, NO_COLOR: "1", HOME: dir } });
    const output = result.stdout.toString() + result.stderr.toString();
    expect(result.exitCode).toBe(1);
    expect(output).toContain("Build failed with 1 error");
    expect(output).not.toContain("Ready on");
  });

  test("NO_COLOR leaves the build error box and the esbuild messages in it plain; without it they are in wrangler's colours", () => {
    const dir = project({ "wrangler.toml": toml(), "src/index.js": "export default { fetch() { return ;;; )) } };\n" });
    dirs.push(dir);
    const run = (env: Record<string, string | undefined>) =>
      Bun.spawnSync([`${import.meta.dir}/../bin/bunflare`, "dev", "--port", "0"], { cwd: dir, env: { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, HOME: dir, ...env } }).stderr.toString();
    const plain = run({ NO_COLOR: "1" });
    expect(plain).toContain('✘ [ERROR] Build failed with 1 error:\n\n  ✘ [ERROR] Unexpected ")"');
    expect(plain).not.toContain("\x1b");
    const coloured = run({});
    expect(coloured).toContain("\x1b[31m✘ \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1mBuild failed with 1 error:\x1b[0m");
    expect(coloured).toContain('  \x1b[31m✘ \x1b[41;31m[\x1b[41;97mERROR\x1b[41;31m]\x1b[0m \x1b[1mUnexpected ")"\x1b[0m');
  });

  test("an unresolved import at start: the build error, a 503 and no Ready line until an edit of the source builds", async () => {
    const dir = project({
      "wrangler.toml": toml(),
      "src/index.js": 'import a from "./missing-a.js";\nimport b from "./missing-b.js";\nexport default { fetch() { return new Response(a + b); } };\n',
    });
    dirs.push(dir);
    const dev = await spawnDev(dir);
    const { port, child } = dev;
    try {
      await eventually(async () => dev.output().includes('Could not resolve "./missing-b.js"'), 15_000);
      // The server keeps running and says why it cannot answer. Wrangler holds each request, logging
      // nothing, until a build succeeds (a client with a timeout just sees nothing); here the 503 is
      // logged as any request is, so the terminal shows the request came and was refused.
      await eventually(async () => (await fetch(`http://127.0.0.1:${port}/`)).status === 503);
      expect(await (await fetch(`http://127.0.0.1:${port}/refused`)).text()).toBe("Your Worker failed to build or start: see the dev server's output.");
      await eventually(async () => dev.output().includes("[wrangler:info] GET /refused 503 Service Unavailable ("));
      expect(dev.output()).toContain("Build failed with 2 errors:");
      expect(dev.output()).not.toContain("Ready on");
      expect(child.exitCode).toBeNull();
      // Only the source is fixed (wrangler waits for a config change).
      write(dir, "src/index.js", 'export default { fetch() { return new Response("fixed"); } };\n');
      await eventually(async () => dev.output().includes("Ready on"), 15_000);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("fixed");
      expect(dev.output()).toContain(`⎔ Starting local server...\n[wrangler:info] Ready on http://localhost:${port}`);
      expect(dev.output()).not.toContain("Reloading local server");
      expect(dev.output()).not.toContain("Local server updated and ready");
    } finally {
      await dev.stop();
    }
  });

  test("no_bundle: a symlinked module is typed by the link's name, not its target's, and read again at a reload", async () => {
    const dir = project({
      "wrangler.toml": toml("src/index.js", "no_bundle = true\n"),
      "src/index.js": 'import data from "./data.txt";\nimport note from "./note.bin";\nexport default { fetch() { return Response.json([typeof data, data, note instanceof ArrayBuffer, new TextDecoder().decode(note)]); } };\n',
      "src/blob.bin": "blob bytes",
      "src/notes.txt": "note text",
    });
    dirs.push(dir);
    symlinkSync("blob.bin", path.join(dir, "src/data.txt"));
    symlinkSync("notes.txt", path.join(dir, "src/note.bin"));
    const dev = await spawnDev(dir);
    try {
      await eventually(async () => dev.output().includes("Ready on"), 15_000);
      expect(await (await fetch(`http://127.0.0.1:${dev.port}/`)).json()).toEqual(["string", "blob bytes", true, "note text"]);
      write(dir, "src/blob.bin", "changed");
      await eventually(async () => (await (await fetch(`http://127.0.0.1:${dev.port}/`)).text()).includes("changed"), 15_000);
    } finally {
      await dev.stop();
    }
  });

  test("no_bundle: a module symlink that leads nowhere fails the build (a 503 at start, the last good worker later), as does one to a directory", async () => {
    const dir = project({
      "wrangler.toml": toml("src/index.js", "no_bundle = true\n"),
      "src/index.js": 'import a from "./link.txt";\nexport default { fetch() { return new Response("v1 " + a); } };\n',
      "src/sub/keep.md": "x",
    });
    dirs.push(dir);
    symlinkSync("target.txt", path.join(dir, "src/link.txt"));
    const dev = await spawnDev(dir);
    const { port } = dev;
    try {
      await eventually(async () => dev.output().includes(`Missing file or directory: ${path.join(dir, "src/link.txt")}`), 15_000);
      // The error is printed before the server listens: the first answer once it accepts a connection.
      let status = 0;
      await eventually(async () => ((status = (await fetch(`http://127.0.0.1:${port}/`)).status), true), 15_000);
      expect(status).toBe(503);
      expect(dev.output().split("Missing file or directory").length - 1).toBe(1);
      write(dir, "src/target.txt", "linked");
      write(dir, "src/index.js", 'import a from "./link.txt";\nexport default { fetch() { return new Response("v2 " + a); } };\n');
      await eventually(async () => dev.output().includes("Ready on"), 15_000);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("v2 linked");
      symlinkSync("sub", path.join(dir, "src/dir.txt"));
      write(dir, "src/index.js", 'export default { fetch() { return new Response("v3"); } };\n');
      await eventually(async () => dev.output().includes("The module dir.txt is a directory (a symbolic link to one)"), 15_000);
      expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("v2 linked");
    } finally {
      await dev.stop();
    }
  });

  test("a start that fails its checks while the first build runs leaves no build or bundle behind", () => {
    // The first build starts as soon as the settings are read; each failure here comes after it.
    const cases: [string, string, RegExp][] = [
      ['routes = ["*/*"]\n', "", /Cannot infer host from first route/],
      ["", "2999-01-01", /Compatibility date "2999-01-01" is in the future and unsupported/],
    ];
    for (const [extra, date, error] of cases) {
      const dir = project({
        "wrangler.toml": `name = "t"\nmain = "src/index.js"\ncompatibility_date = "${date || "2024-01-01"}"\n${extra}`,
        "src/index.js": 'export default { fetch() { return new Response("never"); } };\n',
        "tmp/.keep": "",
      });
      dirs.push(dir);
      const result = Bun.spawnSync([`${import.meta.dir}/../bin/bunflare`, "dev", "--port", "0"], {
        cwd: dir,
        env: { ...process.env, NO_COLOR: "1", HOME: dir, TMPDIR: path.join(dir, "tmp") },
      });
      expect(result.exitCode).toBe(1);
      expect(result.stdout.toString() + result.stderr.toString()).toMatch(error);
      // The dev session's build directory (bunflare-dev-*) is gone with its esbuild process.
      expect(readdirSync(path.join(dir, "tmp"))).toEqual([".keep"]);
    }
  });

  test("a later session removes the build directories of killed sessions (their worker loaders' too), and only theirs", async () => {
    const loaded = '{ mainModule: "m.js", modules: { "m.js": "export default { fetch() { return new Response(\\"loaded\\"); } };" } }';
    const dir = project({
      "wrangler.toml": toml("src/index.js", 'worker_loaders = [{ binding = "LOADER" }]\n'),
      "src/index.js": `export default { fetch(request, env) { return new URL(request.url).pathname === "/load" ? env.LOADER.load(${loaded}).getEntrypoint().fetch(request) : new Response("ok"); } };\n`,
      "tmp/.keep": "",
    });
    dirs.push(dir);
    const tmp = path.join(dir, "tmp");
    const gone = Bun.spawnSync(["true"]).pid;
    const left = [`bunflare-dev-${gone}-a1b2c3`, `bunflare-dev-${process.pid}-d4e5f6`, "bunflare-dev-test-g7h8i9", "bunflare-dev-x1y2z3"];
    for (const name of left) write(tmp, `${name}/0/1/gen-1/index.js`, "// a build\n");
    const killed = await startDev(dir, [], { env: { TMPDIR: tmp } });
    expect(await (await fetch(new URL("/load", killed.url))).text()).toBe("loaded");
    const own = readdirSync(tmp).filter((name) => name.startsWith(`bunflare-dev-${killed.child.pid}-`));
    expect(own.filter((name) => name.includes("-loader-"))).toHaveLength(1);
    expect(own).toHaveLength(2);
    const exited = new Promise((resolve) => killed.child.once("exit", resolve));
    killed.child.kill("SIGKILL");
    await exited;
    const dev = await startDev(dir, [], { env: { TMPDIR: tmp } });
    running.push(dev);
    // The dead sessions' directories go once the new one is ready; a live process's and names of another shape stay.
    await eventually(async () => readdirSync(tmp).every((name) => name !== left[0] && !own.includes(name)));
    const now = readdirSync(tmp);
    expect(now).toEqual(expect.arrayContaining([".keep", ...left.slice(1)]));
    expect(now.filter((name) => name.startsWith(`bunflare-dev-${dev.child.pid}-`))).toHaveLength(1);
  });

  test("after a good start, a worker that throws at load keeps the last good one serving", async () => {
    const { dir, dev, get } = await serve({ "wrangler.toml": toml(), "src/index.js": 'export default { fetch() { return new Response("good"); } };\n' });
    write(dir, "src/index.js", 'throw new Error("broken at load");\nexport default { fetch() { return new Response("never"); } };\n');
    await dev.waitForOutput(/Error: broken at load/);
    expect(await (await get("/")).text()).toBe("good");
    write(dir, "src/index.js", 'export default { fetch() { return new Response("recovered"); } };\n');
    await eventually(async () => (await (await get("/")).text()) === "recovered");
  });

  test("a worker without a fetch handler answers 500 naming the missing handler", async () => {
    const { get } = await serve({ "wrangler.toml": toml(), "src/index.js": "export default { scheduled() {} };\n" });
    const response = await get("/", { headers: { "user-agent": "curl/8" } });
    expect(response.status).toBe(500);
    expect(await response.text()).toContain("Handler does not export a fetch() function.");
  });
});

describe("bunflare dev across processes", () => {
  test("a service binding reaches a worker served by another bunflare dev process", async () => {
    const registry = project({});
    dirs.push(registry);
    const env = { BUNFLARE_REGISTRY_PATH: registry };
    const calleeDir = project({
      "wrangler.toml": 'name = "callee"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n',
      "index.js": 'export default { async fetch(request) { return new Response("callee saw " + request.method + " " + request.url + " " + (await request.text())); } };\n',
    });
    const callerDir = project({
      "wrangler.toml": 'name = "caller"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[services]]\nbinding = "CALLEE"\nservice = "callee"\n',
      "index.js": 'export default { fetch(request, env) { return env.CALLEE.fetch("https://example.com/path?q=1", { method: "POST", body: "hello" }); } };\n',
    });
    dirs.push(calleeDir, callerDir);
    const callee = await startDev(calleeDir, [], { env });
    running.push(callee);
    const caller = await startDev(callerDir, [], { env });
    running.push(caller);
    expect(caller.output()).toMatch(/env\.CALLEE \(callee\)\s+Worker\s+local \[connected\]/);
    const response = await fetch(caller.url);
    expect(await response.text()).toBe("callee saw POST https://example.com/path?q=1 hello");
    await callee.stop();
    const after = await fetch(caller.url, { headers: { "user-agent": "curl/8" } });
    // miniflare's dev-registry proxy answers a missing worker with 503 and these words.
    expect(after.status).toBe(503);
    expect(await after.text()).toBe('Worker "callee" not found. Make sure it is running locally.');
  });
});

describe("bunflare dev with several configs", () => {
  test("-c a -c b serves a and lets it call b over a service binding, fetch and RPC", async () => {
    const { dev, get, dir } = await serve(
      {
        "a.toml": 'name = "a"\nmain = "a.js"\ncompatibility_date = "2025-01-01"\n[[services]]\nbinding = "B"\nservice = "b"\n',
        "b.toml": 'name = "b"\nmain = "b.js"\ncompatibility_date = "2025-01-01"\n[vars]\nWHO = "b"\n',
        "a.js": `export default { async fetch(request, env) {
  if (new URL(request.url).pathname === "/rpc") return new Response(String(await env.B.double(21)));
  return env.B.fetch(request);
} };
`,
        "b.js": `import { WorkerEntrypoint } from "cloudflare:workers";
export default class extends WorkerEntrypoint {
  fetch(request) { return new Response("from " + this.env.WHO + " " + new URL(request.url).pathname); }
  double(n) { return n * 2; }
}
`,
      },
      ["-c", "a.toml", "-c", "b.toml"],
    );
    expect(dev.output()).toMatch(/^a has access to the following bindings:$/m);
    expect(await (await get("/x")).text()).toBe("from b /x");
    expect(await (await get("/rpc")).text()).toBe("42");
    write(dir, "b.js", 'export default { fetch() { return new Response("b edited"); } };\n');
    await eventually(async () => (await (await get("/x")).text()) === "b edited");
  });

  test("workers whose configs are in two directories share the first config's store, as under wrangler", async () => {
    const bindings = '[[kv_namespaces]]\nbinding = "KV"\nid = "shared-kv"\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "db"\ndatabase_id = "shared-db"\n';
    const { get, dir } = await serve(
      {
        "a/wrangler.toml": `name = "a"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n${bindings}[[services]]\nbinding = "B"\nservice = "b"\n`,
        "b/wrangler.toml": `name = "b"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n${bindings}`,
        "a/index.js": `export default { async fetch(request, env) {
  await env.KV.put("k", "from a");
  await env.DB.exec("CREATE TABLE IF NOT EXISTS t (v TEXT); INSERT INTO t VALUES ('row from a')");
  return env.B.fetch(request);
} };
`,
        "b/index.js": `export default { async fetch(request, env) {
  const row = await env.DB.prepare("SELECT v FROM t").first("v");
  return new Response("b reads " + (await env.KV.get("k")) + " and " + row);
} };
`,
      },
      ["-c", "a/wrangler.toml", "-c", "b/wrangler.toml"],
    );
    expect(await (await get("/")).text()).toBe("b reads from a and row from a");
    expect(existsSync(path.join(dir, "a", ".bunflare", "data.sqlite"))).toBe(true);
    expect(existsSync(path.join(dir, "b", ".bunflare"))).toBe(false);
  });

  test("several workers: a bundled worker's console.log, info and debug lines start with its name, warn and error and an unbundled worker's do not", async () => {
    const logAll = (who: string) => `console.log("log", "${who}", 1); console.info("info ${who}"); console.debug("debug ${who}"); console.warn("warn ${who}"); console.error("error ${who}");`;
    const { get, dev } = await serve(
      {
        "a/wrangler.toml": 'name = "aa"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[services]]\nbinding = "B"\nservice = "bb"\n',
        "b/wrangler.toml": 'name = "bb"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\nno_bundle = true\n',
        "a/index.js": `export default { async fetch(request, env) { ${logAll("a")} return env.B.fetch(request); } };\n`,
        "b/index.js": `export default { fetch() { ${logAll("b")} return new Response("b"); } };\n`,
      },
      ["-c", "a/wrangler.toml", "-c", "b/wrangler.toml"],
    );
    expect(await (await get("/")).text()).toBe("b");
    await dev.waitForOutput(/error b/);
    const output = dev.output();
    for (const line of ["[aa] log a 1", "[aa] info a", "[aa] debug a", "log b 1", "info b", "debug b"]) expect(output).toMatch(new RegExp(`^${line.replace(/[[\]]/g, "\\$&")}$`, "m"));
    expect(output).toContain("[WARNING] warn a");
    expect(output).toContain("[ERROR] error a");
    expect(output).not.toContain("[bb]");
  });

  test("co-dependent workers and a worker bound to its own named entrypoint answer without recursing", async () => {
    const { get } = await serve(
      {
        "a.toml": 'name = "a"\nmain = "a.js"\ncompatibility_date = "2025-01-01"\n[[services]]\nbinding = "B"\nservice = "b"\n[[services]]\nbinding = "SELF_NAMED"\nservice = "a"\nentrypoint = "Named"\n',
        "b.toml": 'name = "b"\nmain = "b.js"\ncompatibility_date = "2025-01-01"\n[[services]]\nbinding = "A"\nservice = "a"\n',
        "a.js": `import { WorkerEntrypoint } from "cloudflare:workers";
export class Named extends WorkerEntrypoint {
  fetch() { return new Response("named's own fetch"); }
}
export default class extends WorkerEntrypoint {
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === "/named") return this.env.SELF_NAMED.fetch(request);
    return new Response(await this.env.B.ping(3));
  }
  pong(n) { return "pong " + n; }
}
`,
        "b.js": `import { WorkerEntrypoint } from "cloudflare:workers";
export default class extends WorkerEntrypoint {
  async ping(n) { return "ping " + (await this.env.A.pong(n)); }
}
`,
      },
      ["-c", "a.toml", "-c", "b.toml"],
    );
    expect(await (await get("/")).text()).toBe("ping pong 3");
    // The named entrypoint's fetch, not the default's (which would call itself again).
    expect(await (await get("/named")).text()).toBe("named's own fetch");
  });

  test("a .dev.vars created after start is picked up", async () => {
    const { dir, get } = await serve({
      "wrangler.toml": toml(),
      "src/index.js": "export default { fetch(req, env) { return new Response(String(env.LATE)); } };\n",
    });
    expect(await (await get("/")).text()).toBe("undefined");
    write(dir, ".dev.vars", "LATE=arrived\n");
    await eventually(async () => (await (await get("/")).text()) === "arrived");
  });
});

describe("bunflare dev response details", () => {
  test("a string body gets the runtime's default content type spelling", async () => {
    const { get } = await serve({ "wrangler.toml": toml(), "src/index.js": 'export default { fetch() { return new Response("s"); } };\n' });
    expect((await get("/")).headers.get("content-type")).toBe("text/plain;charset=UTF-8");
  });
});

describe("bunflare dev --host and --upstream-protocol", () => {
  test("the worker sees the upstream URL, Host and a same-origin Origin; Location and cookie domains come back local", async () => {
    const { dev } = await serve(
      {
        "wrangler.toml": toml(),
        "src/index.js": `export default {
  fetch(request) {
    const headers = new Headers({ Location: "https://api.example.com/next?x=1", "Set-Cookie": "s=1; Domain=api.example.com; Path=/" });
    const seen = [request.url, request.headers.get("host"), request.headers.get("origin"), request.headers.get("cf-connecting-ip")];
    return new Response(JSON.stringify(seen), { status: 302, headers });
  },
};
`,
      },
      ["--host", "api.example.com", "--upstream-protocol", "https"],
    );
    const local = new URL(dev.url);
    const response = await fetch(new URL("/x//a?b=1", dev.url), { headers: { origin: local.origin }, redirect: "manual" });
    expect(await response.json()).toEqual(["https://api.example.com/x//a?b=1", "api.example.com", "https://api.example.com", "127.0.0.1"]);
    expect(response.headers.get("location")).toBe(`${local.origin}/next?x=1`);
    expect(response.headers.get("set-cookie")).toBe(`s=1; Domain=${local.hostname}; Path=/`);
  });
});

describe("bunflare dev Workers globals", () => {
  test("scheduler.wait resolves after the delay and rejects with an aborted signal's reason", async () => {
    const { get } = await serve({
      "wrangler.toml": toml(),
      "src/index.js": `export default {
  async fetch() {
    await scheduler.wait(5);
    const controller = new AbortController();
    const waiting = scheduler.wait(60_000, { signal: controller.signal }).then(() => "resolved", (e) => "rejected " + e);
    controller.abort("stop");
    return new Response(await waiting);
  },
};
`,
    });
    expect(await (await get("/")).text()).toBe("rejected stop");
  });
});

describe("bunflare dev process.env", () => {
  test("with nodejs_compat from 2025-04-01, text vars and secrets are in process.env", async () => {
    const { get } = await serve({
      "wrangler.toml": 'name = "t"\nmain = "src/index.js"\ncompatibility_date = "2025-05-01"\ncompatibility_flags = ["nodejs_compat"]\n[vars]\nPLAIN = "p"\n',
      ".dev.vars": "SECRET_KEY=s\n",
      "src/index.js": 'import process from "node:process";\nexport default { fetch() { return new Response(process.env.PLAIN + " " + process.env.SECRET_KEY); } };\n',
    });
    expect(await (await get("/")).text()).toBe("p s");
  });
});
