// Read and parse a config file. A syntax error becomes a ParseError that
// names the file, line and column and shows the offending line, as wrangler's does.
import { readFileSync } from "node:fs";
import path from "node:path";
import { parse as parseToml, TomlError } from "smol-toml";
import type { ParseError as JsoncError } from "jsonc-parser";
import { ParseError } from "../errors.ts";
import type { MessageLocation } from "../log.ts";

export { ParseError };

const FS_REASONS: Record<string, string> = {
  ENOENT: "no such file or directory",
  EACCES: "permission denied",
  EISDIR: "illegal operation on a directory",
  ENOTDIR: "not a directory",
};

/** Node's wording for a failed read (Bun words some of these differently). */
export function describeReadError(error: unknown, file: string): string {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code && FS_REASONS[code]) return `${code}: ${FS_REASONS[code]}, ${code === "EISDIR" ? "read" : `open '${file}'`}`;
  return error instanceof Error ? error.message : String(error);
}

// Editors on Windows save UTF-16 with these marks; wrangler refuses them by name, in this order.
const UNSUPPORTED_BOMS: [number[], string][] = [
  [[0x00, 0x00, 0xfe, 0xff], "UTF-32 BE"],
  [[0xff, 0xfe, 0x00, 0x00], "UTF-32 LE"],
  [[0xfe, 0xff], "UTF-16 BE"],
  [[0xff, 0xfe], "UTF-16 LE"],
];

/** `shownAs` is the path as the user gave it, which is what wrangler prints. */
export function readConfigText(file: string, shownAs = file): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new ParseError(`Could not read file: ${shownAs}`, undefined, [describeReadError(error, path.resolve(file))]);
  }
  for (const [mark, encoding] of UNSUPPORTED_BOMS) {
    if (mark.every((byte, i) => bytes[i] === byte)) {
      throw new ParseError(`Configuration file contains ${encoding} byte order marker`, { file, line: 1, column: 0, length: 0, lineText: "" }, [
        `The file "${file}" appears to be encoded as ${encoding}. Please save the file as UTF-8 without BOM.`,
      ]);
    }
  }
  const text = bytes.toString("utf8");
  // A UTF-8 byte order mark (Notepad writes one) is dropped, as wrangler drops it.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export function parseTomlText(text: string, file: string): Record<string, unknown> {
  try {
    return parseToml(text) as Record<string, unknown>;
  } catch (error) {
    if (!(error instanceof TomlError)) throw error;
    const firstLine = error.message.split("\n")[0] ?? error.message;
    throw new ParseError(firstLine, {
      file,
      line: error.line,
      column: error.column - 1,
      length: 0,
      lineText: text.split(/\r?\n/)[error.line - 1] ?? "",
    });
  }
}

export function parseJsoncText(text: string, file: string): Record<string, unknown> {
  // Loaded on demand: jsonc-parser costs ~6 ms to load, and most projects use TOML.
  const { parse: parseJsonc, printParseErrorCode } = require("jsonc-parser") as typeof import("jsonc-parser");
  const errors: JsoncError[] = [];
  const data = parseJsonc(text, errors, { allowTrailingComma: true });
  const first = errors[0];
  if (first) throw new ParseError(printParseErrorCode(first.error), locationAt(text, first.offset, first.length, file));
  return (data ?? {}) as Record<string, unknown>;
}

function locationAt(text: string, offset: number, length: number, file: string): MessageLocation {
  const lines = text.slice(0, offset).split("\n");
  const line = lines.length;
  return { file, line, column: (lines.at(-1) ?? "").length, length, lineText: text.split(/\r?\n/)[line - 1] ?? "" };
}

export function parseConfigFile(file: string, shownAs = file): Record<string, unknown> {
  const text = readConfigText(file, shownAs);
  // wrangler.json is parsed as JSONC too (wrangler accepts comments and trailing commas there).
  return file.endsWith("toml") ? parseTomlText(text, file) : parseJsoncText(text, file);
}
