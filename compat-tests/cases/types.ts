// `types` under both tools: what they print, and the generated file itself,
// byte for byte (the header's hash and command line included). Env types do
// not depend on workerd, so most cases pass --include-runtime=false; one case
// gives the project the pinned wrangler's node_modules, so bunflare runs the
// same workerd and the runtime section is compared too.
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { makeScratch, normalize, runStep, type CaseOutcome, type CliStep, type CompatCase, type Tool } from "../harness.ts";

const COMPAT_NODE_MODULES = path.join(import.meta.dir, "..", "node_modules");
const OUT = "worker-configuration.d.ts";

interface TypesCase {
  name: string;
  fast?: boolean;
  files: Record<string, string>;
  steps: CliStep[];
  /** Files compared byte for byte after every compared step (default: the default output file). */
  outputs?: string[];
  normalize?: (text: string) => string;
}

function readOrMissing(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch {
    return "<no file>";
  }
}

/** A harness case whose runner also compares the files `types` writes. */
function typesCase(spec: TypesCase): CompatCase {
  const testCase: CompatCase = {
    name: spec.name,
    fast: spec.fast,
    files: spec.files,
    steps: spec.steps,
    run: async (): Promise<CaseOutcome> => {
      const dirs = { wrangler: makeScratch(testCase, "wrangler"), bunflare: makeScratch(testCase, "bunflare") };
      const problems: string[] = [];
      try {
        for (const [index, step] of spec.steps.entries()) {
          const [wrangler, bunflare] = await Promise.all([runStep("wrangler", dirs.wrangler, step), runStep("bunflare", dirs.bunflare, step)]);
          const results = { wrangler, bunflare };
          if (step.setup || step.shell) {
            for (const tool of ["wrangler", "bunflare"] as const) {
              if (results[tool].exitCode !== 0) problems.push(`step ${index + 1} (setup) failed under ${tool}:\n${results[tool].stderr}`);
            }
            continue;
          }
          const label = `step ${index + 1}: ${step.args.join(" ")}`;
          for (const stream of step.compare ?? ["exitCode", "stdout", "stderr"]) {
            const [want, got] = (["wrangler", "bunflare"] as Tool[]).map((tool) => {
              const value = results[tool][stream];
              if (typeof value === "number") return String(value);
              const normal = normalize(value, tool, dirs[tool]);
              return spec.normalize ? spec.normalize(normal) : normal;
            });
            if (want !== got) problems.push(`${label}: ${stream} differs\n${firstDifference(want!, got!)}`);
          }
          for (const file of spec.outputs ?? [OUT]) {
            const want = readOrMissing(path.join(dirs.wrangler, file));
            const got = readOrMissing(path.join(dirs.bunflare, file));
            if (want !== got) problems.push(`${label}: ${file} differs\n${firstDifference(want, got)}`);
          }
        }
      } finally {
        rmSync(dirs.wrangler, { recursive: true, force: true });
        rmSync(dirs.bunflare, { recursive: true, force: true });
      }
      return { name: spec.name, ok: problems.length === 0, problems };
    },
  };
  return testCase;
}

function firstDifference(want: string, got: string): string {
  const a = want.split("\n");
  const b = got.split("\n");
  const out: string[] = [];
  for (let i = 0; i < Math.max(a.length, b.length) && out.length < 20; i++) {
    if (a[i] === b[i]) continue;
    out.push(`    - wrangler | ${a[i] ?? "<end>"}`, `    + bunflare | ${b[i] ?? "<end>"}`);
  }
  return out.join("\n");
}

const noRuntime = (...args: string[]): CliStep => ({ args: ["types", "--include-runtime=false", ...args] });

const moduleWorker = 'export default { fetch() { return new Response("hi"); } };\n';
const exportsWorker = [
  'import { DurableObject, WorkerEntrypoint, WorkflowEntrypoint } from "cloudflare:workers";',
  "export class Counter extends DurableObject {}",
  "export class Admin extends WorkerEntrypoint {}",
  "export class Signup extends WorkflowEntrypoint { async run(event: { payload: { email: string } }) {} }",
  "export default { fetch() { return new Response('hi'); } };",
  "",
].join("\n");

const everyBinding = {
  name: "all",
  main: "src/index.ts",
  compatibility_date: "2025-06-01",
  compatibility_flags: ["nodejs_compat"],
  vars: { GREETING: "hi", COUNT: 3, ENABLED: true, LIST: [1, "a"], NESTED: { deep: { x: null } } },
  kv_namespaces: [{ binding: "KV", id: "kv-id" }],
  r2_buckets: [{ binding: "BUCKET", bucket_name: "bucket" }],
  d1_databases: [{ binding: "DB", database_id: "d1-id", database_name: "db" }],
  durable_objects: {
    bindings: [
      { name: "COUNTER", class_name: "Counter" },
      { name: "GONE", class_name: "NotExported" },
      { name: "REMOTE", class_name: "Thing", script_name: "elsewhere" },
    ],
  },
  migrations: [{ tag: "v1", new_sqlite_classes: ["Counter"] }, { tag: "v2", new_classes: ["NotExported"] }],
  services: [
    { binding: "SELF", service: "all" },
    { binding: "ADMIN", service: "all", entrypoint: "Admin" },
    { binding: "OTHER", service: "other" },
    { binding: "OTHER_NAMED", service: "other", entrypoint: "Named" },
  ],
  queues: { producers: [{ binding: "JOBS", queue: "jobs" }] },
  workflows: [{ binding: "SIGNUP", name: "signup", class_name: "Signup" }],
  assets: { directory: "public", binding: "ASSETS" },
  ai: { binding: "AI" },
  vectorize: [{ binding: "VEC", index_name: "idx" }],
  hyperdrive: [{ binding: "HD", id: "hd-id" }],
  analytics_engine_datasets: [{ binding: "AE", dataset: "ds" }],
  send_email: [{ name: "MAIL" }],
  browser: { binding: "BROWSER" },
  version_metadata: { binding: "VERSION" },
  unsafe: { bindings: [{ name: "LIMIT", type: "ratelimit" }, { name: "RAW", type: "other" }] },
  rules: [{ type: "Text", globs: ["**/*.txt"] }, { type: "Data", globs: ["**/*.bin"] }],
};

const environments = `name = "envs"
main = "src/index.ts"
compatibility_date = "2025-01-01"

[vars]
MODE = "dev"
LEVEL = 1
ONLY_TOP = true

[[kv_namespaces]]
binding = "KV"
id = "a"

[assets]
directory = "public"
binding = "ASSETS"

[[durable_objects.bindings]]
name = "COUNTER"
class_name = "Counter"

[[migrations]]
tag = "v1"
new_sqlite_classes = ["Counter"]

[env.staging.vars]
MODE = "staging"
LEVEL = 2
ARR = [1, "a"]

[[env.staging.kv_namespaces]]
binding = "KV"
id = "b"

[[env.staging.r2_buckets]]
binding = "BUCKET"
bucket_name = "bucket"

[env.production-east]
name = "prod"
rules = [{ type = "Text", globs = ["**/*.md"] }]
[env.production-east.vars]
MODE = "production"
`;

export const cases: CompatCase[] = [
  typesCase({
    name: "types: vars become literal types, or plain ones with --strict-vars=false",
    fast: true,
    files: {
      "wrangler.toml":
        'name = "vars"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n\n[vars]\nGREETING = "hello"\nCOUNT = 3\nON = false\nLIST = [1, 2, "x"]\nOBJ = { a = { b = "c" } }\n"MY-KEY" = "dash"\n',
      "index.js": moduleWorker,
    },
    steps: [noRuntime(), noRuntime("--strict-vars=false")],
  }),
  typesCase({
    name: "types: every binding kind gets its workers-types type, in wrangler's order",
    files: {
      "wrangler.json": JSON.stringify(everyBinding, null, 2),
      "src/index.ts": exportsWorker,
      "public/index.html": "<p>hi</p>\n",
      ".dev.vars": "API_KEY=secret\n",
    },
    steps: [noRuntime()],
  }),
  typesCase({
    name: "types: bindings bunflare cannot run yet are typed as wrangler types them",
    files: {
      "wrangler.jsonc": JSON.stringify(
        {
          name: "later",
          main: "index.js",
          compatibility_date: "2025-01-01",
          pipelines: [{ binding: "PIPE", pipeline: "abc" }],
          ratelimits: [{ name: "RL", namespace_id: "1001", simple: { limit: 10, period: 60 } }],
          secrets_store_secrets: [{ binding: "SS", store_id: "s", secret_name: "n" }],
          worker_loaders: [{ binding: "LOADER" }],
          dispatch_namespaces: [{ binding: "DISPATCH", namespace: "ns" }],
          mtls_certificates: [{ binding: "CERT", certificate_id: "c" }],
          logfwdr: { bindings: [{ name: "L", destination: "d" }] },
          images: { binding: "IMAGES" },
          unsafe_hello_world: [{ binding: "HW" }],
          vpc_services: [{ binding: "VPC", service_id: "s" }],
          text_blobs: { TB: "a.txt" },
          data_blobs: { DB: "a.bin" },
        },
        null,
        2,
      ),
      "index.js": moduleWorker,
      "a.txt": "a",
      "a.bin": "b",
    },
    steps: [noRuntime()],
  }),
  typesCase({
    name: "types: environments give one interface each, and --env one Env",
    files: { "wrangler.toml": environments, "src/index.ts": exportsWorker, "public/a.txt": "a" },
    steps: [noRuntime(), noRuntime("--env", "staging"), noRuntime("--env", "production-east", "--strict-vars=false")],
  }),
  typesCase({
    name: "types: Durable Objects, workflows and entrypoints of another worker given with a second -c",
    files: {
      "wrangler.toml":
        'name = "main-worker"\nmain = "src/index.ts"\ncompatibility_date = "2025-01-01"\n\n' +
        '[[services]]\nbinding = "OTHER"\nservice = "other-worker"\n\n[[services]]\nbinding = "NAMED"\nservice = "other-worker"\nentrypoint = "Admin"\n\n' +
        '[[durable_objects.bindings]]\nname = "REMOTE"\nclass_name = "Counter"\nscript_name = "other-worker"\n\n' +
        '[[workflows]]\nbinding = "FLOW"\nname = "flow"\nclass_name = "Signup"\nscript_name = "other-worker-staging"\n',
      "src/index.ts": moduleWorker,
      "other/wrangler.toml": 'name = "other-worker"\nmain = "index.ts"\n\n[env.staging]\n',
      "other/index.ts": exportsWorker,
    },
    steps: [noRuntime(), noRuntime("-c", "wrangler.toml", "-c", "other/wrangler.toml")],
  }),
  typesCase({
    name: "types: secrets from .dev.vars[.env] and .env are strings; secrets.required replaces them",
    files: {
      "wrangler.toml": 'name = "s"\nmain = "index.ts"\ncompatibility_date = "2025-01-01"\n\n[vars]\nTOKEN = "not secret"\nPLAIN = "x"\n',
      "index.ts": moduleWorker,
      ".dev.vars": "TOKEN=1\nDEV_ONLY=2\n",
      ".dev.vars.staging": "STAGING_ONLY=3\n",
    },
    steps: [
      noRuntime(),
      noRuntime("--env", "staging"),
      { args: [], shell: "rm .dev.vars .dev.vars.staging && printf 'FROM_DOTENV=1\\n' > .env" },
      noRuntime(),
      {
        args: [],
        shell:
          "printf '[secrets]\\nrequired = [\"API_KEY\"]\\n[env.prod.secrets]\\nrequired = [\"PROD_KEY\"]\\n[env.prod.vars]\\nPLAIN = \"y\"\\n' >> wrangler.toml",
      },
      noRuntime(),
      noRuntime("--env", "prod"),
    ],
  }),
  typesCase({
    name: "types: a service-worker script gets globals; --env-interface is refused for it",
    files: {
      "wrangler.toml": 'name = "sw"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n\n[vars]\nA = "a"\n\n[[kv_namespaces]]\nbinding = "my-kv"\nid = "x"\n',
      "index.js": 'addEventListener("fetch", (event) => event.respondWith(new Response("hi")));\n',
    },
    steps: [noRuntime(), noRuntime("--env-interface", "MyEnv")],
  }),
  typesCase({
    name: "types: --check passes on a fresh file and fails once the config changes",
    fast: true,
    files: { "wrangler.toml": 'name = "c"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n\n[vars]\nA = "a"\n', "index.js": moduleWorker },
    steps: [
      noRuntime(),
      { args: ["types", "--check"] },
      { args: [], shell: "sed -i.bak 's/\"a\"/\"b\"/' wrangler.toml" },
      { args: ["types", "--check"] },
      { args: ["types", "--check", "--path", "missing.d.ts"] },
      { args: [], shell: "echo '// Generated by Wrangler, but without a header' > other.d.ts" },
      { args: ["types", "--check", "--path", "other.d.ts"] },
    ],
  }),
  typesCase({
    name: "types: --path, --env-interface and --include-env=false, and their bad values",
    files: { "wrangler.toml": 'name = "p"\nmain = "src/index.ts"\ncompatibility_date = "2025-01-01"\n\n[vars]\nA = 1\n', "src/index.ts": moduleWorker },
    outputs: ["types/env.d.ts", OUT, "mine.d.ts"],
    steps: [
      { args: [], shell: "mkdir types && echo '// my own types' > mine.d.ts" },
      noRuntime("types/env.d.ts", "--env-interface", "MyEnv"),
      noRuntime("--path", "types/env.d.ts", "--include-env=false"),
      noRuntime("--path", "types/env.ts"),
      noRuntime("--env-interface", "1Bad"),
      noRuntime("mine.d.ts"),
      { args: ["types", "--include-env=false", "--include-runtime=false"] },
      { args: ["types", "--x-include-runtime", "old.d.ts"] },
      noRuntime("--path", "no/such/dir/env.d.ts"),
    ],
  }),
  typesCase({
    name: "types: --help; no config file, or an --env that is not there, is one error",
    files: { "index.js": moduleWorker },
    steps: [
      { args: ["types", "--help"] },
      noRuntime(),
      { args: [], shell: "printf 'name = \"e\"\\nmain = \"index.js\"\\ncompatibility_date = \"2025-01-01\"\\n' > wrangler.toml" },
      noRuntime("--env", "nope"),
    ],
  }),
  typesCase({
    name: "types: runtime types from the project's own workerd are wrangler's, byte for byte",
    files: {
      "wrangler.jsonc": JSON.stringify({ name: "rt", main: "src/index.ts", compatibility_date: "2025-03-10", compatibility_flags: ["nodejs_compat"] }),
      "src/index.ts": moduleWorker,
      "tsconfig.json": JSON.stringify({ compilerOptions: { types: ["@cloudflare/workers-types/2023-07-01"] } }),
    },
    steps: [
      { args: [], shell: `ln -s ${COMPAT_NODE_MODULES} node_modules` },
      { args: ["types"] },
      // Second run: the runtime section already in the file is reused, as wrangler does.
      { args: ["types"] },
      { args: ["types", "--check"] },
    ],
  }),
  // Wrangler crashes here (a plain Error, then its bug-report prompt on stdout);
  // bunflare reports the same message as the user's error, so only it is compared.
  typesCase({
    name: "types: runtime types need a compatibility date",
    files: { "wrangler.toml": 'name = "nodate"\nmain = "index.js"\n', "index.js": moduleWorker },
    steps: [{ args: ["types"], compare: ["exitCode", "stderr"] }],
  }),
];
