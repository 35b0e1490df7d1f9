import type { CompatCase } from "../harness.ts";
import { D1_COMMAND_SQL, kvBulkJson, sqlDump } from "../../bench/generate.ts";

// The benchmark times these exact invocations in the bench fixtures; these
// cases check that both tools accept them and end with the same data, so the
// two columns of the benchmark measure the same work.

// D1's JSON carries per-query timings, which differ between any two runs, and
// names the local store's directory (.wrangler/state/v3/d1 vs .bunflare/d1).
const maskDurations = (text: string) =>
  text
    .replace(/"(duration|sql_duration_ms)": [\d.]+/g, '"$1": <N>')
    .replace(/^(🌀 Executing on local database .*\)) from .*:$/gm, "$1 from <D1_STORE>:");

export const cases: CompatCase[] = [
  {
    name: "bench: kv key put and kv bulk put in the kv-read fixture",
    fixture: "bench-kv-read",
    files: { "bulk.json": kvBulkJson(200) },
    steps: [
      { args: ["kv", "key", "put", "greeting", "hello", "--binding", "KV", "--local"] },
      { args: ["kv", "bulk", "put", "bulk.json", "--binding", "KV", "--local"] },
      { args: ["kv", "key", "get", "greeting", "--binding", "KV", "--local", "--text"] },
      { args: ["kv", "key", "get", "key-000199", "--binding", "KV", "--local", "--text"] },
    ],
  },
  {
    name: "bench: d1 execute --command and --file in the d1-query fixture",
    fixture: "bench-d1-query",
    files: { "dump.sql": sqlDump(500) },
    normalize: maskDurations,
    steps: [
      {
        args: [
          "d1",
          "execute",
          "DB",
          "--local",
          "--command",
          D1_COMMAND_SQL,
        ],
      },
      { args: ["d1", "execute", "DB", "--local", "--file", "dump.sql"] },
      {
        args: ["d1", "execute", "DB", "--local", "--json", "--command", "SELECT count(*) AS n, sum(note IS NULL) AS nulls FROM orders"],
      },
    ],
  },
];
