// The client's request as a worker receives it.
import { expect, test } from "bun:test";
import { asReceived } from "../runtime/host/received.ts";

test("the worker's request has no hop-by-hop headers, and its headers cannot be changed", () => {
  const request = asReceived(
    new Request("http://localhost/", { headers: { connection: "keep-alive", "keep-alive": "timeout=5", te: "trailers", upgrade: "h2c", "x-custom": "yes" } }),
  );
  expect([...request.headers]).toEqual([["x-custom", "yes"]]);
  for (const change of [() => request.headers.set("a", "1"), () => request.headers.append("a", "1"), () => request.headers.delete("x-custom")]) {
    expect(change).toThrow("Can't modify immutable headers.");
  }
  const copy = new Request(request);
  copy.headers.set("a", "1");
  expect(copy.headers.get("a")).toBe("1");
});

test("a WebSocket upgrade keeps its Connection and Upgrade headers", () => {
  const request = asReceived(new Request("http://localhost/", { headers: { connection: "Upgrade", upgrade: "websocket" } }));
  expect(request.headers.get("upgrade")).toBe("websocket");
  expect(request.headers.get("connection")).toBe("Upgrade");
});
