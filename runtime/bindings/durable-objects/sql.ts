// The SQL API of SQLite-backed Durable Objects: ctx.storage.sql.exec() and its
// cursor, over the object's own SQLite file.
import type { Database, Statement } from "bun:sqlite";
import { DurableObjectLimits } from "./limits.ts";
import { SQL_NO_TRANSACTIONS, TOO_BIG, tooLong } from "./validate.ts";
import { eachStatement } from "../d1/split.ts";

type SqlValue = string | number | bigint | ArrayBuffer | null;
type Row = Record<string, SqlValue>;

/** Rewrap bun:sqlite errors in the runtime's "<message>[ at offset N]: <CODE>" form. */
export function sqlError(error: unknown): Error {
  const e = error as { message?: string; code?: string; byteOffset?: number; name?: string };
  if (e?.name !== "SQLiteError" || !e.code) return error as Error;
  const at = typeof e.byteOffset === "number" && e.byteOffset >= 0 ? ` at offset ${e.byteOffset}` : "";
  return new Error(`${e.message}${at}: ${e.code}`);
}

function toSqlite(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case "string":
      if (tooLong(value)) throw new Error(TOO_BIG);
      return value;
    case "number":
      return value;
    case "bigint":
      throw new TypeError("Cannot convert a BigInt value to a number");
  }
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    if (value.byteLength > DurableObjectLimits.MAX_SQLITE_LENGTH) throw new Error(TOO_BIG);
    return value instanceof ArrayBuffer ? new Uint8Array(value) : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  // workerd coerces anything else (booleans, objects) to its string form.
  return String(value);
}

function fromSqlite(value: unknown): SqlValue {
  if (value instanceof Uint8Array) {
    return value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength) as ArrayBuffer;
  }
  return value as SqlValue;
}

const PARAMETER = /\?|[:@$][A-Za-z_]/;
const READ_ONLY = /^\s*(select|with|pragma|explain|values)\b/i;
const TRANSACTION_CONTROL = /^\s*(begin|commit|end|rollback|savepoint|release)\b/i;
// The runtime keeps its own tables (_cf_KV, _cf_METADATA) out of the user's reach.
const INTERNAL_NAME = /(?:^|[^a-z0-9_$])["'`\[]?(_cf_[a-z0-9_]*)/gi;
const CREATES = /^\s*create\s+(?:unique\s+)?(?:table|index|view|trigger)\s+(?:if\s+not\s+exists\s+)?(?:main\s*\.\s*)?["'`\[]?(_cf_)?/i;
// What the runtime's SQLite authorizer refuses outright: other databases, temporary objects, and
// every PRAGMA but these (as wrangler dev 4.86 answers them; the rest could change how the file is kept).
const REFUSED = /^\s*(?:attach|detach|create\s+(?:temp|temporary)\b|vacuum\b)/i;
const PRAGMA_NAME = /^\s*pragma\s+(?:main\s*\.\s*)?([a-z_]+)\s*(\()?/i;
const ALLOWED_PRAGMAS = new Set([
  "case_sensitive_like", "data_version", "defer_foreign_keys", "foreign_key_check", "foreign_keys",
  "ignore_check_constraints", "index_info", "index_list", "index_xinfo", "legacy_alter_table", "optimize",
  "quick_check", "recursive_triggers", "reverse_unordered_selects", "table_info", "table_list", "table_xinfo",
]);
const NOT_AUTHORIZED = "not authorized: SQLITE_AUTH";

/** The runtime authorizer's refusal of one statement, or undefined when it may run. */
function refusal(db: Database, text: string): string | undefined {
  const bare = stripLiterals(text);
  if (REFUSED.test(bare)) return /^\s*vacuum/i.test(bare) ? "cannot VACUUM from within a transaction: SQLITE_ERROR" : NOT_AUTHORIZED;
  const pragma = PRAGMA_NAME.exec(bare);
  if (pragma) {
    const name = pragma[1]!.toLowerCase();
    // foreign_key_list answers only about a named table.
    return ALLOWED_PRAGMAS.has(name) || (name === "foreign_key_list" && pragma[2]) ? undefined : NOT_AUTHORIZED;
  }
  if (CREATES.exec(bare)?.[1]) return NOT_AUTHORIZED;
  // Only names of the runtime's existing tables count: a column may be called _cf_x, and a table
  // that does not exist is SQLite's own "no such table".
  for (const [, name] of bare.matchAll(INTERNAL_NAME)) {
    const table = db.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE").get(name!) as { name: string } | null;
    if (!table) continue;
    if (!READ_ONLY.test(bare)) return NOT_AUTHORIZED;
    const column = db.query(`SELECT name FROM pragma_table_info(?) LIMIT 1`).get(table.name) as { name: string } | null;
    return `access to ${table.name}.${column?.name ?? "rowid"} is prohibited: SQLITE_AUTH`;
  }
  return undefined;
}

export class SqlStorageCursor implements Iterable<Row> {
  readonly #columnNames: string[];
  #rows: unknown[][];
  readonly #rowsWritten: number;
  #at = 0;

  constructor(columnNames: string[], rows: unknown[][], rowsWritten: number) {
    this.#columnNames = columnNames;
    this.#rows = rows;
    this.#rowsWritten = rowsWritten;
  }

  // Getters, as in the runtime: a cursor has no own enumerable properties.
  get columnNames(): string[] {
    return this.#columnNames;
  }

  // The runtime counts the last statement's rows only, and as it steps it: the first row at
  // exec, then one row ahead of each row handed out. Our rows are all fetched at exec; the
  // count follows the runtime's (exact for scans and lookups; it counts rows it visits, we
  // count rows returned).
  get rowsRead(): number {
    return Math.min(this.#at + 1, this.#rows.length);
  }

  get rowsWritten(): number {
    return this.#rowsWritten;
  }

  #nextRaw(): unknown[] | undefined {
    const row = this.#rows[this.#at];
    if (row === undefined) return undefined;
    this.#at++;
    return row.map(fromSqlite);
  }

  #object(raw: unknown[]): Row {
    const row: Row = {};
    // Duplicate column names: the last one wins, as in the runtime.
    for (let i = 0; i < raw.length; i++) row[this.#columnNames[i]!] = raw[i] as SqlValue;
    return row;
  }

  next(): IteratorResult<Row, undefined> {
    const raw = this.#nextRaw();
    return raw ? { done: false, value: this.#object(raw) } : { done: true, value: undefined };
  }

  [Symbol.iterator](): Iterator<Row> {
    return this;
  }

  toArray(): Row[] {
    const out: Row[] = [];
    for (let raw = this.#nextRaw(); raw; raw = this.#nextRaw()) out.push(this.#object(raw));
    return out;
  }

  one(): Row {
    const remaining = this.#rows.length - this.#at;
    if (remaining === 0) throw new Error("Expected exactly one result from SQL query, but got no results.");
    if (remaining > 1) {
      // The runtime has stepped to the second row, and ends the query.
      this.#rows = this.#rows.slice(0, 2);
      this.#at = 2;
      throw new Error("Expected exactly one result from SQL query, but got multiple results.");
    }
    return this.#object(this.#nextRaw()!);
  }

  raw<T extends SqlValue[] = SqlValue[]>(): IterableIterator<T> & { toArray(): T[] } {
    const self = this;
    const iterator = {
      next(): IteratorResult<T, undefined> {
        const raw = self.#nextRaw();
        return raw ? { done: false, value: raw as T } : { done: true, value: undefined };
      },
      [Symbol.iterator]() {
        return iterator;
      },
      toArray(): T[] {
        const out: T[] = [];
        for (let raw = self.#nextRaw(); raw; raw = self.#nextRaw()) out.push(raw as T);
        return out;
      },
    };
    return iterator as IterableIterator<T> & { toArray(): T[] };
  }
}

export class SqlStorage {
  readonly #db: () => Database;

  constructor(db: () => Database) {
    this.#db = db;
  }

  exec(query: string, ...bindings: unknown[]): SqlStorageCursor {
    const db = this.#db();
    const code = String(query);
    if (tooLong(code, DurableObjectLimits.MAX_SQL_LENGTH)) throw new Error("statement too long: SQLITE_TOOBIG");
    const statements: string[] = [];
    let end = 0;
    eachStatement(code, false, (statement, _, after) => {
      statements.push(statement);
      end = after;
    });
    // As the runtime: comments or an empty `;` after the last statement are an empty last statement.
    if (statements.length === 0 || code.slice(end).trim() !== "") throw new Error("SQL code did not contain a statement.");
    for (const text of statements) {
      if (TRANSACTION_CONTROL.test(text)) throw new Error(SQL_NO_TRANSACTIONS);
      const refused = refusal(db, text);
      if (refused) throw new Error(refused);
    }
    // Checked before anything runs, so a rejected script changes nothing.
    if (bindings.length > 0) {
      for (let i = 0; i < statements.length - 1; i++) {
        if (PARAMETER.test(stripLiterals(statements[i]!))) {
          throw new Error(
            "When executing multiple SQL statements in a single call, only the last statement can have parameters.",
          );
        }
      }
    }
    let rowsWritten = 0;
    let columns: string[] = [];
    let rows: unknown[][] = [];
    // Prepared one at a time: a statement may use a table an earlier one created.
    for (let i = 0; i < statements.length; i++) {
      const isLast = i === statements.length - 1;
      let stmt: Statement | undefined;
      try {
        stmt = db.prepare(statements[i]!);
        if (isLast && stmt.paramsCount !== bindings.length) {
          throw new Error("Wrong number of parameter bindings for SQL query.");
        }
        const args = (isLast ? bindings.map(toSqlite) : []) as never[];
        // Only the last statement's writes are counted, as in the runtime.
        const counted = isLast && !READ_ONLY.test(statements[i]!);
        const before = counted ? totalChanges(db) : 0;
        columns = stmt.columnNames;
        if (columns.length > 0) rows = stmt.values(...args) as unknown[][];
        else (stmt.run(...args), (rows = []));
        if (counted) rowsWritten = totalChanges(db) - before;
      } catch (error) {
        throw sqlError(error);
      } finally {
        stmt?.finalize();
      }
    }
    return new SqlStorageCursor(columns, rows, rowsWritten);
  }

  get databaseSize(): number {
    const db = this.#db();
    const { page_count } = db.query("PRAGMA page_count").get() as { page_count: number };
    const { page_size } = db.query("PRAGMA page_size").get() as { page_size: number };
    return page_count * page_size;
  }
}

function totalChanges(db: Database): number {
  return (db.query("SELECT total_changes() AS n").get() as { n: number }).n;
}

function stripLiterals(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'/g, "''");
}

