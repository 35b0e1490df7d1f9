import { afterEach, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore, type Store } from "../runtime/store/index.ts";
import {
  createBucket,
  createR2Bucket,
  deleteBucket,
  getBucket,
  listBuckets,
  R2Object,
  R2ObjectBody,
  R2_LIMITS,
  r2BucketNameFor,
  type LocalR2Bucket,
} from "../runtime/bindings/r2/index.ts";

const dirs: string[] = [];
const stores: Store[] = [];
function scratch(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "r2-test-"));
  dirs.push(dir);
  return dir;
}
function open(dir = scratch()): Store {
  const store = openStore(dir);
  stores.push(store);
  return store;
}
function bucket(name = "bkt", store = open()): LocalR2Bucket {
  return createR2Bucket(store, name);
}
afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const md5 = (data: string | Uint8Array) => createHash("md5").update(data).digest("hex");
const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");
const MiB = 1024 * 1024;

async function text(object: R2Object | R2ObjectBody | null): Promise<string> {
  expect(object).toBeInstanceOf(R2ObjectBody);
  return (object as R2ObjectBody).text();
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

describe("put, get and head", () => {
  test("an object put is read back with its metadata, etag = MD5 of the body", async () => {
    const b = bucket();
    const put = await b.put("a", "hello", {
      httpMetadata: { contentType: "text/plain", cacheExpiry: new Date(1_700_000_000_000) },
      customMetadata: { x: "1" },
    });
    expect(put).toBeInstanceOf(R2Object);
    expect(put!.etag).toBe(md5("hello"));
    expect(put!.httpEtag).toBe(`"${md5("hello")}"`);
    expect(put!.size).toBe(5);
    expect(put!.range).toBeUndefined();
    expect(put!.checksums.toJSON()).toEqual({ md5: md5("hello") });
    expect(put!.storageClass).toBe("Standard");
    const got = await b.get("a");
    expect(await text(got)).toBe("hello");
    expect(got!.httpMetadata).toEqual({ contentType: "text/plain", cacheExpiry: new Date(1_700_000_000_000) });
    expect(got!.customMetadata).toEqual({ x: "1" });
    expect(got!.range).toEqual({ offset: 0, length: 5 });
    expect(got!.uploaded).toBeInstanceOf(Date);
    expect(got!.version).toBe(put!.version);
    const head = await b.head("a");
    expect(head).not.toBeInstanceOf(R2ObjectBody);
    expect(head!.range).toEqual({ offset: 0, length: 5 });
  });

  test("an R2Object has the runtime's own properties, in the runtime's order", async () => {
    const object = await bucket().put("k", "v");
    expect(Object.keys(object!)).toEqual([
      "ssecKeyMd5", "storageClass", "range", "customMetadata", "httpMetadata", "uploaded",
      "checksums", "httpEtag", "etag", "size", "version", "key",
    ]);
  });

  test("missing keys give null from get and head", async () => {
    const b = bucket();
    expect(await b.get("nope")).toBeNull();
    expect(await b.head("nope")).toBeNull();
  });

  test("every body type is accepted: string, ArrayBuffer, views, Blob, stream, null", async () => {
    const b = bucket();
    const bytes = new TextEncoder().encode("xxabcxx");
    await b.put("ab", bytes.buffer.slice(2, 5));
    await b.put("view", new Uint8Array(bytes.buffer, 2, 3));
    await b.put("dv", new DataView(bytes.buffer, 2, 3));
    await b.put("blob", new Blob(["abc"]));
    await b.put("stream", new Response("abc").body!);
    for (const key of ["ab", "view", "dv", "blob", "stream"]) expect(await text(await b.get(key))).toBe("abc");
    const empty = await b.put("null", null);
    expect(empty!.size).toBe(0);
    expect(empty!.etag).toBe("d41d8cd98f00b204e9800998ecf8427e");
  });

  test("other body types are the runtime's TypeError", async () => {
    const error = await rejection(bucket().put("n", 42 as never));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe(
      "Failed to execute 'put' on 'R2Bucket': parameter 2 is not of type 'ReadableStream or ArrayBuffer or ArrayBufferView or string or Blob'.",
    );
  });

  test("body readers: arrayBuffer, bytes, json, blob typed by contentType; a body reads once", async () => {
    const b = bucket();
    await b.put("j", '{"a":1}', { httpMetadata: { contentType: "text/plain" } });
    expect(await ((await b.get("j")) as R2ObjectBody).json()).toEqual({ a: 1 });
    expect((await ((await b.get("j")) as R2ObjectBody).arrayBuffer()).byteLength).toBe(7);
    expect(await ((await b.get("j")) as R2ObjectBody).bytes()).toEqual(new TextEncoder().encode('{"a":1}'));
    const blob = await ((await b.get("j")) as R2ObjectBody).blob();
    expect([blob.size, blob.type]).toEqual([7, "text/plain"]);
    const once = (await b.get("j")) as R2ObjectBody;
    expect(once.bodyUsed).toBe(false);
    await once.text();
    expect(once.bodyUsed).toBe(true);
    await expect(once.text()).rejects.toThrow(TypeError);
  });

  test("httpMetadata from Headers, and writeHttpMetadata back onto Headers", async () => {
    const b = bucket();
    const headers = new Headers({
      "content-type": "a/b",
      "cache-control": "no",
      expires: "Wed, 21 Oct 2015 07:28:00 GMT",
      "content-disposition": "inline",
      "content-language": "en",
      "content-encoding": "gzip",
    });
    const object = await b.put("h", "x", { httpMetadata: headers });
    expect(object!.httpMetadata).toEqual({
      contentType: "a/b",
      cacheControl: "no",
      cacheExpiry: new Date("2015-10-21T07:28:00.000Z"),
      contentDisposition: "inline",
      contentLanguage: "en",
      contentEncoding: "gzip",
    });
    const out = new Headers();
    (await b.head("h"))!.writeHttpMetadata(out);
    expect([...out]).toEqual([
      ["cache-control", "no"],
      ["content-disposition", "inline"],
      ["content-encoding", "gzip"],
      ["content-language", "en"],
      ["content-type", "a/b"],
      ["expires", "Wed, 21 Oct 2015 07:28:00 GMT"],
    ]);
  });

  test("a cacheExpiry that is not a date is the runtime's type error", async () => {
    const error = await rejection(bucket().put("x", "y", { httpMetadata: { cacheExpiry: NaN as never } }));
    expect(error.message).toBe("Incorrect type for the 'cacheExpiry' field on 'HttpMetadata': the provided value is not of type 'date'.");
  });

  test("storageClass is stored; otherwise the bucket's default applies", async () => {
    const store = open();
    createBucket(store, { name: "cold", storageClass: "InfrequentAccess" });
    expect((await createR2Bucket(store, "cold").put("a", "x"))!.storageClass).toBe("InfrequentAccess");
    expect((await createR2Bucket(store, "warm").put("a", "x", { storageClass: "InfrequentAccess" }))!.storageClass).toBe("InfrequentAccess");
    expect((await createR2Bucket(store, "warm").head("a"))!.storageClass).toBe("InfrequentAccess");
  });

  test("an overwrite replaces the body and removes the old blob file", async () => {
    const store = open();
    const b = createR2Bucket(store, "bkt");
    await b.put("k", "one");
    await b.put("k", "two");
    expect(await text(await b.get("k"))).toBe("two");
    expect(readdirSync(store.r2Dir("bkt"))).toHaveLength(1);
  });
});

describe("validation", () => {
  test("keys over 1,024 bytes are invalid object names; the empty key is allowed", async () => {
    const b = bucket();
    const long = "k".repeat(R2_LIMITS.maxKeyBytes + 1);
    expect((await rejection(b.put(long, "x"))).message).toBe("put: The specified object name is not valid. (10020)");
    expect((await rejection(b.get(long))).message).toBe("get: The specified object name is not valid. (10020)");
    expect((await b.put("k".repeat(1024), "x"))!.key).toHaveLength(1024);
    expect((await b.put("", "x"))!.key).toBe("");
  });

  test("custom metadata over 2,048 bytes is refused and nothing is stored", async () => {
    const b = bucket();
    const error = await rejection(b.put("m", "x", { customMetadata: { a: "x".repeat(3000) } }));
    expect(error.message).toBe("put: Your metadata headers exceed the maximum allowed metadata size. (10012)");
    expect(await b.head("m")).toBeNull();
  });

  test("checksums: a matching one is recorded, a wrong one is BadDigest and stores nothing", async () => {
    const b = bucket();
    const ok = await b.put("c", "x", { sha256: sha256("x") });
    expect(ok!.checksums.toJSON()).toEqual({ md5: md5("x"), sha256: sha256("x") });
    expect(new Uint8Array(ok!.checksums.sha256!)).toEqual(new Uint8Array(Buffer.from(sha256("x"), "hex")));
    await b.put("d", "x", { md5: Buffer.from(md5("x"), "hex") });
    const bad = await rejection(b.put("e", "x", { md5: "00000000000000000000000000000000" }));
    expect(bad.message).toBe(
      `put: The MD5 checksum you specified did not match what we received.\nYou provided a MD5 checksum with value: 00000000000000000000000000000000\nActual MD5 was: ${md5("x")} (10037)`,
    );
    expect(await b.head("e")).toBeNull();
  });

  test("checksum argument errors are TypeErrors", async () => {
    const b = bucket();
    expect((await rejection(b.put("m", "x", { md5: "abc" }))).message).toBe("MD5 is 32 hex characters, not 3");
    expect((await rejection(b.put("m", "x", { md5: md5("x"), sha1: "a".repeat(40) }))).message).toBe(
      "You cannot specify multiple hashing algorithms.",
    );
  });

  test("list limits outside 1..1000 are refused", async () => {
    const b = bucket();
    for (const limit of [0, 1001]) {
      expect((await rejection(b.list({ limit }))).message).toBe("list: MaxKeys params must be positive integer <= 1000. (10022)");
    }
  });
});

describe("ranges", () => {
  test("offset / length / suffix / Range header read the right bytes and report the range", async () => {
    const b = bucket();
    await b.put("a", "hello");
    const cases: [unknown, string, { offset: number; length: number }][] = [
      [{ offset: 1, length: 2 }, "el", { offset: 1, length: 2 }],
      [{ offset: 2 }, "llo", { offset: 2, length: 3 }],
      [{ length: 2 }, "he", { offset: 0, length: 2 }],
      [{ suffix: 3 }, "llo", { offset: 2, length: 3 }],
      [{ suffix: 99 }, "hello", { offset: 0, length: 5 }],
      [{ offset: 1, length: 100 }, "ello", { offset: 1, length: 4 }],
      [new Headers({ range: "bytes=1-2" }), "el", { offset: 1, length: 2 }],
      [new Headers({ range: "bytes=-2" }), "lo", { offset: 3, length: 2 }],
      [new Headers({ range: "bytes=3-" }), "lo", { offset: 3, length: 2 }],
    ];
    for (const [range, body, reported] of cases) {
      const object = (await b.get("a", { range })) as R2ObjectBody;
      expect(await object.text()).toBe(body);
      expect(object.range).toEqual(reported);
    }
  });

  test("unsatisfiable ranges and conflicting fields are the runtime's errors", async () => {
    const b = bucket();
    await b.put("a", "hello");
    for (const range of [{ offset: 10 }, { offset: 1, length: 0 }, { suffix: 0 }]) {
      expect((await rejection(b.get("a", { range }))).message).toBe("get: The requested range is not satisfiable (10039)");
    }
    const both = await rejection(b.get("a", { range: { offset: 1, suffix: 2 } }));
    expect(both).toBeInstanceOf(TypeError);
    expect(both.message).toBe("Suffix is incompatible with offset.");
  });
});

describe("conditional requests", () => {
  test("a failed get precondition returns the object without a body", async () => {
    const b = bucket();
    const put = await b.put("a", "hello");
    const miss = await b.get("a", { onlyIf: { etagMatches: "nope" } });
    expect(miss).toBeInstanceOf(R2Object);
    expect(miss).not.toBeInstanceOf(R2ObjectBody);
    expect(await b.get("a", { onlyIf: { etagDoesNotMatch: put!.etag } })).not.toBeInstanceOf(R2ObjectBody);
    expect(await b.get("a", { onlyIf: { uploadedBefore: new Date(0) } })).not.toBeInstanceOf(R2ObjectBody);
    expect(await b.get("a", { onlyIf: { uploadedAfter: new Date(Date.now() + 60_000) } })).not.toBeInstanceOf(R2ObjectBody);
    expect(await text(await b.get("a", { onlyIf: { etagMatches: put!.etag } }))).toBe("hello");
    expect(await text(await b.get("a", { onlyIf: { etagMatches: `"other", ${put!.httpEtag}` } }))).toBe("hello");
    expect(await text(await b.get("a", { onlyIf: { etagMatches: "*" } }))).toBe("hello");
    expect(await text(await b.get("a", { onlyIf: { uploadedAfter: new Date(0) } }))).toBe("hello");
  });

  test("Headers conditions: If-Match, If-None-Match, If-Modified-Since", async () => {
    const b = bucket();
    const put = await b.put("a", "hello");
    expect(await text(await b.get("a", { onlyIf: new Headers({ "if-match": put!.httpEtag }) }))).toBe("hello");
    expect(await b.get("a", { onlyIf: new Headers({ "if-none-match": put!.httpEtag }) })).not.toBeInstanceOf(R2ObjectBody);
    expect(await b.get("a", { onlyIf: new Headers({ "if-none-match": `W/${put!.httpEtag}` }) })).not.toBeInstanceOf(R2ObjectBody);
    expect(await b.get("a", { onlyIf: new Headers({ "if-match": `W/${put!.httpEtag}` }) })).not.toBeInstanceOf(R2ObjectBody);
    const future = new Date(Date.now() + 3_600_000).toUTCString();
    expect(await b.get("a", { onlyIf: new Headers({ "if-modified-since": future }) })).not.toBeInstanceOf(R2ObjectBody);
  });

  test("of many racing create-if-absent puts, exactly one wins", async () => {
    const b = bucket();
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => b.put("race", `writer ${i}`, { onlyIf: { etagDoesNotMatch: "*" } })),
    );
    const winners = results.filter((result) => result !== null);
    expect(winners).toHaveLength(1);
    expect(await text(await b.get("race"))).toBe(`writer ${results.indexOf(winners[0]!)}`);
  });

  test("a put whose precondition fails returns null and leaves the object alone", async () => {
    const b = bucket();
    await b.put("a", "hello");
    expect(await b.put("a", "x", { onlyIf: { etagMatches: "nope" } })).toBeNull();
    expect(await text(await b.get("a"))).toBe("hello");
    expect(await b.put("new", "x", { onlyIf: { etagMatches: "*" } })).toBeNull();
    expect(await b.put("new", "x", { onlyIf: { etagDoesNotMatch: "*" } })).not.toBeNull();
    expect(await b.put("new", "y", { onlyIf: { etagDoesNotMatch: "*" } })).toBeNull();
  });
});

describe("list", () => {
  async function seeded(): Promise<LocalR2Bucket> {
    const b = bucket();
    for (const key of ["a", "dir/a", "dir/b/c", "h", "n", "s"]) await b.put(key, key, { customMetadata: { k: key }, httpMetadata: { contentType: "t/x" } });
    return b;
  }

  test("keys in order; delimiter groups prefixes, each counting once toward the limit", async () => {
    const b = await seeded();
    const page = await b.list({ delimiter: "/", limit: 3 });
    expect(page.objects.map((o) => o.key)).toEqual(["a", "h"]);
    expect(page.delimitedPrefixes).toEqual(["dir/"]);
    expect(page.truncated).toBe(true);
    expect(page.cursor).toBe(Buffer.from("h").toString("base64"));
    const rest = await b.list({ delimiter: "/", cursor: page.cursor });
    expect(rest.objects.map((o) => o.key)).toEqual(["n", "s"]);
    expect(rest.truncated).toBe(false);
    expect("cursor" in rest).toBe(false);
  });

  test("prefix, startAfter and cursor paging", async () => {
    const b = await seeded();
    expect((await b.list({ prefix: "dir/" })).objects.map((o) => o.key)).toEqual(["dir/a", "dir/b/c"]);
    expect((await b.list({ prefix: "dir/", delimiter: "/" })).delimitedPrefixes).toEqual(["dir/b/"]);
    expect((await b.list({ startAfter: "dir/a" })).objects.map((o) => o.key)).toEqual(["dir/b/c", "h", "n", "s"]);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await b.list({ limit: 2, cursor });
      seen.push(...page.objects.map((o) => o.key));
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    expect(seen).toEqual(["a", "dir/a", "dir/b/c", "h", "n", "s"]);
  });

  test("metadata is only listed when include asks for it", async () => {
    const b = await seeded();
    const bare = (await b.list({ prefix: "a" })).objects[0]!;
    expect([bare.httpMetadata, bare.customMetadata, bare.range]).toEqual([{}, {}, undefined]);
    const full = (await b.list({ prefix: "a", include: ["httpMetadata", "customMetadata"] })).objects[0]!;
    expect([full.httpMetadata, full.customMetadata]).toEqual([{ contentType: "t/x" }, { k: "a" }]);
  });

  test("a default list returns 1,000 keys, and the cursor continues from there", async () => {
    const b = bucket();
    const keys = Array.from({ length: 1100 }, (_, i) => `k${String(i).padStart(5, "0")}`);
    for (const key of keys) await b.put(key, "");
    const first = await b.list();
    expect(first.objects).toHaveLength(1000);
    expect(first.truncated).toBe(true);
    const second = await b.list({ cursor: first.cursor });
    expect([...first.objects, ...second.objects].map((o) => o.key)).toEqual(keys);
    expect(second.truncated).toBe(false);
    expect((await b.list({ include: ["customMetadata"] })).objects).toHaveLength(R2_LIMITS.maxListKeysWithInclude);
  }, 60_000);

  test("order is by UTF-8 bytes", async () => {
    const b = bucket();
    for (const key of ["é", "z", "Z", "😀", "\uffff"]) await b.put(key, "x");
    expect((await b.list()).objects.map((o) => o.key)).toEqual(["Z", "z", "é", "\uffff", "😀"]);
  });
});

describe("delete", () => {
  test("deletes one key or many, and unknown keys are fine", async () => {
    const store = open();
    const b = createR2Bucket(store, "bkt");
    for (const key of ["a", "b", "c"]) await b.put(key, key);
    await b.delete("a");
    await b.delete(["b", "missing"]);
    expect((await b.list()).objects.map((o) => o.key)).toEqual(["c"]);
    expect(readdirSync(store.r2Dir("bkt"))).toHaveLength(1);
  });
});

describe("multipart uploads", () => {
  test("parts assemble in order; etag is MD5 of part MD5s with -N", async () => {
    const b = bucket();
    const upload = await b.createMultipartUpload("big", { httpMetadata: { contentType: "x/y" }, customMetadata: { q: "1" } });
    const first = "a".repeat(5 * MiB);
    const p2 = await upload.uploadPart(2, "bb");
    const p1 = await b.resumeMultipartUpload("big", upload.uploadId).uploadPart(1, first);
    const object = await upload.complete([p1, p2]);
    const expected = createHash("md5")
      .update(Buffer.concat([Buffer.from(md5(first), "hex"), Buffer.from(md5("bb"), "hex")]))
      .digest("hex");
    expect(object.etag).toBe(`${expected}-2`);
    expect(object.size).toBe(5 * MiB + 2);
    expect(object.checksums.toJSON()).toEqual({});
    expect(object.httpMetadata).toEqual({ contentType: "x/y" });
    expect(object.customMetadata).toEqual({ q: "1" });
    expect(await text(await b.get("big", { range: { suffix: 3 } }))).toBe("abb");
    expect((await rejection(upload.uploadPart(3, "x"))).message).toBe(
      "uploadPart: The specified multipart upload does not exist. (10024)",
    );
  });

  test("a single small part and an empty completion are allowed", async () => {
    const b = bucket();
    const one = await b.createMultipartUpload("one");
    expect((await one.complete([await one.uploadPart(1, "abc")])).etag).toBe(
      `${createHash("md5").update(Buffer.from(md5("abc"), "hex")).digest("hex")}-1`,
    );
    const none = await b.createMultipartUpload("none");
    const empty = await none.complete([]);
    expect([empty.size, empty.etag]).toEqual([0, "d41d8cd98f00b204e9800998ecf8427e-0"]);
  });

  test("part size rules: small non-final parts, uneven parts, a larger last part", async () => {
    const b = bucket();
    const small = await b.createMultipartUpload("small");
    const parts = [await small.uploadPart(1, "aa"), await small.uploadPart(2, "bb")];
    expect((await rejection(small.complete(parts))).message).toBe(
      "completeMultipartUpload: Your proposed upload is smaller than the minimum allowed object size. (10011)",
    );
    const uneven = await b.createMultipartUpload("uneven");
    const u = [
      await uneven.uploadPart(1, "a".repeat(5 * MiB)),
      await uneven.uploadPart(2, "b".repeat(5 * MiB + 1)),
      await uneven.uploadPart(3, "c"),
    ];
    expect((await rejection(uneven.complete(u))).message).toBe(
      "completeMultipartUpload: There was a problem with the multipart upload. (10048)",
    );
    expect(await b.head("uneven")).toBeNull();
  });

  test("unknown parts, bad part numbers, aborted and unknown uploads", async () => {
    const b = bucket();
    const upload = await b.createMultipartUpload("bp");
    const part = await upload.uploadPart(1, "aa");
    expect((await rejection(upload.complete([{ partNumber: 2, etag: part.etag }]))).message).toBe(
      "completeMultipartUpload: One or more of the specified parts could not be found. (10025)",
    );
    const zero = await rejection(upload.uploadPart(0, "x"));
    expect(zero).toBeInstanceOf(TypeError);
    expect(zero.message).toBe("Part number must be between 1 and 10000 (inclusive). Actual value was: 0");
    await upload.abort();
    expect((await rejection(upload.uploadPart(2, "x"))).message).toBe(
      "uploadPart: The specified multipart upload does not exist. (10024)",
    );
    expect((await rejection(b.resumeMultipartUpload("bp", "nope").uploadPart(1, "x"))).message).toBe(
      "uploadPart: The specified multipart upload does not exist. (10024)",
    );
  });
});

describe("keys map safely to files", () => {
  test("keys of dots and slashes, and 1,024-byte keys, are stored as opaque blob ids inside the bucket directory", async () => {
    const store = open();
    const b = createR2Bucket(store, "bkt");
    const keys = ["../../../etc/passwd", "..", ".", "/", "//a//", "a/../b", "a/./b", "..".repeat(512), "/".repeat(1024), "\\..\\x", "nul\0byte"];
    for (const [i, key] of keys.entries()) await b.put(key, `value ${i}`);
    for (const [i, key] of keys.entries()) expect(await text(await b.get(key))).toBe(`value ${i}`);
    const files = readdirSync(store.r2Dir("bkt"));
    expect(files).toHaveLength(keys.length);
    for (const file of files) expect(file).toMatch(/^\d+-[0-9a-f]{32}$/);
    expect(readdirSync(store.dir).sort()).toEqual(["d1", "data.sqlite", "data.sqlite-shm", "data.sqlite-wal", "do", "r2"]);
  });

  test("a blob file removed behind the store's back is an internal error, not a hang", async () => {
    const store = open();
    const b = createR2Bucket(store, "bkt");
    await b.put("k", "v");
    for (const file of readdirSync(store.r2Dir("bkt"))) rmSync(path.join(store.r2Dir("bkt"), file));
    expect((await rejection(b.get("k"))).message).toBe("get: We encountered an internal error. Please try again. (10001)");
    expect(await b.head("k")).not.toBeNull();
  });

  test("an object being read survives a concurrent overwrite", async () => {
    const b = bucket();
    await b.put("k", "x".repeat(1024 * 1024));
    const reading = (await b.get("k")) as R2ObjectBody;
    await b.put("k", "new");
    await b.delete("k");
    expect((await reading.text()).length).toBe(1024 * 1024);
  });
});

describe("sharing and persistence", () => {
  test("two store handles (CLI and dev server) see each other's writes at once", async () => {
    const dir = scratch();
    const cli = createR2Bucket(open(dir), "bkt");
    const dev = createR2Bucket(open(dir), "bkt");
    await cli.put("k", "from cli");
    expect(await text(await dev.get("k"))).toBe("from cli");
    await dev.delete("k");
    expect(await cli.head("k")).toBeNull();
  });

  test("buckets are isolated from each other", async () => {
    const store = open();
    await createR2Bucket(store, "one").put("k", "1");
    expect(await createR2Bucket(store, "two").get("k")).toBeNull();
  });

  test("a bucket binding in dev uses bucket_name, never preview_bucket_name, else its name", () => {
    expect(r2BucketNameFor({ binding: "B", bucket_name: "b", preview_bucket_name: "p" })).toBe("b");
    expect(r2BucketNameFor({ binding: "B" })).toBe("B");
  });
});

describe("streaming", () => {
  test("a 200 MB object streams in and out without its size in memory", async () => {
    // In a process of its own: the resident size of this one moves with whatever the test files before it left behind.
    const dir = scratch();
    const script = `
      import { openStore } from ${JSON.stringify(path.resolve(import.meta.dir, "../runtime/store/index.ts"))};
      import { createR2Bucket } from ${JSON.stringify(path.resolve(import.meta.dir, "../runtime/bindings/r2/index.ts"))};
      const b = createR2Bucket(openStore(${JSON.stringify(dir)}), "bkt");
      const chunk = new Uint8Array(1024 * 1024).fill(7);
      const total = 200;
      let sent = 0;
      const body = new ReadableStream({
        pull(controller) {
          if (sent++ === total) controller.close();
          else controller.enqueue(chunk);
        },
      });
      Bun.gc(true);
      const before = process.memoryUsage.rss();
      let peak = before;
      const put = await b.put("huge", body);
      peak = Math.max(peak, process.memoryUsage.rss());
      const object = await b.get("huge");
      let read = 0;
      for await (const part of object.body) {
        read += part.byteLength;
        if (read % (32 * 1024 * 1024) < part.byteLength) peak = Math.max(peak, process.memoryUsage.rss());
      }
      console.log(JSON.stringify({ put: put.size, read, grew: peak - before }));
    `;
    const child = Bun.spawnSync([process.execPath, "-e", script], { stderr: "inherit" });
    expect(child.exitCode).toBe(0);
    const { put, read, grew } = JSON.parse(child.stdout.toString());
    expect(put).toBe(200 * 1024 * 1024);
    expect(read).toBe(200 * 1024 * 1024);
    expect(grew).toBeLessThan(100 * 1024 * 1024);
  }, 120_000);
});

describe("bucket registry", () => {
  test("create, get, list and delete buckets; implicit buckets with objects are listed too", async () => {
    const store = open();
    createBucket(store, { name: "made", location: "weur" });
    await createR2Bucket(store, "implicit").put("k", "v");
    expect(getBucket(store, "made")).toMatchObject({ name: "made", location: "weur", storage_class: "Standard" });
    expect(listBuckets(store).map((bucket) => bucket.name)).toEqual(["implicit", "made"]);
    expect(() => createBucket(store, { name: "made" })).toThrow("The bucket you tried to create already exists, and you own it. [code: 10004]");
    expect(() => deleteBucket(store, "implicit")).toThrow("The bucket you tried to delete is not empty. [code: 10008]");
    expect(() => deleteBucket(store, "ghost")).toThrow("The specified bucket does not exist. [code: 10006]");
    deleteBucket(store, "made");
    expect(getBucket(store, "made")).toBeNull();
    expect(await createR2Bucket(store, "implicit").head("k")).not.toBeNull();
  });
});
