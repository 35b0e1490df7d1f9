// The programmatic API a project's tests import: unstable_startWorker and unstable_dev,
// driven by one Node script against wrangler's package and against bunflare's (its Node
// entry, which starts `bunflare dev` under Bun), what the script observes compared.
import { spawn } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { compareStream, makeScratch, REPO_ROOT, toolEnv, WRANGLER_JS, type CaseOutcome, type CompatCase, type Tool } from "../harness.ts";

const PROBE = `
const api = await import(process.argv[2]);
const out = {};
const worker = await api.unstable_startWorker({ config: "wrangler.json", dev: { server: { port: 0 }, persist: false, logLevel: "none" } });
await worker.ready;
const url = await worker.url;
out.startWorker = {
  members: ["ready", "url", "fetch", "dispose"].map((key) => key + ": " + typeof worker[key]),
  url: { isURL: url instanceof URL, protocol: url.protocol, pathname: url.pathname },
  path: await (await worker.fetch(new URL("/path?q=1", url))).text(),
  put: (await worker.fetch(new URL("/kv/k", url), { method: "PUT", body: "v" })).status,
  get: await (await worker.fetch(new URL("/kv/k", url))).text(),
};
await worker.dispose();
const dev = await api.unstable_dev("src/index.ts", {
  config: "wrangler.json", vars: { GREETING: "hi" }, persist: false, logLevel: "none",
  experimental: { disableExperimentalWarning: true },
});
out.dev = {
  members: Object.keys(dev).sort().map((key) => key + ": " + typeof dev[key]),
  address: dev.address,
  port: Number.isInteger(dev.port) && dev.port > 0,
  text: await (await dev.fetch("/x?y=1")).text(),
};
await dev.stop();
// A file, not stdout: wrangler logs its own warnings to stdout.
await (await import("node:fs/promises")).writeFile("result.json", JSON.stringify(out, null, 2) + "\\n");
`;

function probe(tool: Tool, dir: string): Promise<{ result: string; exitCode: number; output: string }> {
  const entry = tool === "wrangler" ? path.join(path.dirname(WRANGLER_JS), "..", "wrangler-dist", "cli.js") : path.join(REPO_ROOT, "src", "node.mjs");
  writeFileSync(path.join(dir, "probe.mjs"), PROBE);
  return new Promise((resolve) => {
    const child = spawn(process.env.NODE_BINARY ?? "node", ["probe.mjs", entry], { cwd: dir, env: toolEnv(dir) });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("close", (code) => {
      let result = "";
      try {
        result = readFileSync(path.join(dir, "result.json"), "utf8");
      } catch {}
      resolve({ result, output: stdout + stderr, exitCode: code ?? 1 });
    });
  });
}

const testCase: CompatCase = {
  name: "api: unstable_startWorker and unstable_dev under Node, as a project's tests use them",
  fixture: "start-worker",
  steps: [],
  async run(): Promise<CaseOutcome> {
    const dirs = { wrangler: makeScratch(testCase, "wrangler"), bunflare: makeScratch(testCase, "bunflare") };
    try {
      const [wrangler, bunflare] = await Promise.all([probe("wrangler", dirs.wrangler), probe("bunflare", dirs.bunflare)]);
      const problems: string[] = [];
      for (const [tool, result] of [["wrangler", wrangler], ["bunflare", bunflare]] as const) {
        if (result.exitCode !== 0) problems.push(`the probe failed under ${tool} (exit ${result.exitCode}):\n${result.output}`);
      }
      const problem = compareStream("probe", "stdout", { wrangler: wrangler.result, bunflare: bunflare.result }, [], [], new Set());
      if (problem) problems.push(problem);
      return { name: testCase.name, ok: problems.length === 0, problems, notes: ["~ the console output is not compared: wrangler warns there that it cannot fetch request.cf offline"] };
    } finally {
      for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true });
    }
  },
};

export const cases: CompatCase[] = [testCase];
