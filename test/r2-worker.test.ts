import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore } from "../runtime/store/index.ts";
import { createR2Bucket } from "../runtime/bindings/r2/index.ts";

const FIXTURE = path.resolve(import.meta.dir, "..", "fixtures", "r2-worker");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// Miniflare reports storageClass "" for every object; production R2 (and
// bunflare) report the class stored ("Standard" by default). Everything else in
// the report must be what workerd printed under `wrangler dev`.
function normalise(report: unknown): unknown {
  return JSON.parse(JSON.stringify(report), (key, value) => (key === "storageClass" ? "<class>" : value));
}

test("the fixture worker exercising every R2 method reports what workerd reported", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "r2-worker-"));
  dirs.push(dir);
  const store = openStore(dir);
  try {
    const worker = (await import(path.join(FIXTURE, "src", "index.js"))).default as {
      fetch(request: Request, env: Record<string, unknown>): Promise<Response>;
    };
    const env = { B: createR2Bucket(store, "probe-bucket") };
    const response = await worker.fetch(new Request("http://localhost/"), env);
    const report = (await response.json()) as Record<string, unknown>;
    const expected = JSON.parse(readFileSync(path.join(FIXTURE, "expected.json"), "utf8")) as Record<string, unknown>;
    for (const name of Object.keys(expected)) {
      expect({ [name]: normalise(report[name]) }).toEqual({ [name]: normalise(expected[name]) });
    }
    expect(Object.keys(report)).toEqual(Object.keys(expected));
  } finally {
    store.close();
  }
}, 60_000);
