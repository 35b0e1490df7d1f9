import { afterEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { findConfigFile, loadConfig } from "../src/config/index.ts";
import { keyValues, loadDevVars } from "../src/config/vars.ts";
import { ParseError, UserError } from "../src/errors.ts";

const dirs: string[] = [];
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "config-test-"));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const base = 'name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n';

test("wrangler.json wins over wrangler.jsonc and wrangler.toml, searched upward", () => {
  const dir = project({ "wrangler.json": "{}", "wrangler.jsonc": "{}", "wrangler.toml": "", "sub/wrangler.toml": "" });
  expect(findConfigFile(dir)).toBe(path.join(dir, "wrangler.json"));
  // A json config in a parent directory beats a toml config right here, as in wrangler.
  expect(findConfigFile(path.join(dir, "sub"))).toBe(path.join(dir, "wrangler.json"));
});

test("an environment gets '<name>-<env>', inherits main, and not the top-level bindings or vars", () => {
  const dir = project({
    "wrangler.toml": base + '[vars]\nA = "top"\n[[kv_namespaces]]\nbinding = "K"\nid = "1"\n[env.staging]\n[env.staging.vars]\nA = "staging"\n',
  });
  const warnings: string[] = [];
  const loaded = loadConfig({ cwd: dir, env: "staging", onWarning: (w) => warnings.push(w) });
  expect(loaded.config.name).toBe("app-staging");
  expect(loaded.config.main).toBe("index.js");
  expect(loaded.config.vars).toEqual({ A: "staging" });
  expect(loaded.config.kv_namespaces).toEqual([]);
  expect(warnings.join("\n")).toContain('"kv_namespaces" exists at the top level, but not on "env.staging".');
});

test("a TOML syntax error names the file, line and column", () => {
  const dir = project({ "wrangler.toml": 'name = "x"\nmain = \n' });
  try {
    loadConfig({ cwd: dir });
    throw new Error("expected a parse error");
  } catch (error) {
    expect(error).toBeInstanceOf(ParseError);
    const { location, text } = error as ParseError;
    expect(text).toStartWith("Invalid TOML document");
    expect(location).toMatchObject({ file: path.join(dir, "wrangler.toml"), line: 2, column: 7, lineText: "main = " });
  }
});

test("wrong types and unknown fields: errors fail the load, warnings do not", () => {
  const bad = project({ "wrangler.toml": base.replace('"2025-01-01"', "5") });
  expect(() => loadConfig({ cwd: bad })).toThrow('Expected "compatibility_date" to be of type string but got 5.');
  const odd = project({ "wrangler.toml": base + "foo = 1\n" });
  const warnings: string[] = [];
  loadConfig({ cwd: odd, onWarning: (w) => warnings.push(w) });
  // Laid out for log.warn (which adds wrangler's trailing blank lines): headline, blank line, indented notes.
  expect(warnings).toEqual(['Processing wrangler.toml configuration:\n\n    - Unexpected fields found in top-level field: "foo"']);
});

test("alias and keep_vars are read from the top level only; in an environment they are unexpected fields", () => {
  const dir = project({
    "wrangler.toml": base + 'keep_vars = true\n[alias]\nlib = "./top.js"\n[env.staging]\nkeep_vars = false\n[env.staging.alias]\nlib = "./env.js"\n',
  });
  const warnings: string[] = [];
  const loaded = loadConfig({ cwd: dir, env: "staging", onWarning: (w) => warnings.push(w) });
  expect(loaded.config.alias).toEqual({ lib: "./top.js" });
  expect(loaded.config.keep_vars).toBe(true);
  expect(warnings.join("\n")).toContain('Unexpected fields found in env.staging field: "keep_vars","alias"');
});

test("stream, media, ai_search, vpc_networks and the like are per-environment keys; cache and previews are inherited", () => {
  const dir = project({
    "wrangler.toml": base + 'stream = { binding = "S" }\ncache = { enabled = true }\n[env.a]\n[env.b]\nstream = { binding = "B" }\nvpc_networks = []\n',
  });
  const warnings: string[] = [];
  const a = loadConfig({ cwd: dir, env: "a", onWarning: (w) => warnings.push(w) });
  expect((a.config as Record<string, unknown>).stream).toBeUndefined();
  expect((a.config as Record<string, unknown>).cache).toEqual({ enabled: true });
  expect(warnings.join("\n")).toContain('"stream" exists at the top level, but not on "env.a".');
  warnings.length = 0;
  const b = loadConfig({ cwd: dir, env: "b", onWarning: (w) => warnings.push(w) });
  expect((b.config as Record<string, unknown>).stream).toEqual({ binding: "B" });
  expect(warnings.join("\n")).not.toContain("Unexpected fields");
});

test("stream, media, images and browser tables need a string binding and a boolean remote; unknown fields only warn", () => {
  const loadErrors = (toml: string, env?: string) => {
    const warnings: string[] = [];
    try {
      loadConfig({ cwd: project({ "wrangler.toml": base + toml }), env, onWarning: (w) => warnings.push(w) });
      return { error: "", warnings: warnings.join("\n") };
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      return { error: (error as Error).message, warnings: warnings.join("\n") };
    }
  };
  const top = loadErrors('stream = { binding = 5, remote = "yes" }\nmedia = "m"\nimages = { binding = "I", foo = 1 }\n');
  expect(top.error).toContain('binding should have a string "binding" field.');
  expect(top.error).toContain('"stream" should, optionally, have a boolean "remote" field but got {"binding":5,"remote":"yes"}.');
  expect(top.error).toContain('The field "media" should be an object but got "m".');
  expect(top.warnings).toContain('Unexpected fields found in images field: "foo"');
  expect(loadErrors('browser = { binding = "B", remote = "no" }\n').error).toContain('"browser" should, optionally, have a boolean "remote" field');
  // In an environment the table's own path is prefixed; the remote note keeps the bare key, as wrangler's does.
  const env = loadErrors('[env.s]\nstream = ["S"]\nmedia = { binding = "M", remote = 1 }\n', "s");
  expect(env.error).toContain('The field "env.s.stream" should be an object but got ["S"].');
  expect(env.error).toContain('"media" should, optionally, have a boolean "remote" field but got {"binding":"M","remote":1}.');
  const fine = loadErrors('stream = { binding = "S", remote = false }\nmedia = { binding = "M" }\nai = { binding = "AI", staging = true }\n');
  expect(fine).toEqual({ error: "", warnings: "" });
});

test("binding errors are listed before errors in inherited build keys, in wrangler's order", () => {
  const toml = base + 'minify = "yes"\nno_bundle = 5\nkv_namespaces = [{ binding = 5 }]\n';
  let message = "";
  try {
    loadConfig({ cwd: project({ "wrangler.toml": toml }) });
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    message = (error as Error).message;
  }
  const lines = message.split("\n").filter((line) => line.trim().startsWith("- "));
  expect(lines.map((line) => line.trim())).toEqual([
    '- "kv_namespaces[0]" bindings should have a string "binding" field but got {"binding":5}.',
    '- Expected "no_bundle" to be of type boolean but got 5.',
    '- Expected "minify" to be of type boolean but got "yes".',
  ]);
});

test("migrations are checked between workflows and kv_namespaces, in an environment without its prefix, as wrangler", () => {
  const toml =
    base +
    'kv_namespaces = [{ binding = 5 }]\nmigrations = [{ tag = 1 }]\nworkflows = [{ binding = "W" }]\n' +
    '[env.prod]\nmigrations = "no"\nkv_namespaces = [{ binding = "K" }]\nworkflows = [{ binding = "W", name = "w", class_name = "C" }]\n' +
    '[env.qa]\nmigrations = [{ tag = 2 }]\n';
  const problems = (env?: string) => {
    try {
      loadConfig({ cwd: project({ "wrangler.toml": toml }), env });
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      return (error as Error).message.split("\n").filter((line) => line.trim().startsWith("- ")).map((line) => line.trim());
    }
    throw new Error("the config loaded");
  };
  expect(problems()).toEqual([
    '- "workflows[0]" bindings should have a string "name" field but got {"binding":"W"}.',
    '- "workflows[0]" bindings should have a string "class_name" field but got {"binding":"W"}.',
    '- Expected "migrations[0].tag" to be of type string but got 1.',
    '- "kv_namespaces[0]" bindings should have a string "binding" field but got {"binding":5}.',
  ]);
  expect(problems("prod")).toContain('- The optional "migrations" field should be an array, but got "no"');
  expect(problems("qa")).toContain('- Expected "migrations[0].tag" to be of type string but got 2.');
});

test("cache is a table with a boolean enabled and nothing else", () => {
  const load = (toml: string) => () => loadConfig({ cwd: project({ "wrangler.toml": base + toml }) });
  expect(load('cache = { enabled = "no" }\n')).toThrow('Expected "cache.enabled" to be of type boolean but got "no".');
  expect(load("cache = {}\n")).toThrow('"cache.enabled" is a required field.');
  expect(load("cache = 5\n")).toThrow('"cache" should be an object but got 5.');
  const warnings: string[] = [];
  const loaded = loadConfig({ cwd: project({ "wrangler.toml": base + "cache = { enabled = true, ttl = 5 }\n" }), onWarning: (w) => warnings.push(w) });
  expect((loaded.config as Record<string, unknown>).cache).toEqual({ enabled: true, ttl: 5 });
  expect(warnings.join("\n")).toContain('Unexpected fields found in cache field: "ttl"');
});

test("a top-level alias that is not a map of strings is wrangler's error", () => {
  expect(() => loadConfig({ cwd: project({ "wrangler.toml": base + 'alias = "lib"\n' }) })).toThrow("Expected alias to be an object, but got string");
  expect(() => loadConfig({ cwd: project({ "wrangler.toml": base + "[alias]\nlib = 1\n" }) })).toThrow('Expected alias["lib"] to be a string, but got number');
});

test("CLOUDFLARE_ENV picks the environment when --env is not given; an empty environment is the top level", () => {
  const dir = project({ "wrangler.toml": base + '[vars]\nA = "top"\n[env.staging.vars]\nA = "staging"\n' });
  const saved = process.env.CLOUDFLARE_ENV;
  try {
    process.env.CLOUDFLARE_ENV = "staging";
    expect(loadConfig({ cwd: dir }).config.vars).toEqual({ A: "staging" });
    expect(loadConfig({ cwd: dir }).config.name).toBe("app-staging");
    // --env wins, even when empty.
    expect(loadConfig({ cwd: dir, env: "" }).config.vars).toEqual({ A: "top" });
    process.env.CLOUDFLARE_ENV = "prod";
    expect(() => loadConfig({ cwd: dir })).toThrow('No environment found in configuration with name "prod".');
    expect(loadConfig({ cwd: dir, env: "staging" }).config.vars).toEqual({ A: "staging" });
  } finally {
    if (saved === undefined) delete process.env.CLOUDFLARE_ENV;
    else process.env.CLOUDFLARE_ENV = saved;
  }
});

test("--env naming an environment that does not exist is an error listing the ones that do", () => {
  const dir = project({ "wrangler.toml": base + "[env.staging]\n" });
  expect(() => loadConfig({ cwd: dir, env: "prod" })).toThrow('The available configured environment names are: ["staging"]');
});

test("vars precedence: config vars < .dev.vars.<env> < --var", () => {
  const dir = project({
    "wrangler.toml": base + '[vars]\nA = "config"\nB = "config"\n[env.staging.vars]\nA = "config"\nB = "config"\nC = "config"\n',
    ".dev.vars": "A=devvars\n",
    ".dev.vars.staging": "A=devvars-staging\nB=devvars-staging\n",
    ".env": "C=dotenv\n",
  });
  const loaded = loadConfig({ cwd: dir, env: "staging" });
  const { vars, sources } = loadDevVars(loaded, { cwd: dir, cliVars: ["B:cli"] });
  // .dev.vars.staging replaces .dev.vars, and when a .dev.vars file exists .env is not read.
  expect(vars).toEqual({ A: "devvars-staging", B: "cli", C: "config" });
  expect(sources).toEqual([".dev.vars.staging"]);
});

test("without .dev.vars, .env files supply the secrets", () => {
  const dir = project({ "wrangler.toml": base + '[vars]\nA = "config"\n', ".env": "A=dotenv\nB=dotenv\n" });
  const { vars } = loadDevVars(loadConfig({ cwd: dir }), { cwd: dir });
  expect(vars).toEqual({ A: "dotenv", B: "dotenv" });
});

test("an unreadable .dev.vars is one clear error", () => {
  const dir = project({ "wrangler.toml": base });
  mkdirSync(path.join(dir, ".dev.vars"));
  expect(() => loadDevVars(loadConfig({ cwd: dir }), { cwd: dir })).toThrow(UserError);
  expect(() => loadDevVars(loadConfig({ cwd: dir }), { cwd: dir })).toThrow(
    'Failed to load local dev variables file ".dev.vars": EISDIR: illegal operation on a directory, read',
  );
});

test("-c naming a missing file is wrangler's 'Could not read file' error", () => {
  const dir = project({});
  expect(() => loadConfig({ cwd: dir, configPath: "nope.toml" })).toThrow("Could not read file: nope.toml");
});

test(".env values expand ${VAR} references, later files override earlier ones", () => {
  const dir = project({ "wrangler.toml": base, ".env": "HOST=example.com\nURL=https://${HOST}/x\n", ".env.local": "HOST=local\n" });
  const { vars, sources } = loadDevVars(loadConfig({ cwd: dir }), { cwd: dir });
  expect(vars).toEqual({ HOST: "local", URL: "https://local/x" });
  expect(sources).toEqual([".env", ".env.local"]);
});

test("--env-file paths are read beside the config and replace .dev.vars", () => {
  const dir = project({
    "wrangler.toml": base,
    ".dev.vars": "A=devvars\n",
    "one.env": "A=one\nB=one\n",
    "two.env": "B=two\n",
    "sub/.keep": "",
  });
  const loaded = loadConfig({ cwd: dir });
  const { vars } = loadDevVars(loaded, { cwd: path.join(dir, "sub"), envFiles: ["one.env", "two.env"] });
  expect(vars).toEqual({ A: "one", B: "two" });
  expect(() => loadDevVars(loaded, { cwd: dir, envFiles: ["nope.env"] })).toThrow('The --env-file "nope.env" was not found');
});

test("CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV=false turns .env loading off", () => {
  const dir = project({ "wrangler.toml": base + '[vars]\nA = "config"\n', ".env": "A=dotenv\n" });
  process.env.CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV = "false";
  try {
    expect(loadDevVars(loadConfig({ cwd: dir }), { cwd: dir }).vars).toEqual({ A: "config" });
  } finally {
    delete process.env.CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV;
  }
});

test("a config that declares secrets binds only the required ones and warns about missing ones", () => {
  const dir = project({ "wrangler.toml": base + '[secrets]\nrequired = ["TOKEN", "OTHER"]\n', ".env": "TOKEN=t\nSTRAY=s\n" });
  const { vars, warnings } = loadDevVars(loadConfig({ cwd: dir }), { cwd: dir });
  expect(vars).toEqual({ TOKEN: "t" });
  expect(warnings).toEqual([
    "Missing required secrets: OTHER. Add them to .dev.vars, .env, or set as environment variables.",
  ]);
});

test("a config saved with a byte order mark: UTF-8's is read past (a kv put through it works), UTF-16's is one error naming the encoding", () => {
  const kv = '[[kv_namespaces]]\nbinding = "KV"\nid = "k"\n';
  const run = (dir: string) => {
    const result = Bun.spawnSync([`${import.meta.dir}/../bin/bunflare`, "kv", "key", "put", "k", "v", "--binding", "KV"], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
    return { exitCode: result.exitCode, stderr: result.stderr.toString() };
  };
  const toml = project({ "wrangler.toml": `\uFEFF${base}${kv}` });
  expect(run(toml)).toEqual({ exitCode: 0, stderr: "" });
  const jsonc = project({});
  writeFileSync(path.join(jsonc, "wrangler.jsonc"), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{ "name": "app", "kv_namespaces": [{ "binding": "KV", "id": "k" }] }')]));
  expect(run(jsonc)).toEqual({ exitCode: 0, stderr: "" });

  const utf16 = project({});
  const file = path.join(utf16, "wrangler.toml");
  writeFileSync(file, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(base + kv, "utf16le")]));
  const { exitCode, stderr } = run(utf16);
  expect(exitCode).toBe(1);
  expect(stderr).toContain("[ERROR] Configuration file contains UTF-16 LE byte order marker");
  expect(stderr).toContain(`The file "${file}" appears to be encoded as UTF-16 LE. Please save the file as UTF-8 without BOM.`);
  expect(stderr).not.toContain("Invalid TOML");
  expect(stderr).not.toContain("    at ");
});

test("main may leave off its extension; a directory as main or script is refused naming the files to point at; a missing script is named", () => {
  const dir = project({
    "wrangler.toml": base.replace('"index.js"', '"src/index"'),
    "src/index.js": "export default { fetch() { return new Response('x'); } };\n",
    "multi/worker.js": "",
    "multi/dist/index.ts": "",
    "site/index.html": "",
  });
  const run = (...args: string[]) => {
    const result = Bun.spawnSync([`${import.meta.dir}/../bin/bunflare`, "deploy", "--dry-run", ...args], { cwd: dir, env: { ...process.env, NO_COLOR: "1" } });
    const stderr = result.stderr.toString();
    expect(stderr).not.toContain("    at ");
    expect(stderr).not.toContain("Could not resolve");
    return { exitCode: result.exitCode, error: stderr.match(/\[ERROR\] ([^]*)/)?.[1]?.trimEnd() };
  };
  expect(run()).toEqual({ exitCode: 0, error: undefined });
  expect(run("multi")).toEqual({
    exitCode: 1,
    error: 'The provided entry-point path, "multi", points to a directory, rather than a file.\n\n  \n  Did you mean to set the main field to one of:\n  ```\n  main = "./multi/worker.js"\n  main = "./multi/dist/index.ts"\n  ```',
  });
  expect(run("site").error).toStartWith('The provided entry-point path, "site", points to a directory, rather than a file.\n\n  \n   If you want to deploy a directory of static assets, you can do so by using the `--assets` flag.');
  expect(run("src/absent.js").error).toStartWith('The entry-point file at "src/absent.js" was not found.');
  writeFileSync(path.join(dir, "wrangler.toml"), base.replace('"index.js"', '"src"'));
  expect(run().error).toStartWith('The provided entry-point path, "src", points to a directory, rather than a file.\n\n  \n  Did you mean to set the main field to:\n  ```\n  main = "./src/index.js"');
});

test("[dev] is checked as wrangler checks it: wrong types and an unknown protocol fail the load (a bad local_protocol twice, as the upstream default), unknown fields warn", () => {
  const dir = project({ "wrangler.toml": base + '[dev]\nlocal_protocol = "ftp"\nport = "abc"\nfoo = 1\nenable_containers = "yes"\n' });
  const warnings: string[] = [];
  expect(() => loadConfig({ cwd: dir, onWarning: (w) => warnings.push(w) })).toThrow(
    [
      'Expected "dev.port" to be of type number but got "abc".',
      'Expected "dev.local_protocol" field to be one of ["http","https"] but got "ftp".',
      'Expected "dev.upstream_protocol" field to be one of ["http","https"] but got "ftp".',
      'Expected "dev.enable_containers" to be of type boolean but got "yes".',
    ].join("\n    - "),
  );
  const good = project({ "wrangler.toml": base + '[dev]\nlocal_protocol = "https"\nport = 8788\nip = "127.0.0.1"\nbar = 2\n' });
  const goodWarnings: string[] = [];
  expect(loadConfig({ cwd: good, onWarning: (w) => goodWarnings.push(w) }).config.dev).toMatchObject({ local_protocol: "https", port: 8788 });
  expect(goodWarnings.join("\n")).toContain('Unexpected fields found in dev field: "bar"');
});

test("--var, --define and --alias split at the first colon; --var FLAG alone is FLAG set to \"\", as wrangler; an empty key or a valueless define is refused", () => {
  expect(keyValues(["FLAG", "URL:http://x:1", "EMPTY:"], "var")).toEqual({ FLAG: "", URL: "http://x:1", EMPTY: "" });
  expect(() => keyValues([":v"], "var")).toThrow(new UserError('Invalid --var ":v": expected KEY:VALUE.'));
  expect(() => keyValues(["DEBUG"], "define", true)).toThrow(new UserError('Invalid --define "DEBUG": expected KEY:VALUE.'));
  expect(keyValues(["DEBUG:true"], "define", true)).toEqual({ DEBUG: "true" });
});

test("containers: a defaulted name from the section's own name (and environment), a Dockerfile made absolute, a registry image kept", () => {
  const box = (image: string, extra = "") => `[[containers]]\nclass_name = "My Box"\nimage = "${image}"\n${extra}`;
  const dir = project({
    "wrangler.toml": base + box("./docker/Dockerfile") + '[env.qa]\nname = "app-qa"\n' + box("registry.example.com/box:1", 'name = "Given"\n').replaceAll("[[containers]]", "[[env.qa.containers]]"),
    "docker/Dockerfile": "FROM alpine:3\n",
  });
  const top = loadConfig({ cwd: dir }).config.containers;
  expect(top).toEqual([{ class_name: "My Box", name: "app-my-box", image: path.join(dir, "docker", "Dockerfile"), image_build_context: path.join(dir, "docker") }]);
  const qa = loadConfig({ cwd: dir, env: "qa" }).config.containers;
  expect(qa).toEqual([{ class_name: "My Box", name: "Given", image: "registry.example.com/box:1", image_build_context: undefined }]);
});

test("containers: each entry's problems are wrangler's config errors, named in one message", () => {
  const dir = project({
    "wrangler.toml":
      base +
      '[[containers]]\nimage = "docker.io/alpine:3"\n' +
      '[[containers]]\nclass_name = "A"\nimage = "./sub"\n' +
      '[[containers]]\nclass_name = "B"\nimage = "alpine"\n' +
      '[[containers]]\nclass_name = "C"\n' +
      '[env.qa]\n[[env.qa.containers]]\nclass_name = "D"\nimage = "docker.io/alpine:3"\n',
    "sub/.keep": "",
  });
  const error = (() => {
    try {
      loadConfig({ cwd: dir, env: "qa" });
    } catch (caught) {
      return caught as Error;
    }
  })();
  expect(error).toBeInstanceOf(UserError);
  const message = error!.message;
  for (const line of [
    '- "containers.class_name" is a required field.',
    "- ./sub is a directory, you should specify a path to the Dockerfile",
    '- The image "alpine" does not appear to be a valid path to a Dockerfile, or a valid image registry path:',
    "If this is an image registry path, it needs to include at least a tag ':' (e.g: docker.io/httpd:1)",
    '- "containers.image" field must be defined for each container app.',
    '- Must have either a top level "name" and "containers.class_name" field defined, or have field "containers.name" defined.',
  ]) {
    expect(message).toContain(line);
  }
});
