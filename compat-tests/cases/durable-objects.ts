// Durable Object behaviour a worker sees under both dev servers, beyond the
// KV / SQL round trips of dev.ts.
import type { CompatCase } from "../harness.ts";
import { devCase } from "../dev-harness.ts";

const config = (name: string) =>
  `name = "${name}"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[durable_objects.bindings]]\nname = "D"\nclass_name = "Thing"\n[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["Thing"]\n`;

// A blockConcurrencyWhile callback that throws, or ctx.abort(), breaks the
// object: the call that was running fails with that error even when it caught
// it (and is not marked remote), and the next call meets a new instance.
const BROKEN_WORKER = `import { DurableObject } from "cloudflare:workers";
let constructed = 0;
export class Thing extends DurableObject {
  constructor(ctx, env) { super(ctx, env); constructed++; this.mark = "fresh"; }
  async bcw() {
    this.mark = "touched";
    try { await this.ctx.blockConcurrencyWhile(async () => { throw new Error("bcw boom"); }); } catch (e) { return "caught " + e.message; }
  }
  async abort() {
    this.mark = "touched";
    try { this.ctx.abort("stop now"); } catch (e) { return "caught " + e.message; }
  }
  async thrower() { throw new Error("plain"); }
  async state() { const mark = this.mark; this.mark = "touched"; return { constructed, mark }; }
}
export default {
  async fetch(request, env) {
    const method = new URL(request.url).pathname.slice(1);
    const stub = env.D.get(env.D.idFromName("x"));
    try { return Response.json({ ok: await stub[method]() }); }
    catch (e) { return Response.json({ error: e.constructor.name + ": " + e.message, remote: e.remote ?? null }); }
  },
};
`;

export const cases: CompatCase[] = [
  devCase({
    name: "durable objects: a blockConcurrencyWhile that throws, or ctx.abort(), fails the running call and resets the object",
    files: { "wrangler.toml": config("broken"), "index.js": BROKEN_WORKER },
    requests: [{ path: "/state" }, { path: "/state" }, { path: "/thrower" }, { path: "/bcw" }, { path: "/state" }, { path: "/abort" }, { path: "/state" }],
    fast: true,
  }),
];
