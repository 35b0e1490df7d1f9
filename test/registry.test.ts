// The binding registry: every descriptor is complete, and buildEnv, the
// bindings table and config validation all cover every registered binding.
import { afterEach, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { BINDINGS, UNSUPPORTED_BINDING_KEYS } from "../runtime/bindings/registry.ts";
import { buildEnv, disposeEnv, missingBindingsWarning } from "../runtime/bindings/index.ts";
import { NOT_IMPLEMENTED_MODE, type BindingDescriptor } from "../runtime/bindings/descriptor.ts";
import { createAssets } from "../runtime/bindings/assets/index.ts";
import { openD1Engine } from "../runtime/bindings/d1/index.ts";
import { ensureSchema, openStore, schemaVersion, type Store } from "../runtime/store/index.ts";
import { loadConfig } from "../src/config/index.ts";
import { bindingRows } from "../src/dev/bindings-table.ts";
import { UserError } from "../src/errors.ts";
import type { DurableObjectNamespace, Fetcher, KVNamespace } from "@cloudflare/workers-types/index.ts";

const ROOT = path.resolve(import.meta.dir, "..");
const dirs: string[] = [];
const stores: Store[] = [];
function project(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), "registry-test-"));
  dirs.push(dir);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}
function store(dir: string): Store {
  const opened = openStore(path.join(dir, ".bunflare"));
  stores.push(opened);
  return opened;
}
afterEach(() => {
  for (const opened of stores.splice(0)) opened.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** One binding of every registered kind, each under a name that says which. */
const EVERY_BINDING = `name = "every"
main = "index.js"
compatibility_date = "2025-01-01"
assets = { directory = "./public", binding = "ASSETS" }
[vars]
GREETING = "hi"
[[kv_namespaces]]
binding = "KV"
id = "kv-id"
[[r2_buckets]]
binding = "BUCKET"
bucket_name = "bucket"
[[d1_databases]]
binding = "DB"
database_name = "db"
database_id = "d1-id"
[[durable_objects.bindings]]
name = "COUNTER"
class_name = "Counter"
[[migrations]]
tag = "v1"
new_sqlite_classes = ["Counter"]
[[services]]
binding = "SELF"
service = "every"
[[queues.producers]]
binding = "QUEUE"
queue = "jobs"
[[workflows]]
binding = "FLOW"
name = "flow"
class_name = "Flow"
[[send_email]]
name = "EMAIL"
[[hyperdrive]]
binding = "HYPERDRIVE"
id = "hyperdrive-id"
localConnectionString = "postgres://user:pw@localhost:5432/db"
[[secrets_store_secrets]]
binding = "SECRET"
store_id = "store-id"
secret_name = "secret"
[[analytics_engine_datasets]]
binding = "ANALYTICS"
dataset = "dataset"
[[ratelimits]]
name = "LIMITER"
namespace_id = "1001"
simple = { limit = 10, period = 60 }
[version_metadata]
binding = "VERSION"
[images]
binding = "IMAGES"
[[pipelines]]
binding = "PIPELINE"
pipeline = "events"
[[dispatch_namespaces]]
binding = "DISPATCH"
namespace = "customers"
[[worker_loaders]]
binding = "LOADER"
`;
const NAMES: Record<string, string> = {
  kv_namespaces: "KV",
  r2_buckets: "BUCKET",
  d1_databases: "DB",
  "durable_objects.bindings": "COUNTER",
  services: "SELF",
  "queues.producers": "QUEUE",
  workflows: "FLOW",
  assets: "ASSETS",
  vars: "GREETING",
  send_email: "EMAIL",
  hyperdrive: "HYPERDRIVE",
  secrets_store_secrets: "SECRET",
  analytics_engine_datasets: "ANALYTICS",
  ratelimits: "LIMITER",
  version_metadata: "VERSION",
  images: "IMAGES",
  pipelines: "PIPELINE",
  dispatch_namespaces: "DISPATCH",
  worker_loaders: "LOADER",
  // Not in EVERY_BINDING: an unsafe section warns, and remote-only bindings are never in env.
  "unsafe.bindings": "UNSAFE",
  vectorize: "VECTORIZE",
  ai_search_namespaces: "AI_SEARCH_NAMESPACE",
  ai_search: "AI_SEARCH",
  vpc_services: "VPC_SERVICE",
  vpc_networks: "VPC_NETWORK",
  stream: "STREAM",
  media: "MEDIA",
  ai: "AI",
  mtls_certificates: "CERT",
  artifacts: "ARTIFACTS",
  flagship: "FLAGSHIP",
};

// Wrangler's printBindings order (wrangler 4.86): a registry in any other order prints another table.
const WRANGLER_TABLE_ORDER = [
  "durable_objects.bindings",
  "workflows",
  "kv_namespaces",
  "send_email",
  "queues.producers",
  "d1_databases",
  "vectorize",
  "ai_search_namespaces",
  "ai_search",
  "hyperdrive",
  "vpc_services",
  "vpc_networks",
  "r2_buckets",
  "secrets_store_secrets",
  "artifacts",
  "flagship",
  "services",
  "analytics_engine_datasets",
  "browser",
  "images",
  "stream",
  "media",
  "ai",
  "pipelines",
  "ratelimits",
  "assets",
  "version_metadata",
  "unsafe.bindings",
  "vars",
  "dispatch_namespaces",
  "mtls_certificates",
  "worker_loaders",
];

test("every registered descriptor is complete, once, and in wrangler's table order", () => {
  const keys = BINDINGS.map((descriptor) => descriptor.key);
  expect(new Set(keys).size).toBe(keys.length);
  for (const descriptor of BINDINGS) {
    expect(descriptor.kind.length).toBeGreaterThan(0);
    for (const method of ["entries", "bindingName", "row", "typeName", "createEnv"] as const) {
      expect(`${descriptor.key}.${method}: ${typeof descriptor[method]}`).toBe(`${descriptor.key}.${method}: function`);
    }
    // Every registered binding is covered by the config below.
    expect(NAMES[descriptor.key]).toBeDefined();
    // A configured key bunflare has a descriptor for is not reported as unsupported.
    expect(UNSUPPORTED_BINDING_KEYS[descriptor.key.split(".")[0]!]).toBeUndefined();
  }
  const positions = BINDINGS.map((descriptor) => WRANGLER_TABLE_ORDER.indexOf(descriptor.key));
  expect(positions).not.toContain(-1);
  expect(positions).toEqual([...positions].sort((a, b) => a - b));
});

test("a config with one of every binding validates cleanly, and env and the table hold each of them", async () => {
  const dir = project({ "wrangler.toml": EVERY_BINDING, "public/index.html": "<p>hi</p>" });
  const warnings: string[] = [];
  const { config } = loadConfig({ cwd: dir, onWarning: (warning) => warnings.push(warning) });
  expect(warnings).toEqual([]);
  expect(missingBindingsWarning(config)).toBeUndefined();

  class Counter {
    fetch() {
      return new Response("counted");
    }
  }
  const env = buildEnv({
    config,
    vars: config.vars,
    store: () => store(dir),
    getExports: () => ({ Counter }),
    findService: () => undefined,
    assets: createAssets(path.join(dir, "public")),
  });
  for (const descriptor of BINDINGS) {
    const name = NAMES[descriptor.key]!;
    // Not in EVERY_BINDING (see NAMES).
    if (!EVERY_BINDING.includes(`"${name}"`)) continue;
    expect(`${name}: ${env[name] === undefined ? "undefined" : "set"}`).toBe(`${name}: set`);
  }
  expect(env.GREETING).toBe("hi");
  expect(await (env.KV as KVNamespace).get("missing")).toBeNull();
  const stub = (env.COUNTER as DurableObjectNamespace).getByName("a");
  expect(await (await stub.fetch("http://x/")).text()).toBe("counted");
  // The asset server's redirect to "/" is followed, as a Fetcher's fetch does.
  const asset = await (env.ASSETS as Fetcher).fetch("http://x/index.html");
  expect([asset.status, asset.url, asset.redirected]).toEqual([200, "http://x/", true]);
  disposeEnv(env);

  const rows = bindingRows(config, config.vars, new Set());
  expect(rows.map((row) => `${row.name} ${row.type} ${row.mode}`)).toEqual([
    "COUNTER Durable Object local",
    "FLOW Workflow local",
    "KV KV Namespace local",
    "EMAIL Send Email local",
    "QUEUE Queue local",
    "DB D1 Database local",
    "HYPERDRIVE Hyperdrive Config local",
    "BUCKET R2 Bucket local",
    "SECRET Secrets Store Secret local",
    "SELF Worker local [connected]",
    "ANALYTICS Analytics Engine Dataset local",
    "IMAGES Images local",
    "PIPELINE Pipeline local",
    "LIMITER Rate Limit local",
    // Assets before vars, as wrangler prints them.
    "ASSETS Assets local",
    "VERSION Worker Version Metadata local",
    'GREETING Environment Variable local',
    "DISPATCH Dispatch Namespace not supported",
    "LOADER Worker Loader local",
  ]);
});

test("config validation reaches every registered binding's entry checks", () => {
  const broken = `name = "broken"
main = "index.js"
compatibility_date = "2025-01-01"
[[kv_namespaces]]
binding = 1
[[r2_buckets]]
binding = 2
[[d1_databases]]
binding = 3
[[durable_objects.bindings]]
name = 4
class_name = "C"
script_name = "other"
[[services]]
binding = 5
service = "s"
`;
  const dir = project({ "wrangler.toml": broken });
  let message = "";
  try {
    loadConfig({ cwd: dir });
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    message = (error as Error).message;
  }
  for (const field of ["kv_namespaces[0]", "r2_buckets[0]", "d1_databases[0]", "services[0]"]) {
    expect(message).toContain(`"${field}" bindings should have a string "binding" field`);
  }
  expect(message).toContain(`"durable_objects.bindings[0]": {"name":4`);
  expect(message).toContain(`binding should have a string "name" field.`);
});

test("a configured binding with no implementation yet is one warning and a table mode that says so", () => {
  const dir = project({ "wrangler.toml": 'name = "x"\n[[kv_namespaces]]\nbinding = "KV"\nid = "k"\n' });
  const { config } = loadConfig({ cwd: dir });
  const kv = BINDINGS.find((descriptor) => descriptor.key === "kv_namespaces")!;
  const { createEnv: _dropped, ...unbuilt } = kv;
  const bindings: BindingDescriptor[] = [unbuilt];
  expect(bindingRows(config, {}, new Set(), undefined, bindings)).toEqual([
    { name: "KV", type: "KV Namespace", value: "k", mode: NOT_IMPLEMENTED_MODE },
  ]);
  expect(missingBindingsWarning(config, bindings)).toBe(
    "These bindings are not supported by bunflare yet, so they are undefined in env: env.KV (KV Namespace)",
  );
  const env = buildEnv({ config, vars: {}, store: () => store(dir), getExports: () => ({}), findService: () => undefined, bindings });
  expect(Object.keys(env)).toEqual([]);
});

test("bindings under keys bunflare has no descriptor for are named in one warning", () => {
  const dir = project({
    "wrangler.toml":
      'name = "x"\nai = { binding = "AI" }\nversion_metadata = { binding = "VM" }\n' +
      '[[ratelimits]]\nname = "RL"\nnamespace_id = "1001"\nsimple = { limit = 1, period = 60 }\n' +
      '[[hyperdrive]]\nbinding = "HD"\nid = "h"\n[[vectorize]]\nbinding = "V"\nindex_name = "i"\nremote = true\n[[vectorize]]\nbinding = "LOCAL_V"\nindex_name = "j"\n',
  });
  // LOCAL_V is not named: wrangler does not reach Cloudflare for it either, and warns about it in its own words.
  const { config } = loadConfig({ cwd: dir });
  expect(missingBindingsWarning(config)).toBe(
    "These bindings are only available on Cloudflare's network, which bunflare does not reach, so they do not work locally: " +
      "env.V (Vectorize Index), env.AI (AI)",
  );
});

test("each descriptor's schema and resources work on a real store", () => {
  const dir = project({});
  const opened = store(dir);
  for (const descriptor of BINDINGS) {
    if (descriptor.schema) {
      ensureSchema(opened.db, descriptor.schema.component, descriptor.schema.migrations);
      expect(schemaVersion(opened.db, descriptor.schema.component)).toBe(descriptor.schema.migrations.length);
    }
    expect(Array.isArray(descriptor.resources?.(opened) ?? [])).toBe(true);
  }
  opened.db.query("INSERT INTO kv_namespaces (id, title, created_at) VALUES ('abc', 'my-ns', 0)").run();
  const kv = BINDINGS.find((descriptor) => descriptor.key === "kv_namespaces")!;
  expect(kv.resources!(opened)).toEqual([{ id: "abc", name: "my-ns" }]);
});

test("D1 engines belong to their store: closing one store closes its files, not another's", () => {
  const dir = project({});
  const a = store(dir);
  const b = store(dir);
  const engineA = openD1Engine(a, "db");
  const engineB = openD1Engine(b, "db");
  expect(engineA).not.toBe(engineB);
  expect(openD1Engine(a, "db")).toBe(engineA);
  engineA.db.run("CREATE TABLE t (x)");
  a.close();
  stores.splice(stores.indexOf(a), 1);
  expect(() => engineA.db.query("SELECT 1").get()).toThrow();
  expect(engineB.db.query("SELECT count(*) AS n FROM t").get()).toEqual({ n: 0 });
});

test("a kv command loads KV's implementation and no other binding's", () => {
  const dir = project({ "wrangler.toml": EVERY_BINDING, "public/index.html": "x" });
  const report = path.join(dir, "loaded.json");
  const preload = path.join(dir, "report-modules.ts");
  writeFileSync(
    preload,
    `process.on("exit", () => require("node:fs").writeFileSync(${JSON.stringify(report)}, JSON.stringify(Object.keys(require.cache))));\n`,
  );
  const run = spawnSync(process.execPath, ["--preload", preload, path.join(ROOT, "src", "cli.ts"), "kv", "key", "put", "k", "v", "--binding", "KV", "--local"], {
    cwd: dir,
    env: { ...process.env, NO_COLOR: "1" },
    encoding: "utf8",
  });
  expect(run.status).toBe(0);
  const loaded = (JSON.parse(require("node:fs").readFileSync(report, "utf8")) as string[]).map((file) => path.relative(ROOT, file));
  expect(loaded).toContain(path.join("runtime", "bindings", "kv", "index.ts"));
  // recover.ts: a binding's crash recovery, light (fs only), runs whenever a store opens.
  const others = loaded.filter((file) => /^runtime\/bindings\/(r2|d1|durable-objects|service|assets)\/(?!descriptor|schema|config|registry|recover)/.test(file));
  expect(others.filter((file) => file !== path.join("runtime", "bindings", "service", "registry.ts"))).toEqual([]);
});

test("bunflare dev warns once at start about a configured binding it cannot create, and env.X is absent", async () => {
  const { project: devProject, startDev } = await import("./dev-helpers.ts");
  const dir = devProject({
    "wrangler.toml":
      'name = "w"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[browser]\nbinding = "VM"\n[[unsafe_hello_world]]\nbinding = "LOADER"\n',
    "index.js": 'export default { fetch(request, env) { return new Response(String("VM" in env) + "," + String("LOADER" in env)); } };\n',
  });
  dirs.push(dir);
  const dev = await startDev(dir);
  try {
    expect(await (await fetch(dev.url)).text()).toBe("false,false");
    const warning = "These bindings are not supported by bunflare yet, so they are undefined in env: env.LOADER (unsafe_hello_world), env.VM (browser)";
    expect(dev.output().split(warning).length - 1).toBe(1);
  } finally {
    await dev.stop();
  }
});
