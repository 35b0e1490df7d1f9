// The Stream binding's local simulation: under a real `bunflare dev` (state in
// .bunflare surviving a restart, the watch URL the server answers, the start
// output) and directly on a store (files on disk, crash leftovers).
import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cleanedAfterEach, project, startDev } from "./dev-helpers.ts";
import { openStore } from "../runtime/store/index.ts";
import { createStream } from "../runtime/bindings/stream/index.ts";

const WORKER = `const run = async (fn) => { try { return Response.json(await fn()); } catch (e) { return Response.json({ error: String(e) }); } };
export default { async fetch(request, env) {
  const url = new URL(request.url);
  const id = url.searchParams.get("id");
  const S = env.STREAM;
  switch (url.pathname) {
    case "/upload": return run(() => S.upload(new Response("video bytes").body, { meta: { name: "clip" } }));
    case "/caption": return run(() => S.video(id).captions.upload("en", new Response("WEBVTT").body));
    case "/watermark": return run(() => S.watermarks.generate(new Response("logo").body, { name: "logo" }));
    case "/details": return run(() => S.video(id).details());
    case "/captions": return run(() => S.video(id).captions.list());
    case "/watermarks": return run(() => S.watermarks.list());
    case "/delete": return run(() => S.video(id).delete());
  }
  return new Response("the worker's " + url.pathname);
} };
`;

const config = (extra = "") => `name = "stream-test"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[stream]\nbinding = "STREAM"\n${extra}`;
const { running, dirs } = cleanedAfterEach();

async function dev(dir: string) {
  const started = await startDev(dir);
  running.push(started);
  return started;
}

const json = async (base: string, pathname: string) => (await fetch(new URL(pathname, base))).json() as Promise<any>;

test("videos, captions and watermarks outlive a restart of bunflare dev, and the watch URL serves the bytes", async () => {
  const dir = project({ "wrangler.toml": config(), "index.js": WORKER });
  dirs.push(dir);
  let server = await dev(dir);
  const video = await json(server.url, "/upload");
  expect(video).toMatchObject({ size: 11, readyToStream: true, meta: { name: "clip" }, status: { state: "ready" } });
  // The preview names the dev server, as wrangler's does.
  expect(video.preview).toBe(`${server.url.replace("127.0.0.1", "localhost")}/cdn-cgi/mf/stream/${video.id}/watch`);
  expect(await json(server.url, `/caption?id=${video.id}`)).toEqual({ language: "en", label: "English", generated: false, status: "ready" });
  const watermark = await json(server.url, "/watermark");
  await server.stop();

  server = await dev(dir);
  expect(await json(server.url, `/details?id=${video.id}`)).toMatchObject({ id: video.id, size: 11, created: video.created });
  expect(await json(server.url, `/captions?id=${video.id}`)).toEqual([{ language: "en", label: "English", generated: false, status: "ready" }]);
  expect(await json(server.url, "/watermarks")).toEqual([watermark]);
  const watched = await fetch(new URL(`/cdn-cgi/mf/stream/${video.id}/watch`, server.url));
  expect(watched.status).toBe(200);
  expect(watched.headers.get("content-type")).toBe("video/mp4");
  expect(watched.headers.get("content-length")).toBe("11");
  expect(await watched.text()).toBe("video bytes");
  // As wrangler: the dev server's own answer is not logged as a request.
  await json(server.url, `/details?id=${video.id}`);
  expect(server.output()).toContain("GET /details 200 OK");
  expect(server.output()).not.toContain("/cdn-cgi/mf/stream");
});

test("the watch path answers 404s of its own, and refuses a page from elsewhere", async () => {
  const dir = project({ "wrangler.toml": config(), "index.js": WORKER });
  dirs.push(dir);
  const server = await dev(dir);
  const get = async (pathname: string, headers?: Record<string, string>) => {
    const response = await fetch(new URL(pathname, server.url), { headers });
    return [response.status, await response.text()];
  };
  expect(await get("/cdn-cgi/mf/stream/nope/watch")).toEqual([404, "Video not found"]);
  expect(await get("/cdn-cgi/mf/stream/nope")).toEqual([404, "Not found"]);
  expect(await get("/cdn-cgi/mf/stream/nope/watch", { Origin: "http://evil.example" })).toEqual([403, "Invalid Origin header"]);
});

test("without a local stream binding the path is the worker's; remote = true keeps the remote-only stand-in and its warning", async () => {
  const dir = project({ "wrangler.toml": config("remote = true\n"), "index.js": WORKER });
  dirs.push(dir);
  const server = await dev(dir);
  expect(await (await fetch(new URL("/cdn-cgi/mf/stream/x/watch", server.url))).text()).toBe("the worker's /cdn-cgi/mf/stream/x/watch");
  expect(await json(server.url, "/upload")).toEqual({ error: "Error: Binding STREAM needs to be run remotely" });
  expect(server.output()).toContain("env.STREAM (Stream)");
  expect(server.output()).toMatch(/env\.STREAM\s+Stream\s+remote/);
});

test("a local stream binding prints no warning, and its table row is wrangler's", async () => {
  const dir = project({ "wrangler.toml": config("remote = false\n"), "index.js": WORKER });
  dirs.push(dir);
  const server = await dev(dir);
  expect(server.output()).toMatch(/env\.STREAM\s+Stream\s+not supported/);
  expect(server.output()).not.toContain("WARNING");
  expect((await json(server.url, "/upload")).size).toBe(11);
});

test("deleting a video removes its bytes and its captions' from the store; a dead writer's leftovers go at the next open", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "bunflare-stream-"));
  try {
    let store = openStore(dir);
    const stream = createStream(store, () => "http://localhost:8787") as any;
    const files = () => readdirSync(path.join(dir, "stream")).sort();
    const video = await stream.upload(new Response("abc").body);
    await stream.video(video.id).captions.upload("en", new Response("WEBVTT").body);
    const kept = await stream.upload(new Response("kept").body);
    expect(files()).toHaveLength(3);
    await stream.video(video.id).delete();
    expect(files()).toHaveLength(1);
    // Left by a writer that died (pid 2^22 + 1 is above Linux's pid_max): one never committed, one mid-write.
    const orphan = `4194305-${"a".repeat(32)}`;
    writeFileSync(path.join(dir, "stream", orphan), "x");
    writeFileSync(path.join(dir, "stream", `.tmp-4194305-${"b".repeat(32)}`), "x");
    store.close();
    store = openStore(dir);
    expect(files()).toHaveLength(1);
    expect(existsSync(path.join(dir, "stream", orphan))).toBe(false);
    const again = createStream(store, () => "http://localhost:8787") as any;
    expect((await again.video(kept.id).details()).size).toBe(4);
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("outside bunflare dev (no server to name in a preview) an upload fails before storing anything", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "bunflare-stream-"));
  try {
    const store = openStore(dir);
    const stream = createStream(store, undefined) as any;
    const failed = await stream.upload(new Response("abc").body).catch((error: Error) => error);
    expect(failed.message).toBe("Runtime entry URL is not available. This may be because the worker is not yet ready to accept requests.");
    expect(existsSync(path.join(dir, "stream"))).toBe(false);
    expect(await stream.videos.list().catch((error: Error) => error.message)).toStartWith("Runtime entry URL is not available");
    store.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
