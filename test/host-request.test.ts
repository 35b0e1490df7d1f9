// The Request a worker receives or constructs, shaped as workerd's: keepalive is
// there (always false), and a GET or HEAD request cannot have a body.
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

test("a GET or HEAD request with a body is refused; a null body, another method or an unchanged copy is not", () => {
  const refused = "Request with a GET or HEAD method cannot have a body.";
  const post = () => new Request("http://x/", { method: "POST", body: "abc" });
  expect(() => new Request("http://x/", { method: "GET", body: "x" })).toThrow(refused);
  expect(() => new Request("http://x/", { method: "head", body: "" })).toThrow(refused);
  expect(() => new Request("http://x/", { body: "x" })).toThrow(refused);
  expect(() => new Request(post(), { method: "GET" })).toThrow(refused);
  expect(new Request(post(), { method: "GET", body: null }).body).toBeNull();
  expect(new Request("http://x/", { method: "GET", body: null }).method).toBe("GET");
  expect(new Request(post(), { headers: { a: "b" } }).method).toBe("POST");
  expect(new Request("http://x/", post()).method).toBe("POST");
  expect(new Request("http://x/", { method: "POST", body: "x" }) instanceof Request).toBe(true);
  expect(Request.length).toBe(0);
});

test("a string body types a new request text/plain;charset=UTF-8, as workerd does; a given type and other bodies are kept", async () => {
  const typeOf = (init: RequestInit) => new Request("http://x/", { method: "POST", ...init }).headers.get("content-type");
  expect(typeOf({ body: "hi" })).toBe("text/plain;charset=UTF-8");
  expect(typeOf({ body: "" })).toBe("text/plain;charset=UTF-8");
  expect(typeOf({ body: "hi", headers: { "Content-Type": "application/json" } })).toBe("application/json");
  expect(typeOf({ body: new Uint8Array([1]) })).toBeNull();
  expect(typeOf({ body: new URLSearchParams("a=1") })).toBe("application/x-www-form-urlencoded;charset=UTF-8");
  const bytes = new Request("http://x/", { method: "POST", body: new Uint8Array([1]) });
  expect(new Request(bytes, { body: "hi" }).headers.get("content-type")).toBe("text/plain;charset=UTF-8");
  // A Request as the init is taken as it is.
  expect(new Request("http://x/", bytes).headers.get("content-type")).toBeNull();
  expect(await new Request("http://x/", { method: "POST", body: "hi" }).text()).toBe("hi");
});
