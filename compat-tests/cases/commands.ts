// What the shared command runner prints, compared byte for byte, colours
// included: the harness's usual comparison strips ANSI codes and trims blank
// lines, so these steps are compared raw (only the banner's version line, the
// rule's length, log-file lines, issue URLs and the tool's name are masked).
// Each step runs with FORCE_COLOR=1 (chalk's 16 colours, as in a CI log) and
// on a plain pipe (no colour at all), under both tools.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { BUNFLARE_BIN, makeScratch, toolEnv, WRANGLER_JS, type CaseOutcome, type CliStep, type CompatCase, type StepResult, type Tool } from "../harness.ts";

/** One step with FORCE_COLOR as given, or not set at all (a plain pipe). */
function runRaw(tool: Tool, dir: string, step: CliStep, forceColor: string | undefined): StepResult {
  const env = toolEnv(dir, step.env);
  if (forceColor === undefined) delete env.FORCE_COLOR;
  else env.FORCE_COLOR = forceColor;
  const command = tool === "wrangler" ? [process.env.NODE_BINARY ?? "node", WRANGLER_JS] : [BUNFLARE_BIN];
  const result = spawnSync(command[0]!, [...command.slice(1), ...step.args], { cwd: dir, env, input: step.stdin ?? "", encoding: "utf8" });
  return { exitCode: result.status ?? 1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

function mask(text: string, tool: Tool, dir: string): string {
  const named = tool === "bunflare" ? text.replace(/bunflare/g, "wrangler") : text;
  return named
    .replaceAll(dir, "<DIR>")
    .replace(/^ ⛅️ (wrangler|bunflare) .*$/m, " ⛅️ <VERSION>")
    .replace(/─{10,}/, "<RULE>")
    .replace(/^🪵\s+Logs were written to .*\n?/m, "")
    .replace(/(Please report any issues to (?:\x1b\[36m)?)\S+?(\x1b\[39m|$)/gm, "$1<URL>$2")
    // Wrangler leaves one more blank line after an error, before its log-file line.
    .replace(/\n+$/, "\n");
}

function rawCase(name: string, fixture: string, steps: CliStep[], files?: Record<string, string>): CompatCase {
  return {
    name,
    fixture,
    files,
    steps: [],
    async run(): Promise<CaseOutcome> {
      const problems: string[] = [];
      for (const colour of ["1", undefined]) {
        const dirs = { wrangler: makeScratch(this, "wrangler"), bunflare: makeScratch(this, "bunflare") };
        try {
          for (const step of steps) {
            const results = {
              wrangler: runRaw("wrangler", dirs.wrangler, step, colour),
              bunflare: runRaw("bunflare", dirs.bunflare, step, colour),
            };
            const label = `${colour ? "FORCE_COLOR=1" : "no colour"}: ${step.args.join(" ")}`;
            if (results.wrangler.exitCode !== results.bunflare.exitCode) {
              problems.push(`${label}: exit code ${results.wrangler.exitCode} vs ${results.bunflare.exitCode}`);
            }
            for (const stream of step.compare ?? (["stdout", "stderr"] as const)) {
              if (stream === "exitCode") continue;
              const want = mask(results.wrangler[stream], "wrangler", dirs.wrangler);
              const got = mask(results.bunflare[stream], "bunflare", dirs.bunflare);
              if (want !== got) problems.push(`${label}: ${stream} differs\n    wrangler: ${JSON.stringify(want)}\n    bunflare: ${JSON.stringify(got)}`);
            }
          }
        } finally {
          rmSync(dirs.wrangler, { recursive: true, force: true });
          rmSync(dirs.bunflare, { recursive: true, force: true });
        }
      }
      return { name, ok: problems.length === 0, problems };
    },
  };
}

export const cases: CompatCase[] = [
  rawCase("commands: banner, resource location and usage errors, raw bytes with colours", "kv-basic", [
    { args: ["kv", "key", "put", "a", "b", "--binding", "KV"] },
    // A usage error from validateArgs: banner, blank line, the error, the command's help.
    { args: ["kv", "key", "put", "a", "b"] },
    // --remote: wrangler prints "Resource location: remote" and its first line, then
    // needs the network; bunflare stops at that point with its own message.
    { args: ["kv", "key", "put", "a", "b", "--binding", "KV", "--remote"], compare: [] },
    // yargs' own argument errors: no banner, blank line, error, help.
    { args: ["kv", "key", "get", "a", "--binding", "KV", "--local", "--remote"] },
    // confirm() in CI: the question, then the fallback answer (dim, then white bold).
    { args: ["kv", "bulk", "delete", "keys.json", "--binding", "KV"] },
  ], { "keys.json": '["a"]' }),
  rawCase(
    "commands: confirm prompts in CI and cli-table3 tables, raw bytes with colours",
    "d1-basic",
    [
      { args: ["d1", "migrations", "list", "DB"] },
      { args: ["d1", "migrations", "apply", "DB"], compare: ["stderr"] },
    ],
  ),
  rawCase("commands: help lists status suffixes in wrangler's colour", "kv-basic", [{ args: ["kv", "bulk", "--help"] }, { args: ["d1", "--help"] }]),
];
