// `secrets-store secret create|list|get|update|delete|duplicate` and
// `secrets-store store create|list|delete`, as wrangler runs them without
// --remote (with --remote, src/forward.ts hands the command to a real wrangler).
// Secrets live in the .bunflare store, read by `secrets_store_secrets`
// bindings; every read and write goes through runtime/bindings/secrets-store.
// Values are never printed.
//
// Where bunflare does better than wrangler's local mode: the comment and scopes
// given at create are kept and shown by list / get (wrangler's local store drops
// them and prints blanks), created / modified are the real times (wrangler
// prints "now"), `update` shows the secret's name (wrangler shows its id twice)
// and an update without a value keeps the value (wrangler's writes the empty
// string it read from stdin), and an unknown id is a plain error, not a crash.
import { defineCommand, type CommandSpec, type GlobalArgs } from "./define.ts";
import { UserError } from "../errors.ts";
import { log } from "../log.ts";
import { confirm, renderTable } from "./shared/index.ts";
import { promptHidden, readStdin } from "./secret.ts";
import type { Project } from "../project.ts";
import * as secrets from "../../runtime/bindings/secrets-store/index.ts";

interface StoreArgs extends GlobalArgs {
  "store-id": string;
  "secret-id": string;
  name: string;
  value?: string;
  scopes?: string;
  comment?: string;
  page: number;
  "per-page": number;
  remote: boolean;
  "persist-to"?: string;
}

const REMOTE = { remote: { type: "boolean", description: "Execute command against remote Secrets Store", default: false } } as const;
const PERSIST_TO = { "persist-to": { type: "string", describe: "Directory for local persistence" } } as const;
const STORE_ID = { "store-id": { type: "string", describe: "ID of the store in which the secret resides", demandOption: true } } as const;
const secretId = (describe: string) => ({ "secret-id": { type: "string", describe, demandOption: true, requiresArg: true } }) as const;
const VALUE_NOTE = "(Note: Only for testing. Not secure as this will leave secret value in plain-text in terminal history, exclude this flag and use automatic prompt instead)";
const behaviour = { provideConfig: true } as const;

function validateSecretName(name: string): void {
  // wrangler's own check: [A-z] also admits [ \ ] ^ _ and the backtick.
  if (!/^[A-z0-9-_]+$/.test(name)) throw new UserError("Secret name may only contain alphanumeric characters, underscores, or dashes.");
}

/** A value from a hidden prompt on a terminal, else all of stdin; trailing whitespace dropped, as wrangler. */
async function readValue(): Promise<string> {
  const text = process.stdin.isTTY ? await promptHidden("Enter a secret value:") : await readStdin();
  return text.trimEnd();
}

/** Runs a store operation; an unknown id is the user's mistake, said in miniflare's words. */
function found<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof secrets.SecretNotFoundError) throw new UserError(error.message);
    throw error;
  }
}

const when = (ms: number) => new Date(ms).toLocaleString();
const scopesShown = (scopes: string) => (scopes ? scopes.split(",").join(", ") : "");

/** One secret as wrangler's tables show it; `status` is printed as given ("active " with wrangler's space in list and get). */
function row(secret: secrets.SecretInfo, status: string, withStore = true): Record<string, string> {
  return {
    Name: secret.name,
    ID: secret.id,
    ...(withStore ? { StoreID: secret.store_id } : {}),
    Comment: secret.comment ?? "",
    Scopes: scopesShown(secret.scopes),
    Status: status,
    Created: when(secret.created_at),
    Modified: when(secret.modified_at),
  };
}

const store = (ctx: { project: Project }) => ctx.project.store();

const secretCreate = defineCommand<StoreArgs>({
  command: "create <store-id>",
  describe: "Create a secret within a store [open beta]",
  status: "open beta",
  positionals: STORE_ID,
  options: {
    name: { type: "string", describe: "Name of the secret", requiresArg: true, demandOption: true },
    value: { type: "string", describe: `Value of the secret ${VALUE_NOTE}` },
    scopes: { type: "string", describe: 'Scopes for the secret (comma-separated list of scopes eg:"workers")', requiresArg: true, demandOption: true },
    comment: { type: "string", describe: "Comment for the secret" },
    ...REMOTE,
    ...PERSIST_TO,
  },
  behaviour,
  validateArgs: (args) => validateSecretName(args.name),
  async handler(args, ctx) {
    const value = args.value ? args.value : await readValue();
    if (!value) throw new UserError("Need to pass in a value when creating a secret.");
    log.info(`\n🔐 Creating secret... (Name: ${args.name}, Value: REDACTED, Scopes: ${args.scopes}, Comment: ${args.comment})`);
    const id = secrets.putSecret(store(ctx), args["store-id"], args.name, value, args.comment, { scopes: args.scopes });
    log.info(`✅ Created secret! (ID: ${id})`);
    log.info(renderTable([row(secrets.secretById(store(ctx), args["store-id"], id), "pending")]));
  },
});

const secretList = defineCommand<StoreArgs>({
  command: "list <store-id>",
  describe: "List secrets within a store [open beta]",
  status: "open beta",
  positionals: { "store-id": { ...STORE_ID["store-id"], describe: "ID of the store in which to list secrets" } },
  options: {
    page: { describe: 'Page number of secrets listing results, can configure page size using "per-page"', type: "number", default: 1 },
    "per-page": { describe: "Number of secrets to show per page", type: "number", default: 10 },
    ...REMOTE,
    ...PERSIST_TO,
  },
  behaviour,
  handler(args, ctx) {
    log.info(`🔐 Listing secrets... (store-id: ${args["store-id"]}, page: ${args.page}, per-page: ${args["per-page"]})`);
    // Pages as the remote API cuts them (wrangler's local mode prints every secret on any page).
    const start = (args.page - 1) * args["per-page"];
    const page = secrets.listSecrets(store(ctx), args["store-id"]).slice(start, start + args["per-page"]);
    if (page.length === 0) throw new UserError("List request returned no secrets.");
    log.info(renderTable(page.map((secret) => row(secret, "active ", false))));
  },
});

const secretGet = defineCommand<StoreArgs>({
  command: "get <store-id>",
  describe: "Get a secret within a store [open beta]",
  status: "open beta",
  positionals: STORE_ID,
  options: { ...secretId("ID of the secret to retrieve"), ...REMOTE, ...PERSIST_TO },
  behaviour,
  handler(args, ctx) {
    log.info(`🔐 Getting secret... (ID: ${args["secret-id"]})`);
    const secret = found(() => secrets.secretById(store(ctx), args["store-id"], args["secret-id"]));
    log.info(renderTable([row(secret, "active ")]));
  },
});

const secretUpdate = defineCommand<StoreArgs>({
  command: "update <store-id>",
  describe: "Update a secret within a store [open beta]",
  status: "open beta",
  positionals: STORE_ID,
  options: {
    ...secretId("ID of the secret to update"),
    value: { type: "string", describe: `Updated value of the secret ${VALUE_NOTE}` },
    scopes: { type: "string", describe: 'Updated scopes for the secret (comma-separated list of scopes eg:"workers")' },
    comment: { type: "string", describe: "Updated comment for the secret" },
    ...REMOTE,
    ...PERSIST_TO,
  },
  behaviour,
  async handler(args, ctx) {
    let value = args.value ?? "";
    if (!value && (await confirm("Do you want to update the secret value?", { defaultValue: false }))) value = await readValue();
    if (!value && !args.scopes && !args.comment) {
      throw new UserError("Need to pass in a new field using `--value`, `--scopes`, or `--comment` to update a secret.");
    }
    log.info(`🔐 Updating secret... (ID: ${args["secret-id"]})`);
    const secret = found(() => secrets.updateSecret(store(ctx), args["store-id"], args["secret-id"], { value, scopes: args.scopes, comment: args.comment }));
    log.info(`✅ Updated secret! (ID: ${secret.id})`);
    log.info(renderTable([row(secret, "active")]));
  },
});

const secretDelete = defineCommand<StoreArgs>({
  command: "delete <store-id>",
  describe: "Delete a secret within a store [open beta]",
  status: "open beta",
  positionals: STORE_ID,
  options: { ...secretId("ID of the secret to delete"), ...REMOTE, ...PERSIST_TO },
  behaviour,
  handler(args, ctx) {
    log.info(`🔐 Deleting secret... (ID: ${args["secret-id"]})`);
    found(() => secrets.deleteSecretById(store(ctx), args["store-id"], args["secret-id"]));
    log.info(`✅ Deleted secret! (ID: ${args["secret-id"]})`);
  },
});

const secretDuplicate = defineCommand<StoreArgs>({
  command: "duplicate <store-id>",
  describe: "Duplicate a secret within a store [open beta]",
  status: "open beta",
  positionals: STORE_ID,
  options: {
    ...secretId("ID of the secret to duplicate the secret value of"),
    name: { type: "string", describe: "Name of the new secret", requiresArg: true, demandOption: true },
    scopes: { type: "string", describe: "Scopes for the new secret", requiresArg: true, demandOption: true },
    comment: { type: "string", describe: "Comment for the new secret" },
    ...REMOTE,
    ...PERSIST_TO,
  },
  behaviour,
  validateArgs: (args) => validateSecretName(args.name),
  handler(args, ctx) {
    log.info(`🔐 Duplicating secret... (ID: ${args["secret-id"]})`);
    const id = found(() => secrets.duplicateSecret(store(ctx), args["store-id"], args["secret-id"], args.name, { scopes: args.scopes, comment: args.comment }));
    log.info(`✅ Duplicated secret! (ID: ${id})`);
    log.info(renderTable([row(secrets.secretById(store(ctx), args["store-id"], id), "active")]));
  },
});

// Stores exist only on an account: locally a store is any id a secret names,
// so wrangler refuses these without --remote, after saying what it was doing.
const storeCreate = defineCommand<StoreArgs>({
  command: "create <name>",
  describe: "Create a store within an account [open beta]",
  status: "open beta",
  positionals: { name: { type: "string", description: "Name of the store", demandOption: true } },
  options: REMOTE,
  behaviour,
  handler(args) {
    log.info(`🔐 Creating store... (Name: ${args.name})`);
    throw new UserError("Local secrets stores are automatically created for you on use. To create a Secrets Store on your account, use the --remote flag.");
  },
});

const storeDelete = defineCommand<StoreArgs>({
  command: "delete <store-id>",
  describe: "Delete a store within an account [open beta]",
  status: "open beta",
  positionals: { "store-id": { type: "string", description: "ID of the store", demandOption: true } },
  options: REMOTE,
  behaviour,
  handler(args) {
    log.info(`🔐 Deleting store... (Name: ${args["store-id"]})`);
    throw new UserError("This command is not supported in local mode. Use `wrangler <cmd> --remote` to delete a Secrets Store from your account.");
  },
});

const storeList = defineCommand<StoreArgs>({
  command: "list",
  describe: "List stores within an account [open beta]",
  status: "open beta",
  options: {
    page: { describe: 'Page number of stores listing results, can configure page size using "per-page"', type: "number", default: 1 },
    "per-page": { describe: "Number of stores to show per page", type: "number", default: 10 },
    ...REMOTE,
  },
  behaviour,
  handler() {
    log.info("🔐 Listing stores...");
    throw new UserError("This command is not supported in local mode. Use `wrangler <cmd> --remote` to list Secrets Stores on your account.");
  },
});

const command: CommandSpec = defineCommand({
  command: "secrets-store",
  describe: "🔐 Manage the Secrets Store [open beta]",
  subcommands: [
    defineCommand({ command: "store", describe: "🔐 Manage Stores within the Secrets Store [open beta]", subcommands: [storeCreate, storeDelete, storeList] }),
    defineCommand({
      command: "secret",
      describe: "🔐 Manage Secrets within the Secrets Store [open beta]",
      subcommands: [secretCreate, secretList, secretGet, secretUpdate, secretDelete, secretDuplicate],
    }),
  ],
});

export default command;
