// `bunflare secret put|delete|list|bulk` on .dev.vars, and `docs`, `init`, and the
// redirected config under `bunflare dev`.
import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { cleanup, project, startDev, type DevProcess } from "./dev-helpers.ts";

setDefaultTimeout(30_000);
const BIN = path.resolve("bin/bunflare");
const dirs: string[] = [];
const running: DevProcess[] = [];
function scratch(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "secret-test-"));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((dev) => dev.stop()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function run(args: string[], cwd: string, stdin = "") {
  const proc = Bun.spawn([BIN, ...args], { cwd, stdin: new Blob([stdin]), stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1" } });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, exitCode };
}
const CONFIG = { "wrangler.json": JSON.stringify({ name: "app", main: "src/index.js", compatibility_date: "2025-01-01" }) };
const dotenv = (file: string) => (require("dotenv") as typeof import("dotenv")).parse(readFileSync(file, "utf8"));

test("secret put stores the stdin value in .dev.vars, never prints it, and says it is local", async () => {
  const dir = scratch({ ...CONFIG, ".dev.vars": "KEEP=1\n" });
  const value = `s3cr"et with 'both' kinds`;
  const result = await run(["secret", "put", "TOKEN"], dir, `${value}\n`);
  expect(result.exitCode).toBe(0);
  expect(result.stdout + result.stderr).not.toContain("s3cr");
  expect(result.stdout).toContain("local only");
  expect(result.stdout).toContain("✨ Success! Uploaded secret TOKEN");
  expect(dotenv(path.join(dir, ".dev.vars"))).toEqual({ KEEP: "1", TOKEN: value });
  // Put again replaces, a multi-line value round-trips.
  await run(["secret", "put", "TOKEN"], dir, "line one\nline two\n");
  expect(dotenv(path.join(dir, ".dev.vars"))).toEqual({ KEEP: "1", TOKEN: "line one\nline two" });
});

test("secret put --env writes .dev.vars.<env>; an empty value is one error and changes nothing", async () => {
  const dir = scratch({ "wrangler.json": JSON.stringify({ name: "app", env: { staging: {} } }) });
  expect((await run(["secret", "put", "A", "--env", "staging"], dir, "v")).exitCode).toBe(0);
  expect(dotenv(path.join(dir, ".dev.vars.staging"))).toEqual({ A: "v" });
  const empty = await run(["secret", "put", "B", "--env", "staging"], dir, "\n");
  expect(empty.exitCode).toBe(1);
  expect(empty.stderr.trim()).toBe("✘ [ERROR] The value of secret B is empty: give it on stdin or at the prompt. .dev.vars.staging is unchanged.");
  expect(dotenv(path.join(dir, ".dev.vars.staging"))).toEqual({ A: "v" });
  expect(existsSync(path.join(dir, ".dev.vars"))).toBe(false);
});

test("secret put, bulk and delete warn when the config has environments and none is targeted; --env \"\" and list do not", async () => {
  const dir = scratch({ "wrangler.json": JSON.stringify({ name: "app", env: { staging: {} } }) });
  const warning = (command: string) => `▲ [WARNING] Multiple environments are defined in the Wrangler configuration file, but no target environment was specified for the ${command} command.`;
  const put = await run(["secret", "put", "A"], dir, "v");
  expect(put.stderr).toContain(warning("secret put"));
  expect(put.stderr).toContain('For example `--env=""`.');
  expect((await run(["secret", "bulk"], dir, '{"B":"w"}')).stderr).toContain(warning("secret bulk"));
  expect((await run(["secret", "delete", "A"], dir)).stderr).toContain(warning("secret delete"));
  // The warning changes nothing: the top level's .dev.vars was written.
  expect(dotenv(path.join(dir, ".dev.vars"))).toEqual({ B: "w" });
  expect((await run(["secret", "put", "C", "--env", ""], dir, "v")).stderr).not.toContain("Multiple environments");
  expect((await run(["secret", "list"], dir)).stderr).not.toContain("Multiple environments");
});

test("secret list prints names only, as wrangler's JSON; delete removes one", async () => {
  const dir = scratch({ ...CONFIG, ".dev.vars": "ONE=first-value\nTWO=\"second\"\n" });
  const list = await run(["secret", "list"], dir);
  expect(list.exitCode).toBe(0);
  expect(JSON.parse(list.stdout)).toEqual([
    { name: "ONE", type: "secret_text" },
    { name: "TWO", type: "secret_text" },
  ]);
  expect(list.stdout + list.stderr).not.toContain("first-value");
  expect(list.stderr).toContain("local only");
  const deleted = await run(["secret", "delete", "ONE"], dir);
  expect(deleted.exitCode).toBe(0);
  expect(dotenv(path.join(dir, ".dev.vars"))).toEqual({ TWO: "second" });
  const missing = await run(["secret", "delete", "NOPE"], dir);
  expect(missing.exitCode).toBe(1);
  expect(missing.stderr.trim()).toBe("✘ [ERROR] There is no secret NOPE in .dev.vars.");
});

test("secret bulk takes JSON or .env text; a bad entry writes nothing", async () => {
  const dir = scratch({ ...CONFIG, "s.json": JSON.stringify({ A: "1", B: "two" }), "bad.json": JSON.stringify({ C: "3", D: 4 }) });
  const ok = await run(["secret", "bulk", "s.json"], dir);
  expect(ok.exitCode).toBe(0);
  expect(ok.stdout).toContain("✨ 2 secrets successfully uploaded");
  expect((await run(["secret", "bulk"], dir, "E=five\n")).exitCode).toBe(0);
  expect(dotenv(path.join(dir, ".dev.vars"))).toEqual({ A: "1", B: "two", E: "five" });
  const bad = await run(["secret", "bulk", "bad.json"], dir);
  expect(bad.exitCode).toBe(1);
  expect(bad.stderr).toContain("The value of secret D must be a string");
  expect(dotenv(path.join(dir, ".dev.vars"))).toEqual({ A: "1", B: "two", E: "five" });
});

test("a secret put is what bunflare dev serves", async () => {
  const dir = project({
    ...CONFIG,
    "src/index.js": "export default { fetch(req, env) { return new Response(env.TOKEN); } };\n",
  });
  dirs.push(dir);
  expect((await run(["secret", "put", "TOKEN"], dir, "from-secret-put")).exitCode).toBe(0);
  const dev = await startDev(dir, []);
  running.push(dev);
  expect(await (await fetch(dev.url)).text()).toBe("from-secret-put");
});

test("bunflare dev serves the worker the redirected config points at", async () => {
  const dir = project({
    "wrangler.jsonc": JSON.stringify({ name: "app", main: "src/index.js", compatibility_date: "2025-01-01" }),
    "src/index.js": "export default { fetch() { return new Response('source'); } };\n",
    "dist/app/wrangler.json": JSON.stringify({ name: "app", main: "index.js", compatibility_date: "2025-01-01", configPath: "x", userConfigPath: "y", topLevelName: "app", definedEnvironments: [], legacy_env: true }),
    "dist/app/index.js": "export default { fetch() { return new Response('built'); } };\n",
    ".wrangler/deploy/config.json": JSON.stringify({ configPath: "../../dist/app/wrangler.json" }),
  });
  dirs.push(dir);
  const dev = await startDev(dir, []);
  running.push(dev);
  expect(await (await fetch(dev.url)).text()).toBe("built");
  expect(dev.output()).toContain("Using redirected Wrangler configuration.");
  expect(dev.output()).not.toContain("WARNING");
});

test("docs prints the URL; init writes a minimal Worker that builds", async () => {
  const dir = scratch();
  const docs = await run(["docs"], dir);
  expect(docs.exitCode).toBe(0);
  expect(docs.stdout).toContain("https://developers.cloudflare.com/workers/wrangler/commands/");
  const init = await run(["init", "hello", "--yes"], dir);
  expect(init.exitCode).toBe(0);
  for (const file of ["wrangler.jsonc", "src/index.ts", "package.json", "tsconfig.json", ".gitignore"]) {
    expect(existsSync(path.join(dir, "hello", file))).toBe(true);
  }
  const dry = await run(["deploy", "--dry-run"], path.join(dir, "hello"));
  expect(dry.exitCode).toBe(0);
  const again = await run(["init", "hello", "--yes"], dir);
  expect(again.exitCode).toBe(1);
  expect(again.stderr).toContain('The directory "hello" already exists and is not empty');
});

test("a .dev.vars that is a directory is one line naming it, exit 1", async () => {
  const dir = scratch(CONFIG);
  mkdirSync(path.join(dir, ".dev.vars"));
  for (const args of [["secret", "put", "A"], ["secret", "list"]]) {
    const result = await run(args, dir, "v\n");
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim()).toBe("✘ [ERROR] Could not read .dev.vars: it is a directory.");
  }
  expect(readdirSync(path.join(dir, ".dev.vars"))).toEqual([]);
});
