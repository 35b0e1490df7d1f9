// "Your Worker has access to the following bindings:" in wrangler's layout:
// one row per binding, in the registry's order (wrangler's), columns padded
// to the widest entry.
import type { WorkerConfig } from "../config/types.ts";
import * as chalk from "../colors.ts";
import { BINDINGS } from "../../runtime/bindings/registry.ts";
import { NOT_IMPLEMENTED_MODE, type BindingDescriptor, type BindingRow } from "../../runtime/bindings/descriptor.ts";

type Row = BindingRow;

export function bindingRows(
  config: WorkerConfig,
  vars: Record<string, unknown>,
  hidden: ReadonlySet<string>,
  /** Whether a worker of this name runs in this dev session. */
  inSession: (name: string) => boolean = (name) => name === config.name,
  bindings: readonly BindingDescriptor[] = BINDINGS,
): Row[] {
  const scope = { vars, hidden, inSession };
  const rows: Row[] = [];
  for (const descriptor of bindings) {
    for (const entry of descriptor.entries(config, scope)) {
      const row = descriptor.row(entry, config, scope);
      // A binding with no implementation yet says so instead of claiming "local".
      rows.push(descriptor.createEnv || descriptor.unavailable?.(entry) ? row : { ...row, mode: NOT_IMPLEMENTED_MODE });
    }
  }
  return rows;
}

/** Pads to a width counted without colour codes, as wrangler's padEndAnsi does. */
function padEndVisible(text: string, width: number): string {
  return text + " ".repeat(Math.max(0, width - Bun.stripANSI(text).length));
}

/** The mode in wrangler's colours: local blue, remote yellow, connection status green or red, anything else dim. */
function colourMode(mode: string): string {
  if (!mode) return "";
  const match = /^(local|remote)( \[connected\]| \[not connected\])?$/.exec(mode);
  if (!match) return chalk.dim(mode);
  const where = match[1] === "local" ? chalk.blue("local") : chalk.yellow("remote");
  const status = match[2] === undefined ? "" : match[2] === " [connected]" ? chalk.green(match[2]) : chalk.red(match[2]);
  return where + status;
}

// Wrangler's brand colour, in which it prints the Resource column.
const brandColor = chalk.hex("#BD5B08");

export function formatBindingsTable(rows: Row[], workerName?: string, columns?: number): string[] {
  if (rows.length === 0) return [];
  // Read only for a table: the first touch of process.stdout costs ~10 ms of a dev start.
  columns ??= process.stdout.columns ?? Infinity;
  const maxValue = Math.max(...rows.map((row) => row.value?.length ?? 0));
  const maxName = Math.max(...rows.map((row) => row.name.length));
  const maxType = Math.max(...rows.map((row) => row.type.length), "Resource".length);
  const maxMode = Math.max(...rows.map((row) => row.mode.length));
  const bindingWidth = "env.".length + maxName + " (".length + maxValue + ")".length;
  const wrap = bindingWidth + 6 + maxType + 6 + maxMode >= columns;
  const gap = " ".repeat(wrap ? 4 : 6);
  const firstWidth = wrap ? "env.".length + maxName : bindingWidth;
  const lines = [workerName ? `${chalk.blue(workerName)} has access to the following bindings:` : "Your Worker has access to the following bindings:"];
  lines.push(`${padEndVisible(chalk.dim("Binding"), firstWidth)}${gap}${padEndVisible(chalk.dim("Resource"), maxType)}${gap}${rows.some((row) => row.mode) ? chalk.dim("Mode") : ""}`);
  for (const row of rows) {
    const value = row.value ? chalk.dim(row.value) : "";
    const first = padEndVisible(`${chalk.white(`env.${row.name}`)}${row.value && !wrap ? ` (${value})` : ""}`, firstWidth);
    lines.push(`${first}${gap}${brandColor(row.type.padEnd(maxType))}${gap}${colourMode(row.mode)}${wrap && row.value ? `\n  ${value}` : ""}`);
  }
  lines.push("");
  return lines;
}

/**
 * Wrangler's list of the workers this one sends tail events to, printed under its
 * bindings table. As for service bindings, a consumer counts as connected only when
 * another dev process runs it: the table is printed before this session's workers start.
 * Without `inSession` (a dry run), the names alone.
 */
export function tailConsumerLines(config: WorkerConfig, inSession: ((name: string) => boolean) | null, workerName?: string): string[] {
  const consumers = [
    ...(config.tail_consumers ?? []).map((c) => ({ service: c.service, streaming: false })),
    ...(config.streaming_tail_consumers ?? []).map((c) => ({ service: c.service, streaming: true })),
  ];
  if (!consumers.length) return [];
  const title = workerName
    ? `${chalk.blue(workerName)} is sending Tail events to the following Workers:`
    : "Your Worker is sending Tail events to the following Workers:";
  // Not local (a deploy or versions upload): the names only, with no connection status.
  if (!inSession) return [title, ...consumers.map(({ service, streaming }) => `- ${service}${streaming ? " (streaming)" : ""}`)];
  // Read only when there are consumers: the registry is not opened for other workers or a dry run.
  const { connectedElsewhere } = require("../../runtime/rpc/registry.ts") as typeof import("../../runtime/rpc/registry.ts");
  const lines = consumers.map(({ service, streaming }) => {
    const connected = connectedElsewhere(service, inSession);
    return `- ${service}${streaming ? " (streaming)" : ""} ${connected ? chalk.green("[connected]") : chalk.red("[not connected]")}`;
  });
  return [title, ...lines];
}

/** wrangler's list of a worker's containers, after its bindings table: each by name, with its Dockerfile or image. */
export function containerLines(config: WorkerConfig, workerName?: string): string[] {
  if (!config.containers.length) return [];
  const title = workerName ? `The following containers are available from ${chalk.blue(workerName)}:` : "The following containers are available:";
  return [title, ...config.containers.map((container) => `- ${container.name} (${container.image})`), ""];
}

/** Printed after the tables when a binding reaches another worker, dimmed, with the statuses in their colours. */
export function connectionStatusNote(): string {
  return chalk.dim(
    `\nService bindings, Durable Object bindings, and Tail consumers connect to other Wrangler or Vite dev processes running locally, with their connection status indicated by ${chalk.green("[connected]")} or ${chalk.red("[not connected]")}. For more details, refer to https://developers.cloudflare.com/workers/runtime-apis/bindings/service-bindings/#local-development\n`,
  );
}
