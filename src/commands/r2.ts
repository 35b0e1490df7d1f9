// `r2 object get / put / delete` and `r2 bucket create / list / info / delete`,
// with wrangler's flags and output. Objects go through the same binding code
// a worker's env.BUCKET uses; buckets are kept in the store's local registry.
import { ADD_TO_CONFIG_OPTIONS, addBindingToJsonConfig } from "../config/edit.ts";
import { createWriteStream, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify as toToml } from "smol-toml";
import { defineCommand, type CommandSpec } from "./define.ts";
import { UserError } from "../errors.ts";
import { chalk, log, printBanner } from "../log.ts";
import { openProject, type Project } from "../project.ts";
import {
  BUCKET_LOCATIONS,
  BUCKET_NAME_RULES,
  BucketError,
  createBucket,
  createR2Bucket,
  deleteBucket,
  getBucket,
  isValidBucketName,
  listBuckets,
  R2Error,
  R2ObjectBody,
  type LocalR2Bucket,
} from "../../runtime/bindings/r2/index.ts";

interface LocationArgs {
  local?: boolean;
  remote?: boolean;
  "persist-to"?: string;
  jurisdiction?: string;
}

const locationOptions = {
  local: { type: "boolean", describe: "Interact with local storage" },
  remote: { type: "boolean", describe: "Interact with remote storage", conflicts: "local" },
  "persist-to": { type: "string", describe: "Directory for local persistence" },
} as const;

const force = { describe: "Skip data catalog validation prompt", type: "boolean", alias: "y", default: false } as const;

/** Wrangler's resource-location preamble for commands that can run locally or remotely. */
function printResourceLocation(): void {
  log.info(`${chalk.hex("#BD5B08")(chalk.bold("Resource location:"))} local `);
  log.info("");
  log.info("Use --remote if you want to access the remote instance.");
  log.info("");
}

function refuseRemote(args: LocationArgs): void {
  if (args.remote === true && args.local !== true) {
    throw new UserError(
      "bunflare works against the local store only, so --remote is not supported. Run without --remote to use local storage, or use wrangler for remote R2.",
    );
  }
}

/** `{bucket}/{key}` as wrangler splits it: the bucket is everything before the first `/`. */
function bucketAndKey(objectPath: string): { bucket: string; key: string } {
  const match = /^(?<bucket>[^/]+)\/(?<key>.*)/s.exec(objectPath);
  if (!match?.groups) {
    throw new UserError(`The object path must be in the form of {bucket}/{key} you provided ${objectPath}`);
  }
  const { bucket, key } = match.groups as { bucket: string; key: string };
  if (!isValidBucketName(bucket)) throw new UserError(`The bucket name "${bucket}" is invalid. ${BUCKET_NAME_RULES}`);
  return { bucket, key };
}

function displayBucket(bucket: string, jurisdiction?: string): string {
  return jurisdiction === undefined ? bucket : `${bucket} (${jurisdiction})`;
}

function openBucket(project: Project, bucket: string): LocalR2Bucket {
  return createR2Bucket(project.store(), bucket);
}

/** Binding errors (bad metadata, bad key) reach the user as one clear line. */
async function asUserError<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof UserError) throw error;
    if (error instanceof TypeError || error instanceof R2Error) {
      throw new UserError(error.message);
    }
    throw error;
  }
}

// ---------------------------------------------------------------- r2 object

interface ObjectGetArgs extends LocationArgs {
  objectPath: string;
  file?: string;
  pipe?: boolean;
}

const objectGet = defineCommand<ObjectGetArgs>({
  command: "get <objectPath>",
  describe: "Fetch an object from an R2 bucket",
  positionals: {
    objectPath: { describe: "The source object path in the form of {bucket}/{key}", type: "string", demandOption: true },
  },
  options: {
    file: { describe: "The destination file to create", alias: "f", conflicts: "pipe", requiresArg: true, type: "string" },
    pipe: {
      describe: "Enables the file to be piped to a destination, rather than specified with the --file option",
      alias: "p",
      conflicts: "file",
      type: "boolean",
    },
    ...locationOptions,
    jurisdiction: { describe: "The jurisdiction where the object exists", alias: "J", requiresArg: true, type: "string" },
  },
  async handler(args) {
    // With --pipe stdout carries the object's bytes and nothing else.
    if (!args.pipe) {
      printBanner();
      refuseRemote(args);
      printResourceLocation();
    } else {
      refuseRemote(args);
    }
    const project = openProject(args);
    const { bucket, key } = bucketAndKey(args.objectPath);
    const file = args.file ?? (args.pipe ? undefined : key);
    if (!args.pipe) log.info(`Downloading "${key}" from "${displayBucket(bucket, args.jurisdiction)}".`);
    const object = await asUserError(() => openBucket(project, bucket).get(key));
    if (!(object instanceof R2ObjectBody)) throw new UserError("The specified key does not exist.");
    const body = Readable.fromWeb(object.body as import("node:stream/web").ReadableStream);
    if (file) {
      mkdirSync(path.dirname(file), { recursive: true });
      await pipeline(body, createWriteStream(file));
    } else {
      await pipeline(body, process.stdout, { end: false });
    }
    if (!args.pipe) log.info("Download complete.");
  },
});

interface ObjectPutArgs extends LocationArgs {
  objectPath: string;
  file?: string;
  pipe?: boolean;
  "content-type"?: string;
  "content-disposition"?: string;
  "content-encoding"?: string;
  "content-language"?: string;
  "cache-control"?: string;
  expires?: string;
  "storage-class"?: string;
}

const objectPut = defineCommand<ObjectPutArgs>({
  command: "put <objectPath>",
  describe: "Create an object in an R2 bucket",
  positionals: {
    objectPath: { describe: "The destination object path in the form of {bucket}/{key}", type: "string", demandOption: true },
  },
  options: {
    "content-type": { describe: "A standard MIME type describing the format of the object data", alias: "ct", requiresArg: true, type: "string" },
    "content-disposition": { describe: "Specifies presentational information for the object", alias: "cd", requiresArg: true, type: "string" },
    "content-encoding": {
      describe:
        "Specifies what content encodings have been applied to the object and thus what decoding mechanisms must be applied to obtain the media-type referenced by the Content-Type header field",
      alias: "ce",
      requiresArg: true,
      type: "string",
    },
    "content-language": { describe: "The language the content is in", alias: "cl", requiresArg: true, type: "string" },
    "cache-control": { describe: "Specifies caching behavior along the request/reply chain", alias: "cc", requiresArg: true, type: "string" },
    expires: { describe: "The date and time at which the object is no longer cacheable", requiresArg: true, type: "string" },
    ...locationOptions,
    jurisdiction: { describe: "The jurisdiction where the object will be created", alias: "J", requiresArg: true, type: "string" },
    "storage-class": { describe: "The storage class of the object to be created", alias: "s", requiresArg: false, type: "string" },
    force,
    file: { describe: "The path of the file to upload", alias: "f", conflicts: "pipe", requiresArg: true, type: "string" },
    pipe: {
      describe: "Enables the file to be piped in, rather than specified with the --file option",
      alias: "p",
      conflicts: "file",
      type: "boolean",
    },
  },
  check(args) {
    // Checked before the handler so the usage error is followed by the help, as in
    // wrangler, which prints its banner and resource location first.
    if (!args.file && !args.pipe) {
      if (!args.remote) {
        printBanner();
        printResourceLocation();
      }
      // A non-true result is yargs' "usage error" signal (CheckCallback allows it).
      return "Either the --file or --pipe options are required." as unknown as true;
    }
    return true;
  },
  async handler(args) {
    printBanner();
    refuseRemote(args);
    if (!args.pipe) printResourceLocation();
    const project = openProject(args);
    const { bucket, key } = bucketAndKey(args.objectPath);
    let body: ReadableStream | Uint8Array;
    if (args.file) {
      const stats = statSync(args.file, { throwIfNoEntry: false });
      if (!stats) throw new UserError(`The file "${args.file}" does not exist.`);
      if (!stats.isFile()) throw new UserError(`An error occurred while trying to read the file "${args.file}": EISDIR: illegal operation on a directory, read`);
      body = Bun.file(args.file).stream();
    } else {
      body = Bun.stdin.stream();
    }
    const storageClass = args["storage-class"] === undefined ? "" : ` with ${args["storage-class"]} storage class`;
    log.info(`Creating object "${key}"${storageClass} in bucket "${displayBucket(bucket, args.jurisdiction)}".`);
    await asUserError(() =>
      openBucket(project, bucket).put(key, body, {
        httpMetadata: {
          contentType: args["content-type"],
          contentDisposition: args["content-disposition"],
          contentEncoding: args["content-encoding"],
          contentLanguage: args["content-language"],
          cacheControl: args["cache-control"],
          // Wrangler passes --expires through parseInt, so it is epoch milliseconds.
          cacheExpiry: args.expires === undefined ? undefined : (parseInt(args.expires) as unknown as Date),
        },
        // Wrangler's local mode ignores --storage-class; objects take the bucket's default.
      }),
    );
    log.info("Upload complete.");
  },
});

interface ObjectDeleteArgs extends LocationArgs {
  objectPath: string;
}

const objectDelete = defineCommand<ObjectDeleteArgs>({
  command: "delete <objectPath>",
  describe: "Delete an object in an R2 bucket",
  positionals: {
    objectPath: { describe: "The destination object path in the form of {bucket}/{key}", type: "string", demandOption: true },
  },
  options: {
    ...locationOptions,
    jurisdiction: { describe: "The jurisdiction where the object exists", alias: "J", requiresArg: true, type: "string" },
    force,
  },
  async handler(args) {
    printBanner();
    refuseRemote(args);
    printResourceLocation();
    const project = openProject(args);
    const { bucket, key } = bucketAndKey(args.objectPath);
    log.info(`Deleting object "${key}" from bucket "${displayBucket(bucket, args.jurisdiction)}".`);
    await asUserError(() => openBucket(project, bucket).delete(key));
    log.info("Delete complete.");
  },
});

// ---------------------------------------------------------------- r2 bucket

/** Wrangler's "label:  value" blocks, values aligned one column past the longest label. */
function labelled(view: Record<string, string>): string {
  const width = Math.max(...Object.keys(view).map((label) => label.length + 1));
  return Object.entries(view)
    .map(([label, value]) => `${label}:${" ".repeat(width + 2 - label.length - 1)}${value}`)
    .join("\n");
}

/** pretty-bytes, as wrangler formats bucket sizes (SI units, 3 significant digits). */
function prettyBytes(bytes: number): string {
  const units = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
  if (bytes < 1) return `${bytes} B`;
  const exponent = Math.min(Math.floor(Math.log10(bytes) / 3), units.length - 1);
  const value = Number((bytes / 1000 ** exponent).toPrecision(3));
  return `${value.toLocaleString("en-US")} ${units[exponent]}`;
}

function bucketFailure(error: unknown): never {
  if (error instanceof BucketError) throw new UserError(error.message);
  throw error;
}

interface BucketCreateArgs {
  name: string;
  location?: string;
  "storage-class"?: string;
  jurisdiction?: string;
  binding?: string;
  "update-config"?: boolean;
  "use-remote"?: boolean;
}

/** Wrangler's binding-name cleanup for the snippet it prints. */
function bindingNameFor(name: string): string {
  let binding = name.replace(/[\s-]/g, "_").replace(/[^a-zA-Z0-9_]/g, "").replace(/_+/g, "_");
  if (/^[0-9]/.test(binding)) binding = `_${binding}`;
  return !binding.length || /^_+$/.test(binding) ? "r2" : binding;
}

const bucketCreate = defineCommand<BucketCreateArgs>({
  command: "create <name>",
  describe: "Create a new R2 bucket",
  positionals: { name: { describe: "The name of the new bucket", type: "string", demandOption: true } },
  options: {
    location: {
      describe: "The optional location hint that determines geographic placement of the R2 bucket",
      choices: [...BUCKET_LOCATIONS],
      requiresArg: true,
      type: "string",
    },
    "storage-class": { describe: "The default storage class for objects uploaded to this bucket", alias: "s", requiresArg: false, type: "string" },
    jurisdiction: { describe: "The jurisdiction where the new bucket will be created", alias: "J", requiresArg: true, type: "string" },
    ...ADD_TO_CONFIG_OPTIONS,
  },
  handler(args) {
    printBanner();
    const project = openProject(args);
    const { name, location, jurisdiction } = args;
    const storageClass = args["storage-class"] || undefined;
    if (!isValidBucketName(name)) throw new UserError(`The bucket name "${name}" is invalid. ${BUCKET_NAME_RULES}`);
    if (jurisdiction && location) throw new UserError("Provide either a jurisdiction or location hint - not both.");
    const full = displayBucket(name, jurisdiction);
    log.info(`Creating bucket '${full}'...`);
    try {
      createBucket(project.store(), { name, location, storageClass, jurisdiction });
    } catch (error) {
      bucketFailure(error);
    }
    log.info(
      `✅ Created bucket '${full}' with${location ? ` location hint ${location} and` : ""} default storage class of ${storageClass ?? "Standard"}.`,
    );
    const envText = args.env ? ` in the "${args.env}" environment` : "";
    log.info(`To access your new R2 Bucket in your Worker, add the following snippet to your configuration file${envText}:`);
    const snippet = {
      r2_buckets: [{ bucket_name: name, binding: bindingNameFor(args.binding ?? name), ...(args["use-remote"] ? { remote: true } : {}) }],
    };
    const configPath = project.loaded.path;
    log.info(configPath?.endsWith(".toml") ? toToml(snippet) : JSON.stringify(snippet, null, 2));
    // Like wrangler, a JSON config is patched when --binding or --update-config says so
    // (wrangler would also ask interactively; bunflare never prompts, as wrangler in CI).
    if (configPath && /\.jsonc?$/.test(configPath) && (args.binding || args["update-config"])) {
      addBindingToJsonConfig(configPath, args.env, "r2_buckets", snippet.r2_buckets[0]!);
    }
  },
});

const bucketList = defineCommand<{ jurisdiction?: string }>({
  command: "list",
  describe: "List R2 buckets",
  options: { jurisdiction: { describe: "The jurisdiction to list", alias: "J", requiresArg: true, type: "string" } },
  handler(args) {
    printBanner();
    const project = openProject(args);
    log.info("Listing buckets...");
    const buckets = listBuckets(project.store()).filter((bucket) => (bucket.jurisdiction ?? undefined) === args.jurisdiction);
    log.info(
      buckets
        .map((bucket) => labelled({ name: bucket.name, creation_date: new Date(bucket.created_at).toISOString() }))
        .join("\n\n"),
    );
  },
});

const bucketInfo = defineCommand<{ bucket: string; jurisdiction?: string; json: boolean }>({
  command: "info <bucket>",
  describe: "Get information about an R2 bucket",
  positionals: { bucket: { describe: "The name of the bucket to retrieve info for", type: "string", demandOption: true } },
  options: {
    jurisdiction: { describe: "The jurisdiction where the bucket exists", alias: "J", requiresArg: true, type: "string" },
    json: { describe: "Return the bucket information as JSON", type: "boolean", default: false },
  },
  handler(args) {
    if (!args.json) printBanner();
    const project = openProject(args);
    if (!args.json) log.info(`Getting info for '${args.bucket}'...`);
    const store = project.store();
    const record = getBucket(store, args.bucket);
    if (!record) bucketFailure(new BucketError("The specified bucket does not exist.", 10006));
    const stats = createR2Bucket(store, args.bucket).stats();
    const output = {
      name: record.name,
      created: new Date(record.created_at).toISOString(),
      location: record.location || "(unknown)",
      default_storage_class: record.storage_class || "(unknown)",
      object_count: stats.objectCount.toLocaleString("en-US"),
      bucket_size: prettyBytes(stats.totalSize),
    };
    log.info(args.json ? JSON.stringify(output, null, 2) : labelled(output));
  },
});

const bucketDelete = defineCommand<{ bucket: string; jurisdiction?: string }>({
  command: "delete <bucket>",
  describe: "Delete an R2 bucket",
  positionals: { bucket: { describe: "The name of the bucket to delete", type: "string", demandOption: true } },
  options: { jurisdiction: { describe: "The jurisdiction where the bucket exists", alias: "J", requiresArg: true, type: "string" } },
  handler(args) {
    printBanner();
    const project = openProject(args);
    const full = displayBucket(args.bucket, args.jurisdiction);
    log.info(`Deleting bucket ${full}.`);
    try {
      deleteBucket(project.store(), args.bucket);
    } catch (error) {
      bucketFailure(error);
    }
    log.info(`Deleted bucket ${full}.`);
  },
});

/** Wrangler subcommands that only make sense against Cloudflare's network. */
function remoteOnly(command: string, describe: string, words: string): CommandSpec {
  return {
    command,
    describe,
    options: {},
    handler() {
      throw new UserError(
        `\`wrangler r2 ${words}\` works against Cloudflare's network, which bunflare does not reach: it runs everything locally. Use wrangler for this command.`,
      );
    },
  };
}

export default defineCommand({
  command: "r2",
  describe: "📦 Manage R2 buckets & objects",
  subcommands: [
    defineCommand({
      command: "object",
      describe: "Manage R2 objects",
      subcommands: [objectGet, objectPut, objectDelete],
    }),
    defineCommand({
      command: "bucket",
      describe: "Manage R2 buckets",
      subcommands: [
        bucketCreate,
        remoteOnly("update", "Update bucket state", "bucket update"),
        bucketList,
        bucketInfo,
        bucketDelete,
        remoteOnly("sippy", "Manage Sippy incremental migration on an R2 bucket", "bucket sippy"),
        remoteOnly(
          "catalog",
          "Manage the data catalog for your R2 buckets - provides an Iceberg REST interface for query engines like Spark and PyIceberg [open beta]",
          "bucket catalog",
        ),
        remoteOnly("notification", "Manage event notification rules for an R2 bucket", "bucket notification"),
        remoteOnly("domain", "Manage custom domains for an R2 bucket", "bucket domain"),
        remoteOnly("dev-url", "Manage public access via the r2.dev URL for an R2 bucket", "bucket dev-url"),
        remoteOnly("local-uploads", "Manage local uploads configuration for an R2 bucket", "bucket local-uploads"),
        remoteOnly("lifecycle", "Manage lifecycle rules for an R2 bucket", "bucket lifecycle"),
        remoteOnly("cors", "Manage CORS configuration for an R2 bucket", "bucket cors"),
        remoteOnly("lock", "Manage lock rules for an R2 bucket", "bucket lock"),
      ],
    }),
    remoteOnly("sql", "Send queries and manage R2 SQL [open beta]", "sql"),
  ],
});
