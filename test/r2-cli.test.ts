import { afterEach, expect, setDefaultTimeout, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore } from "../runtime/store/index.ts";
import { createR2Bucket, R2ObjectBody } from "../runtime/bindings/r2/index.ts";

const ROOT = path.resolve(import.meta.dir, "..");
const BIN = path.join(ROOT, "bin", "bunflare");
// Each test runs several CLI processes; a busy shared machine can make that slow.
setDefaultTimeout(60_000);
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "r2-cli-"));
  dirs.push(dir);
  cpSync(path.join(ROOT, "fixtures", "r2-basic"), dir, { recursive: true });
  return dir;
}

function run(dir: string, args: string[], input?: string | Uint8Array) {
  const result = spawnSync(BIN, args, { cwd: dir, input: input ?? "", env: { ...process.env, NO_COLOR: "1" }, timeout: 60_000 });
  return { code: result.status, stdout: result.stdout.toString(), stderr: result.stderr.toString(), raw: result.stdout };
}

test("r2 object put / get / delete round-trip through the local store", () => {
  const dir = project();
  const put = run(dir, ["r2", "object", "put", "bkt/greeting.txt", "--file", "hello.txt", "--ct", "text/plain"]);
  expect(put.code).toBe(0);
  expect(put.stdout).toContain('Resource location: local \n\nUse --remote if you want to access the remote instance.\n\n');
  expect(put.stdout).toContain('Creating object "greeting.txt" in bucket "bkt".\nUpload complete.\n');
  const get = run(dir, ["r2", "object", "get", "bkt/greeting.txt", "--pipe"]);
  expect([get.code, get.stdout, get.stderr]).toEqual([0, "hello from a file\n", ""]);
  const del = run(dir, ["r2", "object", "delete", "bkt/greeting.txt"]);
  expect(del.stdout).toContain('Deleting object "greeting.txt" from bucket "bkt".\nDelete complete.\n');
  const gone = run(dir, ["r2", "object", "get", "bkt/greeting.txt", "--pipe"]);
  expect(gone.code).toBe(1);
  expect(gone.stderr).toContain("The specified key does not exist.");
});

test("a CLI put is what the worker's binding reads, with the flags as httpMetadata", async () => {
  const dir = project();
  run(dir, [
    "r2", "object", "put", "bkt/meta", "--file", "hello.txt",
    "--content-type", "text/plain", "--content-disposition", "inline", "--content-encoding", "identity",
    "--content-language", "en", "--cache-control", "max-age=60", "--expires", "1700000000000",
  ]);
  const store = openStore(path.join(dir, ".bunflare"));
  try {
    const object = (await createR2Bucket(store, "bkt").get("meta")) as R2ObjectBody;
    expect(await object.text()).toBe("hello from a file\n");
    expect(object.httpMetadata).toEqual({
      contentType: "text/plain",
      contentDisposition: "inline",
      contentEncoding: "identity",
      contentLanguage: "en",
      cacheControl: "max-age=60",
      cacheExpiry: new Date(1_700_000_000_000),
    });
    // ...and the other way round: a binding write is visible to the next CLI command.
    await createR2Bucket(store, "bkt").put("from-worker", "written by env.BUCKET");
  } finally {
    store.close();
  }
  expect(run(dir, ["r2", "object", "get", "bkt/from-worker", "--pipe"]).stdout).toBe("written by env.BUCKET");
});

test("binary data piped in comes back byte for byte on stdout", () => {
  const dir = project();
  const bytes = new Uint8Array(300_000).map((_, i) => (i * 31) & 0xff);
  expect(run(dir, ["r2", "object", "put", "bkt/bin", "--pipe"], bytes).code).toBe(0);
  const got = run(dir, ["r2", "object", "get", "bkt/bin", "--pipe"]);
  expect(new Uint8Array(got.raw)).toEqual(bytes);
});

test("keys with .. and unicode round-trip, and get without --file writes to the key's path", () => {
  const dir = project();
  run(dir, ["r2", "object", "put", "bkt/../../escape", "--file", "hello.txt"]);
  expect(run(dir, ["r2", "object", "get", "bkt/../../escape", "--pipe"]).stdout).toBe("hello from a file\n");
  run(dir, ["r2", "object", "put", "bkt/ünï/😀", "--pipe"], "emoji");
  expect(run(dir, ["r2", "object", "get", "bkt/ünï/😀", "--pipe"]).stdout).toBe("emoji");
  run(dir, ["r2", "object", "put", "bkt/a/b.txt", "--file", "hello.txt"]);
  const get = run(dir, ["r2", "object", "get", "bkt/a/b.txt"]);
  expect(get.stdout).toContain('Downloading "a/b.txt" from "bkt".\nDownload complete.\n');
  expect(readFileSync(path.join(dir, "a", "b.txt"), "utf8")).toBe("hello from a file\n");
});

test("a missing key leaves no empty output file behind", () => {
  const dir = project();
  expect(run(dir, ["r2", "object", "get", "bkt/nothing", "--file", "out.txt"]).code).toBe(1);
  expect(existsSync(path.join(dir, "out.txt"))).toBe(false);
});

test("--persist-to keeps objects in that directory", () => {
  const dir = project();
  run(dir, ["r2", "object", "put", "bkt/p", "--file", "hello.txt", "--persist-to", "elsewhere"]);
  expect(existsSync(path.join(dir, "elsewhere", "data.sqlite"))).toBe(true);
  expect(run(dir, ["r2", "object", "get", "bkt/p", "--pipe", "--persist-to", "elsewhere"]).stdout).toBe("hello from a file\n");
  expect(run(dir, ["r2", "object", "get", "bkt/p", "--pipe"]).code).toBe(1);
});

test("bad input is one clear error with exit code 1 and stored data intact", () => {
  const dir = project();
  run(dir, ["r2", "object", "put", "bkt/keep", "--file", "hello.txt"]);
  const cases: [string[], string][] = [
    [["r2", "object", "put", "nokey", "--file", "hello.txt"], "The object path must be in the form of {bucket}/{key} you provided nokey"],
    [["r2", "object", "put", "Bad_Bucket/k", "--file", "hello.txt"], 'The bucket name "Bad_Bucket" is invalid.'],
    [["r2", "object", "put", "bkt/keep", "--file", "nope.txt"], 'The file "nope.txt" does not exist.'],
    [["r2", "object", "put", "bkt/keep"], "Either the --file or --pipe options are required."],
    [["r2", "object", "put", "bkt/keep", "--file", "src"], 'An error occurred while trying to read the file "src": EISDIR: illegal operation on a directory, read'],
    [["r2", "object", "get", "bkt/keep", "--file", "src"], "EISDIR: illegal operation on a directory, open 'src'"],
    [["r2", "object", "put", "bkt/keep", "--file", "hello.txt", "--expires", "soon"], "Incorrect type for the 'cacheExpiry' field on 'HttpMetadata': the provided value is not of type 'date'."],
    // --remote goes to real wrangler (src/forward.ts); the test machine has none.
    [["r2", "object", "get", "bkt/keep", "--remote"], "needs Cloudflare's network, which bunflare hands to a real wrangler, and none is installed"],
  ];
  for (const [args, message] of cases) {
    const result = run(dir, args);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain("    at ");
  }
  expect(run(dir, ["r2", "object", "get", "bkt/keep", "--pipe"]).stdout).toBe("hello from a file\n");
});

test("r2 bucket create / list / info / delete on the local registry", () => {
  const dir = project();
  const create = run(dir, ["r2", "bucket", "create", "my-bucket", "--location", "weur"]);
  expect(create.code).toBe(0);
  expect(create.stdout).toContain("Creating bucket 'my-bucket'...\n✅ Created bucket 'my-bucket' with location hint weur and default storage class of Standard.\n");
  expect(create.stdout).toContain(
    'To access your new R2 Bucket in your Worker, add the following snippet to your configuration file:\n[[r2_buckets]]\nbucket_name = "my-bucket"\nbinding = "my_bucket"\n',
  );
  const again = run(dir, ["r2", "bucket", "create", "my-bucket"]);
  expect([again.code, again.stderr.includes("already exists")]).toEqual([1, true]);
  expect(run(dir, ["r2", "bucket", "create", "Bad_Name"]).stderr).toContain('The bucket name "Bad_Name" is invalid.');

  run(dir, ["r2", "object", "put", "bkt/x", "--file", "hello.txt"]);
  const list = run(dir, ["r2", "bucket", "list"]);
  expect(list.stdout).toMatch(/Listing buckets\.\.\.\nname:           bkt\ncreation_date:  \S+Z\n\nname:           my-bucket\ncreation_date:  \S+Z\n/);

  const info = run(dir, ["r2", "bucket", "info", "bkt", "--json"]);
  expect(JSON.parse(info.stdout)).toMatchObject({
    name: "bkt",
    location: "(unknown)",
    default_storage_class: "Standard",
    object_count: "1",
    bucket_size: "18 B",
  });
  expect(run(dir, ["r2", "bucket", "info", "my-bucket"]).stdout).toContain("Getting info for 'my-bucket'...\nname:                   my-bucket\n");

  const notEmpty = run(dir, ["r2", "bucket", "delete", "bkt"]);
  expect([notEmpty.code, notEmpty.stderr.includes("The bucket you tried to delete is not empty.")]).toEqual([1, true]);
  const del = run(dir, ["r2", "bucket", "delete", "my-bucket"]);
  expect(del.stdout).toContain("Deleting bucket my-bucket.\nDeleted bucket my-bucket.\n");
  expect(run(dir, ["r2", "bucket", "info", "my-bucket"]).stderr).toContain("The specified bucket does not exist.");
});

test("a JSON config gets a JSON snippet from r2 bucket create", () => {
  const dir = project();
  rmSync(path.join(dir, "wrangler.toml"));
  writeFileSync(path.join(dir, "wrangler.json"), JSON.stringify({ name: "x", main: "src/index.js", compatibility_date: "2025-01-01" }));
  const create = run(dir, ["r2", "bucket", "create", "j-bucket", "--binding", "FILES"]);
  expect(create.stdout).toContain('{\n  "r2_buckets": [\n    {\n      "bucket_name": "j-bucket",\n      "binding": "FILES"\n    }\n  ]\n}');
});

test("r2 bucket create --binding adds the bucket to a JSON config, keeping existing entries", () => {
  const dir = project();
  rmSync(path.join(dir, "wrangler.toml"));
  const config = path.join(dir, "wrangler.jsonc");
  writeFileSync(config, '{\n  // my worker\n  "name": "x",\n  "r2_buckets": [{ "binding": "OLD", "bucket_name": "old" }]\n}\n');
  expect(run(dir, ["r2", "bucket", "create", "new-bucket", "--binding", "NEW"]).code).toBe(0);
  const text = readFileSync(config, "utf8");
  expect(text).toContain("// my worker");
  const parsed = JSON.parse(text.replace(/\/\/.*$/gm, ""));
  expect(parsed.r2_buckets).toEqual([
    { binding: "OLD", bucket_name: "old" },
    { bucket_name: "new-bucket", binding: "NEW" },
  ]);
});

test("the r2-basic worker serves an object put from the CLI, and the CLI reads what the worker put", async () => {
  const dir = project();
  run(dir, ["r2", "object", "put", "bkt/page.html", "--file", "hello.txt", "--ct", "text/html", "--cc", "max-age=60"]);
  const store = openStore(path.join(dir, ".bunflare"));
  try {
    const worker = (await import(path.join(dir, "src", "index.js"))).default as {
      fetch(request: Request, env: Record<string, unknown>): Promise<Response>;
    };
    const env = { BUCKET: createR2Bucket(store, "bkt") };
    const served = await worker.fetch(new Request("http://localhost/page.html"), env);
    expect(await served.text()).toBe("hello from a file\n");
    expect(served.headers.get("content-type")).toBe("text/html");
    expect(served.headers.get("cache-control")).toBe("max-age=60");
    expect(served.headers.get("etag")).toMatch(/^"[0-9a-f]{32}"$/);
    const put = await worker.fetch(new Request("http://localhost/upload.txt", { method: "PUT", body: "sent to the worker" }), env);
    expect(await put.json()).toMatchObject({ key: "upload.txt", size: 18 });
  } finally {
    store.close();
  }
  expect(run(dir, ["r2", "object", "get", "bkt/upload.txt", "--pipe"]).stdout).toBe("sent to the worker");
});
