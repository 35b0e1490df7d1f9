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
  for (const group of COMMAND_GROUPS) {
    if (group.hidden) expect(stdout).not.toContain(`bunflare ${group.usage} `);
    else expect(stdout).toContain(`bunflare ${group.usage}`);
  }
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
}, 60_000);

test("commands that need Cloudflare's network, with no wrangler to hand them to, say how to install it in one line", async () => {
  for (const args of [["whoami"], ["login"], ["deploy"], ["tail"], ["versions", "list"], ["dev", "--remote"], ["kv", "key", "list", "--binding", "X", "--remote"]]) {
    const dir = scratch({ "wrangler.toml": 'name = "x"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n', "index.js": "" });
    const proc = Bun.spawn([BIN, ...args], { cwd: dir, stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1", PATH: "/usr/bin:/bin" } });
    const [stderr, exitCode] = await Promise.all([new Response(proc.stderr).text(), proc.exited]);
    expect(exitCode).toBe(1);
    expect(stderr.trim()).toBe(
      `✘ [ERROR] \`wrangler ${args.filter((a) => !a.startsWith("-") && a !== "X").slice(0, 2).join(" ")}\` needs Cloudflare's network, which bunflare hands to a real wrangler, and none is installed: install it with \`npm install --save-dev wrangler\`.`,
    );
  }
});

test("a malformed config is reported with file:line:col and no stack trace", async () => {
  const dir = scratch({ "wrangler.toml": 'name = "x"\nmain = \n' });
  const { stderr, exitCode } = await run(["deploy", "--dry-run"], dir);
  expect(exitCode).toBe(1);
  expect(stderr).toContain(`${path.join(dir, "wrangler.toml")}:2:7:`);
  expect(stderr).toContain("      2 │ main = \n        ╵        ^");
  noStack(stderr);
});

test("a bad --env is one error naming the environment", async () => {
  const dir = scratch({ "wrangler.toml": 'name = "x"\nmain = "index.js"\n[env.staging]\n', "index.js": "" });
  const { stderr, exitCode } = await run(["deploy", "--dry-run", "--env", "prod"], dir);
  expect(exitCode).toBe(1);
  expect(stderr).toContain('No environment found in configuration with name "prod".');
  noStack(stderr);
});

test("every command and subcommand that --help lists answers its own --help", async () => {
  // Walks the tree as a user would: the root help's commands, then each one's COMMANDS section.
  const listed = (help: string) => {
    const start = help.indexOf("COMMANDS");
    if (start < 0) return [];
    const section = help.slice(start, help.search(/\n(GLOBAL FLAGS|POSITIONALS|OPTIONS)\n/));
    return [...section.matchAll(/^  bunflare ((?:[a-z0-9-]+ ?)+?)(?:\s+[[<]|\s{2,}|$)/gm)].map((match) => match[1]!.trim().split(" "));
  };
  const queue = listed((await run(["--help"])).stdout);
  expect(queue.length).toBeGreaterThan(30);
  const seen: string[] = [];
  while (queue.length) {
    const words = queue.shift()!;
    seen.push(words.join(" "));
    const { stdout, stderr, exitCode } = await run([...words, "--help"]);
    const output = stdout + stderr;
    expect({ words, exitCode }).toEqual({ words, exitCode: 0 });
    expect(output).not.toMatch(/Unknown argument|Unknown arguments|Unknown command|not available in bunflare yet/);
    expect(stdout).toContain(`bunflare ${words.join(" ")}`);
    for (const child of listed(stdout)) if (child.length > words.length) queue.push(child);
  }
  for (const command of ["setup", "complete", "kv key put", "d1 migrations apply", "r2 object get", "queues consumer add", "workflows instances list"]) {
    expect(seen).toContain(command);
  }
}, 300_000);

test("a missing --env-file is one clear error", async () => {
  const dir = scratch();
  const { stderr, exitCode } = await run(["kv", "namespace", "list", "--env-file", "nope.env"], dir);
  expect(exitCode).toBe(1);
  expect(stderr.trim()).toBe(
    `✘ [ERROR] Could not read the --env-file "nope.env": ENOENT: no such file or directory, open '${path.join(dir, "nope.env")}'`,
  );
});

test("a flag given twice is refused with wrangler's words before anything is written; a global flag's value first gets the root help", async () => {
  const cwd = scratch({ "wrangler.toml": 'name = "x"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[kv_namespaces]]\nbinding = "KV"\nid = "abc"\n[env.a]\n[env.b]\n' });
  const put = await run(["kv", "key", "put", "k", "v", "--binding", "KV", "--binding", "KV"], cwd);
  expect(put.exitCode).toBe(1);
  expect(put.stderr).toContain('The argument "--binding" expects a single value, but received multiple: ["KV","KV"].');
  expect(put.stdout).toContain("bunflare kv key put <key> [value]");
  noStack(put.stderr);
  const env = await run(["-e", "a", "-e", "b", "kv", "key", "list", "--binding", "KV"], cwd);
  expect(env.exitCode).toBe(1);
  expect(env.stderr).toContain('The argument "--env" expects a single value, but received multiple: ["a","b"].');
  expect(env.stdout).toContain("STORAGE & DATABASES");
  expect((await run(["kv", "key", "list", "--binding", "KV"], cwd)).stdout).toBe("[]\n");
});
