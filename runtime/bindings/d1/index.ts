// D1: one implementation for env.DB in a worker and `bunflare d1 ...` on the CLI.
// Each database is one SQLite file in the store; results, meta fields and
// error messages follow what the Workers runtime returns under wrangler dev.
import type { Database, Statement } from "bun:sqlite";
import { immediateTransaction, openSqlite, type Store } from "../../store/index.ts";
import { withoutBlocking } from "../../store/lock.ts";
import type { D1DatabaseConfig } from "./config.ts";
import { SERVED_BY } from "./limits.ts";
import { eachStatement, mayHoldSeveral, splitStatements } from "./split.ts";
import { literalShape, type LiteralShape } from "./shape.ts";

/** Literal-INSERT shapes kept compiled per database file. */
const MOST_SHAPES = 32;
/** Read-only SELECTs kept classified per database file. */
const MOST_READS = 64;
import { checkParameterCount, checkStatementSize, checkVariableLimit, d1Error, sqliteMessage, toSqlValue, type D1Value } from "./validate.ts";

/**
 * The local database a binding uses. Like wrangler (both `dev` and
 * `d1 execute --local`), a preview_database_id wins locally, then database_id,
 * then the binding name.
 */
export function d1DatabaseIdFor(binding: D1DatabaseConfig): string {
  return binding.preview_database_id ?? binding.database_id ?? binding.binding;
}

export interface D1Meta {
  served_by: string;
  duration: number;
  changes: number;
  last_row_id: number;
  changed_db: boolean;
  size_after: number;
  rows_read: number;
  rows_written: number;
}

export interface D1Result<T = Record<string, unknown>> {
  success: true;
  meta: D1Meta;
  results: T[];
}

/** One statement of `d1 execute`: what the command prints of it. */
export interface ScriptResult {
  results: Record<string, unknown>[];
  duration: number;
}

/** A row-less statement's result: a dump's 100,000 INSERTs share one per duration (nearly all 0 or 1 ms). */
const rowlessResults = new Map<number, ScriptResult>();
function rowless(duration: number): ScriptResult {
  let result = rowlessResults.get(duration);
  if (!result) rowlessResults.set(duration, (result = Object.freeze({ results: Object.freeze([]) as unknown as Record<string, unknown>[], duration })));
  return result;
}

export interface D1ExecResult {
  count: number;
  duration: number;
}

type Row = unknown[];

interface Rows {
  columns: string[];
  rows: Row[];
}

interface RawOutcome extends Rows {
  meta: D1Meta;
}

interface Counters {
  c: number;
  r: number;
  s: number;
}

const FAILED_AT = Symbol("failed statement");

/** sqlite3_file_control op: the pager's data version, bumped by every change to the file. */
const SQLITE_FCNTL_DATA_VERSION = 35;

/** A plain SELECT (not a PRAGMA, EXPLAIN or transaction statement) that sqlite3_stmt_readonly() says writes nothing. */
function readOnlySelect(statement: Statement, sql: string): boolean {
  return statement.readonly && /^\s*(?:select|with)\b/i.test(sql);
}

/** Which query of a batch an error came from (0-based), for messages such as `d1 execute --file`'s. */
export function failedStatementIndex(error: unknown): number | undefined {
  return error instanceof Error ? (error as Error & { [FAILED_AT]?: number })[FAILED_AT] : undefined;
}

/** One open database file, shared by every binding object in this process that points at it. */
export class D1Engine {
  readonly db: Database;
  /** Set while a transaction opened by inTransaction() runs; #carried is then the last statement's counters. */
  #carrying = false;
  /** Compiled literal-INSERT shapes (shape.ts), by their parameterised SQL. */
  #shapes = new Map<string, { statement: Statement; columns: string[] }>();
  #lastShapeSql: string | undefined;
  #lastShape: { statement: Statement; columns: string[] } | undefined;
  #carried: Counters | undefined;
  /** Bumped on every change, so session bookmarks move forward with the data. */
  #version = 0;

  constructor(
    readonly file: string,
    private readonly onClose?: () => void,
  ) {
    this.db = openSqlite(file);
    this.#changes = this.db.query("SELECT total_changes() AS c, last_insert_rowid() AS r");
    this.#size = this.db.query("SELECT (SELECT page_count FROM pragma_page_count()) * (SELECT page_size FROM pragma_page_size()) AS s");
  }

  // The size query starts a read transaction of its own (~1.5 µs, most of a
  // cached SELECT's cost), so its answer is kept with the pager's data version,
  // which SQLite bumps whenever a transaction of this connection or any other
  // changed the file: while the version stays, the size stays.
  #changes: Statement;
  #size: Statement;
  #sizeBytes = 0;
  #sizeVersion = -1;
  readonly #version32 = new Uint32Array(2);

  #dataVersion(): number {
    this.db.fileControl(SQLITE_FCNTL_DATA_VERSION, this.#version32);
    return this.#version32[0]!;
  }

  /**
   * This connection's counters and the file's size. `fresh`: read the size
   * anew (before a write, which must compare against the file as it is now).
   * Inside a transaction the data version moves only at commit, so the size is
   * always read there.
   */
  #countersNow(fresh: boolean): Counters {
    const counters = this.#changes.get() as Counters;
    if (fresh || this.db.inTransaction) {
      counters.s = (this.#size.get() as { s: number }).s;
      this.#sizeVersion = this.db.inTransaction ? -1 : this.#dataVersion();
      this.#sizeBytes = counters.s;
      return counters;
    }
    const version = this.#dataVersion();
    if (version !== this.#sizeVersion) {
      this.#sizeBytes = (this.#size.get() as { s: number }).s;
      this.#sizeVersion = version;
    }
    counters.s = this.#sizeBytes;
    return counters;
  }

  /** Parameterised read-only SELECTs run before, by SQL: a worker's next run of one goes straight to #execute. */
  #reads = new Map<string, Statement>();

  /**
   * The compiled statement when `sql` is one parameterised SELECT that SQLite
   * says writes nothing: it runs at once, without the lock dance of later(),
   * since in WAL mode a reader never waits for another process's writer.
   */
  #readStatement(sql: string): Statement | undefined {
    const known = this.#reads.get(sql);
    if (known) return known;
    if (!sql.includes("?") || mayHoldSeveral(sql)) return undefined;
    let statement: Statement;
    try {
      checkStatementSize(sql);
      statement = this.db.query(sql);
    } catch {
      return undefined; // the statement then fails with its own message
    }
    if (!readOnlySelect(statement, sql)) return undefined;
    // A few reads per database are usual; many mean SQL built per call, so start over.
    if (this.#reads.size >= MOST_READS) this.#reads.clear();
    this.#reads.set(sql, statement);
    return statement;
  }

  get bookmark(): string {
    return `00000000-${this.#version.toString(16).padStart(8, "0")}-00000000-${"0".repeat(32)}`;
  }

  /** Run one query (which may hold several statements: all run, the last one's rows are returned). */
  query(sql: string, params: D1Value[]): RawOutcome {
    if (sql.trim() === "") throw d1Error("D1_ERROR", "No SQL statements detected.");
    checkStatementSize(sql);
    // A literal INSERT's shape is one statement by construction (any `;` is in a string).
    const shape = params.length === 0 && !sql.includes("?") ? literalShape(sql) : undefined;
    if (!shape && mayHoldSeveral(sql)) {
      const statements = splitStatements(sql);
      if (statements.length === 0) throw d1Error("D1_ERROR", "SQL code did not contain a statement.");
      if (statements.length > 1) {
        return this.inTransaction(() => {
          for (const statement of statements.slice(0, -1)) this.#one(statement, []);
          return this.#one(statements.at(-1)!, params);
        });
      }
    }
    return this.#one(sql, params, shape ?? null);
  }

  /** `shape`: literalShape(sql) if already worked out (null: it has none). */
  #one(sql: string, params: D1Value[], shape?: LiteralShape | null): RawOutcome {
    let statement: Statement;
    // Parameterised SQL is reused (a worker's queries); literal SQL such as a
    // dump's INSERTs is one-off, and caching it would grow without bound.
    const reused = sql.includes("?");
    // A literal INSERT (a dump's line) runs as its shape: one compiled statement for all of them.
    const literal = !reused && params.length === 0 ? (shape === undefined ? (literalShape(sql) ?? null) : shape) : null;
    const shaped = this.#shaped(literal);
    let bound: unknown[] = params;
    if (shaped) {
      statement = shaped.statement;
      bound = literal!.values;
    } else {
      try {
        statement = reused ? this.db.query(sql) : this.db.prepare(sql);
      } catch (error) {
        const detail = (error as Error).message === "Invalid SQL statement" ? "SQL code did not contain a statement." : sqliteMessage(error);
        throw d1Error("D1_ERROR", detail);
      }
    }
    const oneOff = !reused && !shaped;
    // A SELECT that writes nothing cannot move the counters or the size: they are read once, after.
    const read = !shaped && readOnlySelect(statement, sql);
    return this.#execute(sql, statement, params, bound, shaped ? [...shaped.columns] : undefined, read, oneOff);
  }

  /**
   * Runs a compiled statement of `sql` with `bound` (the caller's `params`, or
   * a shape's values, where `columns` are given) and reads its meta.
   */
  #execute(
    sql: string,
    statement: Statement,
    params: D1Value[],
    bound: unknown[],
    shapeColumns: string[] | undefined,
    read: boolean,
    oneOff: boolean,
  ): RawOutcome {
    checkParams(statement, params, shapeColumns, oneOff);
    // Inside a transaction of ours the previous statement's counters are still
    // current (no other connection can write, and the counters are this
    // connection's), which saves a query per statement of a big batch.
    const carried = this.#carried;
    this.#carried = undefined;
    const before = read ? undefined : (carried ?? this.#countersNow(true));
    const started = performance.now();
    const { columns, rows } = runValues(statement, bound, shapeColumns, oneOff);
    const duration = Math.round(performance.now() - started);
    const after = this.#countersNow(false);
    if (this.#carrying) this.#carried = after;
    blobsToArrays(rows);
    const changes = before ? after.c - before.c : 0;
    const changed = before !== undefined && (changes !== 0 || after.r !== before.r || after.s !== before.s);
    if (changed) this.#version++;
    // SQLite does not report rows scanned to us; count what the statement
    // returned, plus the rows an UPDATE or DELETE had to visit.
    const visits = changes !== 0 && /^\s*(update|delete)\b/i.test(sql) ? changes : 0;
    return {
      columns,
      rows,
      meta: {
        served_by: SERVED_BY,
        duration,
        changes,
        last_row_id: after.r,
        changed_db: changed,
        size_after: after.s,
        rows_read: rows.length + visits,
        rows_written: changes,
      },
    };
  }

  /** The compiled statement for a literal INSERT's shape, or undefined to run the SQL as written. */
  #shaped(shape: LiteralShape | null): { statement: Statement; columns: string[] } | undefined {
    if (!shape) return undefined;
    // A dump's lines share one shape, whose SQL is then the very string of the line before (shape.ts): no Map lookup.
    if (shape.sql === this.#lastShapeSql) return this.#lastShape;
    let compiled = this.#shapes.get(shape.sql);
    if (!compiled) {
      let statement: Statement;
      try {
        statement = this.db.prepare(shape.sql);
      } catch {
        // The statement as written then fails with its own message.
        return undefined;
      }
      // A few shapes per file are usual; many mean one-off statements, so start over.
      if (this.#shapes.size >= MOST_SHAPES) this.#dropShapes();
      this.#shapes.set(shape.sql, (compiled = { statement, columns: statement.columnNames }));
    }
    this.#lastShapeSql = shape.sql;
    this.#lastShape = compiled;
    return compiled;
  }

  #dropShapes(): void {
    this.#lastShapeSql = undefined;
    this.#lastShape = undefined;
    for (const { statement } of this.#shapes.values()) statement.finalize();
    this.#shapes.clear();
  }

  /** One query as a binding runs it: a read at once (see #readStatement), anything else through later(). */
  run(sql: string, params: D1Value[]): RawOutcome | Promise<RawOutcome> {
    const read = this.#readStatement(sql);
    return read ? this.#execute(sql, read, params, params, undefined, true, false) : this.later((e) => e.query(sql, params));
  }

  /**
   * As run(), for first() and raw(), which return no meta: a read skips it (the
   * counters query, the data version, the clock), having nothing else to do there.
   */
  rows(sql: string, params: D1Value[]): Rows | Promise<Rows> {
    const read = this.#readStatement(sql);
    if (!read) return this.later((e) => e.query(sql, params));
    checkParams(read, params, undefined, false);
    const outcome = runValues(read, params, undefined, false);
    blobsToArrays(outcome.rows);
    return outcome;
  }

  /** Runs `op` here, waiting for another process's lock without blocking the event loop. */
  later<T>(op: (engine: D1Engine) => T): Promise<T> {
    return withoutBlocking(this.db, () => op(this));
  }

  /** All or nothing: the statements commit together or not at all. */
  inTransaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    this.#carrying = true;
    try {
      return immediateTransaction(this.db, fn);
    } finally {
      this.#carrying = false;
      this.#carried = undefined;
    }
  }

  batch(queries: { sql: string; params: D1Value[] }[]): RawOutcome[] {
    return this.inTransaction(() =>
      queries.map((q, index) => {
        try {
          return this.query(q.sql, q.params);
        } catch (error) {
          if (error instanceof Error && !(FAILED_AT in error)) Object.defineProperty(error, FAILED_AT, { value: index });
          throw error;
        }
      }),
    );
  }

  /**
   * `d1 execute`'s SQL text, split and run statement by statement in one
   * transaction (each statement run as it is found, so none of a dump's lines
   * is kept): each one's rows and duration, which is all the command prints.
   * A literal INSERT runs as its compiled shape with no meta counters (the
   * page-count query per statement was the largest cost of a dump's import);
   * anything else runs as query() runs it. Errors as batch() throws them, with
   * the statement's index. Text with no statement runs `whenEmpty` as written.
   */
  runScript(script: string, whenEmpty = script): ScriptResult[] {
    const results: ScriptResult[] = [];
    this.inTransaction(() => {
      eachStatement(script, true, (sql, shape) => void results.push(this.#scriptStatement(sql, shape, results.length)));
      if (results.length === 0) results.push(this.#scriptStatement(whenEmpty, undefined, 0));
    });
    // Shaped statements skip the counters that tell whether anything changed: move bookmarks on regardless.
    this.#version++;
    return results;
  }

  /** One statement of runScript(), the `index`th. `shape`: the split's, where it worked one out. */
  #scriptStatement(sql: string, shape: LiteralShape | undefined, index: number): ScriptResult {
    try {
      // A `?` in a statement the split did not shape can only be a parameter: no literal shape then.
      shape ??= sql.includes("?") ? undefined : literalShape(sql);
      const compiled = shape && this.#shaped(shape);
      if (!shape || !compiled) {
        const outcome = this.query(sql, []);
        return { results: toObjects(outcome), duration: outcome.meta.duration };
      }
      checkStatementSize(sql);
      // The counters carried between statements are stale once one runs without them.
      this.#carried = undefined;
      const started = performance.now();
      try {
        // A literal INSERT returns no rows (a RETURNING clause has no shape): run(), no row array.
        // The values as one array, not spread: bun:sqlite binds an array argument in order.
        compiled.statement.run(shape.values as never);
      } catch (error) {
        throw d1Error("D1_ERROR", sqliteMessage(error));
      }
      return rowless(Math.round(performance.now() - started));
    } catch (error) {
      if (error instanceof Error && !(FAILED_AT in error)) Object.defineProperty(error, FAILED_AT, { value: index });
      throw error;
    }
  }

  exec(sql: string): D1ExecResult {
    // The runtime sends exec() text line by line as one batch: each non-empty
    // line is a query, and a failure anywhere rolls the whole call back. Its
    // error names line 1 whichever line failed; we report the same text.
    const lines = sql.trim().split("\n");
    const queries = lines.filter((line) => line.trim() !== "");
    const started = performance.now();
    try {
      if (queries.length === 0) throw d1Error("D1_ERROR", "No SQL statements detected.");
      this.inTransaction(() => {
        for (const line of queries) this.query(line, []);
      });
    } catch (error) {
      const detail = ((error as Error).cause as Error | undefined)?.message ?? (error as Error).message;
      throw d1Error("D1_EXEC_ERROR", `Error in line 1: ${lines[0]}: ${detail}`);
    }
    return { count: queries.length, duration: Math.round(performance.now() - started) };
  }

  dump(): ArrayBuffer {
    const bytes = new Uint8Array(this.db.serialize());
    // Header bytes 18-19 say "WAL" for our file; a dump is a standalone file
    // with no -wal beside it, so mark it as a rollback-journal database.
    if (bytes.length >= 20) bytes[18] = bytes[19] = 1;
    return bytes.buffer as ArrayBuffer;
  }

  close(): void {
    this.onClose?.();
    this.#dropShapes();
    this.#reads.clear();
    this.db.close();
  }
}

/** D1's limits on a statement's parameters; a shape's parameters (`shapeColumns` given) are ours, the statement as written had none. */
function checkParams(statement: Statement, params: D1Value[], shapeColumns: string[] | undefined, oneOff: boolean): void {
  try {
    const paramsCount = shapeColumns ? 0 : statement.paramsCount;
    checkVariableLimit(paramsCount);
    checkParameterCount(paramsCount, params.length);
  } catch (error) {
    if (oneOff) statement.finalize();
    throw error;
  }
}

/**
 * The names a reused statement's rows were last keyed by. Bun hands out new
 * strings on every read of `columnNames`, and each new string is hashed again
 * as it becomes a property key (~0.2 µs a query); while the names are equal,
 * the strings from before serve.
 */
const lastNames = new WeakMap<Statement, string[]>();

function sameNames(statement: Statement, names: string[]): string[] {
  const known = lastNames.get(statement);
  if (known && known.length === names.length) {
    let i = 0;
    while (i < names.length && known[i] === names[i]) i++;
    if (i === names.length) return known;
  }
  lastNames.set(statement, names);
  return names;
}

/** Runs a compiled statement to its end: every row, and the names of its columns (shared between runs: copy before handing them out). */
function runValues(statement: Statement, bound: unknown[], shapeColumns: string[] | undefined, oneOff: boolean): Rows {
  let rows: Row[];
  let columns = shapeColumns ?? (oneOff ? statement.columnNames : sameNames(statement, statement.columnNames));
  try {
    rows = statement.values(...(bound as never[])) as Row[];
    // Bun refreshes a reused statement's names only once it has run again (reading them
    // then costs ~1 µs, so only when they cannot be right: a `SELECT *` after ALTER TABLE).
    if (rows.length > 0 && rows[0]!.length !== columns.length) columns = statement.columnNames;
  } catch (error) {
    throw d1Error("D1_ERROR", sqliteMessage(error));
  } finally {
    if (oneOff) statement.finalize();
  }
  return { columns, rows };
}

/** The runtime hands BLOBs to JavaScript as plain arrays of byte values. */
function blobsToArrays(rows: Row[]): void {
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) {
      if (row[i] instanceof Uint8Array) row[i] = Array.from(row[i] as Uint8Array);
    }
  }
}

/** Open engines of each store, by file; closed with their store. */
const enginesOf = new WeakMap<Store, Map<string, D1Engine>>();

/** The engine for a database file, opened once per store. */
export function openD1Engine(store: Store, databaseId: string): D1Engine {
  let engines = enginesOf.get(store);
  if (!engines) {
    const open = (engines = new Map());
    enginesOf.set(store, open);
    store.onClose(() => {
      for (const engine of [...open.values()]) engine.close();
    });
  }
  const file = store.d1Path(databaseId);
  let engine = engines.get(file);
  if (!engine) {
    const owner = engines;
    engines.set(file, (engine = new D1Engine(file, () => owner.delete(file))));
  }
  return engine;
}

/** Close a store's open database files, or the one at `file` (before deleting a database). */
export function closeD1Engines(store: Store, file?: string): void {
  for (const engine of [...(enginesOf.get(store)?.values() ?? [])]) if (!file || engine.file === file) engine.close();
}

function toObject(columns: string[], row: Row): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) object[columns[i]!] = row[i];
  return object;
}

function toObjects(outcome: RawOutcome): Record<string, unknown>[] {
  return outcome.rows.map((row) => toObject(outcome.columns, row));
}

function toResult(outcome: RawOutcome): D1Result {
  return { success: true, meta: outcome.meta, results: toObjects(outcome) };
}

const QUERY = Symbol("query");

export class D1PreparedStatement {
  readonly #engine: D1Engine;
  readonly #sql: string;
  readonly #params: D1Value[];

  constructor(engine: D1Engine, sql: string, params: D1Value[] = []) {
    this.#engine = engine;
    this.#sql = sql;
    this.#params = params;
  }

  /** What batch() runs; a symbol so the statement's visible API stays the runtime's. */
  get [QUERY](): { sql: string; params: D1Value[] } {
    return { sql: this.#sql, params: this.#params };
  }

  bind(...values: unknown[]): D1PreparedStatement {
    return new D1PreparedStatement(this.#engine, this.#sql, values.map(toSqlValue));
  }

  async first<T = unknown>(column?: string): Promise<T | null> {
    const outcome = await this.#engine.rows(this.#sql, this.#params);
    if (outcome.rows.length === 0) return null;
    const row = toObject(outcome.columns, outcome.rows[0]!);
    if (column === undefined) return row as T;
    if (!(column in row)) {
      throw new Error(`D1_COLUMN_NOTFOUND: Column not found (${column})`, { cause: new Error("Column not found") });
    }
    return row[column] as T;
  }

  async run<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    return toResult(await this.#engine.run(this.#sql, this.#params)) as D1Result<T>;
  }

  async all<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    return toResult(await this.#engine.run(this.#sql, this.#params)) as D1Result<T>;
  }

  async raw<T = unknown[]>(options?: { columnNames?: boolean }): Promise<T[]> {
    const outcome = await this.#engine.rows(this.#sql, this.#params);
    return (options?.columnNames ? [[...outcome.columns], ...outcome.rows] : outcome.rows) as T[];
  }
}

async function batchOf(engine: D1Engine, statements: D1PreparedStatement[]): Promise<D1Result[]> {
  const queries = statements.map((statement) => statement[QUERY]);
  return (await engine.later((e) => e.batch(queries))).map(toResult);
}

export class D1DatabaseSession {
  readonly #engine: D1Engine;
  #bookmark: string | null;

  constructor(engine: D1Engine, constraintOrBookmark?: string) {
    this.#engine = engine;
    // A constraint is not a bookmark; a bookmark given is returned until the first query.
    const isConstraint = constraintOrBookmark === undefined || constraintOrBookmark.startsWith("first-");
    this.#bookmark = isConstraint ? null : constraintOrBookmark;
  }

  prepare(sql: string): D1PreparedStatement {
    return new SessionStatement(this.#engine, sql, [], () => (this.#bookmark = this.#engine.bookmark));
  }

  async batch(statements: D1PreparedStatement[]): Promise<D1Result[]> {
    const results = await batchOf(this.#engine, statements);
    this.#bookmark = this.#engine.bookmark;
    return results;
  }

  getBookmark(): string | null {
    return this.#bookmark;
  }
}

/** A statement from a session: every run moves the session's bookmark. */
class SessionStatement extends D1PreparedStatement {
  readonly #engine: D1Engine;
  readonly #sql: string;
  readonly #onRun: () => void;

  constructor(engine: D1Engine, sql: string, params: D1Value[], onRun: () => void) {
    super(engine, sql, params);
    this.#engine = engine;
    this.#sql = sql;
    this.#onRun = onRun;
  }

  override bind(...values: unknown[]): D1PreparedStatement {
    return new SessionStatement(this.#engine, this.#sql, values.map(toSqlValue), this.#onRun);
  }

  override async first<T = unknown>(column?: string): Promise<T | null> {
    try {
      return await super.first<T>(column);
    } finally {
      this.#onRun();
    }
  }

  override async run<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    try {
      return await super.run<T>();
    } finally {
      this.#onRun();
    }
  }

  override async all<T = Record<string, unknown>>(): Promise<D1Result<T>> {
    try {
      return await super.all<T>();
    } finally {
      this.#onRun();
    }
  }

  override async raw<T = unknown[]>(options?: { columnNames?: boolean }): Promise<T[]> {
    try {
      return await super.raw<T>(options);
    } finally {
      this.#onRun();
    }
  }
}

/** The Workers `D1Database` API over one local database. */
export class D1Database {
  readonly #engine: D1Engine;

  constructor(engine: D1Engine) {
    this.#engine = engine;
  }

  prepare(sql: string): D1PreparedStatement {
    return new D1PreparedStatement(this.#engine, sql);
  }

  async batch<T = Record<string, unknown>>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    return (await batchOf(this.#engine, statements)) as D1Result<T>[];
  }

  async exec(sql: string): Promise<D1ExecResult> {
    return this.#engine.later((e) => e.exec(sql));
  }

  withSession(constraintOrBookmark?: string): D1DatabaseSession {
    return new D1DatabaseSession(this.#engine, constraintOrBookmark);
  }

  /** The database file's bytes (deprecated in the runtime, kept for older workers). */
  async dump(): Promise<ArrayBuffer> {
    return this.#engine.dump();
  }
}

export function createD1Database(store: Store, databaseId: string): D1Database {
  return new D1Database(openD1Engine(store, databaseId));
}
