import type { CompatCase } from "../harness.ts";

const fixture = "r2-basic";
const local = ["--local"];

// Wrangler's usage errors print the command's help after the error; bunflare's
// check-stage usage errors do not re-print it yet, so those cases compare the
// exit code and the error itself.
const errorOnly: ("exitCode" | "stderr")[] = ["exitCode", "stderr"];
/** An error line as both tools colour it (the harness shows colour codes as ‹..›). */
const errorLine = (message: string) => `‹31›✘ ‹41;31›[‹41;97›ERROR‹41;31›]‹0› ‹1›${message}‹0›`;
const helpAfterUsageError = "wrangler prints the command's help on stdout after this usage error; bunflare does not yet (known gap)";

export const cases: CompatCase[] = [
  {
    name: "r2 object put help",
    fast: true,
    steps: [{ args: ["r2", "object", "put", "--help"] }],
  },
  {
    name: "r2 help pages",
    steps: [
      { args: ["r2", "--help"] },
      { args: ["r2", "object", "--help"] },
      { args: ["r2", "object", "get", "--help"] },
      { args: ["r2", "object", "delete", "--help"] },
      { args: ["r2", "bucket", "--help"] },
      { args: ["r2", "bucket", "create", "--help"] },
      { args: ["r2", "bucket", "list", "--help"] },
      { args: ["r2", "bucket", "info", "--help"] },
      { args: ["r2", "bucket", "delete", "--help"] },
    ],
  },
  {
    name: "r2 object put --file then get --pipe returns the bytes",
    fast: true,
    fixture,
    steps: [
      { args: ["r2", "object", "put", "bkt/greeting.txt", "--file", "hello.txt", ...local] },
      { args: ["r2", "object", "get", "bkt/greeting.txt", "--pipe", ...local] },
    ],
  },
  {
    name: "r2 object put and get default to local storage",
    fixture,
    steps: [
      { args: ["r2", "object", "put", "bkt/a", "--file", "hello.txt"] },
      { args: ["r2", "object", "get", "bkt/a", "--pipe"] },
    ],
  },
  {
    name: "r2 object put --pipe reads stdin",
    fast: true,
    fixture,
    steps: [
      { args: ["r2", "object", "put", "bkt/piped", "--pipe", ...local], stdin: "piped bytes\n" },
      { args: ["r2", "object", "get", "bkt/piped", "--pipe", ...local] },
    ],
  },
  {
    name: "r2 object get writes --file, or a file named by the key",
    fixture,
    steps: [
      { args: ["r2", "object", "put", "bkt/nested/dir/file.txt", "--file", "hello.txt", ...local] },
      { args: ["r2", "object", "get", "bkt/nested/dir/file.txt", "--file", "out/copy.txt", ...local] },
      { shell: "cmp out/copy.txt hello.txt", args: [] },
      { args: ["r2", "object", "get", "bkt/nested/dir/file.txt", ...local] },
      { shell: "cmp nested/dir/file.txt hello.txt", args: [] },
    ],
  },
  {
    name: "r2 object binary content round-trips byte for byte",
    fixture,
    steps: [
      { shell: "printf '\\000\\001\\002\\377\\376binary\\r\\n' > bin.dat", args: [] },
      { args: ["r2", "object", "put", "bkt/bin", "--file", "bin.dat", ...local] },
      { args: ["r2", "object", "get", "bkt/bin", "--file", "back.dat", ...local] },
      { shell: "cmp bin.dat back.dat", args: [] },
    ],
  },
  {
    // Wrangler's local put sends the key through a URL (http://localhost/<key>), which
    // resolves `..` and percent-encodes non-ASCII, so its own get cannot find these
    // objects again: a wrangler bug. Bunflare stores the key as given, so only the put
    // output is compared here; test/r2-cli.test.ts asserts the round trip.
    name: "r2 object keys with dots, slashes and unicode",
    fixture,
    steps: [
      { args: ["r2", "object", "put", "bkt/../../escape", "--file", "hello.txt", ...local] },
      { args: ["r2", "object", "put", "bkt/ünïcødé/😀", "--pipe", ...local], stdin: "emoji" },
    ],
  },
  {
    name: "r2 object put with every http metadata flag",
    fixture,
    steps: [
      {
        args: [
          "r2", "object", "put", "bkt/meta", "--file", "hello.txt", ...local,
          "--content-type", "text/plain", "--content-disposition", "inline", "--content-encoding", "identity",
          "--content-language", "en", "--cache-control", "max-age=60", "--expires", "1700000000000",
        ],
      },
      { args: ["r2", "object", "put", "bkt/meta2", "--file", "hello.txt", ...local, "--ct", "a/b", "--cc", "no-store", "-s", "InfrequentAccess"] },
      { args: ["r2", "object", "get", "bkt/meta", "--pipe", ...local] },
    ],
  },
  {
    name: "r2 object delete removes the object",
    fixture,
    steps: [
      { args: ["r2", "object", "put", "bkt/doomed", "--file", "hello.txt", ...local] },
      { args: ["r2", "object", "delete", "bkt/doomed", ...local] },
      { args: ["r2", "object", "get", "bkt/doomed", "--pipe", ...local] },
      { args: ["r2", "object", "delete", "bkt/doomed", ...local] },
    ],
  },
  {
    name: "r2 object get of a missing key is an error",
    fast: true,
    fixture,
    steps: [{ args: ["r2", "object", "get", "bkt/missing", ...local] }],
  },
  {
    name: "r2 object --persist-to keeps objects in that directory",
    fixture,
    steps: [
      { args: ["r2", "object", "put", "bkt/p", "--file", "hello.txt", ...local, "--persist-to", "elsewhere"] },
      { args: ["r2", "object", "get", "bkt/p", "--pipe", ...local, "--persist-to", "elsewhere"] },
      { args: ["r2", "object", "get", "bkt/p", "--pipe", ...local] },
    ],
  },
  {
    name: "r2 object --jurisdiction is shown beside the bucket",
    fixture,
    steps: [{ args: ["r2", "object", "put", "bkt/j", "--file", "hello.txt", ...local, "-J", "eu"] }],
  },
  {
    name: "r2 object path without a key is rejected",
    fast: true,
    fixture,
    steps: [
      { args: ["r2", "object", "put", "nokey", "--file", "hello.txt", ...local] },
      { args: ["r2", "object", "get", "Bad_Bucket/k", ...local] },
    ],
  },
  {
    name: "r2 object put of a missing file is rejected",
    fixture,
    steps: [{ args: ["r2", "object", "put", "bkt/x", "--file", "nope.txt", ...local] }],
  },
  {
    // Both refuse and keep the stored object; wrangler's words for it are not an error line.
    name: "r2 object put and get with --file naming a directory",
    fixture,
    steps: [
      { shell: "mkdir adir", args: [], setup: true },
      { args: ["r2", "object", "put", "bkt/d", "--file", "hello.txt", ...local], setup: true },
      {
        args: ["r2", "object", "put", "bkt/d", "--file", "adir", ...local],
        expected: [
          {
            reason: "wrangler 4.86 sends the directory as the body of a request that fails with a network warning and 'fetch failed' (an internal error to it); bunflare names the file and the reason",
            wrangler: (text) =>
              text
                .replace(/^Creating object "d" in bucket "bkt"\.\n/m, "")
                .replace(/^.*If you think this is a bug then please create an issue at .*\n/m, "")
                .replace(/^Note that there is a newer version of Wrangler available.*\n/m, "")
                .replace(/^.*A fetch request failed[\s\S]*fetch failed.*$/m, errorLine('An error occurred while trying to read the file "adir": EISDIR: illegal operation on a directory, read')),
          },
        ],
      },
      {
        args: ["r2", "object", "get", "bkt/d", "--file", "adir", ...local],
        expected: [
          {
            reason: "wrangler prints Node's raw error object (no error line); bunflare prints the same words as one error line",
            wrangler: (text) => (text.startsWith("[Error: ") ? text.replace(/^\[Error: (EISDIR: .*)\] \{[\s\S]*?\n\}/m, (_, message) => `${errorLine(message)}\n\n`) : `${text}\n`),
          },
        ],
      },
      { args: ["r2", "object", "get", "bkt/d", "--pipe", ...local] },
    ],
  },
  {
    name: "r2 object put needs exactly one of --file and --pipe",
    fixture,
    steps: [
      { args: ["r2", "object", "put", "bkt/x", ...local], compare: errorOnly, reason: helpAfterUsageError },
      { args: ["r2", "object", "put", "bkt/x", "--file", "hello.txt", "--pipe", ...local], compare: errorOnly, reason: helpAfterUsageError },
    ],
  },
  {
    name: "r2 object put --expires that is not a number is rejected",
    fixture,
    // Wrangler treats this as an internal error and offers a bug report on stdout.
    steps: [{ args: ["r2", "object", "put", "bkt/x", "--file", "hello.txt", ...local, "--expires", "soon"], compare: errorOnly, reason: "wrangler offers a bug report on stdout for this internal error" }],
  },
  {
    name: "r2 object --local and --remote conflict",
    fixture,
    steps: [{ args: ["r2", "object", "get", "bkt/x", "--local", "--remote"] }],
  },
  {
    // Wrangler needs a Cloudflare account for --remote; bunflare refuses it. Both fail.
    name: "r2 object --remote fails without local fallback",
    fixture,
    steps: [{ args: ["r2", "object", "get", "bkt/x", "--remote"], compare: ["exitCode"], reason: "wrangler needs a Cloudflare account for --remote, bunflare refuses it: the messages differ" }],
  },
];
