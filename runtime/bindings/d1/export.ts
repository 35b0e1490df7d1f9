// `d1 export`: the database as SQL text in the shape wrangler's local export
// writes (SQLite shell `.dump` style), which `d1 execute --file` loads back.
import type { Database } from "bun:sqlite";

export interface ExportOptions {
  noSchema?: boolean;
  noData?: boolean;
  /** Only these tables (and the indexes, triggers and views of those names). */
  tables?: string[];
}

function quoteId(id: string): string {
  return `"${id.replace(/"/g, '""')}"`;
}

function quoteText(text: string): string {
  let lf = false;
  let cr = false;
  let out = `'${text.replace(/'|(\n)|(\r)/g, (_, isLf, isCr) => {
    if (isLf) return (lf = true), "\\n";
    if (isCr) return (cr = true), "\\r";
    return "''";
  })}'`;
  // Newlines are spelled out so each INSERT stays on one line, as the runtime's export does.
  if (cr) out = `replace(${out},'\\r',char(13))`;
  if (lf) out = `replace(${out},'\\n',char(10))`;
  return out;
}

function literal(value: unknown): string {
  if (value === null) return "NULL";
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return quoteText(value);
  if (value instanceof Uint8Array) return `X'${Buffer.from(value).toString("hex")}'`;
  return String(value);
}

export function* dumpSql(db: Database, options: ExportOptions = {}): Generator<string> {
  const only = new Set(options.tables ?? []);
  const { noSchema, noData } = options;
  yield "PRAGMA defer_foreign_keys=TRUE;";
  const tables = db
    .query("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql NOT NULL ORDER BY tbl_name = 'sqlite_sequence', rowid")
    .all() as { name: string; sql: string }[];
  for (const { name, sql } of tables) {
    if (only.size > 0 && !only.has(name)) continue;
    if (name === "sqlite_sequence") {
      if (!noSchema) yield "DELETE FROM sqlite_sequence;";
    } else if (/^sqlite_stat./.test(name)) {
      if (!noSchema) yield "ANALYZE sqlite_schema;";
    } else {
      if (sql.startsWith("CREATE VIRTUAL TABLE")) {
        throw new Error("D1 Export error: cannot export databases with Virtual Tables (fts5)");
      }
      if (name.startsWith("_cf_") || name.startsWith("sqlite_")) continue;
      if (!noSchema) yield /^CREATE TABLE ['"]/.test(sql) ? `CREATE TABLE IF NOT EXISTS ${sql.substring(13)};` : `${sql};`;
    }
    if (noData) continue;
    const columns = db.query(`PRAGMA table_info=${quoteId(name)}`).all() as { name: string }[];
    const select = db.prepare(`SELECT ${columns.map((c) => quoteId(c.name)).join(", ")} FROM ${quoteId(name)}`);
    for (const row of select.values() as unknown[][]) {
      yield `INSERT INTO ${quoteId(name)} VALUES(${row.map(literal).join(",")});`;
    }
    select.finalize();
  }
  if (!noSchema) {
    const rest = db
      .query("SELECT name, sql FROM sqlite_schema WHERE sql NOT NULL AND type IN ('index', 'trigger', 'view') ORDER BY type COLLATE NOCASE")
      .all() as { name: string; sql: string }[];
    for (const { name, sql } of rest) if (only.size === 0 || only.has(name)) yield `${sql};`;
  }
}

/** The whole export as one text, statements joined by newlines (no trailing newline, as wrangler writes it). */
export function exportSql(db: Database, options: ExportOptions = {}): string {
  return Array.from(dumpSql(db, options)).join("\n");
}
