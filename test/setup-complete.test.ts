// `bunflare setup` (a static site configured locally as wrangler's autoconfig does it)
// and `bunflare complete` (wrangler's completion protocol, and a bash script that uses it).
import { afterEach, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dir, "..");
const BIN = path.join(ROOT, "bin", "bunflare");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), "setup-test-"));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** PATH with bun's directory and the system's, so no wrangler is found on it. */
const PATH_WITHOUT_WRANGLER = [path.dirname(process.execPath), "/usr/bin", "/bin"].join(":");

async function run(args: string[], cwd: string, env: Record<string, string> = {}) {
  const proc = Bun.spawn([BIN, ...args], { cwd, stdout: "pipe", stderr: "pipe", env: { ...process.env, NO_COLOR: "1", CI: "true", ...env } });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  return { stdout, stderr, exitCode };
}

const today = () => new Date().toISOString().slice(0, 10);

test("setup configures a static site: wrangler.jsonc, package.json scripts, .gitignore lines", async () => {
  const dir = project({ "package.json": '{\n  "name": "site",\n  "private": true\n}\n', "public/index.html": "<h1>hi</h1>", ".gitignore": "node_modules" });
  const { stdout, exitCode } = await run(["setup", "--yes"], dir);
  expect(exitCode).toBe(0);
  expect(stdout).toContain(" - Worker Name: site\n - Framework: Static\n - Output Directory: public\n");
  expect(stdout).toContain("🎉 Your project is now setup to deploy to Cloudflare\nYou can now deploy with npm run deploy\n");
  expect(JSON.parse(readFileSync(path.join(dir, "wrangler.jsonc"), "utf8"))).toEqual({
    $schema: "node_modules/wrangler/config-schema.json",
    name: "site",
    compatibility_date: today(),
    observability: { enabled: true },
    assets: { directory: "public" },
    compatibility_flags: ["nodejs_compat"],
  });
  expect(readFileSync(path.join(dir, "package.json"), "utf8")).toBe(
    '{\n  "name": "site",\n  "private": true,\n  "scripts": {\n    "deploy": "wrangler deploy",\n    "preview": "wrangler dev"\n  }\n}\n',
  );
  expect(readFileSync(path.join(dir, ".gitignore"), "utf8")).toBe(
    "node_modules\n\n# wrangler files\n.wrangler\n.bunflare\n.dev.vars*\n!.dev.vars.example\n.env*\n!.env.example\n",
  );
  // The configured project then serves its assets, and setup has nothing left to do.
  const again = await run(["setup"], dir);
  expect(again.stdout).toContain("🎉 Your project is already setup to deploy to Cloudflare\nYou can now deploy with wrangler deploy\n");
  expect(again.exitCode).toBe(0);
});

test("setup --dry-run writes nothing; an index.html at the root keeps the store out of the assets", async () => {
  const dir = project({ "index.html": "<h1>hi</h1>" });
  const dry = await run(["setup", "--dry-run"], dir);
  expect(dry.exitCode).toBe(0);
  expect(dry.stdout).toContain("✋  Autoconfig process run in dry-run mode, existing now.");
  expect(existsSync(path.join(dir, "wrangler.jsonc"))).toBe(false);
  const real = await run(["setup", "-y"], dir);
  expect(real.exitCode).toBe(0);
  expect(real.stdout).toContain(`You can now deploy with wrangler deploy`);
  expect(readFileSync(path.join(dir, ".assetsignore"), "utf8")).toBe(".wrangler\n.bunflare\n");
  expect(existsSync(path.join(dir, ".gitignore"))).toBe(false); // no git here: wrangler leaves it too
});

test("setup with nothing to serve is one error line, exit 1, nothing written", async () => {
  const dir = project({ "package.json": '{"name":"x"}' });
  const { stderr, exitCode } = await run(["setup", "--yes"], dir);
  expect(exitCode).toBe(1);
  expect(stderr.trim()).toBe("✘ [ERROR] Could not detect a directory containing static files (e.g. html, css and js) for the project");
  expect(readFileSync(path.join(dir, "package.json"), "utf8")).toBe('{"name":"x"}');
  expect(existsSync(path.join(dir, "wrangler.jsonc"))).toBe(false);
});

test("setup of a framework project goes to real wrangler, or says in one line how to get it", async () => {
  const dir = project({ "package.json": '{"name":"x","devDependencies":{"astro":"^5"}}', "public/index.html": "" });
  const missing = await run(["setup"], dir, { PATH: PATH_WITHOUT_WRANGLER });
  expect(missing.exitCode).toBe(1);
  expect(missing.stderr.trim()).toBe(
    "✘ [ERROR] `bunflare setup` configures static sites; this is an Astro project, which real wrangler configures (it installs the framework's Cloudflare adapter): install it with `npm install --save-dev wrangler` and run `npx wrangler setup`.",
  );
  const bin = path.join(dir, "bin");
  mkdirSync(bin);
  writeFileSync(path.join(bin, "wrangler"), '#!/bin/sh\necho "real wrangler got: $*"\nexit 7\n', { mode: 0o755 });
  const forwarded = await run(["setup", "--yes"], dir, { PATH: `${bin}:${PATH_WITHOUT_WRANGLER}` });
  expect(forwarded.stdout).toContain("real wrangler got: setup --yes");
  expect(forwarded.exitCode).toBe(7);
});

test("complete answers wrangler's protocol from the command tree", async () => {
  const dir = project();
  const kv = await run(["complete", "--", "kv", ""], dir);
  expect(kv.stdout).toBe(
    "namespace\tInteract with your Workers KV Namespaces\nkey\tIndividually manage Workers KV key-value pairs\nbulk\tInteract with multiple Workers KV key-value pairs at once\n:4\n",
  );
  expect((await run(["complete", "--", "kv", "key", "put", "--b"], dir)).stdout).toBe("--binding\tThe binding name to the namespace to write to\n:4\n");
  expect((await run(["complete", "--", "dev", "--log-level", "w"], dir)).stdout).toBe("warn\twarn\n:4\n");
  expect((await run(["complete", "--", "setu"], dir)).stdout).toBe("setup\t🪄 Setup a project to work on Cloudflare\n:4\n");
  expect((await run(["complete", "--", "nope", ""], dir)).stdout).toBe(":4\n");
});

test("the bash script completes through bunflare complete", async () => {
  const dir = project();
  const bin = path.join(dir, "bin");
  mkdirSync(bin);
  symlinkSync(BIN, path.join(bin, "bunflare"));
  const script = (await run(["complete", "bash"], dir)).stdout;
  writeFileSync(path.join(dir, "completion.bash"), script);
  const probe = (words: string) =>
    `COMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); __bunflare_complete; echo "\${COMPREPLY[*]}"`;
  const proc = Bun.spawn(
    ["bash", "-c", `source completion.bash; ${probe('bunflare kv ""')}; ${probe("bunflare d1 mig")}; ${probe("bunflare kv key put --bi")}`],
    { cwd: dir, stdout: "pipe", stderr: "pipe", env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } },
  );
  const [stdout, stderr] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text()]);
  expect(stderr).toBe("");
  expect(stdout).toBe("namespace key bulk\nmigrations\n--binding\n");
  expect(await proc.exited).toBe(0);
});

test("complete without a shell is wrangler's usage error", async () => {
  const { stderr, exitCode } = await run(["complete"], project());
  expect(exitCode).toBe(1);
  expect(stderr).toContain("✘ [ERROR] Missing required argument: shell");
});
