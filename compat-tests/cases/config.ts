import type { CompatCase } from "../harness.ts";

const worker = 'export default { fetch() { return new Response("hi"); } };\n';
// `deploy --dry-run` reads the config, then checks `main`, before it needs the
// network, so a config whose `main` is missing makes both tools stop at the same
// place: the config errors and warnings, then "entry-point ... not found".
// (bunflare's deploy only goes that far; past it the outputs differ by design.)
const probe = ["deploy", "--dry-run"];
const compare: ("exitCode" | "stderr")[] = ["exitCode", "stderr"];
const base = 'name = "x"\nmain = "missing.js"\ncompatibility_date = "2025-01-01"\n';

export const cases: CompatCase[] = [
  {
    name: "config: malformed TOML names file, line and column",
    fast: true,
    files: { "wrangler.toml": 'name = "x"\nmain = \n', "index.js": worker },
    steps: [{ args: probe }],
  },
  {
    name: "config: malformed JSONC underlines the bad token",
    fast: true,
    files: { "wrangler.jsonc": '{\n  "name": "x"\n  "main": "index.js"\n}\n', "index.js": worker },
    steps: [{ args: probe }],
  },
  {
    name: "config: wrangler.json accepts comments and trailing commas",
    files: { "wrangler.json": '{\n  // the worker\n  "name": "x",\n  "main": "missing.js",\n  "compatibility_date": "2025-01-01",\n}\n' },
    steps: [{ args: probe }],
  },
  {
    name: "config: wrong type is an error",
    fast: true,
    files: { "wrangler.toml": 'name = "x"\nmain = "index.js"\ncompatibility_date = 5\n', "index.js": worker },
    steps: [{ args: probe }],
  },
  {
    name: "config: compatibility_date that is not a date is an error",
    files: { "wrangler.toml": 'name = "x"\nmain = "index.js"\ncompatibility_date = "soon"\n', "index.js": worker },
    steps: [{ args: probe }],
  },
  {
    name: "config: compatibility_flags must be strings",
    files: { "wrangler.toml": base + "compatibility_flags = [1]\n" },
    steps: [{ args: probe }],
  },
  {
    name: "config: a binding list that is not an array is an error",
    files: { "wrangler.toml": base + 'kv_namespaces = { binding = "A" }\n' },
    steps: [{ args: probe }],
  },
  {
    name: "config: binding entries need their fields; unknown nested fields warn",
    fast: true,
    files: {
      "wrangler.toml":
        base +
        '[[kv_namespaces]]\nid = 5\nfoo = 1\n[[kv_namespaces]]\nbinding = "B"\nid = "abc"\nbar = 2\n' +
        '[[r2_buckets]]\nbucket_name = "b"\n[[d1_databases]]\nbinding = 1\n[[durable_objects.bindings]]\nname = "D"\n',
    },
    steps: [{ args: probe }],
  },
  {
    name: "config: two KV namespaces with one binding name are refused",
    fast: true,
    files: { "wrangler.toml": base + '[[kv_namespaces]]\nbinding = "A"\nid = "a"\n[[kv_namespaces]]\nbinding = "A"\nid = "b"\n' },
    steps: [{ args: probe }],
  },
  {
    name: "config: one name across KV, D1 and a var is refused, with a bad bucket name",
    files: {
      "wrangler.toml":
        base +
        '[vars]\nKV = "x"\n[[kv_namespaces]]\nbinding = "KV"\nid = "a"\n[[kv_namespaces]]\nbinding = "KV"\nid = "b"\n' +
        '[[d1_databases]]\nbinding = "KV"\ndatabase_name = "d"\ndatabase_id = "x"\n[[r2_buckets]]\nbinding = "B"\nbucket_name = "Bad_Bucket"\n',
    },
    steps: [{ args: probe }],
  },
  {
    name: "config: duplicate names across Durable Objects, R2, D1, services and vars, in wrangler's order",
    files: {
      "wrangler.toml":
        base +
        '[vars]\nB = "x"\n[[r2_buckets]]\nbinding = "B"\nbucket_name = "ok-bucket"\n[[r2_buckets]]\nbinding = "C"\nbucket_name = "ab"\n' +
        '[[durable_objects.bindings]]\nname = "C"\nclass_name = "X"\n[[d1_databases]]\nbinding = "A"\ndatabase_id = "q"\n' +
        '[[d1_databases]]\nbinding = "A"\ndatabase_id = "r"\n[[services]]\nbinding = "B"\nservice = "s"\n',
    },
    steps: [{ args: probe }],
  },
  {
    name: "config: duplicate binding names inside an environment",
    files: {
      "wrangler.toml": base + '[env.staging]\n[[env.staging.kv_namespaces]]\nbinding = "A"\nid = "a"\n[[env.staging.r2_buckets]]\nbinding = "A"\nbucket_name = "-bad"\n',
    },
    steps: [{ args: [...probe, "--env", "staging"] }],
  },
  {
    name: "config: route objects need a string pattern, known fields of the right types and one zone",
    files: {
      "wrangler.toml":
        base +
        'routes = [{ zone_id = "a" }, { pattern = 5 }, { pattern = "a/*", custom_domain = "yes" }, { pattern = "b/*", zone_id = 5 }, ' +
        '{ pattern = "c/*", enabled = "no" }, { pattern = "d/*", foo = 1 }, "ok/*", { pattern = "e/*", zone_name = "e" }, ' +
        '{ pattern = "f/*", zone_name = "f", zone_id = "g" }]\n',
    },
    steps: [{ args: probe }],
  },
  {
    name: "config: route and routes together, and a route object with two zones",
    files: { "wrangler.toml": base + 'routes = ["y.com/*"]\nroute = { pattern = "a/*", zone_id = "z", zone_name = "n" }\n' },
    steps: [{ args: probe }],
  },
  {
    name: "config: migrations need a string tag, class lists of strings and rename / transfer pairs",
    files: {
      "wrangler.toml":
        base +
        'migrations = [5, { tag = 1, new_classes = "X" }, { tag = "v2", new_sqlite_classes = [1], deleted_classes = "x", ' +
        'transferred_classes = [{ from = "a", to = "b" }], renamed_classes = [{ from = "a" }], foo = 1 }]\n',
    },
    steps: [{ args: probe }],
  },
  {
    // Bunflare checked migrations after every binding; wrangler checks them between workflows and kv_namespaces.
    name: "config: errors in migrations and in bindings are listed in wrangler's order",
    fast: true,
    files: {
      "wrangler.toml":
        base +
        'migrations = [{ tag = 1 }]\nkv_namespaces = [{ binding = 5 }]\nworkflows = [{ binding = "W" }]\nr2_buckets = [{ binding = "B" }]\n' +
        '[env.prod]\nmigrations = "no"\nkv_namespaces = [{ id = "x" }]\nworkflows = [{ name = "w" }]\n' +
        '[env.qa]\nmigrations = [{ tag = "v1", new_classes = "A" }]\nkv_namespaces = [{ id = "x" }]\n',
    },
    steps: [{ args: probe }, { args: [...probe, "--env", "prod"] }, { args: [...probe, "--env", "qa"] }],
  },
  {
    name: "config: under NO_COLOR the error box is plain, where wrangler colours it",
    fast: true,
    files: { "wrangler.toml": base + "kv_namespaces = [{ binding = 5 }]\n" },
    steps: [
      {
        args: probe,
        env: { NO_COLOR: "1" },
        expected: [
          {
            reason:
              "wrangler formats every error and warning box with esbuild's colours on, whatever NO_COLOR says, and its banner's rule follows FORCE_COLOR (set by the harness) over NO_COLOR; bunflare honours NO_COLOR (no-color.org) in both",
            wrangler: (text) => text.replace(/‹[0-9;]*›/g, ""),
          },
        ],
      },
    ],
  },
  {
    name: "config: unknown top-level field is a warning",
    fast: true,
    files: { "wrangler.toml": base + "foo = 1\n" },
    steps: [{ args: probe }],
  },
  {
    name: "config: a missing main is one clear error",
    fast: true,
    files: { "wrangler.toml": base },
    steps: [{ args: probe }],
  },
  {
    // Wrangler's entry-point test: a main without an extension may leave off .js/.ts/...; a
    // directory is refused with the worker / index files inside it to point main at.
    name: "config: main without its extension is found; a directory as main or script is refused with what to point at",
    files: {
      "wrangler.toml": base.replace("missing.js", "src/index"),
      "src/index.js": worker,
      "site/index.html": "<p>hi</p>\n",
      "multi/worker.js": worker,
      "multi/dist/index.ts": worker,
    },
    // The bundles differ in size (wrangler adds its middleware), as in the deploy cases.
    normalize: (text) => text.replace(/(Total Upload: (?:‹\d+›)?)[\d.]+( KiB \/ gzip: )[\d.]+/g, "$1<N>$2<N>"),
    steps: [
      { args: probe },
      { args: [...probe, "site"] },
      { args: [...probe, "multi"] },
      { args: [...probe, "src/absent.js"] },
      { shell: "sed -i 's#src/index#src#' wrangler.toml", args: [] },
      { args: probe },
      { args: ["dev", "src/absent.js"] },
      { args: ["dev", "site"] },
    ],
  },
  {
    name: "config: [dev] fields of the wrong type or an unknown protocol are errors for every command; unknown fields warn",
    fast: true,
    files: {
      "wrangler.toml": base + '[[kv_namespaces]]\nbinding = "KV"\nid = "k"\n[dev]\nlocal_protocol = "ftp"\nport = "abc"\nfoo = 1\nip = 5\ninspector_port = "x"\nhost = 3\nupstream_protocol = 7\n',
    },
    steps: [
      { args: ["kv", "key", "list", "--binding", "KV"] },
      { shell: `printf '${base.replace(/\n/g, "\\n")}[dev]\\nlocal_protocol = "ftp"\\n' > wrangler.toml`, args: [] },
      { args: probe },
    ],
  },
  {
    name: "config: missing environment is an error",
    fast: true,
    files: { "wrangler.toml": base + '[env.staging]\nname = "y"\n', "index.js": worker },
    steps: [{ args: [...probe, "--env", "prod"] }],
  },
  {
    name: "config: --env when no environments are defined only warns",
    files: { "wrangler.jsonc": '{ "name": "x", "main": "missing.js", "compatibility_date": "2025-01-01" }\n' },
    steps: [{ args: [...probe, "-e", "prod"] }],
  },
  {
    name: "config: environments warn about bindings and vars they do not inherit",
    fast: true,
    files: {
      "wrangler.toml":
        base +
        '[[kv_namespaces]]\nbinding = "K"\nid = "abc"\n[vars]\nA = "1"\n[define]\nX = "1"\n' +
        "[env.staging]\nfoo = 1\n" +
        '[env.qa]\nkv_namespaces = [{ binding = "Q", id = "z" }]\n[env.qa.vars]\nA = "3"\nB = "4"\n[env.qa.define]\nY = "2"\n',
    },
    steps: [
      { args: [...probe, "--env", "staging"] },
      { args: [...probe, "--env", "qa"] },
    ],
  },
  {
    name: "config: alias and keep_vars are top-level only (unexpected in an environment), and alias is a map of strings",
    fast: true,
    files: {
      "wrangler.toml":
        base + 'keep_vars = true\n[alias]\nlib = "./top.js"\n[env.staging]\nkeep_vars = false\nsend_metrics = false\n[env.staging.alias]\nlib = "./env.js"\n',
      "bad.toml": base + 'alias = "lib"\nkeep_vars = "yes"\n',
      "bad-entry.toml": base + "[alias]\nlib = 1\n",
    },
    steps: [
      { args: [...probe, "--env", "staging"] },
      { args: [...probe, "-c", "bad.toml"] },
      { args: [...probe, "-c", "bad-entry.toml"] },
    ],
  },
  {
    // Scripts pass `--env "$ENV"` with ENV unset, or set CLOUDFLARE_ENV instead of --env.
    name: "config: CLOUDFLARE_ENV picks the environment, --env wins over it, and an empty environment is the top level",
    files: {
      "wrangler.toml":
        'name = "x"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[kv_namespaces]]\nbinding = "KV"\nid = "top"\n' +
        '[env.staging]\n[[env.staging.kv_namespaces]]\nbinding = "KV"\nid = "staging"\n',
      "index.js": worker,
    },
    steps: [
      { args: ["kv", "key", "put", "k", "v", "--binding", "KV"], env: { CLOUDFLARE_ENV: "staging" } },
      { args: ["kv", "key", "put", "k", "v", "--binding", "KV", "--env", ""] },
      { args: ["kv", "key", "put", "k", "v", "--binding", "KV", "--env", ""], env: { CLOUDFLARE_ENV: "staging" } },
      { args: ["kv", "key", "put", "k", "v", "--binding", "KV", "-e", "staging"], env: { CLOUDFLARE_ENV: "nope" } },
      { args: ["kv", "key", "put", "k", "v", "--binding", "KV"], env: { CLOUDFLARE_ENV: "nope" } },
      { args: ["kv", "key", "put", "k", "v", "--binding", "KV"], env: { CLOUDFLARE_ENV: "" } },
    ],
  },
  {
    // Bindings bunflare does not run are still wrangler's per-environment keys: not inherited, not unexpected.
    name: "config: newer per-environment keys (ai_search, stream, media, vpc_networks, cache, previews, ...) are environment keys",
    files: {
      "wrangler.toml":
        base.replace("missing.js", "index.js") +
        'ai_search_namespaces = []\nai_search = []\nartifacts = []\nflagship = []\nvpc_networks = []\nstreaming_tail_consumers = []\n' +
        'stream = { binding = "S" }\nmedia = { binding = "M" }\ncache = { enabled = true }\npreviews = {}\n' +
        '[[kv_namespaces]]\nbinding = "KV"\nid = "k"\n[env.s]\nkv_namespaces = [{ binding = "KV", id = "s" }]\n' +
        '[env.t]\nkv_namespaces = [{ binding = "KV", id = "t" }]\nai_search_namespaces = []\nai_search = []\nartifacts = []\nflagship = []\n' +
        'vpc_networks = []\nstreaming_tail_consumers = []\nstream = { binding = "S" }\nmedia = { binding = "M" }\ncache = { enabled = false }\npreviews = {}\n',
      "index.js": worker,
    },
    steps: [
      { args: ["kv", "key", "list", "--binding", "KV", "--local", "-e", "s"] },
      { args: ["kv", "key", "list", "--binding", "KV", "--local", "-e", "t"] },
    ],
  },
  {
    // Wrangler's one check of single-table bindings: the notes on `remote` and unknown fields name the bare key, even in an environment.
    name: "config: stream, media, images, browser and ai tables need a string binding and a boolean remote; unknown fields warn",
    files: {
      "wrangler.toml":
        base +
        'stream = { binding = 5, remote = "yes", foo = 1 }\nmedia = "m"\nimages = { remote = true, bar = 2 }\nai = { binding = "AI", staging = true, baz = 1 }\nbrowser = { binding = "B", remote = "no" }\n' +
        '[env.s]\nstream = ["S"]\nmedia = { binding = "M", remote = 1, qux = 2 }\nimages = { binding = "I", remote = false }\n',
    },
    steps: [{ args: probe }, { args: [...probe, "-e", "s"] }],
  },
  {
    name: "config: cache needs a boolean enabled and no other field, at the top level and in an environment",
    files: {
      "wrangler.toml": base + 'cache = { enabled = "no", bar = 2 }\n[env.s]\ncache = {}\n[env.t]\ncache = { enabled = false }\n',
      "scalar.toml": base + "cache = 5\n",
      "list.toml": base + 'cache = ["on"]\n',
    },
    steps: [{ args: probe }, { args: [...probe, "-e", "s"] }, { args: [...probe, "-e", "t"] }, { args: [...probe, "-c", "scalar.toml"] }, { args: [...probe, "-c", "list.toml"] }],
  },
  {
    // Wrangler type-checks the bindings before no_bundle, minify and the other build and upload keys.
    name: "config: errors in bindings are listed before errors in inherited build keys (minify, no_bundle, logpush)",
    files: {
      "wrangler.toml": base + 'minify = "yes"\nno_bundle = 5\nlogpush = 1\nworkers_dev = 2\nkv_namespaces = [{ binding = 5 }]\n[env.s]\nminify = 1\nkv_namespaces = [{ binding = 6 }]\n',
    },
    steps: [{ args: probe }, { args: [...probe, "-e", "s"] }],
  },
  {
    name: "config: -c naming a missing file",
    fast: true,
    files: { "wrangler.toml": base },
    steps: [{ args: [...probe, "-c", "nope.toml"] }],
  },
  {
    name: "config: -c picks the named file over the discovered one",
    files: { "wrangler.toml": base + "in_toml = 1\n", "other.jsonc": '{ "name": "o", "main": "gone.js", "in_other": 1 }\n' },
    steps: [{ args: [...probe, "-c", "other.jsonc"] }],
  },
  {
    name: "config: --cwd naming a missing directory",
    files: { "wrangler.toml": base },
    steps: [{ args: [...probe, "--cwd", "nodir"] }],
  },
  {
    name: "config: discovery prefers wrangler.json, then wrangler.jsonc, then wrangler.toml",
    fast: true,
    files: {
      "wrangler.json": '{ "name": "j", "main": "gone.js", "from_json": 1 }\n',
      "wrangler.jsonc": '{ "name": "c", "main": "gone.js", "from_jsonc": 1 }\n',
      "wrangler.toml": base + "from_toml = 1\n",
    },
    steps: [
      { args: probe },
      { shell: "rm wrangler.json", args: [] },
      { args: probe },
      { shell: "rm wrangler.jsonc", args: [] },
      { args: probe },
    ],
  },
  {
    name: "config: discovery walks up, and a json config above wins over a toml config here",
    files: {
      "wrangler.json": '{ "name": "up", "main": "gone.js", "from_parent_json": 1 }\n',
      "sub/wrangler.toml": base + "from_sub_toml = 1\n",
    },
    steps: [{ args: [...probe, "--cwd", "sub"] }],
  },
  {
    name: "config: no main at all explains both ways to fix it, in the config's own format",
    files: { "wrangler.toml": 'name = "x"\ncompatibility_date = "2025-01-01"\n' },
    steps: [
      { args: probe },
      { shell: "rm wrangler.toml && echo '{ \"compatibility_date\": \"2025-01-01\" }' > wrangler.json", args: [] },
      { args: probe },
    ],
  },
  {
    // Windows editors save a byte order mark: wrangler drops a UTF-8 one and names a UTF-16 one.
    name: "config: a UTF-8 byte order mark is read past; a UTF-16 one is refused by name",
    fast: true,
    files: { "wrangler.toml": `\uFEFF${base}`, "wrangler.jsonc.txt": '{ "name": "x", "main": "missing.js" }\n' },
    steps: [
      { args: probe },
      { shell: "rm wrangler.toml && printf '\\357\\273\\277' > wrangler.jsonc && cat wrangler.jsonc.txt >> wrangler.jsonc", args: [] },
      { args: probe },
      { shell: "printf '\\377\\376' > wrangler.jsonc && cat wrangler.jsonc.txt >> wrangler.jsonc", args: [] },
      { args: probe },
    ],
  },
  {
    name: "config: an empty wrangler.jsonc is a parse error",
    files: { "wrangler.jsonc": "" },
    steps: [{ args: probe }],
  },
  {
    name: "config: field-level checks (name, routes, vars, TOML dates)",
    files: { "wrangler.toml": 'name = "Bad Name!"\nmain = "missing.js"\ncompatibility_date = "2025-01-01"\nroutes = 5\n' },
    steps: [
      { args: probe },
      { shell: `printf '${base.replace(/\n/g, "\\n")}vars = 5\\n' > wrangler.toml`, args: [] },
      { args: probe },
      { shell: `printf '${base.replace(/\n/g, "\\n")}[vars]\\nD = 2025-01-01\\n' > wrangler.toml`, args: [] },
      { args: probe },
    ],
  },
  {
    name: "config: type errors inside an environment, and an env that is not a table",
    files: { "wrangler.toml": base + '[env.staging]\nkv_namespaces = 5\nworkers_dev = "yes"\n' },
    steps: [
      { args: [...probe, "-e", "staging"] },
      { shell: `printf '${base.replace(/\n/g, "\\n")}env = 5\\n' > wrangler.toml`, args: [] },
      { args: [...probe, "-e", "staging"] },
    ],
  },
  {
    name: "config: -c naming a file that is not toml/json/jsonc reads no config",
    files: { "wrangler.conf": base },
    steps: [{ args: [...probe, "-c", "wrangler.conf"] }],
  },
  {
    name: "config: Durable Objects without migrations, and per-environment DO bindings",
    files: {
      "wrangler.toml":
        base +
        '[[durable_objects.bindings]]\nname = "A"\nclass_name = "A"\n[[durable_objects.bindings]]\nname = "B"\nclass_name = "B"\n' +
        '[env.staging]\ndurable_objects = { bindings = [{ name = "A", class_name = "A" }] }\n',
    },
    steps: [{ args: [...probe, "-e", "staging"] }],
  },
  {
    name: "config: queues, services, triggers, r2 and d1 entries are checked like wrangler",
    files: {
      "wrangler.toml":
        base +
        '[[queues.producers]]\nbinding = 5\nfoo = 1\n[[queues.consumers]]\nqueue = 3\nbar = 1\n' +
        '[[services]]\nbinding = 5\nservice = 1\nfoo = 1\n[triggers]\ncrons = 5\n' +
        '[[r2_buckets]]\nbinding = "R"\nbucket_name = 5\n[[d1_databases]]\nbinding = "D"\ndatabase_id = 5\n',
    },
    steps: [{ args: probe }],
  },
  {
    name: "config: a route object needs a zone or custom_domain; enabled / previews_enabled only with custom_domain; no empty route",
    files: {
      "wrangler.toml":
        base +
        'routes = [{ pattern = "a.com/*" }, { pattern = "b.com", enabled = true, zone_name = "b.com" }, ' +
        '{ pattern = "c.com", previews_enabled = true, custom_domain = true }, "", { pattern = "d.com/*", zone_id = "z" }]\n',
    },
    steps: [{ args: probe }],
  },
  {
    name: "config: an empty route or account_id is ignored with a warning",
    files: { "wrangler.toml": base + 'route = ""\naccount_id = ""\n' },
    steps: [{ args: probe }],
  },
  {
    // Wrangler checks Custom Domains when dev starts and before a deploy, after the config.
    name: "config: Custom Domains with a wildcard or a path are refused by deploy and dev",
    files: {
      "wrangler.toml":
        'name = "x"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n' +
        'routes = [{ pattern = "*.a.com", custom_domain = true }, { pattern = "b.com/x", custom_domain = true }, "c.com/*", { pattern = "*.d.com/x", custom_domain = true }]\n',
      "index.js": worker,
      "dev.toml": 'name = "x"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\nroute = { pattern = "e.com/p", custom_domain = true }\n',
    },
    steps: [{ args: probe }, { args: ["dev", "-c", "dev.toml", "--port", "0"] }],
  },
  {
    name: "config: workflow names, remote and step limits are checked like wrangler",
    files: {
      "wrangler.toml":
        base +
        '[[workflows]]\nbinding = "W"\nname = "Bad Name"\nclass_name = "WF"\nremote = "x"\nlimits = { steps = 30000, foo = 1 }\n' +
        '[[workflows]]\nbinding = "W2"\nname = "ok"\nclass_name = "WF"\nlimits = { steps = 0 }\n' +
        `[[workflows]]\nbinding = "W3"\nname = "${"a".repeat(65)}"\nclass_name = "WF"\nlimits = 5\n`,
    },
    steps: [{ args: probe }],
  },
  {
    name: "config: an environment that names only some of the top level's bindings is warned per kind (queue producers excepted)",
    files: {
      "wrangler.toml":
        base +
        '[[kv_namespaces]]\nbinding = "KV"\nid = "a"\n[[durable_objects.bindings]]\nname = "DO"\nclass_name = "C"\n' +
        '[[durable_objects.bindings]]\nname = "DO2"\nclass_name = "C"\n[[queues.producers]]\nbinding = "Q"\nqueue = "q"\n' +
        '[[services]]\nbinding = "S"\nservice = "s"\n[[workflows]]\nbinding = "W"\nname = "w"\nclass_name = "WF"\n' +
        '[env.staging]\nkv_namespaces = [{ binding = "KV2", id = "b" }]\ndurable_objects = { bindings = [{ name = "DO", class_name = "C" }] }\n' +
        'queues = { producers = [{ binding = "Q2", queue = "q" }] }\nservices = [{ binding = "S2", service = "s" }]\n' +
        'workflows = [{ binding = "W2", name = "w", class_name = "WF" }]\nfoo = 1\n',
    },
    steps: [{ args: [...probe, "--env", "staging"] }],
  },
  {
    name: "config: an R2 preview_bucket_name is held to the bucket name rules",
    files: {
      "wrangler.toml":
        base +
        '[[r2_buckets]]\nbinding = "R"\nbucket_name = "ok-bucket"\npreview_bucket_name = "Bad_Preview"\n' +
        '[[r2_buckets]]\nbinding = "S"\nbucket_name = "Bad_Too"\npreview_bucket_name = "x"\n',
    },
    steps: [{ args: probe }],
  },
  {
    // Wrangler checks only the shape of a tail consumer: other fields pass without a warning, a
    // streaming consumer's `environment` is not looked at, and the environment's errors name the
    // field without its "env.<name>." prefix. Every command that reads the config refuses it.
    name: "config: tail_consumers and streaming_tail_consumers need objects with a string service (and environment)",
    fast: true,
    files: {
      "wrangler.toml":
        'name = "x"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n' +
        'tail_consumers = [{ service = 1 }, { environment = "e" }, { service = "t", environment = 3, foo = 1 }, 5, []]\n' +
        'streaming_tail_consumers = [{ service = true }, { foo = 1 }, { service = "s", environment = 3, bar = 2 }, "s", []]\n' +
        '[env.x]\ntail_consumers = "nope"\nstreaming_tail_consumers = { service = "z" }\n' +
        '[env.y]\ntail_consumers = [{ service = "t" }]\n',
      "index.js": worker,
    },
    steps: [
      { args: probe },
      { args: [...probe, "--env", "x"] },
      { args: ["versions", "upload", "--dry-run", "--env", "y"] },
      { args: ["dev", "--port", "0"] },
    ],
  },
  {
    name: "config: an environment without the top level's tail consumers is warned about",
    files: {
      "wrangler.toml": base + 'tail_consumers = [{ service = "t" }]\nstreaming_tail_consumers = [{ service = "s" }]\n[env.y]\nname = "y"\n',
    },
    steps: [{ args: [...probe, "--env", "y"] }],
  },
  {
    // Only the shape, unknown fields and tail consumers of `previews` are checked by bunflare (its
    // bindings only matter to a real deploy of a preview); wrangler's order is kept for those.
    name: "config: previews is a table with known fields; its tail consumers are checked as the section's",
    files: {
      "wrangler.toml":
        base +
        'minify = 3\n[previews]\nfoo = 1\nbar = 2\ntail_consumers = [{ service = 1 }, { service = "t", environment = 2 }]\nstreaming_tail_consumers = 5\n' +
        '[env.x.previews]\ntail_consumers = 7\n[env.y]\npreviews = 4\n',
    },
    steps: [{ args: [...probe, "--env", "x"] }, { args: [...probe, "--env", "y"] }],
  },
];
