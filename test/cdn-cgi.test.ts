// The dev server's /cdn-cgi/ paths: a request must name this machine in its Host and any
// Origin (else 403, as wrangler dev), and none is in the request log.
import { describe, expect, test } from "bun:test";
import { connect } from "node:net";
import { cleanedAfterEach, project, startDev } from "./dev-helpers.ts";

const WORKER = `export default {
  fetch(request) {
    return new Response("worker: " + new URL(request.url).pathname);
  },
  scheduled() {
    console.log("scheduled ran");
  },
};
`;

/** A request over a raw connection, so its Host header can be anything: the status line and body. */
function raw(url: string, head: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = "";
    socket.on("data", (chunk: Buffer) => (text += chunk.toString()));
    socket.on("end", () => resolve(text.split("\r\n")[0] + " | " + text.slice(text.indexOf("\r\n\r\n") + 4)));
    socket.on("error", reject);
    socket.write(`${head}\r\nConnection: close\r\n\r\n`);
  });
}

describe("dev: /cdn-cgi/", () => {
  const { running, dirs } = cleanedAfterEach();

  test("a foreign Host or Origin gets 403 on every /cdn-cgi/ path, the endpoint not run; local names reach the worker or wrangler's endpoints, unlogged", async () => {
    const dir = project({ "wrangler.toml": 'name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n', "index.js": WORKER });
    dirs.push(dir);
    const dev = await startDev(dir);
    running.push(dev);
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const response = await fetch(dev.url + path, { headers });
      return [response.status, await response.text()];
    };
    for (const path of ["/cdn-cgi/xyz", "/cdn-cgi/handler/scheduled", "/cdn-cgi/explorer", "/cdn-cgi/live-reload", "/cdn-cgi/mf/stream/abc"]) {
      expect(await get(path, { host: "evil.example" })).toEqual([403, "Invalid Host header"]);
      expect(await get(path, { host: "app.localhost:8787" })).toEqual([403, "Invalid Host header"]);
      expect(await get(path, { origin: "http://evil.example" })).toEqual([403, "Invalid Origin header"]);
      expect(await get(path, { origin: "null" })).toEqual([403, "Invalid Origin header"]);
    }
    // A Host that is no host name at all (wrangler's workerd fails with a 500 on it): refused as a bad request.
    expect(await raw(dev.url, "GET /cdn-cgi/xyz HTTP/1.1\r\nHost: bad host")).toBe("HTTP/1.1 400 Bad Request | Bad Request");
    for (const host of ["localhost", "localhost:9", "127.0.0.1", "[::1]", "LOCALHOST", "127.1"]) {
      expect(await get("/cdn-cgi/xyz", { host })).toEqual([200, "worker: /cdn-cgi/xyz"]);
    }
    expect(await get("/cdn-cgi/xyz", { origin: "https://localhost:5173" })).toEqual([200, "worker: /cdn-cgi/xyz"]);
    expect(await get("/cdn-cgi/xyz", { origin: "" })).toEqual([200, "worker: /cdn-cgi/xyz"]);
    // Outside /cdn-cgi/ any Host is the worker's.
    expect(await get("/cdn-cgi", { host: "evil.example" })).toEqual([200, "worker: /cdn-cgi"]);
    expect(await get("/CDN-CGI/xyz", { origin: "http://evil.example" })).toEqual([200, "worker: /CDN-CGI/xyz"]);
    expect(await raw(dev.url, "GET //cdn-cgi/xyz HTTP/1.1\r\nHost: evil.example")).toBe("HTTP/1.1 200 OK | worker: //cdn-cgi/xyz");
    expect(await get("/cdn-cgi/handler/scheduled")).toEqual([200, "ok"]);
    expect(await get("/cdn-cgi/handler/foo")).toEqual([404, '"/cdn-cgi/handler/foo" is not a valid handler. Did you mean to use "/cdn-cgi/handler/scheduled" or "/cdn-cgi/handler/email"?']);
    expect(await get("/cdn-cgi/mf/scheduled")).toEqual([200, "ok"]);
    expect(await get("/done")).toEqual([200, "worker: /done"]);
    await dev.waitForOutput(/GET \/done 200/);
    const log = dev.output();
    // The refused scheduled requests never ran the handler: only the allowed ones did, the legacy path with wrangler's warning.
    expect(log.match(/scheduled ran/g)).toHaveLength(2);
    expect(log).toContain("[wrangler:warn] Triggering scheduled handlers via a request to `/cdn-cgi/mf/scheduled` is deprecated");
    // As wrangler, no request line naming /cdn-cgi/ (a path starting //cdn-cgi/ included).
    const requestLines = [...log.matchAll(/^\[wrangler:info\] ((?:GET|POST) .*) \(\d+ms\)$/gm)].map((match) => match[1]);
    expect(requestLines).toEqual(["GET /cdn-cgi 200 OK", "GET /CDN-CGI/xyz 200 OK", "GET /done 200 OK"]);
  });

  test("--log-level debug shows the /cdn-cgi/ request lines", async () => {
    const dir = project({ "wrangler.toml": 'name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n', "index.js": WORKER });
    dirs.push(dir);
    const dev = await startDev(dir, ["--log-level", "debug"]);
    running.push(dev);
    expect(await (await fetch(`${dev.url}/cdn-cgi/xyz`)).text()).toBe("worker: /cdn-cgi/xyz");
    await dev.waitForOutput(/\[wrangler-ProxyWorker:info\] GET \/cdn-cgi\/xyz 200 OK/);
    // wrangler's handler endpoints are logged too, a refused request is not.
    expect(await (await fetch(`${dev.url}/cdn-cgi/handler/scheduled`)).text()).toBe("ok");
    expect((await fetch(`${dev.url}/cdn-cgi/handler/nope`)).status).toBe(404);
    expect((await fetch(`${dev.url}/cdn-cgi/xyz`, { headers: { origin: "http://evil.example" } })).status).toBe(403);
    await dev.waitForOutput(/\[wrangler-ProxyWorker:info\] GET \/cdn-cgi\/handler\/nope 404 Not Found/);
    expect(dev.output()).toContain("[wrangler-ProxyWorker:info] GET /cdn-cgi/handler/scheduled 200 OK");
    expect(dev.output()).toContain("[wrangler-ProxyWorker:info] Ready on");
    expect(dev.output().match(/GET \/cdn-cgi\/xyz /g)).toHaveLength(1);
  });

  test("the dev server's own answers are text/plain;charset=UTF-8 and compressed for a client that asks, as wrangler's", async () => {
    const dir = project({ "wrangler.toml": 'name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n', "index.js": WORKER });
    dirs.push(dir);
    const dev = await startDev(dir, ["--test-scheduled"]);
    running.push(dev);
    for (const path of ["/cdn-cgi/handler/scheduled", "/__scheduled", "/cdn-cgi/handler/nope", "/cdn-cgi/handler/email"]) {
      const plain = await fetch(dev.url + path, { headers: { "accept-encoding": "identity" } });
      expect([plain.headers.get("content-type"), plain.headers.get("content-encoding")]).toEqual(["text/plain;charset=UTF-8", null]);
      const gzipped = await fetch(dev.url + path, { headers: { "accept-encoding": "gzip" }, decompress: false } as RequestInit);
      expect([gzipped.headers.get("content-type"), gzipped.headers.get("content-encoding")]).toEqual(["text/plain;charset=UTF-8", "gzip"]);
      expect(Bun.gunzipSync(new Uint8Array(await gzipped.arrayBuffer())).length).toBeGreaterThan(0);
    }
    // Refusals are answered before encoding.
    const refused = await fetch(`${dev.url}/cdn-cgi/xyz`, { headers: { host: "evil.example", "accept-encoding": "gzip" }, decompress: false } as RequestInit);
    expect([refused.status, refused.headers.get("content-type"), refused.headers.get("content-encoding"), await refused.text()]).toEqual([403, "text/plain;charset=UTF-8", null, "Invalid Host header"]);
  });

  test("the worker sees the client's Host normalised as its URL is; a request without a usable Host is 400 and never reaches it", async () => {
    const dir = project({
      "wrangler.toml": 'name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n',
      "index.js": 'export default { fetch(request) { console.log("worker ran"); return new Response(request.url + " " + request.headers.get("host")); } };\n',
    });
    dirs.push(dir);
    const dev = await startDev(dir);
    running.push(dev);
    expect(await raw(dev.url, "GET /a HTTP/1.1\r\nHost: LOCALHOST:9000")).toBe("HTTP/1.1 200 OK | http://localhost:9000/a localhost:9000");
    expect(await raw(dev.url, "GET /a HTTP/1.1\r\nHost: 127.1:80")).toBe("HTTP/1.1 200 OK | http://127.0.0.1/a 127.0.0.1");
    expect(await raw(dev.url, "GET /a HTTP/1.1\r\nHost: Example.com.")).toBe("HTTP/1.1 200 OK | http://example.com./a example.com.");
    const before = dev.output().match(/worker ran/g)?.length ?? 0;
    expect(await raw(dev.url, "GET /a HTTP/1.0")).toBe("HTTP/1.1 400 Bad Request | Bad Request");
    expect(await raw(dev.url, "GET /a HTTP/1.1\r\nHost: ")).toBe("HTTP/1.1 400 Bad Request | Bad Request");
    expect(await raw(dev.url, "GET /a HTTP/1.1\r\nHost: a b")).toBe("HTTP/1.1 400 Bad Request | Bad Request");
    expect(await raw(dev.url, "GET /a HTTP/1.1\r\nHost: localhost")).toBe("HTTP/1.1 200 OK | http://localhost/a localhost");
    await dev.waitForOutput(/worker ran[^]*worker ran[^]*worker ran[^]*worker ran/);
    expect(dev.output().match(/worker ran/g)?.length).toBe(before + 1);
  });
});
