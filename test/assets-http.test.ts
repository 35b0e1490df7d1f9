// Static assets over real HTTP from real `bunflare dev` processes.
import { afterEach, expect, test } from "bun:test";
import { connect } from "node:net";
import { cleanup, eventually, project, startDev, write, type DevProcess } from "./dev-helpers.ts";

const dirs: string[] = [];
const running: DevProcess[] = [];
afterEach(async () => {
  for (const dev of running.splice(0)) await dev.stop();
  for (const dir of dirs.splice(0)) cleanup(dir);
});

async function serve(files: Record<string, string>, args: string[] = [], ipc = false) {
  const dir = project(files);
  dirs.push(dir);
  const dev = await startDev(dir, args, { ipc });
  running.push(dev);
  return { dir, dev };
}

const ASSETS_ONLY = 'name = "site"\ncompatibility_date = "2025-01-01"\n[assets]\ndirectory = "./public"\n';

/** A request with the path exactly as written (fetch would normalise `..`). */
function rawGet(url: string, target: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(`GET ${target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    let text = "";
    socket.on("data", (chunk) => (text += chunk.toString()));
    socket.on("end", () => resolve(text));
    socket.on("error", reject);
  });
}

test("an assets-only project (no main) serves its directory; a miss is a 404 with the _headers rules", async () => {
  const { dev } = await serve({ "wrangler.toml": ASSETS_ONLY, "public/index.html": "<p>home</p>", "public/_headers": "/*\n  X-All: yes\n" });
  const home = await fetch(dev.url);
  expect([home.status, await home.text(), home.headers.get("content-type")]).toEqual([200, "<p>home</p>", "text/html; charset=utf-8"]);
  const miss = await fetch(`${dev.url}/nope`);
  expect([miss.status, await miss.text(), miss.headers.get("x-all")]).toEqual([404, "", "yes"]);
  expect((await fetch(`${dev.url}/index.html`, { method: "POST" })).status).toBe(405);
});

test("`bunflare dev --assets ./public` with no config serves the directory", async () => {
  const { dev } = await serve({ "public/a.txt": "a" }, ["--assets", "./public", "--compatibility-date", "2025-01-01"]);
  const response = await fetch(`${dev.url}/a.txt`);
  expect([response.status, await response.text()]).toEqual([200, "a"]);
});

test("the parsed-rules lines are printed at start and after a change, and not at all with --log-level none", async () => {
  const files = { "wrangler.toml": ASSETS_ONLY, "public/a.txt": "a", "public/_redirects": "/go /a.txt\nbroken\n" };
  const { dir, dev } = await serve(files);
  expect(dev.output()).toContain("[wrangler:info] ✨ Parsed 1 valid redirect rule.");
  expect(dev.output()).toContain(
    "[wrangler:warn] Found 1 invalid redirect rule:\n▶︎ Expected exactly 2 or 3 whitespace-separated tokens. Got 1.\n    at public/_redirects:2 | broken\n",
  );
  write(dir, "public/_redirects", "/go /a.txt 301\n/also /a.txt\n");
  await dev.waitForOutput(/Parsed 2 valid redirect rules\./);
  expect((await fetch(`${dev.url}/go`, { redirect: "manual" })).status).toBe(301);
  const quiet = await serve(files, ["--log-level", "none"], true);
  expect((await fetch(`${quiet.dev.url}/go`, { redirect: "manual" })).status).toBe(302);
  expect(quiet.dev.output()).not.toContain("redirect rule");
});

test("ETag with If-None-Match gives 304; Range gives 206 without Cache-Control; an unsatisfiable range 416", async () => {
  const { dev } = await serve({ "wrangler.toml": ASSETS_ONLY, "public/r.bin": "0123456789" });
  const whole = await fetch(`${dev.url}/r.bin`);
  const etag = whole.headers.get("etag")!;
  expect(whole.headers.get("cache-control")).toBe("public, max-age=0, must-revalidate");
  expect(whole.headers.get("content-disposition")).toBeNull();
  expect((await fetch(`${dev.url}/r.bin`, { headers: { "If-None-Match": etag } })).status).toBe(304);
  expect((await fetch(`${dev.url}/r.bin`, { headers: { "If-None-Match": `W/${etag}` } })).status).toBe(304);
  const part = await fetch(`${dev.url}/r.bin`, { headers: { Range: "bytes=2-5" } });
  expect([part.status, part.headers.get("content-range"), part.headers.get("cache-control"), await part.text()]).toEqual([206, "bytes 2-5/10", null, "2345"]);
  const suffix = await fetch(`${dev.url}/r.bin`, { headers: { Range: "bytes=-3" } });
  expect(await suffix.text()).toBe("789");
  const outside = await fetch(`${dev.url}/r.bin`, { headers: { Range: "bytes=20-30" } });
  expect([outside.status, outside.headers.get("content-range")]).toEqual([416, "bytes */10"]);
});

test("no request path reaches outside the assets directory, however it is spelled", async () => {
  const { dev } = await serve({ "wrangler.toml": ASSETS_ONLY, "secret.txt": "SECRET", "public/a.txt": "a" });
  for (const target of ["/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/..%5csecret.txt", "/..\\secret.txt", "/a.txt%00", "/%00/../secret.txt"]) {
    const answer = await rawGet(dev.url, target);
    expect(answer).not.toContain("SECRET");
  }
  expect(await rawGet(dev.url, "/a.txt")).toContain("200 OK");
});

test("percent-encoded and non-ASCII names are served from the matching file", async () => {
  const { dev } = await serve({ "wrangler.toml": ASSETS_ONLY, "public/café menu.txt": "menu", "public/100%.txt": "pct" });
  expect(await (await fetch(`${dev.url}/caf%C3%A9%20menu.txt`)).text()).toBe("menu");
  expect(await (await fetch(`${dev.url}/100%25.txt`)).text()).toBe("pct");
});

test("run_worker_first patterns send matching paths to the worker, `!` patterns to the assets", async () => {
  const { dev } = await serve({
    "wrangler.toml":
      'name = "w"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[assets]\ndirectory = "./public"\nrun_worker_first = ["/api/*", "!/api/static/*"]\n',
    "index.js": 'export default { fetch(request) { return new Response("worker " + new URL(request.url).pathname); } };\n',
    "public/api/a.txt": "asset a",
    "public/api/static/s.txt": "asset s",
    "public/x.txt": "asset x",
  });
  const text = async (path: string) => (await fetch(`${dev.url}${path}`)).text();
  expect(await text("/api/a.txt")).toBe("worker /api/a.txt");
  expect(await text("/api/static/s.txt")).toBe("asset s");
  expect(await text("/x.txt")).toBe("asset x");
  expect(await text("/y")).toBe("worker /y");
});

test("an .assetsignore written while dev runs hides the files it names; _headers edits apply", async () => {
  const { dir, dev } = await serve({ "wrangler.toml": ASSETS_ONLY, "public/a.txt": "a", "public/b.log": "b" });
  expect((await fetch(`${dev.url}/b.log`)).status).toBe(200);
  write(dir, "public/.assetsignore", "*.log\n");
  await eventually(async () => (await fetch(`${dev.url}/b.log`)).status === 404);
  expect((await fetch(`${dev.url}/a.txt`)).status).toBe(200);
  write(dir, "public/_headers", "/a.txt\n  X-Late: yes\n");
  await eventually(async () => (await fetch(`${dev.url}/a.txt`)).headers.get("x-late") === "yes");
});
