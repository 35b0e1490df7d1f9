// The Content-Type the asset server sends: the `mime` package's type for the
// extension (Bun's table agrees for most), `; charset=utf-8` on text/* only
// (so JSON, XML and SVG go without), and no header at all for a file whose
// extension names no type.
import path from "node:path";

// Where Bun's table and the platform's disagree.
const OVERRIDES: Record<string, string | undefined> = {
  ico: "image/vnd.microsoft.icon",
  bmp: "image/bmp",
  wav: "audio/wav",
  flac: "audio/flac",
  aac: "audio/aac",
  m4a: "audio/mp4",
  ts: "video/mp2t",
  jsx: "text/jsx",
  tsx: undefined,
  md: "text/markdown",
  markdown: "text/markdown",
  py: undefined,
  map: "application/json",
  // Extensions Bun answers with octet-stream but mime knows as such.
};
const OCTET_STREAM_EXTENSIONS = new Set(["bin", "exe", "dll", "so", "deb", "dmg", "iso", "img", "msi", "msp", "msm", "buffer", "dump", "pkg", "dist", "distz", "bpk", "elc", "deploy", "dms", "lrf", "mar"]);

const cache = new Map<string, string | undefined>();

export function contentTypeOf(file: string): string | undefined {
  const extension = path.extname(file).slice(1).toLowerCase();
  if (cache.has(extension)) return cache.get(extension);
  let type: string | undefined;
  if (!extension) type = undefined;
  else if (extension in OVERRIDES) type = OVERRIDES[extension];
  else {
    type = Bun.file(`x.${extension}`).type.split(";")[0]!;
    if (type === "application/octet-stream" && !OCTET_STREAM_EXTENSIONS.has(extension)) type = undefined;
  }
  if (type?.startsWith("text/")) type = `${type}; charset=utf-8`;
  cache.set(extension, type);
  return type;
}
