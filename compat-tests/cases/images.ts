// The images binding (sharp) under wrangler dev and bunflare dev: table row,
// info, resize, rotate, output formats and the RGB refusal, compared.
// Deliberately better than wrangler (so not compared): GIF output is encoded
// (wrangler: "GIF output is not supported in local mode"); bytes that are not
// an image get IMAGES_INFO_ERROR 9520 (wrangler leaks a 500 with sharp's stack);
// transform/fit/draw options wrangler ignores locally are applied; info() reads
// AVIF (wrangler: "Unsupported image type heif", as sharp names AVIF).
import type { CompatCase } from "../harness.ts";
import { devCase } from "../dev-harness.ts";

const CONFIG = `name = "images"
main = "index.js"
compatibility_date = "2025-01-01"
[images]
binding = "IMAGES"
`;

// A 40x30 red PNG, inlined so the fixture is text.
const RED_PNG = "iVBORw0KGgoAAAANSUhEUgAAACgAAAAeCAIAAADRv8uKAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAN0lEQVR4nO3VwQkAQAgDwe2/6VwZ3mPAvyAx0+pksjinnnDlnVIgU5lBIiyGxbA4LIbFsLivWHw+nauNYdptuQAAAABJRU5ErkJggg==";

const WORKER = `const png = Uint8Array.from(atob("${RED_PNG}"), (c) => c.charCodeAt(0));
const run = async (fn) => { try { return Response.json(await fn()); } catch (e) { return Response.json({ error: String(e), code: e?.code }); } };
const stream = (bytes) => new Response(bytes).body;
export default { async fetch(request, env) {
  const { pathname } = new URL(request.url);
  switch (pathname) {
    case "/info": return run(() => env.IMAGES.info(stream(png)));
    case "/resize": return run(async () => { const r = await env.IMAGES.input(stream(png)).transform({ width: 20 }).output({ format: "image/webp" }); return { type: r.contentType(), info: await env.IMAGES.info(r.image()) }; });
    case "/both": return run(async () => { const r = await env.IMAGES.input(stream(png)).transform({ width: 10, height: 10 }).output({ format: "image/png" }); const res = r.response(); return { type: res.headers.get("content-type"), info: await env.IMAGES.info(res.body) }; });
    case "/rotate": return run(async () => { const r = await env.IMAGES.input(stream(png)).transform({ rotate: 90 }).output({ format: "image/webp" }); const { format, width, height } = await env.IMAGES.info(r.image()); return { type: r.contentType(), format, width, height }; });
    case "/jpeg": return run(async () => { const r = await env.IMAGES.input(stream(png)).output({ format: "image/jpeg", quality: 50 }); const { format, width, height } = await env.IMAGES.info(r.image()); return { type: r.contentType(), format, width, height }; });
    case "/rgb": return run(async () => (await env.IMAGES.input(stream(png)).output({ format: "rgb" })).contentType());
  }
  return new Response("nf", { status: 404 });
} };
`;

export const cases: CompatCase[] = [
  devCase({
    name: "dev: images binding (sharp): info, transform and output",
    files: { "wrangler.toml": CONFIG, "index.js": WORKER },
    compareStartup: true,
    requests: [{ path: "/info" }, { path: "/resize" }, { path: "/both" }, { path: "/rotate" }, { path: "/jpeg" }, { path: "/rgb" }],
  }),
];
