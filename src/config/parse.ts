// Read and parse a config file. A syntax error becomes a ParseError that
// names the file, line and column and shows the offending line, as wrangler's does.
import { readFileSync } from "node:fs";
import { parse as parseToml, TomlError } from "smol-toml";
import { parse as parseJsonc, printParseErrorCode, type ParseError as JsoncError } from "jsonc-parser";
import { UserError } from "../errors.ts";

export interface SourceLocation {
  file: string;
  line: number; // 1-based
  column: number; // 0-based, like esbuild's and wrangler's
  lineText: string;
}

export class ParseError extends UserError {
  constructor(
    readonly text: string,
    readonly location?: SourceLocation,
  ) {
    super(location ? `${text}\n\n${formatLocation(location)}` : text);
  }
}

/** The `    file:line:col:` block with the line and a caret under the column. */
export function formatLocation(loc: SourceLocation): string {
  const gutter = String(loc.line).length;
  return [
    `    ${loc.file}:${loc.line}:${loc.column}:`,
    `      ${loc.line} │ ${loc.lineText}`,
    `      ${" ".repeat(gutter)} ╵ ${" ".repeat(loc.column)}^`,
  ].join("\n");
}

export function readConfigText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UserError(`Could not read file: ${file}\n\n  ${reason}`);
  }
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
      lineText: text.split("\n")[error.line - 1] ?? "",
    });
  }
}

export function parseJsoncText(text: string, file: string, strictJson = false): Record<string, unknown> {
  const errors: JsoncError[] = [];
  const options = strictJson
    ? { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false }
    : { allowTrailingComma: true };
  const data = parseJsonc(text, errors, options);
  const first = errors[0];
  if (first) {
    throw new ParseError(printParseErrorCode(first.error), locationAt(text, first.offset + 1, file));
  }
  return (data ?? {}) as Record<string, unknown>;
}

function locationAt(text: string, offset: number, file: string): SourceLocation {
  const before = text.slice(0, offset);
  const lines = before.split("\n");
  const line = lines.length;
  return { file, line, column: (lines.at(-1) ?? "").length, lineText: text.split("\n")[line - 1] ?? "" };
}

export function parseConfigFile(file: string): Record<string, unknown> {
  const text = readConfigText(file);
  // wrangler.json is parsed as JSONC too (wrangler accepts comments there).
  return file.endsWith(".toml") ? parseTomlText(text, file) : parseJsoncText(text, file);
}
