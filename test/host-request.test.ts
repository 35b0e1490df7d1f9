// The Request a worker receives or constructs, shaped as workerd's: keepalive is
// there (always false).
import { afterAll, expect, test } from "bun:test";
import { installRuntimeGlobals } from "../runtime/host/index.ts";
import { lockCodeGeneration } from "../runtime/host/scope.ts";

installRuntimeGlobals();
// The worker globals lock code generation; other test files in this process need it.
afterAll(() => lockCodeGeneration(false));

test("request.keepalive is false on received and constructed requests", async () => {
  const received = Promise.withResolvers<Request>();
  const server = Bun.serve({
    port: 0,
    fetch(request) {
      received.resolve(request);
      return new Response("ok");
    },
  });
  try {
    await fetch(server.url);
    const request = await received.promise;
    expect(request.keepalive).toBe(false);
    expect(request instanceof Request).toBe(true);
  } finally {
    server.stop(true);
  }
  expect(new Request("http://x/").keepalive).toBe(false);
  expect(new Request("http://x/", { method: "POST", body: "x", keepalive: true }).keepalive).toBe(false);
});
