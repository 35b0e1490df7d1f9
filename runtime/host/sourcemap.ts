// Bun runs our esbuild bundle as plain JS and does not apply its source map to
// stack traces, so we map `bundle.js:line:col` frames back to the user's
// files ourselves, as wrangler's stacks point at the user's source lines.
import path from "node:path";

interface RawSourceMap {
  sources: string[];
  sourceRoot?: string;
  mappings: string;
}

/** Per generated line: [generatedColumn, sourceIndex, sourceLine, sourceColumn] segments, sorted. */
type Segment = [number, number, number, number];

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const B64_VALUE = new Map([...B64].map((char, index) => [char, index]));

function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let source = 0;
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const lineText of mappings.split(";")) {
    const segments: Segment[] = [];
    let column = 0;
    for (const segmentText of lineText.split(",")) {
      if (!segmentText) continue;
      const fields: number[] = [];
      let value = 0;
      let shift = 0;
      for (const char of segmentText) {
        const digit = B64_VALUE.get(char) ?? 0;
        value += (digit & 31) << shift;
        if (digit & 32) {
          shift += 5;
        } else {
          fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      column += fields[0] ?? 0;
      if (fields.length >= 4) {
        source += fields[1]!;
        sourceLine += fields[2]!;
        sourceColumn += fields[3]!;
        segments.push([column, source, sourceLine, sourceColumn]);
      }
    }
    lines.push(segments);
  }
  return lines;
}

export interface SourceMapper {
  /** 1-based line and column in the bundle -> position in the user's file. */
  lookup(line: number, column: number): { file: string; line: number; column: number } | undefined;
  /** Rewrite every frame of `stack` that points into the bundle. */
  mapStack(stack: string): string;
}

export function createSourceMapper(bundleFile: string, mapText: string): SourceMapper {
  const map = JSON.parse(mapText) as RawSourceMap;
  const dir = path.dirname(bundleFile);
  const sources = map.sources.map((source) => path.resolve(dir, map.sourceRoot ?? "", source));
  let lines: Segment[][] | undefined;
  const lookup: SourceMapper["lookup"] = (line, column) => {
    lines ??= decodeMappings(map.mappings);
    const segments = lines[line - 1];
    if (!segments?.length) return undefined;
    let best = segments[0]!;
    for (const segment of segments) {
      if (segment[0] > column - 1) break;
      best = segment;
    }
    return { file: sources[best[1]]!, line: best[2] + 1, column: best[3] + 1 };
  };
  const escaped = bundleFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const frame = new RegExp(`(?:file://)?${escaped}(?:\\?[^:)\\s]*)?:(\\d+):(\\d+)`, "g");
  return {
    lookup,
    mapStack(stack) {
      return stack.replace(frame, (whole, line: string, column: string) => {
        const hit = lookup(Number(line), Number(column));
        return hit ? `${Bun.pathToFileURL(hit.file).href}:${hit.line}:${hit.column}` : whole;
      });
    },
  };
}
