// Workers RPC under wrangler dev and bunflare dev: a worker calling its own
// named entrypoint through a service binding, and a Durable Object. What the
// caller sees (results, error types and messages, stubs) is compared as JSON.
import type { CompatCase } from "../harness.ts";
import { devCase } from "../dev-harness.ts";

export const cases: CompatCase[] = [
  devCase({
    name: "rpc: properties, pipelining, RpcTargets, function stubs, ctx.props, errors, cloning and disposal",
    fixture: "dev-rpc",
    // Not compared: RPC to an entrypoint class that does not extend WorkerEntrypoint. wrangler answers
    // "internal error; reference = <random>"; bunflare says which class and why (test/rpc.test.ts).
    requests: [{ path: "/members" }, { path: "/props" }, { path: "/errors" }, { path: "/clone" }, { path: "/handlers" }, { path: "/stubs" }],
  }),
];
