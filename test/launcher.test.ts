// bin/bunflare is what npm links into node_modules/.bin and global bin dirs:
// these run it the ways users do and check exit codes and signals pass through.
import { afterEach, expect, test } from "bun:test";
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { version } from "../package.json";

const ROOT = path.resolve(import.meta.dir, "..");
const BIN = path.join(ROOT, "bin", "bunflare");
const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "launcher-test-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function run(cmd: string[], cwd: string, env: Record<string, string | undefined> = process.env) {
  const proc = Bun.spawn(cmd, { cwd, env, stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 60_000);
  const [stdout, stderr, exitCode] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ]);
  clearTimeout(timer);
  return { stdout, stderr, exitCode };
}

test("runs through a chain of symlinks, as after npm link or a global install", async () => {
  const dir = scratch();
  symlinkSync(BIN, path.join(dir, "first"));
  symlinkSync("first", path.join(dir, "bunflare"));
  const { stdout, exitCode } = await run([path.join(dir, "bunflare"), "--version"], dir);
  expect(exitCode).toBe(0);
  expect(stdout.trim()).toBe(version);
});

test("passes the CLI's exit code through", async () => {
  const dir = scratch();
  expect((await run([BIN, "frobnicate"], dir)).exitCode).toBe(1);
  expect((await run([BIN, "--help"], dir)).exitCode).toBe(0);
});

test("npx bunflare, npm scripts and bunx work in a project that installed bunflare", async () => {
  const dir = scratch();
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: "app", private: true, scripts: { where: "bunflare --version" } }),
  );
  // Installing a folder links it into node_modules and its bin into node_modules/.bin, as npm link does.
  const install = await run(["npm", "install", "--no-audit", "--no-fund", "--offline", ROOT], dir);
  expect(install.exitCode).toBe(0);
  const npx = await run(["npx", "--no-install", "bunflare", "--help"], dir);
  expect(npx.exitCode).toBe(0);
  expect(npx.stdout).toContain("STORAGE & DATABASES");
  const script = await run(["npm", "run", "--silent", "where"], dir);
  expect(script.exitCode).toBe(0);
  expect(script.stdout.trim()).toBe(version);
  // bunx (here `bun x`, the same thing) runs the project's installed bin too.
  const bunx = await run([process.execPath, "x", "bunflare", "--version"], dir);
  expect(bunx.exitCode).toBe(0);
  expect(bunx.stdout.trim()).toBe(version);
}, 120_000);

test("Ctrl-C (SIGINT) reaches the CLI process itself and stops it", async () => {
  // A copy of the launcher in a package whose cli.ts waits forever; Bun is found on PATH.
  const dir = scratch();
  mkdirSync(path.join(dir, "bin"));
  mkdirSync(path.join(dir, "src"));
  copyFileSync(BIN, path.join(dir, "bin", "bunflare"));
  chmodSync(path.join(dir, "bin", "bunflare"), 0o755);
  writeFileSync(path.join(dir, "src", "cli.ts"), 'console.log("ready"); setInterval(() => {}, 1000);\n');
  mkdirSync(path.join(dir, "path"));
  symlinkSync(process.execPath, path.join(dir, "path", "bun"));
  const env = { ...process.env, PATH: `${path.join(dir, "path")}:/usr/bin:/bin` };
  const proc = Bun.spawn([path.join(dir, "bin", "bunflare")], { cwd: dir, env, stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 30_000);
  const reader = proc.stdout.getReader();
  const first = await reader.read();
  expect(new TextDecoder().decode(first.value)).toContain("ready");
  proc.kill("SIGINT");
  await proc.exited;
  clearTimeout(timer);
  // exec: the launcher's pid is Bun's, so the signal ends it directly.
  expect(proc.signalCode).toBe("SIGINT");
}, 60_000);

/** A copy of the package (bin, src, runtime, scripts) sharing this checkout's node_modules, with its CLI bundle built. */
async function packageCopy(): Promise<string> {
  const root = scratch();
  for (const part of ["bin", "src", "runtime", "scripts", "package.json"]) {
    await Bun.$`cp -R ${path.join(ROOT, part)} ${root}/`.quiet();
  }
  symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"));
  const build = await run(["sh", path.join(root, "scripts", "build-cli.sh")], root);
  expect(build.stderr).toBe("");
  const entries = (await Bun.file(path.join(root, "dist", "current")).text()).trim().split(" ");
  expect(entries).toHaveLength(2);
  for (const entry of entries) expect(await Bun.file(path.join(root, "dist", entry)).exists()).toBe(true);
  return root;
}

function kvProject(): string {
  const dir = scratch();
  writeFileSync(path.join(dir, "wrangler.toml"), 'name = "x"\n\n[[kv_namespaces]]\nbinding = "KV"\nid = "kv-id"\n');
  return dir;
}

test("the prebuilt bundle runs kv commands, and the sources run as soon as one of them is edited", async () => {
  const root = await packageCopy();
  const bin = path.join(root, "bin", "bunflare");
  const project = kvProject();
  const put = await run([bin, "kv", "key", "put", "greeting", "hello", "--binding", "KV", "--local"], project);
  expect(put.exitCode).toBe(0);
  expect(put.stdout).toContain('Writing the value "hello" to key "greeting"');
  const get = await run([bin, "kv", "key", "get", "greeting", "--binding", "KV", "--local", "--text"], project);
  expect(get.stdout).toBe("hello\n");
  // An edit the bundle does not have: the launcher must not run the old code.
  const kvSource = path.join(root, "src", "commands", "kv.ts");
  writeFileSync(kvSource, (await Bun.file(kvSource).text()).replace("Writing the value", "Now writing the value"));
  const edited = await run([bin, "kv", "key", "put", "greeting", "again", "--binding", "KV", "--local"], project);
  expect(edited.exitCode).toBe(0);
  expect(edited.stdout).toContain('Now writing the value "again"');
});

test("kv, d1 and r2 bundles hold every binding's leftover recovery, which each store open runs: none is loaded from its sources", async () => {
  const root = await packageCopy();
  const kv = (await Bun.file(path.join(root, "dist", "current")).text()).trim().split(" ")[0]!;
  const recoveries = [...new Bun.Glob("runtime/bindings/*/recover.ts").scanSync(root)];
  expect(recoveries.length).toBeGreaterThan(1);
  for (const bundle of [kv, kv.replace(/\.js$/, ".d1.js"), kv.replace(/\.js$/, ".r2.js")]) {
    const text = await Bun.file(path.join(root, "dist", bundle)).text();
    for (const file of recoveries) {
      expect(text).toContain(`// ${file}`);
      expect(text).not.toContain(`require(${JSON.stringify(path.join(root, file))})`);
    }
  }
});

test("an install moved after its bundle was built still runs (the bundle's compiled-in root no longer matches: the sources run)", async () => {
  const built = await packageCopy();
  const moved = scratch();
  rmSync(moved, { recursive: true });
  await Bun.$`mv ${built} ${moved}`.quiet();
  const project = kvProject();
  const bin = path.join(moved, "bin", "bunflare");
  const put = await run([bin, "kv", "key", "put", "greeting", "hello", "--binding", "KV", "--local"], project);
  expect(put.exitCode).toBe(0);
  expect(put.stdout).toContain('Writing the value "hello" to key "greeting"');
  const unknown = await run([bin, "kv", "key", "put", "greeting", "hello", "--binding", "KV", "--bogus"], project);
  expect(unknown.exitCode).toBe(1);
  expect(unknown.stderr).toContain("Unknown argument: bogus");
});

/** Runs the install's bin/bunflare (or `command`) with `args` in `cwd` until it is ready, hands `check` its URL and pid, then stops it. */
async function whileServing(
  root: string,
  args: string[],
  cwd: string,
  check: (url: string, pid: number, stderr: () => Promise<string>) => Promise<void>,
  command = [path.join(root, "bin", "bunflare")],
): Promise<void> {
  const proc = Bun.spawn([...command, ...args], { cwd, env: { ...process.env, NO_COLOR: "1", HOME: cwd }, stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 60_000);
  const stopped = async () => {
    proc.kill("SIGTERM");
    await proc.exited;
    return new Response(proc.stderr).text();
  };
  try {
    let output = "";
    const decoder = new TextDecoder();
    for await (const chunk of proc.stdout) {
      output += decoder.decode(chunk);
      if (/Ready on \S+/.test(output)) break;
    }
    await check(/Ready on (\S+)/.exec(output)![1]!.replace("localhost", "127.0.0.1"), proc.pid, stopped);
  } finally {
    proc.kill("SIGTERM");
    await proc.exited;
    clearTimeout(timer);
  }
}

/** Dev's bundle's file name in an install (beside the kv bundle, the first name, as d1's and r2's are). */
async function devBundle(root: string): Promise<string> {
  return (await Bun.file(path.join(root, "dist", "current")).text()).trim().split(" ")[0]!.replace(/\.js$/, ".dev.js");
}
/** The modules a bundle holds (`// <path>` before each). */
const heldModules = (text: string) => new Set([...text.matchAll(/^\/\/ ((?:src|runtime|node_modules)\/\S+)$/gm)].map((match) => match[1]!));

/** A bundle's lazy parts in an install (`parts` in the first part's manifest), by part name. */
async function bundleParts(root: string, entry: string): Promise<Map<string, string>> {
  const manifest = (await Bun.file(path.join(root, "dist", entry.replace(/\.js$/, ".manifest.json"))).json()) as { parts: string[] };
  return new Map(manifest.parts.map((part) => [part.slice(entry.length - "js".length, -".js".length), path.join(root, "dist", part)]));
}

test("dev (and pages dev) run from their own bundle in parts, sharing cloudflare:workers with the worker: it requires runtime/modules by source path and holds no copy", async () => {
  const root = await packageCopy();
  const entry = await devBundle(root);
  const first = await Bun.file(path.join(root, "dist", entry)).text();
  // The lazy parts: what a worker without bindings never reaches (each binding's implementation, the Local Explorer, ...).
  const parts = await bundleParts(root, entry);
  expect([...parts.keys()]).toEqual(expect.arrayContaining(["durable-objects", "kv", "d1", "r2", "explorer", "recover"]));
  const texts = new Map<string, string>();
  for (const [part, file] of parts) texts.set(part, await Bun.file(file).text());
  expect(first).toContain(`require(${JSON.stringify(parts.get("durable-objects"))})`);
  expect(first).toContain("// src/dev/server.ts");
  expect(first).not.toContain("// runtime/bindings/durable-objects/index.ts");
  expect(texts.get("durable-objects")).toContain("// runtime/bindings/durable-objects/index.ts");
  expect(texts.get("durable-objects")).not.toContain("// runtime/bindings/kv/index.ts");
  expect(texts.get("explorer")).toContain("// src/explorer/api.ts");
  // No module is in two parts: each takes the others' (one instance of each per process).
  const seen = new Map([...heldModules(first)].map((file) => [file, "first"]));
  expect(seen.size).toBeGreaterThan(50);
  for (const [part, text] of texts) {
    for (const file of heldModules(text)) {
      expect(`${file} in ${part}`).toBe(`${file} in ${seen.get(file) ?? part}`);
      seen.set(file, part);
    }
  }
  const bundle = first + [...texts.values()].join("");
  // No other group's commands: they are left out of it.
  expect(bundle).not.toContain("Writing the value");
  expect(bundle).toContain(`require(${JSON.stringify(path.join(root, "runtime", "modules", "workers.ts"))})`);
  expect(bundle).not.toContain("class WorkerEntrypoint");
  expect(bundle).not.toContain("class RpcTarget");
  // A Durable Object class extending the worker's `DurableObject`, called over RPC by the bundled host (from its lazy part).
  const project = scratch();
  await Bun.$`cp -R ${path.join(ROOT, "fixtures", "do-counter")}/. ${project}`.quiet();
  await whileServing(root, ["dev", "--port", "0"], project, async (url, pid, stderr) => {
    // exec: the launcher's process is Bun running the bundle.
    expect(await Bun.file(`/proc/${pid}/cmdline`).text()).toContain(path.join(root, "dist", entry));
    expect(await (await fetch(`${url}/rpc`)).text()).toBe("1");
    expect(await (await fetch(`${url}/rpc`)).text()).toBe("2");
    expect(await (await fetch(`${url}/`)).text()).toBe("3");
    expect(await (await fetch(`${url}/value`)).text()).toBe("3");
    expect(await stderr()).not.toContain("sourcemap");
  });
  // `pages dev` is dev's session: it runs from the same bundle.
  const site = scratch();
  mkdirSync(path.join(site, "public"));
  writeFileSync(path.join(site, "public", "index.html"), "<h1>site</h1>");
  await whileServing(root, ["pages", "dev", "public", "--port", "0", "--compatibility-date", "2025-01-01"], site, async (url, pid) => {
    expect(await Bun.file(`/proc/${pid}/cmdline`).text()).toContain(path.join(root, "dist", entry));
    expect(await (await fetch(`${url}/`)).text()).toBe("<h1>site</h1>");
  });
  // `pages functions build` is not in it (every dev start loads that bundle): it runs from the one of every group.
  expect(bundle).not.toContain("functionsWorker-");
  mkdirSync(path.join(site, "functions"));
  writeFileSync(path.join(site, "functions", "index.js"), 'export const onRequest = () => new Response("fn");');
  const built = Bun.spawnSync([path.join(root, "bin", "bunflare"), "pages", "functions", "build"], { cwd: site, env: { ...process.env, NO_COLOR: "1" } });
  expect(built.stdout.toString()).toContain("✨ Compiled Worker successfully");
  expect(built.exitCode).toBe(0);
  expect(existsSync(path.join(site, "_worker.bundle"))).toBe(true);
}, 120_000);

test("every other group runs from the bundle of every group in parts: its first part holds the CLI, each group comes with its own part", async () => {
  const root = await packageCopy();
  const entry = (await Bun.file(path.join(root, "dist", "current")).text()).trim().split(" ")[1]!;
  const first = await Bun.file(path.join(root, "dist", entry)).text();
  expect(first).toContain("// src/cli.ts");
  expect(first).not.toContain("// src/commands/types.ts");
  const parts = await bundleParts(root, entry);
  expect([...parts.keys()]).toEqual(expect.arrayContaining(["command-types", "command-queues", "typegen", "yargs"]));
  expect(await Bun.file(parts.get("command-types")!).text()).toContain("// src/commands/types.ts");
  const bin = path.join(root, "bin", "bunflare");
  const project = kvProject();
  writeFileSync(path.join(project, "wrangler.toml"), `compatibility_date = "2025-01-01"\n${await Bun.file(path.join(project, "wrangler.toml")).text()}`);
  const types = await run([bin, "types"], project);
  expect(types.exitCode).toBe(0);
  expect(await Bun.file(path.join(project, "worker-configuration.d.ts")).text()).toContain("KV: KVNamespace");
  const queues = await run([bin, "queues", "list"], project);
  expect(queues.exitCode).toBe(0);
  const bad = await run([bin, "types", "--bogus"], project);
  expect(bad.exitCode).toBe(1);
  expect(bad.stderr).toContain("Unknown argument: bogus");
}, 120_000);

test("dev's bundle runs the sources when one of its lazy parts is missing, and its manifest covers the parts' sources (an edit of one runs the sources)", async () => {
  const root = await packageCopy();
  const entry = await devBundle(root);
  const parts = await bundleParts(root, entry);
  const manifest = (await Bun.file(path.join(root, "dist", entry.replace(/\.js$/, ".manifest.json"))).json()) as { files: [string][] };
  const listed = new Set(manifest.files.map(([file]) => file));
  const lazySources: string[] = [];
  for (const file of parts.values()) lazySources.push(...[...heldModules(await Bun.file(file).text())].filter((source) => !source.startsWith("node_modules/")));
  expect(lazySources.length).toBeGreaterThan(20);
  expect(lazySources.filter((file) => !listed.has(file))).toEqual([]);
  // Without the Durable Objects' part the sources run, so a Durable Object still works.
  const part = parts.get("durable-objects")!;
  renameSync(part, `${part}.away`);
  const project = scratch();
  await Bun.$`cp -R ${path.join(ROOT, "fixtures", "do-counter")}/. ${project}`.quiet();
  await whileServing(root, ["dev", "--port", "0"], project, async (url) => {
    expect(await (await fetch(`${url}/rpc`)).text()).toBe("1");
  });
}, 120_000);

test("a rebuild keeps the files of the build a running dev process started from (it reads its lazy parts later); the next rebuild after it stops removes them", async () => {
  const root = await packageCopy();
  const entry = await devBundle(root);
  const build = entry.split(".")[0]!;
  const built = () => readdirSync(path.join(root, "dist")).filter((file) => file.startsWith(`${build}.`));
  const files = built();
  expect(files).toContain(`${build}.dev.explorer.js`);
  const project = scratch();
  await Bun.$`cp -R ${path.join(ROOT, "fixtures", "bench-hello")}/. ${project}`.quiet();
  const rebuild = async () => expect((await run(["sh", path.join(root, "scripts", "build-cli.sh")], root)).stderr).toBe("");
  await whileServing(root, ["dev", "--port", "0"], project, async (url) => {
    // Two rebuilds: the first alone would keep it as the previous build.
    await rebuild();
    await rebuild();
    expect(built()).toEqual(files);
    // The Local Explorer's part, read only now, is still there.
    expect((await fetch(`${url}/cdn-cgi/explorer/api/local/workers`)).status).toBe(200);
  });
  await rebuild();
  await rebuild();
  expect(built()).toEqual([]);
}, 120_000);

test("a dev start whose worker has no bindings needs no module of dev's lazy parts (run from the sources, every module it loads is in the first part)", async () => {
  const root = await packageCopy();
  const firstText = await Bun.file(path.join(root, "dist", await devBundle(root))).text();
  const first = heldModules(firstText);
  const project = scratch();
  await Bun.$`cp -R ${path.join(ROOT, "fixtures", "bench-hello")}/. ${project}`.quiet();
  // What the process has loaded, written when it is asked (after the first response).
  const list = path.join(project, "loaded.txt");
  writeFileSync(
    path.join(project, "preload.ts"),
    `process.on("SIGUSR2", () => require("node:fs").writeFileSync(${JSON.stringify(list)}, Object.keys(require.cache).join("\\n")));`,
  );
  const sources = [process.execPath, "--preload", "./preload.ts", path.join(root, "src", "cli.ts")];
  await whileServing(
    root,
    ["dev", "--port", "0"],
    project,
    async (url, pid) => {
      expect(await (await fetch(url)).text()).toBe("Hello World!");
      process.kill(pid, "SIGUSR2");
      for (let i = 0; i < 200 && !existsSync(list); i++) await Bun.sleep(25);
    },
    sources,
  );
  const loaded = (await Bun.file(list).text()).split("\n").map((file) => path.relative(root, file));
  // runtime/modules/* and what they import are required by their source paths (shared with the worker's bundle), never bundled.
  const bySourcePath = (file: string) => firstText.includes(`require(${JSON.stringify(path.join(root, file))})`);
  const ours = loaded.filter((file) => /^(src|runtime)\//.test(file) && !file.startsWith("runtime/modules/") && !bySourcePath(file) && file !== "src/cli.ts");
  expect(ours.length).toBeGreaterThan(50);
  expect(ours.filter((file) => !first.has(file))).toEqual([]);
}, 120_000);
