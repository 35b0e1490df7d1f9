// D1 databases: wrangler's explorer paths under /d1/database, plus bunflare's
// tables, rows and migrations views.
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { createD1Database, d1DatabaseIdFor } from "../../../runtime/bindings/d1/index.ts";
import type { WorkerConfig } from "../../../runtime/config.ts";
import { BAD_REQUEST, fail, intParam, jsonBody, messageOf, notFound, ok, resourcesOf, type ExplorerSection, type RawQuery, type ExplorerStore } from "../common.ts";

const D1_DATABASE_NOT_FOUND = 7404;

const bound = (config: WorkerConfig) => (config.d1_databases ?? []).map((entry) => ({ id: d1DatabaseIdFor(entry), name: entry.binding }));
const databasesOf = (stores: readonly ExplorerStore[]) => resourcesOf("d1_databases", stores, bound);
const find = (stores: readonly ExplorerStore[], id: string) => databasesOf(stores).find((item) => item.id === id);

export const d1Section: ExplorerSection = {
  prefix: ["d1", "database"],
  operations: [
    { method: "get", path: "/d1/database", summary: "List D1 databases", tag: "D1", query: { name: "filter by name" } },
    { method: "post", path: "/d1/database/{database_id}/raw", summary: "Run SQL; rows as arrays", tag: "D1", body: '{ "sql": string, "params"?: any[] } or { "batch": [{ "sql", "params"? }] }' },
    { method: "get", path: "/d1/database/{database_id}/tables", summary: "Tables and views with their columns, CREATE statement and row count", tag: "bunflare", extra: true },
    { method: "get", path: "/d1/database/{database_id}/tables/{table}/rows", summary: "A table's rows, paged and sorted", tag: "bunflare", extra: true, query: { page: "from 1", per_page: "1-1000 (default 50)", order_by: "a column name", direction: "asc or desc" } },
    { method: "get", path: "/d1/database/{database_id}/migrations", summary: "Migrations applied (from the migrations table) and pending (files in migrations_dir)", tag: "bunflare", extra: true },
  ],
  route(request, url, rest, stores) {
    if (rest.length === 0) return request.method === "GET" ? d1Databases(url, stores) : notFound(request);
    if (rest.length === 2 && rest[1] === "raw" && request.method === "POST") return d1Raw(request, rest[0]!, stores);
    if (rest.length >= 2 && (rest[1] === "tables" || rest[1] === "migrations")) return d1Extra(request, url, rest[0]!, rest.slice(1), stores);
    return notFound(request);
  },
  workerBindings: (config) => ["d1", bound(config).map((item) => ({ id: item.id, bindingName: item.name }))],
};

function d1Databases(url: URL, stores: readonly ExplorerStore[]): Response {
  const filter = url.searchParams.get("name")?.toLowerCase();
  let databases = databasesOf(stores).map((item) => ({ name: item.name, uuid: item.id, version: "production" }));
  if (filter) databases = databases.filter((database) => database.name.toLowerCase().includes(filter));
  return ok(databases, { count: databases.length });
}

async function d1Raw(request: Request, id: string, stores: readonly ExplorerStore[]): Promise<Response> {
  const body = await jsonBody(request);
  if (body.error) return body.error;
  const input = body.value as { sql?: unknown; params?: unknown; batch?: unknown };
  const queries = (Array.isArray(input?.batch) ? input.batch : [input]) as RawQuery[];
  // wrangler's explorer validates the body as a union ({ sql, params? } or { batch }): one word for any mismatch.
  const valid = (query: RawQuery) => query && typeof query.sql === "string" && (query.params === undefined || Array.isArray(query.params));
  if (queries.length === 0 || !queries.every(valid)) return fail(400, BAD_REQUEST, "Invalid input");
  const database = find(stores, id);
  if (!database) return fail(404, D1_DATABASE_NOT_FOUND, `The database ${id} could not be found`);
  const db = createD1Database(database.store, database.id);
  const results = [];
  try {
    for (const query of queries) {
      let statement = db.prepare(query.sql);
      if (query.params?.length) statement = statement.bind(...query.params);
      // One run (an INSERT must not run twice); columns from the first row, as wrangler's explorer.
      const all = await statement.all();
      const columns = all.results.length > 0 ? Object.keys(all.results[0]!) : [];
      const rows = all.results.map((row) => columns.map((column) => (row as Record<string, unknown>)[column]));
      const { served_by: _servedBy, ...meta } = all.meta;
      results.push({ meta, results: { columns, rows }, success: all.success });
    }
  } catch (error) {
    return fail(500, BAD_REQUEST, messageOf(error));
  }
  return ok(results);
}


// bunflare's D1 extras: tables with their schema, rows paged and sorted, migrations.
// Everything goes through the D1 binding, as a worker's queries do.

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function d1Tables(db: ReturnType<typeof createD1Database>) {
  const { results } = await db
    .prepare("SELECT name, type, sql FROM sqlite_master WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE '\\_cf\\_%' ESCAPE '\\' ORDER BY name")
    .all<{ name: string; type: string; sql: string }>();
  const tables = [];
  for (const table of results) {
    const columns = (await db.prepare("SELECT name, type, \"notnull\" AS not_null, dflt_value AS default_value, pk FROM pragma_table_info(?)").bind(table.name).all()).results;
    const count = (await db.prepare(`SELECT count(*) AS n FROM ${quoteIdentifier(table.name)}`).first<{ n: number }>())?.n ?? 0;
    tables.push({ name: table.name, type: table.type, sql: table.sql, columns, rows: count });
  }
  return tables;
}

async function d1Extra(request: Request, url: URL, id: string, rest: string[], stores: readonly ExplorerStore[]): Promise<Response> {
  const database = find(stores, id);
  if (!database) return fail(404, D1_DATABASE_NOT_FOUND, `The database ${id} could not be found`);
  if (request.method !== "GET") return notFound(request);
  const db = createD1Database(database.store, database.id);
  try {
    if (rest[0] === "tables" && rest.length === 1) return ok(await d1Tables(db));
    if (rest[0] === "tables" && rest.length === 3 && rest[2] === "rows") {
      const table = (await d1Tables(db)).find((candidate) => candidate.name === rest[1]);
      if (!table) return fail(404, BAD_REQUEST, `no such table: ${rest[1]}`);
      const page = intParam(url, "page", [1, Number.MAX_SAFE_INTEGER]) ?? 1;
      const perPage = intParam(url, "per_page", [1, 1000]) ?? 50;
      if (page instanceof Response) return page;
      if (perPage instanceof Response) return perPage;
      const orderBy = url.searchParams.get("order_by");
      const names = (table.columns as { name: string }[]).map((column) => column.name);
      if (orderBy !== null && !names.includes(orderBy)) return fail(400, BAD_REQUEST, `order_by: no column ${orderBy} in ${table.name} (columns: ${names.join(", ")})`);
      const direction = url.searchParams.get("direction") === "desc" ? "DESC" : "ASC";
      const order = orderBy !== null ? ` ORDER BY ${quoteIdentifier(orderBy)} ${direction}` : "";
      const all = await db.prepare(`SELECT * FROM ${quoteIdentifier(table.name)}${order} LIMIT ? OFFSET ?`).bind(perPage, (page - 1) * perPage).all();
      const rows = all.results.map((row) => names.map((column) => (row as Record<string, unknown>)[column]));
      return ok({ columns: names, rows }, { page, per_page: perPage, total_count: table.rows, total_pages: Math.max(1, Math.ceil(table.rows / perPage)) });
    }
    if (rest[0] === "migrations" && rest.length === 1) return ok(await d1Migrations(db, id, stores));
  } catch (error) {
    return fail(400, BAD_REQUEST, messageOf(error));
  }
  return notFound(request);
}

/** Applied (from the migrations table) and pending (files not applied yet), for a database a config binds. */
async function d1Migrations(db: ReturnType<typeof createD1Database>, id: string, stores: readonly ExplorerStore[]) {
  const { appliedMigrations, unappliedMigrations, DEFAULT_MIGRATIONS_DIR, DEFAULT_MIGRATIONS_TABLE } = require("../../../runtime/bindings/d1/migrations.ts") as typeof import("../../../runtime/bindings/d1/migrations.ts");
  let entry: { migrations_dir?: string; migrations_table?: string } | undefined;
  let configPath: string | undefined;
  for (const { configs, configPaths } of stores) {
    (configs ?? []).forEach((config, index) => {
      const found = config.d1_databases?.find((candidate) => d1DatabaseIdFor(candidate) === id);
      if (found && !entry) (entry = found), (configPath = configPaths?.[index]);
    });
  }
  const table = entry?.migrations_table || DEFAULT_MIGRATIONS_TABLE;
  const directory = entry ? path.resolve(configPath ? path.dirname(configPath) : process.cwd(), entry.migrations_dir || DEFAULT_MIGRATIONS_DIR) : null;
  const hasTable = (await db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?").bind(table).first<{ n: number }>())!.n > 0;
  const applied = hasTable ? await appliedMigrations(db, table) : [];
  let pending: string[] = [];
  if (directory && existsSync(directory)) {
    pending = hasTable ? await unappliedMigrations(db, directory, table) : readdirSync(directory).filter((name) => name.endsWith(".sql")).sort();
  }
  return { directory, table, applied, pending };
}
