// `bunflare secret put|delete|list|bulk`: wrangler's secret commands, for local work.
// Secrets live in `.dev.vars` (`.dev.vars.<env>` with --env) beside the config, the
// file `bunflare dev` reads them from; nothing is uploaded. Values are read from
// stdin or a hidden prompt and never printed.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { fileErrorReason } from "./shared/files.ts";
import path from "node:path";
import { defineCommand, type GlobalArgs } from "./define.ts";
import { loadConfig, type LoadedConfig } from "../config/index.ts";
import { UserError } from "../errors.ts";
import { log, printBanner } from "../log.ts";
import { confirm } from "./d1/prompt.ts";

interface SecretArgs extends GlobalArgs {
  key: string;
  name?: string;
}

const nameOption = {
  name: {
    describe: "Name of the Worker. If this is not specified, it will default to the name specified in your Wrangler config file.",
    type: "string" as const,
    requiresArg: true,
  },
};

/** `command` names a command that changes the Worker, which warns as wrangler's when no environment is targeted. */
function secretsFile(args: GlobalArgs, command?: string): { loaded: LoadedConfig; file: string; shown: string } {
  const loaded = loadConfig({ configPath: args.config, env: args.env, onWarning: (message) => log.warn(message), warnUntargetedFor: command });
  const file = path.join(loaded.dir, args.env ? `.dev.vars.${args.env}` : ".dev.vars");
  return { loaded, file, shown: path.relative(process.cwd(), file) || path.basename(file) };
}

const LOCAL_NOTE = (shown: string) =>
  `(local only: bunflare keeps secrets in ${shown} for \`bunflare dev\` and uploads nothing to Cloudflare)`;

/** The .dev.vars entries in file order; the file is dotenv text. */
function readSecrets(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  return (require("dotenv") as typeof import("dotenv")).parse(readText(file));
}

function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new UserError(`Could not read ${path.relative(process.cwd(), file) || file}: ${fileErrorReason(error)}.`);
  }
}

/** One dotenv line that reads back as exactly `value`. */
function dotenvLine(key: string, value: string): string {
  if (!value.includes("'") && !value.includes("\n")) return `${key}='${value}'`;
  if (!value.includes('"') && !value.includes("\\")) return `${key}="${value.replace(/\n/g, "\\n")}"`;
  if (!value.includes("`")) return `${key}=\`${value}\``;
  throw new UserError(`The value of secret ${key} has both quotes and backticks, which a .dev.vars file cannot hold.`);
}

/** Rewrites the file with `changes` (undefined deletes), keeping other lines; atomic, so a failure leaves it intact. */
function writeSecrets(file: string, changes: Record<string, string | undefined>): void {
  const lines = existsSync(file) ? readText(file).split("\n") : [];
  if (lines.at(-1) === "") lines.pop();
  const pending = new Map(Object.entries(changes));
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const key = lines[i]!.match(/^\s*(?:export\s+)?([\w.-]+)\s*=/)?.[1];
    if (key === undefined || !pending.has(key)) {
      out.push(lines[i]!);
      continue;
    }
    // Skip the rest of a quoted multi-line value of the entry being replaced.
    const rest = lines[i]!.slice(lines[i]!.indexOf("=") + 1).trim();
    const quote = rest[0];
    if ((quote === '"' || quote === "'" || quote === "`") && !rest.slice(1).includes(quote)) {
      i++;
      while (i < lines.length && !lines[i]!.includes(quote)) i++;
    }
    const value = pending.get(key);
    pending.delete(key);
    if (value !== undefined) out.push(dotenvLine(key, value));
  }
  for (const [key, value] of pending) if (value !== undefined) out.push(dotenvLine(key, value));
  const temp = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, out.length ? `${out.join("\n")}\n` : "", { mode: 0o600 });
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new UserError(`Could not write ${path.relative(process.cwd(), file) || file}: ${fileErrorReason(error)}; it is unchanged.`);
  }
}

export async function readStdin(): Promise<string> {
  return await new Response(Bun.stdin.stream()).text();
}

/** Wrangler's hidden prompt: characters are read without echo. */
export async function promptHidden(question: string): Promise<string> {
  process.stdout.write(`? ${question} `);
  const stdin = process.stdin;
  stdin.setRawMode?.(true);
  stdin.resume();
  let value = "";
  try {
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        for (const char of chunk.toString("utf8")) {
          if (char === "\r" || char === "\n") return done();
          if (char === "\u0003") return fail();
          if (char === "\u007f" || char === "\b") value = value.slice(0, -1);
          else value += char;
        }
      };
      const done = () => {
        stdin.off("data", onData);
        resolve();
      };
      const fail = () => {
        stdin.off("data", onData);
        reject(new UserError("Cancelled."));
      };
      stdin.on("data", onData);
    });
  } finally {
    stdin.setRawMode?.(false);
    stdin.pause();
    process.stdout.write("\n");
  }
  return value;
}

function workerName(args: { name?: string }, loaded: LoadedConfig): string {
  const name = args.name ?? loaded.config.name;
  if (!name) {
    const file = loaded.path ? path.basename(loaded.path) : "wrangler.jsonc";
    throw new UserError(
      `Required Worker name missing. Please specify the Worker name in your ${file} file, or pass it as an argument with \`--name <worker-name>\``,
    );
  }
  return name;
}

const put = defineCommand<SecretArgs>({
  command: "put <key>",
  describe: "Create or update a secret for a Worker",
  positionals: { key: { describe: "The variable name to be accessible in the Worker", type: "string" } },
  options: nameOption,
  async handler(args) {
    printBanner();
    const { loaded, file, shown } = secretsFile(args, "secret put");
    const name = workerName(args, loaded);
    const raw = process.stdin.isTTY ? await promptHidden("Enter a secret value:") : await readStdin();
    const value = raw.replace(/\s+$/, "");
    if (!value) throw new UserError(`The value of secret ${args.key} is empty: give it on stdin or at the prompt. ${shown} is unchanged.`);
    log.info(`🌀 Creating the secret for the Worker "${name}" ${LOCAL_NOTE(shown)}`);
    writeSecrets(file, { [args.key]: value });
    log.info(`✨ Success! Uploaded secret ${args.key}`);
  },
});

const del = defineCommand<SecretArgs>({
  command: "delete <key>",
  describe: "Delete a secret from a Worker",
  positionals: { key: { describe: "The variable name to be accessible in the Worker", type: "string" } },
  options: nameOption,
  async handler(args) {
    printBanner();
    const { loaded, file, shown } = secretsFile(args, "secret delete");
    const name = workerName(args, loaded);
    if (!(args.key in readSecrets(file))) throw new UserError(`There is no secret ${args.key} in ${shown}.`);
    if (!(await confirm(`Are you sure you want to permanently delete the secret ${args.key} on the Worker ${name}?`))) return;
    log.info(`🌀 Deleting the secret ${args.key} on the Worker ${name} ${LOCAL_NOTE(shown)}`);
    writeSecrets(file, { [args.key]: undefined });
    log.info(`✨ Success! Deleted secret ${args.key}`);
  },
});

const list = defineCommand<GlobalArgs & { name?: string; format: "json" | "pretty" }>({
  command: "list",
  describe: "List all secrets for a Worker",
  options: {
    ...nameOption,
    format: { describe: "The format to print the secrets in", choices: ["json", "pretty"], default: "json" },
  },
  handler(args) {
    const { loaded, file, shown } = secretsFile(args);
    workerName(args, loaded);
    const names = Object.keys(readSecrets(file));
    // The note goes to stderr so the JSON on stdout stays parseable.
    console.error(`Secret names in ${shown} (local only: nothing is uploaded to Cloudflare):`);
    if (args.format === "pretty") {
      printBanner();
      for (const name of names) log.info(`Secret Name: ${name}\n`);
    } else {
      log.info(JSON.stringify(names.map((name) => ({ name, type: "secret_text" })), null, "  "));
    }
  },
});

const bulk = defineCommand<GlobalArgs & { file?: string; name?: string }>({
  command: "bulk [file]",
  describe: "Upload multiple secrets for a Worker at once",
  positionals: {
    file: { describe: "The file of key-value pairs to upload, as JSON in form {\"key\": value, ...} or .dev.vars file in the form KEY=VALUE", type: "string" },
  },
  options: nameOption,
  async handler(args) {
    printBanner();
    const { loaded, file, shown } = secretsFile(args, "secret bulk");
    const name = workerName(args, loaded);
    let text: string;
    if (args.file) {
      try {
        text = readFileSync(path.resolve(args.file), "utf8");
      } catch {
        throw new UserError(`Could not read the file "${args.file}".`);
      }
    } else {
      text = await readStdin();
    }
    let entries: Record<string, unknown>;
    try {
      entries = JSON.parse(text);
      if (typeof entries !== "object" || entries === null || Array.isArray(entries)) throw new Error("not an object");
    } catch {
      entries = (require("dotenv") as typeof import("dotenv")).parse(text);
    }
    const changes: Record<string, string> = {};
    for (const [key, value] of Object.entries(entries)) {
      if (typeof value !== "string") throw new UserError(`The value of secret ${key} must be a string; nothing was written to ${shown}.`);
      if (!value) throw new UserError(`The value of secret ${key} is empty; nothing was written to ${shown}.`);
      changes[key] = value;
    }
    if (!Object.keys(changes).length) throw new UserError(`No secrets found in ${args.file ?? "stdin"}; ${shown} is unchanged.`);
    log.info(`🌀 Creating the secrets for the Worker "${name}" ${LOCAL_NOTE(shown)}`);
    writeSecrets(file, changes);
    for (const key of Object.keys(changes)) log.info(`✨ Successfully created secret for key: ${key}`);
    log.info("");
    log.info("Finished processing secrets file:");
    log.info(`✨ ${Object.keys(changes).length} secrets successfully uploaded`);
  },
});

export default defineCommand({
  command: "secret",
  describe: "🤫 Generate a secret that can be referenced in a Worker",
  subcommands: [put, del, list, bulk],
});
