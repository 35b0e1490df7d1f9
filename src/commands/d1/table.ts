// Tables in the shape wrangler prints them (cli-table3's default box style):
// a header row, every row boxed, cells padded by one space.
const color = !process.env.NO_COLOR && process.env.FORCE_COLOR !== "0";
const gray = (text: string) => (color ? `\x1b[90m${text}\x1b[39m` : text);
const blue = (text: string) => (color ? `\x1b[34m${text}\x1b[39m` : text);

/**
 * Display width as cli-table3 measures it: its string-width counts an emoji
 * variation selector as one more column, which wrangler's padding reflects.
 */
function width(text: string): number {
  return Bun.stringWidth(text) + (text.match(/\uFE0F/g)?.length ?? 0);
}

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
