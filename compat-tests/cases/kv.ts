import { wranglerBugFooter, type CompatCase, type CliStep } from "../harness.ts";

// A KV validation failure from miniflare is an internal error to wrangler.
const bugFooter = wranglerBugFooter("wrangler offers a bug report for the runtime's rejection (an internal error to it); bunflare reports it as the user's error");

// Wrangler appends a pointer to its own issue tracker to file errors and beta
// notices; bunflare points at its own.
function dropIssueLinks(text: string): string {
  return text
    .replace(/^\s*If you think this is a bug, please open an issue at: .*\n?/gm, "")
    .replace(/Please report any issues to \S+/g, "Please report any issues to <URL>");
}


const put = (key: string, value: string, ...flags: string[]): CliStep => ({ args: ["kv", "key", "put", key, value, ...flags] });
const kv = (...args: string[]): CliStep => ({ args: ["kv", ...args] });

const noKvConfig = 'name = "x"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n';
const worker = 'export default { fetch() { return new Response("hi"); } };\n';

export const cases: CompatCase[] = [
  // ------------------------------------------------------------------ help
  {
    name: "kv help lists namespace, key and bulk",
    steps: [kv("--help"), kv("key", "--help"), kv("bulk", "--help")],
  },
  {
    name: "kv namespace help",
    steps: [kv("namespace", "--help"), kv("namespace", "create", "--help"), kv("namespace", "list", "--help"), kv("namespace", "delete", "--help")],
  },
  {
    name: "kv key subcommand help",
    steps: [kv("key", "put", "--help"), kv("key", "get", "--help"), kv("key", "list", "--help"), kv("key", "delete", "--help")],
  },
  {
    name: "kv bulk subcommand help",
    steps: [kv("bulk", "put", "--help"), kv("bulk", "get", "--help"), kv("bulk", "delete", "--help")],
  },

  // ------------------------------------------------------------------ kv key
  {
    // Bunflare is clearer on purpose: wrangler stores k1 without its metadata and
    // exits 0, and reports the non-numbers as "of 0" from its API (an internal
    // error to it, with a bug-report footer); bunflare refuses each, naming the
    // flag, and writes nothing.
    name: "kv key put: bad --metadata JSON and non-numeric --ttl / --expiration are refused, nothing written",
    fixture: "kv-basic",
    steps: [
      {
        ...put("k1", "v", "--binding", "KV", "--metadata", "{bad"),
        expected: [
          {
            reason: "bad --metadata JSON: wrangler drops the metadata and writes (exit 0); bunflare refuses, exit 1",
            streams: ["exitCode", "stdout", "stderr"],
            wrangler: (text) => (text === "0" ? "1" : text.replace(/^Writing the value "v" to key "k1".*\n?/m, "").replace(/\s+$/, "")),
            bunflare: (text) => text.replace(/^.*The --metadata value is not valid JSON \(.*\): \{bad.*\nNothing was written\.\n?/m, "").replace(/\s+$/, ""),
          },
        ],
      },
      ...(["ttl", "expiration"] as const).map((flag) => ({
        ...put("k2", "v", "--binding", "KV", `--${flag}`, "abc"),
        expected: [
          {
            reason: `non-numeric --${flag}: wrangler reports "of 0" from its API after printing "Writing"; bunflare names the flag first`,
            wrangler: (text: string) =>
              bugFooter.wrangler!(text)
                .replace(/^Writing the value "v" to key "k2".*\n?/m, "")
                .replace(/^.*KV PUT failed: 400 Invalid expiration(_ttl)? of 0\..*\n?/m, ""),
            bunflare: (text: string) => text.replace(/^.*The --\w+ value is not a number: .*\nNothing was written\.\n?/m, ""),
          },
        ],
      })),
      {
        ...kv("key", "list", "--binding", "KV"),
        expected: [
          {
            reason: "wrangler stored k1 (without its metadata); bunflare wrote nothing",
            streams: ["stdout"],
            wrangler: (text) => text.replace(/\[\s*\{\s*"name": "k1"\s*\}\s*\]/, "[]"),
          },
        ],
      },
    ],
  },
  {
    // KV metadata is any JSON value to the runtime. Wrangler parses --metadata before its
    // "single value" check, which then takes a JSON array for a repeated flag and refuses it.
    name: "kv key put: --metadata that is a JSON array is stored, where wrangler mistakes it for a repeated flag",
    fixture: "kv-basic",
    steps: [
      {
        ...put("k", "v", "--binding", "KV", "--metadata", "[1]"),
        expected: [
          {
            reason: "wrangler refuses a JSON array as 'expects a single value, but received multiple' (with the help, exit 1); bunflare stores it as the runtime does",
            streams: ["exitCode", "stdout", "stderr"],
            wrangler: (text) => (text === "1" ? "0" : text.includes("expects a single value") || text.includes("kv key put <key>") ? "<array metadata>" : text),
            bunflare: (text) => (text.includes('with metadata "[1]"') ? "<array metadata>" : text === "" ? "<array metadata>" : text),
          },
        ],
      },
      {
        ...kv("key", "list", "--binding", "KV"),
        expected: [
          {
            reason: "bunflare stored k with its array metadata; wrangler stored nothing",
            streams: ["stdout"],
            bunflare: (text) => text.replace(/\[\s*\{\s*"name": "k",\s*"metadata": \[\s*1\s*\]\s*\}\s*\]/, "[]"),
          },
        ],
      },
    ],
  },
  {
    name: "kv key put, get, list and delete by binding",
    fixture: "kv-basic",
    fast: true,
    steps: [
      put("greeting", "hello", "--binding", "KV"),
      put("meta", "with metadata", "--binding", "KV", "--metadata", '{"owner":"me","n":1}', "--ttl", "3600"),
      kv("key", "get", "greeting", "--binding", "KV"),
      kv("key", "list", "--binding", "KV"),
      kv("key", "delete", "greeting", "--binding", "KV"),
      kv("key", "list", "--binding", "KV"),
    ],
  },
  {
    name: "kv key get --text, list --prefix and --local",
    fixture: "kv-basic",
    steps: [
      put("a/b", "slash", "--binding", "KV", "--local"),
      put("ab", "no slash", "--binding", "KV"),
      kv("key", "get", "a/b", "--binding", "KV", "--text"),
      kv("key", "list", "--binding", "KV", "--prefix", "a/"),
      kv("key", "list", "--binding", "KV", "--prefix", "zz"),
    ],
  },
  {
    // Wrangler's local listing is one call to the binding's list(), so one page of 1000
    // keys; its --remote listing follows the cursor to the end. Bunflare lists every key.
    name: "kv key list --prefix past the first 1000 keys",
    fixture: "kv-basic",
    files: {
      "many.json": JSON.stringify(Array.from({ length: 2500 }, (_, i) => ({ key: `${i % 2 ? "p" : "q"}/${String(i).padStart(5, "0")}`, value: "v" }))),
    },
    steps: [
      { ...kv("bulk", "put", "many.json", "--binding", "KV"), setup: true },
      {
        ...kv("key", "list", "--binding", "KV", "--prefix", "p/"),
        expected: [
          {
            reason: "wrangler 4.86 lists only the first 1000 keys locally (one list() page, no cursor), silently dropping the rest; bunflare lists all 1250, as a remote listing does",
            streams: ["stdout"],
            bunflare: (text) => (text.startsWith("[") ? `${JSON.stringify(JSON.parse(text).slice(0, 1000), null, 2)}\n` : text),
          },
        ],
      },
    ],
  },
  {
    name: "kv key put overwrites, and missing keys read as not found",
    fixture: "kv-basic",
    steps: [
      put("k", "one", "--binding", "KV"),
      put("k", "two", "--binding", "KV"),
      kv("key", "get", "k", "--binding", "KV"),
      kv("key", "get", "nope", "--binding", "KV"),
      kv("key", "delete", "nope", "--binding", "KV"),
    ],
  },
  {
    name: "kv key put --path stores the file's bytes",
    fixture: "kv-basic",
    files: { "value.txt": "line one\nline two\n", "data.bin": "\u0000\u0001binary\u00ff" },
    steps: [
      kv("key", "put", "text", "--path", "value.txt", "--binding", "KV"),
      kv("key", "put", "bin", "--path", "data.bin", "--binding", "KV", "--metadata", '{"kind":"bin"}'),
      kv("key", "get", "text", "--binding", "KV"),
      kv("key", "get", "bin", "--binding", "KV"),
      kv("key", "put", "missing", "--path", "nope.txt", "--binding", "KV"),
    ],
    normalize: dropIssueLinks,
  },
  {
    name: "kv key commands by --namespace-id",
    fixture: "kv-basic",
    steps: [
      put("x", "by id", "--namespace-id", "some-namespace"),
      kv("key", "get", "x", "--namespace-id", "some-namespace"),
      kv("key", "list", "--namespace-id", "some-namespace"),
      // The binding KV points at another namespace, which does not see the key.
      kv("key", "get", "x", "--binding", "KV"),
      kv("key", "delete", "x", "--namespace-id", "some-namespace"),
      kv("key", "list", "--namespace-id", "some-namespace"),
    ],
  },
  {
    name: "kv key commands without a config file",
    steps: [
      put("x", "v", "--namespace-id", "ns1"),
      kv("key", "get", "x", "--namespace-id", "ns1"),
      kv("key", "get", "x", "--binding", "KV"),
    ],
  },
  {
    name: "kv key --preview picks the preview namespace",
    fixture: "kv-basic",
    steps: [
      put("p", "preview value", "--binding", "BOTH", "--preview"),
      put("p", "production value", "--binding", "BOTH", "--preview", "false"),
      kv("key", "get", "p", "--binding", "BOTH", "--preview"),
      kv("key", "get", "p", "--binding", "BOTH"),
      kv("key", "list", "--namespace-id", "both-preview-id"),
      // A binding with both ids needs --preview to write...
      put("p", "ambiguous", "--binding", "BOTH"),
      kv("key", "delete", "p", "--binding", "BOTH"),
      // ...and a binding without preview_id cannot take --preview.
      put("p", "v", "--binding", "KV", "--preview"),
    ],
  },
  {
    name: "kv key commands in an environment",
    files: {
      "index.js": worker,
      "wrangler.toml":
        noKvConfig +
        '[[kv_namespaces]]\nbinding = "KV"\nid = "top-id"\n\n[env.staging]\nname = "x-staging"\n\n[[env.staging.kv_namespaces]]\nbinding = "KV"\nid = "kv-staging-id"\n',
    },
    steps: [
      put("e", "staging", "--binding", "KV", "--env", "staging"),
      kv("key", "get", "e", "--binding", "KV", "--env", "staging"),
      kv("key", "get", "e", "--binding", "KV"),
      kv("key", "list", "--namespace-id", "kv-staging-id"),
    ],
  },
  {
    name: "kv key --persist-to keeps data in the given directory",
    fixture: "kv-basic",
    steps: [
      put("k", "persisted", "--binding", "KV", "--persist-to", "elsewhere"),
      kv("key", "get", "k", "--binding", "KV", "--persist-to", "elsewhere"),
      kv("key", "get", "k", "--binding", "KV"),
    ],
  },
  {
    name: "kv key argument errors",
    fixture: "kv-basic",
    steps: [
      kv("key", "put", "k", "--binding", "KV"),
      kv("key", "put", "k", "v"),
      kv("key", "put", "k", "v", "--binding", "KV", "--namespace-id", "x"),
      kv("key", "get", "k"),
      kv("key", "list"),
      kv("key", "get", "k", "--binding", "NOPE"),
      kv("key", "put", "k", "v", "--binding", "KV", "--local", "--remote"),
      kv("key", "put"),
      kv("key", "get", "k", "--binding"),
      kv("bulk", "get"),
      kv("key", "frobnicate"),
    ],
  },
  {
    name: "kv key commands with no kv_namespaces configured",
    files: { "wrangler.toml": noKvConfig, "index.js": worker },
    steps: [
      kv("key", "get", "k", "--binding", "KV"),
      kv("key", "put", "k", "v", "--binding", "KV"),
    ],
  },
  {
    name: "kv key commands print config warnings as wrangler does",
    files: { "wrangler.toml": noKvConfig + 'colour = "red"\n[[kv_namespaces]]\nbinding = "KV"\nid = "w"\n', "index.js": worker },
    // stdout only differs by wrangler's "There is a newer version" hint, which needs the network.
    steps: [put("k", "v", "--binding", "KV"), kv("key", "list", "--binding", "KV"), kv("key", "get", "k", "--binding", "KV")],
  },
  {
    name: "kv key put rejects what the runtime rejects, storing nothing",
    fixture: "kv-basic",
    expected: [bugFooter],
    steps: [
      put("", "v", "--binding", "KV"),
      put(".", "v", "--binding", "KV"),
      put("..", "v", "--binding", "KV"),
      put("k".repeat(513), "v", "--binding", "KV"),
      put("k", "v", "--binding", "KV", "--ttl", "10"),
      put("k", "v", "--binding", "KV", "--expiration", "10"),
      put("k", "v", "--binding", "KV", "--metadata", JSON.stringify({ big: "x".repeat(1100) })),
      kv("key", "list", "--binding", "KV"),
    ],
  },
  // Bad --metadata JSON is covered (as an expected difference) by the bad-flags case above.

  // ------------------------------------------------------------------ kv bulk
  {
    name: "kv bulk put, get and delete",
    fixture: "kv-basic",
    fast: true,
    normalize: dropIssueLinks,
    files: {
      "put.json": JSON.stringify([
        { key: "plain", value: "one" },
        { key: "b64", value: Buffer.from("decoded from base64").toString("base64"), base64: true },
        { key: "meta", value: "m", metadata: { tag: 7 } },
        { key: "ttl", value: "t", expiration_ttl: 3600 },
        // Under 2^31: wrangler 4.86 cannot store a later expiration locally.
        { key: "exp", value: "e", expiration: 2147483000 },
      ]),
      "get.json": JSON.stringify(["plain", { name: "b64" }, "meta", "absent"]),
      "delete.json": JSON.stringify(["plain", { name: "meta" }, "absent"]),
    },
    steps: [
      kv("bulk", "put", "put.json", "--binding", "KV"),
      kv("key", "list", "--binding", "KV"),
      kv("bulk", "get", "get.json", "--binding", "KV"),
      kv("bulk", "delete", "delete.json", "--binding", "KV", "--force"),
      kv("key", "list", "--binding", "KV"),
    ],
  },
  {
    name: "kv bulk delete asks for confirmation",
    fixture: "kv-basic",
    files: { "keys.json": '["a"]' },
    steps: [put("a", "1", "--binding", "KV"), kv("bulk", "delete", "keys.json", "--binding", "KV"), kv("key", "list", "--binding", "KV")],
  },
  {
    name: "kv bulk put reports malformed files",
    fixture: "kv-basic",
    files: {
      "object.json": '{"key": "a", "value": "b"}',
      "items.json": JSON.stringify([{ key: "a", value: 1 }, "str", { key: "ok", value: "v" }, { value: "no key" }]),
      "extra.json": JSON.stringify([{ key: "a", value: "b", colour: "red" }]),
      "broken.json": '[{"key": "a",]',
    },
    steps: [
      kv("bulk", "put", "object.json", "--binding", "KV"),
      kv("bulk", "put", "items.json", "--binding", "KV"),
      kv("bulk", "put", "extra.json", "--binding", "KV"),
      kv("bulk", "put", "broken.json", "--binding", "KV"),
      kv("bulk", "put", "absent.json", "--binding", "KV"),
      kv("key", "list", "--binding", "KV"),
    ],
    normalize: dropIssueLinks,
  },
  {
    // Wrangler writes the items before the rejected one; bunflare writes all
    // or nothing, so only the error is compared, not the listing after it.
    name: "kv bulk put rejects what the runtime rejects",
    fixture: "kv-basic",
    expected: [bugFooter],
    files: {
      "ttl.json": JSON.stringify([{ key: "a", value: "1", expiration_ttl: 10 }]),
      "key.json": JSON.stringify([{ key: "..", value: "1" }]),
      "meta.json": JSON.stringify([{ key: "m", value: "1", metadata: { big: "x".repeat(1100) } }]),
    },
    steps: [
      kv("bulk", "put", "ttl.json", "--binding", "KV"),
      kv("bulk", "put", "key.json", "--binding", "KV"),
      kv("bulk", "put", "meta.json", "--binding", "KV"),
    ],
  },
  {
    name: "kv bulk get and delete report malformed files",
    fixture: "kv-basic",
    normalize: dropIssueLinks,
    files: { "object.json": '{"a": 1}', "items.json": '["a", 5, {"nope": 1}]' },
    steps: [
      kv("bulk", "get", "object.json", "--binding", "KV"),
      kv("bulk", "get", "items.json", "--binding", "KV"),
      kv("bulk", "delete", "items.json", "--binding", "KV", "--force"),
    ],
  },

  // ------------------------------------------------------------------ kv namespace
  // Creating, listing and deleting namespaces needs a Cloudflare account under
  // wrangler; bunflare does it on the local registry (unit-tested in
  // test/kv-cli.test.ts). Only the argument checks, which run before any
  // account lookup, can be compared.
  {
    name: "kv namespace delete needs exactly one way to name the namespace",
    fixture: "kv-basic",
    steps: [kv("namespace", "delete"), kv("namespace", "delete", "name", "--binding", "KV")],
  },
  {
    name: "kv namespace rename argument checks",
    steps: [
      kv("namespace", "rename", "--help"),
      kv("namespace", "rename"),
      kv("namespace", "rename", "--new-name", "b"),
      kv("namespace", "rename", "a", "--namespace-id", "x", "--new-name", "b"),
    ],
  },
];
