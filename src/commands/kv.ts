// `kv namespace`, `kv key` and `kv bulk`, as wrangler 4 declares them. Every
// read and write goes through runtime/bindings/kv, the same code a worker's
// env.KV runs, so the CLI and a running dev server never disagree.
import { ADD_TO_CONFIG_OPTIONS } from "../config/edit.ts";
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Options } from "yargs";
import { defineCommand, type CommandSpec, type GlobalArgs } from "./define.ts";
import { asUserError, CommandLineArgsError, UserError } from "../errors.ts";
import { layoutNotes, log } from "../log.ts";
import type { Project } from "../project.ts";
import {
  confirm,
  confirmDelete,
  LOCAL_REMOTE_OPTIONS,
  printCreatedResourceConfig,
  printResourceLocation,
  validBindingName,
  type LocalRemoteArgs,
} from "./shared/index.ts";
import type { KVNamespaceConfig } from "../config/types.ts";
import { createKVNamespace, deleteMany, putMany, type BulkPutItem } from "../../runtime/bindings/kv/index.ts";
import { KV_SCHEMA } from "../../runtime/bindings/kv/schema.ts";
import {
  createNamespace,
  deleteNamespace,
  findNamespaceByTitle,
  listNamespaces,
  NamespaceExistsError,
  NamespaceNotFoundError,
  renameNamespace,
} from "../../runtime/bindings/kv/namespaces.ts";

interface KVArgs extends GlobalArgs, LocalRemoteArgs {
  binding?: string;
  "namespace-id"?: string;
  namespace?: string;
  preview?: boolean;
}

function userError(text: string): UserError {
  return new UserError(layoutNotes(text));
}

/** wrangler's demandOneOfOption: exactly one of the flags must be given. */
function demandOneOf(args: Record<string, unknown>, ...names: string[]): void {
  const count = names.filter((name) => args[name]).length;
  const last = names.at(-1);
  const rest = names.slice(0, -1).join(", ");
  if (count === 0) throw new CommandLineArgsError(`Exactly one of the arguments ${rest} and ${last} is required`);
  if (count > 1) throw new CommandLineArgsError(`Arguments ${rest} and ${last} are mutually exclusive`);
}

/**
 * The runner has read the config once (provideConfig); wrangler's KV handlers
 * read it again themselves, so its config warnings appear twice: so do ours
 * (logged again; the file is not read again).
 */
function rereadProject(project: Project): Project {
  return project.reread();
}

/** The namespace a key or bulk command names (--binding / --namespace-id / --preview), ready to use. */
function openNamespace(args: KVArgs, runnersProject: Project) {
  const project = rereadProject(runnersProject);
  const target = resolveNamespace(args, project);
  // KV's tables come with the store's own: a fresh store is created in one commit.
  return { ...target, project, kv: createKVNamespace(project.store({ schemas: [KV_SCHEMA] }), target.namespaceId) };
}

interface ResolvedNamespace {
  namespaceId: string;
  displayName: string;
}

/** wrangler's getKVNamespaceId, step for step (its messages included), against the local registry. */
function resolveNamespace(args: KVArgs, project: Project): ResolvedNamespace {
  const namespaceId = args["namespace-id"];
  if (namespaceId) return { namespaceId, displayName: `id: "${namespaceId}"` };
  if (args.namespace) {
    const found = findNamespaceByTitle(project.store(), args.namespace);
    if (!found) {
      throw new UserError(
        `No namespace found with the name "${args.namespace}". Use --namespace-id or --binding instead, or check available namespaces with "wrangler kv namespace list".`,
      );
    }
    return { namespaceId: found.id, displayName: `name: "${args.namespace}" (id: "${found.id}")` };
  }
  const namespaces: KVNamespaceConfig[] = project.loaded.config.kv_namespaces ?? [];
  if (namespaces.length === 0) {
    throw new UserError(
      "No KV Namespaces configured! Either use --namespace-id to upload directly or add a KV namespace to your wrangler config file.",
    );
  }
  const { binding, preview } = args;
  const config = namespaces.find((ns) => ns.binding === binding);
  if (!config) {
    throw new UserError(`A namespace with binding name "${binding}" was not found in the configured "kv_namespaces".`);
  }
  const named = (id: string) => ({ namespaceId: id, displayName: `binding: "${binding}" (id: "${id}")` });
  if (preview && config.preview_id) return named(config.preview_id);
  if (preview) {
    throw new UserError(
      `No preview ID found for ${binding}. Add one to your wrangler config file to use a separate namespace for previewing your worker.`,
    );
  }
  if (preview !== undefined && config.id) return named(config.id);
  if (preview !== undefined) {
    throw new UserError(`No namespace ID found for ${binding}. Add one to your wrangler config file or pass it via \`--namespace-id\`.`);
  }
  if (config.id && !config.preview_id) return named(config.id);
  if (!config.id && config.preview_id) return named(config.preview_id);
  if (!config.id && !config.preview_id) {
    // wrangler 4 provisions an id for such bindings; locally the binding name is the id, as the dev server uses.
    return named(binding!);
  }
  throw new UserError(
    `${binding} has both a namespace ID and a preview ID. Specify "--preview" or "--preview false" to avoid writing data to the wrong namespace.`,
  );
}

/** A command's --binding / --namespace-id / --preview / --local / --remote / --persist-to, with its own verb in the help. */
function targetOptions(verb: string, idVerb: string, previewDefault: boolean): Record<string, Options> {
  return {
    binding: { type: "string", requiresArg: true, describe: `The binding name to the namespace to ${verb}` },
    "namespace-id": { type: "string", requiresArg: true, describe: `The id of the namespace to ${idVerb}` },
    preview: {
      type: "boolean",
      describe: "Interact with a preview namespace",
      ...(previewDefault ? { default: false } : {}),
    },
  };
}


/** A --metadata value that did not parse, kept so `key put` can say so. */
class NotJson {
  constructor(
    readonly text: string,
    readonly reason: string,
  ) {}
}

/**
 * Clearer than wrangler, which stores the entry without its metadata for bad
 * JSON and reports a non-numeric --ttl / --expiration as "of 0" from the API.
 */
function checkPutFlags(args: { ttl?: number; expiration?: number; metadata?: unknown }): void {
  if (args.metadata instanceof NotJson) {
    throw new UserError(`The --metadata value is not valid JSON (${args.metadata.reason}): ${args.metadata.text}\nNothing was written.`);
  }
  for (const flag of ["ttl", "expiration"] as const) {
    const value = args[flag];
    if (value !== undefined && !Number.isFinite(value)) {
      const what = flag === "ttl" ? "the number of seconds the entry should live" : "the UNIX time in seconds when the entry expires";
      throw new UserError(`The --${flag} value is not a number: give ${what}.\nNothing was written.`);
    }
  }
}

const PUT_VALUE_OPTIONS: Record<string, Options> = {
  ttl: { type: "number", describe: "Time for which the entries should be visible" },
  expiration: { type: "number", describe: "Time since the UNIX epoch after which the entry expires" },
  metadata: {
    type: "string",
    describe: "Arbitrary JSON that is associated with a key",
    // Wrangler drops metadata that is not JSON and exits 0; `key put` refuses it
    // instead (see NotJson), `bulk put` ignores the flag as wrangler does.
    coerce: (text: string) => {
      try {
        return JSON.parse(text);
      } catch (error) {
        return new NotJson(text, (error as Error).message);
      }
    },
  },
};

const putOptions = { ...targetOptions("write to", "write to", false), ...PUT_VALUE_OPTIONS, ...LOCAL_REMOTE_OPTIONS };
const getOptions = { ...targetOptions("get from", "get from", true), ...LOCAL_REMOTE_OPTIONS };
const deleteOptions = { ...targetOptions("delete from", "delete from", false), ...LOCAL_REMOTE_OPTIONS };

function readInputFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    const message = (error as Error).message.replace(file, path.resolve(file));
    throw new UserError(`Could not read file: ${file}\n\n  ${message}`);
  }
}

/** Bulk files are strict JSON; a syntax error names file, line and column as wrangler does. */
async function readJsonFile(file: string): Promise<unknown> {
  const text = readInputFile(file).toString("utf8").replace(/^\uFEFF/, "");
  // The native parser is far faster on a 10,000-item file; jsonc-parser only
  // runs to locate an error the way wrangler reports it.
  try {
    return JSON.parse(text) as unknown;
  } catch {}
  const [{ parse, printParseErrorCode }, { ParseError }] = await Promise.all([import("jsonc-parser"), import("../config/parse.ts")]);
  const errors: import("jsonc-parser").ParseError[] = [];
  const data = parse(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
  const first = errors[0];
  if (!first) return data as unknown;
  const lineStart = text.lastIndexOf("\n", first.offset - 1) + 1;
  const line = text.slice(0, lineStart).split("\n").length;
  const lineText = text.slice(lineStart).split("\n")[0] ?? "";
  throw new ParseError(printParseErrorCode(first.error), { file, line, column: first.offset - lineStart, length: first.length, lineText });
}

/** Keys from a bulk get/delete file: strings, or objects with a "name". */
function keysFromFile(content: unknown, file: string, skipInvalid: boolean): string[] {
  if (!Array.isArray(content)) {
    throw userError(`Unexpected JSON input from "${file}".\nExpected an array of strings but got:\n${content}`);
  }
  const errors: string[] = [];
  const keys: string[] = [];
  content.forEach((item, index) => {
    const key = typeof item !== "string" ? item?.name : item;
    if (typeof key !== "string") {
      errors.push(`The item at index ${index} is type: "${typeof item}" - ${JSON.stringify(item)}`);
      if (skipInvalid) return;
    }
    keys.push(key);
  });
  if (errors.length > 0) {
    throw userError(
      `Unexpected JSON input from "${file}".\nExpected an array of strings or objects with a "name" key.\n` + errors.join("\n"),
    );
  }
  return keys;
}

const KEY_VALUE_PROPS = new Set(["key", "value", "expiration", "expiration_ttl", "metadata", "base64"]);
/** wrangler stops collecting bulk-file errors and warnings at this many. */
const MAX_REPORTED = 12;

function isKeyValue(item: unknown): item is Record<string, unknown> {
  if (item === null || typeof item !== "object") return false;
  const record = item as Record<string, unknown>;
  const optional = (name: string, type: string) => record[name] === undefined || typeof record[name] === type;
  return (
    typeof record.key === "string" &&
    typeof record.value === "string" &&
    optional("expiration", "number") &&
    optional("expiration_ttl", "number") &&
    optional("base64", "boolean") &&
    optional("metadata", "object")
  );
}

function bulkPutItems(content: unknown, file: string): BulkPutItem[] {
  if (!Array.isArray(content)) {
    throw userError(`Unexpected JSON input from "${file}".\nExpected an array of key-value objects but got type "${typeof content}".`);
  }
  const errors: string[] = [];
  const warnings: string[] = [];
  content.forEach((item, index) => {
    if (!isKeyValue(item)) {
      if (errors.length < MAX_REPORTED) errors.push(`The item at index ${index} is ${JSON.stringify(item)}`);
      else if (errors.length === MAX_REPORTED) errors.push("...");
      return;
    }
    const unexpected = Object.keys(item).filter((prop) => !KEY_VALUE_PROPS.has(prop));
    if (unexpected.length === 0) return;
    if (warnings.length < MAX_REPORTED) warnings.push(`The item at index ${index} contains unexpected properties: ${JSON.stringify(unexpected)}.`);
    else if (warnings.length === MAX_REPORTED) warnings.push("...");
  });
  if (warnings.length > 0) log.warn(layoutNotes(`Unexpected key-value properties in "${file}".\n` + warnings.join("\n")));
  if (errors.length > 0) {
    throw userError(
      `Unexpected JSON input from "${file}".\nEach item in the array should be an object that matches:\n\n` +
        "interface KeyValue {\n  key: string;\n  value: string;\n  expiration?: number;\n  expiration_ttl?: number;\n  metadata?: object;\n  base64?: boolean;\n}\n\n" +
        errors.join("\n"),
    );
  }
  return (content as Record<string, unknown>[]).map((item) => ({
    key: item.key,
    // base64 values are stored as their decoded bytes, so binary values survive.
    value: item.base64 ? Buffer.from(item.value as string, "base64") : item.value,
    expiration: item.expiration,
    expirationTtl: item.expiration_ttl,
    metadata: item.metadata,
  }));
}

// ---------------------------------------------------------------- kv namespace

const namespaceCreate = defineCommand<KVArgs & { namespace: string; binding?: string; "update-config"?: boolean; "use-remote"?: boolean }>({
  command: "create <namespace>",
  describe: "Create a new namespace",
  positionals: { namespace: { describe: "The name of the new namespace", type: "string", demandOption: true } },
  options: {
    preview: { type: "boolean", describe: "Interact with a preview namespace" },
    ...ADD_TO_CONFIG_OPTIONS,
  },
  behaviour: {},
  async handler(args, { project: runnersProject }) {
    const project = rereadProject(runnersProject);
    const title = `${args.env ? `${args.env}-` : ""}${args.namespace}${args.preview ? "_preview" : ""}`;
    printResourceLocation("local");
    log.info(`🌀 Creating namespace with title "${title}"`);
    let id: string;
    try {
      id = createNamespace(project.store(), title).id;
    } catch (error) {
      if (!(error instanceof NamespaceExistsError)) throw error;
      throw userError(
        `A KV namespace with the title "${title}" already exists.\n\nYou can list existing namespaces with their IDs by running:\n  wrangler kv namespace list\n\nOr choose a different namespace name.`,
      );
    }
    log.info("✨ Success!");
    await printCreatedResourceConfig(
      "kv_namespaces",
      (binding) => ({ binding: validBindingName(binding ?? args.namespace, "KV"), [args.preview ? "preview_id" : "id"]: id }),
      project.loaded.path,
      args.env,
      // As wrangler: a preview namespace is added to the config only when --binding says so.
      { ...args, "update-config": args.preview ? false : args["update-config"] },
    );
  },
});

const namespaceList = defineCommand<KVArgs>({
  command: "list",
  describe: "Output a list of all KV namespaces associated with your account id",
  behaviour: { printBanner: false },
  handler(_args, { project }) {
    const namespaces = listNamespaces(project.store()).map(({ id, title }) => ({ id, title, supports_url_encoding: true }));
    log.info(JSON.stringify(namespaces, null, "  "));
  },
});

const namespaceDelete = defineCommand<KVArgs & { "skip-confirmation": boolean }>({
  command: "delete [namespace]",
  describe: "Delete a given namespace.",
  positionals: { namespace: { type: "string", describe: "The name of the namespace to delete" } },
  options: {
    binding: { type: "string", requiresArg: true, describe: "The binding name to the namespace to delete from" },
    "namespace-id": { type: "string", requiresArg: true, describe: "The id of the namespace to delete" },
    preview: { type: "boolean", describe: "Interact with a preview namespace" },
    "skip-confirmation": { type: "boolean", describe: "Skip confirmation", alias: "y", default: false },
  },
  behaviour: {},
  validateArgs(args) {
    const given = [args.namespace, args.binding, args["namespace-id"]].filter(Boolean).length;
    if (given === 0) {
      throw new CommandLineArgsError("Must specify one of: namespace name (as positional argument), --binding, or --namespace-id");
    }
    if (given > 1) {
      throw new CommandLineArgsError(
        "Cannot specify multiple of: namespace name (as positional argument), --binding, or --namespace-id. Use only one.",
      );
    }
  },
  async handler(args, { project: runnersProject }) {
    const project = rereadProject(runnersProject);
    printResourceLocation("local");
    let target: ResolvedNamespace;
    try {
      target = resolveNamespace(args, project);
    } catch (error) {
      throw new CommandLineArgsError("Not able to delete namespace.\n" + (error as Error).message);
    }
    if (!(await confirmDelete(`KV namespace ${target.displayName}`, "the KV namespace", args["skip-confirmation"]))) return;
    log.info(`Deleting KV namespace ${target.displayName}.`);
    deleteNamespace(project.store(), target.namespaceId);
    log.info(`Deleted KV namespace ${target.displayName}.`);
  },
});

const namespaceRename = defineCommand<KVArgs & { "old-name"?: string; "new-name": string }>({
  command: "rename [old-name]",
  describe: "Rename a KV namespace",
  positionals: { "old-name": { type: "string", describe: "The current name of the namespace to rename" } },
  options: {
    "namespace-id": { type: "string", describe: "The id of the namespace to rename" },
    "new-name": { type: "string", describe: "The new name for the namespace", demandOption: true },
  },
  behaviour: {},
  validateArgs(args) {
    if (args["old-name"] && args["namespace-id"]) {
      throw new CommandLineArgsError(
        "Cannot specify both old-name and --namespace-id. Use either old-name (as first argument) or --namespace-id flag, not both.",
      );
    }
    if (!args["namespace-id"] && !args["old-name"]) {
      throw new CommandLineArgsError("Either old-name (as first argument) or --namespace-id must be specified");
    }
    if (args["new-name"] && args["new-name"].length > 512) {
      throw new CommandLineArgsError(`new-name must be 512 characters or less (current: ${args["new-name"].length})`);
    }
  },
  handler(args, { project: runnersProject }) {
    const project = rereadProject(runnersProject);
    printResourceLocation("local");
    const store = project.store();
    let namespaceId = args["namespace-id"];
    if (!namespaceId) {
      const found = findNamespaceByTitle(store, args["old-name"]!);
      if (!found) {
        throw new UserError(
          `No namespace found with the name "${args["old-name"]}". Use --namespace-id instead or check available namespaces with "wrangler kv namespace list".`,
        );
      }
      namespaceId = found.id;
    }
    log.info(`Renaming KV namespace ${namespaceId} to "${args["new-name"]}".`);
    let renamed: { title: string };
    try {
      renamed = renameNamespace(store, namespaceId, args["new-name"]);
    } catch (error) {
      if (error instanceof NamespaceExistsError) {
        throw userError(`A KV namespace with the title "${args["new-name"]}" already exists.`);
      }
      if (error instanceof NamespaceNotFoundError) throw new UserError(`No KV namespace with the id "${namespaceId}" exists.`);
      throw error;
    }
    log.info(`✨ Successfully renamed namespace to "${renamed.title}"`);
  },
});

// ---------------------------------------------------------------- kv key

const keyPut = defineCommand<KVArgs & { key: string; value?: string; path?: string; ttl?: number; expiration?: number; metadata?: unknown }>({
  command: "put <key> [value]",
  describe: "Write a single key/value pair to the given namespace",
  positionals: {
    key: { type: "string", describe: "The key to write to", demandOption: true },
    value: { type: "string", describe: "The value to write" },
  },
  options: {
    path: { type: "string", requiresArg: true, describe: "Read value from the file at a given path" },
    ...putOptions,
  },
  behaviour: { printResourceLocation: true },
  validateArgs(args) {
    demandOneOf(args, "binding", "namespace-id");
    demandOneOf(args, "value", "path");
  },
  async handler(args, { project: runnersProject }) {
    const { displayName, kv } = openNamespace(args, runnersProject);
    checkPutFlags(args);
    const value = args.path ? readInputFile(args.path) : args.value!;
    const { metadata } = args;
    const withMetadata = metadata ? ` with metadata "${JSON.stringify(metadata)}"` : "";
    if (args.path) {
      log.info(`Writing the contents of ${args.path} to the key "${args.key}" on namespace ${displayName}${withMetadata}.`);
    } else {
      log.info(`Writing the value "${value}" to key "${args.key}" on namespace ${displayName}${withMetadata}.`);
    }
    await asUserError(() =>
      kv.put(args.key, typeof value === "string" ? value : new Uint8Array(value), {
        expiration: args.expiration,
        expirationTtl: args.ttl,
        metadata,
      }),
    );
  },
});

/** `kv key list` / `get`: stdout carries the keys or the value only (no banner), from exactly one of --binding / --namespace-id. */
const READS_TO_STDOUT = {
  behaviour: { printBanner: false },
  validateArgs: (args: KVArgs) => demandOneOf(args, "binding", "namespace-id"),
};

const keyList = defineCommand<KVArgs & { prefix?: string }>({
  command: "list",
  describe: "Output a list of all keys in a given namespace",
  options: {
    ...targetOptions("list", "list", true),
    prefix: { type: "string", requiresArg: true, describe: "A prefix to filter listed keys" },
    ...LOCAL_REMOTE_OPTIONS,
  },
  ...READS_TO_STDOUT,
  async handler(args, { project: runnersProject }) {
    const { kv } = openNamespace(args, runnersProject);
    // Every page, not only the first thousand keys.
    const keys: unknown[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await asUserError(() => kv.list({ prefix: args.prefix, cursor }));
      keys.push(...page.keys);
      if (page.list_complete) break;
      cursor = page.cursor;
    }
    log.info(JSON.stringify(keys, undefined, 2));
  },
});

const keyGet = defineCommand<KVArgs & { key: string; text: boolean }>({
  command: "get <key>",
  describe: "Read a single value by key from the given namespace",
  positionals: { key: { describe: "The key value to get.", type: "string", demandOption: true } },
  options: {
    text: { type: "boolean", default: false, describe: "Decode the returned value as a utf8 string" },
    ...getOptions,
  },
  ...READS_TO_STDOUT,
  async handler(args, { project: runnersProject }) {
    const { kv } = openNamespace(args, runnersProject);
    const value = await asUserError(() => kv.get(args.key, "arrayBuffer"));
    if (value === null) {
      log.info("Value not found");
      return;
    }
    if (args.text) log.info(new TextDecoder().decode(value));
    // Raw bytes, so binary values can be piped to a file unchanged.
    else process.stdout.write(new Uint8Array(value));
  },
});

const keyDelete = defineCommand<KVArgs & { key: string }>({
  command: "delete <key>",
  describe: "Remove a single key value pair from the given namespace",
  positionals: { key: { describe: "The key value to delete.", type: "string", demandOption: true } },
  options: deleteOptions,
  behaviour: { printResourceLocation: true },
  async handler(args, { project: runnersProject }) {
    const { displayName, kv } = openNamespace(args, runnersProject);
    log.info(`Deleting the key "${args.key}" on namespace ${displayName}.`);
    await asUserError(() => kv.delete(args.key));
  },
});

// ---------------------------------------------------------------- kv bulk

const bulkGet = defineCommand<KVArgs & { filename: string }>({
  command: "get <filename>",
  describe: "Gets multiple key-value pairs from a namespace [open beta]",
  status: "open beta",
  positionals: { filename: { describe: "The file containing the keys to get", type: "string", demandOption: true } },
  options: getOptions,
  behaviour: { printBanner: false },
  async handler(args, { project: runnersProject }) {
    const { kv } = openNamespace(args, runnersProject);
    const keys = keysFromFile(await readJsonFile(args.filename), args.filename, true);
    const out: Record<string, { value: string | null }> = {};
    for (const key of keys) out[key] = { value: await asUserError(() => kv.get(key, "text")) };
    log.info(JSON.stringify(out, null, 2));
    log.info("\nSuccess!");
  },
});

const bulkPut = defineCommand<KVArgs & { filename: string }>({
  command: "put <filename>",
  describe: "Upload multiple key-value pairs to a namespace",
  positionals: { filename: { describe: "The file containing the key/value pairs to write", type: "string", demandOption: true } },
  options: putOptions,
  behaviour: { printResourceLocation: true },
  async handler(args, { project: runnersProject }) {
    const { project, namespaceId } = openNamespace(args, runnersProject);
    const items = bulkPutItems(await readJsonFile(args.filename), args.filename);
    // --ttl, --expiration and --metadata are accepted but, as in wrangler, each item's own fields apply.
    await asUserError(() => putMany(project.store(), namespaceId, items));
    log.info("Success!");
  },
});

const bulkDelete = defineCommand<KVArgs & { filename: string; force?: boolean }>({
  command: "delete <filename>",
  describe: "Delete multiple key-value pairs from a namespace",
  positionals: { filename: { describe: "The file containing the keys to delete", type: "string", demandOption: true } },
  options: {
    force: { type: "boolean", alias: "f", describe: "Do not ask for confirmation before deleting" },
    ...deleteOptions,
  },
  behaviour: { printResourceLocation: true },
  async handler(args, { project: runnersProject }) {
    const { project, namespaceId, displayName } = openNamespace(args, runnersProject);
    if (!args.force) {
      const question = `Are you sure you want to delete all the keys read from "${args.filename}" from kv-namespace ${displayName}?`;
      if (!(await confirm(question))) {
        log.info(`Not deleting keys read from "${args.filename}".`);
        return;
      }
    }
    const keys = keysFromFile(await readJsonFile(args.filename), args.filename, false);
    await asUserError(() => deleteMany(project.store(), namespaceId, keys));
    log.info("Success!");
  },
});

const groups: CommandSpec[] = [
  {
    command: "namespace",
    describe: "Interact with your Workers KV Namespaces",
    subcommands: [namespaceCreate, namespaceList, namespaceDelete, namespaceRename],
  },
  {
    command: "key",
    describe: "Individually manage Workers KV key-value pairs",
    subcommands: [keyPut, keyList, keyGet, keyDelete],
  },
  {
    command: "bulk",
    describe: "Interact with multiple Workers KV key-value pairs at once",
    subcommands: [bulkGet, bulkPut, bulkDelete],
  },
];

export default defineCommand({
  command: "kv",
  describe: "🗂️ Manage Workers KV Namespaces",
  subcommands: groups,
});
