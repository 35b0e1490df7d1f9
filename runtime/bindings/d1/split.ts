// Finding statement boundaries in SQL text the way SQLite itself does
// (the state machine behind sqlite3_complete): a `;` ends a statement unless
// it is inside a string, an identifier, a comment, or the BEGIN...END body of
// a CREATE TRIGGER. Splitting naively on `;` breaks dumps with triggers and
// data containing semicolons.

import { shapeAt, shapeEnd, type LiteralShape } from "./shape.ts";

const enum Token {
  Semi,
  Space,
  Other,
  Explain,
  Create,
  Temp,
  Trigger,
  End,
}

// TRANSITIONS[state][token] -> next state. States: 0 start-of-input,
// 1 start-of-statement, 2 normal, 3 after EXPLAIN, 4 after CREATE,
// 5 inside a trigger, 6 after `;` inside a trigger, 7 after END inside a trigger.
const TRANSITIONS: readonly (readonly number[])[] = [
  /* 0 */ [1, 0, 2, 3, 4, 2, 2, 2],
  /* 1 */ [1, 1, 2, 3, 4, 2, 2, 2],
  /* 2 */ [1, 2, 2, 2, 2, 2, 2, 2],
  /* 3 */ [1, 3, 3, 2, 4, 2, 2, 2],
  /* 4 */ [1, 4, 2, 2, 2, 4, 5, 2],
  /* 5 */ [6, 5, 5, 5, 5, 5, 5, 5],
  /* 6 */ [6, 6, 5, 5, 5, 5, 5, 7],
  /* 7 */ [1, 7, 5, 5, 5, 5, 5, 5],
];

const KEYWORDS: Record<string, Token> = {
  explain: Token.Explain,
  create: Token.Create,
  temp: Token.Temp,
  temporary: Token.Temp,
  trigger: Token.Trigger,
  end: Token.End,
};

/** What can start a token that matters inside an ordinary statement. */
const SPECIAL = /[;'"`[\-/]/g;

function isIdentChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || // 0-9
    (code >= 65 && code <= 90) || // A-Z
    (code >= 97 && code <= 122) || // a-z
    code === 95 || // _
    code === 36 || // $
    code > 127
  );
}

/**
 * Split SQL text into complete statements (without their final `;`). Text that is
 * only whitespace and comments is dropped; an unterminated last statement is
 * returned as is, so SQLite reports it ("incomplete input").
 */
export function splitStatements(sql: string): string[] {
  const out: string[] = [];
  eachStatement(sql, false, (statement) => void out.push(statement));
  return out;
}

/**
 * splitStatements() one statement at a time, so a caller can run each as it is
 * found and keep nothing of it (a dump's 100,000 lines are then garbage young).
 * With `shapes`, a literal INSERT at a statement's start comes with its literal
 * shape (shape.ts), worked out while finding its end. `end`: where the text after
 * the statement (and its `;`) starts.
 */
export function eachStatement(sql: string, shapes: boolean, visit: (statement: string, shape: LiteralShape | undefined, end: number) => void): void {
  let state = 0;
  let start = 0;
  let sawContent = false;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    if (state === 2) {
      // Inside an ordinary statement every token but `;` leads back here, so
      // jump to the next character that can start a `;`, string, identifier
      // quote or comment (most of a dump's text is skipped this way).
      SPECIAL.lastIndex = i;
      if (SPECIAL.exec(sql) === null) break;
      i = SPECIAL.lastIndex - 1;
    }
    const c = sql.charCodeAt(i);
    // With `shapes` wanted, a literal INSERT at a statement's start (only
    // whitespace before it) is read once as its shape, which also finds its
    // `;`: the same statement the scan below would cut, without scanning it.
    if (shapes && !sawContent && ((c | 32) === 105 /* i */ || (c | 32) === 114) /* r */ && isBlank(sql, start, i)) {
      const shape = shapeAt(sql, i, true);
      if (shape) {
        const end = shapeEnd();
        // shapeAt() starts at the statement's first character and stops at its `;`: nothing to trim at the start, whitespace at most at the end.
        visit(trimEnd(sql, i, end), shape, end + 1);
        state = 1;
        i = start = end + 1;
        continue;
      }
    }
    let token: Token;
    if (c === 59 /* ; */) {
      token = Token.Semi;
      i++;
    } else if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) {
      token = Token.Space;
      i++;
    } else if (c === 45 /* - */ && sql.charCodeAt(i + 1) === 45) {
      const end = sql.indexOf("\n", i + 2);
      i = end === -1 ? n : end + 1;
      token = Token.Space;
    } else if (c === 47 /* / */ && sql.charCodeAt(i + 1) === 42 /* * */) {
      const end = sql.indexOf("*/", i + 2);
      i = end === -1 ? n : end + 2;
      token = Token.Space;
    } else if (c === 39 || c === 34 || c === 96 /* ' " ` */) {
      // A doubled quote inside is an escaped quote: scanning on finds the real end.
      const end = sql.indexOf(sql[i]!, i + 1);
      i = end === -1 ? n : end + 1;
      token = Token.Other;
    } else if (c === 91 /* [ */) {
      const end = sql.indexOf("]", i + 1);
      i = end === -1 ? n : end + 1;
      token = Token.Other;
    } else if (isIdentChar(c)) {
      const begin = i;
      while (i < n && isIdentChar(sql.charCodeAt(i))) i++;
      const length = i - begin;
      // Every keyword starts with c, e or t: other words need no lower-cased copy.
      const first = c | 32;
      token =
        length >= 3 && length <= 9 && (first === 99 || first === 101 || first === 116)
          ? (KEYWORDS[sql.slice(begin, i).toLowerCase()] ?? Token.Other)
          : Token.Other;
    } else {
      token = Token.Other;
      i++;
    }
    if (token !== Token.Space && token !== Token.Semi) sawContent = true;
    state = TRANSITIONS[state]![token]!;
    if (token === Token.Semi && state === 1) {
      // Without its `;`, as wrangler sends statements: an unbalanced one then
      // fails with SQLite's "incomplete input", the message wrangler shows.
      if (sawContent) visit(sql.slice(start, i - 1).trim(), undefined, i);
      start = i;
      sawContent = false;
    }
  }
  if (sawContent) visit(sql.slice(start).trim(), undefined, n);
}

function trimEnd(sql: string, from: number, to: number): string {
  while (to > from) {
    const code = sql.charCodeAt(to - 1);
    if (code !== 32 && code !== 9 && code !== 10 && code !== 13 && code !== 12) break;
    to--;
  }
  return sql.slice(from, to);
}

function isBlank(sql: string, from: number, to: number): boolean {
  for (let k = from; k < to; k++) {
    const code = sql.charCodeAt(k);
    if (code !== 32 && code !== 9 && code !== 10 && code !== 13 && code !== 12) return false;
  }
  return true;
}

/** Cheap test used on the hot path: can this text hold more than one statement? */
export function mayHoldSeveral(sql: string): boolean {
  const semi = sql.indexOf(";");
  return semi !== -1 && semi !== sql.trimEnd().length - 1;
}

/**
 * D1 runs a file in a transaction itself, so like wrangler we drop one
 * `BEGIN TRANSACTION;` / `COMMIT;` pair (what SQLite's .dump writes) and
 * refuse files with more.
 */
export function stripTransaction(sql: string): string {
  if (!sql.includes("BEGIN TRANSACTION")) return sql;
  const trimmed = sql.replace("BEGIN TRANSACTION;", "").replace("COMMIT;", "");
  if (trimmed.includes("BEGIN TRANSACTION")) {
    throw new Error(
      "Wrangler could not process the provided SQL file, as it contains several transactions.\nD1 runs your SQL in a transaction for you.\nPlease export an SQL file from your SQLite database and try again.",
    );
  }
  return trimmed;
}
