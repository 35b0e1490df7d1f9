// `r2 object get / put / delete` and `r2 bucket create / list / info / delete`,
// with wrangler's flags and output. Objects go through the same binding code
// a worker's env.BUCKET uses; buckets are kept in the store's local registry.
import { ADD_TO_CONFIG_OPTIONS } from "../config/edit.ts";
import { createWriteStream, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { defineCommand } from "./define.ts";
import { asUserError, CommandLineArgsError, UserError } from "../errors.ts";
import { log } from "../log.ts";
import type { Project } from "../project.ts";
import {
  LOCAL_REMOTE_OPTIONS,
  networkOnlyCommand,
  prettyBytes,
  printCreatedResourceConfig,
  validBindingName,
  type AddToConfigArgs,
  type LocalRemoteArgs,
} from "./shared/index.ts";
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
  R2ObjectBody,
  type LocalR2Bucket,
} from "../../runtime/bindings/r2/index.ts";

interface LocationArgs extends LocalRemoteArgs {
  jurisdiction?: string;
}

const force = { describe: "Skip data catalog validation prompt", type: "boolean", alias: "y", default: false } as const;

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
    ...LOCAL_REMOTE_OPTIONS,
    jurisdiction: { describe: "The jurisdiction where the object exists", alias: "J", requiresArg: true, type: "string" },
  },
  // With --pipe stdout carries the object's bytes and nothing else.
  behaviour: { printBanner: (args) => !args.pipe, printResourceLocation: (args) => !args.pipe },
  async handler(args, { project }) {
    const { bucket, key } = bucketAndKey(args.objectPath);
    const file = args.file ?? (args.pipe ? undefined : key);
    if (!args.pipe) log.info(`Downloading "${key}" from "${displayBucket(bucket, args.jurisdiction)}".`);
    const object = await asUserError(() => openBucket(project, bucket).get(key));
    if (!(object instanceof R2ObjectBody)) throw new UserError("The specified key does not exist.");
    const body = Readable.fromWeb(object.body as import("node:stream/web").ReadableStream);
    if (file) {
      // Wrangler dumps Node's raw error object here; the same words as one error line, naming the path as typed.
      if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw new UserError(`EISDIR: illegal operation on a directory, open '${file}'`);
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
    ...LOCAL_REMOTE_OPTIONS,
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
  behaviour: { printResourceLocation: (args) => !args.pipe },
  async handler(args, { project }) {
    if (!args.file && !args.pipe) throw new CommandLineArgsError("Either the --file or --pipe options are required.");
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
    ...LOCAL_REMOTE_OPTIONS,
    jurisdiction: { describe: "The jurisdiction where the object exists", alias: "J", requiresArg: true, type: "string" },
    force,
  },
  behaviour: { printResourceLocation: true },
  async handler(args, { project }) {
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

function bucketFailure(error: unknown): never {
  if (error instanceof BucketError) throw new UserError(error.message);
  throw error;
}

interface BucketCreateArgs extends AddToConfigArgs {
  name: string;
  location?: string;
  "storage-class"?: string;
  jurisdiction?: string;
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
  behaviour: {},
  async handler(args, { project }) {
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
    await printCreatedResourceConfig(
      "r2_buckets",
      (binding) => ({ bucket_name: name, binding: validBindingName(binding ?? name, "r2") }),
      project.loaded.path,
      args.env,
      args,
    );
  },
});

const bucketList = defineCommand<{ jurisdiction?: string }>({
  command: "list",
  describe: "List R2 buckets",
  options: { jurisdiction: { describe: "The jurisdiction to list", alias: "J", requiresArg: true, type: "string" } },
  behaviour: {},
  handler(args, { project }) {
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
  behaviour: { json: true },
  handler(args, { project }) {
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
  behaviour: {},
  handler(args, { project }) {
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
        networkOnlyCommand("update", "Update bucket state"),
        bucketList,
        bucketInfo,
        bucketDelete,
        networkOnlyCommand("sippy", "Manage Sippy incremental migration on an R2 bucket"),
        networkOnlyCommand("catalog", "Manage the data catalog for your R2 buckets - provides an Iceberg REST interface for query engines like Spark and PyIceberg [open beta]"),
        networkOnlyCommand("notification", "Manage event notification rules for an R2 bucket"),
        networkOnlyCommand("domain", "Manage custom domains for an R2 bucket"),
        networkOnlyCommand("dev-url", "Manage public access via the r2.dev URL for an R2 bucket"),
        networkOnlyCommand("local-uploads", "Manage local uploads configuration for an R2 bucket"),
        networkOnlyCommand("lifecycle", "Manage lifecycle rules for an R2 bucket"),
        networkOnlyCommand("cors", "Manage CORS configuration for an R2 bucket"),
        networkOnlyCommand("lock", "Manage lock rules for an R2 bucket"),
      ],
    }),
    networkOnlyCommand("sql", "Send queries and manage R2 SQL [open beta]"),
  ],
});
