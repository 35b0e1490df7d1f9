// wrangler dev's request path under `bunflare dev`, over real HTTP: content
// encoding both ways, request.cf, https with the generated certificate, the
// host routes give the worker, and the log level of every command.
import { afterAll, describe, expect, test } from "bun:test";
import { X509Certificate } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { request as httpRequest } from "node:http";
import path from "node:path";
import { gunzipSync, brotliDecompressSync } from "node:zlib";
import { makeLocalCertificate } from "../src/dev/cert.ts";
import { ROOT, project, startDev, type DevProcess } from "./dev-helpers.ts";

const dirs: string[] = [];
const running: DevProcess[] = [];
afterAll(async () => {
  await Promise.all(running.map((dev) => dev.stop()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const TOML = 'name = "rp"\nmain = "worker.js"\ncompatibility_date = "2025-01-01"\n';
const TEXT = "hello world ".repeat(100);
const WORKER = `export default {
  fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/seen") return Response.json({ url: request.url, header: request.headers.get("accept-encoding"), client: request.cf.clientAcceptEncoding, colo: request.cf.colo });
    if (url.pathname === "/binary") return new Response(${JSON.stringify(TEXT)}, { headers: { "content-type": "application/octet-stream" } });
    if (url.pathname === "/declared") return new Response(${JSON.stringify(TEXT)}, { headers: { "content-type": "application/octet-stream", "content-encoding": "gzip" } });
    if (url.pathname === "/identity") return new Response(${JSON.stringify(TEXT)}, { headers: { "content-type": "text/plain", "content-encoding": "identity" } });
    if (url.pathname === "/manual") {
      const body = new Blob([${JSON.stringify(TEXT)}]).stream().pipeThrough(new CompressionStream("gzip"));
      return new Response(body, { encodeBody: "manual", headers: { "content-type": "text/plain", "content-encoding": "gzip" } });
    }
    if (url.pathname === "/empty") return new Response("", { headers: url.searchParams.has("e") ? { "content-encoding": url.searchParams.get("e") } : {} });
    if (url.pathname === "/throw") throw new Error("thrown here");
    if (url.pathname === "/not-a-response") return "text";
    return new Response(${JSON.stringify(TEXT)}, { headers: { "content-type": "text/plain" } });
  },
};
`;

/** A GET (or another method) whose body comes back exactly as sent (fetch would decode it). */
function rawGet(url: string, headers: Record<string, string> = {}, method = "GET"): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

async function serve(files: Record<string, string>, args: string[] = [], env?: Record<string, string>): Promise<DevProcess> {
  const dir = project(files);
  dirs.push(dir);
  const dev = await startDev(dir, args, { env });
  running.push(dev);
  return dev;
}

describe("content encoding", () => {
  let dev: DevProcess;
  const ready = (async () => {
    dev = await serve({ "wrangler.toml": `${TOML}[assets]\ndirectory = "public"\n`, "worker.js": WORKER, "public/site.css": "a { color: red; }\n".repeat(100) });
  })();

  test("the worker sees Accept-Encoding 'br, gzip' and the client's header in request.cf", async () => {
    await ready;
    const seen = await (await fetch(`${dev.url}/seen`, { headers: { "accept-encoding": "gzip, deflate" } })).json();
    expect(seen).toMatchObject({ header: "br, gzip", client: "gzip, deflate", colo: "DFW" });
    const none = JSON.parse((await rawGet(`${dev.url}/seen`)).body.toString());
    expect(none.client).toBe("");
  });

  test("a text response is gzipped for a client that accepts gzip, and decodes to the worker's text", async () => {
    await ready;
    const res = await rawGet(`${dev.url}/text`, { "accept-encoding": "gzip" });
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(res.body).toString()).toBe(TEXT);
  });

  test("brotli when the client prefers it", async () => {
    await ready;
    const res = await rawGet(`${dev.url}/text`, { "accept-encoding": "gzip;q=0.5, br" });
    expect(res.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(res.body).toString()).toBe(TEXT);
  });

  test("a client that accepts no encoding gets the plain text", async () => {
    await ready;
    const res = await rawGet(`${dev.url}/text`, { "accept-encoding": "identity" });
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.body.toString()).toBe(TEXT);
  });

  test("a client that refuses identity and every encoding we have gets 415", async () => {
    await ready;
    const res = await rawGet(`${dev.url}/text`, { "accept-encoding": "gzip;q=0, identity;q=0" });
    expect(res.status).toBe(415);
    expect(res.headers["accept-encoding"]).toBe("br, gzip");
  });

  test("binary types are not compressed, but a declared Content-Encoding is applied to the plain body", async () => {
    await ready;
    const binary = await rawGet(`${dev.url}/binary`, { "accept-encoding": "gzip" });
    expect(binary.headers["content-encoding"]).toBeUndefined();
    expect(binary.body.toString()).toBe(TEXT);
    const declared = await rawGet(`${dev.url}/declared`, { "accept-encoding": "br" });
    expect(declared.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(declared.body).toString()).toBe(TEXT);
  });

  test("Content-Encoding: identity is left alone", async () => {
    await ready;
    const res = await rawGet(`${dev.url}/identity`, { "accept-encoding": "gzip" });
    expect(res.headers["content-encoding"]).toBe("identity");
    expect(res.body.toString()).toBe(TEXT);
  });

  test("an encodeBody: 'manual' body is sent as the worker encoded it, and decoded for a client that wants it plain", async () => {
    await ready;
    const asIs = await rawGet(`${dev.url}/manual`, { "accept-encoding": "gzip" });
    expect(asIs.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(asIs.body).toString()).toBe(TEXT);
    const plain = await rawGet(`${dev.url}/manual`, { "accept-encoding": "identity" });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.toString()).toBe(TEXT);
  });

  test("static assets are gzipped for a client that accepts gzip", async () => {
    await ready;
    const res = await rawGet(`${dev.url}/site.css`, { "accept-encoding": "gzip" });
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(res.body).toString()).toBe("a { color: red; }\n".repeat(100));
    // fetch decodes on its own, as a browser does.
    expect(await (await fetch(`${dev.url}/site.css`)).text()).toBe("a { color: red; }\n".repeat(100));
  });

  test("a body encoded on the way out goes chunked, without a length; a body passed on as it is keeps its Content-Length", async () => {
    await ready;
    for (const [path, acceptEncoding, coding] of [["/text", "gzip", "gzip"], ["/text", "br", "br"], ["/site.css", "gzip", "gzip"], ["/declared", "identity", "gzip"]] as const) {
      const res = await rawGet(`${dev.url}${path}`, { "accept-encoding": acceptEncoding });
      expect([path, acceptEncoding, res.headers["content-encoding"], res.headers["transfer-encoding"], res.headers["content-length"]]).toEqual([path, acceptEncoding, coding, "chunked", undefined]);
    }
    expect(gunzipSync((await rawGet(`${dev.url}/text`, { "accept-encoding": "gzip" })).body).toString()).toBe(TEXT);
    // A declared encoding on a type the edge leaves alone is applied whatever the client asked.
    expect(gunzipSync((await rawGet(`${dev.url}/declared`, { "accept-encoding": "identity" })).body).toString()).toBe(TEXT);
    const binary = await rawGet(`${dev.url}/binary`, { "accept-encoding": "gzip" });
    expect([binary.headers["content-length"], binary.headers["transfer-encoding"]]).toEqual([String(TEXT.length), undefined]);
  });

  test("a HEAD answer never claims a length of 0: an asset's, or one encoded on the way out, says chunked as its GET is framed", async () => {
    await ready;
    for (const [path, acceptEncoding] of [["/site.css", "identity"], ["/site.css", "gzip"], ["/text", "gzip"]] as const) {
      const head = await rawGet(`${dev.url}${path}`, { "accept-encoding": acceptEncoding }, "HEAD");
      expect([path, acceptEncoding, head.status, head.headers["content-length"], head.headers["transfer-encoding"], head.body.length]).toEqual([path, acceptEncoding, 200, undefined, "chunked", 0]);
    }
    // A worker's HEAD answer with a body keeps the length of that body, the GET's.
    const plain = await rawGet(`${dev.url}/text`, { "accept-encoding": "identity" }, "HEAD");
    expect([plain.headers["content-length"], plain.headers["transfer-encoding"]]).toEqual([String(TEXT.length), undefined]);
  });

  test("a worker's own Content-Encoding on an empty body sends no bytes, not even a gzip header; an empty body the client wants gzipped is a whole empty gzip stream", async () => {
    await ready;
    for (const [declared, acceptEncoding, sent] of [["gzip", "gzip", "gzip"], ["gzip", "br", "br"], ["br", "gzip", "gzip"], ["gzip", "identity", undefined]] as const) {
      const res = await rawGet(`${dev.url}/empty?e=${declared}`, { "accept-encoding": acceptEncoding });
      expect([declared, acceptEncoding, res.status, res.headers["content-encoding"], res.body.length]).toEqual([declared, acceptEncoding, 200, sent, 0]);
    }
    const added = await rawGet(`${dev.url}/empty`, { "accept-encoding": "gzip" });
    expect(added.headers["content-encoding"]).toBe("gzip");
    expect(added.body.length).toBeGreaterThan(0);
    expect(gunzipSync(added.body).toString()).toBe("");
  });

  test("a thrown error answers 500 with its stack sent chunked, as wrangler's; a handler that returns no Response, with its length", async () => {
    await ready;
    const thrown = await rawGet(`${dev.url}/throw`, { "accept-encoding": "identity" });
    expect([thrown.status, thrown.headers["content-type"], thrown.headers["transfer-encoding"], thrown.headers["content-length"]]).toEqual([500, "text/plain;charset=UTF-8", "chunked", undefined]);
    // The stack ends in the worker's code, as workerd's: no frame of Bun's AsyncLocalStorage the host runs it in.
    const [headline, ...frames] = thrown.body.toString().split("\n");
    expect([headline, frames.length, frames.every((frame) => frame.includes("worker.js"))]).toEqual(["Error: thrown here", 1, true]);
    const page = await rawGet(`${dev.url}/throw`, { "accept-encoding": "identity", accept: "text/html" });
    expect([page.status, page.headers["content-type"], page.headers["transfer-encoding"]]).toEqual([500, "text/html;charset=utf-8", "chunked"]);
    expect(page.body.toString()).toContain("thrown here");
    const plain = await rawGet(`${dev.url}/not-a-response`, { "accept-encoding": "identity" });
    expect([plain.status, plain.headers["transfer-encoding"], plain.headers["content-length"]]).toEqual([500, undefined, String(plain.body.length)]);
    expect(plain.body.toString()).toBe("TypeError: Incorrect type for Promise: the Promise did not resolve to 'Response'.");
  });
});

test("a worker that passes on a gzipped origin response sends the client valid gzip", async () => {
  // fetch() hands the worker the decoded body with the origin's Content-Encoding kept, as workerd does.
  const origin = Bun.serve({
    port: 0,
    fetch: () => new Response(Bun.gzipSync(new TextEncoder().encode(TEXT)), { headers: { "content-type": "text/plain", "content-encoding": "gzip" } }),
  });
  try {
    const dev = await serve({
      "wrangler.toml": TOML,
      "worker.js": `export default { fetch() { return fetch("http://127.0.0.1:${origin.port}/"); } };\n`,
    });
    const res = await rawGet(`${dev.url}/`, { "accept-encoding": "gzip" });
    expect(res.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(res.body).toString()).toBe(TEXT);
  } finally {
    origin.stop(true);
  }
});

describe("https", () => {
  test("the generated certificate names localhost, is self-signed and currently valid", () => {
    const { cert } = makeLocalCertificate();
    const x509 = new X509Certificate(cert);
    expect(x509.subjectAltName).toContain("DNS:localhost");
    expect(x509.subjectAltName).toContain("IP Address:127.0.0.1");
    expect(x509.issuer).toBe(x509.subject);
    expect(x509.verify(x509.publicKey)).toBe(true);
    expect(Date.parse(x509.validFrom)).toBeLessThan(Date.now());
    expect(Date.parse(x509.validTo)).toBeGreaterThan(Date.now());
  });

  test("a random serial that starts with zero bytes is written minimally, so TLS accepts the certificate", () => {
    // One serial in 512 started 00 0x..: BoringSSL refused the certificate (INVALID_INTEGER).
    for (const [serial, expected] of [
      [[0x00, 0x19, 0x01, 0xbf], "1901BF"],
      [[0x00, 0x00, 0x95, 0x54], "9554"],
      [[0x80, 0x01], "8001"],
    ] as const) {
      const x509 = new X509Certificate(makeLocalCertificate(new Date(), Uint8Array.from(serial)).cert);
      expect(x509.serialNumber).toBe(expected);
      expect(x509.verify(x509.publicKey)).toBe(true);
    }
  });

  test("--local-protocol https prints 'Ready on https://' and serves with the certificate kept under the home directory", async () => {
    const dev = await serve({ "wrangler.toml": TOML, "worker.js": WORKER }, ["--local-protocol", "https"]);
    expect(dev.output()).toMatch(/Ready on https:\/\/localhost:\d+/);
    const home = dirs.at(-1)!;
    const ca = readFileSync(path.join(home, ".bunflare", "local-cert", "cert.pem"), "utf8");
    const url = dev.url.replace("127.0.0.1", "localhost");
    // Verified against the generated certificate, not merely accepted.
    const seen = (await (await fetch(`${url}/seen`, { tls: { ca } } as RequestInit)).json()) as { url: string };
    expect(seen.url).toBe(`${url}/seen`);
    await expect(fetch(`${url}/seen`)).rejects.toThrow();
  });

  test("--https-key-path and --https-cert-path serve the user's own certificate", async () => {
    const own = makeLocalCertificate();
    const dev = await serve({ "wrangler.toml": TOML, "worker.js": WORKER, "k.pem": own.key, "c.pem": own.cert }, ["--local-protocol", "https", "--https-key-path", "k.pem", "--https-cert-path", "c.pem"]);
    expect(dev.output()).toContain("Using custom certificate at  k.pem");
    const url = dev.url.replace("127.0.0.1", "localhost");
    expect((await fetch(`${url}/seen`, { tls: { ca: own.cert } } as RequestInit)).status).toBe(200);
  });

  test("one of the two paths alone is refused with exit code 1", () => {
    const dir = project({ "wrangler.toml": TOML, "worker.js": WORKER });
    dirs.push(dir);
    const result = Bun.spawnSync([path.join(ROOT, "bin", "bunflare"), "dev", "--local-protocol", "https", "--https-cert-path", "c.pem"], { cwd: dir, env: { ...process.env, NO_COLOR: "1", HOME: dir } });
    expect(result.exitCode).toBe(1);
    expect(result.stderr.toString()).toContain("Must specify both certificate path and key path to use a Custom Certificate.");
  });
});

describe("routes", () => {
  test("the worker sees the first route's host, and its zone's Custom Domain", async () => {
    const dev = await serve({ "wrangler.toml": `${TOML}routes = [{ pattern = "shop.example.com/*", zone_name = "example.com" }]\n`, "worker.js": WORKER });
    expect(((await (await fetch(`${dev.url}/seen?x=1`)).json()) as { url: string }).url).toBe("http://shop.example.com/seen?x=1");
    const custom = await serve({ "wrangler.toml": `${TOML}route = { pattern = "api.example.com", custom_domain = true }\n[dev]\nupstream_protocol = "https"\n`, "worker.js": WORKER });
    expect(((await (await fetch(`${custom.url}/seen`)).json()) as { url: string }).url).toBe("https://api.example.com/seen");
  });

  test("a Custom Domain with a path, or a route on any host, is refused before anything is served", () => {
    for (const [route, words] of [
      ['routes = [{ pattern = "api.example.com/*", custom_domain = true }]', "Paths are not allowed in Custom Domains"],
      ['route = "*/*"', 'Cannot infer host from first route: "*/*".'],
    ]) {
      const dir = project({ "wrangler.toml": `${TOML}${route}\n`, "worker.js": WORKER });
      dirs.push(dir);
      const result = Bun.spawnSync([path.join(ROOT, "bin", "bunflare"), "dev", "--port", "0"], { cwd: dir, env: { ...process.env, NO_COLOR: "1", HOME: dir } });
      expect(result.exitCode).toBe(1);
      expect(result.stderr.toString()).toContain(words);
      expect(result.stdout.toString()).not.toContain("Ready on");
    }
  });
});

describe("log levels", () => {
  const kvProject = () => {
    const dir = project({ "wrangler.toml": `${TOML}[[kv_namespaces]]\nbinding = "KV"\nid = "abc"\n`, "worker.js": WORKER });
    dirs.push(dir);
    return dir;
  };
  const run = (dir: string, args: string[], env: Record<string, string> = {}) =>
    Bun.spawnSync([path.join(ROOT, "bin", "bunflare"), ...args], { cwd: dir, env: { ...process.env, NO_COLOR: "1", HOME: dir, ...env } });

  test("--log-level none on a CLI command hides its unknown-argument error, but the exit code says it failed", () => {
    const dir = kvProject();
    const quiet = run(dir, ["kv", "key", "put", "k", "v", "--binding", "KV", "--local", "--log-level", "none"]);
    expect(quiet.exitCode).toBe(1);
    expect(quiet.stderr.toString()).toBe("");
    const loud = run(dir, ["kv", "key", "put", "k", "v", "--binding", "KV", "--local", "--log-level", "error"]);
    expect(loud.stderr.toString()).toContain("Unknown arguments: log-level, logLevel");
  });

  test("WRANGLER_LOG=none silences a successful put, and the value is still written", () => {
    const dir = kvProject();
    const put = run(dir, ["kv", "key", "put", "k", "stored", "--binding", "KV", "--local"], { WRANGLER_LOG: "none" });
    expect(put.exitCode).toBe(0);
    expect(put.stdout.toString() + put.stderr.toString()).toBe("");
    expect(run(dir, ["kv", "key", "get", "k", "--binding", "KV", "--local", "--text"]).stdout.toString().trimEnd()).toBe("stored");
  });
});
