// unstable_startWorker / unstable_dev as a user's project gets them: the fixture is
// copied out with bunflare linked in as its package, and its own suites run under
// `bun test` and under Node's `node --test` (a Bun child process serves in both).
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

setDefaultTimeout(60_000);
const ROOT = path.resolve(import.meta.dir, "..");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fixtureCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "start-worker-project-"));
  dirs.push(dir);
  cpSync(path.join(ROOT, "fixtures", "start-worker"), dir, { recursive: true });
  mkdirSync(path.join(dir, "node_modules", "@types"), { recursive: true });
  symlinkSync(ROOT, path.join(dir, "node_modules", "bunflare"));
  return dir;
}

async function run(command: string[], cwd: string): Promise<{ output: string; exitCode: number }> {
  const proc = Bun.spawn(command, { cwd, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { output: stdout + stderr, exitCode };
}

test("the fixture's own bun test suite starts its Worker with unstable_startWorker and unstable_dev", async () => {
  const { output, exitCode } = await run([process.execPath, "test"], fixtureCopy());
  expect(output).toContain(" 3 pass");
  expect(output).toContain(" 0 fail");
  expect(exitCode).toBe(0);
});

test("the same API works under Node's test runner", async () => {
  const { output, exitCode } = await run(["node", "--test", "worker.node-test.mjs"], fixtureCopy());
  expect(output).toContain("# pass 2");
  expect(output).toContain("# fail 0");
  expect(exitCode).toBe(0);
});

test("under Node, getPlatformProxy says it needs Bun instead of failing on bun:sqlite", async () => {
  const dir = fixtureCopy();
  writeFileSync(path.join(dir, "proxy.mjs"), 'import { getPlatformProxy } from "bunflare";\nawait getPlatformProxy().catch((e) => { console.log(e.message); process.exit(3); });\n');
  const { output, exitCode } = await run(["node", "proxy.mjs"], dir);
  expect(output).toContain("getPlatformProxy() runs under Bun only");
  expect(exitCode).toBe(3);
});

test("the API's types resolve for a TypeScript user", async () => {
  const dir = fixtureCopy();
  symlinkSync(path.join(ROOT, "node_modules", "@cloudflare"), path.join(dir, "node_modules", "@cloudflare"));
  symlinkSync(path.join(ROOT, "node_modules", "@types", "bun"), path.join(dir, "node_modules", "@types", "bun"));
  symlinkSync(path.join(ROOT, "node_modules", "bun-types"), path.join(dir, "node_modules", "bun-types"));
  const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const { output, exitCode } = await run([process.execPath, tsc, "-p", "tsconfig.json"], dir);
  expect(output).toBe("");
  expect(exitCode).toBe(0);
});

test("a Worker that cannot start rejects ready with one line; dev.persist puts the store in that directory", async () => {
  const { unstable_startWorker, unstable_dev } = await import("../src/api.ts");
  const dir = fixtureCopy();
  writeFileSync(path.join(dir, "broken.ts"), "export default { fetch( };\n");
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const worker = await unstable_startWorker({ config: "wrangler.json", entrypoint: "broken.ts", dev: { persist: false } });
    await expect(worker.ready).rejects.toThrow(/^bunflare dev stopped before it was ready \(exit code 1\); its output is above\.$/);
    await worker.dispose();
    await expect(unstable_dev("broken.ts", { config: "wrangler.json" })).rejects.toThrow("bunflare dev stopped before it was ready");

    const persistTo = path.join(dir, "store");
    const kept = await unstable_startWorker({ config: "wrangler.json", dev: { persist: persistTo } });
    expect((await kept.fetch("/kv/a", { method: "PUT", body: "1" })).status).toBe(201);
    await kept.dispose();
    expect(existsSync(path.join(persistTo, "data.sqlite"))).toBe(true);
  } finally {
    process.chdir(cwd);
  }
});
