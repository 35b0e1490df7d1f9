// The Stream binding under wrangler dev (miniflare's local simulation) and
// bunflare dev: bindings table, every call's JSON and errors, and the watch URL
// the dev server serves. Ids, timestamps and token expiry are random or
// time-bound, so the worker replaces them with labels before answering; the
// harness replaces each server's host:port in `preview` and `downloadedFrom`.
// Not compared here (each has a bun test): data surviving a restart.
import type { CompatCase } from "../harness.ts";
import { devCase } from "../dev-harness.ts";

const toml = (remote = "") => `name = "stream"
main = "index.js"
compatibility_date = "2025-01-01"
[stream]
binding = "STREAM"
${remote}`;

const WORKER = `const labels = new Map();
const label = (kind, id) => { if (!labels.has(id)) labels.set(id, kind + (labels.size + 1)); return labels.get(id); };
// Ids become labels in order of first sight; ISO times become <time>.
const norm = (value) => JSON.parse(JSON.stringify(value ?? null, (key, v) =>
  typeof v === "string" ? [...labels].reduce((s, [id, l]) => s.replaceAll(id, l), v).replace(/\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z/g, "<time>") : v));
const settle = async (fn) => { try { return { ok: norm(await fn()) }; } catch (e) { return { error: norm(String(e)), name: e?.name, remote: e?.remote ?? null }; } };
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
const body = (text) => new Response(text).body;

async function scenario(S, origin) {
  const out = {};
  const v1 = await S.upload(body("hello video bytes"), { meta: { name: "a" }, creator: "me", allowedOrigins: ["example.com"], requireSignedURLs: true, thumbnailTimestampPct: 0.25, scheduledDeletion: "2030-01-01T00:00:00.000Z" });
  label("video", v1.id);
  out.upload = norm(v1);
  out.sameTimes = v1.created === v1.modified && v1.created === v1.uploaded;
  await tick();
  const v2 = await S.upload(null);
  label("video", v2.id);
  out.pending = norm(v2);
  out.details = await settle(() => S.video(v1.id).details());
  await tick();
  const updated = await S.video(v1.id).update({ meta: { x: 1 }, creator: null, maxDurationSeconds: 30 });
  out.update = norm(updated);
  out.modifiedMoved = updated.modified > updated.created;
  out.updateAgain = await settle(() => S.video(v1.id).update({ thumbnailTimestampPct: 0.5, requireSignedURLs: false }));
  const token = await S.video(v1.id).generateToken();
  const claims = JSON.parse(atob(token));
  out.token = { sub: label("video", claims.sub), kid: claims.kid, sixHours: Math.abs(claims.exp - Date.now() / 1000 - 21600) < 5, keys: Object.keys(claims) };
  const d = S.video(v1.id).downloads;
  out.downloads = [await settle(() => d.generate()), await settle(() => d.generate("audio")), await settle(() => d.get()), await settle(() => d.delete("audio")), await settle(() => d.get())];
  const c = S.video(v1.id).captions;
  out.captions = [
    await settle(() => c.upload("en", body("WEBVTT"))), await settle(() => c.generate("fr")), await settle(() => c.generate("pt-BR")),
    await settle(() => c.list()), await settle(() => c.list("fr")), await settle(() => c.list("de")), await settle(() => c.delete("fr")),
    await settle(() => c.generate("en")), await settle(() => c.list()),
  ];
  out.lists = [await settle(() => S.videos.list()), await settle(() => S.videos.list({ limit: 1 })), await settle(() => S.videos.list({ before: "2100-01-01", beforeComp: "lte", limit: 5 })), await settle(() => S.videos.list({ after: "2100-01-01" }))];
  const w1 = await S.watermarks.generate(body("png bytes"), { name: "logo", opacity: 0.5, padding: 0.1, scale: 0.2, position: "center" });
  label("watermark", w1.id);
  await tick();
  const w2 = await S.watermarks.generate(new Uint8Array([1, 2, 3]), {});
  label("watermark", w2.id);
  out.watermarks = [norm(w1), norm(w2), await settle(() => S.watermarks.list()), await settle(() => S.watermarks.get(w1.id)), await settle(() => S.watermarks.delete(w2.id)), await settle(() => S.watermarks.list())];
  out.pendingWatch = await watch(origin, v2.id);
  out.watch = await watch(origin, v1.id);
  out.delete = [await settle(() => S.video(v1.id).delete()), await settle(() => S.video(v1.id).details()), await settle(() => S.videos.list())];
  out.deletedWatch = await watch(origin, v1.id);
  return out;
}

async function watch(origin, id) {
  const response = await fetch(origin + "/cdn-cgi/mf/stream/" + id + "/watch");
  return { status: response.status, type: response.headers.get("content-type"), length: response.headers.get("content-length"), body: await response.text() };
}

async function errors(S, origin) {
  const v = await S.upload(body("v"));
  label("video", v.id);
  const missing = origin + "/missing";
  return {
    details: await settle(() => S.video("nope").details()),
    update: await settle(() => S.video("nope").update({})),
    updateNoParams: await settle(() => S.video(v.id).update()),
    delete: await settle(() => S.video("nope").delete()),
    token: await settle(() => S.video("nope").generateToken()),
    downloads: [await settle(() => S.video("nope").downloads.generate()), await settle(() => S.video("nope").downloads.get()), await settle(() => S.video(v.id).downloads.delete())],
    captions: [await settle(() => S.video("nope").captions.upload("en", body("x"))), await settle(() => S.video("nope").captions.list()), await settle(() => S.video(v.id).captions.delete("zz")), await settle(() => S.video(v.id).captions.generate("!!"))],
    watermarks: [
      await settle(() => S.watermarks.get("nope")), await settle(() => S.watermarks.delete("nope")),
      await settle(() => S.watermarks.generate(body("x"), { opacity: 2 })), await settle(() => S.watermarks.generate(body("x"), { padding: -1 })),
      await settle(() => S.watermarks.generate(body("x"), { scale: 1.5 })), await settle(() => S.watermarks.generate(body("x"))),
      await settle(() => S.watermarks.generate(missing, {})),
    ],
    uploads: [await settle(() => S.upload()), await settle(() => S.upload(new Uint8Array([1]))), await settle(() => S.upload("notaurl")), await settle(() => S.upload(missing))],
    list: await settle(() => S.videos.list({ after: "2000-01-01", afterComp: "bad" })),
    direct: await settle(() => S.createDirectUpload({ maxDurationSeconds: 60 })),
  };
}

async function fromUrl(S, origin) {
  const v = await S.upload(origin + "/bytes");
  label("video", v.id);
  const w = await S.watermarks.generate(origin + "/bytes", { name: "remote" });
  label("watermark", w.id);
  return { video: norm(v), watch: await watch(origin, v.id), watermark: norm(w) };
}

export default { async fetch(request, env) {
  const url = new URL(request.url);
  const S = env.STREAM;
  switch (url.pathname) {
    case "/scenario": return Response.json(await scenario(S, url.origin));
    case "/errors": return Response.json(await errors(S, url.origin));
    case "/from-url": return Response.json(await fromUrl(S, url.origin));
    case "/bytes": return new Response("from url");
    case "/binding": {
      const v = await S.upload(body("through fetch"));
      const other = await S.fetch("http://any.host/other");
      const own = await S.fetch("http://any.host/cdn-cgi/mf/stream/" + v.id + "/watch");
      return Response.json({ type: typeof S, keys: Object.keys(S), tag: Object.prototype.toString.call(S), video: typeof S.video,
        other: [other.status, await other.text()], own: [own.status, own.headers.get("content-type"), await own.text()] });
    }
  }
  return new Response("not found", { status: 404 });
} };
`;

const FILES = { "wrangler.toml": toml(), "index.js": WORKER };

export const cases: CompatCase[] = [
  devCase({
    name: "dev: stream binding (local simulation): videos, captions, downloads, watermarks, errors and watch URLs",
    files: FILES,
    compareStartup: true,
    compareStderr: true,
    compareRequestLog: true,
    requests: [
      { path: "/scenario" },
      { path: "/errors" },
      { path: "/from-url" },
      { path: "/binding" },
      // The dev server's own answers for the watch path: not the worker's, and not logged.
      { path: "/cdn-cgi/mf/stream/nope/watch", headers_compared: ["content-type"] },
      { path: "/cdn-cgi/mf/stream/nope", headers_compared: ["content-type"] },
      { path: "/cdn-cgi/mf/stream", headers_compared: ["content-type"] },
      { path: "/cdn-cgi/mf/stream/nope/watch", headers: { Origin: "http://evil.example" } },
    ],
  }),
  devCase({
    // Wrangler's table says "not supported" for remote = false, yet simulates it as without the key.
    name: "dev: stream binding with remote = false is listed as wrangler lists it and still runs locally",
    files: { "wrangler.toml": toml("remote = false\n"), "index.js": WORKER },
    compareStartup: true,
    requests: [{ path: "/binding" }],
  }),
];
