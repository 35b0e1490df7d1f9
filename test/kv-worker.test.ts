// The kv-worker fixture calls every KV method with valid and invalid input.
// Its report under real workerd (`wrangler dev`) is recorded in expected.json
// (re-record with `bun compat-tests/record.ts`, checked by the "recordings" compat case); run against bunflare's
// binding it must come out the same.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore, type Store } from "../runtime/store/index.ts";
import { createKVNamespace } from "../runtime/bindings/kv/index.ts";

const FIXTURE = path.resolve(import.meta.dir, "..", "fixtures", "kv-worker");
const expected = JSON.parse(readFileSync(path.join(FIXTURE, "expected.json"), "utf8")) as Record<string, unknown>;

/** JSON.parse's wording is the JS engine's own (V8 vs JavaScriptCore): only the error class is compared. */
function engineNeutral(report: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(report).map(([name, outcome]) => {
      const error = (outcome as { error?: string }).error;
      return [name, error?.startsWith("SyntaxError:") ? { error: "SyntaxError" } : outcome];
    }),
  );
}

let dir: string;
let store: Store;
let report: Record<string, unknown>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "kv-worker-"));
  store = openStore(path.join(dir, ".bunflare"));
  const worker = (await import(path.join(FIXTURE, "src", "index.js"))).default;
  const response: Response = await worker.fetch(new Request("http://localhost/"), { KV: createKVNamespace(store, "kv-worker-id") });
  report = (await response.json()) as Record<string, unknown>;
});
afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

test("every check of the fixture ran", () => {
  expect(Object.keys(report)).toEqual(Object.keys(expected));
});

for (const name of Object.keys(expected)) {
  test(`env.KV behaves as workerd: ${name}`, () => {
    expect(engineNeutral(report)[name]).toEqual(engineNeutral(expected)[name]);
  });
}
