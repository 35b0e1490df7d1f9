// D1 migrations, kept in wrangler's table layout (id, name, applied_at) so a
// database migrated by wrangler looks migrated to bunflare and back.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { D1Database } from "./index.ts";
import { splitStatements, stripTransaction } from "./split.ts";

export const DEFAULT_MIGRATIONS_DIR = "./migrations";
export const DEFAULT_MIGRATIONS_TABLE = "d1_migrations";

export async function ensureMigrationsTable(db: D1Database, table: string): Promise<void> {
  await db.prepare(
    `CREATE TABLE IF NOT EXISTS ${table}(\n\t\tid         INTEGER PRIMARY KEY AUTOINCREMENT,\n\t\tname       TEXT UNIQUE,\n\t\tapplied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL\n);`,
  ).run();
}

export async function appliedMigrations(db: D1Database, table: string): Promise<string[]> {
  const { results } = await db.prepare(`SELECT name FROM ${table} ORDER BY id`).all<{ name: string }>();
  return results.map((row) => row.name);
}

/** The `.sql` files in the migrations directory, in name order. */
export function migrationFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.name.endsWith(".sql"))
    .map((entry) => entry.name)
    .sort();
}

/** Unapplied migration files, ordered by their number as wrangler orders them. */
export async function unappliedMigrations(db: D1Database, dir: string, table: string): Promise<string[]> {
  const applied = new Set(await appliedMigrations(db, table));
  const number = (name: string) => parseInt(name.split("_")[0]!);
  return migrationFiles(dir)
    .filter((name) => !applied.has(name))
    .sort((a, b) => (number(a) < number(b) ? -1 : number(a) > number(b) ? 1 : 0));
}

export function nextMigrationNumber(dir: string): number {
  const numbers = migrationFiles(dir).map((name) => parseInt(name.split("_")[0]!));
  return Math.max(...numbers.filter((n) => !Number.isNaN(n)), 0) + 1;
}

/**
 * Apply one migration file and record it, atomically: if any statement fails,
 * neither its changes nor its row in the migrations table remain.
 */
export async function applyMigration(db: D1Database, dir: string, name: string, table: string): Promise<number> {
  const sql = readFileSync(path.join(dir, name), "utf8");
  const statements = splitStatements(stripTransaction(sql)).map((statement) => db.prepare(statement));
  statements.push(db.prepare(`INSERT INTO ${table} (name) values (?)`).bind(name));
  await db.batch(statements);
  return statements.length;
}
