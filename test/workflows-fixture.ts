// A worker with workflows whose steps log side effects to a file, shared by the workflow tests.
export const WORKER = `
import { WorkflowEntrypoint } from "cloudflare:workers";
import { NonRetryableError } from "cloudflare:workflows";
import { appendFileSync, existsSync } from "node:fs";

const log = (env, line) => appendFileSync(env.LOG, line + "\\n");
const gate = async (env, name) => { while (!existsSync(env.DIR + "/" + name)) await new Promise((r) => setTimeout(r, 20)); };

export class Gated extends WorkflowEntrypoint {
  async run(event, step) {
    const one = await step.do("one", async () => { log(this.env, "A:one"); return { n: 1, at: new Date(0) }; });
    const two = await step.do("two", async () => { log(this.env, "A:two-start"); await gate(this.env, "release"); log(this.env, "A:two-done"); return 2; });
    return { one, two, payload: event.payload, instanceId: event.instanceId, isDate: event.timestamp instanceof Date };
  }
}

export class Sleeper extends WorkflowEntrypoint {
  async run(event, step) {
    const before = await step.do("before", async () => { log(this.env, "B:before"); return Date.now(); });
    await step.sleep("nap", event.payload.ms);
    await step.do("after", async () => { log(this.env, "B:after:" + Date.now()); });
    return before;
  }
}

export class Semantics extends WorkflowEntrypoint {
  async run(event, step) {
    const p = event.payload;
    if (p.kind === "retry") {
      const attempts = [];
      const out = await step.do("flaky", { retries: { limit: p.limit, delay: p.delay, backoff: p.backoff } }, async (ctx) => {
        attempts.push(Date.now());
        log(this.env, "R:" + ctx.attempt + ":" + Date.now());
        if (ctx.attempt <= p.failures) throw new Error("boom " + ctx.attempt);
        return "ok after " + ctx.attempt;
      });
      return out;
    }
    if (p.kind === "nonretryable") {
      await step.do("fatal", { retries: { limit: 5, delay: 10 } }, async () => { log(this.env, "N:attempt"); throw new NonRetryableError("give up"); });
    }
    if (p.kind === "timeout") {
      await step.do("slow", { retries: { limit: 0, delay: 0 }, timeout: 50 }, () => new Promise(() => {}));
    }
    if (p.kind === "serialise") {
      await step.do("fn", async () => () => 1);
    }
    if (p.kind === "duplicate") {
      const a = await step.do("same", async () => "first");
      const b = await step.do("same", async () => "second");
      return [a, b];
    }
    if (p.kind === "event") {
      const got = await step.waitForEvent("approval", { type: "approve", timeout: p.timeout ?? "1 hour" });
      return { payload: got.payload, type: got.type, isDate: got.timestamp instanceof Date };
    }
    if (p.kind === "past") {
      await step.sleepUntil("long ago", new Date(0));
    }
    if (p.kind === "until") {
      const at = await step.do("target", async () => Date.now() + 150);
      await step.sleepUntil("soon", new Date(at));
      return Date.now() >= at;
    }
    if (p.kind === "pause") {
      await step.do("a", async () => { log(this.env, "P:a"); });
      await step.sleep("wait", 300);
      await step.do("b", async () => { log(this.env, "P:b"); });
      return "done";
    }
    return null;
  }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const wf = env[url.searchParams.get("wf")];
    const id = url.searchParams.get("id");
    try {
      if (url.pathname === "/batch") {
        const ids = JSON.parse(url.searchParams.get("ids"));
        const instances = await wf.createBatch(ids.map((id) => ({ id, params: { kind: "duplicate" } })));
        return Response.json(instances.map((instance) => instance.id));
      }
      if (url.pathname === "/create") {
        const params = JSON.parse(url.searchParams.get("params") ?? "{}");
        const instance = await wf.create({ id, params });
        return Response.json({ id: instance.id });
      }
      const instance = await wf.get(id);
      if (url.pathname === "/status") return Response.json(await instance.status());
      if (url.pathname === "/event") { await instance.sendEvent({ type: url.searchParams.get("type"), payload: JSON.parse(url.searchParams.get("payload")) }); return Response.json({}); }
      if (url.pathname === "/action") { await instance[url.searchParams.get("action")](); return Response.json({}); }
    } catch (error) {
      return Response.json({ error: String(error) }, { status: 500 });
    }
    return new Response("not found", { status: 404 });
  },
};
`;

export function config(dir: string): string {
  return `name = "wf-test"
main = "src/index.js"
compatibility_date = "2025-01-01"
compatibility_flags = ["nodejs_compat"]

[vars]
LOG = "${dir}/log.txt"
DIR = "${dir}"

[[workflows]]
name = "gated"
binding = "GATED"
class_name = "Gated"

[[workflows]]
name = "sleeper"
binding = "SLEEPER"
class_name = "Sleeper"

[[workflows]]
name = "semantics"
binding = "SEM"
class_name = "Semantics"
`;
}
