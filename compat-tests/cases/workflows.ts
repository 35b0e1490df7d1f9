import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { answeredLocally, BUNFLARE_BIN, makeScratch, normalize, runStep, toolEnv, WRANGLER_JS, type CaseOutcome, type CompatCase, type CliStep, type ExpectedDifference, type Tool } from "../harness.ts";
import { devCase } from "../dev-harness.ts";

// Bunflare has no account: every `workflows` command acts on the local store
// (which `bunflare dev` shares) and prints wrangler's local-dev-session output.
// Wrangler without --local needs a login, and with --local needs a running
// `wrangler dev`; so the CLI cases here compare help and the argument checks
// wrangler makes before it connects anywhere; the session case below runs the
// `--local --port` forms against both dev servers. Deliberately better: after
// `wrangler dev` is killed and restarted, an instance that was running never
// resumes (it stays "running"); bunflare resumes it from its checkpoints
// (test/workflows-crash.test.ts proves the kill -9 case step by step).
const wf = (...args: string[]): CliStep => ({ args: ["workflows", ...args] });

const config = `name = "wf"
main = "index.js"
compatibility_date = "2025-01-01"

[[workflows]]
name = "flow"
binding = "FLOW"
class_name = "Flow"
`;

const worker = `import { WorkflowEntrypoint } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";

export class Flow extends WorkflowEntrypoint {
  async run(event, step) {
    if (event.payload.kind === "nap") {
      await step.sleep("nap", "8 seconds");
      return "woke";
    }
    if (event.payload.kind === "fatal") {
      await step.do("fatal", async () => { throw new NonRetryableError("stop here"); });
    }
    let tries = 0;
    const a = await step.do("flaky", { retries: { limit: 2, delay: 10, backoff: "constant" } }, async () => {
      tries++;
      if (tries === 1) throw new Error("first try fails");
      return { tries, when: "now" };
    });
    const b = await step.do("same", async () => 1);
    const c = await step.do("same", async () => 2);
    await step.sleep("short", 20);
    return { a, b, c, payload: event.payload, id: event.instanceId, date: event.timestamp instanceof Date };
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const id = url.searchParams.get("id");
    if (url.pathname === "/status") {
      try { return Response.json(await (await env.FLOW.get(id)).status()); }
      catch (error) { return new Response(String(error.message)); }
    }
    if (url.pathname === "/sleeping") {
      const instance = await env.FLOW.create({ id, params: { kind: "nap" } });
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return Response.json(await instance.status());
    }
    if (url.pathname === "/missing") {
      try { await env.FLOW.get("does-not-exist"); return new Response("found?"); }
      catch (error) { return new Response(String(error.message)); }
    }
    const instance = await env.FLOW.create({ id, params: { kind: url.searchParams.get("kind") } });
    for (;;) {
      const status = await instance.status();
      if (status.status === "complete" || status.status === "errored") return Response.json({ id: instance.id, ...status });
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  },
};
`;

/** `dev` on an ephemeral port, resolving with the port once it is ready. */
function startDev(tool: Tool, dir: string): Promise<{ child: ChildProcess; port: number }> {
  const argv = ["dev", "--port", "0"];
  const child =
    tool === "wrangler"
      ? spawn(process.env.NODE_BINARY ?? "node", [WRANGLER_JS, ...argv], { cwd: dir, env: toolEnv(dir), detached: true })
      : spawn(BUNFLARE_BIN, argv, { cwd: dir, env: toolEnv(dir), detached: true });
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${tool} dev did not start:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.replace(/\x1b\[[0-9;]*m/g, "").match(/Ready on https?:\/\/[^:]+:(\d+)/);
      if (match) {
        clearTimeout(timer);
        resolve({ child, port: Number(match[1]) });
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
  });
}

function killGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
  return exited;
}

async function waitForStatus(port: number, id: string, want: RegExp): Promise<string> {
  let last = "";
  for (let i = 0; i < 300; i++) {
    last = await fetch(`http://127.0.0.1:${port}/status?id=${id}`).then((r) => r.text(), (e) => String(e));
    if (want.test(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`instance ${id} never matched ${want}: ${last}`);
}

// Times, durations and dates differ between the two runs.
const maskTimes = (text: string) =>
  text
    .replace(/\d{1,2}\/\d{1,2}\/\d{4}, \d{1,2}:\d\d:\d\d [AP]M/g, "<DATE>")
    .replace(/\b\d+ (second|minute|hour|day)s?\b/g, "<DURATION>");

/**
 * The `--local --port` forms against a running dev session, then the same
 * list after the dev server is killed and started again. Wrangler keeps the
 * instance's record across the restart too (its Engine objects persist in
 * .wrangler/state) but never resumes an instance that was running: that is
 * what test/workflows-crash.test.ts shows bunflare doing.
 */
const sessionCase: CompatCase = {
  name: "workflows --local commands against a running dev session, and after a restart",
  files: { "wrangler.toml": config, "index.js": worker },
  steps: [],
  async run(): Promise<CaseOutcome> {
    const name = sessionCase.name;
    const problems: string[] = [];
    const dirs = { wrangler: makeScratch(sessionCase, "wrangler"), bunflare: makeScratch(sessionCase, "bunflare") };
    const devs: Partial<Record<Tool, { child: ChildProcess; port: number }>> = {};
    const compare = async (label: string, args: (port: number) => string[]) => {
      const [want, got] = await Promise.all((["wrangler", "bunflare"] as const).map(async (tool) => {
        const result = await runStep(tool, dirs[tool], { args: args(devs[tool]!.port) });
        return maskTimes(`exit ${result.exitCode}\n${normalize(result.stdout, tool, dirs[tool])}\n${normalize(result.stderr, tool, dirs[tool])}`);
      }));
      if (want !== got) problems.push(`${label} differs\n    - wrangler | ${want!.split("\n").join("\n    - wrangler | ")}\n    + bunflare | ${got!.split("\n").join("\n    + bunflare | ")}`);
    };
    try {
      for (const tool of ["wrangler", "bunflare"] as const) devs[tool] = await startDev(tool, dirs[tool]);
      const local = (port: number) => ["--local", "--port", String(port)];
      await compare("trigger --local", (port) => ["workflows", "trigger", "flow", '{"kind":"ok"}', "--id", "one", ...local(port)]);
      for (const tool of ["wrangler", "bunflare"] as const) await waitForStatus(devs[tool]!.port, "one", /"complete"/);
      await compare("list --local", (port) => ["workflows", "list", ...local(port)]);
      await compare("describe --local", (port) => ["workflows", "describe", "flow", ...local(port)]);
      await compare("instances list --local", (port) => ["workflows", "instances", "list", "flow", ...local(port)]);
      await compare("instances describe --local", (port) => ["workflows", "instances", "describe", "flow", "one", ...local(port)]);
      await compare("instances terminate of an unknown id", (port) => ["workflows", "instances", "terminate", "flow", "missing", ...local(port)]);
      await compare("describe of an unknown workflow", (port) => ["workflows", "describe", "nope", ...local(port)]);
      // An instance inside a sleep when the server is killed.
      await compare("trigger --local of a sleeping instance", (port) => ["workflows", "trigger", "flow", '{"kind":"nap"}', "--id", "nap", ...local(port)]);
      // Both at once: waiting for one tool first let the other's sleep end before the kill (CI, under load).
      await Promise.all((["wrangler", "bunflare"] as const).map((tool) => waitForStatus(devs[tool]!.port, "nap", /"running"|"waiting"/)));
      for (const tool of ["wrangler", "bunflare"] as const) {
        await killGroup(devs[tool]!.child);
        devs[tool] = await startDev(tool, dirs[tool]);
      }
      // Not diffed: after the restart wrangler lists a stray row ("N/A" id, created and status)
      // beside its instances, and its sleeping instance never wakes (wrangler 4.86, watched for
      // 30 s: it stays "running"). Bunflare lists exactly its instances and resumes the sleep at its original time.
      const after = await runStep("bunflare", dirs.bunflare, { args: ["workflows", "instances", "list", "flow", ...local(devs.bunflare!.port)] });
      const plain = after.stdout.replace(/\x1b\[[0-9;]*m/g, "");
      if (!/│ one\s+│/.test(plain) || /N\/A/.test(plain)) problems.push(`bunflare lost or garbled its instances after a restart:\n${after.stdout}`);
      await waitForStatus(devs.bunflare!.port, "nap", /"complete"/).catch((error) => problems.push(`bunflare: ${error}`));
    } catch (error) {
      problems.push(String(error));
    } finally {
      for (const dev of Object.values(devs)) if (dev) await killGroup(dev.child);
      rmSync(dirs.wrangler, { recursive: true, force: true });
      rmSync(dirs.bunflare, { recursive: true, force: true });
    }
    return { name, ok: problems.length === 0, problems };
  },
};

/** Node (V8) and Bun (JavaScriptCore) word JSON.parse's SyntaxError differently; the message around it is the same. */
const jsonParserWords: ExpectedDifference = {
  reason: "JSON.parse's own words differ between Node's V8 and Bun's JavaScriptCore",
  streams: ["stderr"],
  wrangler: (text) => text.replace(/with SyntaxError: .*' (?=\S*$)/gm, "with SyntaxError: <parser's words>' "),
  bunflare: (text) => text.replace(/with SyntaxError: .*' (?=\S*$)/gm, "with SyntaxError: <parser's words>' "),
};

export const cases: CompatCase[] = [
  sessionCase,
  {
    name: "workflows list, describe and instances list answer from the local store, where wrangler needs a Cloudflare login",
    files: { "wrangler.toml": config, "index.js": worker },
    steps: [wf("list"), wf("describe", "flow"), wf("instances", "list", "flow")],
    expected: answeredLocally("test/workflows-cli.test.ts"),
  },
  {
    name: "workflows help",
    steps: [wf("--help"), wf("instances", "--help")],
  },
  {
    name: "workflows subcommand help",
    steps: [
      wf("list", "--help"),
      wf("describe", "--help"),
      wf("trigger", "--help"),
      wf("delete", "--help"),
      wf("instances", "list", "--help"),
      wf("instances", "describe", "--help"),
      wf("instances", "send-event", "--help"),
      wf("instances", "terminate", "--help"),
      wf("instances", "pause", "--help"),
      wf("instances", "resume", "--help"),
      wf("instances", "restart", "--help"),
    ],
  },
  {
    name: "workflows bad input: unparsable params and payload, unknown status, missing arguments",
    fast: true,
    files: { "wrangler.toml": config, "index.js": worker },
    steps: [
      { ...wf("trigger", "flow", "{bad"), expected: [jsonParserWords] },
      { ...wf("instances", "send-event", "flow", "some-id", "--type", "t", "--payload", "{bad"), expected: [jsonParserWords] },
      wf("instances", "list", "flow", "--local", "--status", "bogus"),
      wf("instances", "send-event", "flow", "some-id"),
      wf("trigger"),
    ],
  },
  devCase({
    name: "workflows under dev: retries, repeated step names, sleep, NonRetryableError, status shape, unknown instance",
    files: { "wrangler.toml": config, "index.js": worker },
    compareStartup: true,
    requests: [
      { path: "/run?id=ok-1" },
      { path: "/run?id=fatal-1&kind=fatal" },
      { path: "/missing" },
      // Not compared: /sleeping (status 1 s into a step.sleep). Wrangler's local engine says
      // "running" there; bunflare says "waiting", the deployed runtime's status for an instance
      // that sleeps or waits for an event, so code that polls status sees what it will see in
      // production.
    ],
  }),
];
