// "Your Worker has access to the following bindings:" in wrangler's layout:
// one row per binding, in wrangler's order, columns padded to the widest entry.
import type { WorkerConfig } from "../config/types.ts";
import { lookupWorker } from "../../runtime/bindings/service/registry.ts";

interface Row {
  name: string;
  type: string;
  value?: string;
  mode: string;
}

export function bindingRows(
  config: WorkerConfig,
  vars: Record<string, unknown>,
  hidden: Set<string>,
  /** Whether a worker of this name runs in this dev session. */
  inSession: (name: string) => boolean = (name) => name === config.name,
): Row[] {
  const rows: Row[] = [];
  const local = "local";
  for (const b of config.durable_objects?.bindings ?? []) {
    const external = b.script_name && b.script_name !== config.name;
    rows.push({
      name: b.name,
      type: "Durable Object",
      value: external ? `${b.class_name}, defined in ${b.script_name}` : b.class_name,
      mode: external ? "local [not connected]" : local,
    });
  }
  for (const b of config.workflows ?? []) rows.push({ name: b.binding, type: "Workflow", value: b.class_name, mode: local });
  for (const b of config.kv_namespaces ?? []) rows.push({ name: b.binding, type: "KV Namespace", value: b.id ?? b.binding, mode: local });
  for (const b of config.queues?.producers ?? []) rows.push({ name: b.binding, type: "Queue", value: b.queue, mode: local });
  for (const b of config.d1_databases ?? []) {
    rows.push({ name: b.binding, type: "D1 Database", value: b.database_name ?? b.database_id ?? b.binding, mode: local });
  }
  for (const b of config.r2_buckets ?? []) rows.push({ name: b.binding, type: "R2 Bucket", value: b.bucket_name ?? b.binding, mode: local });
  for (const b of config.services ?? []) {
    // Like wrangler, the table is printed before this session's other workers start:
    // they count as connected only if they are this worker itself.
    const connected = b.service === config.name || (!inSession(b.service) && lookupWorker(b.service) !== undefined);
    rows.push({
      name: b.binding,
      type: "Worker",
      value: b.entrypoint ? `${b.service}#${b.entrypoint}` : b.service,
      mode: connected ? "local [connected]" : "local [not connected]",
    });
  }
  for (const [name, value] of Object.entries(vars)) {
    const shown = hidden.has(name) ? '"(hidden)"' : JSON.stringify(value);
    rows.push({ name, type: "Environment Variable", value: shown, mode: local });
  }
  if (config.assets?.binding) rows.push({ name: config.assets.binding, type: "Assets", mode: local });
  return rows;
}

export function formatBindingsTable(rows: Row[], workerName?: string, columns = process.stdout.columns ?? Infinity): string[] {
  if (rows.length === 0) return [];
  const maxValue = Math.max(...rows.map((row) => row.value?.length ?? 0));
  const maxName = Math.max(...rows.map((row) => row.name.length));
  const maxType = Math.max(...rows.map((row) => row.type.length), "Resource".length);
  const maxMode = Math.max(...rows.map((row) => row.mode.length));
  const bindingWidth = "env.".length + maxName + " (".length + maxValue + ")".length;
  const wrap = bindingWidth + 6 + maxType + 6 + maxMode >= columns;
  const gap = " ".repeat(wrap ? 4 : 6);
  const firstWidth = wrap ? "env.".length + maxName : bindingWidth;
  const lines = [workerName ? `${workerName} has access to the following bindings:` : "Your Worker has access to the following bindings:"];
  lines.push(`${"Binding".padEnd(firstWidth)}${gap}${"Resource".padEnd(maxType)}${gap}${rows.some((row) => row.mode) ? "Mode" : ""}`);
  for (const row of rows) {
    const first = `env.${row.name}${row.value && !wrap ? ` (${row.value})` : ""}`.padEnd(firstWidth);
    lines.push(`${first}${gap}${row.type.padEnd(maxType)}${gap}${row.mode}${wrap && row.value ? `\n  ${row.value}` : ""}`);
  }
  lines.push("");
  return lines;
}
