// Inputs for the bulk CLI scenarios, generated fresh so the repo carries no
// multi-megabyte fixtures and the sizes can change with one number.

/** `kv bulk put` input: a JSON array of { key, value } objects, as wrangler documents it. */
export function kvBulkJson(count: number): string {
  const pairs = new Array<{ key: string; value: string }>(count);
  for (let i = 0; i < count; i++) pairs[i] = { key: `key-${String(i).padStart(6, "0")}`, value: `value ${i} ${"x".repeat(32)}` };
  return JSON.stringify(pairs);
}

/**
 * A SQL dump shaped like `wrangler d1 export` output: the schema, then one
 * INSERT per row, then the index. Values include quotes, NULLs and reals so
 * the loader's statement splitting and quoting are exercised, not just speed.
 */
export function sqlDump(rows: number): string {
  const lines = [
    "PRAGMA defer_foreign_keys=TRUE;",
    `CREATE TABLE IF NOT EXISTS "orders" ("id" INTEGER PRIMARY KEY, "customer" TEXT NOT NULL, "note" TEXT, "total" REAL NOT NULL);`,
  ];
  for (let i = 1; i <= rows; i++) {
    const note = i % 7 === 0 ? "NULL" : `'order ${i}; it''s "fine"'`;
    lines.push(`INSERT INTO "orders" ("id","customer","note","total") VALUES(${i},'customer-${i % 997}',${note},${(i * 1.25).toFixed(2)});`);
  }
  lines.push(`CREATE INDEX "orders_customer" ON "orders" ("customer");`);
  return `${lines.join("\n")}\n`;
}

/** The statement the one-shot `d1 execute --command` benchmark times (and its compat case checks). */
export const D1_COMMAND_SQL =
  "CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes (body) VALUES ('hello')";
