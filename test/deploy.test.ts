// deploy --dry-run / versions upload --dry-run / build / check startup, the
// redirected config, and WRANGLER_BUILD_CONDITIONS / WRANGLER_BUILD_PLATFORM.
import { expect, test } from "bun:test";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runBunflare, scratchProjects } from "./cli-helpers.ts";
import { loadConfig } from "../src/config/index.ts";
import { openProject } from "../src/project.ts";

const scratch = scratchProjects("deploy-test-");
const run = runBunflare;

const config = (extra: object = {}) => JSON.stringify({ name: "app", main: "src/index.js", compatibility_date: "2025-01-01", ...extra });

test("deploy --dry-run --outdir writes the bundle, its map and README.md, creating missing parents", async () => {
  const dir = scratch({
    "wrangler.json": config({ kv_namespaces: [{ binding: "KV", id: "abc" }] }),
    "src/index.js": "import msg from './msg.txt';\nexport default { fetch() { return new Response(msg); } };\n",
    "src/msg.txt": "hello from a text module",
  });
  const result = await run(["deploy", "--dry-run", "--outdir", "a/b/out"], dir);
  expect(result.exitCode).toBe(0);
  expect(result.stdout).toMatch(/Total Upload: \d+\.\d\d KiB \/ gzip: \d+\.\d\d KiB/);
  expect(result.stdout).toContain("Binding           Resource          \nenv.KV (abc)      KV Namespace      \n");
  expect(result.stdout.trim().endsWith("--dry-run: exiting now.")).toBe(true);
  const out = path.join(dir, "a/b/out");
  // The text module is a module of its own, named by its SHA-1 as wrangler names it.
  const hash = new Bun.CryptoHasher("sha1").update("hello from a text module").digest("hex");
  expect(readdirSync(out).sort()).toEqual(["README.md", `${hash}-msg.txt`, "index.js", "index.js.map"].sort());
  const code = readFileSync(path.join(out, "index.js"), "utf8");
  expect(code).toContain(`import msg from "./${hash}-msg.txt";`);
  expect(readFileSync(path.join(out, `${hash}-msg.txt`), "utf8")).toBe("hello from a text module");
  expect(code.trimEnd().endsWith("//# sourceMappingURL=index.js.map")).toBe(true);
  expect(readFileSync(path.join(out, "README.md"), "utf8")).toContain('for the worker "app" generated at');
  // The written bundle runs: it and its module are complete (Bun imports a .txt file as its text).
  const mod = await import(path.join(out, "index.js"));
  expect(await (await mod.default.fetch()).text()).toBe("hello from a text module");
});

/** The parts of a multipart upload, read by the platform's own form parser. */
async function readUpload(file: string) {
  const bytes = readFileSync(file);
  const boundary = /^--(\S+)\r\n/.exec(bytes.toString("latin1"))![1]!;
  expect(boundary).toMatch(/^----formdata-undici-0\d{11}$/);
  expect(bytes.toString("latin1").endsWith(`--${boundary}--\r\n`)).toBe(true);
  const form = await new Response(bytes, { headers: { "content-type": `multipart/form-data; boundary=${boundary}` } }).formData();
  const parts: { name: string; type?: string; text: string }[] = [];
  for (const [name, value] of form.entries() as unknown as Iterable<[string, string | Blob]>) {
    parts.push(typeof value === "string" ? { name, text: value } : { name, type: value.type, text: await value.text() });
  }
  return { metadata: JSON.parse(parts[0]!.text), parts };
}

test("deploy --dry-run --outfile writes the upload: the metadata part, then each module typed by its kind", async () => {
  const dir = scratch({
    "wrangler.json": config({ vars: { A: "x", N: 3 }, kv_namespaces: [{ binding: "KV", id: "abc" }], d1_databases: [{ binding: "DB", database_name: "d", database_id: "1" }] }),
    "src/index.js": "import msg from './msg.txt';\nexport default { fetch() { return new Response(msg); } };\n",
    "src/msg.txt": "hello",
  });
  const result = await run(["deploy", "--dry-run", "--outfile", "out/worker.bundle", "--var", "V:1"], dir);
  expect(result.exitCode).toBe(0);
  const { metadata, parts } = await readUpload(path.join(dir, "out/worker.bundle"));
  expect(metadata).toEqual({
    main_module: "index.js",
    bindings: [
      { name: "A", type: "plain_text", text: "x" },
      { name: "V", type: "plain_text", text: "1" },
      { name: "N", type: "json", json: 3 },
      { name: "KV", type: "kv_namespace", namespace_id: "abc" },
      { name: "DB", type: "d1", id: "1" },
    ],
    compatibility_date: "2025-01-01",
    compatibility_flags: [],
  });
  const hash = new Bun.CryptoHasher("sha1").update("hello").digest("hex");
  expect(parts.map(({ name }) => name)).toEqual(["metadata", "index.js", `./${hash}-msg.txt`]);
  // Each file part's headers as wrangler writes them (Bun's parser would rename the JavaScript type).
  const raw = readFileSync(path.join(dir, "out/worker.bundle"), "utf8");
  expect(raw).toContain('Content-Disposition: form-data; name="index.js"; filename="index.js"\r\nContent-Type: application/javascript+module\r\n\r\n');
  expect(raw).toContain(`Content-Disposition: form-data; name="./${hash}-msg.txt"; filename="./${hash}-msg.txt"\r\nContent-Type: text/plain\r\n\r\nhello\r\n`);
  expect(parts[1]!.text).toContain(`from "./${hash}-msg.txt"`);
  expect(parts[2]!.text).toBe("hello");
  // versions upload keeps secrets and always annotates.
  await run(["versions", "upload", "--dry-run", "--outfile", "v.bundle", "--tag", "t"], dir);
  const version = await readUpload(path.join(dir, "v.bundle"));
  expect(version.metadata.keep_bindings).toEqual(["secret_text", "secret_key"]);
  expect(version.metadata.annotations).toEqual({ "workers/tag": "t" });
});

test("check startup --worker takes the upload deploy --outfile wrote", async () => {
  const dir = scratch({
    "wrangler.json": config(),
    "src/index.js": "import msg from './msg.txt';\nexport default { fetch() { return new Response(msg); } };\n",
    "src/msg.txt": "hello",
  });
  expect((await run(["deploy", "--dry-run", "--outfile", "worker.bundle"], dir)).exitCode).toBe(0);
  const result = await run(["check", "startup", "--worker", "worker.bundle", "--outfile", "p.cpuprofile"], dir);
  expect(result.exitCode).toBe(0);
  expect(JSON.parse(readFileSync(path.join(dir, "p.cpuprofile"), "utf8")).nodes.length).toBeGreaterThan(0);
});

test("--outdir with -c in a subdirectory: a bundle and its map beside the config, README.md where the command ran; unbundled, all there", async () => {
  const dir = scratch({
    "sub/wrangler.toml": 'name = "sub"\nmain = "i.js"\ncompatibility_date = "2025-01-01"\n',
    "sub/i.js": 'export default { fetch() { return new Response("x"); } };\n',
  });
  const files = (under: string) => (existsSync(path.join(dir, under)) ? readdirSync(path.join(dir, under)).sort() : []);
  expect((await run(["deploy", "--dry-run", "--outdir", "out", "-c", "sub/wrangler.toml"], dir)).exitCode).toBe(0);
  expect(files("out")).toEqual(["README.md"]);
  expect(files("sub/out")).toEqual(["i.js", "i.js.map"]);
  // The map's sources are relative to where it sits.
  expect(JSON.parse(readFileSync(path.join(dir, "sub/out/i.js.map"), "utf8")).sources).toEqual(["../i.js"]);
  rmSync(path.join(dir, "out"), { recursive: true });
  rmSync(path.join(dir, "sub/out"), { recursive: true });
  expect((await run(["deploy", "--dry-run", "--outdir", "out", "-c", "sub/wrangler.toml", "--no-bundle"], dir)).exitCode).toBe(0);
  expect(files("out")).toEqual(["README.md", "i.js"]);
  expect(files("sub/out")).toEqual([]);
});

test("an --outdir under a file is one clear error and nothing is written", async () => {
  const dir = scratch({ "wrangler.json": config(), "src/index.js": "export default {};\n", blocker: "" });
  const result = await run(["deploy", "--dry-run", "--outdir", "blocker/out"], dir);
  expect(result.exitCode).toBe(1);
  expect(result.stderr.trim()).toBe('✘ [ERROR] Could not create the --outdir directory "blocker/out": a part of its path is a file.');
  expect(readFileSync(path.join(dir, "blocker"), "utf8")).toBe("");
});

test("versions upload --dry-run and build run the same build; build writes dist/", async () => {
  const dir = scratch({ "wrangler.json": config(), "src/index.js": "export default { fetch() { return new Response('x'); } };\n" });
  const upload = await run(["versions", "upload", "--dry-run"], dir);
  expect(upload.exitCode).toBe(0);
  // As wrangler: only deploy says it found no bindings.
  expect(upload.stdout).toMatch(/Total Upload: [^\n]*\n--dry-run: exiting now\./);
  expect(upload.stdout).not.toContain("No bindings found.");
  const build = await run(["build"], dir);
  expect(build.exitCode).toBe(0);
  expect(readdirSync(path.join(dir, "dist")).sort()).toEqual(["README.md", "index.js", "index.js.map"]);
});

test("deploy --dry-run says how many entries it read from the assets directory; a missing one or a Pages _worker.js is an error, exit 1", async () => {
  const dir = scratch({
    "wrangler.json": config({ assets: { directory: "public" } }),
    "src/index.js": "export default { fetch() { return new Response('x'); } };\n",
    "public/index.html": "<p>hi</p>\n",
    "public/img/logo.svg": "<svg/>\n",
    "public/_headers": "/*\n  X-A: 1\n",
    "pages/_worker.js": "export default {};\n",
    "file.txt": "x\n",
  });
  const read = await run(["deploy", "--dry-run"], dir);
  expect(read.exitCode).toBe(0);
  // Four entries: two files, the img directory and _headers, counted as wrangler counts them.
  expect(read.stdout).toContain(`✨ Read 4 files from the assets directory ${path.join(dir, "public")}\nTotal Upload: `);
  const upload = await run(["versions", "upload", "--dry-run"], dir);
  expect(upload.stdout).not.toContain("✨ Read");
  const missing = await run(["deploy", "--dry-run", "--assets", "nope"], dir);
  expect(missing.exitCode).toBe(1);
  expect(missing.stderr).toContain(`The directory specified by the "--assets" command line argument does not exist:\n\n  ${path.join(dir, "nope")}`);
  const file = await run(["deploy", "--dry-run", "--assets", "file.txt"], dir);
  expect(file.exitCode).toBe(1);
  expect(file.stderr).toContain(`The path specified by the "--assets" command line argument doesn't point to a directory:\n\n  ${path.join(dir, "file.txt")}`);
  const pages = await run(["deploy", "--dry-run", "--assets", "pages"], dir);
  expect(pages.exitCode).toBe(1);
  expect(pages.stderr).toContain("Uploading a Pages _worker.js file as an asset.");
  expect(pages.stderr).not.toContain("    at ");
  // An .assetsignore (even empty) says the upload is meant.
  writeFileSync(path.join(dir, "pages/.assetsignore"), "");
  const allowed = await run(["deploy", "--dry-run", "--assets", "pages"], dir);
  expect(allowed.exitCode).toBe(0);
  expect(allowed.stdout).toContain("✨ Read 2 files from the assets directory");
});

test("deploy --dry-run refuses an asset over 25 MiB, naming it; one of exactly 25 MiB or one .assetsignore hides passes", async () => {
  const dir = scratch({
    "wrangler.json": config({ assets: { directory: "public" } }),
    "src/index.js": "export default { fetch() { return new Response('x'); } };\n",
    "public/.assetsignore": "hidden.bin\n",
  });
  // Sparse files: the size is what counts.
  const sized = (file: string, bytes: number) => {
    writeFileSync(path.join(dir, file), "");
    truncateSync(path.join(dir, file), bytes);
  };
  sized("public/limit.bin", 25 * 1024 * 1024);
  sized("public/hidden.bin", 40 * 1024 * 1024);
  expect((await run(["deploy", "--dry-run"], dir)).exitCode).toBe(0);
  sized("public/over.bin", 30 * 1024 * 1024);
  const over = await run(["deploy", "--dry-run"], dir);
  expect(over.exitCode).toBe(1);
  expect(over.stderr).toContain(
    `Asset too large.\n\n  Cloudflare Workers supports assets with sizes of up to 25 MiB. We found a file ${path.join(dir, "public/over.bin")} with a size of 30 MiB.`,
  );
  expect(over.stderr).not.toContain("    at ");
});

test("an assets-only project's dry run uploads wrangler's no-op worker, written as no-op-worker.js by --outdir", async () => {
  const dir = scratch({ "wrangler.json": JSON.stringify({ name: "site", compatibility_date: "2025-01-01", assets: { directory: "public" } }), "public/a.txt": "a\n" });
  const result = await run(["deploy", "--dry-run", "--outdir", "out"], dir);
  expect(result.exitCode).toBe(0);
  expect(result.stdout).toContain("✨ Read 1 file from the assets directory");
  expect(readdirSync(path.join(dir, "out")).sort()).toEqual(["README.md", "no-op-worker.js", "no-op-worker.js.map"]);
  const mod = await import(path.join(dir, "out", "no-op-worker.js"));
  const response: Response = await mod.default.fetch();
  expect([response.status, response.headers.get("content-type"), await response.text()]).toEqual([404, "text/html", "Not found"]);
});

test("a Durable Object class named in config but not exported is wrangler's error, exit 1", async () => {
  const dir = scratch({
    "wrangler.json": config({ durable_objects: { bindings: [{ name: "C", class_name: "Counter" }] } }),
    "src/index.js": "class Counter {}\nexport default { fetch() { return new Response('x'); } };\n",
  });
  const result = await run(["deploy", "--dry-run", "--outdir", "out"], dir);
  expect(result.exitCode).toBe(1);
  expect(result.stderr).toContain("Your Worker depends on the following Durable Objects, which are not exported in your entrypoint file: Counter.");
  expect(result.stderr).toContain("You should export these objects from your entrypoint, src/index.js.");
  expect(existsSync(path.join(dir, "out"))).toBe(false);
});

test("WRANGLER_BUILD_CONDITIONS picks the package export; a bad WRANGLER_BUILD_PLATFORM is an error", async () => {
  const dir = scratch({
    "wrangler.json": config(),
    "src/index.js": "import which from 'pkg';\nexport default { fetch() { return new Response(which); } };\n",
    "node_modules/pkg/package.json": JSON.stringify({
      name: "pkg",
      exports: { custom: "./custom.js", workerd: "./workerd.js", default: "./default.js" },
    }),
    "node_modules/pkg/custom.js": "export default 'custom-condition';\n",
    "node_modules/pkg/workerd.js": "export default 'workerd-condition';\n",
    "node_modules/pkg/default.js": "export default 'default-condition';\n",
  });
  await run(["deploy", "--dry-run", "--outdir", "plain"], dir);
  expect(readFileSync(path.join(dir, "plain/index.js"), "utf8")).toContain("workerd-condition");
  await run(["deploy", "--dry-run", "--outdir", "custom"], dir, { WRANGLER_BUILD_CONDITIONS: "custom" });
  const custom = readFileSync(path.join(dir, "custom/index.js"), "utf8");
  expect(custom).toContain("custom-condition");
  expect(custom).not.toContain("workerd-condition");
  const bad = await run(["deploy", "--dry-run"], dir, { WRANGLER_BUILD_PLATFORM: "deno" });
  expect(bad.exitCode).toBe(1);
  expect(bad.stderr).toContain("Invalid esbuild platform configuration defined in the WRANGLER_BUILD_PLATFORM environment variable.");
});

test("the redirected config is followed for dev-like loads, its generated fields accepted, the store stays beside the user's config", () => {
  const dir = scratch({
    "wrangler.jsonc": config(),
    "dist/app/wrangler.json": JSON.stringify({
      configPath: "/elsewhere/wrangler.json",
      userConfigPath: "/elsewhere/wrangler.jsonc",
      topLevelName: "app",
      definedEnvironments: ["staging"],
      targetEnvironment: "staging",
      legacy_env: true,
      name: "app-staging",
      main: "index.js",
      previews: {},
      streaming_tail_consumers: [],
    }),
    "dist/app/index.js": "",
    ".wrangler/deploy/config.json": JSON.stringify({ configPath: "../../dist/app/wrangler.json" }),
  });
  const warnings: string[] = [];
  const infos: string[] = [];
  const loaded = loadConfig({ cwd: dir, redirect: true, onWarning: (m) => warnings.push(m), onInfo: (m) => infos.push(m) });
  expect(loaded.path).toBe(path.join(dir, "dist/app/wrangler.json"));
  expect(loaded.config.name).toBe("app-staging");
  expect(warnings).toEqual([]);
  expect(infos.join("\n")).toContain('Using redirected Wrangler configuration.\n - Configuration being used: "dist/app/wrangler.json"');
  // Resource commands do not follow it, as in wrangler.
  expect(loadConfig({ cwd: dir }).path).toBe(path.join(dir, "wrangler.jsonc"));
  // An --env other than the one built for is refused.
  expect(() => loadConfig({ cwd: dir, redirect: true, env: "prod", onInfo: () => {} })).toThrow('This does not match the target environment "staging"');
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    expect(openProject({ _: [] }, { redirect: true }).storeDir).toBe(path.join(dir, ".bunflare"));
  } finally {
    process.chdir(cwd);
  }
});

test("check startup writes a CPU profile of the worker's startup", async () => {
  const dir = scratch({ "wrangler.json": config(), "src/index.js": "const t = Array.from({ length: 1000 }, (_, i) => i * 2);\nexport default { fetch() { return new Response(String(t.length)); } };\n" });
  const result = await run(["check", "startup", "--outfile", "p.cpuprofile"], dir);
  expect(result.exitCode).toBe(0);
  const profile = JSON.parse(readFileSync(path.join(dir, "p.cpuprofile"), "utf8"));
  expect(Array.isArray(profile.nodes)).toBe(true);
  expect(result.stdout).toContain("CPU Profile has been written to p.cpuprofile.");
});

test("check startup with an --outfile it cannot write is one line, exit 1, and leaves nothing behind", async () => {
  const dir = scratch({ "wrangler.json": config(), "src/index.js": "export default { fetch() { return new Response('x'); } };\n", blocker: "" });
  mkdirSync(path.join(dir, "taken"));
  for (const [outfile, reason] of [
    ["blocker/p.cpuprofile", "a part of its path is a file"],
    ["taken", "it is a directory"],
  ]) {
    const result = await run(["check", "startup", "--outfile", outfile!], dir);
    expect(result.exitCode).toBe(1);
    expect(result.stderr.trim().split("\n").at(-1)).toBe(`✘ [ERROR] Could not write the --outfile "${outfile}": ${reason}.`);
  }
  expect(readdirSync(dir).sort()).toEqual(["blocker", "src", "taken", "wrangler.json"]);
  expect(readdirSync(path.join(dir, "taken"))).toEqual([]);
});

test("--no-bundle is accepted by deploy --dry-run (yargs reads it as bundle=false) and the file is uploaded as written", async () => {
  const source = "export default { fetch() { return new Response('as written'); } };\n";
  const dir = scratch({ "wrangler.json": config(), "src/index.js": source });
  const result = await run(["deploy", "--dry-run", "--no-bundle", "--outdir", "out"], dir);
  expect(result.stderr).not.toContain("Unknown argument");
  expect(result.exitCode).toBe(0);
  expect(readFileSync(path.join(dir, "out", "index.js"), "utf8")).toBe(source);
});

test("deploy and versions upload --dry-run warn when environments are defined and none is named; --env \"\" names the top level", async () => {
  const dir = scratch({ "wrangler.json": config({ env: { staging: {} } }), "src/index.js": "export default { fetch() { return new Response('hi'); } };\n" });
  const warning = (command: string) =>
    `▲ [WARNING] Multiple environments are defined in the Wrangler configuration file, but no target environment was specified for the ${command} command.\n\n` +
    "  To avoid unintentional changes to the wrong environment, it is recommended to explicitly specify the target environment using the `-e|--env` flag.\n";
  const deploy = await run(["deploy", "--dry-run"], dir);
  expect(deploy.exitCode).toBe(0);
  expect(deploy.stderr).toContain(warning("deploy"));
  expect((await run(["versions", "upload", "--dry-run"], dir)).stderr).toContain(warning("versions upload"));
  const named = await run(["deploy", "--dry-run", "--env", ""], dir);
  expect(named.exitCode).toBe(0);
  expect(named.stderr).not.toContain("Multiple environments");
  const single = scratch({ "wrangler.json": config(), "src/index.js": "export default { fetch() { return new Response('hi'); } };\n" });
  expect((await run(["deploy", "--dry-run"], single)).stderr).not.toContain("Multiple environments");
});

test("deploy --dry-run counts the bundle as uploaded (with its source map comment) and lists containers after the bindings", async () => {
  const dir = scratch({
    "wrangler.json": config({
      containers: [{ class_name: "Box", image: "registry.example.com/box:1" }],
      durable_objects: { bindings: [{ name: "BOX", class_name: "Box" }] },
      migrations: [{ tag: "v1", new_sqlite_classes: ["Box"] }],
    }),
    "src/index.js": 'import { DurableObject } from "cloudflare:workers";\nexport class Box extends DurableObject {}\nexport default { fetch() { return new Response("x"); } };\n',
  });
  const result = await run(["deploy", "--dry-run", "--outdir", "out"], dir);
  expect(result.exitCode).toBe(0);
  const written = readFileSync(path.join(dir, "out", "index.js"));
  expect(written.toString()).toEndWith("//# sourceMappingURL=index.js.map\n");
  expect(result.stdout).toContain(`Total Upload: ${(written.length / 1024).toFixed(2)} KiB`);
  expect(result.stdout).toContain("env.BOX (Box)      Durable Object      \n\nThe following containers are available:\n- app-box (registry.example.com/box:1)\n\n--dry-run: exiting now.");
});

test("bad tail_consumers / streaming_tail_consumers are config errors in wrangler's words; good ones are listed by a dry run", async () => {
  const toml = (body: string) => `name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n${body}`;
  const dir = scratch({
    "wrangler.toml": toml(
      'tail_consumers = [{ service = 1 }, { environment = "e" }, { service = "t", environment = 3, foo = 1 }, 5]\n' +
        'streaming_tail_consumers = [{ foo = 1 }, { service = "s", environment = 3 }, []]\n' +
        '[env.x]\ntail_consumers = "nope"\nstreaming_tail_consumers = { service = "z" }\n',
    ),
    "index.js": "export default { fetch() { return new Response('hi'); } };\n",
  });
  const bad = await run(["deploy", "--dry-run", "--outdir", "out", "--env", "x"], dir);
  expect(bad.exitCode).toBe(1);
  expect(bad.stderr).toContain(
    [
      '    - Expected "tail_consumers[0].service" to be of type string but got 1.',
      '    - "tail_consumers[1].service" is a required field.',
      '    - Expected "tail_consumers[2].environment" to be of type string but got 3.',
      '    - "tail_consumers[3]" should be an object but got 5.',
      '    - "streaming_tail_consumers[0].service" is a required field.',
      '    - "streaming_tail_consumers[2]" should be an object but got [].',
      '    - "env.x" environment configuration',
      '      - Expected "tail_consumers" to be an array but got "nope".',
      '      - Expected "streaming_tail_consumers" to be an array but got {"service":"z"}.',
    ].join("\n"),
  );
  expect(bad.stderr).not.toContain("foo");
  expect(bad.stderr).not.toContain("    at ");
  expect(existsSync(path.join(dir, "out"))).toBe(false);

  writeFileSync(path.join(dir, "wrangler.toml"), toml('tail_consumers = [{ service = "t1", environment = "e" }]\nstreaming_tail_consumers = [{ service = "s1" }]\n'));
  const good = await run(["deploy", "--dry-run"], dir);
  expect(good.exitCode).toBe(0);
  expect(good.stdout).toContain("No bindings found.\nYour Worker is sending Tail events to the following Workers:\n- t1\n- s1 (streaming)\n--dry-run: exiting now.");
  // A falsy value is no consumers (wrangler 4.86 passes it, then crashes on it).
  writeFileSync(path.join(dir, "wrangler.toml"), toml("tail_consumers = false\n"));
  const none = await run(["deploy", "--dry-run"], dir);
  expect(none.exitCode).toBe(0);
  expect(none.stdout).not.toContain("Tail events");
});

test("deploy --dry-run --outdir writes wrangler's source map: sourceRoot as given, sources relative to the out directory, their text", async () => {
  const index = 'import { greet } from "./util";\nimport note from "./note.txt";\nexport default { fetch() { return new Response(greet(note)); } };\n';
  const util = "export function greet(name: string): string {\n  return `h\u00e9llo ${name}`;\n}\n";
  const dir = scratch({
    "wrangler.toml": 'name = "app"\nmain = "src/index.ts"\ncompatibility_date = "2025-01-01"\nupload_source_maps = true\n',
    "src/index.ts": index,
    "src/util.ts": util,
    "src/note.txt": "a note",
  });
  const result = await run(["deploy", "--dry-run", "--outdir", "out/nested"], dir);
  expect(result.exitCode).toBe(0);
  const noteModule = `${new Bun.CryptoHasher("sha1").update("a note").digest("hex")}-note.txt`;
  expect(readdirSync(path.join(dir, "out/nested")).sort()).toEqual(["README.md", noteModule, "index.js", "index.js.map"].sort());
  expect(readFileSync(path.join(dir, "out/nested/index.js"), "utf8")).toEndWith("\n//# sourceMappingURL=index.js.map\n");
  const text = readFileSync(path.join(dir, "out/nested/index.js.map"), "utf8");
  // esbuild's layout and key order, non-ASCII escaped as its default charset does.
  expect(text).toStartWith('{\n  "version": 3,\n  "sources": [');
  expect(text).toContain("h\\u00E9llo");
  expect(text).toEndWith('"names": []\n}\n');
  const map = JSON.parse(text);
  expect(Object.keys(map)).toEqual(["version", "sources", "sourceRoot", "sourcesContent", "mappings", "names"]);
  expect(map.sourceRoot).toBe("out/nested");
  // The text module is a module of its own (as wrangler uploads it), not a source of the bundle.
  expect(map.sources).toEqual(["../../src/util.ts", "../../src/index.ts"]);
  expect(map.sourcesContent).toEqual([util, index]);
  expect(map.mappings.length).toBeGreaterThan(0);
});

test("previews must be a table; its unknown fields warn and its tail consumers are checked", async () => {
  const dir = scratch({
    "wrangler.toml":
      'name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[previews]\nfoo = 1\ntail_consumers = [{ service = 1 }]\n[env.y]\npreviews = 4\n',
    "index.js": "export default { fetch() { return new Response('hi'); } };\n",
  });
  const top = await run(["deploy", "--dry-run", "--env", ""], dir);
  expect(top.exitCode).toBe(1);
  expect(top.stderr).toContain('- Unexpected fields found in previews field: "foo"');
  expect(top.stderr).toContain('- Expected "previews.tail_consumers[0].service" to be of type string but got 1.');
  const env = await run(["deploy", "--dry-run", "--env", "y"], dir);
  expect(env.exitCode).toBe(1);
  expect(env.stderr).toContain('    - "env.y" environment configuration\n      - The field "previews" should be an object but got 4.');
});
