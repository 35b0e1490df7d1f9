// How long the Local Explorer's KV view takes to list the first page of a
// 100,000-key namespace: `bun bench/explorer-kv.ts [keys] [runs]`. Seeds the
// keys through the KV implementation, starts `bunflare explorer`, and times
// first-page requests (what the page asks for: 100 keys) over real HTTP.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore } from "../runtime/store/index.ts";
import { putMany } from "../runtime/bindings/kv/index.ts";
import { median, percentile } from "./stats.ts";

const keys = Number(process.argv[2] ?? 100_000);
const runs = Number(process.argv[3] ?? 50);
const dir = mkdtempSync(path.join(tmpdir(), "bench-explorer-"));
writeFileSync(path.join(dir, "wrangler.toml"), 'name = "b"\ncompatibility_date = "2025-01-01"\n\n[[kv_namespaces]]\nbinding = "KV"\nid = "kv-id"\n');
const store = openStore(path.join(dir, ".bunflare"));
await putMany(store, "kv-id", Array.from({ length: keys }, (_, i) => ({ key: `key-${String(i).padStart(7, "0")}`, value: `value ${i}` })));
store.close();

const child = spawn(path.resolve(import.meta.dir, "..", "bin", "bunflare"), ["explorer", "--port", "0"], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
try {
  const base = await new Promise<string>((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/ready on (http:\/\/\S+)/);
      if (match) resolve(match[1]!);
    });
    child.on("exit", (code) => reject(new Error(`bunflare explorer exited (${code}): ${output}`)));
  });
  const url = `${base}/api/storage/kv/namespaces/kv-id/keys?limit=100`;
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const body = (await (await fetch(url)).json()) as { result: unknown[] };
    samples.push(performance.now() - started);
    if (body.result.length !== 100) throw new Error(`expected 100 keys, got ${body.result.length}`);
  }
  console.log(`KV view, first page of ${keys} keys: median ${median(samples).toFixed(1)} ms, p99 ${percentile(samples, 99).toFixed(1)} ms (${runs} requests)`);
} finally {
  child.kill("SIGTERM");
  rmSync(dir, { recursive: true, force: true });
}
