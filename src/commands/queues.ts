// `queues ...` as wrangler 4 declares them, against the local store: the queue
// registry (runtime/bindings/queues/registry.ts) and its messages
// (runtime/bindings/queues/storage.ts), the same code `bunflare dev` runs.
// Where wrangler talks to Cloudflare's API, this does locally what the command
// means and prints what wrangler prints on success.
import { defineCommand, type GlobalArgs } from "./define.ts";
import { CommandLineArgsError, UserError } from "../errors.ts";
import { log, printBanner } from "../log.ts";
import { openProject, type Project } from "../project.ts";
import { renderTable } from "./d1/table.ts";
import {
  createQueue,
  deleteQueue,
  getQueue,
  listQueues,
  QueueExistsError,
  updateQueue,
  type ConsumerSettings,
  type QueueRecord,
} from "../../runtime/bindings/queues/registry.ts";
import { countMessages, purgeMessages } from "../../runtime/bindings/queues/storage.ts";
import { consumerLimitProblem } from "../../runtime/bindings/queues/consumer-limits.ts";

const MIN_DELIVERY_DELAY_SECS = 0;
const MAX_DELIVERY_DELAY_SECS = 86400;
const MIN_RETENTION_SECS = 60;
const MAX_RETENTION_SECS = 1209600;

interface QueueArgs extends GlobalArgs {
  name: string;
  "queue-name": string;
  "script-name": string;
}

function requireQueue(project: Project, name: string): QueueRecord {
  const queue = getQueue(project.store(), name);
  if (!queue) throw new UserError(`Queue "${name}" does not exist. To create it, run: wrangler queues create ${name}`);
  return queue;
}

function bindingName(name: string): string {
  let binding = name.replace(/[\s-]/g, "_").replace(/[^a-zA-Z0-9_]/g, "").replace(/_+/g, "_");
  if (/^[0-9]/.test(binding)) binding = "_" + binding;
  return binding.length === 0 || /^_+$/.test(binding) ? "queue" : binding;
}

async function snippet(project: Project, value: unknown): Promise<string> {
  const configPath = project.loaded.path;
  if (!configPath || configPath.endsWith(".toml")) {
    const { stringify } = await import("smol-toml");
    return stringify(value);
  }
  return JSON.stringify(value, null, 2);
}

/** A number flag's value as the user typed it, near enough: yargs turns "abc" into NaN. */
const shownNumber = (value: number) => (Number.isNaN(value) ? "not a number" : String(value));

/** wrangler's createBody / updateBody checks for the two queue settings. */
function settingsFrom(args: Record<string, unknown>): { delivery_delay?: number; message_retention_period?: number } {
  const settings: { delivery_delay?: number; message_retention_period?: number } = {};
  const delay = args["delivery-delay-secs"] as number | undefined;
  if (delay !== undefined) {
    // Negated so that NaN ("abc", which wrangler sends on to the API) is refused too.
    if (!(delay >= MIN_DELIVERY_DELAY_SECS && delay <= MAX_DELIVERY_DELAY_SECS)) {
      throw new CommandLineArgsError(`Invalid --delivery-delay-secs value: ${shownNumber(delay)}. Must be between ${MIN_DELIVERY_DELAY_SECS} and ${MAX_DELIVERY_DELAY_SECS}`);
    }
    settings.delivery_delay = delay;
  }
  const retention = args["message-retention-period-secs"] as number | undefined;
  if (retention !== undefined) {
    if (!(retention >= MIN_RETENTION_SECS && retention <= MAX_RETENTION_SECS)) {
      throw new CommandLineArgsError(
        `Invalid --message-retention-period-secs value: ${shownNumber(retention)}. Must be between ${MIN_RETENTION_SECS} and ${MAX_RETENTION_SECS}`,
      );
    }
    settings.message_retention_period = retention;
  }
  return settings;
}

const SETTINGS_OPTIONS = {
  "delivery-delay-secs": {
    type: "number",
    describe: `How long a published message should be delayed for, in seconds. Must be between ${MIN_DELIVERY_DELAY_SECS} and ${MAX_DELIVERY_DELAY_SECS}`,
  },
  "message-retention-period-secs": {
    type: "number",
    describe:
      "How long to retain a message in the queue, in seconds. Must be between 60 and 86400 if on free tier, otherwise must be between 60 and 1209600",
  },
} as const;

const nameArg = { name: { type: "string", describe: "The name of the queue", demandOption: true } } as const;

const create = defineCommand<QueueArgs>({
  command: "create <name>",
  describe: "Create a queue",
  positionals: nameArg,
  options: SETTINGS_OPTIONS,
  // Flag checks run in yargs' check phase, so a bad value is followed by the help, as in wrangler.
  check(args) {
    printBanner();
    settingsFrom(args);
    return true;
  },
  async handler(args) {
    const settings = settingsFrom(args);
    const project = openProject(args);
    log.info(`🌀 Creating queue '${args.name}'`);
    try {
      createQueue(project.store(), args.name, settings);
    } catch (error) {
      if (error instanceof QueueExistsError) throw new UserError(`A queue with the name "${args.name}" already exists.`);
      throw error;
    }
    const producers = await snippet(project, { queues: { producers: [{ queue: args.name, binding: bindingName(args.name) }] } });
    const consumers = await snippet(project, { queues: { consumers: [{ queue: args.name }] } });
    log.info(`✅ Created queue '${args.name}'\n`);
    log.info(`Configure your Worker to send messages to this queue:\n`);
    log.info(producers);
    log.info(`Configure your Worker to consume messages from this queue:\n`);
    log.info(consumers);
  },
});

const update = defineCommand<QueueArgs>({
  command: "update <name>",
  describe: "Update a queue",
  positionals: nameArg,
  options: SETTINGS_OPTIONS,
  check(args) {
    printBanner();
    settingsFrom(args);
    return true;
  },
  handler(args) {
    const project = openProject(args);
    requireQueue(project, args.name);
    const settings = settingsFrom(args);
    log.info(`Updating queue ${args.name}.`);
    updateQueue(project.store(), args.name, (current) => ({ ...current, ...settings }));
    log.info(`Updated queue ${args.name}.`);
  },
});

const remove = defineCommand<QueueArgs>({
  command: "delete <name>",
  describe: "Delete a queue",
  positionals: nameArg,
  handler(args) {
    printBanner();
    const project = openProject(args);
    log.info(`Deleting queue ${args.name}.`);
    requireQueue(project, args.name);
    // Deleting a queue deletes its messages, as on Cloudflare.
    project.store().db.transaction(() => {
      purgeMessages(project.store(), args.name);
      deleteQueue(project.store(), args.name);
    }).immediate();
    log.info(`Deleted queue ${args.name}.`);
  },
});

/** Producers of a queue that this project's config declares (the local stand-in for Cloudflare's count). */
function producersOf(project: Project, queue: string): string[] {
  const config = project.loaded.config;
  return (config.queues?.producers ?? []).filter((p) => p.queue === queue).map(() => `worker:${config.name ?? "worker"}`);
}

function consumersOf(queue: QueueRecord): ConsumerSettings[] {
  return queue.settings.consumers ?? [];
}

const list = defineCommand<QueueArgs>({
  command: "list",
  describe: "List queues",
  options: { page: { type: "number", describe: "Page number for pagination" } },
  handler(args) {
    printBanner();
    const project = openProject(args);
    const page = Math.max(1, (args.page as number | undefined) ?? 1);
    const queues = listQueues(project.store()).slice((page - 1) * 100, page * 100);
    const rows = queues.map((queue) => ({
      id: queue.id,
      name: queue.name,
      created_on: new Date(queue.created_at).toISOString(),
      modified_on: new Date(queue.modified_at).toISOString(),
      producers: String(producersOf(project, queue.name).length),
      consumers: String(consumersOf(queue).length),
    }));
    log.info(renderTable(rows, ["id", "name", "created_on", "modified_on", "producers", "consumers"]));
  },
});

const info = defineCommand<QueueArgs>({
  command: "info <name>",
  describe: "Get queue information",
  positionals: nameArg,
  handler(args) {
    printBanner();
    const project = openProject(args);
    const queue = requireQueue(project, args.name);
    const producers = producersOf(project, queue.name);
    const consumers = consumersOf(queue);
    log.info(`Queue Name: ${queue.name}`);
    log.info(`Queue ID: ${queue.id}`);
    log.info(`Created On: ${new Date(queue.created_at).toISOString()}`);
    log.info(`Last Modified: ${new Date(queue.modified_at).toISOString()}`);
    log.info(`Number of Producers: ${producers.length}`);
    if (producers.length > 0) log.info(`Producers:${producers.map((p) => ` ${p}`).toString()}`);
    log.info(`Number of Consumers: ${consumers.length}`);
    if (consumers.length > 0) {
      log.info(`Consumers: ${consumers.map((c) => (c.type === "http_pull" ? "HTTP Pull Consumer." : `worker:${c.script}`)).toString()}`);
    }
    // Beyond wrangler: the local backlog, which Cloudflare shows only in its dashboard.
    log.info(`Messages waiting: ${countMessages(project.store(), queue.name)}`);
  },
});

const purge = defineCommand<QueueArgs>({
  command: "purge <name>",
  describe: "Purge messages from a queue",
  positionals: nameArg,
  options: { force: { type: "boolean", describe: "Skip the confirmation dialog and forcefully purge the Queue" } },
  async handler(args) {
    printBanner();
    const interactive = process.stdin.isTTY && process.stdout.isTTY && !(process.env.CI && process.env.CI !== "false");
    if (!args.force && !interactive) throw new UserError("The --force flag is required to purge a Queue in non-interactive mode");
    const project = openProject(args);
    if (!args.force) {
      process.stdout.write(
        `? This operation will permanently delete all the messages in Queue ${args.name}. Type ${args.name} to proceed. › `,
      );
      const answer = await new Promise<string>((resolve) => process.stdin.once("data", (data) => resolve(String(data).trim())));
      process.stdin.pause();
      if (answer !== args.name) throw new UserError("Incorrect queue name provided. Skipping purge operation");
    }
    requireQueue(project, args.name);
    purgeMessages(project.store(), args.name);
    log.info(`Purged Queue '${args.name}'`);
  },
});

function pauseCommand(paused: boolean) {
  return defineCommand<QueueArgs>({
    command: `${paused ? "pause" : "resume"}-delivery <name>`,
    describe: `${paused ? "Pause" : "Resume"} message delivery for a queue`,
    positionals: nameArg,
    handler(args) {
      printBanner();
      const project = openProject(args);
      requireQueue(project, args.name);
      log.info(`${paused ? "Pausing" : "Resuming"} message delivery for queue ${args.name}.`);
      updateQueue(project.store(), args.name, (settings) => ({ ...settings, delivery_paused: paused }));
      log.info(`${paused ? "Paused" : "Resumed"} message delivery for queue ${args.name}.`);
    },
  });
}

const queueAndScript = {
  "queue-name": { type: "string", describe: "Name of the queue to configure", demandOption: true },
  "script-name": { type: "string", describe: "Name of the consumer script", demandOption: true },
} as const;

function setConsumers(project: Project, queueName: string, change: (consumers: ConsumerSettings[]) => ConsumerSettings[]): void {
  requireQueue(project, queueName);
  updateQueue(project.store(), queueName, (settings) => ({ ...settings, consumers: change(settings.consumers ?? []) }));
}

// The consumer flags wrangler's worker and HTTP-pull `consumer add` share.
const batchSize = { "batch-size": { type: "number", describe: "Maximum number of messages per batch" } } as const;
const retriesAndDeadLetters = {
  "message-retries": { type: "number", describe: "Maximum number of retries for each message" },
  "dead-letter-queue": { type: "string", describe: "Queue to send messages that failed to be consumed" },
} as const;
const retryDelay = { "retry-delay-secs": { type: "number", describe: "The number of seconds to wait before retrying a message" } } as const;

// Each consumer flag and the setting it sets. Cloudflare's API refuses values outside the
// limits (wrangler sends them on); `bunflare dev` would keep the queue's messages undelivered.
const CONSUMER_FLAGS = {
  "batch-size": "max_batch_size",
  "batch-timeout": "max_batch_timeout",
  "message-retries": "max_retries",
  "retry-delay-secs": "retry_delay",
  "max-concurrency": "max_concurrency",
} as const;

function refuseBadConsumerFlags(args: QueueArgs): void {
  if (Array.isArray(args["retry-delay-secs"])) throw new CommandLineArgsError("Cannot specify --retry-delay-secs multiple times");
  for (const [flag, key] of Object.entries(CONSUMER_FLAGS)) {
    const value = args[flag] as number | undefined;
    const problem = value === undefined ? undefined : consumerLimitProblem(key, value);
    if (problem) throw new CommandLineArgsError(`Invalid --${flag} value: ${shownNumber(value!)}. Must be ${problem}`);
  }
}

const workerAdd = defineCommand<QueueArgs>({
  command: "add <queue-name> <script-name>",
  describe: "Add a Queue Worker Consumer",
  positionals: queueAndScript,
  options: {
    ...batchSize,
    "batch-timeout": { type: "number", describe: "Maximum number of seconds to wait to fill a batch with messages" },
    ...retriesAndDeadLetters,
    "max-concurrency": {
      type: "number",
      describe: "The maximum number of concurrent consumer Worker invocations. Must be a positive integer",
    },
    ...retryDelay,
  },
  handler(args) {
    printBanner();
    refuseBadConsumerFlags(args);
    const project = openProject(args);
    const batchTimeout = args["batch-timeout"] as number | undefined;
    const consumer: ConsumerSettings = {
      type: "worker",
      script: args["script-name"],
      batch_size: args["batch-size"] as number | undefined,
      max_retries: args["message-retries"] as number | undefined,
      max_wait_time_ms: batchTimeout !== undefined ? batchTimeout * 1000 : undefined,
      max_concurrency: args["max-concurrency"] as number | undefined,
      retry_delay: args["retry-delay-secs"] as number | undefined,
      dead_letter_queue: args["dead-letter-queue"] as string | undefined,
    };
    log.info(`Adding consumer to queue ${args["queue-name"]}.`);
    setConsumers(project, args["queue-name"], (consumers) => [
      ...consumers.filter((c) => !(c.type === "worker" && c.script === consumer.script)),
      consumer,
    ]);
    log.info(`Added consumer to queue ${args["queue-name"]}.`);
  },
});

const workerRemove = defineCommand<QueueArgs>({
  command: "remove <queue-name> <script-name>",
  describe: "Remove a Queue Worker Consumer",
  positionals: queueAndScript,
  handler(args) {
    printBanner();
    const project = openProject(args);
    log.info(`Removing consumer from queue ${args["queue-name"]}.`);
    const queue = requireQueue(project, args["queue-name"]);
    if (!consumersOf(queue).some((c) => c.type === "worker" && c.script === args["script-name"])) {
      throw new UserError(`No worker consumer '${args["script-name"]}' exists for queue ${args["queue-name"]}`);
    }
    setConsumers(project, args["queue-name"], (consumers) => consumers.filter((c) => !(c.type === "worker" && c.script === args["script-name"])));
    log.info(`Removed consumer from queue ${args["queue-name"]}.`);
  },
});

const dash = (value: unknown) => (value === undefined ? "-" : String(value));

function listCommand(kind: "all" | "worker" | "http_pull", describe: string) {
  return defineCommand<QueueArgs>({
    command: "list <queue-name>",
    describe,
    positionals: { "queue-name": { type: "string", describe: "Name of the queue", demandOption: true } },
    options: { json: { type: "boolean", describe: "Output in JSON format", default: false } },
    handler(args) {
      if (!args.json) printBanner();
      const project = openProject(args);
      const queue = requireQueue(project, args["queue-name"]);
      const consumers = consumersOf(queue).filter((c) => kind === "all" || c.type === kind);
      if (args.json) return log.info(JSON.stringify(consumers, null, 2));
      if (consumers.length === 0) return log.info(`No consumers found for queue "${args["queue-name"]}".`);
      const workers = consumers.filter((c) => c.type === "worker");
      const http = consumers.filter((c) => c.type === "http_pull");
      if (workers.length > 0) {
        log.info("Worker consumers:");
        log.info(
          renderTable(
            workers.map((c) => ({
              script: dash(c.script),
              dead_letter_queue: dash(c.dead_letter_queue),
              batch_size: dash(c.batch_size),
              max_retries: dash(c.max_retries),
              max_wait_time_ms: dash(c.max_wait_time_ms),
              max_concurrency: dash(c.max_concurrency),
              retry_delay: dash(c.retry_delay),
            })),
          ),
        );
      }
      if (http.length > 0) {
        log.info("HTTP pull consumers:");
        log.info(
          renderTable(
            http.map((c) => ({
              dead_letter_queue: dash(c.dead_letter_queue),
              batch_size: dash(c.batch_size),
              max_retries: dash(c.max_retries),
              visibility_timeout_ms: dash(c.visibility_timeout_ms),
              retry_delay: dash(c.retry_delay),
            })),
          ),
        );
      }
    },
  });
}

const queueOnly = { "queue-name": { type: "string", describe: "Name of the queue for the consumer", demandOption: true } } as const;

const httpAdd = defineCommand<QueueArgs>({
  command: "add <queue-name>",
  describe: "Add a Queue HTTP Pull Consumer",
  positionals: queueOnly,
  options: {
    ...batchSize,
    ...retriesAndDeadLetters,
    "visibility-timeout-secs": {
      type: "number",
      describe: "The number of seconds a message will wait for an acknowledgement before being returned to the queue.",
    },
    ...retryDelay,
  },
  handler(args) {
    printBanner();
    refuseBadConsumerFlags(args);
    const project = openProject(args);
    const visibility = args["visibility-timeout-secs"] as number | undefined;
    const consumer: ConsumerSettings = {
      type: "http_pull",
      batch_size: args["batch-size"] as number | undefined,
      max_retries: args["message-retries"] as number | undefined,
      visibility_timeout_ms: visibility ? visibility * 1000 : undefined,
      retry_delay: args["retry-delay-secs"] as number | undefined,
      dead_letter_queue: args["dead-letter-queue"] as string | undefined,
    };
    log.info(`Adding consumer to queue ${args["queue-name"]}.`);
    setConsumers(project, args["queue-name"], (consumers) => [...consumers.filter((c) => c.type !== "http_pull"), consumer]);
    log.info(`Added consumer to queue ${args["queue-name"]}.`);
  },
});

const httpRemove = defineCommand<QueueArgs>({
  command: "remove <queue-name>",
  describe: "Remove a Queue HTTP Pull Consumer",
  positionals: queueOnly,
  handler(args) {
    printBanner();
    const project = openProject(args);
    log.info(`Removing consumer from queue ${args["queue-name"]}.`);
    setConsumers(project, args["queue-name"], (consumers) => consumers.filter((c) => c.type !== "http_pull"));
    log.info(`Removed consumer from queue ${args["queue-name"]}.`);
  },
});

export default defineCommand({
  command: "queues",
  describe: "📬 Manage Workers Queues",
  subcommands: [
    list,
    create,
    update,
    remove,
    info,
    defineCommand({
      command: "consumer",
      describe: "Configure queue consumers",
      subcommands: [
        workerAdd,
        workerRemove,
        listCommand("all", "List consumers for a queue"),
        defineCommand({
          command: "http",
          describe: "Configure Queue HTTP Pull Consumers",
          subcommands: [httpAdd, httpRemove, listCommand("http_pull", "List HTTP pull consumers for a queue")],
        }),
        defineCommand({
          command: "worker",
          describe: "Configure Queue Worker Consumers",
          subcommands: [workerAdd, workerRemove, listCommand("worker", "List worker consumers for a queue")],
        }),
      ],
    }),
    pauseCommand(true),
    pauseCommand(false),
    purge,
    // Event subscriptions route Cloudflare platform events into a queue: nothing local produces them.
    defineCommand({ command: "subscription", describe: "Manage event subscriptions for a queue", subcommands: [] }),
  ],
});
