// `bunflare d1 ...`: wrangler's D1 commands, run against the local store.
// Handlers find the database in the config, then call runtime/bindings/d1:
// SQL from the user runs through the same binding a worker's env.DB uses.
import { ADD_TO_CONFIG_OPTIONS } from "../config/edit.ts";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { defineCommand, type GlobalArgs } from "./define.ts";
import { JsonFriendlyError, UserError } from "../errors.ts";
import { log, setLogLevel, writeStderr } from "../log.ts";
import { isatty } from "../colors.ts";
import type { Project } from "../project.ts";
import {
  confirm,
  confirmDelete,
  networkOnlyCommand,
  prettyBytes,
  printCreatedResourceConfig,
  printResourceLocation,
  refuseRemote,
  renderTable,
  validBindingName,
  type AddToConfigArgs,
} from "./shared/index.ts";
import type { D1DatabaseConfig } from "../config/types.ts";
import { createD1Database, d1DatabaseIdFor, failedStatementIndex, openD1Engine, type ScriptResult } from "../../runtime/bindings/d1/index.ts";
import { splitStatements, stripTransaction } from "../../runtime/bindings/d1/split.ts";
import { exportSql } from "../../runtime/bindings/d1/export.ts";
import {
  DEFAULT_MIGRATIONS_DIR,
  DEFAULT_MIGRATIONS_TABLE,
  applyMigration,
  ensureMigrationsTable,
  nextMigrationNumber,
  unappliedMigrations,
} from "../../runtime/bindings/d1/migrations.ts";
import {
  createDatabaseRecord,
  databaseFileSize,
  deleteDatabase,
  findDatabaseRecord,
  listDatabaseRecords,
  type D1DatabaseRecord,
} from "../../runtime/bindings/d1/registry.ts";

interface LocalFlags {
  local?: boolean;
  remote?: boolean;
  preview?: boolean;
  "persist-to"?: string;
}

/** What wrangler calls the config file in messages. */
function configFileName(project: Project): string {
  const file = project.loaded.path;
  if (!file) return "Wrangler configuration";
  const ext = path.extname(file);
  return ext === ".toml" ? "wrangler.toml" : ext === ".jsonc" ? "wrangler.jsonc" : ext === ".json" ? "wrangler.json" : "Wrangler configuration";
}

interface LocalDatabase {
  config: D1DatabaseConfig;
  id: string;
  migrationsDir: string;
  migrationsTable: string;
}

/** A database by binding or database_name, as wrangler looks it up in the config. */
function findInConfig(project: Project, name: string): LocalDatabase | null {
  const config = project.loaded.config.d1_databases.find((db) => db.database_name === name || db.binding === name);
  if (!config) return null;
  return {
    config,
    id: d1DatabaseIdFor(config),
    migrationsDir: config.migrations_dir || DEFAULT_MIGRATIONS_DIR,
    migrationsTable: config.migrations_table || DEFAULT_MIGRATIONS_TABLE,
  };
}

function requireInConfig(project: Project, name: string): LocalDatabase {
  const found = findInConfig(project, name);
  if (!found) {
    throw new UserError(`Couldn't find a D1 DB with the name or binding '${name}' in your ${configFileName(project)} file.`);
  }
  return found;
}

/** How wrangler shows a path: relative to cwd, `./`-prefixed when nested. */
function readableRelative(to: string): string {
  const relative = path.relative(process.cwd(), to);
  if (path.basename(relative) === relative || relative.startsWith(".")) return relative;
  return "./" + relative;
}

interface ExecuteResult {
  results: Record<string, unknown>[];
  success: boolean;
  meta: { duration: number };
}

/**
 * JSON.stringify(results, null, 2), with each statement that returned no rows
 * (a dump's INSERT) written out directly: a 100,000-line dump prints 100,000
 * of them, and the generic serializer took ~50 ms.
 */
export function resultsJson(results: ExecuteResult[]): string {
  if (results.length === 0) return "[]";
  // By duration: nearly all are 0 or 1 ms, so the same few strings are reused.
  const rowless = new Map<number, string>();
  const parts = results.map((result) => {
    const duration = result.meta.duration;
    if (result.results.length === 0 && result.success === true && Number.isFinite(duration)) {
      let text = rowless.get(duration);
      if (text === undefined) {
        text = `  {\n    "results": [],\n    "success": true,\n    "meta": {\n      "duration": ${duration}\n    }\n  }`;
        rowless.set(duration, text);
      }
      return text;
    }
    return `  ${JSON.stringify(result, null, 2).replaceAll("\n", "\n  ")}`;
  });
  return `[\n${parts.join(",\n")}\n]`;
}

/**
 * Which statement of several failed: its number, line and first characters.
 * Wrangler says only what SQLite said, which in a 100,000-line dump finds nothing.
 */
function whereItFailed(sql: string, statements: string[], index: number | undefined): string {
  if (index === undefined || statements.length < 2) return "";
  let from = 0;
  let line: number | undefined;
  for (let i = 0; i <= index; i++) {
    const at = sql.indexOf(statements[i]!.trim(), from);
    if (at < 0) break;
    if (i === index) line = sql.slice(0, at).split("\n").length;
    from = at + statements[i]!.trim().length;
  }
  const text = statements[index]!.trim().replace(/\s+/g, " ");
  const start = text.length > 60 ? `${text.slice(0, 60)}...` : text;
  return `\nThe failing statement is number ${index + 1} of ${statements.length}${line ? `, on line ${line}` : ""}: ${start}\nNothing was written: the statements run as one transaction.`;
}

/**
 * Run SQL text (one statement or many) against a local database in one
 * transaction, printing wrangler's progress lines unless `quiet`.
 */
async function executeLocally(project: Project, name: string, sql: string, quiet: boolean): Promise<ExecuteResult[]> {
  const database = requireInConfig(project, name);
  // Only the database's own file: data.sqlite is not opened (nor created in a fresh project).
  const store = project.store({ deferDb: true });
  if (!quiet) {
    log.info(`🌀 Executing on local database ${name} (${database.id}) from ${readableRelative(path.join(store.dir, "d1"))}:`);
    log.info("🌀 To execute on your remote database, add a --remote flag to your wrangler command.");
  }
  let script: string;
  try {
    script = stripTransaction(sql);
  } catch (error) {
    throw new UserError((error as Error).message);
  }
  let results: ScriptResult[];
  try {
    results = await openD1Engine(store, database.id).later((engine) => engine.runScript(script, sql));
  } catch (error) {
    // Wrangler shows the runtime's message without its D1_ERROR prefix.
    const cause = ((error as Error).cause as Error | undefined) ?? (error as Error);
    throw new UserError(cause.message + whereItFailed(sql, splitStatements(script), failedStatementIndex(error)));
  }
  // A dump's INSERTs return no rows: they share one result per duration, as runScript's do.
  const rowless = new Map<ScriptResult, ExecuteResult>();
  const all = results.map((result): ExecuteResult => {
    if (result.results.length === 0) {
      let shown = rowless.get(result);
      if (!shown) rowless.set(result, (shown = { results: [], success: true, meta: { duration: result.duration } }));
      return shown;
    }
    const rows = result.results.map((row) => {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(row)) out[key] = Array.isArray(value) ? `[${value.join(", ")}]` : value;
      return out;
    });
    return { results: rows, success: true, meta: { duration: result.duration } };
  });
  if (!quiet) log.info(`🚣 ${all.length} command${all.length === 1 ? "" : "s"} executed successfully.`);
  return all;
}

function readSqlFile(file: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch {
    throw new UserError(`Unable to read SQL text file "${file}". Please check the file path and try again.`);
  }
  if (bytes.subarray(0, 15).toString("utf8") === "SQLite format 3") {
    throw new UserError(
      "Provided file is a binary SQLite database file instead of an SQL text file. The execute command can only process SQL text files. Please export an SQL file from your SQLite database and try again.",
    );
  }
  return bytes.toString("utf8");
}

interface ExecuteArgs extends GlobalArgs, LocalFlags {
  database: string;
  command?: string;
  file?: string;
  yes?: boolean;
  json?: boolean;
}

/** `d1 execute`'s checks of the location flags, in wrangler's order and words. */
function checkExecuteFlags(args: LocalFlags): void {
  if (args.local && args.remote) throw new UserError("Error: can't use --local and --remote at the same time");
  if (args.preview && !args.remote) throw new UserError("Error: can't use --preview without --remote");
  if (args["persist-to"] && !args.local) throw new UserError("Error: can't use --persist-to without --local");
}

async function executeHandler(args: ExecuteArgs, project: Project): Promise<void> {
  const json = Boolean(args.json);
  const fail = (message: string): never => {
    throw json ? new JsonFriendlyError(JSON.stringify({ error: { text: message } }, null, 2)) : new UserError(message);
  };
  if (args.file && args.command) fail("Error: can't provide both --command and --file.");
  try {
    if (!args.file && !args.command) throw new UserError("Error: must provide --command or --file.");
    checkExecuteFlags(args);
    refuseRemote(args, "d1 execute");
    const sql = args.file ? readSqlFile(args.file) : args.command!;
    const results = await executeLocally(project, args.database, sql, json);
    const interactive = isatty(1) && !json;
    if (interactive) {
      for (const result of results) {
        if (result.results.length === 0) continue;
        log.info(
          renderTable(result.results.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, String(v)])))),
        );
      }
    } else {
      log.info(resultsJson(results));
    }
  } catch (error) {
    if (json && error instanceof Error && !(error instanceof JsonFriendlyError)) fail(error.message);
    throw error;
  }
}

const localFlags = (what: string) => ({
  local: { type: "boolean", describe: `${what} against a local DB for use with wrangler dev` },
  remote: { type: "boolean", describe: `${what} against a remote DB for use with wrangler dev --remote` },
  preview: { type: "boolean", describe: `${what} against a preview D1 DB`, default: false },
  "persist-to": {
    type: "string",
    describe: "Specify directory to use for local persistence (you must use --local with this flag)",
    requiresArg: true,
  },
}) as const;

/** The migrations directory; like wrangler, offers to create it only for `migrations create`. */
async function migrationsPath(project: Project, folder: string, createIfMissing: boolean): Promise<string> {
  const dir = path.resolve(path.dirname(project.loaded.path!), folder);
  if (existsSync(dir)) return dir;
  const warning = `No migrations folder found.${folder === DEFAULT_MIGRATIONS_DIR ? ` Set \`migrations_dir\` in your ${configFileName(project)} file to choose a different path.` : ""}`;
  if (createIfMissing && (await confirm(`${warning}\nOk to create ${dir}?`))) {
    mkdirSync(dir, { recursive: true });
    return dir;
  }
  log.warn(warning);
  throw new UserError(`No migrations present at ${dir}.`);
}

function requireConfigFile(project: Project): void {
  if (!project.loaded.path) {
    throw new UserError("No configuration file found. Create a wrangler.jsonc file to define your D1 database.");
  }
}

interface MigrationsArgs extends GlobalArgs, LocalFlags {
  database: string;
}

/** Shared start of `migrations list` and `apply`: the database, its migrations folder, and what is unapplied. */
async function pendingMigrations(args: MigrationsArgs, project: Project) {
  requireConfigFile(project);
  const info = findInConfig(project, args.database);
  // Wrangler looks for the migrations folder first and says "No migrations present"
  // for a database it does not know; naming the unknown database is clearer.
  if (!info) requireInConfig(project, args.database);
  const dir = await migrationsPath(project, info?.migrationsDir ?? DEFAULT_MIGRATIONS_DIR, false);
  // Wrangler runs these through `d1 execute`, so its flag checks apply (both flags: nothing is applied).
  // They fail inside its quiet (JSON) run that creates the migrations table, which leaves the
  // log level at "error": the error handler's blank line on stdout is not printed.
  try {
    checkExecuteFlags(args);
  } catch (error) {
    setLogLevel("error");
    throw error;
  }
  const database = requireInConfig(project, args.database);
  const db = createD1Database(project.store(), database.id);
  try {
    await ensureMigrationsTable(db, database.migrationsTable);
    return { project, database, db, dir, pending: await unappliedMigrations(db, dir, database.migrationsTable) };
  } catch (error) {
    throw new UserError((((error as Error).cause as Error | undefined) ?? (error as Error)).message);
  }
}

/** Prints what is left to apply, in wrangler's words (the table's one column is named per command); false when nothing is. */
function listPending(pending: string[], column: string): boolean {
  if (pending.length === 0) {
    log.info("✅ No migrations to apply!");
    return false;
  }
  log.info("Migrations to be applied:");
  log.info(renderTable(pending.map((name) => ({ [column]: name }))));
  return true;
}

const migrationsList = defineCommand<MigrationsArgs>({
  command: "list <database>",
  describe: "View a list of unapplied migration files",
  positionals: { database: { type: "string", demandOption: true, describe: "The name or binding of the DB" } },
  options: localFlags("Check migrations"),
  behaviour: { printResourceLocation: true },
  async handler(args, { project }) {
    const { pending } = await pendingMigrations(args, project);
    listPending(pending, "Name");
  },
});

const migrationsApply = defineCommand<MigrationsArgs>({
  command: "apply <database>",
  describe: "Apply any unapplied D1 migrations",
  epilogue: [
    "This command will prompt you to confirm the migrations you are about to apply.",
    "Confirm that you would like to proceed. After applying, a backup will be captured.",
    "",
    "The progress of each migration will be printed in the console.",
    "",
    "When running the apply command in a CI/CD environment or another non-interactive",
    "command line, the confirmation step will be skipped, but the backup will still be",
    "captured.",
    "",
    "If applying a migration results in an error, this migration will be rolled back,",
    "and the previous successful migration will remain applied.",
  ].join("\n"),
  positionals: { database: { type: "string", demandOption: true, describe: "The name or binding of the DB" } },
  options: localFlags("Execute commands/files"),
  behaviour: { printResourceLocation: true },
  async handler(args, ctx) {
    const { project, database, db, dir, pending } = await pendingMigrations(args, ctx.project);
    if (!listPending(pending, "name")) return;
    const ok = await confirm(
      `About to apply ${pending.length} migration(s)\nYour database may not be available to serve requests during the migration, continue?`,
    );
    if (!ok) return;
    const status = new Map(pending.map((name) => [name, "🕒️"]));
    const storeDir = readableRelative(path.join(project.store().dir, "d1"));
    for (const name of pending) {
      log.info(`🌀 Executing on local database ${args.database} (${database.id}) from ${storeDir}:`);
      log.info("🌀 To execute on your remote database, add a --remote flag to your wrangler command.");
      let failure: string | undefined;
      try {
        const count = await applyMigration(db, dir, name, database.migrationsTable);
        log.info(`🚣 ${count} command${count === 1 ? "" : "s"} executed successfully.`);
      } catch (error) {
        failure = (((error as Error).cause as Error | undefined) ?? (error as Error)).message;
      }
      status.set(name, failure === undefined ? "✅" : "❌");
      log.info(renderTable(pending.map((m) => ({ name: m, status: status.get(m)! }))));
      if (failure !== undefined) {
        log.error(`Migration ${name} failed with the following errors:`);
        throw new UserError(failure);
      }
    }
  },
});

const migrationsCreate = defineCommand<GlobalArgs & { database: string; message: string }>({
  command: "create <database> <message>",
  describe: "Create a new migration",
  epilogue: [
    "This will generate a new versioned file inside the 'migrations' folder. Name",
    "your migration file as a description of your change. This will make it easier",
    "for you to find your migration in the 'migrations' folder. An example filename",
    "looks like:",
    "",
    "\t0000_create_user_table.sql",
    "",
    "The filename will include a version number and the migration name you specify.",
  ].join("\n"),
  positionals: {
    database: { type: "string", demandOption: true, describe: "The name or binding of the DB" },
    message: { type: "string", demandOption: true, describe: "The Migration message" },
  },
  behaviour: {},
  async handler(args, { project }) {
    requireConfigFile(project);
    const database = requireInConfig(project, args.database);
    const dir = await migrationsPath(project, database.migrationsDir, true);
    const number = String(nextMigrationNumber(dir)).padStart(4, "0");
    const file = `${number}_${String(args.message).replaceAll(" ", "_")}.sql`;
    writeFileSync(`${dir}/${file}`, `-- Migration number: ${number} \t ${new Date().toISOString()}\n`);
    log.info(`✅ Successfully created Migration '${file}'!\n`);
    log.info("The migration is available for editing here");
    log.info(`${dir}/${file}`);
  },
});

interface ExportArgs extends GlobalArgs {
  name: string;
  local?: boolean;
  remote?: boolean;
  output: string;
  table?: string[];
  schema: boolean;
  data: boolean;
}

const exportCommand = defineCommand<ExportArgs>({
  command: "export <name>",
  describe: "Export the contents or schema of your database as a .sql file",
  positionals: { name: { type: "string", demandOption: true, describe: "The name of the D1 database to export" } },
  options: {
    local: { type: "boolean", describe: "Export from your local DB you use with wrangler dev", conflicts: "remote" },
    remote: { type: "boolean", describe: "Export from a remote D1 database", conflicts: "local" },
    "skip-confirmation": { type: "boolean", describe: "Skip confirmation", alias: "y", default: false },
    output: { type: "string", describe: "Path to the SQL file for your export", demandOption: true },
    table: { type: "string", describe: "Specify which tables to include in export", array: true },
    "no-schema": { type: "boolean", describe: "Only output table contents, not the DB schema", conflicts: "no-data" },
    "no-data": {
      type: "boolean",
      describe: "Only output table schema, not the contents of the DBs themselves",
      conflicts: "no-schema",
    },
    // --no-schema / --no-data are yargs negations of these.
    schema: { type: "boolean", hidden: true, default: true },
    data: { type: "boolean", hidden: true, default: true },
  },
  behaviour: { printResourceLocation: true },
  async handler(args, { project }) {
    if (!args.schema && !args.data) throw new UserError("You cannot specify both --no-schema and --no-data");
    if (existsSync(args.output) && statSync(args.output).isDirectory()) {
      throw new UserError("Please specify a file path for --output, not a directory.");
    }
    const database = requireInConfig(project, args.name);
    const store = project.store();
    log.info(`🌀 Exporting local database ${args.name} (${database.id}) from ${readableRelative(path.join(store.dir, "d1"))}:`);
    log.info("🌀 To export your remote database, add a --remote flag to your wrangler command.");
    log.info(`🌀 Exporting SQL to ${args.output}...`);
    try {
      const sql = exportSql(openD1Engine(store, database.id).db, {
        noSchema: !args.schema,
        noData: !args.data,
        tables: (args.table ?? []).map(String),
      });
      writeFileSync(args.output, sql);
    } catch (error) {
      throw new UserError((error as Error).message);
    }
    log.info("Done!");
  },
});

/** A database for create/info/delete: from the config (by binding or name), else the local registry. */
function findRegistered(project: Project, name: string): { record: D1DatabaseRecord; binding?: string } {
  const store = project.store();
  const fromConfig = findInConfig(project, name);
  if (fromConfig) {
    const record = findDatabaseRecord(store, fromConfig.id) ??
      (fromConfig.config.database_name ? findDatabaseRecord(store, fromConfig.config.database_name) : null) ?? {
        uuid: fromConfig.id,
        name: fromConfig.config.database_name ?? fromConfig.config.binding,
        location: null,
        created_at: statSync(store.d1Path(fromConfig.id), { throwIfNoEntry: false })?.birthtimeMs ?? Date.now(),
      };
    return { record, binding: fromConfig.config.binding };
  }
  const record = findDatabaseRecord(store, name);
  if (!record) throw new UserError(`Couldn't find DB with name '${name}'`);
  return { record };
}

function tableCount(project: Project, uuid: string): number {
  if (!existsSync(project.store().d1Path(uuid))) return 0;
  const row = openD1Engine(project.store(), uuid)
    .db.query("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
    .get() as { n: number };
  return row.n;
}

function describeDatabase(project: Project, record: D1DatabaseRecord) {
  return {
    uuid: record.uuid,
    name: record.name,
    created_at: new Date(record.created_at).toISOString(),
    version: "production",
    num_tables: tableCount(project, record.uuid),
    file_size: databaseFileSize(project.store(), record.uuid),
  };
}

const LOCATIONS = ["weur", "eeur", "apac", "oc", "wnam", "enam"];

const createCommand = defineCommand<
  GlobalArgs & AddToConfigArgs & { name: string; location?: string; jurisdiction?: string }
>({
  command: "create <name>",
  describe: "Creates a new D1 database, and provides the binding and UUID that you will put in your config file",
  positionals: { name: { type: "string", demandOption: true, describe: "The name of the new D1 database" } },
  options: {
    location: { type: "string", choices: LOCATIONS, describe: "A hint for the primary location of the new DB" },
    jurisdiction: { type: "string", choices: ["eu", "fedramp"], describe: "The location to restrict the D1 database to run and store data within" },
    ...ADD_TO_CONFIG_OPTIONS,
  },
  behaviour: {},
  async handler(args, { project }) {
    let record: D1DatabaseRecord;
    try {
      record = createDatabaseRecord(project.store(), args.name, args.location);
    } catch (error) {
      throw new UserError((error as Error).message);
    }
    log.info(`✅ Successfully created DB '${record.name}'${args.location ? ` using primary location hint ${args.location}` : ""}`);
    log.info("Created your new D1 database.\n");
    await printCreatedResourceConfig(
      "d1_databases",
      (binding) => ({ binding: validBindingName(binding ?? record.name, "DB"), database_name: record.name, database_id: record.uuid }),
      project.loaded.path,
      args.env,
      args,
    );
  },
});

const listCommand = defineCommand<GlobalArgs & { json?: boolean }>({
  command: "list",
  describe: "List all D1 databases in your account",
  options: { json: { type: "boolean", describe: "Return output as JSON", default: false } },
  behaviour: { json: true },
  async handler(args, { project }) {
    const databases = listDatabaseRecords(project.store()).map((record) => describeDatabase(project, record));
    if (args.json) {
      log.info(JSON.stringify(databases, null, 2));
    } else {
      log.info(renderTable(databases.map((db) => Object.fromEntries(Object.entries(db).map(([k, v]) => [k, String(v ?? "")])))));
    }
  },
});

const infoCommand = defineCommand<GlobalArgs & { name: string; json?: boolean }>({
  command: "info <name>",
  describe: "Get information about a D1 database, including the current database size and state",
  positionals: { name: { type: "string", demandOption: true, describe: "The name of the DB" } },
  options: { json: { type: "boolean", describe: "Return output as JSON", default: false } },
  behaviour: { json: true },
  async handler(args, { project }) {
    const { record, binding } = findRegistered(project, args.name);
    const { file_size, version: _version, ...rest } = describeDatabase(project, record);
    const output: Record<string, unknown> = { ...rest, database_size: file_size };
    if (args.json) {
      log.info(JSON.stringify(output, null, 2));
      return;
    }
    const rows = Object.entries(output)
      .filter(([key]) => key !== "uuid")
      .map(([key, value]) => ({ [binding ?? ""]: key, [record.uuid]: key === "database_size" ? prettyBytes(Number(value)) : String(value) }));
    log.info(renderTable(rows, [binding ?? "", record.uuid]));
  },
});

const deleteCommand = defineCommand<GlobalArgs & { name: string; "skip-confirmation"?: boolean }>({
  command: "delete <name>",
  describe: "Delete a D1 database",
  positionals: { name: { type: "string", demandOption: true, describe: "The name or binding of the DB" } },
  options: { "skip-confirmation": { type: "boolean", describe: "Skip confirmation", alias: "y", default: false } },
  behaviour: {},
  async handler(args, { project }) {
    const { record } = findRegistered(project, args.name);
    printResourceLocation("local");
    if (!(await confirmDelete(`database DB '${args.name}' (${record.uuid})`, "the database", args["skip-confirmation"]))) return;
    log.info("Deleting...");
    deleteDatabase(project.store(), record.uuid);
    log.info(`Deleted '${args.name}' successfully.`);
  },
});

const executeCommand = defineCommand<ExecuteArgs>({
  command: "execute <database>",
  describe: "Execute a command or SQL file",
  epilogue: "You must provide either --command or --file for this command to run successfully.",
  positionals: { database: { type: "string", demandOption: true, describe: "The name or binding of the DB" } },
  options: {
    command: { type: "string", describe: "The SQL query you wish to execute, or multiple queries separated by ';'" },
    file: { type: "string", describe: "A .sql file to ingest" },
    yes: { type: "boolean", describe: 'Answer "yes" to any prompts', alias: "y" },
    local: { type: "boolean", describe: "Execute commands/files against a local DB for use with wrangler dev" },
    remote: {
      type: "boolean",
      describe: "Execute commands/files against a remote D1 database for use with remote bindings or your deployed Worker",
    },
    "persist-to": { type: "string", describe: "Specify directory to use for local persistence (for use with --local)", requiresArg: true },
    json: { type: "boolean", describe: "Return output as JSON", default: false },
    preview: { type: "boolean", describe: "Execute commands/files against a preview D1 database", default: false },
  },
  // Wrangler checks the flags (and --remote) in its handler, after the config is read.
  behaviour: { json: true, printResourceLocation: true, location: "handler" },
  handler: (args, { project }) => executeHandler(args, project),
});

export default defineCommand({
  command: "d1",
  describe: "🗄️ Manage Workers D1 databases",
  subcommands: [
    createCommand,
    infoCommand,
    listCommand,
    deleteCommand,
    executeCommand,
    exportCommand,
    networkOnlyCommand("time-travel", "Use Time Travel to restore, fork or copy a database at a specific point-in-time"),
    defineCommand({
      command: "migrations",
      describe: "Interact with D1 migrations",
      subcommands: [migrationsCreate, migrationsList, migrationsApply],
    }),
    networkOnlyCommand("insights <name>", "Get information about the queries run on a D1 database [experimental]", "experimental"),
  ],
});
