import { afterEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { COMMAND_GROUPS } from "../src/commands/index.ts";

const BIN = path.resolve("bin/bunflare");
const dirs: string[] = [];
function scratch(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "cli-test-"));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[], cwd = scratch()) {
  const proc = Bun.spawn([BIN, ...args], { cwd, stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } });
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  return { stdout, stderr, exitCode };
}

const noStack = (text: string) => expect(text).not.toMatch(/^\s+at .+:\d+/m);

test("--help lists the wrangler command groups under their categories", async () => {
  const { stdout, exitCode } = await run(["--help"]);
  expect(exitCode).toBe(0);
  for (const heading of ["COMMANDS", "ACCOUNT", "COMPUTE & AI", "STORAGE & DATABASES", "NETWORKING & SECURITY", "GLOBAL FLAGS"]) {
    expect(stdout).toContain(heading);
  }
  for (const group of COMMAND_GROUPS.filter((g) => !g.hidden)) expect(stdout).toContain(`bunflare ${group.usage}`);
  // bunflare's own commands (explorer) run but stay out of wrangler's listing.
  for (const group of COMMAND_GROUPS.filter((g) => g.hidden)) expect(stdout).not.toContain(`bunflare ${group.usage} `);
});

test("an unknown command exits 1 with the error on stderr and the help on stdout", async () => {
  const { stdout, stderr, exitCode } = await run(["frobnicate"]);
  expect(exitCode).toBe(1);
  expect(stderr).toContain("✘ [ERROR] Unknown argument: frobnicate");
  expect(stdout).toContain("STORAGE & DATABASES");
});

test("every command group answers --help with exit code 0", async () => {
  const results = await Promise.all(COMMAND_GROUPS.map((group) => run([group.name, "--help"])));
  results.forEach((result, i) => {
    expect(result.exitCode, COMMAND_GROUPS[i]!.name).toBe(0);
    expect(result.stdout).toContain(`bunflare ${COMMAND_GROUPS[i]!.name}`);
  });
});

test("commands that need Cloudflare's network fail with one clear line", async () => {
  for (const name of ["whoami", "login", "deploy", "secret", "tail", "versions"]) {
    const dir = scratch({ "wrangler.toml": 'name = "x"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n', "index.js": "" });
    const { stderr, exitCode } = await run([name], dir);
    expect(exitCode).toBe(1);
    expect(stderr.trim()).toBe(
      `✘ [ERROR] \`bunflare ${name}\` needs Cloudflare's network, and bunflare only works locally for now: use \`npx wrangler ${name}\` for it.`,
    );
  }
});

test("a malformed config is reported with file:line:col and no stack trace", async () => {
  const dir = scratch({ "wrangler.toml": 'name = "x"\nmain = \n' });
  const { stderr, exitCode } = await run(["deploy"], dir);
  expect(exitCode).toBe(1);
  expect(stderr).toContain(`${path.join(dir, "wrangler.toml")}:2:7:`);
  expect(stderr).toContain("      2 │ main = \n        ╵        ^");
  noStack(stderr);
});

test("a bad --env is one error naming the environment", async () => {
  const dir = scratch({ "wrangler.toml": 'name = "x"\nmain = "index.js"\n[env.staging]\n', "index.js": "" });
  const { stderr, exitCode } = await run(["deploy", "--env", "prod"], dir);
  expect(exitCode).toBe(1);
  expect(stderr).toContain('No environment found in configuration with name "prod".');
  noStack(stderr);
});

test("local wrangler commands bunflare lacks say so in one line", async () => {
  const { stderr, exitCode } = await run(["init"]);
  expect(exitCode).toBe(1);
  expect(stderr.trim()).toBe("✘ [ERROR] `bunflare init` is not available in bunflare yet: use `npx wrangler init` for it.");
});

test("a missing --env-file is one clear error", async () => {
  const dir = scratch();
  const { stderr, exitCode } = await run(["whoami", "--env-file", "nope.env"], dir);
  expect(exitCode).toBe(1);
  expect(stderr.trim()).toBe(
    `✘ [ERROR] Could not read the --env-file "nope.env": ENOENT: no such file or directory, open '${path.join(dir, "nope.env")}'`,
  );
});
