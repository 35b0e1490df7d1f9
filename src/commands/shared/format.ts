// Output shapes several commands share: pretty-bytes sizes and cli-table3
// tables, as wrangler prints them.
import { blue, gray } from "../../colors.ts";

const BYTE_UNITS = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

/** pretty-bytes with wrangler's (default) options: SI units, 3 significant digits, no locale grouping. */
export function prettyBytes(bytes: number): string {
  if (bytes < 1) return `${bytes} B`;
  const exponent = Math.min(Math.floor(Math.log10(bytes) / 3), BYTE_UNITS.length - 1);
  return `${Number((bytes / 1000 ** exponent).toPrecision(3))} ${BYTE_UNITS[exponent]}`;
}

/**
 * Display width as cli-table3 measures it: its string-width counts an emoji
 * variation selector as one more column, which wrangler's padding reflects.
 */
function width(text: string): number {
  return Bun.stringWidth(text) + (text.match(/\uFE0F/g)?.length ?? 0);
}

/**
 * wrangler's logger.table (cli-table3's default box style): a header row in
 * blue, every row boxed in gray, cells padded by one space.
 */
export function renderTable(rows: Record<string, string>[], head: string[] = rows.length ? Object.keys(rows[0]!) : []): string {
  const cells = rows.map((row) => head.map((key) => row[key] ?? ""));
  const widths = head.map((key, i) => Math.max(width(key), ...cells.map((row) => width(row[i]!))) + 2);
  const rule = (left: string, middle: string, right: string) =>
    widths.map((w, i) => gray((i === 0 ? left : middle) + "─".repeat(w) + (i === widths.length - 1 ? right : ""))).join("");
  const line = (values: string[], paint: (text: string) => string) =>
    values.map((value, i) => gray("│") + paint(` ${value}${" ".repeat(widths[i]! - 2 - width(value))} `)).join("") + gray("│");
  const out = [rule("┌", "┬", "┐"), line(head, blue)];
  for (const row of cells) out.push(rule("├", "┼", "┤"), line(row, (text) => text));
  out.push(rule("└", "┴", "┘"));
  return out.join("\n");
}
