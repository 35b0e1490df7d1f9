// `workflows ...` as wrangler 4 declares them. Bunflare has no account: every
// form (with or without --local / --port) acts on the local store, which a
// running `bunflare dev` shares, and prints what wrangler prints for a local
// dev session. All reads and writes go through runtime/bindings/workflows.
import { defineCommand, type CommandSpec, type GlobalArgs } from "./define.ts";
import { UserError } from "../errors.ts";
import { log, printBanner } from "../log.ts";
import { openProject, type Project } from "../project.ts";
import { renderTable } from "./d1/table.ts";
import * as wf from "../../runtime/bindings/workflows/store.ts";
import { MAX_INSTANCE_ID_LENGTH, INSTANCE_ID } from "../../runtime/bindings/workflows/store.ts";

interface Args extends GlobalArgs {
  name: string;
  id?: string;
  local?: boolean;
  port?: number;
}

const color = !process.env.NO_COLOR && process.env.FORCE_COLOR !== "0";
const paint = (code: string, reset: string) => (text: string) => (color ? `\x1b[${code}m${text}\x1b[${reset}m` : text);
const white = paint("37", "39");
const gray = paint("90", "39");
const red = paint("31", "39");

const LOCAL_OPTIONS = {
  local: { type: "boolean", describe: "Interact with local dev session" },
  port: { type: "number", describe: "Port of the local dev session (default: 8787)", default: 8787 },
} as const;
const NAME = { name: { type: "string", describe: "Name of the workflow", demandOption: true } } as const;

/** `Label:  value` lines, values aligned, as wrangler's formatLabelledValues. */
function labelled(view: Record<string, string>, indent = 0): string {
  const width = Math.max(...Object.keys(view).map((label) => label.length + 1));
  return Object.entries(view)
    .map(([label, value]) => `${" ".repeat(indent)}${white(label + ":")}${" ".repeat(width + 2 - label.length - 1)}${gray(value)}`)
    .join("\n");
}

interface Known {
  name: string;
  script_name: string;
  class_name: string;
}

/** Workflows this project defines (the ones a dev session of it runs). */
function knownWorkflows(project: Project): Known[] {
  const config = project.loaded.config;
  const seen = new Map<string, Known>();
  for (const entry of config.workflows ?? []) {
    if (!seen.has(entry.name)) seen.set(entry.name, { name: entry.name, script_name: entry.script_name ?? config.name ?? "", class_name: entry.class_name });
  }
  return [...seen.values()];
}

function requireWorkflow(project: Project, name: string): Known {
  const found = knownWorkflows(project).find((known) => known.name === name);
  if (!found) throw new UserError(`Local API error: Workflow '${name}' not found.`);
  return found;
}

/** An instance id argument; "latest" is the newest instance. */
function resolveId(project: Project, args: Args): string {
  if (args.id !== "latest") {
    if (!wf.getInstance(project.store(), args.name, args.id!)) {
      throw new UserError(`Local API error: Workflow instance '${args.id}' not found.`);
    }
    return args.id!;
  }
  const [latest] = wf.listInstances(project.store(), args.name);
  if (!latest) throw new UserError(`There are no instances in workflow "${args.name}"`);
  log.info(`Latest instance is "${latest.id}"`);
  return latest.id;
}

function guarded<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`Local API error: ${(error as Error).message}`);
  }
}

const EMOJI_STATUS: Record<string, string> = {
  complete: "✅ Completed",
  errored: "❌ Errored",
  unknown: "❓ Unknown",
  paused: "⏸️ Paused",
  queued: "⌛ Queued",
  running: "▶ Running",
  terminated: "🚫 Terminated",
  waiting: "⏰ Waiting",
  waitingForPause: "⏱️ Waiting for Pause",
};
const emojiStatus = (status: string) => EMOJI_STATUS[status] ?? "❓ Unknown";
const STEP_TYPES: Record<string, string> = { step: "🎯 Step", sleep: "💤 Sleeping", waitForEvent: "👀 Waiting for event" };
const VALID_STATUSES = ["queued", "running", "paused", "errored", "terminated", "complete", "waiting", "waitingForPause"];

/** "3 seconds", "1 minute": date-fns' formatDistanceStrict, which wrangler prints. */
function distance(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  const [value, unit] =
    seconds < 60 ? [seconds, "second"] : seconds < 3600 ? [Math.round(seconds / 60), "minute"] : seconds < 86400 ? [Math.round(seconds / 3600), "hour"] : [Math.round(seconds / 86400), "day"];
  return `${value} ${unit}${value === 1 ? "" : "s"}`;
}
const when = (ms: number) => new Date(ms).toLocaleString();

const list = defineCommand<Args & { page: number; "per-page"?: number }>({
  command: "list",
  describe: "List Workflows associated to account",
  options: {
    ...LOCAL_OPTIONS,
    page: { type: "number", describe: 'Show a sepecific page from the listing, can configure page size using "per-page"', default: 1 },
    "per-page": { type: "number", describe: "Configure the maximum number of workflows to show per page" },
  },
  handler(args) {
    printBanner();
    const workflows = knownWorkflows(openProject(args));
    if (workflows.length === 0) {
      log.warn("There are no Workflows in the local dev session");
      return;
    }
    log.info(`Showing ${workflows.length} workflow${workflows.length > 1 ? "s" : ""} from local dev session:`);
    log.info(renderTable(workflows.map((w) => ({ Name: w.name, "Script name": w.script_name, "Class name": w.class_name }))));
  },
});

const describe = defineCommand<Args>({
  command: "describe <name>",
  describe: "Describe Workflow resource",
  positionals: NAME,
  options: LOCAL_OPTIONS,
  handler(args) {
    printBanner();
    const project = openProject(args);
    const workflow = requireWorkflow(project, args.name);
    log.info(labelled({ Name: workflow.name, "Script Name": workflow.script_name, "Class Name": workflow.class_name }));
    log.info(white("Instance Status Counts:"));
    const counts = wf.statusCounts(project.store(), workflow.name);
    log.info(labelled(Object.fromEntries(Object.entries(counts).map(([status, n]) => [status, String(n)])), 2));
  },
});

const del = defineCommand<Args>({
  command: "delete <name>",
  describe: "Delete workflow - when deleting a workflow, it will also delete it's own instances",
  positionals: NAME,
  options: LOCAL_OPTIONS,
  handler(args) {
    printBanner();
    const project = openProject(args);
    requireWorkflow(project, args.name);
    wf.deleteWorkflowInstances(project.store(), args.name);
    log.info(`✅ Workflow "${args.name}" instances removed successfully from local dev session.`);
  },
});

const trigger = defineCommand<Args & { params: string }>({
  command: "trigger <name> [params]",
  describe: "Trigger a workflow, creating a new instance. Can optionally take a JSON string to pass a parameter into the workflow instance",
  positionals: {
    ...NAME,
    params: { type: "string", describe: "Params for the workflow instance, encoded as a JSON string", default: "" },
  },
  options: { ...LOCAL_OPTIONS, id: { type: "string", describe: "Custom instance ID, if not provided it will default to a random UUIDv4" } },
  handler(args) {
    printBanner();
    let params: unknown;
    if (args.params.length !== 0) {
      try {
        params = JSON.parse(args.params);
      } catch (error) {
        throw new UserError(`Error while parsing instance parameters: "${args.params}" with ${error}' `);
      }
    }
    const project = openProject(args);
    requireWorkflow(project, args.name);
    const id = args.id ?? crypto.randomUUID();
    if (id.length > MAX_INSTANCE_ID_LENGTH || !INSTANCE_ID.test(id)) {
      throw new UserError(`Local API error: Workflow instance has invalid id: "${id}". Ids must match ${INSTANCE_ID} and be at most ${MAX_INSTANCE_ID_LENGTH} characters.`);
    }
    guarded(() => wf.insertInstance(project.store(), args.name, id, params, "api"));
    log.info(`🚀 Workflow instance "${id}" has been triggered successfully`);
  },
});

const instancesList = defineCommand<Args & { reverse: boolean; status?: string; page: number; "per-page"?: number }>({
  command: "list <name>",
  describe: "Instance related commands (list, describe, terminate, pause, resume)",
  positionals: NAME,
  options: {
    ...LOCAL_OPTIONS,
    reverse: { type: "boolean", describe: "Reverse order of the instances table", default: false },
    status: { type: "string", describe: "Filters list by instance status (can be one of: queued, running, paused, errored, terminated, complete)" },
    page: { type: "number", describe: 'Show a sepecific page from the listing, can configure page size using "per-page"', default: 1 },
    "per-page": { type: "number", describe: "Configure the maximum number of instances to show per page" },
  },
  handler(args) {
    printBanner();
    if (args.status !== undefined && !VALID_STATUSES.includes(args.status)) {
      throw new UserError(`Looks like you have provided a invalid status "${args.status}". Valid statuses are: ${VALID_STATUSES.join(", ")}`);
    }
    const project = openProject(args);
    requireWorkflow(project, args.name);
    const perPage = args["per-page"] ?? 25;
    let rows = wf.listInstances(project.store(), args.name).filter((row) => !args.status || row.status === args.status);
    rows = rows.slice((args.page - 1) * perPage, args.page * perPage);
    if (rows.length === 0 && args.page === 1) {
      log.warn(`There are no instances in workflow "${args.name}". You can trigger it with "wrangler workflows trigger ${args.name} --local"`);
      return;
    }
    if (rows.length === 0) {
      log.warn(`No instances found on page ${args.page}. Please try a smaller page number.`);
      return;
    }
    log.info(`Showing ${rows.length} instance${rows.length > 1 ? "s" : ""} from page ${args.page}:`);
    if (args.reverse) rows.reverse();
    log.info(renderTable(rows.map((row) => ({ "Instance ID": row.id, Created: when(row.created_on), Status: emojiStatus(row.status) }))));
  },
});

const ID = (verb: string, required = true) =>
  ({
    id: {
      type: "string",
      describe: `ID of the instance - instead of an UUID you can type 'latest' to get the latest instance and ${verb} it`,
      ...(required ? { demandOption: true } : { default: "latest" }),
    },
  }) as const;

const instancesDescribe = defineCommand<Args & { "step-output": boolean; "truncate-output-limit": number }>({
  command: "describe <name> [id]",
  describe: "Describe a workflow instance - see its logs, retries and errors",
  positionals: { ...NAME, ...ID("describe", false) },
  options: {
    ...LOCAL_OPTIONS,
    "step-output": { type: "boolean", describe: "Don't output the step output since it might clutter the terminal", default: true },
    "truncate-output-limit": { type: "number", describe: "Truncate step output after x characters", default: 5000 },
  },
  handler(args) {
    printBanner();
    const project = openProject(args);
    requireWorkflow(project, args.name);
    const id = resolveId(project, args);
    const row = wf.getInstance(project.store(), args.name, id)!;
    const steps = wf.listSteps(project.store(), args.name, id);
    const view: Record<string, string> = {
      "Workflow Name": args.name,
      "Instance Id": id,
      Status: emojiStatus(row.status),
      // Wrangler's local dev session reports neither trigger nor success here.
      Queued: when(row.created_on),
    };
    if (row.started_on != null) view.Start = when(row.started_on);
    if (row.ended_on != null) view.End = when(row.ended_on);
    if (row.started_on != null) view.Duration = distance((row.ended_on ?? Date.now()) - row.started_on);
    const lastDone = steps.filter((step) => step.done && step.type !== "waitForEvent").at(-1);
    if (lastDone) view["Last Successful Step"] = `${lastDone.name}-${lastDone.key.split(":").at(-1)}`;
    if (row.error) {
      const error = JSON.parse(row.error) as { name: string; message: string };
      view.Error = red(`${error.name}: ${error.message}`);
    }
    log.info("Describing latest instance:");
    log.info(labelled(view));
    log.info(white("Steps:"));
    for (const step of steps) {
      log.info("");
      const s: Record<string, string> = { Name: `${step.name}-${step.key.split(":").at(-1)}`, Type: STEP_TYPES[step.type] ?? "❓ Unknown" };
      if (step.started_on != null) s.Start = when(step.started_on);
      if (step.ended_on != null) s.End = when(step.ended_on);
      if (step.started_on != null) s.Duration = distance((step.ended_on ?? Date.now()) - step.started_on);
      if (step.type === "step") s.Success = step.done ? "✅ Yes" : step.error ? "❌ No" : "▶ Running";
      if ((step.type === "step" || step.type === "waitForEvent") && step.done && args["step-output"]) {
        const output = JSON.stringify(wf.decode(step.value)) ?? "undefined";
        const limit = args["truncate-output-limit"];
        s.Output = output.length > limit ? output.substring(0, limit) + "[...output truncated]" : output;
      }
      log.info(labelled(s, 2));
      if (step.type === "step") {
        const attempts = JSON.parse(step.attempts) as wf.Attempt[];
        log.info(
          renderTable(
            attempts.map((attempt) => ({
              Start: when(attempt.start),
              End: attempt.end == null ? "" : when(attempt.end),
              Duration: distance((attempt.end ?? Date.now()) - attempt.start),
              State: attempt.success == null ? "🔄 Working" : attempt.success ? "✅ Success" : "❌ Error",
              ...(attempt.error ? { Error: red(`${attempt.error.name}: ${attempt.error.message}`) } : {}),
            })),
            ["Start", "End", "Duration", "State", ...(attempts.some((a) => a.error) ? ["Error"] : [])],
          ),
        );
      }
    }
  },
});

const action = (verb: wf.Action, describeText: string, idVerb: string, done: (id: string, name: string) => string) =>
  defineCommand<Args>({
    command: `${verb} <name> <id>`,
    describe: describeText,
    positionals: { ...NAME, ...ID(idVerb) },
    options: LOCAL_OPTIONS,
    handler(args) {
      printBanner();
      const project = openProject(args);
      requireWorkflow(project, args.name);
      const id = resolveId(project, args);
      guarded(() => wf.applyAction(project.store(), args.name, id, verb));
      log.info(done(id, args.name));
    },
  });

const sendEvent = defineCommand<Args & { type: string; payload: string }>({
  command: "send-event <name> <id>",
  describe: "Send an event to a workflow instance",
  positionals: { ...NAME, ...ID("send an event to") },
  options: {
    ...LOCAL_OPTIONS,
    type: { type: "string", describe: "Type of the workflow event", demandOption: true },
    payload: { type: "string", describe: `JSON string for the workflow event (e.g., '{"key": "value"}')`, default: "{}" },
  },
  handler(args) {
    printBanner();
    let payload: unknown;
    try {
      payload = JSON.parse(args.payload);
    } catch (error) {
      throw new UserError(`Error while parsing event payload: "${args.payload}" with ${error}' `);
    }
    const project = openProject(args);
    requireWorkflow(project, args.name);
    const id = resolveId(project, args);
    guarded(() => wf.sendEvent(project.store(), args.name, id, args.type, payload));
    const info = payload && typeof payload === "object" && Object.keys(payload).length > 0 ? ` and payload "${args.payload}"` : "";
    log.info(`📤 The event with type "${args.type}"${info} was sent to the instance "${id}" from ${args.name}`);
  },
});

const instances: CommandSpec = {
  command: "instances",
  describe: "Manage Workflow instances",
  subcommands: [
    instancesList,
    instancesDescribe,
    sendEvent,
    action("terminate", "Terminate a workflow instance", "describe", (id, name) => `🥷 The instance "${id}" from ${name} was terminated successfully`),
    action("restart", "Restart a workflow instance", "describe", (id, name) => `🥷 The instance "${id}" from ${name} was restarted successfully`),
    action("pause", "Pause a workflow instance", "pause", (id, name) => `⏸️ The instance "${id}" from ${name} was paused successfully`),
    action("resume", "Resume a workflow instance", "resume", (id, name) => `🔄 The instance "${id}" from ${name} was resumed successfully`),
  ],
};

export default defineCommand({
  command: "workflows",
  describe: "🔁 Manage Workflows",
  subcommands: [list, describe, del, trigger, instances],
});
