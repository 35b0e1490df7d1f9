// The shape of a literal INSERT: a dump's `INSERT INTO "t" ("a","b") VALUES(1,'x');`
// lines differ only in their literals, so with the literals taken out as
// parameters one prepared statement serves them all and SQLite compiles the
// statement once instead of once per row. Only a strict form is taken (plain
// literals in VALUES, nothing after), where a bound value is stored exactly as
// its literal would be; anything else returns undefined and runs as written.

export interface LiteralShape {
  /** The statement with each literal replaced by a parameter. */
  sql: string;
  values: (string | number)[];
}

const PREFIX = /^\s*(?:INSERT(?:\s+OR\s+[A-Za-z]+)?|REPLACE)\s+INTO\s+(?:"[^"]*"|`[^`]*`|\[[^\]]*\]|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"[^"]*"|`[^`]*`|\[[^\]]*\]|[A-Za-z_][\w$]*))?\s*(?:\((?:\s*(?:"[^"]*"|`[^`]*`|\[[^\]]*\]|[A-Za-z_][\w$]*)\s*,?)*\))?\s*VALUES\s*/i;
/** Below 2^52 bun:sqlite binds a whole number as an INTEGER, as SQLite reads its literal. */
const LARGEST_BOUND_INTEGER = 2 ** 52;
/** Well under SQLite's parameter limit. */
const MOST_VALUES = 999;

const isDigit = (code: number) => code >= 48 && code <= 57;
const isWordChar = (code: number) =>
  isDigit(code) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 36 || code > 127;

/** The index of the first non-whitespace character at or after `i`. (Not a closure: one that moves `i` would keep every use of it off the fast path.) */
function skipSpace(sql: string, i: number, n: number): number {
  for (; i < n; i++) {
    const code = sql.charCodeAt(i);
    if (code !== 32 && code !== 10 && code !== 9 && code !== 13) break;
  }
  return i;
}

/** Digits of the number literal sql[from, to) from its first non-zero one, without the point. */
function significantDigits(sql: string, from: number, to: number): number {
  let count = 0;
  for (let k = from; k < to; k++) {
    const code = sql.charCodeAt(k);
    if (code === 46 /* . */ || (count === 0 && code === 48 /* 0 */)) continue;
    count++;
  }
  return count;
}

/** The last prefix matched: a dump repeats it line after line, and a plain comparison is cheaper than the pattern. */
let lastPrefix = "";

export function literalShape(sql: string): LiteralShape | undefined {
  return shapeAt(sql, 0, false);
}

/** Where the statement shapeAt() last recognised ends (its `;` when terminated). */
let endOfLast = 0;
export function shapeEnd(): number {
  return endOfLast;
}

// A shape's SQL is its prefix plus its pieces in order (PIECES; whitespace
// between literals is not kept), so the pieces are noted as codes while
// parsing and compared with the last shape's: a dump's next line almost always
// matches, and then it gets the very same SQL string, with no text built and
// a Map lookup that finds its key by identity.
const PIECES = ["(", "?", "CAST(? AS REAL)", "NULL", ",", ")"] as const;
const OPEN = 0;
const PARAM = 1;
const REAL = 2;
const NULL = 3;
const COMMA = 4;
const CLOSE = 5;
// At most 4 per literal (a one-literal row: `(`, `?`, `)`, `,`); grown for a long run of NULLs.
let codes: Uint8Array = new Uint8Array(4 * MOST_VALUES + 4);
let lastCodes: Uint8Array = new Uint8Array(codes.length);
let lastCount = -1;
let lastShapePrefix = "";
let lastShapeSql = "";

function grown(array: Uint8Array): Uint8Array {
  const bigger = new Uint8Array(array.length * 2);
  bigger.set(array);
  return bigger;
}

function shapeSql(prefix: string, count: number): string {
  if (prefix === lastShapePrefix && count === lastCount) {
    let same = true;
    for (let k = 0; k < count; k++) {
      if (codes[k] !== lastCodes[k]) {
        same = false;
        break;
      }
    }
    if (same) return lastShapeSql;
  }
  let out = prefix;
  for (let k = 0; k < count; k++) out += PIECES[codes[k]!]!;
  const spare = lastCodes;
  lastCodes = codes;
  lastCount = count;
  codes = spare;
  lastShapePrefix = prefix;
  lastShapeSql = out;
  return out;
}

const PREFIX_HERE = new RegExp(PREFIX.source.slice(1), "iy");

/**
 * The shape of the literal INSERT starting at `from`. `terminated`: it ends
 * at a `;` (after optional whitespace), whose index shapeEnd() then gives
 * (used while splitting a script, see split.ts); otherwise it runs to the end of `sql`.
 */
export function shapeAt(sql: string, from: number, terminated: boolean): LiteralShape | undefined {
  let prefix = lastPrefix;
  if (prefix === "" || !sql.startsWith(prefix, from)) {
    PREFIX_HERE.lastIndex = from;
    const match = PREFIX_HERE.exec(sql);
    if (!match) return undefined;
    prefix = lastPrefix = match[0];
  }
  const values: (string | number)[] = [];
  let count = 0;
  const n = sql.length;
  let i = from + prefix.length;
  for (;;) {
    if (sql.charCodeAt(i) !== 40 /* ( */) return undefined;
    i++;
    codes[count++] = OPEN;
    for (;;) {
      if (count + 4 > codes.length) codes = grown(codes);
      i = skipSpace(sql, i, n);
      const c = sql.charCodeAt(i);
      if (c === 39 /* ' */) {
        // One slice (flat, not a rope of pieces), its doubled quotes undone only if it has any.
        const open = i + 1;
        let from = open;
        let doubled = false;
        for (;;) {
          const end = sql.indexOf("'", from);
          if (end === -1) return undefined;
          if (sql.charCodeAt(end + 1) === 39) {
            doubled = true;
            from = end + 2;
          } else {
            i = end + 1;
            break;
          }
        }
        if (values.length === MOST_VALUES) return undefined;
        const text = sql.slice(open, i - 1);
        values.push(doubled ? text.replaceAll("''", "'") : text);
        codes[count++] = PARAM;
      } else if (c === 45 /* - */ || isDigit(c)) {
        const negative = c === 45;
        const start = negative ? i + 1 : i;
        let j = start;
        // The integer part's value as it goes (exact: the inline reading is used only up to 15 digits).
        let whole = 0;
        for (; j < n; j++) {
          const code = sql.charCodeAt(j);
          if (!isDigit(code)) break;
          whole = whole * 10 + (code - 48);
        }
        if (j === start) return undefined;
        const wholeEnd = j;
        let decimal = false;
        if (sql.charCodeAt(j) === 46 /* . */) {
          decimal = true;
          j++;
          while (j < n && isDigit(sql.charCodeAt(j))) j++;
        }
        // 1e5, 0x1F, 12abc: left to SQLite.
        if (j < n && (isWordChar(sql.charCodeAt(j)) || sql.charCodeAt(j) === 46)) return undefined;
        const magnitude = !decimal && wholeEnd - start <= 15 ? whole : Number(sql.slice(start, j));
        if (decimal) {
          // A REAL literal: bound through CAST so a whole value (5.00) stays REAL.
          // Up to 15 significant digits, any correct reading gives the same double.
          if (magnitude === 0 || significantDigits(sql, start, j) > 15) return undefined;
          codes[count++] = REAL;
        } else {
          if (!(magnitude < LARGEST_BOUND_INTEGER)) return undefined;
          codes[count++] = PARAM;
        }
        if (values.length === MOST_VALUES) return undefined;
        // -0 is the INTEGER 0 in SQLite; a bound -0 would be a REAL.
        values.push(negative && magnitude !== 0 ? -magnitude : magnitude);
        i = j;
      } else if (
        (c | 32) === 110 /* n */ &&
        (sql.charCodeAt(i + 1) | 32) === 117 /* u */ &&
        (sql.charCodeAt(i + 2) | 32) === 108 /* l */ &&
        (sql.charCodeAt(i + 3) | 32) === 108 /* l */ &&
        !isWordChar(sql.charCodeAt(i + 4))
      ) {
        codes[count++] = NULL;
        i += 4;
      } else {
        return undefined;
      }
      i = skipSpace(sql, i, n);
      const next = sql.charCodeAt(i);
      i++;
      if (next === 44 /* , */) {
        codes[count++] = COMMA;
        continue;
      }
      if (next !== 41 /* ) */) return undefined;
      codes[count++] = CLOSE;
      break;
    }
    i = skipSpace(sql, i, n);
    if (terminated ? sql.charCodeAt(i) === 59 /* ; */ : i >= n) break;
    if (sql.charCodeAt(i) !== 44) return undefined;
    i++;
    codes[count++] = COMMA;
    i = skipSpace(sql, i, n);
  }
  if (values.length === 0 || values.length > MOST_VALUES) return undefined;
  endOfLast = i;
  return { sql: shapeSql(prefix, count), values };
}
