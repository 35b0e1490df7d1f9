// getPlatformProxy as a user's project gets it: the fixture is copied out, bunflare is
// linked in as its package (as `npm install` of a file: dependency does), and the
// fixture's own `bun test` suite runs against KV, D1 and R2.
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

setDefaultTimeout(60_000);
/** The part of KVNamespace used here (workers-types are not in this repo's tsconfig). */
interface ProxyKV {
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
}
const ROOT = path.resolve(import.meta.dir, "..");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

test("the fixture project's own bun test suite passes with getPlatformProxy imported from the package", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "proxy-project-"));
  dirs.push(dir);
  cpSync(path.join(ROOT, "fixtures", "platform-proxy"), dir, { recursive: true });
  mkdirSync(path.join(dir, "node_modules"));
  symlinkSync(ROOT, path.join(dir, "node_modules", "bunflare"));
  const proc = Bun.spawn([process.execPath, "test"], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const output = stdout + stderr;
  expect(output).toContain(" 5 pass");
  expect(output).toContain(" 0 fail");
  expect(exitCode).toBe(0);
});

test("the package's types resolve for a TypeScript user", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "proxy-types-"));
  dirs.push(dir);
  cpSync(path.join(ROOT, "fixtures", "platform-proxy"), dir, { recursive: true });
  mkdirSync(path.join(dir, "node_modules", "@types"), { recursive: true });
  symlinkSync(ROOT, path.join(dir, "node_modules", "bunflare"));
  symlinkSync(path.join(ROOT, "node_modules", "@cloudflare"), path.join(dir, "node_modules", "@cloudflare"));
  symlinkSync(path.join(ROOT, "node_modules", "@types", "bun"), path.join(dir, "node_modules", "@types", "bun"));
  symlinkSync(path.join(ROOT, "node_modules", "bun-types"), path.join(dir, "node_modules", "bun-types"));
  const tsc = path.join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const proc = Bun.spawn([process.execPath, tsc, "-p", "tsconfig.json"], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  const [stdout, exitCode] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
  expect(stdout).toBe("");
  expect(exitCode).toBe(0);
});

test("getPlatformProxy reads the same .bunflare store the CLI writes, and persist: false leaves it alone", async () => {
  const { getPlatformProxy } = await import("../src/api.ts");
  const dir = mkdtempSync(path.join(tmpdir(), "proxy-store-"));
  dirs.push(dir);
  cpSync(path.join(ROOT, "fixtures", "platform-proxy", "wrangler.json"), path.join(dir, "wrangler.json"));
  const put = Bun.spawn([path.join(ROOT, "bin", "bunflare"), "kv", "key", "put", "from-cli", "yes", "--binding", "KV"], { cwd: dir, stdout: "pipe", stderr: "pipe" });
  expect(await put.exited).toBe(0);
  const shared = await getPlatformProxy<{ KV: ProxyKV }>({ configPath: path.join(dir, "wrangler.json") });
  expect(await shared.env.KV.get("from-cli")).toBe("yes");
  await shared.dispose();
  const throwaway = await getPlatformProxy<{ KV: ProxyKV }>({ configPath: path.join(dir, "wrangler.json"), persist: false });
  expect(await throwaway.env.KV.get("from-cli")).toBeNull();
  await throwaway.env.KV.put("temp", "1");
  await throwaway.dispose();
  const again = await getPlatformProxy<{ KV: ProxyKV }>({ configPath: path.join(dir, "wrangler.json") });
  expect(await again.env.KV.get("temp")).toBeNull();
  await again.dispose();
});
