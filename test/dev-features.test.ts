// bunflare dev flags and config beyond the basics: live reload, HTTPS,
// custom builds, no_bundle, log levels.
import { describe, expect, setDefaultTimeout, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { connect } from "node:net";
import path from "node:path";
import { cleanedAfterEach, eventually, project, startDev, write } from "./dev-helpers.ts";

setDefaultTimeout(30_000);

const { running, dirs } = cleanedAfterEach();

async function serve(files: Record<string, string>, args: string[] = [], options: { ipc?: boolean } = {}) {
  const dir = project(files);
  dirs.push(dir);
  const dev = await startDev(dir, args, options);
  running.push(dev);
  return { dir, dev, get: (path: string, init?: RequestInit) => fetch(new URL(path, dev.url), init) };
}

const toml = (main = "src/index.js", extra = "") => `name = "t"\nmain = "${main}"\ncompatibility_date = "2025-01-01"\n${extra}`;
const htmlWorker = (text: string) =>
  `export default { fetch() { return new Response("<html><body>${text}</body></html>", { headers: { "content-type": "text/html" } }); } };\n`;

describe("bunflare dev features", () => {
  test("--live-reload injects a script into HTML and tells open pages to reload after a rebuild", async () => {
    const { dir, dev, get } = await serve({ "wrangler.toml": toml(), "src/index.js": htmlWorker("one") }, ["--live-reload"]);
    const html = await (await get("/")).text();
    expect(html).toContain("one");
    expect(html).toContain("/cdn-cgi/live-reload");
    const socket = new WebSocket(dev.url.replace("http", "ws") + "/cdn-cgi/live-reload");
    const message = new Promise<string>((resolve) => socket.addEventListener("message", (event) => resolve(String(event.data))));
    await new Promise((resolve) => socket.addEventListener("open", resolve));
    write(dir, "src/index.js", htmlWorker("two"));
    expect(await message).toBe("reload");
    socket.close();
    expect(await (await get("/")).text()).toContain("two");
  });

  test("without --live-reload HTML is passed through untouched", async () => {
    const { get } = await serve({ "wrangler.toml": toml(), "src/index.js": htmlWorker("plain") });
    expect(await (await get("/")).text()).toBe("<html><body>plain</body></html>");
  });

  const hasOpenssl = spawnSync("openssl", ["version"]).status === 0;
  test.skipIf(!hasOpenssl)("--local-protocol https serves over TLS with a generated certificate", async () => {
    const { dev } = await serve({ "wrangler.toml": toml(), "src/index.js": 'export default { fetch() { return new Response("secure"); } };\n' }, [
      "--local-protocol",
      "https",
    ]);
    expect(dev.url).toMatch(/^https:\/\//);
    const response = await fetch(dev.url, { tls: { rejectUnauthorized: false } } as RequestInit);
    expect(await response.text()).toBe("secure");
  });

  test("build.command runs before bundling and again when build.watch_dir changes", async () => {
    const { dir, dev, get } = await serve({
      "wrangler.toml": toml("dist/index.js", '[build]\ncommand = "mkdir -p dist && cp src/index.js dist/index.js"\nwatch_dir = "src"\n'),
      "src/index.js": 'export default { fetch() { return new Response("built 1"); } };\n',
      "dist/index.js": 'export default { fetch() { return new Response("stale"); } };\n',
    });
    expect(await (await get("/")).text()).toBe("built 1");
    expect(dev.output()).toContain("[custom build] Running: mkdir -p dist && cp src/index.js dist/index.js");
    write(dir, "src/index.js", 'export default { fetch() { return new Response("built 2"); } };\n');
    await eventually(async () => (await (await get("/")).text()) === "built 2");
    // The copy it writes to dist/ is rebundled, not a reason to run the command again:
    // main ran it after every rebuild, about 40 times a second, without end.
    await Bun.sleep(1000);
    expect(dev.output().split("[custom build] Running:").length - 1).toBe(2);
  });

  test("no_bundle runs the entry as is, cloudflare:workers included", async () => {
    const { get } = await serve(
      {
        "wrangler.toml": toml("src/index.ts", "no_bundle = true\n[vars]\nWHO = \"unbundled\"\n"),
        "src/index.ts": 'import { env } from "cloudflare:workers";\nexport default { fetch(): Response { return new Response(String(env.WHO)); } };\n',
      },
    );
    expect(await (await get("/")).text()).toBe("unbundled");
  });

  test("the classes a worker constructs keep the global's name under the CLI bundle (no Request2)", async () => {
    const { get } = await serve({
      "wrangler.toml": toml(),
      "src/index.js":
        'export default { fetch() { return Response.json([new Request("http://x").constructor.name, new Response().constructor.name, new ReadableStream().constructor.name, new WebSocketPair()[0].constructor.name, WebSocketPair.name]); } };\n',
    });
    expect(await (await get("/")).json()).toEqual(["Request", "Response", "ReadableStream", "WebSocket", "WebSocketPair"]);
  });

  test("--log-level warn silences request lines, the default shows them", async () => {
    // A warning from a later request marks the point by which the first
    // request's line would have been printed.
    const quiet = await serve(
      {
        "wrangler.toml": toml(),
        "src/index.js": 'export default { fetch(req) { if (new URL(req.url).pathname === "/mark") console.warn("MARK after the first request"); return new Response("q"); } };\n',
      },
      ["--log-level", "warn"],
      { ipc: true },
    );
    await quiet.get("/");
    await quiet.get("/mark");
    await quiet.dev.waitForOutput(/MARK after the first request/);
    const loud = await serve({ "wrangler.toml": toml(), "src/index.js": 'export default { fetch() { return new Response("l"); } };\n' });
    await loud.get("/");
    await loud.dev.waitForOutput(/GET \/ 200 OK/);
    expect(quiet.dev.output()).not.toContain("GET / 200 OK");
    expect(quiet.dev.output()).not.toContain("Ready on");
  });

  test("a worker's console.warn and console.error print in wrangler's boxes; --log-level hides the levels below it", async () => {
    const worker = 'export default { fetch() { console.log("LOG line"); console.info("INFO line"); console.warn("WARN line"); console.error("ERROR line"); return new Response("ok"); } };\n';
    const quiet = await serve({ "wrangler.toml": toml(), "src/index.js": worker }, ["--log-level", "warn"], { ipc: true });
    await quiet.get("/");
    await quiet.dev.waitForOutput(/✘ \[ERROR\] ERROR line/);
    expect(quiet.dev.output()).toContain("▲ [WARNING] WARN line");
    expect(quiet.dev.output()).not.toContain("LOG line");
    expect(quiet.dev.output()).not.toContain("INFO line");
    const loud = await serve({ "wrangler.toml": toml(), "src/index.js": worker });
    await loud.get("/");
    await loud.dev.waitForOutput(/✘ \[ERROR\] ERROR line/);
    expect(loud.dev.output()).toMatch(/^LOG line$/m);
    expect(loud.dev.output()).toMatch(/^INFO line$/m);
  });

  test("an entry point that does not exist is a clear error", async () => {
    const dir = project({ "wrangler.toml": toml("src/missing.js") });
    dirs.push(dir);
    const result = Bun.spawnSync([`${import.meta.dir}/../bin/bunflare`, "dev"], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.toString()).toContain('The entry-point file at "src/missing.js" was not found.');
  });

  test("containers: listed after the bindings; enabled, the start stops with a way out; disabled, the Durable Object runs without ctx.container", async () => {
    const containers = '[[containers]]\nclass_name = "Box"\nimage = "./Dockerfile"\n[[durable_objects.bindings]]\nname = "BOX"\nclass_name = "Box"\n[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["Box"]\n';
    const files = {
      "wrangler.toml": toml("src/index.js", containers),
      "Dockerfile": "FROM alpine:3\n",
      "src/index.js":
        'import { DurableObject } from "cloudflare:workers";\nexport class Box extends DurableObject { fetch() { return new Response(typeof this.ctx.container); } }\n' +
        "export default { fetch(request, env) { return env.BOX.get(env.BOX.idFromName('a')).fetch(request); } };\n",
    };
    const dir = project(files);
    dirs.push(dir);
    const refused = Bun.spawnSync([`${import.meta.dir}/../bin/bunflare`, "dev", "--port", "0"], { cwd: dir, env: { ...process.env, NO_COLOR: "1" }, timeout: 15_000 });
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout.toString()).toContain(`The following containers are available:\n- t-box (${path.join(dir, "Dockerfile")})\n`);
    expect(refused.stdout.toString()).not.toContain("Ready on");
    expect(refused.stderr.toString()).toContain("bunflare does not run containers (t-box)");
    expect(refused.stderr.toString()).toContain("set dev.enable_containers to false in your Wrangler config or pass --enable-containers=false");
    const byFlag = await serve(files, ["--enable-containers=false"]);
    expect(await (await byFlag.get("/")).text()).toBe("undefined");
    const byConfig = await serve({ ...files, "wrangler.toml": toml("src/index.js", `${containers}[dev]\nenable_containers = false\n`) });
    expect(await (await byConfig.get("/")).text()).toBe("undefined");
    expect(byConfig.dev.output()).toContain("The following containers are available:");
  });

  test("the port already in use is a clear error", async () => {
    const blocker = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response() });
    try {
      const dir = project({ "wrangler.toml": toml(), "src/index.js": "export default {};\n" });
      dirs.push(dir);
      const result = Bun.spawnSync([`${import.meta.dir}/../bin/bunflare`, "dev", "--ip", "127.0.0.1", "--port", String(blocker.port)], {
        cwd: dir,
        env: { ...process.env, NO_COLOR: "1" },
        timeout: 15_000,
      });
      expect(result.exitCode).toBe(1);
      expect(result.stderr.toString()).toContain(`Address already in use (127.0.0.1:${blocker.port})`);
    } finally {
      blocker.stop(true);
    }
  });
});

describe("bunflare dev in a terminal", () => {
  const hasScript = spawnSync("script", ["--version"]).status === 0;
  test.skipIf(!hasScript)("shows the hotkeys and exits on x", async () => {
    const dir = project({ "wrangler.toml": toml(), "src/index.js": 'export default { fetch() { return new Response("tty"); } };\n' });
    dirs.push(dir);
    const { spawn } = await import("node:child_process");
    // `script` gives the dev server a real pseudo-terminal, as a user's shell would.
    const child = spawn("script", ["-qfec", `${import.meta.dir}/../bin/bunflare dev --port 0`, "/dev/null"], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1", HOME: dir },
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      await eventually(async () => output.includes("[x] to exit"));
      expect(output).toContain("│  [b] open a browser [e] open local explorer [c] clear console [x] to exit  │");
      child.stdin.write("x");
      const code = await Promise.race([exited, Bun.sleep(10_000).then(() => "timeout")]);
      expect(code).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });
});

describe("bunflare dev WebSockets", () => {
  test("a worker's WebSocketPair talks to a real WebSocket client", async () => {
    const { dev } = await serve({
      "wrangler.toml": toml(),
      "src/index.js": `export default {
  fetch(request) {
    if (request.headers.get("upgrade") !== "websocket") return new Response("expected a websocket", { status: 426 });
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.addEventListener("message", (event) => {
      if (event.data === "bye") server.close(1000, "done");
      else server.send("echo: " + event.data);
    });
    return new Response(null, { status: 101, webSocket: client });
  },
};
`,
    });
    const socket = new WebSocket(dev.url.replace("http", "ws") + "/ws");
    const received: string[] = [];
    const closed = new Promise<number>((resolve) => socket.addEventListener("close", (event) => resolve(event.code)));
    socket.addEventListener("message", (event) => received.push(String(event.data)));
    await new Promise((resolve) => socket.addEventListener("open", resolve));
    socket.send("hello");
    await eventually(async () => received.length === 1);
    expect(received).toEqual(["echo: hello"]);
    socket.send("bye");
    expect(await closed).toBe(1000);
    await dev.waitForOutput(/GET \/ws 101 Switching Protocols/);
  });

  test("a worker's outgoing WebSocket is an instance of its WebSocket (and subclass), with its compatibility date's binaryType", async () => {
    const worker = `class Mine extends WebSocket {}
export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/ws") {
      const [client, server] = Object.values(new WebSocketPair());
      server.accept();
      server.addEventListener("message", () => server.send(new Uint8Array([1])));
      return new Response(null, { status: 101, webSocket: client });
    }
    const ws = new Mine(url.origin.replace("http", "ws") + "/ws");
    const data = await new Promise((resolve) => {
      ws.addEventListener("open", () => ws.send("go"));
      ws.addEventListener("message", (event) => resolve(Object.prototype.toString.call(event.data)));
    });
    ws.close(1000);
    return Response.json([ws instanceof Mine, Object.getPrototypeOf(Mine.prototype) === WebSocket.prototype, ws.binaryType, data]);
  },
};
`;
    // Two workers either side of websocket_standard_binary_type's date (2026-03-17): each gets its own default.
    const newer = await serve({ "wrangler.toml": toml().replace("2025-01-01", "2026-05-01"), "src/index.js": worker });
    expect(await (await newer.get("/")).json()).toEqual([true, true, "blob", "[object Blob]"]);
    const older = await serve({ "wrangler.toml": toml(), "src/index.js": worker });
    expect(await (await older.get("/")).json()).toEqual([true, true, "arraybuffer", "[object ArrayBuffer]"]);
  });

  test("a WebSocket the worker accepted itself, returned in a 101, drops the connection after the upgrade with workerd's error", async () => {
    const { dev } = await serve({
      "wrangler.toml": toml(),
      "src/index.js": 'export default { fetch() { const [client] = Object.values(new WebSocketPair()); client.accept(); return new Response(null, { status: 101, webSocket: client }); } };\n',
    });
    const socket = new WebSocket(dev.url.replace("http", "ws") + "/");
    const events: unknown[] = [];
    socket.addEventListener("open", () => events.push("open"));
    await new Promise<void>((resolve) => socket.addEventListener("close", (event) => resolve(void events.push([event.code, event.wasClean]))));
    expect(events).toEqual(["open", [1006, false]]);
    await dev.waitForOutput(/TypeError: Can't return WebSocket in a Response after calling accept\(\)\./);
  });
});

describe("bunflare dev response streams", () => {
  test("a body stream that enqueues strings: the worker's read rejects, the client gets the bytes before it, the error is logged", async () => {
    const { dev, get } = await serve({
      "wrangler.toml": toml(),
      "src/index.js": `export default {
  async fetch(request) {
    const stream = () => new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("bytes ")); c.enqueue("text"); c.close(); } });
    if (new URL(request.url).pathname === "/read") return new Response(await new Response(stream()).text().catch((error) => String(error)));
    return new Response(stream());
  },
};
`,
    });
    expect(await (await get("/read")).text()).toBe("TypeError: This ReadableStream did not return bytes.");
    const response = await get("/", { headers: { "accept-encoding": "identity" } });
    expect([response.status, await response.text()]).toEqual([200, "bytes "]);
    await dev.waitForOutput(/✘ \[ERROR\] Uncaught TypeError: This ReadableStream did not return bytes\./);
  });

  test("string chunks are refused from a TransformStream's readable, ReadableStream.from() and a Request body stream; bytes pass", async () => {
    const { get } = await serve({
      "wrangler.toml": toml(),
      "src/index.js": `const encode = (text) => new TextEncoder().encode(text);
const transformed = (chunk) => { const { readable, writable } = new TransformStream(); const w = writable.getWriter(); w.write(chunk); w.close(); return readable; };
export default {
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === "/transform") return new Response(transformed("text"));
    const read = (body) => new Response(body).text().catch((error) => String(error));
    return Response.json([
      await read(transformed("text")),
      await read(transformed(encode("bytes"))),
      await read(ReadableStream.from(["text"])),
      await read(ReadableStream.from([encode("bytes")])),
      await new Request("http://example.com/", { method: "POST", body: ReadableStream.from(["text"]) }).text().catch((error) => String(error)),
      new TransformStream() instanceof TransformStream,
    ]);
  },
};
`,
    });
    const refused = "TypeError: This ReadableStream did not return bytes.";
    expect(await (await get("/")).json()).toEqual([refused, "bytes", refused, "bytes", refused, true]);
    const response = await get("/transform", { headers: { "accept-encoding": "identity" } });
    expect([response.status, await response.text()]).toEqual([200, ""]);
  });
});

describe("bunflare dev request body streams", () => {
  test("a made request body is sent up to its first chunk that is not bytes, by fetch() to a server and by a service binding", async () => {
    // The outside server: answers with what body it got, and whether reading it failed.
    const bodies: string[] = [];
    const outside = Bun.serve({
      port: 0,
      async fetch(request) {
        const text = await request.text().catch((error) => "failed: " + error);
        bodies.push(text);
        return new Response("outside got " + text);
      },
    });
    try {
      const { dev, get } = await serve({
        "wrangler.toml": toml("src/index.js", 'services = [{ binding = "SELF", service = "t" }]\n'),
        "src/index.js": `const mixed = () => new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("bytes ")); c.enqueue("text"); c.close(); } });
export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === "/echo") return new Response("self got " + (await request.text()));
    const answer = (r) => r.text();
    return Response.json([
      await fetch("${outside.url.href}", { method: "POST", body: mixed() }).then(answer),
      await fetch(new Request("${outside.url.href}", { method: "PUT", body: mixed() })).then(answer),
      await env.SELF.fetch("http://self/echo", { method: "POST", body: mixed() }).then(answer),
    ]);
  },
};
`,
      });
      expect(await (await get("/")).json()).toEqual(["outside got bytes ", "outside got bytes ", "self got bytes "]);
      expect(bodies).toEqual(["bytes ", "bytes "]);
      await dev.waitForOutput(/✘ \[ERROR\] Uncaught TypeError: This ReadableStream did not return bytes\./);
    } finally {
      outside.stop(true);
    }
  });
});

describe("bunflare dev WebSocket closes", () => {
  // The worker logs what its end of the socket saw; /log answers with it.
  const closingWorker = `const log = [];
export default {
  fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === "/log") return Response.json(log);
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.addEventListener("message", (event) => {
      if (event.data !== "close") return;
      server.close(4000, "server bye");
      log.push(path + " after close() " + server.readyState);
    });
    server.addEventListener("close", (event) => log.push(path + " close " + event.code + " " + event.reason + " " + server.readyState));
    return new Response(null, { status: 101, webSocket: client });
  },
};
`;
  const session = async (base: string, path: string, clientCloses: boolean) => {
    const socket = new WebSocket(base.replace("http", "ws") + path);
    const closed = new Promise<string>((resolve) => socket.addEventListener("close", (event) => resolve(event.code + " " + event.reason)));
    await new Promise((resolve) => socket.addEventListener("open", resolve));
    if (clientCloses) socket.close(4001, "client bye");
    else socket.send("close");
    return closed;
  };

  // Before 2026-04-07 a close from the client leaves the server end CLOSING until the worker
  // closes it too; from then on (web_socket_auto_reply_to_close) the runtime answers at once.
  for (const [date, afterClientClose, then] of [
    ["2026-01-01", "2", "CLOSING"],
    ["2026-05-01", "3", "CLOSED"],
  ]) {
    test(`a server end is CLOSING from its close() until the client answers; a client's close finds it ${then} (compatibility date ${date})`, async () => {
      const { dev, get } = await serve({ "wrangler.toml": `name = "t"\nmain = "src/index.js"\ncompatibility_date = "${date}"\n`, "src/index.js": closingWorker });
      expect(await session(dev.url, "/server", false)).toBe("4000 server bye");
      expect(await session(dev.url, "/client", true)).toBe("4001 client bye");
      await eventually(async () => ((await (await get("/log")).json()) as string[]).length === 3);
      expect(await (await get("/log")).json()).toEqual(["/server after close() 2", "/server close 4000 server bye 3", `/client close 4001 client bye ${afterClientClose}`]);
    });
  }
});

describe("bunflare dev WebSocket closes with a real client", () => {
  const worker = `const log = [];
export default {
  fetch(request) {
    if (new URL(request.url).pathname === "/log") return Response.json(log);
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.addEventListener("message", () => server.close());
    server.addEventListener("close", (e) => log.push(e.code + " [" + e.reason + "] " + e.wasClean + " " + server.readyState));
    return new Response(null, { status: 101, webSocket: client });
  },
};
`;

  // From 2026-04-07 the runtime answers a close at once, echoing its code: 1005 too.
  for (const date of ["2026-01-01", "2026-05-01"]) {
    test(`close() without a code sends a close frame without one: both ends see 1005, cleanly; so does a client's close without a code (compatibility date ${date})`, async () => {
      const { dev, get } = await serve({ "wrangler.toml": `name = "t"\nmain = "src/index.js"\ncompatibility_date = "${date}"\n`, "src/index.js": worker });
      const socket = new WebSocket(dev.url.replace("http", "ws") + "/ws");
      const closed = new Promise<string>((resolve) => socket.addEventListener("close", (e) => resolve(e.code + " [" + e.reason + "] " + e.wasClean)));
      await new Promise((resolve) => socket.addEventListener("open", resolve));
      socket.send("close");
      expect(await closed).toBe("1005 [] true");
      const client = new WebSocket(dev.url.replace("http", "ws") + "/ws");
      await new Promise((resolve) => client.addEventListener("open", resolve));
      client.close();
      await eventually(async () => ((await (await get("/log")).json()) as string[]).length === 2);
      expect(await (await get("/log")).json()).toEqual(["1005 [] true 3", `1005 [] true ${date === "2026-01-01" ? 2 : 3}`]);
    });
  }

  test("a client that drops the connection without a close frame gives the worker 1006, not clean, with workerd's reason", async () => {
    const { dev, get } = await serve({ "wrangler.toml": toml(), "src/index.js": worker });
    const { port } = new URL(dev.url);
    const raw = connect(Number(port), "127.0.0.1");
    await new Promise((resolve) => raw.on("connect", resolve));
    raw.write(`GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    const head = await new Promise<string>((resolve) => raw.once("data", (data) => resolve(String(data))));
    expect(head).toStartWith("HTTP/1.1 101");
    raw.destroy();
    await eventually(async () => ((await (await get("/log")).json()) as string[]).length === 1);
    // workerd leaves such a socket's readyState OPEN.
    expect(await (await get("/log")).json()).toEqual(["1006 [WebSocket disconnected without sending Close frame.] false 1"]);
  });
});

describe("bunflare dev WebSockets sent to before the upgrade", () => {
  test("messages the worker sends before returning the 101, and then a close, reach the client in order", async () => {
    const { dev } = await serve({
      "wrangler.toml": toml(),
      "src/index.js": `export default {
  fetch(request) {
    const [client, server] = Object.values(new WebSocketPair());
    server.accept();
    server.send("hello");
    server.send(new Uint8Array([1, 2, 3]));
    if (new URL(request.url).pathname === "/close") server.close(4001, "early");
    return new Response(null, { status: 101, webSocket: client });
  },
};
`,
    });
    const connect = async (path: string) => {
      const socket = new WebSocket(dev.url.replace("http", "ws") + path);
      socket.binaryType = "arraybuffer";
      const received: unknown[] = [];
      socket.addEventListener("message", (event) => received.push(typeof event.data === "string" ? event.data : [...new Uint8Array(event.data)]));
      const closed = new Promise<number>((resolve) => socket.addEventListener("close", (event) => resolve(event.code)));
      return { socket, received, closed };
    };
    const open = await connect("/");
    await eventually(async () => open.received.length === 2);
    expect(open.received).toEqual(["hello", [1, 2, 3]]);
    open.socket.close();
    const closing = await connect("/close");
    expect(await closing.closed).toBe(4001);
    expect(closing.received).toEqual(["hello", [1, 2, 3]]);
  });
});

describe("bunflare dev static assets", () => {
  test("assets are served before the worker, which handles the rest and reaches them through env.ASSETS", async () => {
    const dir = project({}, "dev-assets");
    dirs.push(dir);
    const dev = await startDev(dir);
    running.push(dev);
    const get = (p: string) => fetch(new URL(p, dev.url), { redirect: "manual" });
    expect(await (await get("/about")).text()).toBe("<h1>about</h1>\n");
    expect((await get("/about.html")).headers.get("location")).toBe("/about");
    expect(await (await get("/api")).text()).toBe("worker GET /api");
    expect(await (await get("/via-binding")).text()).toBe("binding gave 200: body { color: orange; }\n");
    expect(dev.output()).toMatch(/env\.ASSETS\s+Assets\s+local/);
  });

  test("a missing assets directory is a clear error", async () => {
    const dir = project({ "wrangler.toml": toml("src/index.js", '[assets]\ndirectory = "./nope"\n'), "src/index.js": "export default {};\n" });
    dirs.push(dir);
    const result = Bun.spawnSync([`${import.meta.dir}/../bin/bunflare`, "dev"], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.toString()).toContain('The directory specified by the "assets.directory" field in your configuration file does not exist:');
  });

  test("an assets path that is a file is a clear error, not an empty asset server", async () => {
    const dir = project({ "wrangler.toml": toml("src/index.js", '[assets]\ndirectory = "./page.html"\n'), "src/index.js": "export default {};\n", "page.html": "<p>x</p>\n" });
    dirs.push(dir);
    const result = Bun.spawnSync([`${import.meta.dir}/../bin/bunflare`, "dev"], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.toString()).toContain(`The path specified by the "assets.directory" field in your configuration file doesn't point to a directory:\n\n  ${path.join(dir, "page.html")}`);
    expect(result.stderr.toString()).not.toContain("    at ");
  });
});

describe("bunflare dev ports", () => {
  test("without --port, a taken 8787 moves the server to another free port", async () => {
    let blocker: ReturnType<typeof Bun.serve> | undefined;
    try {
      blocker = Bun.serve({ port: 8787, hostname: "localhost", fetch: () => new Response("blocker") });
    } catch {
      // Something else already holds 8787, which is just as good for this test.
    }
    try {
      const dir = project({ "wrangler.toml": toml(), "src/index.js": 'export default { fetch() { return new Response("moved"); } };\n' });
      dirs.push(dir);
      const env: Record<string, string> = { CI: "" };
      const dev = await startDev(dir, [], { defaultPort: true, env });
      running.push(dev);
      expect(new URL(dev.url).port).not.toBe("8787");
      expect(await (await fetch(dev.url)).text()).toBe("moved");
    } finally {
      blocker?.stop(true);
    }
  });
});
