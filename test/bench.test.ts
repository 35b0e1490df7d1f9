// The benchmark's own pieces that can be checked without timing anything:
// its statistics, the process-tree memory reader, the generated inputs, the
// load generator's accounting and the report table.
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { kvBulkJson, sqlDump } from "../bench/generate.ts";
import { parseResponse, runLoad } from "../bench/load.ts";
import { firstLines, processTree, removeWork, rssBytes, spawnGroup, treeRss, waitForResponse } from "../bench/proc.ts";
import { ceilingNotes, markdownTable, markNa, newRow, samplesList, verdict } from "../bench/results.ts";
import { improvement, median, percentile } from "../bench/stats.ts";

afterAll(removeWork);

describe("statistics", () => {
  test("the median of an odd count is the middle sample, of an even count the mean of the two middle ones", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  test("percentiles use the nearest rank, so p99 of 100 samples is the 99th smallest", () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted
    expect(percentile(samples, 99)).toBe(99);
    expect(percentile(samples, 50)).toBe(50);
    expect(percentile(samples, 100)).toBe(100);
    expect(percentile(samples, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(() => percentile(samples, 101)).toThrow(RangeError);
  });

  test("statistics leave the caller's samples in their order", () => {
    const samples = [3, 1, 2];
    median(samples);
    percentile(samples, 50);
    expect(samples).toEqual([3, 1, 2]);
  });

  test("an improvement above 1 means bunflare is better, for times and for rates alike", () => {
    expect(improvement(1000, 50, "lower")).toBe(20);
    expect(improvement(1000, 50_000, "higher")).toBe(50);
    expect(improvement(Number.NaN, 5, "lower")).toBeNaN();
    expect(improvement(100, 0, "lower")).toBeNaN();
  });
});

describe("process-tree memory", () => {
  test("the resident memory of a tool counts every process it started, and stopping it ends them all", async () => {
    // A shell that starts two children: three processes in one group.
    const proc = spawnGroup("sh", ["-c", "sleep 30 & sleep 30 & wait"], { cwd: "/", env: process.env });
    let tree: number[] = [];
    try {
      for (let i = 0; i < 200 && tree.length < 3; i++) {
        tree = processTree(proc.pid);
        await Bun.sleep(10);
      }
      expect(tree.length).toBe(3);
      expect(tree[0]).toBe(proc.pid);
      const total = treeRss(proc.pid);
      expect(total.processes).toBe(3);
      const each = tree.map(rssBytes);
      for (const bytes of each) expect(bytes).toBeGreaterThan(0);
      // Memory moves a little between reads, so compare to the per-process sum loosely.
      const sum = each.reduce((a, b) => a + b, 0);
      expect(Math.abs(total.bytes - sum)).toBeLessThan(sum * 0.5);
    } finally {
      await proc.stop();
    }
    expect(proc.exitCode()).not.toBeUndefined();
    // The children were in the group too, so none of them outlives the stop.
    for (let i = 0; i < 100 && tree.some((pid) => rssBytes(pid) > 0); i++) await Bun.sleep(10);
    expect(tree.filter((pid) => rssBytes(pid) > 0)).toEqual([]);
  });

  test("stopping a tool also ends a child that moved to its own session", async () => {
    const proc = spawnGroup("sh", ["-c", "setsid sleep 30 & wait"], { cwd: "/", env: process.env });
    let tree: number[] = [];
    try {
      for (let i = 0; i < 200 && tree.length < 2; i++) {
        tree = processTree(proc.pid);
        await Bun.sleep(10);
      }
      expect(tree.length).toBe(2);
    } finally {
      await proc.stop();
    }
    for (let i = 0; i < 100 && rssBytes(tree[1]!) > 0; i++) await Bun.sleep(10);
    expect(rssBytes(tree[1]!)).toBe(0);
  });

  test("a process that is gone has no memory and no tree", () => {
    expect(rssBytes(2 ** 22 + 12345)).toBe(0);
    expect(treeRss(2 ** 22 + 12345)).toEqual({ bytes: 0, processes: 0 });
  });
});

describe("waiting for a server", () => {
  test("a server that is still starting is waited for until it answers 200", async () => {
    let calls = 0;
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => (++calls < 3 ? new Response("starting", { status: 503 }) : new Response("ready")) });
    try {
      const result = await waitForResponse(`http://127.0.0.1:${server.port}/`, { timeoutMs: 5000 });
      expect(result.body).toBe("ready");
      expect(calls).toBe(3);
    } finally {
      server.stop(true);
    }
  });

  test("a server that is up but keeps failing is reported with its answer, without waiting out the start-up allowance", async () => {
    const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("KV is not bound", { status: 500 }) });
    try {
      const wait = waitForResponse(`http://127.0.0.1:${server.port}/`, { timeoutMs: 60_000, settleMs: 100 });
      await expect(wait).rejects.toThrow("kept answering HTTP 500: KV is not bound");
    } finally {
      server.stop(true);
    }
  });

  test("a server process that exits before answering is reported with its own error", async () => {
    const proc = spawnGroup("sh", ["-c", "echo '✘ [ERROR] Unknown arguments: port' >&2; exit 1"], { cwd: "/", env: process.env });
    await proc.exited;
    await expect(waitForResponse("http://127.0.0.1:9/", { proc, timeoutMs: 5000 })).rejects.toThrow(
      "exited with code 1 before answering: ✘ [ERROR] Unknown arguments: port",
    );
  });
});

describe("generated inputs", () => {
  test("the SQL dump loads into SQLite with every row, its NULLs and its quoting intact", () => {
    const db = new Database(":memory:");
    db.exec(sqlDump(1000));
    expect(db.query("SELECT count(*) AS n FROM orders").get()).toEqual({ n: 1000 });
    expect(db.query("SELECT count(*) AS n FROM orders WHERE note IS NULL").get()).toEqual({ n: 142 });
    expect(db.query("SELECT note FROM orders WHERE id = 1").get()).toEqual({ note: `order 1; it's "fine"` });
    expect(db.query("SELECT name FROM sqlite_master WHERE type = 'index'").all()).toEqual([{ name: "orders_customer" }]);
    db.close();
  });

  test("the kv bulk file is a JSON array of string keys and values with distinct keys", () => {
    const pairs = JSON.parse(kvBulkJson(500)) as { key: string; value: string }[];
    expect(pairs).toHaveLength(500);
    expect(new Set(pairs.map((p) => p.key)).size).toBe(500);
    expect(pairs[499]).toEqual({ key: "key-000499", value: `value 499 ${"x".repeat(32)}` });
  });
});

describe("raw Bun for the CLI rows", () => {
  test("bench/raw-cli.ts does each scenario's work: every key and every row stored", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "raw-cli-"));
    try {
      writeFileSync(path.join(dir, "bulk.json"), kvBulkJson(300));
      writeFileSync(path.join(dir, "dump.sql"), sqlDump(400));
      for (const args of [["start"], ["kv-put"], ["d1-command"], ["kv-bulk", "bulk.json"], ["d1-file", "dump.sql"]]) {
        const run = Bun.spawnSync([process.execPath, path.join(import.meta.dir, "../bench/raw-cli.ts"), ...args], { cwd: dir });
        expect({ args, exitCode: run.exitCode, stderr: run.stderr.toString() }).toEqual({ args, exitCode: 0, stderr: "" });
      }
      const kv = new Database(path.join(dir, ".raw/kv.sqlite"));
      expect(kv.query("SELECT count(*) AS n FROM kv").get()).toEqual({ n: 301 });
      kv.close();
      const d1 = new Database(path.join(dir, ".raw/d1.sqlite"));
      expect(d1.query("SELECT count(*) AS n FROM orders").get()).toEqual({ n: 400 });
      expect(d1.query("SELECT body FROM notes").all()).toEqual([{ body: "hello" }]);
      d1.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("load generator", () => {
  test("a response is complete only when its whole body has arrived, by length or by chunks", () => {
    const sized = Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX: y\r\n\r\nHelloHTTP/1.1 404");
    const parsed = parseResponse(sized)!;
    expect(parsed.status).toBe(200);
    expect(Buffer.from(parsed.body).toString()).toBe("Hello");
    expect(sized.subarray(parsed.consumed).toString()).toBe("HTTP/1.1 404");
    expect(parseResponse(sized.subarray(0, sized.indexOf("Hello") + 3))).toBeUndefined();

    const chunked = Buffer.from("HTTP/1.1 500 Internal Server Error\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\na\r\n0123456789\r\n0\r\n\r\n");
    const body = parseResponse(chunked)!;
    expect(body.status).toBe(500);
    expect(Buffer.from(body.body).toString()).toBe("abc0123456789");
    expect(body.consumed).toBe(chunked.length);
    for (let cut = 1; cut < chunked.length; cut++) expect(parseResponse(chunked.subarray(0, cut))).toBeUndefined();

    const empty = parseResponse(Buffer.from("HTTP/1.1 204 No Content\r\n\r\n"))!;
    expect(empty.status).toBe(204);
    expect(empty.body.length).toBe(0);
    expect(empty.close).toBe(false);
    expect(parseResponse(Buffer.from("HTTP/1.1 200 OK\r\nconnection: close\r\ncontent-length: 0\r\n\r\n"))!.close).toBe(true);
  });

  test("a server that closes every connection after a chunked response is still measured", async () => {
    let served = 0;
    const listener = Bun.listen({
      hostname: "127.0.0.1",
      port: 0,
      socket: {
        data(socket) {
          served++;
          socket.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n6\r\nHello \r\n6\r\nWorld!\r\n0\r\n\r\n");
          socket.end();
        },
      },
    });
    try {
      const result = await runLoad({ url: `http://127.0.0.1:${listener.port}/`, connections: 2, warmupMs: 50, durationMs: 300, expect: "Hello World!" });
      expect(result.requests).toBeGreaterThan(0);
      expect(result.errors).toBe(0);
      expect(served).toBeGreaterThanOrEqual(result.requests);
    } finally {
      listener.stop(true);
    }
  });

  test("counts only 200 responses with the expected body, and reports failures with their reason", async () => {
    let hits = 0;
    const server = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: (request) => {
        hits++;
        return new URL(request.url).pathname === "/missing" ? new Response("nope", { status: 404 }) : new Response("Hello World!");
      },
    });
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const good = await runLoad({ url: `${base}/`, connections: 2, warmupMs: 50, durationMs: 300, expect: "Hello" });
      expect(good.requests).toBeGreaterThan(0);
      expect(good.errors).toBe(0);
      expect(good.rps).toBeCloseTo(good.requests / 0.3, 5);
      expect(good.p99Ms).toBeGreaterThanOrEqual(good.p50Ms);
      expect(hits).toBeGreaterThanOrEqual(good.requests);

      const wrongBody = await runLoad({ url: `${base}/`, connections: 1, warmupMs: 0, durationMs: 100, expect: "Goodbye" });
      expect(wrongBody.requests).toBe(0);
      expect(wrongBody.firstError).toStartWith("unexpected body: Hello World!");

      const notFound = await runLoad({ url: `${base}/missing`, connections: 1, warmupMs: 0, durationMs: 100 });
      expect(notFound.requests).toBe(0);
      expect(notFound.firstError).toBe("HTTP 404: nope");
    } finally {
      server.stop(true);
    }
  });
});

describe("report", () => {
  test("the table shows medians, bunflare's improvement and whether the target is met", () => {
    const cold = newRow("dev: cold start", "ms", "lower", ["wrangler", "bunflare"], { ratio: 12 });
    cold.cells.wrangler!.samples.push(1200, 1000, 1400);
    cold.cells.bunflare!.samples.push(50, 60, 40);
    const rps = newRow("hello: requests per second", "req/s", "higher", ["wrangler", "bunflare", "raw"], { ratio: 50, ofRaw: 0.5 });
    rps.cells.wrangler!.samples.push(1000);
    rps.cells.bunflare!.samples.push(40_000);
    rps.cells.raw!.samples.push(100_000);
    expect(verdict(cold)).toEqual({ ratio: 24, ofRaw: Number.NaN, met: true });
    expect(verdict(rps).met).toBe(false);
    expect(samplesList([cold, rps])).toBe(
      "- dev: cold start (ms): wrangler 1,200, 1,000, 1,400; bunflare 50.0, 60.0, 40.0\n" +
        "- hello: requests per second (req/s): wrangler 1,000; bunflare 40,000; raw Bun 100,000",
    );
    const table = markdownTable([cold, rps]);
    expect(table).toContain("| dev: cold start | 1,200 ms | 50.0 ms |  | 24x |  | ≥12x ✅ |");
    expect(table).toContain("| hello: requests per second | 1,000 req/s | 40,000 req/s | 100,000 req/s | 40x | 40% | ≥50x, ≥50% of raw Bun ❌ |");
  });

  test("an absolute target bounds bunflare's median: at most for times, at least for rates", () => {
    const cli = newRow("CLI: one `kv key put`", "ms", "lower", ["wrangler", "bunflare", "raw"], { ratio: 20, absolute: 20 });
    cli.cells.wrangler!.samples.push(1000);
    cli.cells.bunflare!.samples.push(40, 45, 30);
    cli.cells.raw!.samples.push(4);
    expect(verdict(cli).met).toBe(false);
    expect(markdownTable([cli])).toContain("| CLI: one `kv key put` | 1,000 ms | 40.0 ms | 4.00 ms | 25x | 10% | ≥20x, ≤20.0 ms ❌ |");
    cli.cells.bunflare!.samples.splice(0, 3, 18, 19, 20);
    expect(verdict(cli).met).toBe(true);
    const rps = newRow("hello: requests per second", "req/s", "higher", ["bunflare"], { absolute: 50_000 });
    rps.cells.bunflare!.samples.push(49_000);
    expect(verdict(rps).met).toBe(false);
    rps.cells.bunflare!.samples.splice(0, 1, 50_000);
    expect(verdict(rps).met).toBe(true);
  });

  test("a tool that could not run shows its reason instead of a number, and the target stays undecided", () => {
    const row = newRow("CLI: one `kv key put`", "ms", "lower", ["wrangler", "bunflare"], { ratio: 20 });
    row.cells.wrangler!.samples.push(900);
    markNa(row, "bunflare", "Unknown arguments: binding | local");
    markNa(row, "bunflare", "a later, less telling failure");
    expect(verdict(row).met).toBeUndefined();
    const other = newRow("CLI: one `d1 execute --command`", "ms", "lower", ["wrangler", "bunflare"]);
    other.cells.wrangler!.samples.push(1000);
    markNa(other, "bunflare", "Unknown arguments: binding | local");
    const table = markdownTable([row, other]);
    expect(table).toContain("| CLI: one `kv key put` | 900 ms | n/a [1] |  | n/a |  | ≥20x — |");
    expect(table).toContain("| CLI: one `d1 execute --command` | 1,000 ms | n/a [1] |  | n/a |  |  |");
    expect(table).toEndWith("\n\n[1] not available: Unknown arguments: binding | local  ");
  });

  test("a target that even raw Bun cannot reach against wrangler is called out", () => {
    const rps = newRow("hello: requests per second", "req/s", "higher", ["wrangler", "bunflare", "raw"], { ratio: 50 });
    rps.cells.wrangler!.samples.push(1000);
    rps.cells.bunflare!.samples.push(30_000);
    rps.cells.raw!.samples.push(40_000);
    const kv = newRow("KV: requests per second", "req/s", "higher", ["wrangler", "bunflare", "raw"], { ratio: 5 });
    kv.cells.wrangler!.samples.push(1000);
    kv.cells.raw!.samples.push(40_000);
    ceilingNotes([rps, kv]);
    expect(rps.notes).toEqual(["the 50x target is above the ceiling here: raw Bun itself is only 40x better than wrangler on this machine"]);
    expect(kv.notes).toEqual([]);
  });

  test("a failure reason is the tool's error line, without colours or banners", () => {
    const output = " ⛅️ wrangler 4.86.0\n───\n\x1b[31m✘ [ERROR] Unknown arguments: port, ip\x1b[0m\n\nbunflare dev [script]\n";
    expect(firstLines(output)).toBe("✘ [ERROR] Unknown arguments: port, ip bunflare dev [script]");
  });
});
