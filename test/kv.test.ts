// The KV binding as a worker sees it: behaviour, limits and the runtime's own
// error messages (observed under wrangler dev / workerd), on a real store.
import { afterEach, beforeEach, describe, expect, setSystemTime, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore, type Store } from "../runtime/store/index.ts";
import { createKVNamespace, kvNamespaceIdFor, putMany, deleteMany, KV_LIMITS } from "../runtime/bindings/kv/index.ts";
import {
  createNamespace,
  deleteNamespace,
  findNamespaceByTitle,
  listNamespaces,
  NamespaceExistsError,
  renameNamespace,
} from "../runtime/bindings/kv/namespaces.ts";
import { prefixUpperBound } from "../runtime/bindings/kv/storage.ts";
import type { KVNamespace } from "@cloudflare/workers-types/index.ts";

let dir: string;
let store: Store;
let kv: KVNamespace;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "kv-test-"));
  store = openStore(path.join(dir, ".bunflare"));
  kv = createKVNamespace(store, "test-ns");
});
afterEach(() => {
  setSystemTime();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const nowSeconds = () => Math.floor(Date.now() / 1000);
const bytes = async (value: ArrayBuffer | null) => (value === null ? null : [...new Uint8Array(value)]);

describe("get and put", () => {
  test("a put string reads back as text, json, arrayBuffer and stream", async () => {
    await kv.put("k", '{"a":[1,2]}');
    expect(await kv.get("k")).toBe('{"a":[1,2]}');
    expect(await kv.get("k", "text")).toBe('{"a":[1,2]}');
    expect(await kv.get("k", "json")).toEqual({ a: [1, 2] });
    expect(await kv.get("k", { type: "json", cacheTtl: 60 })).toEqual({ a: [1, 2] });
    const buffer = await kv.get("k", "arrayBuffer");
    expect(buffer).toBeInstanceOf(ArrayBuffer);
    expect(new TextDecoder().decode(buffer!)).toBe('{"a":[1,2]}');
    const stream = await kv.get("k", "stream");
    expect(stream).toBeInstanceOf(ReadableStream);
    expect(await new Response(stream).text()).toBe('{"a":[1,2]}');
  });

  test("a missing key reads as null in every type", async () => {
    for (const type of ["text", "json", "arrayBuffer", "stream"] as const) expect(await kv.get("nope", type as "text")).toBeNull();
    expect(await kv.getWithMetadata("nope")).toEqual({ value: null, metadata: null, cacheStatus: null });
  });

  test("ArrayBuffers, views (only their window) and streams are stored as bytes", async () => {
    await kv.put("ab", new Uint8Array([1, 2, 3]).buffer);
    await kv.put("u16", new Uint16Array([1, 2, 3]));
    await kv.put("dv", new DataView(new Uint8Array([9, 8, 7, 6]).buffer, 1, 2));
    const chunks = [new Uint8Array([0, 255]), new Uint8Array([128])];
    await kv.put("stream", new ReadableStream({ pull(c) { const next = chunks.shift(); if (next) c.enqueue(next); else c.close(); } }) as never);
    expect(await bytes(await kv.get("ab", "arrayBuffer"))).toEqual([1, 2, 3]);
    expect(await bytes(await kv.get("u16", "arrayBuffer"))).toEqual([1, 0, 2, 0, 3, 0]);
    expect(await bytes(await kv.get("dv", "arrayBuffer"))).toEqual([8, 7]);
    expect(await bytes(await kv.get("stream", "arrayBuffer"))).toEqual([0, 255, 128]);
  });

  test("primitive values are stored as their string form, objects are refused", async () => {
    await kv.put("n", 12.5 as never);
    await kv.put("null", null as never);
    expect(await kv.get("n")).toBe("12.5");
    expect(await kv.get("null")).toBe("null");
    await expect(kv.put("o", { a: 1 } as never)).rejects.toThrow(
      new TypeError("KV put() accepts only strings, ArrayBuffers, ArrayBufferViews, and ReadableStreams as values."),
    );
  });

  test("a put overwrites value, metadata and expiration together", async () => {
    await kv.put("k", "one", { metadata: { v: 1 }, expirationTtl: 3600 });
    await kv.put("k", "two");
    expect(await kv.getWithMetadata("k")).toEqual({ value: "two", metadata: null, cacheStatus: null });
    expect((await kv.list()).keys).toEqual([{ name: "k" }]);
  });

  test("getWithMetadata returns the value with its metadata, in the requested type", async () => {
    await kv.put("k", '{"x":1}', { metadata: { owner: "me" } });
    expect(await kv.getWithMetadata("k")).toEqual({ value: '{"x":1}', metadata: { owner: "me" }, cacheStatus: null });
    expect((await kv.getWithMetadata("k", "json")).value).toEqual({ x: 1 });
    const { value } = await kv.getWithMetadata("k", "stream");
    expect(await new Response(value).text()).toBe('{"x":1}');
  });

  test("a bad type or cacheTtl is refused with the runtime's messages", async () => {
    await expect(kv.get("k", "bogus" as never)).rejects.toThrow(
      new TypeError('Unknown response type. Possible types are "text", "arrayBuffer", "json", and "stream".'),
    );
    await expect(kv.getWithMetadata("k", { type: "bogus" } as never)).rejects.toThrow(TypeError);
    await expect(kv.get("k", { cacheTtl: 10 })).rejects.toThrow("KV GET failed: 400 Invalid cache_ttl of 10. Cache TTL must be at least 30.");
    expect(await kv.get("k", { cacheTtl: KV_LIMITS.minCacheTtl })).toBeNull();
  });

  test("get with no arguments is a TypeError, a non-string key is coerced", async () => {
    await expect((kv.get as (...args: unknown[]) => Promise<unknown>)()).rejects.toThrow(
      "Failed to execute 'get' on 'KvNamespace': parameter 1 is not of type 'string or Array'.",
    );
    await kv.put(123 as never, "num");
    expect(await kv.get("123")).toBe("num");
  });

  test("delete removes a key, and deleting a missing key is fine", async () => {
    await kv.put("k", "v");
    await kv.delete("k");
    await kv.delete("k");
    expect(await kv.get("k")).toBeNull();
  });

  test("namespaces are isolated from each other", async () => {
    const other = createKVNamespace(store, "other-ns");
    await kv.put("k", "mine");
    expect(await other.get("k")).toBeNull();
    await other.put("k", "theirs");
    expect(await kv.get("k")).toBe("mine");
  });
});

describe("keys", () => {
  test("empty, '.' and '..' keys are TypeErrors in every operation", async () => {
    for (const [key, message] of [["", "Key name cannot be empty."], [".", '"." is not allowed as a key name.'], ["..", '".." is not allowed as a key name.']]) {
      await expect(kv.put(key!, "v")).rejects.toThrow(new TypeError(message));
      await expect(kv.get(key!)).rejects.toThrow(new TypeError(message));
      await expect(kv.getWithMetadata(key!)).rejects.toThrow(new TypeError(message));
      await expect(kv.delete(key!)).rejects.toThrow(new TypeError(message));
    }
  });

  test("keys are limited to 512 UTF-8 bytes, not characters", async () => {
    await kv.put("a".repeat(KV_LIMITS.maxKeyBytes), "fits");
    expect(await kv.get("a".repeat(512))).toBe("fits");
    await expect(kv.put("a".repeat(513), "v")).rejects.toThrow("KV PUT failed: 414 UTF-8 encoded length of 513 exceeds key length limit of 512.");
    await expect(kv.get("é".repeat(300))).rejects.toThrow("KV GET failed: 414 UTF-8 encoded length of 600 exceeds key length limit of 512.");
    await expect(kv.delete("a".repeat(513))).rejects.toThrow("KV DELETE failed: 414");
  });

  test("keys full of slashes and dots are ordinary keys", async () => {
    await kv.put("a/../b", "1");
    await kv.put("../../etc/passwd", "2");
    expect(await kv.get("a/../b")).toBe("1");
    expect(await kv.get("../../etc/passwd")).toBe("2");
  });
});

describe("limits on values, metadata and expiration", () => {
  test("values over 25 MiB are refused and the old value is kept", async () => {
    await kv.put("k", "old");
    await kv.put("max", new Uint8Array(KV_LIMITS.maxValueBytes));
    await expect(kv.put("k", new Uint8Array(KV_LIMITS.maxValueBytes + 1))).rejects.toThrow(
      "KV PUT failed: 413 Value length of 26214401 exceeds limit of 26214400.",
    );
    const big = new Uint8Array(KV_LIMITS.maxValueBytes + 1);
    await expect(kv.put("k", new Blob([big]).stream() as never)).rejects.toThrow("413 Value length of 26214401");
    expect(await kv.get("k")).toBe("old");
    expect((await kv.get("max", "arrayBuffer"))!.byteLength).toBe(KV_LIMITS.maxValueBytes);
  });

  test("metadata is limited to 1024 bytes of JSON", async () => {
    await kv.put("k", "v", { metadata: "é".repeat(511) }); // 1,024 bytes with its quotes
    await expect(kv.put("k", "v", { metadata: "x".repeat(1023) })).rejects.toThrow(
      "KV PUT failed: 413 Metadata length of 1025 exceeds limit of 1024.",
    );
    expect((await kv.getWithMetadata("k")).metadata).toBe("é".repeat(511));
  });

  test("expirationTtl must be at least 60 seconds, expiration 60 seconds ahead", async () => {
    const now = nowSeconds();
    await expect(kv.put("k", "v", { expirationTtl: 10 })).rejects.toThrow(
      "KV PUT failed: 400 Invalid expiration_ttl of 10. Expiration TTL must be at least 60.",
    );
    await expect(kv.put("k", "v", { expirationTtl: 0 })).rejects.toThrow("Invalid expiration_ttl of 0. Please specify integer greater than 0.");
    await expect(kv.put("k", "v", { expiration: 10 })).rejects.toThrow(
      "KV PUT failed: 400 Invalid expiration of 10. Please specify integer greater than the current number of seconds since the UNIX epoch.",
    );
    await expect(kv.put("k", "v", { expiration: now + 30 })).rejects.toThrow(
      `Invalid expiration of ${now + 30}. Expiration times must be at least 60 seconds in the future.`,
    );
    await kv.put("ttl", "v", { expirationTtl: 60 });
    await kv.put("exp", "v", { expiration: now + 120 });
    expect(await kv.get("k")).toBeNull();
  });

  test("expired keys are never returned by get, getWithMetadata, bulk get or list", async () => {
    await kv.put("short", "v", { expirationTtl: 60, metadata: { m: 1 } });
    await kv.put("long", "v", { expirationTtl: 3600 });
    const { keys } = await kv.list();
    expect(keys.map((k) => k.name)).toEqual(["long", "short"]);
    expect(keys[1]).toEqual({ name: "short", expiration: expect.any(Number), metadata: { m: 1 } });
    // Read once before it expires: a row read earlier must not outlive its expiry either.
    expect(await kv.get("short")).toBe("v");
    expect(await kv.getWithMetadata("short")).toEqual({ value: "v", metadata: { m: 1 }, cacheStatus: null });
    setSystemTime(new Date(Date.now() + 61_000));
    expect(await kv.get("short")).toBeNull();
    expect(await kv.getWithMetadata("short")).toEqual({ value: null, metadata: null, cacheStatus: null });
    expect([...(await kv.get(["short", "long"]))]).toEqual([["short", null], ["long", "v"]]);
    expect((await kv.list()).keys.map((k) => k.name)).toEqual(["long"]);
    // Listing also cleared the expired row out of the store.
    expect(store.db.query("SELECT key FROM kv_entries").all()).toEqual([{ key: "long" }]);
  });

  test("when both are given, expirationTtl decides the expiry", async () => {
    await kv.put("k", "v", { expiration: nowSeconds() + 7200, expirationTtl: 100 });
    const [key] = (await kv.list()).keys;
    expect(key!.expiration! - nowSeconds()).toBeLessThanOrEqual(100);
  });
});

describe("bulk get", () => {
  test("returns a Map of every requested key, null for missing ones", async () => {
    await kv.put("a", "1", { metadata: { m: "a" } });
    await kv.put("b", '{"n":2}');
    const texts = await kv.get(["a", "b", "missing", "a"]);
    expect(texts).toBeInstanceOf(Map);
    expect([...texts]).toEqual([["a", "1"], ["b", '{"n":2}'], ["missing", null]]);
    expect([...(await kv.get(["b"], "json"))]).toEqual([["b", { n: 2 }]]);
    const withMetadata = await kv.getWithMetadata(["a", "missing"]);
    expect([...withMetadata]).toEqual([["a", { value: "1", metadata: { m: "a" } }], ["missing", null]] as never);
  });

  test("refuses more than 100 keys, none, stream types and non-JSON values as json", async () => {
    const keys = Array.from({ length: KV_LIMITS.maxBulkGetKeys + 1 }, (_, i) => `k${i}`);
    await kv.get(keys.slice(0, 100));
    await expect(kv.get(keys)).rejects.toThrow("KV GET_BULK failed: 400 You can request a maximum of 100 keys");
    await expect(kv.get([])).rejects.toThrow("KV GET_BULK failed: 400 You must request a minimum of 1 key");
    await expect(kv.get(["a"], "stream" as never)).rejects.toThrow('KV GET_BULK failed: 400 "stream" is not a valid type. Use "json" or "text"');
    await expect(kv.get(["", "a"])).rejects.toThrow("KV GET_BULK failed: 400 Key names must not be empty");
    await kv.put("text", "not json");
    await expect(kv.get(["text"], "json")).rejects.toThrow(
      "KV GET_BULK failed: 400 At least one of the requested keys corresponds to a non-json value",
    );
  });
});

describe("list", () => {
  test("lists keys in UTF-8 byte order with expiration and metadata", async () => {
    for (const key of ["z", "é", "Z", "a", "😀", "\uFFFD", "ab"]) await kv.put(`o/${key}`, "v");
    const { keys, list_complete } = await kv.list({ prefix: "o/" });
    expect(keys.map((k) => k.name)).toEqual(["o/Z", "o/a", "o/ab", "o/z", "o/é", "o/\uFFFD", "o/😀"]);
    expect(list_complete).toBe(true);
  });

  test("pages with limit and an opaque cursor until list_complete", async () => {
    for (const key of ["a", "b", "c", "d", "e"]) await kv.put(key, "v");
    const first = await kv.list({ limit: 2 });
    expect(first).toEqual({ keys: [{ name: "a" }, { name: "b" }], list_complete: false, cursor: btoa("b"), cacheStatus: null });
    const second = await kv.list({ limit: 2, cursor: first.list_complete ? undefined : first.cursor });
    expect(second.keys.map((k) => k.name)).toEqual(["c", "d"]);
    const third = await kv.list({ limit: 3, cursor: second.list_complete ? undefined : second.cursor });
    // A page that ends exactly at the last key is complete, with no cursor.
    expect(third).toEqual({ keys: [{ name: "e" }], list_complete: true, cacheStatus: null });
    expect((await kv.list({ limit: 5 })).list_complete).toBe(true);
  });

  test("prefix narrows the listing, including astral and edge characters", async () => {
    for (const key of ["ab", "abc", "ac", "a\u{10FFFF}x", "b", "😀1", "😀2", "😁"]) await kv.put(key, "v");
    expect((await kv.list({ prefix: "ab" })).keys.map((k) => k.name)).toEqual(["ab", "abc"]);
    expect((await kv.list({ prefix: "😀" })).keys.map((k) => k.name)).toEqual(["😀1", "😀2"]);
    expect((await kv.list({ prefix: "a\u{10FFFF}" })).keys.map((k) => k.name)).toEqual(["a\u{10FFFF}x"]);
    expect(prefixUpperBound("\u{10FFFF}")).toBeNull();
    expect(prefixUpperBound("a\uD7FF")).toBe("a\uE000");
  });

  test("a limit over 1000 is refused; zero, negative or missing means 1000", async () => {
    await expect(kv.list({ limit: 1001 })).rejects.toThrow(
      "KV GET failed: 400 Invalid key_count_limit of 1001. Please specify an integer less than 1000.",
    );
    const items = Array.from({ length: 1001 }, (_, i) => ({ key: `k${String(i).padStart(4, "0")}`, value: "v" }));
    await putMany(store, "test-ns", items);
    for (const limit of [undefined, 0, -1]) {
      const page = await kv.list({ limit });
      expect(page.keys.length).toBe(KV_LIMITS.maxListLimit);
      expect(page.list_complete).toBe(false);
    }
  });
});

describe("reads after another connection's writes", () => {
  test("a get sees every put and delete committed by another process or connection since its last read", async () => {
    const script = (op: string) => `
      const { openStore } = require(${JSON.stringify(path.join(import.meta.dir, "../runtime/store/index.ts"))});
      const { createKVNamespace } = require(${JSON.stringify(path.join(import.meta.dir, "../runtime/bindings/kv/index.ts"))});
      const store = openStore(${JSON.stringify(store.dir)});
      await createKVNamespace(store, "test-ns").${op};
      store.close();`;
    const other = (op: string) => {
      const child = Bun.spawnSync([process.execPath, "-e", script(op)], { stderr: "pipe" });
      expect(child.stderr.toString()).toBe("");
      expect(child.exitCode).toBe(0);
    };
    expect(await kv.get("k")).toBeNull();
    for (let i = 0; i < 5; i++) {
      other(`put("k", "v${i}", { metadata: { i: ${i} } })`);
      expect(await kv.get("k")).toBe(`v${i}`);
      expect(await kv.getWithMetadata("k")).toEqual({ value: `v${i}`, metadata: { i }, cacheStatus: null });
    }
    other(`delete("k")`);
    expect(await kv.get("k")).toBeNull();
    // A second connection in this process.
    const second = openStore(store.dir);
    try {
      const kv2 = createKVNamespace(second, "test-ns");
      for (let i = 0; i < 20; i++) {
        await kv2.put("k", `w${i}`);
        expect(await kv.get("k")).toBe(`w${i}`);
      }
      await kv2.delete("k");
      expect(await kv.get("k")).toBeNull();
    } finally {
      second.close();
    }
  });
});

describe("bulk writes and the registry", () => {
  test("putMany writes every item in one go, or nothing if one is invalid", async () => {
    const count = await putMany(store, "test-ns", [
      { key: "a", value: "1", metadata: { x: 1 } },
      { key: "b", value: new Uint8Array([0, 1]), expirationTtl: 120 },
    ]);
    expect(count).toBe(2);
    expect(await kv.getWithMetadata("a")).toEqual({ value: "1", metadata: { x: 1 }, cacheStatus: null });
    await expect(putMany(store, "test-ns", [{ key: "c", value: "3" }, { key: "", value: "bad" }])).rejects.toThrow("Key name cannot be empty.");
    expect(await kv.get("c")).toBeNull();
    expect(deleteMany(store, "test-ns", ["a", "b", "absent"])).toBe(3);
    expect((await kv.list()).keys).toEqual([]);
  });

  test("namespaces are created, listed by title, renamed and deleted with their keys", async () => {
    const b = createNamespace(store, "b-space");
    const a = createNamespace(store, "a-space");
    expect(a.id).toMatch(/^[0-9a-f]{32}$/);
    expect(listNamespaces(store)).toEqual([a, b]);
    expect(() => createNamespace(store, "a-space")).toThrow(NamespaceExistsError);
    const ns = createKVNamespace(store, a.id);
    await ns.put("k", "v");
    renameNamespace(store, a.id, "c-space");
    expect(findNamespaceByTitle(store, "c-space")?.id).toBe(a.id);
    deleteNamespace(store, a.id);
    expect(listNamespaces(store)).toEqual([b]);
    expect(await ns.get("k")).toBeNull();
  });

  test("a binding in dev uses its id, never preview_id, else its name", () => {
    expect(kvNamespaceIdFor({ binding: "KV", id: "i", preview_id: "p" })).toBe("i");
    expect(kvNamespaceIdFor({ binding: "KV" })).toBe("KV");
  });
});
