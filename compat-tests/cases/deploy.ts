// deploy --dry-run / versions upload --dry-run / build, the redirected config, secrets,
// help of the commands bunflare added, and `--outfile`'s upload form. The "Total Upload" line is
// compared, except where sizes differ by design: the no-op worker's first comment names where
// its template sits, and the modules' order in a large build's gzip differs; there the figures
// are normalised and the layout is compared by file list.
import { answeredLocally, MODULE_RULE_BUILD_ERROR, wranglerBugFooter, type CompatCase } from "../harness.ts";

const CONFIG = JSON.stringify({
  name: "app",
  main: "src/index.ts",
  compatibility_date: "2025-01-01",
  vars: { A: "x", N: 3 },
  kv_namespaces: [{ binding: "KV", id: "abc" }],
  r2_buckets: [{ binding: "B", bucket_name: "bkt" }],
  d1_databases: [{ binding: "DB", database_name: "db", database_id: "1234" }],
  durable_objects: { bindings: [{ name: "C", class_name: "Counter" }] },
  migrations: [{ tag: "v1", new_classes: ["Counter"] }],
  services: [{ binding: "S", service: "other" }],
});
const WORKER = `import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {}
export default { fetch() { return new Response("hi"); } };
`;
const assetsToml = (directory: string, extra = "") =>
  `name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[assets]\ndirectory = "${directory}"\n${extra}`;
/** The multipart boundary: random in each upload. */
const formBoundary = (text: string) => text.replace(/----formdata-undici-0\d{11}/g, "<BOUNDARY>");
const sizes = (text: string) => text.replace(/(Total Upload: (?:\x1b\[\d+m|‹\d+›)?)[\d.]+( KiB \/ gzip: )[\d.]+/g, "$1<N>$2<N>");

const MAPPED_INDEX = 'import { greet } from "./util";\nexport default {\n  fetch(): Response {\n    return new Response(greet("world"));\n  },\n};\n';
const MAPPED_UTIL = "export function greet(name: string): string {\n  return `h\u00e9llo \u2713 \u{1F600} ${name}`;\n}\n";
/** The map wrangler 4.86 writes for the two files above (its esbuild's layout and mappings). */
const mappedMap = (root: string, up: string) =>
  [
    "{",
    '  "version": 3,',
    `  "sources": ["${up}src/util.ts", "${up}src/index.ts"],`,
    `  "sourceRoot": "${root}",`,
    `  "sourcesContent": [${[MAPPED_UTIL, MAPPED_INDEX].map((text) => JSON.stringify(text).replace(/[^\x00-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`)).join(", ")}],`,
    '  "mappings": ";;;;AAAO,SAAS,MAAM,MAAsB;AAC1C,SAAO,6BAAc,IAAI;AAC3B;AAFgB;;;ACChB,IAAO,gBAAQ;AAAA,EACb,QAAkB;AAChB,WAAO,IAAI,SAAS,MAAM,OAAO,CAAC;AAAA,EACpC;AACF;",',
    '  "names": []',
    "}",
    "",
  ].join("\n");

// A Vite-plugin style build: the user's config, a built one in dist/, and the redirect file.
// The built config carries the generated fields wrangler's reader accepts silently.
const BUILT = JSON.stringify({
  configPath: "/somewhere/dist/app/wrangler.json",
  userConfigPath: "/somewhere/wrangler.jsonc",
  topLevelName: "app",
  definedEnvironments: [],
  legacy_env: true,
  name: "app",
  main: "index.js",
  compatibility_date: "2025-01-01",
  compatibility_flags: [],
  rules: [],
  vars: { FROM: "built" },
  kv_namespaces: [{ binding: "KV", id: "abc" }],
  streaming_tail_consumers: [],
  previews: {},
  dev: { ip: "localhost", port: 8787, local_protocol: "http", upstream_protocol: "http" },
  no_bundle: false,
});

// A config whose custom build is meant to write `main` into `dir`.
const customBuild = (dir: string, command: string) =>
  `name = "app"\nmain = "${dir}/index.js"\ncompatibility_date = "2025-01-01"\n[build]\ncommand = ${JSON.stringify(command)}\n`;

export const cases: CompatCase[] = [
  {
    // wrangler runs the command before it looks for `main`, prints each line of its
    // output after "[custom build]", and names a `main` still missing after it ran.
    name: "deploy: a custom build generates main; its output is printed after [custom build], a missing output is named",
    files: {
      "src/index.js": 'export default { fetch() { return new Response("hi"); } };\n',
      "wrangler.toml": customBuild("dist", `mkdir -p dist && cp src/index.js dist/ && printf 'built\\nok\\n'`),
      "missing.toml": customBuild("out", `printf 'nothing written\\n'`),
      "failing.toml": customBuild("out", "echo failing >&2; exit 3"),
    },
    steps: [
      { args: ["deploy", "--dry-run"] },
      { args: ["deploy", "--dry-run", "--config", "missing.toml"] },
      { args: ["deploy", "--dry-run", "--config", "failing.toml"], compare: ["exitCode", "stdout"], reason: "wrangler prints execa's error object with its stack; bunflare only its one-line message" },
    ],
  },
  {
    name: "deploy: --dry-run prints the size line and the bindings table",
    files: { "wrangler.json": CONFIG, "src/index.ts": WORKER },
    steps: [{ args: ["deploy", "--dry-run"] }, { args: ["versions", "upload", "--dry-run"] }],
  },
  {
    // Bunflare showed a --var's value in the table, and refused `--var FLAG` (no colon).
    name: "deploy: --dry-run --var values are shown as (hidden), a config var's as it is; --var FLAG alone is an empty var",
    files: { "wrangler.json": CONFIG, "src/index.ts": WORKER },
    steps: [{ args: ["deploy", "--dry-run", "--var", "X:secret", "--var", "FLAG", "--var", "A:override"] }],
  },
  {
    // Bunflare did not warn about the rules wrangler drops.
    name: "deploy: --dry-run warns about module rules a rule without fallthrough hides, unless it says fallthrough = false",
    files: {
      "wrangler.toml":
        'name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n' +
        '[[rules]]\ntype = "ESModule"\nglobs = ["**/*.js"]\n[[rules]]\ntype = "ESModule"\nglobs = ["**/*.mjs"]\n' +
        '[[rules]]\ntype = "Text"\nglobs = ["**/*.dat"]\n[[rules]]\ntype = "Data"\nglobs = ["**/*.bytes"]\nfallthrough = false\n',
      "index.js": 'import text from "./a.dat";\nexport default { fetch() { return new Response(text); } };\n',
      "a.dat": "hi\n",
    },
    steps: [{ args: ["deploy", "--dry-run"] }],
  },
  ...[false, true].map((noBundle) => ({
    // Bunflare printed no "Ignoring duplicate module" warnings, and listed a.txt before a/x.txt
    // (wrangler walks each directory in name order, depth first).
    name: `deploy: --dry-run ${noBundle ? "no_bundle" : "find_additional_modules"}: a file two module rules match is warned about, the entry too, and the first rule wins`,
    files: {
      "wrangler.toml":
        `name = "app"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\n${noBundle ? "no_bundle" : "find_additional_modules"} = true\n` +
        '[[rules]]\ntype = "ESModule"\nglobs = ["**/*.js"]\nfallthrough = true\n[[rules]]\ntype = "ESModule"\nglobs = ["*.js"]\n' +
        '[[rules]]\ntype = "Text"\nglobs = ["**/*.txt", "a.txt"]\nfallthrough = true\n',
      "src/index.js": 'import a from "./a.txt";\nimport { x } from "./b.js";\nexport default { fetch() { return new Response(a + x); } };\n',
      "src/a.txt": "hi\n",
      "src/a/x.txt": "x\n",
      "src/b.js": "export const x = 1;\n",
    },
    steps: [{ args: ["deploy", "--dry-run"] }],
  })),
  ...[false, true].map((noBundle) => ({
    // Bunflare skipped node_modules and dot-directories, and symlinked files, and took the config
    // file for a module. Wrangler enters every directory but .wrangler beside the config, takes a
    // symlink as a file (never entering a symlinked directory) and leaves out the config in use.
    name: `deploy: --dry-run --outdir ${noBundle ? "no_bundle" : "find_additional_modules"}: modules are found in node_modules and dot-directories, not .wrangler or the config; a symlinked file is one`,
    files: {
      "wrangler.toml":
        `name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n${noBundle ? "no_bundle" : "find_additional_modules"} = true\n` +
        '[[rules]]\ntype = "Text"\nglobs = ["**/*.toml"]\nfallthrough = true\n',
      "index.js": 'export default { fetch() { return new Response("hi"); } };\n',
      "a.txt": "a\n",
      ".g.txt": "g\n",
      ".hidden/c.txt": "c\n",
      "node_modules/pkg/b.txt": "b\n",
      "sub/.deep/e.txt": "e\n",
      ".wrangler/state/d.txt": "d\n",
      "other/f.txt": "f\n",
      "other/g.toml": "g = 1\n",
    },
    steps: [
      { shell: "ln -s other/f.txt link.txt && ln -s other linkdir", args: [] },
      { args: ["deploy", "--dry-run", "--outdir", "out"] },
      {
        shell: `test "$(cd out && find . -type f | sort | tr '\\n' ' ')" = "./.g.txt ./.hidden/c.txt ./README.md ./a.txt ./index.js ${noBundle ? "" : "./index.js.map "}./link.txt ./node_modules/pkg/b.txt ./other/f.txt ./other/g.toml ./sub/.deep/e.txt " && test -f out/link.txt && ! test -L out/link.txt`,
        args: [],
      },
    ],
  })),
  {
    // Bunflare failed with a raw ENOENT after its table for a broken symlink, and listed a symlinked
    // directory as a 4 KiB module before failing to read it.
    name: "deploy: --dry-run no_bundle: a symlink a module rule matches that leads nowhere, or to a directory, is an error",
    files: {
      "wrangler.toml": 'name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\nno_bundle = true\n',
      "index.js": 'export default { fetch() { return new Response("hi"); } };\n',
      "a.txt": "a\n",
      "other/f.txt": "f\n",
    },
    steps: [
      { shell: "ln -s nowhere broken.txt", args: [] },
      { args: ["deploy", "--dry-run"] },
      { shell: "rm broken.txt && ln -s other linkdir.txt", args: [] },
      {
        args: ["deploy", "--dry-run"],
        expected: [
          wranglerBugFooter("wrangler fails to read the symlinked directory with a bare EISDIR (an internal error to it); bunflare names the module and why"),
          {
            reason: "bunflare names the module and why it cannot be one",
            streams: ["stderr"],
            wrangler: (text) =>
              text.replace(
                "EISDIR: illegal operation on a directory, read",
                "The module linkdir.txt is a directory (a symbolic link to one): a module rule matched its name, but only a file can be a module.",
              ),
          },
        ],
      },
    ],
  },
  ...[false, true].map((noBundle) => ({
    // Bunflare left out, unsaid, a file that only a removed rule matches. Wrangler tests removed
    // rules' globs without globstar, so the default "**/*.txt" fails sub/b.txt but not a.txt.
    name: `deploy: --dry-run ${noBundle ? "no_bundle" : "find_additional_modules"}: a file under the module root that only a removed rule matches fails the build`,
    files: {
      "wrangler.toml":
        `name = "app"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\n${noBundle ? "no_bundle" : "find_additional_modules"} = true\n` +
        '[[rules]]\ntype = "Text"\nglobs = ["**/*.md"]\n',
      "src/index.js": 'import a from "./a.md";\nexport default { fetch() { return new Response(a); } };\n',
      "src/a.md": "md\n",
      "src/a.txt": "left out\n",
      "src/sub/b.txt": "refused\n",
    },
    // Unbundled, wrangler's error has no build box: the same words.
    expected: noBundle ? undefined : [MODULE_RULE_BUILD_ERROR],
    steps: [{ args: ["deploy", "--dry-run"] }],
  })),
  {
    // Bunflare bundled an import that only a removed rule (here a second user rule of a type) matches.
    name: "deploy: --dry-run: an import that only a removed module rule matches fails the build",
    files: {
      "wrangler.toml":
        'name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n' +
        '[[rules]]\ntype = "Text"\nglobs = ["**/*.md"]\n[[rules]]\ntype = "Text"\nglobs = ["**/*.dat"]\n',
      "index.js": 'import a from "./a.dat";\nexport default { fetch() { return new Response(a); } };\n',
      "a.dat": "dat\n",
    },
    expected: [MODULE_RULE_BUILD_ERROR],
    steps: [{ args: ["deploy", "--dry-run"] }],
  },
  {
    // Bunflare did not warn that no environment was named.
    name: "deploy: --dry-run and versions upload --dry-run warn when environments are defined and none is named (not with --env \"\")",
    files: {
      "wrangler.toml": 'name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[env.staging]\nname = "app-staging"\n',
      "index.js": 'export default { fetch() { return new Response("hi"); } };\n',
    },
    steps: [
      { args: ["deploy", "--dry-run"] },
      { args: ["versions", "upload", "--dry-run"] },
      { args: ["deploy", "--dry-run", "--env", ""] },
      { args: ["build"] },
    ],
  },
  {
    // Bunflare did not warn for the secret commands; wrangler does for put, delete and bulk (not list).
    name: "secret put/delete/bulk warn when environments are defined and none is named (not with --env \"\")",
    fast: true,
    files: {
      "wrangler.toml": 'name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[env.staging]\nname = "app-staging"\n',
      "index.js": 'export default { fetch() { return new Response("hi"); } };\n',
    },
    expected: answeredLocally("test/secret.test.ts", { warnings: true }),
    steps: [
      { args: ["secret", "put", "K"], stdin: "v" },
      { args: ["secret", "bulk"], stdin: '{"L":"w"}' },
      { args: ["secret", "delete", "K"] },
      { args: ["secret", "put", "K", "--env", ""], stdin: "v" },
    ],
  },
  {
    // Without connection statuses (nothing is local); a consumer's environment is not shown.
    name: "deploy: --dry-run and versions upload --dry-run list the tail consumers after the bindings",
    files: {
      "wrangler.toml":
        'name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n' +
        'tail_consumers = [{ service = "t1", environment = "staging" }, { service = "t2" }]\nstreaming_tail_consumers = [{ service = "s1" }]\n' +
        '[vars]\nA = "x"\n',
      "index.js": 'export default { fetch() { return new Response("hi"); } };\n',
    },
    steps: [{ args: ["deploy", "--dry-run"] }, { args: ["versions", "upload", "--dry-run"] }],
  },
  {
    name: "deploy: --dry-run --outdir writes wrangler's layout",
    files: { "wrangler.json": CONFIG, "src/index.ts": WORKER },
    steps: [
      { args: ["deploy", "--dry-run", "--outdir", "out/nested"] },
      // The same files under both (a failing check fails the case), and README.md names the worker.
      { shell: `test "$(ls out/nested | tr '\\n' ' ')" = "README.md index.js index.js.map "`, args: [] },
      { shell: `grep -q 'built output assets for the worker "app" generated at' out/nested/README.md`, args: [] },
      { shell: `grep -q 'sourceMappingURL=index.js.map' out/nested/index.js`, args: [] },
      { args: ["build"] },
    ],
  },
  {
    // Bunflare wrote everything under the directory the command ran in. Wrangler's esbuild writes a
    // bundle, its map and its modules relative to the config's directory, the README relative to
    // the command's; an unbundled worker's files all go there. Scripts that pick up the bundle rely on it.
    name: "deploy: --dry-run --outdir with -c in a subdirectory: the bundle beside the config, the README (and an unbundled worker) where the command ran",
    files: {
      "sub/wrangler.toml": 'name = "sub"\nmain = "i.js"\ncompatibility_date = "2025-01-01"\nfind_additional_modules = true\n[[rules]]\ntype = "ESModule"\nglobs = ["**/*.mjs"]\n',
      "sub/i.js": 'export default { async fetch() { const { x } = await import("./lazy.mjs"); return new Response(x); } };\n',
      "sub/lazy.mjs": 'export const x = "lazy";\n',
    },
    steps: [
      { args: ["deploy", "--dry-run", "--outdir", "out", "-c", "sub/wrangler.toml"] },
      { shell: `test "$(find out sub/out -type f | sort | tr '\\n' ' ')" = "out/README.md sub/out/i.js sub/out/i.js.map sub/out/lazy.mjs "`, args: [] },
      { shell: "rm -rf out sub/out", args: [] },
      { args: ["deploy", "--dry-run", "--outdir", "out", "-c", "sub/wrangler.toml", "--no-bundle"] },
      { shell: `test "$(find out -type f | sort | tr '\\n' ' ')" = "out/README.md out/i.js out/lazy.mjs " && test ! -e sub/out`, args: [] },
    ],
  },
  {
    // The map as esbuild writes it into the out directory: sources relative to it, sourceRoot the
    // flag as given, the sources' text with non-ASCII escaped. Checked against one expected file
    // under both tools (a failing check fails the case), so wrangler's own output is held to it too.
    // (The same with or without upload_source_maps: it only changes what a real deploy uploads.)
    name: "deploy: --dry-run --outdir and build write wrangler's source map: sourceRoot, sourcesContent, sources relative to the out directory",
    files: {
      "wrangler.toml": 'name = "app"\nmain = "src/index.ts"\ncompatibility_date = "2025-01-01"\nupload_source_maps = true\n',
      "src/index.ts": MAPPED_INDEX,
      "src/util.ts": MAPPED_UTIL,
      "expected-outdir.map": mappedMap("out/nested", "../../"),
      "expected-build.map": mappedMap("dist", "../"),
    },
    steps: [
      { args: ["deploy", "--dry-run", "--outdir", "out/nested"] },
      { shell: `test "$(ls out/nested | tr '\\n' ' ')" = "README.md index.js index.js.map "`, args: [] },
      { shell: "cmp out/nested/index.js.map expected-outdir.map", args: [] },
      { shell: `test "$(tail -n 1 out/nested/index.js)" = "//# sourceMappingURL=index.js.map"`, args: [] },
      { args: ["build"] },
      { shell: "cmp dist/index.js.map expected-build.map", args: [] },
    ],
  },
  {
    // Bunflare wrote only the bundle to --outfile. Wrangler writes the upload itself: multipart form
    // data (undici's framing), the metadata part (main module, bindings in the API's shapes,
    // compatibility settings, keep_bindings, annotations), then each module typed by its kind.
    // The boundary is random in both: only it is normalised.
    name: "deploy: --dry-run --outfile writes the upload as multipart form data, its metadata and modules as wrangler's",
    files: {
      "wrangler.json": JSON.stringify({
        ...JSON.parse(CONFIG),
        kv_namespaces: [{ binding: "KV", id: "abc" }, { binding: "KV2" }],
        r2_buckets: [{ binding: "B", bucket_name: "bkt", jurisdiction: "eu" }, { binding: "B2" }],
        queues: { producers: [{ binding: "Q", queue: "q1", delivery_delay: 5 }] },
        workflows: [{ binding: "WF", name: "wf", class_name: "Flow" }],
        services: [{ binding: "S", service: "other", entrypoint: "E" }],
        hyperdrive: [{ binding: "HD", id: "hid" }],
        analytics_engine_datasets: [{ binding: "AE", dataset: "ds" }],
        send_email: [{ name: "EM", destination_address: "a@b.c" }],
        ai: { binding: "AI" },
        version_metadata: { binding: "VM" },
        tail_consumers: [{ service: "t1" }],
        placement: { mode: "smart" },
        limits: { cpu_ms: 100 },
        observability: { enabled: true },
        logpush: true,
        vars: { A: "x", N: 3, O: { k: [1] } },
      }),
      "src/index.ts": `${WORKER}import { WorkflowEntrypoint } from "cloudflare:workers";\nexport class Flow extends WorkflowEntrypoint { async run() {} }\n`,
    },
    normalize: formBoundary,
    steps: [
      { args: ["deploy", "--dry-run", "--outfile", "out/deep/worker.bundle"], files: ["out/deep/worker.bundle"] },
      { args: ["deploy", "--dry-run", "--outfile", "kept.bundle", "--var", "V:1", "--keep-vars", "--tag", "t1", "--message", "m1"], files: ["kept.bundle"] },
      { args: ["versions", "upload", "--dry-run", "--outfile", "version.bundle"], files: ["version.bundle"] },
      { args: ["versions", "upload", "--dry-run", "--outfile", "alias.bundle", "--tag", "t", "--message", "m", "--preview-alias", "pa"], files: ["alias.bundle"] },
    ],
  },
  {
    // Bunflare inlined text, data and wasm imports in the bundle it wrote and counted. Wrangler
    // uploads each as a module of its own, named by its SHA-1 and file name (the import rewritten
    // to it), written beside the bundle with --outdir and typed in the form (text/plain,
    // application/octet-stream, application/wasm); preserve_file_names keeps the import's name.
    name: "deploy: --dry-run --outfile and --outdir: text, data and wasm imports are modules of their own, named as wrangler names them",
    files: {
      "wrangler.toml": 'name = "app"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\n',
      "preserve.toml": 'name = "app"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\npreserve_file_names = true\n',
      "src/a.txt": "hello text\n",
      "src/b.bin": "bin\u0000\u0001",
      "src/m.wasm": "\u0000asm\u0001\u0000\u0000\u0000",
      "src/index.js":
        'import t from "./a.txt";\nimport w from "./m.wasm";\nimport b from "./b.bin";\nexport default { fetch() { return new Response(t + String(w) + b.byteLength); } };\n',
    },
    normalize: formBoundary,
    steps: [
      { args: ["deploy", "--dry-run", "--outfile", "worker.bundle", "--outdir", "out"], files: ["worker.bundle", "out/index.js"] },
      {
        shell: `test "$(ls out | tr '\\n' ' ')" = "24f293b867d24f69ac5139ab63ad8ec4d44a779a-a.txt 997c40c42ab7c9023e595199a35814638bb28c26-b.bin README.md c6006650182737e2b09bada7fc0774812b802917-m.wasm index.js index.js.map "`,
        args: [],
      },
      { args: ["deploy", "--dry-run", "--outfile", "preserved.bundle", "-c", "preserve.toml"], files: ["preserved.bundle"] },
      { args: ["versions", "upload", "--dry-run", "--outfile", "version.bundle"], files: ["version.bundle"] },
    ],
  },
  {
    // A service worker (no exports) goes up as one body part (application/javascript) bundled as an
    // IIFE, as wrangler bundles it; its text and wasm imports become globals bound by the metadata.
    name: "deploy: --dry-run --outfile of a service worker: a body part, its modules as text_blob and wasm_module bindings",
    files: {
      "wrangler.toml": 'name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[vars]\nA = "x"\n',
      "a.txt": "hello\n",
      "m.wasm": "\u0000asm\u0001\u0000\u0000\u0000",
      "index.js": 'import t from "./a.txt";\nimport w from "./m.wasm";\nconst greeting = "hi";\naddEventListener("fetch", (e) => e.respondWith(new Response(greeting + t + w)));\n',
    },
    normalize: formBoundary,
    steps: [{ args: ["deploy", "--dry-run", "--outfile", "worker.bundle", "--outdir", "out"], files: ["worker.bundle", "out/index.js", "out/index.js.map"] }],
  },
  ...[false, true].map((noBundle) => ({
    // An unbundled entry keeps its own name (index.mjs), in the form and in --outdir.
    name: `deploy: --dry-run --outfile with ${noBundle ? "no_bundle" : "find_additional_modules"}: the modules found go up after the entry, with their types`,
    files: {
      "wrangler.toml":
        `name = "app"\nmain = "src/index.mjs"\ncompatibility_date = "2025-01-01"\n${noBundle ? "no_bundle" : "find_additional_modules"} = true\n` +
        '[[rules]]\ntype = "ESModule"\nglobs = ["**/*.mjs"]\n',
      "src/index.mjs": 'import t from "./a.txt";\nexport default { async fetch() { const { l } = await import("./lang/en.mjs"); return new Response(t + l); } };\n',
      "src/lang/en.mjs": 'export const l = "en";\n',
      "src/a.txt": "hi\n",
      "src/c.bin": "data",
    },
    normalize: formBoundary,
    steps: [
      { args: ["deploy", "--dry-run", "--outfile", "worker.bundle", "--outdir", "out"], files: ["worker.bundle"] },
      { shell: `test "$(cd out && find . -type f | sort | tr '\\n' ' ')" = "./README.md ./a.txt ./c.bin ./index${noBundle ? ".mjs" : ".js ./index.js.map"} ./lang/en.mjs "`, args: [] },
    ],
  })),
  {
    // Without nodejs_compat a node:* import is warned about (notes laid out under the first line, the
    // importer in blue) and kept in the upload as wrangler keeps it; bunflare's bundle had a stub that throws.
    name: "deploy: --dry-run --outfile: a node:* import without nodejs_compat is warned about and kept",
    files: {
      "wrangler.toml": 'name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n',
      "index.js": 'import { Buffer } from "node:buffer";\nexport default { fetch() { return new Response(Buffer.from("x").toString("hex")); } };\n',
    },
    normalize: formBoundary,
    steps: [{ args: ["deploy", "--dry-run", "--outfile", "worker.bundle"], files: ["worker.bundle"] }],
  },
  {
    // Bunflare accepted --metafile and wrote nothing. esbuild's metafile goes into --outdir (bundle-meta.json)
    // or to the path given; its text names each tool's own files, so only where it goes is compared.
    name: "deploy: --dry-run --metafile writes esbuild's metafile into --outdir, or to the path given",
    files: { "wrangler.toml": 'name = "app"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\n', "src/index.js": 'export default { fetch() { return new Response("x"); } };\n' },
    steps: [
      { args: ["deploy", "--dry-run", "--outdir", "out", "--metafile"] },
      { args: ["deploy", "--dry-run", "--metafile", "meta.json"] },
      { shell: `test "$(ls out | tr '\\n' ' ')" = "README.md bundle-meta.json index.js index.js.map " && grep -q '"inputs"' out/bundle-meta.json && grep -q '"outputs"' meta.json`, args: [] },
    ],
  },
  {
    // Bunflare ignored --secrets-file. Wrangler lists its secrets as hidden variables and uploads them
    // as secret_text bindings, keeping the deployment's other secrets; a bad file is refused.
    name: "deploy: --dry-run --outfile --secrets-file: secret_text bindings, shown hidden; a bad file is refused",
    files: {
      "wrangler.toml": 'name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[vars]\nA = "x"\n',
      "index.js": 'export default { fetch() { return new Response("x"); } };\n',
      "secrets.json": '{"S1":"v1","S2":"v2"}',
      "secrets.env": "S3=v3\n",
      "bad.json": '{"S":1}',
    },
    normalize: formBoundary,
    steps: [
      { args: ["deploy", "--dry-run", "--outfile", "a.bundle", "--secrets-file", "secrets.json"], files: ["a.bundle"] },
      { args: ["versions", "upload", "--dry-run", "--outfile", "b.bundle", "--secrets-file", "secrets.env"], files: ["b.bundle"] },
      { args: ["deploy", "--dry-run", "--secrets-file", "bad.json"] },
      { args: ["deploy", "--dry-run", "--secrets-file", "nope.json"] },
    ],
  },
  {
    // With upload_source_maps the map goes up too: one line, the sources relative to the project, their text.
    name: "deploy: --dry-run --outfile with upload_source_maps: the source map is a part of its own",
    files: {
      "wrangler.toml": 'name = "app"\nmain = "src/index.ts"\ncompatibility_date = "2025-01-01"\nupload_source_maps = true\n',
      "src/index.ts": MAPPED_INDEX,
      "src/util.ts": MAPPED_UTIL,
    },
    normalize: formBoundary,
    steps: [{ args: ["deploy", "--dry-run", "--outfile", "worker.bundle"], files: ["worker.bundle"] }],
  },
  {
    // Assets only: the upload is wrangler's no-op worker (whose first comment names where the
    // template sits, in wrangler's package or bunflare's: that line is normalised). An assets
    // binding without a worker is refused as wrangler refuses it (bunflare uploaded the no-op worker).
    name: "deploy: --dry-run --outfile of an assets-only project uploads the no-op worker; an assets binding there is an error",
    files: {
      "wrangler.toml": 'name = "app"\ncompatibility_date = "2025-01-01"\n[assets]\ndirectory = "public"\n',
      "bound.toml": 'name = "app"\ncompatibility_date = "2025-01-01"\n[assets]\ndirectory = "public"\nbinding = "ASSETS"\n',
      "public/a.txt": "a\n",
    },
    // (The size line too: the comment's length differs.)
    normalize: (text) => sizes(formBoundary(text).replace(/^\/\/ .*\/no-op-worker\.js$/m, "// <no-op-worker.js>")),
    steps: [
      { args: ["deploy", "--dry-run", "--outfile", "worker.bundle"], files: ["worker.bundle"] },
      { args: ["deploy", "--dry-run", "--outfile", "bound.bundle", "-c", "bound.toml"], files: ["bound.bundle"] },
    ],
  },
  {
    name: "deploy: a Durable Object class that is not exported is an error",
    files: { "wrangler.json": CONFIG, "src/index.ts": WORKER.replace("export class Counter", "class Counter") },
    steps: [{ args: ["deploy", "--dry-run"] }],
  },
  {
    name: "deploy: a workflow class that is not exported is an error",
    files: {
      "wrangler.json": JSON.stringify({
        name: "app",
        main: "src/index.ts",
        compatibility_date: "2025-01-01",
        workflows: [{ binding: "W", name: "wf", class_name: "MyFlow" }],
      }),
      "src/index.ts": "export default { fetch() { return new Response('x'); } };\n",
    },
    steps: [{ args: ["deploy", "--dry-run"] }],
  },
  {
    name: "deploy: the redirected config of a built project is followed, its generated fields accepted",
    files: {
      "wrangler.jsonc": JSON.stringify({ name: "app", main: "src/index.js", compatibility_date: "2025-01-01" }),
      "src/index.js": "export default { fetch() { return new Response('source'); } };\n",
      "dist/app/wrangler.json": BUILT,
      "dist/app/index.js": "export default { fetch() { return new Response('built'); } };\n",
      ".wrangler/deploy/config.json": JSON.stringify({ configPath: "../../dist/app/wrangler.json" }),
    },
    steps: [{ args: ["deploy", "--dry-run"] }],
  },
  {
    name: "deploy: a redirect to a missing config is an error",
    files: {
      "wrangler.jsonc": JSON.stringify({ name: "app", main: "src/index.js" }),
      "src/index.js": "",
      ".wrangler/deploy/config.json": JSON.stringify({ configPath: "../../dist/nope.json" }),
    },
    steps: [{ args: ["deploy", "--dry-run"] }],
  },
  {
    // wrangler counts readdir's recursive entries (the sub-directory and the rule files too),
    // checks the directory after the entry point, and refuses a Pages _worker.js unless an
    // .assetsignore exists; versions upload reads nothing and says nothing of no bindings.
    name: "deploy: --dry-run reads the assets directory as wrangler does",
    files: {
      "index.js": 'export default { fetch() { return new Response("x"); } };\n',
      "wrangler.toml": assetsToml("public"),
      "public/a.txt": "a\n",
      "public/sub/b.txt": "b\n",
      "public/_headers": "/a.txt\n  X-A: 1\n",
      "missing.toml": assetsToml("missing"),
      "file.txt": "not a directory\n",
      "notdir.toml": assetsToml("file.txt"),
      "pages/_worker.js": "export default {};\n",
      "pages-dir/_worker.js/index.js": "export default {};\n",
      "allowed/_worker.js": "export default {};\n",
      "allowed/.assetsignore": "",
      "one/only.txt": "1\n",
      "bound.toml": assetsToml("public", 'binding = "ASSETS"\n'),
      "only.toml": 'name = "app"\ncompatibility_date = "2025-01-01"\n[assets]\ndirectory = "public"\n',
    },
    normalize: sizes,
    steps: [
      { args: ["deploy", "--dry-run"] },
      { args: ["versions", "upload", "--dry-run"] },
      { args: ["deploy", "--dry-run", "-c", "bound.toml"] },
      { args: ["deploy", "--dry-run", "-c", "missing.toml"] },
      { args: ["deploy", "--dry-run", "-c", "notdir.toml"] },
      { args: ["versions", "upload", "--dry-run", "-c", "missing.toml"] },
      { args: ["deploy", "--dry-run", "--assets", "pages"] },
      { args: ["deploy", "--dry-run", "--assets", "pages-dir"] },
      { args: ["deploy", "--dry-run", "--assets", "allowed"] },
      { args: ["deploy", "--dry-run", "--assets", "one"] },
      { args: ["deploy", "--dry-run", "--assets", "nowhere"] },
      // dev refuses a path that is not a directory in the same words.
      { args: ["dev", "-c", "notdir.toml"] },
      // Assets only: wrangler's no-op worker is the upload.
      { args: ["deploy", "--dry-run", "-c", "only.toml", "--outdir", "only-out"] },
      { shell: `test "$(ls only-out | tr '\\n' ' ')" = "README.md no-op-worker.js no-op-worker.js.map "`, args: [] },
      { args: ["versions", "upload", "--dry-run", "-c", "only.toml"] },
      // A file over 25 MiB is refused, one of exactly 25 MiB or one .assetsignore hides is not.
      { shell: "mkdir -p big && truncate -s 26214400 big/limit.bin && truncate -s 30000000 big/hidden.bin && printf 'hidden.bin\\n' > big/.assetsignore", args: [] },
      { args: ["deploy", "--dry-run", "--assets", "big"] },
      { shell: "truncate -s 26214401 big/over.bin", args: [] },
      { args: ["deploy", "--dry-run", "--assets", "big"] },
    ],
  },
  {
    name: "deploy: --dry-run of the React Router fixture (redirected config, additional modules, assets)",
    fixture: "react-router",
    normalize: sizes,
    steps: [{ args: ["deploy", "--dry-run"] }],
  },
  {
    name: "deploy: help of the added commands",
    fast: true,
    steps: [
      { args: ["deploy", "--help"] },
      { args: ["versions", "--help"] },
      { args: ["versions", "upload", "--help"] },
      { args: ["secret", "--help"] },
      { args: ["docs", "--help"] },
      { args: ["build", "--help"] },
      { args: ["check", "--help"] },
      { args: ["check", "startup", "--help"] },
      { args: ["init", "--help"] },
    ],
  },
];
