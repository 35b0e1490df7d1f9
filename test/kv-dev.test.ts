// One store, two processes: what `bunflare kv key put` writes, a running
// `bunflare dev` serves on its next request, and the other way round.
import { expect, test } from "bun:test";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dir, "..");
const BIN = path.join(ROOT, "bin", "bunflare");

const env = { ...process.env, NO_COLOR: "1", CI: "true" };

async function waitForReady(proc: ReturnType<typeof Bun.spawn>, timeoutMs: number): Promise<string> {
  const reader = (proc.stdout as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let seen = "";
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const chunk = await Promise.race([reader.read(), Bun.sleep(deadline - Date.now()).then(() => null)]);
    if (!chunk || chunk.done) break;
    seen += decoder.decode(chunk.value);
    const url = seen.match(/Ready on (http:\/\/\S+)/)?.[1];
    if (url) {
      reader.releaseLock();
      return url;
    }
  }
  throw new Error(`bunflare dev did not become ready:\n${seen}`);
}

test("a CLI put is visible to a running dev server at once, and a worker's write to the CLI", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "kv-dev-"));
  cpSync(path.join(ROOT, "fixtures", "kv-basic"), dir, { recursive: true });
  // Port 0: the system picks a free one (a random fixed port can be taken, and dev then exits).
  const dev = Bun.spawn([BIN, "dev", "--port", "0"], { cwd: dir, env, stdout: "pipe", stderr: "pipe" });
  try {
    const url = (await waitForReady(dev, 30_000)).replace(/\/$/, "");
    expect((await fetch(`${url}/`)).status).toBe(404);

    const put = Bun.spawnSync([BIN, "kv", "key", "put", "greeting", "from the CLI", "--binding", "KV"], { cwd: dir, env });
    expect(put.exitCode).toBe(0);
    expect(await (await fetch(`${url}/`)).text()).toBe("from the CLI");

    expect(await (await fetch(`${url}/?key=w`, { method: "PUT", body: "from the worker" })).text()).toBe("stored");
    const get = Bun.spawnSync([BIN, "kv", "key", "get", "w", "--binding", "KV"], { cwd: dir, env });
    expect(get.stdout.toString()).toBe("from the worker");
  } finally {
    dev.kill();
    await dev.exited;
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
