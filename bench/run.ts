// npm run bench [-- --quick] [--only <text>...] [--no-write]
//
// Runs every scenario under the pinned wrangler (compat-tests) and bunflare,
// plus raw Bun.serve for HTTP scenarios, prints a markdown table of medians
// and ratios, and writes it with the machine and versions to bench/RESULTS.md
// and the README's Benchmarks section. Not part of `npm test`: it is slow and
// its numbers depend on what else the machine is doing.
import { cpus, loadavg, totalmem } from "node:os";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ensureWrangler, REPO_ROOT } from "../compat-tests/harness.ts";
import { ceilingNotes, markdownTable, samplesList, type Row } from "./results.ts";
import {
  cliScenario,
  cliScenarios,
  devLifecycle,
  FULL,
  httpScenario,
  crossProcessRpc,
  HTTP_SCENARIOS,
  QUICK,
  warmCli,
  queueThroughput,
  r2LargeObject,
  workflowSteps,
  type Settings,
} from "./scenarios.ts";
import { versions } from "./tools.ts";
import { importContention } from "./contention.ts";

const argv = process.argv.slice(2);
if (argv.includes("--help") || argv.includes("-h")) {
  console.log(`npm run bench [-- options]

  --quick        one sample each, shorter load runs, smaller bulk inputs (under two minutes)
  --only <text>  only scenarios whose name contains <text> (repeatable): dev, hello, KV, D1,
                 Durable, CLI, bulk, cross-process RPC, ...
  --no-write     print the table only; leave bench/RESULTS.md and the README alone

  BENCH_BUNFLARE_BIN=<path>    measure another bunflare launcher instead of bin/bunflare
  BENCH_BUNFLARE_LABEL=<text>  how RESULTS.md names that build`);
  process.exit(0);
}
const quick = argv.includes("--quick");
const write = !argv.includes("--no-write");
const only: string[] = [];
for (let i = 0; i < argv.length; i++) if (argv[i] === "--only" && argv[i + 1]) only.push(argv[++i]!.toLowerCase());
const wanted = (name: string) => only.length === 0 || only.some((text) => name.toLowerCase().includes(text));

const began = performance.now();
const settings: Settings = {
  ...(quick ? QUICK : FULL),
  log: (line) => console.error(`[${((performance.now() - began) / 1000).toFixed(1).padStart(6)} s] ${line}`),
};

ensureWrangler();
const machine = {
  cpus: cpus().length,
  model: cpus()[0]?.model.trim() ?? "unknown",
  memoryGb: totalmem() / 1024 ** 3,
  loadBefore: loadavg().map((n) => n.toFixed(2)).join(" "),
  platform: `${process.platform} ${process.arch}`,
};
const tools = versions();

const rows: Row[] = [];
const collect = (more: Row[]) => {
  rows.push(...more);
  // Partial table after each scenario, so a long run shows progress and an interrupted one is not wasted.
  console.error(`\n${markdownTable(more)}\n`);
};

// Before anything is timed: see warmCli.
// This checkout's CLI bundle, as `npm install` leaves it (an edit since then would make bin/bunflare run the sources).
if (!process.env.BENCH_BUNFLARE_BIN) Bun.spawnSync(["sh", path.join(REPO_ROOT, "scripts", "build-cli.sh")], { stdout: "inherit", stderr: "inherit" });
await warmCli(settings);

// One dev server start yields all three, so any of their names selects it.
if (["dev: cold start", "dev: idle memory", "dev: reload"].some(wanted)) collect(await devLifecycle(settings));
for (const scenario of HTTP_SCENARIOS) if (wanted(scenario.name)) collect(await httpScenario(settings, scenario));
const cli = cliScenarios(settings).filter((scenario) => wanted(scenario.name));
for (const scenario of cli) collect(await cliScenario(settings, scenario));
if (wanted("R2: peak memory")) collect(await r2LargeObject(settings));
if (wanted("queues")) collect(await queueThroughput(settings));
if (wanted("Workflow: steps per second")) collect(await workflowSteps(settings));
if (["dev: p99 of an untouched route during an import", "dev: requests failed during the import"].some(wanted)) collect(await importContention(settings));
if (wanted("cross-process RPC")) collect(await crossProcessRpc(settings));

if (rows.length === 0) {
  console.error(`no scenario matches --only ${only.join(", ")}; see --help`);
  process.exit(1);
}

ceilingNotes(rows);
const elapsed = (performance.now() - began) / 1000;
const table = markdownTable(rows);
const notes = rows.flatMap((row) => row.notes.map((note) => `- ${row.scenario}: ${note}`));
console.log(table);
if (notes.length) console.log(`\n${notes.join("\n")}`);
console.error(`\nfinished in ${elapsed.toFixed(0)} s`);

if (write) {
  const date = new Date().toISOString().replace(/\.\d+Z$/, "Z");
  const s = settings;
  const header = [
    `Measured ${date}${s.quick ? " with `--quick` (one sample each, smaller bulk inputs: indicative only)" : ""}, in ${elapsed.toFixed(0)} s.`,
    "",
    `- Machine: ${machine.cpus} × ${machine.model}, ${machine.memoryGb.toFixed(1)} GB RAM, ${machine.platform}; load average before the run: ${machine.loadBefore}`,
    `- Versions: bunflare ${tools.bunflare}, wrangler ${tools.wrangler} (node ${tools.node}), bun ${tools.bun}`,
    `- Samples: dev ${s.devRuns} start(s) per tool with ${s.reloadsPerRun} reload(s) each and memory read after ${s.idleMs} ms idle; HTTP ${s.httpRuns} run(s) of ${s.durationMs / 1000} s after ${s.warmupMs / 1000} s warm-up at ${s.connections} connections; CLI ${s.cliRuns} run(s), bulk ${s.bulkRuns} run(s). Medians shown.`,
  ].join("\n");
  const body = `${header}\n\n${table}\n${notes.length ? `\nNotes:\n\n${notes.join("\n")}\n` : ""}`;
  const method = readFileSync(path.join(import.meta.dir, "METHOD.md"), "utf8");
  writeFileSync(
    path.join(import.meta.dir, "RESULTS.md"),
    `# Benchmark results\n\n${body}\n## Every sample\n\n${samplesList(rows)}\n\n${method}`,
  );

  // The README shows the latest table between these markers; everything else in it is left alone.
  const readmePath = path.join(REPO_ROOT, "README.md");
  const readme = readFileSync(readmePath, "utf8");
  const start = "<!-- bench:results:start -->";
  const end = "<!-- bench:results:end -->";
  const from = readme.indexOf(start);
  const to = readme.indexOf(end);
  if (from >= 0 && to > from) {
    writeFileSync(readmePath, `${readme.slice(0, from + start.length)}\n${body}\n${readme.slice(to)}`);
  }
  console.error("wrote bench/RESULTS.md and the README's Benchmarks table");
}
