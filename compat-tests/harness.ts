// Runs the same steps under the pinned real wrangler and under bunflare, each
// in its own scratch copy of a fixture, and diffs what a user would see: exit
// codes, stdout and stderr with their colours, banner and blank lines. Only
// what legitimately differs between any two runs is normalised (the version in
// the banner, absolute paths, timings, log-file lines, ids), expirations are
// compared within a tolerance, and a difference on purpose is declared with its
// reason (`expected`) so the report shows it instead of hiding it.
import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort } from "../bench/proc.ts";

export const REPO_ROOT = path.resolve(import.meta.dir, "..");
export const FIXTURES_DIR = path.join(REPO_ROOT, "fixtures");
const COMPAT_DIR = import.meta.dir;
export const WRANGLER_JS = path.join(COMPAT_DIR, "node_modules", "wrangler", "bin", "wrangler.js");
export const BUNFLARE_BIN = path.join(REPO_ROOT, "bin", "bunflare");

export type Tool = "wrangler" | "bunflare";
export type Stream = "exitCode" | "stdout" | "stderr";
export const STREAMS: Stream[] = ["exitCode", "stdout", "stderr"];

/**
 * A difference between the tools that is on purpose (bunflare keeps data
 * wrangler loses, a clearer error). The rewrites turn one tool's output into
 * the other's for exactly that difference; everything else is still compared,
 * and the report shows "≠ expected: <reason>" whenever a rewrite applied.
 */
export interface ExpectedDifference {
  reason: string;
  /** The streams it concerns (default stdout and stderr). */
  streams?: Stream[];
  /** Rewrites wrangler's normalised output (an exit code as its decimal string). */
  wrangler?: (text: string) => string;
  /** Rewrites bunflare's normalised output. */
  bunflare?: (text: string) => string;
}

/** Numbers compared within a tolerance instead of exactly (absolute times). */
export interface Tolerance {
  /** Matches the number in group 1, e.g. /"expiration": (\d+)/g (needs the g flag). */
  pattern: RegExp;
  /** Largest accepted |wrangler - bunflare|. */
  within: number;
}

/**
 * A command wrangler runs only against Cloudflare's API, bunflare against the local store
 * `bunflare dev` shares (the point of the project). Compared: wrangler 4.86, with no
 * CLOUDFLARE_API_TOKEN, stops at its login error with exit code 1; bunflare answers with
 * exit code 0 and no error. What it answers is asserted by the bun tests named in `tests`.
 * With `warnings`, bunflare's stderr is compared whole: the warnings wrangler prints before
 * its login error (the local answer goes to stdout).
 */
export function answeredLocally(tests: string, { warnings = false } = {}): ExpectedDifference[] {
  const login = /^.*In a non-interactive environment, it's necessary to set a CLOUDFLARE_API_TOKEN environment variable.*$/m;
  return [
    { reason: "wrangler exits 1 at its login error, bunflare 0 with its answer", streams: ["exitCode"], wrangler: (code) => code.replace(/^1$/, "0") },
    {
      reason: `bunflare answers from the local store where wrangler needs a Cloudflare login (bunflare's answer: ${tests})`,
      wrangler: (text) => text.replace(login, "").trim(),
      // The banner stays compared; what follows it is the local answer, unless it is an error.
      bunflare: (text) => (text.includes("ERROR") ? text : (text.match(/^[^]*?─<RULE>─(‹[0-9;]*›)*/)?.[0] ?? (warnings ? text : ""))).trim(),
    },
  ];
}

/**
 * Wrangler follows an unexpected (non-UserError) failure with a bug-report footer and a
 * telemetry prompt on stdout; bunflare reports the failure as the user's error. The error
 * message itself stays compared.
 */
export function wranglerBugFooter(reason: string): ExpectedDifference {
  return {
    reason,
    streams: ["stdout"],
    wrangler: (text) =>
      text
        .replace(/^.*If you think this is a bug then please create an issue at .*\n/m, "")
        .replace(/^Note that there is a newer version of Wrangler available.*\n/m, "")
        .replace(/^\? Would you like to report this error to Cloudflare\?.*\n/m, "")
        .replace(/^🤖 .*Using fallback value in non-interactive context:.*\n?/m, ""),
  };
}

// Wrangler throws a module-rule error inside its esbuild plugin: the box then shows wrangler's
// own source and stack; bunflare's shows the user's import, or nothing where no import is to blame.
// Colour codes are dropped inside the box only, so the rest of stderr is compared as printed.
const COLOUR_CODE = /‹[\d;]+›/g;
const moduleRuleBox = (plugin: string) =>
  new RegExp(`✘ \\[ERROR\\] Build failed with 1 error:\\n\\n  ✘ \\[ERROR\\] (The file .*?\\.) \\[plugin ${plugin}\\][^]*?\\n *\\n *\\n`);
const rewriteModuleRuleBox = (text: string, plugin: string) =>
  text.replace(/^.*Build failed with 1 error:[^]*?\n(?:‹[\d;]+›| )*\n(?:‹[\d;]+›| )*\n/m, (box) =>
    box.replace(COLOUR_CODE, "").replace(moduleRuleBox(plugin), "<module rule error: $1>\n"),
  );
export const MODULE_RULE_BUILD_ERROR: ExpectedDifference = {
  reason: "wrangler's build error shows its own source and stack; bunflare's the user's import (or, with no import to blame, the message alone)",
  streams: ["stderr"],
  wrangler: (text) => rewriteModuleRuleBox(text, "wrangler-module-collector"),
  bunflare: (text) =>
    rewriteModuleRuleBox(text, "wrangler").replace(/^.*✘.*\[.*ERROR.*\].*?(The file .*? matched a module rule .*?\.)(?:‹[\d;]+›)*\n/m, (line, message: string) =>
      `<module rule error: ${message.replace(COLOUR_CODE, "")}>\n`,
    ),
};

/** KV expirations are absolute seconds computed from the clock a moment apart. */
export const EXPIRATION_TOLERANCE: Tolerance = { pattern: /"expiration": (\d+)/g, within: 30 };

/** One CLI invocation, as a user would type it after `wrangler` / `bunflare`. */
export interface CliStep {
  args: string[];
  stdin?: string;
  env?: Record<string, string>;
  /** Which streams to compare (default: all three). A subset needs a `reason`. */
  compare?: Stream[];
  /** Why `compare` leaves streams out: printed in the report. */
  reason?: string;
  /** Differences on purpose for this step (besides the case's). */
  expected?: ExpectedDifference[];
  /** Only run, do not compare (setup steps such as seeding data). */
  setup?: boolean;
  /** Run a shell command in the scratch dir instead (setup only, same under both). */
  shell?: string;
  /**
   * Files the step writes, compared after it (as text, normalised as the streams are, the
   * case's `normalize` included; "<missing>" when a tool did not write one).
   */
  files?: string[];
}

export interface CompatCase {
  name: string;
  /** A directory under fixtures/ to copy, or none for an empty project. */
  fixture?: string;
  /** Files written into the scratch copy after the fixture (path -> content). */
  files?: Record<string, string>;
  steps: CliStep[];
  /** Part of the fast subset that `npm test` runs. */
  fast?: boolean;
  /** Extra normalisation for this case's outputs. */
  normalize?: (text: string) => string;
  /** Differences on purpose that apply to every step. */
  expected?: ExpectedDifference[];
  /** Numbers compared within a tolerance (besides expirations, always tolerated). */
  tolerances?: Tolerance[];
  /** A case with its own runner (e.g. HTTP against two dev servers) instead of CLI steps. */
  run?: () => Promise<CaseOutcome>;
  /** Runs before the case counts as failed (default 2), for a tool known to drop output now and then: say why. */
  attempts?: number;
}

export interface StepResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export function ensureWrangler(): void {
  if (existsSync(WRANGLER_JS)) return;
  console.log("compat-tests: installing the pinned wrangler (once)...");
  const result = spawnSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: COMPAT_DIR,
    stdio: "inherit",
  });
  if (result.status !== 0) throw new Error("compat-tests: npm ci of the pinned wrangler failed");
}

export function makeScratch(testCase: CompatCase, tool: Tool): string {
  const dir = mkdtempSync(path.join(tmpdir(), `compat-${tool}-`));
  if (testCase.fixture) cpSync(path.join(FIXTURES_DIR, testCase.fixture), dir, { recursive: true });
  for (const [file, content] of Object.entries(testCase.files ?? {})) {
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  return dir;
}

export function toolEnv(dir: string, extra?: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    // Same colours, no prompts, no telemetry, logs kept out of the user's home.
    FORCE_COLOR: "1",
    CI: "true",
    WRANGLER_SEND_METRICS: "false",
    WRANGLER_LOG_PATH: path.join(dir, ".logs"),
    HOME: dir,
    ...extra,
  };
}

/** Runs one step under one tool; the two tools' runs of a step go in parallel. */
export async function runStep(tool: Tool, dir: string, step: CliStep): Promise<StepResult> {
  const env = toolEnv(dir, step.env);
  // wrangler dev takes inspector port 9229 unless told otherwise: a wrangler dev
  // of another run on this machine would make it refuse to start.
  const wranglerArgs =
    step.args?.[0] === "dev" && !step.args.includes("--inspector-port") ? [...step.args, "--inspector-port", String(await freePort())] : step.args;
  const [command, argv] = step.shell
    ? ["sh", ["-c", step.shell]]
    : tool === "wrangler"
      ? [process.env.NODE_BINARY ?? "node", [WRANGLER_JS, ...wranglerArgs]]
      : [BUNFLARE_BIN, step.args];
  return new Promise((resolve) => {
    const child = spawn(command, argv, { cwd: dir, env });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.stdin.on("error", () => {}); // a tool that exits without reading stdin
    child.stdin.end(step.stdin ?? "");
    child.on("error", (error) => resolve({ exitCode: 1, stdout, stderr: stderr + String(error) }));
    child.on("close", (code) => resolve({ exitCode: code ?? 1, stdout, stderr }));
  });
}

const ANSI = /\x1b\[([0-9;]*)m/g;
/** Colour codes kept but made visible (‹31›red‹39›), so a diff shows them. */
const SGR = "(?:‹[0-9;]*›)*";

/** A Go runtime dump's own line: a goroutine's heading, a frame (`pkg.func(args)`, its file line indented), `created by`, an elision. */
const GO_DUMP_LINE = /^(goroutine \d+ .*\[.*\]:$|created by |\t|[\w./*()[\]-]+\(.*\)$|\.\.\.additional frames elided\.\.\.$)/;

/**
 * `text` without the Go runtime dump wrangler's esbuild sometimes prints on the shared stderr
 * as it dies on wrangler's exit ("fatal error: all goroutines are asleep - deadlock!"): from
 * that heading on, the dump's own lines and the blank line Go writes before each goroutine.
 * What others print in between, and every other blank line, stays compared.
 */
export function withoutGoDump(text: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line.startsWith("fatal error: all goroutines are asleep"));
  if (start < 0) return text;
  const kept = lines.slice(0, start);
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (GO_DUMP_LINE.test(line) || (line === "" && /^goroutine \d+ /.test(lines[i + 1] ?? ""))) continue;
    kept.push(line);
  }
  return kept.join("\n");
}

export function normalize(text: string, tool: Tool, dir: string): string {
  // Not the command's output: wrangler's esbuild dying after it.
  let out = (tool === "wrangler" ? withoutGoDump(text) : text).replace(ANSI, "‹$1›");
  out = out.replaceAll(dir, "<DIR>").replaceAll(path.join("/private", dir), "<DIR>");
  if (tool === "bunflare") out = out.replace(/\bbunflare\b/g, "wrangler");
  const lines = out.split("\n").filter(
    (line) =>
      // Where wrangler's debug log went (bunflare keeps none), and its update
      // check, which needs the network: neither is the command's output.
      !new RegExp(`^${SGR}🪵\\s+Logs were written to`).test(line) &&
      !new RegExp(`^${SGR}There is a newer version of Wrangler available`).test(line),
  );
  // Banner " ⛅️ wrangler 4.86.0 (update available 4.x)" and its rule: the
  // version (and so the rule's length) differs; the lines, colours and blank
  // lines around them are compared.
  for (let i = 0; i < lines.length; i++) {
    if (!new RegExp(`^${SGR} ⛅️ wrangler `).test(lines[i]!)) continue;
    lines[i] = lines[i]!.replace(/ ⛅️ wrangler .*$/, " ⛅️ wrangler <VERSION>");
    if (/^(‹[0-9;]*›)*─+(‹[0-9;]*›)*$/.test(lines[i + 1] ?? "")) lines[i + 1] = lines[i + 1]!.replace(/─+/, "─<RULE>─");
  }
  out = lines.join("\n");
  out = out
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, "<UUID>")
    .replace(/\b[0-9a-f]{32}\b/g, "<ID>")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<TIME>")
    .replace(/\b\d+(\.\d+)?\s?ms\b/g, "<N>ms")
    // Wrangler's help and parse errors point at its own issue tracker; ours differs.
    .replace(/^(Please report any issues to (?:‹[0-9;]*›)?)[^‹\s]+/m, "$1<URL>")
    .replace(/(If you think this is a bug, please open an issue at:) \S+/g, "$1 <URL>");
  return out;
}

/** Where bunflare's number is within the tolerance of wrangler's, in the same place, it is taken as wrangler's. */
export function applyTolerance(want: string, got: string, tolerance: Tolerance): string {
  const pattern = new RegExp(tolerance.pattern.source, tolerance.pattern.flags.includes("g") ? tolerance.pattern.flags : tolerance.pattern.flags + "g");
  const wanted = [...want.matchAll(pattern)].map((match) => match[1]!);
  if (wanted.length === 0) return got;
  let index = 0;
  return got.replace(pattern, (whole: string, number: string) => {
    const target = wanted[index++];
    if (target === undefined || Math.abs(Number(target) - Number(number)) > tolerance.within) return whole;
    return whole.replace(number, target);
  });
}

export interface CaseOutcome {
  name: string;
  ok: boolean;
  problems: string[];
  /** Shown even when the case passes: expected differences and streams not compared, with reasons. */
  notes?: string[];
}

/** Compares one stream of one step; returns the problem, or undefined, and records which expected differences applied. */
export function compareStream(
  label: string,
  stream: Stream,
  texts: { wrangler: string; bunflare: string },
  expected: ExpectedDifference[],
  tolerances: Tolerance[],
  applied: Set<ExpectedDifference>,
): string | undefined {
  let want = texts.wrangler;
  let got = texts.bunflare;
  for (const tolerance of tolerances) got = applyTolerance(want, got, tolerance);
  if (want === got) return undefined;
  const used: ExpectedDifference[] = [];
  for (const difference of expected) {
    if (!(difference.streams ?? ["stdout", "stderr"]).includes(stream)) continue;
    const w = difference.wrangler ? difference.wrangler(want) : want;
    const b = difference.bunflare ? difference.bunflare(got) : got;
    if (w !== want || b !== got) used.push(difference);
    want = w;
    got = b;
  }
  for (const tolerance of tolerances) got = applyTolerance(want, got, tolerance);
  if (want === got) {
    for (const difference of used) applied.add(difference);
    return undefined;
  }
  return `${label}: ${stream} differs\n${showDiff(want, got)}`;
}

export async function runCase(testCase: CompatCase): Promise<CaseOutcome> {
  const dirs = { wrangler: makeScratch(testCase, "wrangler"), bunflare: makeScratch(testCase, "bunflare") };
  const problems: string[] = [];
  const notes: string[] = [];
  const applied = new Map<ExpectedDifference, number[]>();
  const declared = new Map<ExpectedDifference, number[]>();
  const uncompared = new Map<string, number[]>();
  try {
    for (const [index, step] of testCase.steps.entries()) {
      const [wrangler, bunflare] = await Promise.all([runStep("wrangler", dirs.wrangler, step), runStep("bunflare", dirs.bunflare, step)]);
      const results = { wrangler, bunflare };
      if (step.setup || step.shell) {
        for (const tool of ["wrangler", "bunflare"] as const) {
          if (results[tool].exitCode !== 0) {
            problems.push(`step ${index + 1} (setup) failed under ${tool}:\n${results[tool].stderr}${results[tool].stdout}`);
          }
        }
        continue;
      }
      const label = `step ${index + 1}: ${step.args.join(" ")}`;
      const compared = step.compare ?? STREAMS;
      const skipped = STREAMS.filter((stream) => !compared.includes(stream));
      if (skipped.length && !step.reason) problems.push(`${label}: compares only ${compared.join(", ")} but gives no reason`);
      else if (skipped.length) {
        const key = `${skipped.join(", ")} not compared: ${step.reason}`;
        uncompared.set(key, [...(uncompared.get(key) ?? []), index + 1]);
      }
      const expected = [...(testCase.expected ?? []), ...(step.expected ?? [])];
      for (const difference of expected) declared.set(difference, [...(declared.get(difference) ?? []), index + 1]);
      const tolerances = [EXPIRATION_TOLERANCE, ...(testCase.tolerances ?? [])];
      for (const stream of compared) {
        const [want, got] = (["wrangler", "bunflare"] as const).map((tool) => {
          const value = results[tool][stream];
          if (typeof value === "number") return String(value);
          const normal = normalize(value, tool, dirs[tool]);
          return testCase.normalize ? testCase.normalize(normal) : normal;
        });
        const used = new Set<ExpectedDifference>();
        const problem = compareStream(label, stream, { wrangler: want!, bunflare: got! }, expected, tolerances, used);
        if (problem) problems.push(problem);
        for (const difference of used) applied.set(difference, [...new Set([...(applied.get(difference) ?? []), index + 1])]);
      }
      for (const file of step.files ?? []) {
        const [want, got] = (["wrangler", "bunflare"] as const).map((tool) => {
          const full = path.join(dirs[tool], file);
          if (!existsSync(full)) return "<missing>";
          const normal = normalize(readFileSync(full, "utf8"), tool, dirs[tool]);
          return testCase.normalize ? testCase.normalize(normal) : normal;
        });
        if (want !== got) problems.push(`${label}: the file ${file} differs\n${showDiff(want!, got!)}`);
      }
    }
  } finally {
    rmSync(dirs.wrangler, { recursive: true, force: true });
    rmSync(dirs.bunflare, { recursive: true, force: true });
  }
  // One note per expected difference, with the steps it showed in; one that
  // never showed is stale and fails the case, so declarations cannot rot.
  for (const [what, steps] of uncompared) notes.push(`~ step ${steps.join(", ")}: ${what}`);
  for (const [difference, steps] of declared) {
    const seen = applied.get(difference);
    if (seen) notes.push(`≠ expected (step ${seen.join(", ")}): ${difference.reason}`);
    else problems.push(`expected difference did not occur (step ${steps.join(", ")}): ${difference.reason}`);
  }
  return { name: testCase.name, ok: problems.length === 0, problems, notes };
}

/** A line diff (longest common subsequence), so one missing line shows as one line. */
export function showDiff(want: string, got: string): string {
  const a = want.split("\n");
  const b = got.split("\n");
  // lcs[i][j]: common lines of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while ((i < a.length || j < b.length) && out.length <= 40) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      i++;
      j++;
    } else if (i < a.length && (j === b.length || lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      out.push(`    - wrangler | ${a[i++]}`);
    } else {
      out.push(`    + bunflare | ${b[j++]}`);
    }
  }
  if (i < a.length || j < b.length) out.push("    ...");
  return out.join("\n");
}
