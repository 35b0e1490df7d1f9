// `bunflare workflows ...` against the store a running dev server shares,
// two dev processes on one store (leases), a class that is not exported, and
// a clean shutdown while a step is still running.
import { afterAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { eventually, project, ROOT, startDev, type DevProcess } from "./dev-helpers.ts";
import { config, WORKER } from "./workflows-fixture.ts";

const BIN = path.join(ROOT, "bin", "bunflare");
const running: DevProcess[] = [];
afterAll(async () => {
  for (const dev of running) await dev.stop();
});

function cli(dir: string, ...args: string[]) {
  const result = spawnSync(BIN, ["workflows", ...args], { cwd: dir, env: { ...process.env, NO_COLOR: "1", HOME: dir }, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function setup() {
  const dir = project({ "src/index.js": WORKER });
  writeFileSync(path.join(dir, "wrangler.toml"), config(dir));
  return dir;
}
const lines = (dir: string) => (existsSync(path.join(dir, "log.txt")) ? readFileSync(path.join(dir, "log.txt"), "utf8").trim().split("\n") : []);

test("trigger, list, describe, send-event, pause, resume, terminate, restart and delete through the store", async () => {
  const dir = setup();
  const dev = await startDev(dir);
  running.push(dev);

  const triggered = cli(dir, "trigger", "semantics", '{"kind":"event"}', "--id", "cli-1");
  expect(triggered.code).toBe(0);
  expect(triggered.stdout).toContain('🚀 Workflow instance "cli-1" has been triggered successfully');
  // The running dev server picks up an instance a CLI command created.
  await eventually(async () => cli(dir, "instances", "list", "semantics").stdout.includes("⏰ Waiting"));

  const listed = cli(dir, "list");
  expect(listed.stdout).toContain("Showing 3 workflows from local dev session:");
  expect(listed.stdout).toMatch(/│ semantics\s+│ wf-test\s+│ Semantics\s+│/);

  expect(cli(dir, "instances", "pause", "semantics", "cli-1").stdout).toContain('⏸️ The instance "cli-1" from semantics was paused successfully');
  await eventually(async () => cli(dir, "instances", "describe", "semantics", "cli-1").stdout.includes("⏸️ Paused"));
  expect(cli(dir, "instances", "resume", "semantics", "latest").stdout).toContain('🔄 The instance "cli-1" from semantics was resumed successfully');
  await eventually(async () => cli(dir, "instances", "list", "semantics", "--status", "waiting").stdout.includes("cli-1"));

  const sent = cli(dir, "instances", "send-event", "semantics", "cli-1", "--type", "approve", "--payload", '{"by":"cli"}');
  expect(sent.stdout).toContain('📤 The event with type "approve" and payload "{"by":"cli"}" was sent to the instance "cli-1" from semantics');
  await eventually(async () => cli(dir, "instances", "describe", "semantics", "cli-1").stdout.includes("✅ Completed"));
  const described = cli(dir, "instances", "describe", "semantics", "cli-1").stdout;
  expect(described).toContain("Status:         ✅ Completed");
  expect(described).toContain("Name:      approval-1");
  expect(described).toContain('Output:    {"payload":{"by":"cli"}');

  expect(cli(dir, "instances", "restart", "semantics", "cli-1").code).toBe(0);
  await eventually(async () => cli(dir, "instances", "list", "semantics", "--status", "waiting").stdout.includes("cli-1"));
  expect(cli(dir, "instances", "terminate", "semantics", "cli-1").stdout).toContain('🥷 The instance "cli-1" from semantics was terminated successfully');
  expect(cli(dir, "describe", "semantics").stdout).toMatch(/terminated:\s+1/);

  expect(cli(dir, "delete", "semantics").stdout).toContain('✅ Workflow "semantics" instances removed successfully from local dev session.');
  expect(cli(dir, "instances", "list", "semantics").stderr).toContain('There are no instances in workflow "semantics"');
});

test("bad input: one clear error, exit 1, nothing stored lost", () => {
  const dir = setup();
  expect(cli(dir, "trigger", "semantics", "{}", "--id", "keep").code).toBe(0);
  const cases: [string[], string][] = [
    [["describe", "nope"], "Local API error: Workflow 'nope' not found."],
    [["instances", "describe", "semantics", "missing"], "Local API error: Workflow instance 'missing' not found."],
    [["instances", "terminate", "semantics", "missing"], "Local API error: Workflow instance 'missing' not found."],
    [["trigger", "semantics", "{not json"], 'Error while parsing instance parameters: "{not json"'],
    [["trigger", "semantics", "{}", "--id", "keep"], "Local API error: instance.already_exists"],
    [["trigger", "semantics", "{}", "--id", "bad id!"], 'Local API error: Workflow instance has invalid id: "bad id!"'],
    [["instances", "list", "semantics", "--status", "bogus"], 'Looks like you have provided a invalid status "bogus"'],
  ];
  for (const [args, message] of cases) {
    const result = cli(dir, ...args);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain("    at ");
  }
  expect(cli(dir, "instances", "list", "semantics").stdout).toContain("keep");
});

test("two dev processes on one store never run one instance twice", async () => {
  const dir = setup();
  const store = path.join(dir, "shared-store");
  const a = await startDev(dir, ["--persist-to", store]);
  running.push(a);
  const b = await startDev(dir, ["--persist-to", store]);
  running.push(b);
  const ids = Array.from({ length: 20 }, (_, i) => `dup-${i}`);
  await Promise.all(ids.map((id, i) => fetch(`${i % 2 ? a.url : b.url}/create?wf=SEM&id=${id}&params=${encodeURIComponent('{"kind":"pause"}')}`)));
  await eventually(async () => {
    const statuses = await Promise.all(ids.map(async (id) => ((await (await fetch(`${a.url}/status?wf=SEM&id=${id}`)).json()) as { status: string }).status));
    return statuses.every((status) => status === "complete");
  }, 30_000);
  expect(lines(dir).filter((line) => line === "P:a").length).toBe(20);
  expect(lines(dir).filter((line) => line === "P:b").length).toBe(20);
});

test("a workflow class the worker does not export is reported at dev start", async () => {
  const dir = setup();
  writeFileSync(path.join(dir, "wrangler.toml"), config(dir) + '\n[[workflows]]\nname = "ghost"\nbinding = "GHOST"\nclass_name = "Ghost"\n');
  const dev = await startDev(dir);
  running.push(dev);
  await dev.waitForOutput(/Workflow "ghost" uses class "Ghost", which is not exported by the worker "wf-test"/);
});

test("stopping dev while a step runs exits, and the instance resumes on the next start", async () => {
  const dir = setup();
  const dev = await startDev(dir);
  expect((await fetch(`${dev.url}/create?wf=GATED&id=g&params=%7B%7D`)).status).toBe(200);
  await eventually(async () => lines(dir).includes("A:two-start"));
  await dev.stop();
  expect(dev.child.signalCode).toBe(null);
  const again = await startDev(dir);
  running.push(again);
  writeFileSync(path.join(dir, "release"), "");
  await eventually(async () => ((await (await fetch(`${again.url}/status?wf=GATED&id=g`)).json()) as { status: string }).status === "complete");
  expect(lines(dir).filter((line) => line === "A:one").length).toBe(1);
});

test("a binding with script_name starts instances of a class in another worker of the session", async () => {
  const dir = project({
    "a/wrangler.toml": 'name = "caller"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n\n[[workflows]]\nname = "remote-flow"\nbinding = "REMOTE"\nclass_name = "Remote"\nscript_name = "owner"\n',
    "a/index.js": `export default { async fetch(request, env) {
      const url = new URL(request.url);
      if (url.pathname === "/create") return Response.json({ id: (await env.REMOTE.create({ id: "x", params: { n: 20 } })).id });
      return Response.json(await (await env.REMOTE.get("x")).status());
    } };`,
    "b/wrangler.toml": 'name = "owner"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n\n[[workflows]]\nname = "remote-flow"\nbinding = "FLOW"\nclass_name = "Remote"\n',
    "b/index.js": `import { WorkflowEntrypoint } from "cloudflare:workers";
      export class Remote extends WorkflowEntrypoint { async run(event, step) { return step.do("double", async () => event.payload.n * 2); } }
      export default { fetch() { return new Response("owner"); } };`,
  });
  const dev = await startDev(dir, ["-c", "a/wrangler.toml", "-c", "b/wrangler.toml"]);
  running.push(dev);
  expect(await (await fetch(`${dev.url}/create`)).json()).toEqual({ id: "x" });
  await eventually(async () => ((await (await fetch(`${dev.url}/status`)).json()) as { status: string }).status === "complete");
  expect(await (await fetch(`${dev.url}/status`)).json()).toMatchObject({ status: "complete", output: 40 });
});
