// Commands that need Cloudflare's network go to a real wrangler with the same
// arguments, stdio and exit code, never to bunflare itself.
import { afterEach, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { needsWrangler } from "../src/forward.ts";

const BIN = path.resolve("bin/bunflare");
const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "forward-test-"));
  dirs.push(dir);
  writeFileSync(path.join(dir, "wrangler.json"), JSON.stringify({ name: "x", main: "index.js", compatibility_date: "2025-01-01" }));
  writeFileSync(path.join(dir, "index.js"), "export default { fetch() { return new Response('x'); } };\n");
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function executable(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  chmodSync(file, 0o755);
}

/** A stand-in wrangler that records its arguments and stdin, writes to both streams and exits 7. */
function standIn(file: string, record: string): void {
  executable(
    file,
    `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > ${JSON.stringify(record)}\ncat >> ${JSON.stringify(record)}\necho "out from wrangler"\necho "err from wrangler" >&2\nexit 7\n`,
  );
}

async function run(args: string[], cwd: string, pathDirs: string[], stdin = "") {
  const proc = Bun.spawn([BIN, ...args], {
    cwd,
    stdin: new Blob([stdin]),
    stdout: "pipe",
    stderr: "pipe",
    env: { ...process.env, NO_COLOR: "1", PATH: [...pathDirs, "/usr/bin", "/bin"].join(":") },
  });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, exitCode };
}

test("a remote command reaches the wrangler on PATH with the same arguments, stdin, output and exit code", async () => {
  const dir = scratch();
  const record = path.join(dir, "args.txt");
  standIn(path.join(dir, "bin", "wrangler"), record);
  const args = ["deploy", "--minify", "-e", "prod", "--var", "A:b c"];
  const result = await run(args, dir, [path.join(dir, "bin")], "from stdin\n");
  expect(result.exitCode).toBe(7);
  expect(result.stdout).toBe("out from wrangler\n");
  expect(result.stderr).toBe("err from wrangler\n");
  expect(readFileSync(record, "utf8")).toBe(`${args.join("\n")}\nfrom stdin\n`);
});

test("the project's node_modules/.bin/wrangler wins over PATH", async () => {
  const dir = scratch();
  standIn(path.join(dir, "node_modules", ".bin", "wrangler"), path.join(dir, "project.txt"));
  standIn(path.join(dir, "bin", "wrangler"), path.join(dir, "path.txt"));
  mkdirSync(path.join(dir, "sub"));
  const result = await run(["whoami"], path.join(dir, "sub"), [path.join(dir, "bin")]);
  expect(result.exitCode).toBe(7);
  expect(readFileSync(path.join(dir, "project.txt"), "utf8")).toBe("whoami\n");
  expect(() => readFileSync(path.join(dir, "path.txt"))).toThrow();
});

test("a wrangler symlinked to bunflare is skipped: the next real one runs", async () => {
  const dir = scratch();
  mkdirSync(path.join(dir, "node_modules", ".bin"), { recursive: true });
  symlinkSync(BIN, path.join(dir, "node_modules", ".bin", "wrangler"));
  standIn(path.join(dir, "bin", "wrangler"), path.join(dir, "path.txt"));
  const result = await run(["tail", "my-worker"], dir, [path.join(dir, "bin")]);
  expect(result.exitCode).toBe(7);
  expect(readFileSync(path.join(dir, "path.txt"), "utf8")).toBe("tail\nmy-worker\n");
});

test("a symlink to bunflare as the only wrangler is no wrangler at all: one line, exit 1", async () => {
  const dir = scratch();
  mkdirSync(path.join(dir, "bin"));
  symlinkSync(BIN, path.join(dir, "bin", "wrangler"));
  const result = await run(["whoami"], dir, [path.join(dir, "bin")]);
  expect(result.exitCode).toBe(1);
  expect(result.stderr.trim()).toBe(
    "✘ [ERROR] `wrangler whoami` needs Cloudflare's network, which bunflare hands to a real wrangler, and none is installed: install it with `npm install --save-dev wrangler`.",
  );
});

test("pages functions' hidden helpers, local in wrangler but not built into bunflare, say so rather than naming the network", async () => {
  const dir = scratch();
  const result = await run(["pages", "functions", "optimize-routes"], dir, []);
  expect(result.exitCode).toBe(1);
  expect(result.stderr.trim()).toBe(
    "✘ [ERROR] `wrangler pages functions optimize-routes` is not built into bunflare, which bunflare hands to a real wrangler, and none is installed: install it with `npm install --save-dev wrangler`.",
  );
});

test("pages dev and pages functions build stay here; Pages' other commands go to wrangler", () => {
  expect(needsWrangler(["pages", "dev"], true)).toBe(false);
  expect(needsWrangler(["pages", "functions", "build"], true)).toBe(false);
  expect(needsWrangler(["pages", "functions", "build", "fns", "--outdir", "out"], true)).toBe(false);
  expect(needsWrangler(["pages", "functions"], true)).toBe(false);
  expect(needsWrangler(["pages", "functions", "build-env", "."], true)).toBe(true);
  expect(needsWrangler(["pages", "functions", "optimize-routes"], true)).toBe(true);
  expect(needsWrangler(["pages", "deploy", "dist"], true)).toBe(true);
});

test("an alias loop (a wrangler shim that runs bunflare) ends in one clear error, not recursion", async () => {
  const dir = scratch();
  const calls = path.join(dir, "calls.txt");
  // A shell-script shim: its realpath is not bunflare's, so only the inherited marker can catch it.
  executable(path.join(dir, "bin", "wrangler"), `#!/bin/sh\necho call >> ${JSON.stringify(calls)}\nexec ${JSON.stringify(BIN)} "$@"\n`);
  const result = await run(["login"], dir, [path.join(dir, "bin")]);
  expect(result.exitCode).toBe(1);
  expect(readFileSync(calls, "utf8")).toBe("call\n");
  expect(result.stderr.trim()).toBe(
    "✘ [ERROR] `wrangler login` needs Cloudflare's network, but the `wrangler` found is bunflare itself (an alias or shim), so there is no real wrangler to hand it to: install it with `npm install --save-dev wrangler`.",
  );
});

test("which command lines are handed to wrangler", () => {
  expect(needsWrangler(["deploy"], true)).toBe(true);
  expect(needsWrangler(["deploy", "--dry-run"], true)).toBe(false);
  expect(needsWrangler(["deploy", "--help"], true)).toBe(false);
  expect(needsWrangler(["versions", "upload"], true)).toBe(true);
  expect(needsWrangler(["versions", "upload", "--dry-run"], true)).toBe(false);
  expect(needsWrangler(["versions", "deploy", "--dry-run"], true)).toBe(true);
  expect(needsWrangler(["dev"], true)).toBe(false);
  expect(needsWrangler(["dev", "-r"], true)).toBe(true);
  expect(needsWrangler(["dev", "--remote=false"], true)).toBe(false);
  expect(needsWrangler(["kv", "key", "get", "k", "--binding", "KV", "--remote"], true)).toBe(true);
  expect(needsWrangler(["kv", "key", "get", "k", "--binding", "KV"], true)).toBe(false);
  expect(needsWrangler(["d1", "time-travel", "info", "db"], true)).toBe(true);
  expect(needsWrangler(["r2", "bucket", "cors", "list", "b"], true)).toBe(true);
  expect(needsWrangler(["r2", "bucket", "list"], true)).toBe(false);
  expect(needsWrangler(["whoami"], false)).toBe(true);
  expect(needsWrangler(["-c", "deploy", "whoami"], false)).toBe(true);
  expect(needsWrangler(["secret", "put", "X"], true)).toBe(false);
  expect(needsWrangler(["secrets-store", "secret", "list", "s1"], true)).toBe(false);
  expect(needsWrangler(["secrets-store", "secret", "list", "s1", "--remote"], true)).toBe(true);
  expect(needsWrangler(["secrets-store", "store", "list"], true)).toBe(false);
});

test("with --cwd, the wrangler of that project is the one used", async () => {
  const dir = scratch();
  standIn(path.join(dir, "proj", "node_modules", ".bin", "wrangler"), path.join(dir, "proj.txt"));
  const result = await run(["--cwd", "proj", "whoami"], dir, []);
  expect(result.exitCode).toBe(7);
  expect(readFileSync(path.join(dir, "proj.txt"), "utf8")).toBe("--cwd\nproj\nwhoami\n");
});
