// What a scenario measures and how it is reported: one Row per metric, with
// the raw samples per column so the table shows medians and RESULTS.md can be
// regenerated from the same data.
import { improvement, median } from "./stats.ts";

export type Column = "wrangler" | "bunflare" | "raw";

export interface Cell {
  samples: number[];
  /** Why this column has no number ("not available: ..."). */
  na?: string;
}

export interface Target {
  /** bunflare must be at least this many times better than wrangler. */
  ratio?: number;
  /** bunflare must reach at least this fraction of raw Bun (raw / bunflare for times and memory). */
  ofRaw?: number;
  /** bunflare's median must be at most (lower-is-better rows) or at least (higher) this, in the row's unit. */
  absolute?: number;
}

export interface Row {
  scenario: string;
  unit: "ms" | "req/s" | "MB" | "steps/s" | "count";
  better: "lower" | "higher";
  cells: Partial<Record<Column, Cell>>;
  target?: Target;
  notes: string[];
}

export function newRow(scenario: string, unit: Row["unit"], better: Row["better"], columns: Column[], target?: Target): Row {
  const cells: Partial<Record<Column, Cell>> = {};
  for (const column of columns) cells[column] = { samples: [] };
  return { scenario, unit, better, cells, notes: [], ...(target ? { target } : {}) };
}

/** Records a failure once per column; the first reason is the one that explains it. */
export function markNa(row: Row, column: Column, reason: string): void {
  const cell = (row.cells[column] ??= { samples: [] });
  cell.na ??= `not available: ${reason}`;
}

export function cellMedian(cell: Cell | undefined): number {
  if (!cell || cell.na || cell.samples.length === 0) return Number.NaN;
  return median(cell.samples);
}

export function formatValue(value: number, unit: Row["unit"]): string {
  if (!Number.isFinite(value)) return "n/a";
  switch (unit) {
    case "ms":
      return value < 10 ? `${value.toFixed(2)} ms` : value < 100 ? `${value.toFixed(1)} ms` : `${Math.round(value).toLocaleString("en-US")} ms`;
    case "req/s":
      return `${Math.round(value).toLocaleString("en-US")} req/s`;
    case "MB":
      return `${value.toFixed(1)} MB`;
    case "steps/s":
      return `${Math.round(value).toLocaleString("en-US")} steps/s`;
    case "count":
      return Math.round(value).toLocaleString("en-US");
  }
}

/** n/a cells point at numbered reasons under the table, so one failure does not swamp every row. */
function formatCell(cell: Cell | undefined, unit: Row["unit"], reasons: string[]): string {
  if (!cell) return "";
  if (cell.na) {
    let index = reasons.indexOf(cell.na);
    if (index < 0) index = reasons.push(cell.na) - 1;
    return `n/a [${index + 1}]`;
  }
  return formatValue(cellMedian(cell), unit);
}

function formatRatio(ratio: number): string {
  if (!Number.isFinite(ratio)) return "n/a";
  return ratio >= 10 ? `${ratio.toFixed(0)}x` : `${ratio.toFixed(1)}x`;
}

export interface Verdict {
  ratio: number;
  ofRaw: number;
  met: boolean | undefined;
}

export function verdict(row: Row): Verdict {
  const wrangler = cellMedian(row.cells.wrangler);
  const bunflare = cellMedian(row.cells.bunflare);
  const raw = cellMedian(row.cells.raw);
  const ratio = improvement(wrangler, bunflare, row.better);
  const ofRaw = Number.isFinite(raw) && Number.isFinite(bunflare) ? (row.better === "higher" ? bunflare / raw : raw / bunflare) : Number.NaN;
  let met: boolean | undefined;
  if (row.target) {
    const checks: [number, number][] = [];
    if (row.target.ratio !== undefined) checks.push([ratio, row.target.ratio]);
    if (row.target.ofRaw !== undefined) checks.push([ofRaw, row.target.ofRaw]);
    if (row.target.absolute !== undefined) {
      // As "value >= want": the negated median against the negated bound for lower-is-better rows.
      checks.push(row.better === "lower" ? [-bunflare, -row.target.absolute] : [bunflare, row.target.absolute]);
    }
    // Undecided (not failed) while a column is missing: that is a gap, not a miss.
    met = checks.every(([value]) => Number.isFinite(value)) ? checks.every(([value, want]) => value >= want) : undefined;
  }
  return { ratio, ofRaw, met };
}

function formatTarget(row: Row, v: Verdict): string {
  if (!row.target) return "";
  const parts: string[] = [];
  if (row.target.ratio !== undefined) parts.push(row.unit === "MB" ? `≤1/${row.target.ratio}` : `≥${row.target.ratio}x`);
  if (row.target.ofRaw !== undefined) parts.push(`≥${Math.round(row.target.ofRaw * 100)}% of raw Bun`);
  if (row.target.absolute !== undefined) parts.push(`${row.better === "lower" ? "≤" : "≥"}${formatValue(row.target.absolute, row.unit)}`);
  const mark = v.met === undefined ? "—" : v.met ? "✅" : "❌";
  return `${parts.join(", ")} ${mark}`;
}

/**
 * The markdown table: medians per column, bunflare's improvement over
 * wrangler, the target; then the reasons for any n/a cell.
 */
export function markdownTable(rows: Row[]): string {
  const reasons: string[] = [];
  const lines = [
    "| Scenario | wrangler | bunflare | raw Bun | bunflare vs wrangler | bunflare vs raw Bun | target |",
    "|---|---:|---:|---:|---:|---:|---|",
  ];
  for (const row of rows) {
    const v = verdict(row);
    const ofRaw = Number.isFinite(v.ofRaw) ? `${Math.round(v.ofRaw * 100)}%` : row.cells.raw ? "n/a" : "";
    lines.push(
      `| ${row.scenario} | ${formatCell(row.cells.wrangler, row.unit, reasons)} | ${formatCell(row.cells.bunflare, row.unit, reasons)} | ${formatCell(row.cells.raw, row.unit, reasons)} | ${formatRatio(v.ratio)} | ${ofRaw} | ${formatTarget(row, v)} |`,
    );
  }
  if (reasons.length) lines.push("", ...reasons.map((reason, i) => `[${i + 1}] ${reason}  `));
  return lines.join("\n");
}

/** Every sample behind the medians, for RESULTS.md: the spread says how far to trust a ratio. */
export function samplesList(rows: Row[]): string {
  const lines: string[] = [];
  for (const row of rows) {
    const parts: string[] = [];
    for (const column of ["wrangler", "bunflare", "raw"] as const) {
      const cell = row.cells[column];
      if (!cell || cell.na || cell.samples.length === 0) continue;
      const shown = cell.samples.map((value) => formatValue(value, row.unit).replace(/ (ms|req\/s|MB)$/, "")).join(", ");
      parts.push(`${column === "raw" ? "raw Bun" : column} ${shown}`);
    }
    if (parts.length) lines.push(`- ${row.scenario} (${row.unit}): ${parts.join("; ")}`);
  }
  return lines.join("\n");
}

/**
 * Where a ratio target is higher than raw Bun.serve's own lead over wrangler
 * on this machine, no Bun-based tool can meet it here; say so next to the miss.
 */
export function ceilingNotes(rows: Row[]): void {
  for (const row of rows) {
    const want = row.target?.ratio;
    if (want === undefined || !row.cells.raw) continue;
    const ceiling = improvement(cellMedian(row.cells.wrangler), cellMedian(row.cells.raw), row.better);
    if (Number.isFinite(ceiling) && ceiling < want) {
      row.notes.push(`the ${want}x target is above the ceiling here: raw Bun itself is only ${formatRatio(ceiling)} better than wrangler on this machine`);
    }
  }
}
