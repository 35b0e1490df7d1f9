// The d1-basic worker served over real HTTP with env.DB from our binding gives
// the same responses wrangler dev gave for it (recorded in the fixture).
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore, type Store } from "../runtime/store/index.ts";
import { createD1Database, d1DatabaseIdFor } from "../runtime/bindings/d1/index.ts";

const FIXTURE = path.resolve(import.meta.dir, "..", "fixtures", "d1-basic");
const expected = JSON.parse(readFileSync(path.join(FIXTURE, "expected-wrangler-dev.json"), "utf8")) as {
  route: string;
  status: number;
  body: string;
}[];

let dir: string;
let store: Store;
let server: ReturnType<typeof Bun.serve>;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "d1-worker-"));
  store = openStore(dir);
  const worker = (await import(path.join(FIXTURE, "src", "index.js"))).default;
  const env = { DB: createD1Database(store, d1DatabaseIdFor({ binding: "DB", database_id: "6c1b5a8e-2f4d-4c3a-9e7b-0d1f2a3b4c5d" })) };
  server = Bun.serve({ port: 0, fetch: (request) => worker.fetch(request, env) });
});

afterAll(() => {
  server.stop(true);
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

test("each route answers as it did under wrangler dev", async () => {
  for (const { route, status, body } of expected) {
    const response = await fetch(new URL(route, server.url));
    expect({ route, status: response.status, body: await response.text() }).toEqual({ route, status, body });
  }
});
