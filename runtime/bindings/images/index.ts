// The local Images binding on sharp. Each transform() and draw() is applied in
// the order called (sharp reorders operations within one pipeline, so every
// step is its own pipeline). Errors are ImagesError with the runtime's codes.

type Sharp = typeof import("sharp");
type SharpInstance = import("sharp").Sharp;

let loaded: Sharp | undefined;
/** sharp on first use; without it, one line saying what to install. */
function sharp(): Sharp {
  if (loaded) return loaded;
  try {
    loaded = require("sharp") as Sharp;
  } catch {
    throw new Error("The images binding needs sharp, which is not installed: run `npm install sharp` in your project (or next to bunflare).");
  }
  return loaded;
}

export class ImagesError extends Error {
  constructor(
    readonly code: number,
    message: string,
    kind: "INFO" | "TRANSFORM",
  ) {
    // workerd's errors carry the code and are named plain "Error".
    super(`IMAGES_${kind}_ERROR ${code}: ${message}`);
    this.name = "Error";
  }
}

const MIME: Record<string, string> = { jpeg: "image/jpeg", svg: "image/svg+xml", png: "image/png", webp: "image/webp", gif: "image/gif", heif: "image/avif", avif: "image/avif" };

async function bytesOf(input: unknown): Promise<Buffer> {
  if (input instanceof ReadableStream || input instanceof ArrayBuffer || ArrayBuffer.isView(input) || input instanceof Blob) {
    return Buffer.from(await new Response(input as Blob).arrayBuffer());
  }
  throw new TypeError("Failed to execute 'input' on 'ImagesBinding': parameter 1 is not of type 'ReadableStream'.");
}

async function metadataOf(bytes: Buffer, kind: "INFO" | "TRANSFORM") {
  let metadata: import("sharp").Metadata;
  const load = sharp();
  try {
    metadata = await load(bytes).metadata();
  } catch {
    throw new ImagesError(9520, "ERROR: Unsupported image type, expected one of: JPEG, SVG, PNG, WebP, GIF or AVIF", kind);
  }
  // sharp reports AVIF as "heif" with an av1 compression.
  const format = metadata.format === "heif" && metadata.compression !== "av1" ? undefined : MIME[metadata.format ?? ""];
  if (!format) throw new ImagesError(9520, `ERROR: Unsupported image type ${metadata.format}, expected one of: JPEG, SVG, PNG, WebP, GIF or AVIF`, kind);
  return { metadata, format };
}

export interface Transform {
  width?: number;
  height?: number;
  fit?: "scale-down" | "contain" | "cover" | "crop" | "pad" | "squeeze";
  gravity?: string | { x?: number; y?: number };
  background?: string;
  rotate?: number;
  flip?: "h" | "v" | "hv";
  blur?: number;
  sharpen?: number;
  brightness?: number;
  contrast?: number;
  saturation?: number;
  gamma?: number;
  trim?: { top?: number; bottom?: number; left?: number; right?: number; width?: number; height?: number };
}

export interface DrawOptions {
  top?: number;
  left?: number;
  bottom?: number;
  right?: number;
  opacity?: number;
  repeat?: boolean | "x" | "y";
}

const FITS: Record<string, "inside" | "contain" | "cover" | "fill"> = { "scale-down": "inside", contain: "inside", cover: "cover", crop: "cover", pad: "contain", squeeze: "fill" };
const POSITIONS: Record<string, string> = { top: "top", bottom: "bottom", left: "left", right: "right", center: "centre", centre: "centre" };

async function applyTransform(bytes: Buffer, t: Transform): Promise<Buffer> {
  for (const key of ["width", "height", "rotate", "blur", "sharpen", "brightness", "contrast", "saturation", "gamma"] as const) {
    if (t[key] !== undefined && typeof t[key] !== "number") {
      throw new ImagesError(9523, "ERROR: Internal Images binding error: Expected JSON array of valid transforms in transforms field", "TRANSFORM");
    }
  }
  let image: SharpInstance = sharp()(bytes);
  if (t.trim) {
    const meta = await sharp()(bytes).metadata();
    const left = t.trim.left ?? 0;
    const top = t.trim.top ?? 0;
    const width = t.trim.width ?? (meta.width ?? 0) - left - (t.trim.right ?? 0);
    const height = t.trim.height ?? (meta.height ?? 0) - top - (t.trim.bottom ?? 0);
    image = image.extract({ left, top, width, height });
  }
  if (t.rotate !== undefined) image = image.rotate(t.rotate, t.background ? { background: t.background } : undefined);
  if (t.flip?.includes("h")) image = image.flop();
  if (t.flip?.includes("v")) image = image.flip();
  if (t.width !== undefined || t.height !== undefined) {
    const gravity = typeof t.gravity === "string" ? (t.gravity === "auto" ? sharp().strategy.attention : POSITIONS[t.gravity]) : undefined;
    image = image.resize(t.width || null, t.height || null, {
      // No fit: as wrangler dev resizes locally (sharp's "contain", letterboxed to the box).
      fit: t.fit ? (FITS[t.fit] ?? "inside") : "contain",
      withoutEnlargement: t.fit === "scale-down" || t.fit === "crop",
      position: gravity as never,
      background: t.background,
    });
  }
  if (t.blur !== undefined && t.blur > 0) image = image.blur(Math.min(250, Math.max(0.3, t.blur / 2)));
  if (t.sharpen !== undefined && t.sharpen > 0) image = image.sharpen({ sigma: Math.max(0.01, t.sharpen / 2) });
  if (t.brightness !== undefined || t.saturation !== undefined) image = image.modulate({ brightness: t.brightness ?? 1, saturation: t.saturation ?? 1 });
  if (t.contrast !== undefined) image = image.linear(t.contrast, 128 * (1 - t.contrast));
  if (t.gamma !== undefined && t.gamma >= 1 && t.gamma <= 3) image = image.gamma(t.gamma);
  return image.toBuffer();
}

async function applyDraw(bytes: Buffer, overlay: Buffer, options: DrawOptions): Promise<Buffer> {
  let layer: SharpInstance = sharp()(overlay).ensureAlpha();
  if (options.opacity !== undefined && options.opacity < 1) layer = layer.linear([1, 1, 1, options.opacity], [0, 0, 0, 0]);
  const layerBytes = await layer.png().toBuffer();
  const base = await sharp()(bytes).metadata();
  const top = await sharp()(layerBytes).metadata();
  const x = options.left ?? (options.right !== undefined ? (base.width ?? 0) - (top.width ?? 0) - options.right : undefined);
  const y = options.top ?? (options.bottom !== undefined ? (base.height ?? 0) - (top.height ?? 0) - options.bottom : undefined);
  const placed = x === undefined && y === undefined ? { gravity: "centre" } : { left: Math.round(x ?? 0), top: Math.round(y ?? 0) };
  return sharp()(bytes)
    .composite([{ input: layerBytes, tile: Boolean(options.repeat), ...(options.repeat ? { gravity: "northwest" } : placed) }])
    .toBuffer();
}

type Step = { transform: Transform } | { draw: ImageTransformer | ReadableStream; options: DrawOptions };

export class ImageTransformationResult {
  constructor(
    private readonly bytes: Buffer,
    private readonly type: string,
  ) {}
  response(): Response {
    return new Response(this.bytes, { headers: { "content-type": this.type } });
  }
  contentType(): string {
    return this.type;
  }
  image(): ReadableStream<Uint8Array> {
    return new Response(this.bytes).body!;
  }
}

export class ImageTransformer {
  private readonly steps: Step[] = [];
  constructor(private readonly input: Promise<Buffer>) {}

  transform(transform: Transform): ImageTransformer {
    this.steps.push({ transform: transform ?? {} });
    return this;
  }

  draw(image: ImageTransformer | ReadableStream, options: DrawOptions = {}): ImageTransformer {
    this.steps.push({ draw: image, options });
    return this;
  }

  /** The image after every step, as raw bytes in the input's format (for a draw's overlay). */
  async rendered(): Promise<Buffer> {
    let bytes = await this.input;
    await metadataOf(bytes, "TRANSFORM");
    for (const step of this.steps) {
      if ("transform" in step) bytes = await applyTransform(bytes, step.transform);
      else bytes = await applyDraw(bytes, step.draw instanceof ImageTransformer ? await step.draw.rendered() : await bytesOf(step.draw), step.options);
    }
    return bytes;
  }

  async output(options: { format?: string; quality?: number; background?: string; anim?: boolean } = {}): Promise<ImageTransformationResult> {
    const format = options.format ?? "image/jpeg";
    if (format === "rgb" || format === "rgba") throw new ImagesError(9520, "ERROR: RGB/RGBA output is not supported in local mode", "TRANSFORM");
    const quality = typeof options.quality === "number" ? Math.min(100, Math.max(1, Math.round(options.quality))) : undefined;
    let image = sharp()(await this.rendered(), { animated: options.anim !== false });
    if (options.background) image = image.flatten({ background: options.background });
    switch (format) {
      case "image/avif":
        image = image.avif({ quality });
        break;
      case "image/webp":
        image = image.webp({ quality });
        break;
      case "image/png":
        image = image.png();
        break;
      case "image/gif":
        image = image.gif();
        break;
      default:
        image = image.jpeg({ quality });
        return new ImageTransformationResult(await image.toBuffer(), "image/jpeg");
    }
    return new ImageTransformationResult(await image.toBuffer(), format);
  }
}

export function createImages() {
  return {
    async info(stream: ReadableStream) {
      const bytes = await bytesOf(stream);
      const { metadata, format } = await metadataOf(bytes, "INFO");
      if (format === "image/svg+xml") return { format };
      return { format, fileSize: metadata.size ?? bytes.length, width: metadata.width!, height: metadata.height! };
    },
    input(stream: ReadableStream): ImageTransformer {
      const bytes = bytesOf(stream);
      bytes.catch(() => {});
      return new ImageTransformer(bytes);
    },
  };
}
