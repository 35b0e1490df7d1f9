import type { CompatCase, CliStep } from "../harness.ts";
import { devCase } from "../dev-harness.ts";

// Bunflare has no account: every `workflows` command acts on the local store
// (which `bunflare dev` shares) and prints wrangler's local-dev-session output.
// Wrangler without --local needs a login, and with --local needs a running
// `wrangler dev`; so the CLI cases here compare help and the argument checks
// wrangler makes before it connects anywhere. Deliberately better: wrangler
// loses every instance when `wrangler dev` restarts or is killed (the Engine
// Durable Objects live in its temp state); bunflare keeps them in .bunflare/
// and resumes them (test/workflows-crash.test.ts proves the kill -9 case).
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

export const cases: CompatCase[] = [
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
    files: { "wrangler.toml": config, "index.js": worker },
    // Node and Bun word JSON.parse's SyntaxError differently; the message around it is compared.
    normalize: (text) => text.replace(/with SyntaxError: .*' $/gm, "with SyntaxError: <reason>' ").replace(/with SyntaxError: .*'$/gm, "with SyntaxError: <reason>'"),
    steps: [
      { ...wf("trigger", "flow", "{bad"), compare: ["exitCode", "stderr"] },
      { ...wf("instances", "send-event", "flow", "some-id", "--type", "t", "--payload", "{bad"), compare: ["exitCode", "stderr"] },
      { ...wf("instances", "list", "flow", "--local", "--status", "bogus"), compare: ["exitCode", "stderr"] },
      wf("instances", "send-event", "flow", "some-id"),
      wf("trigger"),
    ],
  },
  devCase({
    name: "workflows under dev: retries, repeated step names, sleep, NonRetryableError, status shape, unknown instance",
    files: { "wrangler.toml": config, "index.js": worker },
    requests: [
      { path: "/run?id=ok-1" },
      { path: "/run?id=fatal-1&kind=fatal" },
      { path: "/missing" },
    ],
  }),
];
