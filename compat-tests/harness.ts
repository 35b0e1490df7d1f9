// Runs the same steps under the pinned real wrangler and under bunflare, each
// in its own scratch copy of a fixture, and diffs what a user would see: exit
// codes, stdout, stderr, after normalising what legitimately differs
// (banners, versions, absolute paths, timings, log-file lines, ids).
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const REPO_ROOT = path.resolve(import.meta.dir, "..");
export const FIXTURES_DIR = path.join(REPO_ROOT, "fixtures");
const COMPAT_DIR = import.meta.dir;
export const WRANGLER_JS = path.join(COMPAT_DIR, "node_modules", "wrangler", "bin", "wrangler.js");
export const BUNFLARE_BIN = path.join(REPO_ROOT, "bin", "bunflare");

export type Tool = "wrangler" | "bunflare";

/** One CLI invocation, as a user would type it after `wrangler` / `bunflare`. */
export interface CliStep {
  args: string[];
  stdin?: string;
  env?: Record<string, string>;
  /** Which streams to compare (default: all three). */
  compare?: ("exitCode" | "stdout" | "stderr")[];
  /** Only run, do not compare (setup steps such as seeding data). */
  setup?: boolean;
  /** Run a shell command in the scratch dir instead (setup only, same under both). */
  shell?: string;
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
  /** A case with its own runner (e.g. HTTP against two dev servers) instead of CLI steps. */
  run?: () => Promise<CaseOutcome>;
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

export function runStep(tool: Tool, dir: string, step: CliStep): StepResult {
  const env = toolEnv(dir, step.env);
  const result = step.shell
    ? spawnSync("sh", ["-c", step.shell], { cwd: dir, env, input: step.stdin, encoding: "utf8" })
    : tool === "wrangler"
      ? spawnSync(process.env.NODE_BINARY ?? "node", [WRANGLER_JS, ...step.args], { cwd: dir, env, input: step.stdin ?? "", encoding: "utf8" })
      : spawnSync(BUNFLARE_BIN, step.args, { cwd: dir, env, input: step.stdin ?? "", encoding: "utf8" });
  return { exitCode: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

const ANSI = /\x1b\[[0-9;]*m/g;

export function normalize(text: string, tool: Tool, dir: string): string {
  let out = text.replace(ANSI, "");
  out = out.replaceAll(dir, "<DIR>").replaceAll(path.join("/private", dir), "<DIR>");
  if (tool === "bunflare") out = out.replace(/\bbunflare\b/g, "wrangler");
  const lines = out.split("\n").filter((line) => !/^🪵\s+Logs were written to/.test(line));
  // Banner: " ⛅️ wrangler 4.86.0 (update available ...)" and its rule line.
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^ ⛅️ wrangler /.test(line)) {
      if (kept.at(-1) === "") kept.pop();
      if (/^─+$/.test(lines[i + 1] ?? "")) i++;
      continue;
    }
    kept.push(line.replace(/\s+$/, ""));
  }
  out = kept.join("\n");
  out = out
    .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, "<UUID>")
    .replace(/\b[0-9a-f]{32}\b/g, "<ID>")
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, "<TIME>")
    .replace(/\b\d+(\.\d+)?\s?ms\b/g, "<N>ms")
    // Wrangler's help and parse errors point at its own issue tracker; ours differs.
    .replace(/^Please report any issues to .*$/m, "Please report any issues to <URL>")
    .replace(/(If you think this is a bug, please open an issue at:) \S+/g, "$1 <URL>")
    // Wrangler's update check (network-dependent) adds this hint to unknown-field warnings.
    .replace(/^There is a newer version of Wrangler available .*\n?/gm, "");
  return out.replace(/^\n+/, "").replace(/\n+$/, "");
}

export interface CaseOutcome {
  name: string;
  ok: boolean;
  problems: string[];
}

export function runCase(testCase: CompatCase): CaseOutcome {
  const dirs = { wrangler: makeScratch(testCase, "wrangler"), bunflare: makeScratch(testCase, "bunflare") };
  const problems: string[] = [];
  try {
    testCase.steps.forEach((step, index) => {
      const results = {
        wrangler: runStep("wrangler", dirs.wrangler, step),
        bunflare: runStep("bunflare", dirs.bunflare, step),
      };
      if (step.setup || step.shell) {
        for (const tool of ["wrangler", "bunflare"] as const) {
          if (results[tool].exitCode !== 0) {
            problems.push(`step ${index + 1} (setup) failed under ${tool}:\n${results[tool].stderr}${results[tool].stdout}`);
          }
        }
        return;
      }
      const label = `step ${index + 1}: ${step.args.join(" ")}`;
      for (const stream of step.compare ?? ["exitCode", "stdout", "stderr"]) {
        const [want, got] = (["wrangler", "bunflare"] as const).map((tool) => {
          const value = results[tool][stream];
          if (typeof value === "number") return String(value);
          const normal = normalize(value, tool, dirs[tool]);
          return testCase.normalize ? testCase.normalize(normal) : normal;
        });
        if (want !== got) problems.push(`${label}: ${stream} differs\n${showDiff(want!, got!)}`);
      }
    });
  } finally {
    rmSync(dirs.wrangler, { recursive: true, force: true });
    rmSync(dirs.bunflare, { recursive: true, force: true });
  }
  return { name: testCase.name, ok: problems.length === 0, problems };
}

function showDiff(want: string, got: string): string {
  const a = want.split("\n");
  const b = got.split("\n");
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    if (a[i] !== undefined) out.push(`    - wrangler | ${a[i]}`);
    if (b[i] !== undefined) out.push(`    + bunflare | ${b[i]}`);
    if (out.length > 40) {
      out.push("    ...");
      break;
    }
  }
  return out.join("\n");
}
