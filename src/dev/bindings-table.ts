// "Your Worker has access to the following bindings:" in wrangler's layout:
// one row per binding, in the registry's order (wrangler's), columns padded
// to the widest entry.
import type { WorkerConfig } from "../config/types.ts";
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
      rows.push(descriptor.createEnv ? row : { ...row, mode: NOT_IMPLEMENTED_MODE });
    }
  }
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
