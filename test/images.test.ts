// The images binding on real image bytes: every output is decoded again by
// sharp and its format and dimensions checked.
import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import { createImages } from "../runtime/bindings/images/index.ts";
import { cleanup, project, startDev } from "./dev-helpers.ts";

const images = createImages();
const stream = (bytes: Uint8Array | string) => new Response(bytes).body!;
const solid = (width: number, height: number, background: string) => sharp({ create: { width, height, channels: 4, background } });
const decoded = async (bytes: ReadableStream | Uint8Array) => {
  const buffer = Buffer.from(await new Response(bytes).arrayBuffer());
  return sharp(buffer).metadata();
};

test("info: format, size and dimensions for PNG, JPEG, GIF, WebP and AVIF; format only for SVG", async () => {
  const base = solid(40, 30, "red");
  for (const [format, mime] of [["png", "image/png"], ["jpeg", "image/jpeg"], ["gif", "image/gif"], ["webp", "image/webp"], ["avif", "image/avif"]] as const) {
    const bytes = await base.clone().toFormat(format).toBuffer();
    expect(await images.info(stream(bytes))).toEqual({ format: mime, fileSize: bytes.length, width: 40, height: 30 });
  }
  const svg = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>';
  expect(await images.info(stream(svg))).toEqual({ format: "image/svg+xml" });
});

test("bytes that are not an image: the runtime's IMAGES_INFO_ERROR 9520 / IMAGES_TRANSFORM_ERROR 9520", async () => {
  const info = await images.info(stream("not an image")).catch((error) => error);
  expect(info.message).toBe("IMAGES_INFO_ERROR 9520: ERROR: Unsupported image type, expected one of: JPEG, SVG, PNG, WebP, GIF or AVIF");
  expect(info.code).toBe(9520);
  const output = await images.input(stream("nope")).transform({ width: 5 }).output({ format: "image/png" }).catch((error) => error);
  expect(output.message).toStartWith("IMAGES_TRANSFORM_ERROR 9520: ");
  const rgb = await images.input(stream(await solid(4, 4, "red").png().toBuffer())).output({ format: "rgb" }).catch((error) => error);
  expect(rgb.message).toBe("IMAGES_TRANSFORM_ERROR 9520: ERROR: RGB/RGBA output is not supported in local mode");
});

test("transform: width alone keeps the aspect ratio; fit modes size the output as Cloudflare does", async () => {
  const png = await solid(400, 200, "blue").png().toBuffer();
  const size = async (transform: object, format = "image/png") => {
    const result = await images.input(stream(png)).transform(transform).output({ format });
    const { width, height, format: decodedFormat } = await decoded(result.image());
    return `${width}x${height} ${decodedFormat} ${result.contentType()}`;
  };
  expect(await size({ width: 100 })).toBe("100x50 png image/png");
  expect(await size({ width: 100, height: 100, fit: "contain" })).toBe("100x50 png image/png");
  expect(await size({ width: 100, height: 100, fit: "cover" })).toBe("100x100 png image/png");
  expect(await size({ width: 100, height: 100, fit: "pad" })).toBe("100x100 png image/png");
  expect(await size({ width: 100, height: 100, fit: "squeeze" })).toBe("100x100 png image/png");
  expect(await size({ width: 800, height: 800, fit: "scale-down" })).toBe("400x200 png image/png");
  expect(await size({ rotate: 90 }, "image/webp")).toBe("200x400 webp image/webp");
  expect(await size({ width: 50, blur: 10, flip: "h", brightness: 1.2, contrast: 1.1 }, "image/avif")).toBe("50x25 heif image/avif");
  expect(await size({ trim: { left: 10, right: 10, top: 0, bottom: 100 } })).toBe("380x100 png image/png");
});

test("transforms apply in the order called", async () => {
  const png = await solid(400, 200, "blue").png().toBuffer();
  const result = await images.input(stream(png)).transform({ rotate: 90 }).transform({ width: 100 }).output({ format: "image/png" });
  const { width, height } = await decoded(result.image());
  expect(`${width}x${height}`).toBe("100x200");
});

test("draw: an overlay at top/left with opacity, from a stream or another transformer", async () => {
  const base = await solid(100, 100, "#000000ff").png().toBuffer();
  const white = await solid(10, 10, "#ffffffff").png().toBuffer();
  const result = await images
    .input(stream(base))
    .draw(stream(white), { top: 5, left: 5 })
    .draw(images.input(stream(white)).transform({ width: 20 }), { bottom: 0, right: 0, opacity: 0.5 })
    .output({ format: "image/png" });
  const raw = await sharp(Buffer.from(await new Response(result.image()).arrayBuffer())).raw().toBuffer({ resolveWithObject: true });
  const pixel = (x: number, y: number) => raw.data[(y * raw.info.width + x) * raw.info.channels]!;
  expect([raw.info.width, raw.info.height]).toEqual([100, 100]);
  expect(pixel(0, 0)).toBe(0);
  expect(pixel(7, 7)).toBe(255);
  expect(pixel(90, 90)).toBeGreaterThan(100);
  expect(pixel(90, 90)).toBeLessThan(155);
});

test("output: JPEG quality changes the size; response() carries the content type", async () => {
  const png = await sharp({ create: { width: 200, height: 200, channels: 3, background: "gray", noise: { type: "gaussian", mean: 128, sigma: 50 } } }).png().toBuffer();
  const low = await images.input(stream(png)).output({ format: "image/jpeg", quality: 10 });
  const high = await images.input(stream(png)).output({ format: "image/jpeg", quality: 95 });
  const lowBytes = (await low.response().arrayBuffer()).byteLength;
  const highBytes = (await high.response().arrayBuffer()).byteLength;
  expect(lowBytes).toBeLessThan(highBytes);
  expect(low.response().headers.get("content-type")).toBe("image/jpeg");
  const gif = await images.input(stream(png)).transform({ width: 20 }).output({ format: "image/gif" });
  expect((await decoded(gif.image())).format).toBe("gif");
});

test("without sharp the binding says in one line what to install", () => {
  // The implementation copied where no node_modules holds sharp, as on a machine where it could not be installed.
  const dir = mkdtempSync(path.join(tmpdir(), "images-nosharp-"));
  try {
    writeFileSync(path.join(dir, "index.ts"), readFileSync(path.resolve(import.meta.dir, "../runtime/bindings/images/index.ts")));
    writeFileSync(
      path.join(dir, "use.ts"),
      'import { createImages } from "./index.ts";\n' +
        'createImages().info(new Response("x").body!).then(() => console.log("no error"), (error) => console.log(error.message));\n',
    );
    const run = spawnSync(process.execPath, ["--no-install", path.join(dir, "use.ts")], { cwd: dir, encoding: "utf8" });
    expect(run.stdout.trim()).toBe("The images binding needs sharp, which is not installed: run `npm install sharp` in your project (or next to bunflare).");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("dev: remote = true is wrangler's \"remote\" row, named in the start warning, and fails on use; remote = false, or dev --local, is local", async () => {
  const png = JSON.stringify([...(await solid(4, 3, "red").png().toBuffer())]);
  const worker = `export default { async fetch(request, env) {
  try { return Response.json(await env.IMAGES.info(new Response(new Uint8Array(${png})).body)); }
  catch (e) { return new Response(String(e), { status: 500 }); }
} };
`;
  for (const [remote, args] of [[true, []], [false, []], [true, ["--local"]]] as const) {
    const dir = project({ "wrangler.toml": `name = "img"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[images]\nbinding = "IMAGES"\nremote = ${remote}\n`, "index.js": worker });
    const dev = await startDev(dir, [...args]);
    try {
      const response = await fetch(dev.url);
      if (remote && !args.length) {
        expect([response.status, await response.text()]).toEqual([500, "Error: Binding IMAGES needs to be run remotely"]);
        expect(dev.output()).toMatch(/env\.IMAGES\s+Images\s+remote/);
        expect(dev.output()).toContain("only available on Cloudflare's network, which bunflare does not reach, so they do not work locally: env.IMAGES (Images)");
      } else {
        expect(await response.json()).toEqual({ format: "image/png", fileSize: expect.any(Number), width: 4, height: 3 });
        expect(dev.output()).toMatch(/env\.IMAGES\s+Images\s+local/);
        expect(dev.output()).not.toContain("WARNING");
      }
    } finally {
      await dev.stop();
      cleanup(dir);
    }
  }
});
