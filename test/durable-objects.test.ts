import { afterEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  createDurableObjectNamespace,
  sqliteBackedClasses,
  type DurableObjectNamespace,
  type DurableObjectState,
  type DurableObjectStub,
} from "../runtime/bindings/durable-objects/index.ts";
import { openStore, type Store } from "../runtime/store/index.ts";
import { WebSocketPair, webSocketClassesFor } from "../runtime/host/websocket.ts";

// Stands in for `DurableObject` from cloudflare:workers: it only keeps ctx and env.
class DurableObject {
  constructor(
    readonly ctx: DurableObjectState,
    readonly env: Record<string, unknown>,
  ) {}
}

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const fn of cleanups.splice(0).reverse()) fn();
});

function scratchStore(): { dir: string; open(): Store } {
  const dir = mkdtempSync(path.join(tmpdir(), "do-test-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    open() {
      const store = openStore(path.join(dir, ".bunflare"));
      cleanups.push(() => store.close());
      return store;
    },
  };
}

function namespace(
  store: Store,
  Class: new (state: any, env: any) => unknown,
  extra: {
    sqlite?: boolean;
    className?: string;
    env?: Record<string, unknown>;
    reportError?(e: unknown): void;
    maxOpenDatabases?: number;
  } = {},
): DurableObjectNamespace {
  const ns = createDurableObjectNamespace({
    store,
    className: extra.className ?? Class.name,
    getClass: () => Class,
    getEnv: () => extra.env ?? {},
    sqlite: extra.sqlite,
    reportError: extra.reportError,
    maxOpenDatabases: extra.maxOpenDatabases,
  });
  cleanups.push(() => ns.dispose());
  return ns;
}

async function rejection(promise: unknown): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a rejection");
}

function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)),
  ]);
}

let constructed = 0;
class Counter extends DurableObject {
  constructor(ctx: DurableObjectState, env: Record<string, unknown>) {
    super(ctx, env);
    constructed++;
  }
  async fetch(_request: Request): Promise<Response> {
    const value = ((await this.ctx.storage.get("count")) as number | undefined) ?? 0;
    await this.ctx.storage.put("count", value + 1);
    return new Response(String(value + 1));
  }
  async increment(by = 1): Promise<number> {
    const value = ((await this.ctx.storage.get("count")) as number | undefined) ?? 0;
    await this.ctx.storage.put("count", value + by);
    return value + by;
  }
}

test("a counter keeps its count across namespace re-creation and a store restart, with fresh instances", async () => {
  const scratch = scratchStore();
  let store = scratch.open();
  let ns = namespace(store, Counter);
  const before = constructed;
  for (let i = 0; i < 3; i++) await ns.getByName("hits").fetch("http://do/");
  expect(constructed - before).toBe(1);

  ns.dispose();
  ns = namespace(store, Counter); // a dev reload
  expect(await (await ns.getByName("hits").fetch("http://do/")).text()).toBe("4");
  expect(constructed - before).toBe(2);

  ns.dispose();
  store.close();
  store = scratch.open(); // a process restart
  ns = namespace(store, Counter);
  expect(await (await ns.get(ns.idFromName("hits")).fetch("http://do/")).text()).toBe("5");
  // One SQLite file per object under .bunflare/do/<class>/.
  expect(readdirSync(store.doDir("Counter")).filter((f) => f.endsWith(".sqlite"))).toEqual([
    `${ns.idFromName("hits")}.sqlite`,
  ]);
});

test("idFromName is deterministic, 64 hex digits, and carries the name", () => {
  const store = scratchStore().open();
  const ns = namespace(store, Counter);
  const a = ns.idFromName("room-1");
  expect(a.toString()).toMatch(/^[0-9a-f]{64}$/);
  expect(ns.idFromName("room-1").toString()).toBe(a.toString());
  expect(ns.idFromName("room-1").equals(a)).toBe(true);
  expect(ns.idFromName("room-2").equals(a)).toBe(false);
  expect(a.name).toBe("room-1");
  expect(JSON.stringify(a)).toBe('{"name":"room-1"}');
  // Same name in another class is another object.
  const other = namespace(store, class Other extends DurableObject {});
  expect(other.idFromName("room-1").toString()).not.toBe(a.toString());

  const unique = ns.newUniqueId();
  expect(unique.toString()).toMatch(/^[0-9a-f]{64}$/);
  expect(unique.name).toBeUndefined();
  expect(ns.newUniqueId().equals(unique)).toBe(false);
  expect(ns.idFromString(unique.toString()).equals(unique)).toBe(true);
  expect(ns.idFromString(a.toString().toUpperCase()).toString()).toBe(a.toString());
  expect(Object.keys(a)).toEqual(["jurisdiction", "name"]);
  expect(a.jurisdiction).toBeUndefined();

  const stub = ns.getByName("room-1");
  expect(stub.name).toBe("room-1");
  expect(stub.id.equals(a)).toBe(true);
  expect(ns.get(unique).name).toBeUndefined();
});

test("a jurisdiction is refused as workerd refuses it; none (undefined or null) is the namespace itself", () => {
  const ns = namespace(scratchStore().open(), Counter);
  const refused = "Jurisdiction restrictions are not implemented in workerd.";
  for (const jurisdiction of ["eu", "fedramp", "fedramp-high", "mars", ""]) {
    expect(() => ns.newUniqueId({ jurisdiction })).toThrow(new Error(refused));
    expect(() => ns.jurisdiction(jurisdiction)).toThrow(new Error(refused));
  }
  expect(ns.jurisdiction(undefined)).toBe(ns);
  expect(ns.jurisdiction(null)).toBe(ns);
  expect(ns.newUniqueId({}).toString()).toMatch(/^[0-9a-f]{64}$/);
  expect(ns.newUniqueId(null as never).toString()).toMatch(/^[0-9a-f]{64}$/);
  expect(() => ns.newUniqueId("eu" as never)).toThrow(
    new TypeError("Failed to execute 'newUniqueId' on 'DurableObjectNamespace': parameter 1 is not of type 'NewUniqueIdOptions'."),
  );
  expect(JSON.stringify(ns.newUniqueId())).toBe("{}");
});

test("idFromString and get reject bad ids with the runtime's messages", () => {
  const store = scratchStore().open();
  const ns = namespace(store, Counter);
  const other = namespace(store, class Elsewhere extends DurableObject {});
  expect(() => ns.idFromString("abc")).toThrow(new TypeError("Invalid Durable Object ID: must be 64 hex digits"));
  expect(() => ns.idFromString("z".repeat(64))).toThrow("Invalid Durable Object ID: must be 64 hex digits");
  expect(() => ns.idFromString(other.idFromName("x").toString())).toThrow(
    "Durable Object ID is not valid for this namespace.",
  );
  expect(() => (ns.idFromName as () => unknown)()).toThrow(
    "Failed to execute 'idFromName' on 'DurableObjectNamespace': parameter 1 is not of type 'string'.",
  );
  expect(() => ns.get("abc" as never)).toThrow(
    "Failed to execute 'get' on 'DurableObjectNamespace': parameter 1 is not of type 'DurableObjectId'.",
  );
});

class Rpc extends DurableObject {
  field = 7;
  items: string[] = [];
  hello(name: string): string {
    return `hi ${name}`;
  }
  get answer(): number {
    return 42;
  }
  async boom(): Promise<never> {
    throw new RangeError("kaboom");
  }
  add(item: { name: string }): number {
    item.name = "mutated";
    this.items.push(item.name);
    return this.items.length;
  }
  list(): string[] {
    return this.items;
  }
}

test("RPC calls the object's methods, reads its getters, and propagates its errors", async () => {
  const ns = namespace(scratchStore().open(), Rpc);
  const stub = ns.getByName("a") as DurableObjectStub & Record<string, any>;
  expect(await stub.hello("bob")).toBe("hi bob");
  expect(await stub.answer).toBe(42);
  const boom = await rejection(stub.boom());
  expect(boom).toBeInstanceOf(RangeError);
  expect(boom.message).toBe("kaboom");
  expect((await rejection(stub.nope())).message).toBe('The RPC receiver does not implement the method "nope".');
  // Instance fields are not part of the RPC interface, as in the runtime.
  expect((await rejection(stub.field)).message).toBe('The RPC receiver does not implement the method "field".');
  // Arguments and results are copies: neither side sees the other's mutations.
  const arg = { name: "x" };
  expect(await stub.add(arg)).toBe(1);
  expect(arg.name).toBe("x");
  const listed = await stub.list();
  listed.push("local");
  expect(await stub.list()).toEqual(["mutated"]);
  // Only classes extending DurableObject take RPC calls.
  class Plain {
    hello(): string {
      return "hi";
    }
  }
  const plain = namespace(scratchStore().open(), Plain).getByName("p") as any;
  expect((await rejection(plain.hello())).message).toStartWith(
    "The receiving Durable Object does not support RPC, because its class was not declared with `extends DurableObject`.",
  );
  // A stub is not a thenable, so it can be returned from async functions.
  expect((stub as any).then).toBeUndefined();
  expect(await Promise.resolve(stub)).toBe(stub);
});

test("stub.fetch delivers the request to the object's fetch handler", async () => {
  class Echo extends DurableObject {
    async fetch(request: Request): Promise<Response> {
      return Response.json({ method: request.method, url: request.url, body: await request.text(), id: this.ctx.id.name });
    }
  }
  const ns = namespace(scratchStore().open(), Echo);
  const stub = ns.getByName("e");
  const res = await stub.fetch("http://do/path?q=1", { method: "POST", body: "payload" });
  expect(await res.json()).toEqual({ method: "POST", url: "http://do/path?q=1", body: "payload", id: "e" });
  const res2 = await stub.fetch(new Request("http://do/other"));
  expect(((await res2.json()) as { url: string }).url).toBe("http://do/other");

  const noFetch = namespace(scratchStore().open(), Rpc);
  expect((await rejection(noFetch.getByName("x").fetch("http://do/"))).message).toBe(
    "Handler does not export a fetch() function.",
  );
});

test("concurrent requests to one counter never lose an update (input gate)", async () => {
  const ns = namespace(scratchStore().open(), Counter);
  const stub = ns.getByName("busy") as DurableObjectStub & Record<string, any>;
  const results = await Promise.all(Array.from({ length: 50 }, () => stub.increment()));
  expect(results.sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  expect(await stub.increment(0)).toBe(50);
});

test("events waiting at the gate start one after another's continuations, also through nested async helpers", async () => {
  // The read and the write sit a few awaits apart (helpers calling helpers): each
  // waiting event may start only once the one before has run all of them.
  class Nested extends DurableObject {
    async read(): Promise<number> {
      return ((await this.ctx.storage.get("n")) as number | undefined) ?? 0;
    }
    async readTwice(): Promise<number> {
      return await (async () => await this.read())();
    }
    async bump(): Promise<number> {
      const value = await this.readTwice();
      await Promise.resolve();
      await this.ctx.storage.put("n", value + 1);
      return value + 1;
    }
  }
  const stub = namespace(scratchStore().open(), Nested).getByName("nested") as DurableObjectStub & Record<string, any>;
  const results = await Promise.all(Array.from({ length: 200 }, () => stub.bump()));
  expect(results.sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
});

test("a caller looping on an object's storage-touching method still lets timers run", async () => {
  const stub = namespace(scratchStore().open(), Counter).getByName("loop") as DurableObjectStub & Record<string, any>;
  let stop = false;
  setTimeout(() => (stop = true), 0);
  let calls = 0;
  while (!stop) {
    await stub.increment();
    calls++;
  }
  expect(calls).toBeGreaterThan(0);
  expect(await stub.increment(0)).toBe(calls);
});

test("blockConcurrencyWhile in the constructor holds every event until it is done", async () => {
  const order: string[] = [];
  // The initialisation waits for the test to release it, after both reads were sent.
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let constructed!: () => void;
  const wasConstructed = new Promise<void>((resolve) => (constructed = resolve));
  class Slow extends DurableObject {
    value: string | undefined;
    constructor(ctx: DurableObjectState, env: Record<string, unknown>) {
      super(ctx, env);
      void ctx.blockConcurrencyWhile(async () => {
        constructed();
        await released;
        order.push("init");
        this.value = "ready";
      });
    }
    read(tag: string): string | undefined {
      order.push(tag);
      return this.value;
    }
  }
  const stub = namespace(scratchStore().open(), Slow).getByName("s") as DurableObjectStub & Record<string, any>;
  const reads = Promise.all([stub.read("a"), stub.read("b")]);
  await within(5000, wasConstructed);
  expect(order).toEqual([]);
  release();
  const [a, b] = await within(5000, reads);
  expect([a, b]).toEqual(["ready", "ready"]);
  expect(order).toEqual(["init", "a", "b"]);
});

test("a request awaiting non-storage I/O lets another request to the same object run", async () => {
  const order: string[] = [];
  // slow() waits on a promise only the test resolves (I/O that is not storage);
  // quick() is sent once slow() has started, and must finish before it is released.
  let started!: () => void;
  const slowStarted = new Promise<void>((resolve) => (started = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  class Waiter extends DurableObject {
    async slow(): Promise<void> {
      order.push("slow:start");
      started();
      await released;
      order.push("slow:end");
    }
    quick(): void {
      order.push("quick");
    }
  }
  const stub = namespace(scratchStore().open(), Waiter).getByName("w") as DurableObjectStub & Record<string, any>;
  const slow = stub.slow();
  await within(5000, slowStarted);
  await within(5000, stub.quick());
  release();
  await within(5000, slow);
  expect(order).toEqual(["slow:start", "quick", "slow:end"]);
});

test("a throwing blockConcurrencyWhile resets the object: the next call gets a new instance", async () => {
  let instances = 0;
  class Fragile extends DurableObject {
    n = ++instances;
    async fail(): Promise<void> {
      await this.ctx.blockConcurrencyWhile(async () => {
        throw new Error("init failed");
      });
    }
    which(): number {
      return this.n;
    }
  }
  const stub = namespace(scratchStore().open(), Fragile).getByName("f") as DurableObjectStub & Record<string, any>;
  expect(await stub.which()).toBe(1);
  expect((await rejection(stub.fail())).message).toBe("init failed");
  expect(await stub.which()).toBe(2);
});

test("a caught blockConcurrencyWhile error or ctx.abort() still fails the call that was running, not marked remote", async () => {
  let instances = 0;
  class Breakable extends DurableObject {
    n = ++instances;
    async swallow(): Promise<string> {
      try {
        await this.ctx.blockConcurrencyWhile(async () => {
          throw new Error("bcw boom");
        });
      } catch {
        return "survived";
      }
      return "unreachable";
    }
    async quit(): Promise<string> {
      try {
        this.ctx.abort("stop now");
      } catch {
        return "survived";
      }
      return "unreachable";
    }
    which(): number {
      return this.n;
    }
  }
  const stub = namespace(scratchStore().open(), Breakable).getByName("b") as DurableObjectStub & Record<string, any>;
  const broken = await rejection(stub.swallow());
  expect(broken.message).toBe("bcw boom");
  expect((broken as { remote?: boolean }).remote).toBeUndefined();
  expect(await stub.which()).toBe(2);
  expect((await rejection(stub.quit())).message).toBe("stop now");
  expect(await stub.which()).toBe(3);
});

async function storage(sqlite = false) {
  let grabbed: DurableObjectState | undefined;
  class Grab extends DurableObject {
    alarm(): void {}
    constructor(ctx: DurableObjectState, env: Record<string, unknown>) {
      super(ctx, env);
      grabbed = ctx;
    }
    ping(): void {}
  }
  const ns = namespace(scratchStore().open(), Grab, { sqlite });
  await (ns.getByName("s") as any).ping();
  return grabbed!.storage;
}

test("storage get/put/delete handle single keys, batches and structured-clone values", async () => {
  const s = await storage();
  await s.put("map", new Map([[1, { d: new Date(0) }]]));
  const map = (await s.get("map")) as Map<number, { d: Date }>;
  expect(map.get(1)!.d).toEqual(new Date(0));
  await s.put({ b: 2, a: 1, c: 3 });
  expect(await s.get(5 as never)).toBeUndefined();
  await s.put(5 as never, "five");
  expect(await s.get("5")).toBe("five");
  const many = (await s.get(["c", "a", "missing"])) as Map<string, unknown>;
  expect([...many]).toEqual([
    ["a", 1],
    ["c", 3],
  ]);
  expect(await s.delete("a")).toBe(true);
  expect(await s.delete("a")).toBe(false);
  expect(await s.delete(["b", "c", "nope"])).toBe(2);
  await s.deleteAll();
  expect((await s.list()).size).toBe(0);
});

test("list honours start, startAfter, end, prefix, reverse and limit", async () => {
  const s = await storage();
  await s.put({ a: 1, "b/1": 2, "b/2": 3, "b/3": 4, c: 5, é: 6 });
  const keys = async (o: object) => [...((await s.list(o)) as Map<string, unknown>).keys()];
  expect(await keys({})).toEqual(["a", "b/1", "b/2", "b/3", "c", "é"]);
  expect(await keys({ prefix: "b/" })).toEqual(["b/1", "b/2", "b/3"]);
  expect(await keys({ start: "b/2" })).toEqual(["b/2", "b/3", "c", "é"]);
  expect(await keys({ startAfter: "b/2" })).toEqual(["b/3", "c", "é"]);
  expect(await keys({ end: "b/2" })).toEqual(["a", "b/1"]);
  expect(await keys({ reverse: true, limit: 2 })).toEqual(["é", "c"]);
  expect(await keys({ prefix: "b/", reverse: true, limit: 2 })).toEqual(["b/3", "b/2"]);
  await s.put({ "😀a": 1, "😀b": 2, "😁": 3 });
  expect(await keys({ prefix: "😀" })).toEqual(["😀a", "😀b"]);
  expect((await rejection(s.list({ limit: 0 }))).message).toBe("List limit must be positive.");
  expect((await rejection(s.list({ start: "a", startAfter: "b" }))).message).toBe(
    "list() cannot be called with both start and startAfter values.",
  );
});

test("a transaction that throws or calls rollback() leaves storage as it was", async () => {
  const s = await storage();
  await s.put("k", 1);
  expect(
    (
      await rejection(
        s.transaction(async (txn) => {
          await txn.put("k", 2);
          await txn.put("other", 1);
          throw new Error("boom");
        }),
      )
    ).message,
  ).toBe("boom");
  expect(await s.get("k")).toBe(1);
  expect(await s.get("other")).toBeUndefined();
  const result = await s.transaction(async (txn) => {
    await txn.put("k", 3);
    txn.rollback();
    return "done";
  });
  expect(result).toBe("done");
  expect(await s.get("k")).toBe(1);
  await s.transaction(async (txn) => {
    await txn.put("k", 4);
  });
  expect(await s.get("k")).toBe(4);
});

test("transactions on one object run one after another, even across awaits of other I/O", async () => {
  // All three calls are made before the test awaits anything, so "b" and "c"
  // are waiting while "a" holds its transaction open on a promise that is not
  // storage, until the test releases it.
  const called: string[] = [];
  const inside: string[] = [];
  let overlapped = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let aEntered!: () => void;
  const entered = new Promise<void>((r) => (aEntered = r));
  class Bank extends DurableObject {
    async transfer(tag: string): Promise<void> {
      called.push(tag);
      await this.ctx.storage.transaction(async (txn) => {
        if (inside.length) overlapped++;
        inside.push(tag);
        const log = ((await txn.get("log")) as string[] | undefined) ?? [];
        if (tag === "a") {
          aEntered();
          await gate;
        }
        await txn.put("log", [...log, tag]);
        inside.splice(inside.indexOf(tag), 1);
      });
    }
    async log(): Promise<unknown> {
      return this.ctx.storage.get("log");
    }
  }
  const stub = namespace(scratchStore().open(), Bank).getByName("b") as any;
  const all = Promise.all([stub.transfer("a"), stub.transfer("b"), stub.transfer("c")]);
  await within(5000, entered);
  expect(called).toEqual(["a"]);
  release();
  await within(5000, all);
  expect(overlapped).toBe(0);
  expect(await stub.log()).toEqual(["a", "b", "c"]);
});

test("bad keys and values are rejected with the runtime's messages and store nothing", async () => {
  const s = await storage();
  expect((await rejection(s.put("u", undefined))).message).toBe("put() called with undefined value.");
  expect((await rejection(s.put("v", "x".repeat(128 * 1024 + 100)))).message).toMatch(
    /^Values cannot be larger than 131072 bytes\. A value of size \d+ was provided\.$/,
  );
  // A value of exactly the advertised size fits: the serialization header is allowed for.
  await s.put("exact", "x".repeat(128 * 1024));
  await s.delete("exact");
  const clone = await rejection(s.put("f", () => 1));
  expect(clone.name).toBe("DataCloneError");
  expect((await s.list()).size).toBe(0);
  expect(() => s.sql).toThrow("SQL is not enabled for this Durable Object class.");
  class NoAlarm extends DurableObject {
    async arm(): Promise<void> {
      await this.ctx.storage.setAlarm(Date.now() + 60_000);
    }
  }
  const noAlarm = namespace(scratchStore().open(), NoAlarm).getByName("n") as any;
  expect((await rejection(noAlarm.arm())).message).toBe(
    "Your Durable Object class must have an alarm() handler in order to call setAlarm()",
  );
  // A SQLite-backed object allows values up to 2 MiB.
  const sq = await storage(true);
  await sq.put("v", "x".repeat(128 * 1024 + 10));
  expect(((await sq.get("v")) as string).length).toBe(128 * 1024 + 10);
});

test("keys are bounded only by workerd's SQLite length limit, alone and with their value, in every storage API", async () => {
  const tooBig = "string or blob too big: SQLITE_TOOBIG";
  const limit = 2_200_000;
  const fits = "k".repeat(limit);
  const over = "k".repeat(limit + 1);
  for (const s of [await storage(false), await storage(true)]) {
    // Production's KV backend refuses keys over 2048 bytes; workerd (wrangler dev) does not.
    await s.put("é".repeat(1025), 1);
    await s.put({ ["x".repeat(4096)]: 2 });
    expect(await s.get("é".repeat(1025))).toBe(1);
    expect(await s.get(fits)).toBeUndefined();
    expect(await s.delete([fits])).toBe(0);
    const listed = [{ start: fits }, { end: fits }, { prefix: fits }, { startAfter: fits.slice(1) }].map((o) => s.list(o));
    expect((await Promise.all(listed)).map((m) => m.size)).toEqual([2, 0, 0, 2]);
    const refusals = [
      s.get(over), s.get(["a", over]), s.put(over, 1), s.put({ a: 1, [over]: 2 }), s.delete(over), s.delete([over]),
      s.list({ start: over }), s.list({ end: over }), s.list({ prefix: over }),
      // workerd lists from startAfter plus a NUL byte.
      s.list({ startAfter: fits }),
      // The row SQLite builds holds the key and the serialized value.
      s.put("k".repeat(limit - 10), "v".repeat(20)),
    ];
    for (const refused of refusals) {
      const error = await rejection(refused);
      expect(error.constructor).toBe(Error);
      expect(error.message).toBe(tooBig);
    }
    expect((await rejection(s.put(over, undefined))).message).toBe("put() called with undefined value.");
    expect([...(await s.list()).keys()].map((k) => k.length)).toEqual([4096, 1025]);
  }
  const kv = (await storage(true)).kv;
  expect(() => kv.put(over, 1)).toThrow(new Error(tooBig));
  expect(() => kv.get(over)).toThrow(new Error(tooBig));
  expect(() => kv.delete(over)).toThrow(new Error(tooBig));
  expect(kv.get(fits)).toBeUndefined();
});

test("put({ ... }) skips an entry whose value is undefined, and list() with an empty range is empty whatever its bounds' size", async () => {
  const huge = "k".repeat(2_200_001);
  for (const s of [await storage(false), await storage(true)]) {
    await s.put({ a: 1, b: undefined, c: 3 });
    await s.put({ d: undefined });
    expect(await s.get("b")).toBeUndefined();
    expect([...((await s.get(["a", "b", "c", "d"])) as Map<string, unknown>).keys()]).toEqual(["a", "c"]);
    expect([...(await s.list())]).toEqual([["a", 1], ["c", 3]]);
    const empty = [
      { start: "z", end: "a" }, { start: "a", end: "a" }, { start: huge, end: "a" }, { start: "z", end: huge },
      // From startAfter plus a NUL byte: empty up to that key, and no size check on either bound.
      { startAfter: "a", end: "a\0" }, { startAfter: huge.slice(1), end: "a" }, { start: "z", end: "a", prefix: huge },
    ];
    for (const range of empty) {
      expect((await s.list(range)).size).toBe(0);
    }
    // A range that is not empty still checks its bounds.
    expect((await rejection(s.list({ start: "a", end: huge }))).message).toBe("string or blob too big: SQLITE_TOOBIG");
    expect([...(await s.list({ start: "a", end: "b" })).keys()]).toEqual(["a"]);
  }
});

test("sql.exec refuses SQL text over 100000 bytes and bound strings or blobs over SQLite's length limit, as workerd does", async () => {
  const sql = (await storage(true)).sql;
  const text = (n: number) => "SELECT '" + "x".repeat(n - 14) + "' AS s";
  expect(sql.exec(text(100_000)).toArray().length).toBe(1);
  expect(() => sql.exec(text(100_001))).toThrow(new Error("statement too long: SQLITE_TOOBIG"));
  expect(sql.exec("SELECT length(?) AS n", "x".repeat(2_200_000)).one().n).toBe(2_200_000);
  expect(() => sql.exec("SELECT length(?) AS n", "x".repeat(2_200_001))).toThrow(new Error("string or blob too big: SQLITE_TOOBIG"));
  expect(() => sql.exec("SELECT length(?) AS n", new Uint8Array(2_200_001))).toThrow(new Error("string or blob too big: SQLITE_TOOBIG"));
});

test("sql.exec splits a script as SQLite does: a trigger body's CASE ... END and its `;`s stay in the trigger; text after the last statement must be blank", async () => {
  const sql = (await storage(true)).sql;
  sql.exec(
    "CREATE TABLE t (id INTEGER PRIMARY KEY, size TEXT); " +
      "CREATE TRIGGER sized AFTER INSERT ON t BEGIN UPDATE t SET size = CASE WHEN new.id > 1 THEN 'big;' ELSE 'small' END WHERE id = new.id; END; " +
      "INSERT INTO t (id) VALUES (1); INSERT INTO t (id) VALUES (2) -- a last comment",
  );
  expect(sql.exec("SELECT size FROM t ORDER BY id").raw().toArray()).toEqual([["small"], ["big;"]]);
  // A comment or an empty `;` after the last statement is an empty last statement to the runtime.
  expect(sql.exec("; SELECT 1 AS a;\n").one().a).toBe(1);
  expect(() => sql.exec("SELECT 1 AS a; -- done")).toThrow(new Error("SQL code did not contain a statement."));
  expect(() => sql.exec("SELECT 1 AS a;;")).toThrow(new Error("SQL code did not contain a statement."));
});

test("sql.exec returns a cursor with rows, raw rows, column names and read/write counts", async () => {
  const s = await storage(true);
  const sql = s.sql;
  const created = sql.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, data BLOB); INSERT INTO t (name) VALUES ('a')");
  expect(created.rowsWritten).toBe(1);
  const insert = sql.exec("INSERT INTO t (name, data) VALUES (?, ?), (?, ?)", "b", new Uint8Array([1, 2]), "c", null);
  expect(insert.rowsWritten).toBe(2);
  const cursor = sql.exec("SELECT id, name FROM t ORDER BY id");
  expect(cursor.columnNames).toEqual(["id", "name"]);
  expect(cursor.next()).toEqual({ done: false, value: { id: 1, name: "a" } });
  expect([...cursor]).toEqual([
    { id: 2, name: "b" },
    { id: 3, name: "c" },
  ]);
  expect(cursor.next().done).toBe(true);
  expect(sql.exec("SELECT id, name FROM t ORDER BY id").raw().toArray()).toEqual([
    [1, "a"],
    [2, "b"],
    [3, "c"],
  ]);
  const all = sql.exec("SELECT id, name FROM t ORDER BY id");
  all.toArray();
  expect(all.rowsRead).toBe(3);
  const blob = sql.exec("SELECT data FROM t WHERE name = ?", "b").one().data;
  expect(blob).toBeInstanceOf(ArrayBuffer);
  expect([...new Uint8Array(blob as ArrayBuffer)]).toEqual([1, 2]);
  expect(() => sql.exec("SELECT 1 WHERE 0").one()).toThrow(
    "Expected exactly one result from SQL query, but got no results.",
  );
  expect(() => sql.exec("SELECT 1 UNION ALL SELECT 2").one()).toThrow(
    "Expected exactly one result from SQL query, but got multiple results.",
  );
  expect(() => sql.exec("SELECT ?")).toThrow("Wrong number of parameter bindings for SQL query.");
  expect(() => sql.exec("INSERT INTO t (name) VALUES (?); SELECT 1", "x")).toThrow(
    "When executing multiple SQL statements in a single call, only the last statement can have parameters.",
  );
  expect(() => sql.exec("BEGIN TRANSACTION")).toThrow(/^To execute a transaction, please use the state\.storage/);
  expect(() => sql.exec("selec 1")).toThrow('near "selec": syntax error at offset 0: SQLITE_ERROR');
  expect(() => sql.exec("SELECT * FROM nope")).toThrow("no such table: nope: SQLITE_ERROR");
  expect(() => sql.exec("  ")).toThrow("SQL code did not contain a statement.");
  expect(() => sql.exec("SELECT ?", 5n)).toThrow("Cannot convert a BigInt value to a number");
  expect(sql.exec("SELECT ? AS b, ? AS u", true, undefined).one()).toEqual({ b: "true", u: null });
  expect(sql.databaseSize).toBeGreaterThan(0);
  expect(s.transactionSync(() => sql.exec("SELECT count(*) AS n FROM t").one().n)).toBe(3);
  expect(() =>
    s.transactionSync(() => {
      sql.exec("DELETE FROM t");
      throw new Error("undo");
    }),
  ).toThrow("undo");
  expect(sql.exec("SELECT count(*) AS n FROM t").one().n).toBe(3);
});

test("a cursor's rowsRead grows as its rows are read, and counts the last statement only, as in the runtime", async () => {
  const sql = (await storage(true)).sql;
  sql.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)");
  sql.exec("INSERT INTO t (name) VALUES ('a'), ('b'), ('c'), ('d'), ('e')");
  const counts = (c: { rowsRead: number; rowsWritten: number }) => [c.rowsRead, c.rowsWritten];
  const scan = sql.exec("SELECT * FROM t");
  expect(counts(scan)).toEqual([1, 0]);
  scan.next();
  expect(counts(scan)).toEqual([2, 0]);
  scan.raw().next();
  expect(counts(scan)).toEqual([3, 0]);
  scan.toArray();
  expect(counts(scan)).toEqual([5, 0]);
  expect(scan.next().done).toBe(true);
  expect(counts(scan)).toEqual([5, 0]);
  expect(counts(sql.exec("SELECT * FROM t WHERE 0"))).toEqual([0, 0]);
  expect(counts(sql.exec("INSERT INTO t (name) VALUES ('f'), ('g')"))).toEqual([0, 2]);
  // An earlier statement's writes are not counted.
  const multi = sql.exec("INSERT INTO t (name) VALUES ('h'); SELECT * FROM t");
  expect(counts(multi)).toEqual([1, 0]);
  expect(multi.toArray().length).toBe(8);
  expect(counts(multi)).toEqual([8, 0]);
  // one() with several rows has stepped to the second one, and ends the cursor.
  const many = sql.exec("SELECT * FROM t");
  expect(() => many.one()).toThrow("Expected exactly one result from SQL query, but got multiple results.");
  expect(counts(many)).toEqual([2, 0]);
  expect(many.next().done).toBe(true);
  expect(Object.keys(many)).toEqual([]);
});

test("sql.exec refuses what the runtime's authorizer refuses: other databases, temporary tables, most PRAGMAs", async () => {
  const s = await storage(true);
  const sql = s.sql;
  expect(() => sql.exec("ATTACH DATABASE 'elsewhere.db' AS x")).toThrow("not authorized: SQLITE_AUTH");
  expect(() => sql.exec("DETACH DATABASE x")).toThrow("not authorized: SQLITE_AUTH");
  expect(() => sql.exec("CREATE TEMP TABLE tt (a)")).toThrow("not authorized: SQLITE_AUTH");
  expect(() => sql.exec("PRAGMA journal_mode = DELETE")).toThrow("not authorized: SQLITE_AUTH");
  expect(() => sql.exec("PRAGMA page_size")).toThrow("not authorized: SQLITE_AUTH");
  expect(() => sql.exec("VACUUM")).toThrow("cannot VACUUM from within a transaction: SQLITE_ERROR");
  // A column may carry the runtime's prefix; the allowed PRAGMAs answer.
  sql.exec("CREATE TABLE t (_cf_col)");
  expect(sql.exec("PRAGMA table_info(t)").toArray().map((row) => row.name)).toEqual(["_cf_col"]);
  sql.exec("PRAGMA foreign_keys = ON");
});

test("the KV API of a SQLite-backed object lives in its database, hidden from sql.exec", async () => {
  const s = await storage(true);
  await s.put("k", { v: 1 });
  expect(() => s.sql.exec("SELECT * FROM _cf_KV")).toThrow("access to _cf_KV.key is prohibited: SQLITE_AUTH");
  expect(() => s.sql.exec("SELECT * FROM _CF_kv")).toThrow("access to _cf_KV.key is prohibited: SQLITE_AUTH");
  expect(() => s.sql.exec("DELETE FROM _cf_KV")).toThrow("not authorized: SQLITE_AUTH");
  expect(() => s.sql.exec("CREATE TABLE _cf_mine (x)")).toThrow("not authorized: SQLITE_AUTH");
  // The synchronous KV API sees the same pairs.
  expect(s.kv.get("k")).toEqual({ v: 1 });
  s.kv.put("j", 2);
  expect(await s.get("j")).toBe(2);
  expect([...s.kv.list({ prefix: "j" })]).toEqual([["j", 2]]);
  expect(s.kv.delete("j")).toBe(true);
  s.sql.exec("CREATE TABLE mine (x)");
  await expect(s.setAlarm(NaN)).rejects.toThrow("The value cannot be converted because it is not a valid Date.");
  await expect(s.setAlarm("soon" as never)).rejects.toThrow("Failed to execute 'setAlarm' on 'DurableObjectStorage': parameter 1 is not of type 'date'.");
  // Whole milliseconds, as the runtime keeps them.
  await s.setAlarm(1_000_000_000_000.7);
  expect(await s.getAlarm()).toBe(1_000_000_000_000);
  await s.setAlarm(Date.now() + 60_000);
  await s.deleteAll();
  // deleteAll() keeps the alarm, as the runtime does.
  expect(await s.getAlarm()).not.toBeNull();
  await s.deleteAlarm();
  await s.put("after", 1);
  expect(await s.get("after")).toBe(1);
  expect(await s.get("k")).toBeUndefined();
  expect(() => s.sql.exec("SELECT * FROM mine")).toThrow("no such table: mine");
});

test("a get sees what was written to the object's file since by another connection, another process or the sync API, as a fresh copy", async () => {
  const scratch = scratchStore();
  const store = scratch.open();
  let grabbed: DurableObjectState | undefined;
  class Held extends DurableObject {
    constructor(ctx: DurableObjectState, env: Record<string, unknown>) {
      super(ctx, env);
      grabbed = ctx;
    }
    ping(): void {}
  }
  const ns = namespace(store, Held, { sqlite: true });
  await (ns.getByName("h") as any).ping();
  const s = grabbed!.storage;
  const file = path.join(store.doDir("Held"), `${ns.idFromName("h")}.sqlite`);
  await s.put("k", { n: 1 });
  const first = (await s.get("k")) as { n: number };
  first.n = 99;
  expect(await s.get("k")).toEqual({ n: 1 });
  expect(await s.get("absent")).toBeUndefined();
  // Another connection in this process.
  const { Database } = await import("bun:sqlite");
  const { serialize } = await import("bun:jsc");
  const other = new Database(file);
  other.run("PRAGMA busy_timeout = 5000");
  other.run("UPDATE _cf_KV SET value = ? WHERE key = 'k'", [serialize({ n: 2 })]);
  other.run("INSERT INTO _cf_KV (key, value) VALUES ('absent', ?)", [serialize("here")]);
  other.close();
  expect(await s.get("k")).toEqual({ n: 2 });
  expect(await s.get("absent")).toBe("here");
  // Another process, right after a put of ours.
  for (let n = 3; n < 6; n++) {
    await s.put("k", { n: -n });
    expect(await s.get("k")).toEqual({ n: -n });
    const script = `
      const db = new (require("bun:sqlite").Database)(${JSON.stringify(file)});
      db.run("PRAGMA busy_timeout = 5000");
      db.run("UPDATE _cf_KV SET value = ? WHERE key = 'k'", [require("bun:jsc").serialize({ n: ${n} })]);
      db.close();`;
    const child = Bun.spawnSync([process.execPath, "-e", script], { stderr: "pipe" });
    expect(child.stderr.toString()).toBe("");
    expect(await s.get("k")).toEqual({ n });
  }
  // The synchronous API and a transaction rolled back.
  s.kv.put("k", 6);
  expect(await s.get("k")).toBe(6);
  await s.transaction(async (txn) => {
    await txn.put("k", 7);
    expect(await txn.get("k")).toBe(7);
    txn.rollback();
  });
  expect(await s.get("k")).toBe(6);
  await s.deleteAll();
  expect(await s.get("k")).toBeUndefined();
});

test("an alarm fires the object's alarm() handler once, then is cleared", async () => {
  const fired: unknown[] = [];
  let done: () => void;
  const firedOnce = new Promise<void>((r) => (done = r));
  class Alarmed extends DurableObject {
    async schedule(at: number): Promise<number | null> {
      await this.ctx.storage.setAlarm(at);
      return this.ctx.storage.getAlarm();
    }
    async alarm(info: unknown): Promise<void> {
      fired.push(info);
      fired.push(await this.ctx.storage.getAlarm());
      done();
    }
    async current(): Promise<number | null> {
      return this.ctx.storage.getAlarm();
    }
  }
  const ns = namespace(scratchStore().open(), Alarmed);
  const stub = ns.getByName("a") as DurableObjectStub & Record<string, any>;
  const at = Date.now() + 50;
  expect(await stub.schedule(at)).toBe(at);
  await within(5000, firedOnce);
  expect(fired).toEqual([{ scheduledTime: at, retryCount: 0, isRetry: false }, null]);
  // The row is cleared once the handler has returned: poll for that.
  await within(5000, (async () => { while ((await stub.current()) !== null) await new Promise((r) => setImmediate(r)); })());
});

test("a stored alarm is re-scheduled after a restart and fires into the new process's class", async () => {
  const scratch = scratchStore();
  let store = scratch.open();
  class Later extends DurableObject {
    async schedule(at: Date): Promise<void> {
      await this.ctx.storage.setAlarm(at);
    }
    async alarm(): Promise<void> {
      throw new Error("the old process must not fire this");
    }
  }
  const old = namespace(store, Later, { className: "Sched" });
  await (old.getByName("x") as any).schedule(new Date(Date.now() + 150));
  old.dispose();
  store.close();

  store = scratch.open();
  let resolveFired: (name: string | undefined) => void;
  const fired = new Promise<string | undefined>((r) => (resolveFired = r));
  class Sched extends DurableObject {
    async alarm(): Promise<void> {
      resolveFired(this.ctx.id.name);
    }
  }
  namespace(store, Sched);
  expect(await within(5000, fired)).toBe("x");
});

test("an alarm whose handler throws is retried with isRetry set", async () => {
  const calls: { retryCount: number; isRetry: boolean }[] = [];
  let resolveRetried: () => void;
  const retried = new Promise<void>((r) => (resolveRetried = r));
  class Flaky extends DurableObject {
    async arm(): Promise<void> {
      await this.ctx.storage.setAlarm(Date.now());
    }
    async alarm(info: { retryCount: number; isRetry: boolean }): Promise<void> {
      calls.push(info);
      if (calls.length === 1) throw new Error("first try fails");
      resolveRetried();
    }
  }
  const reported: unknown[] = [];
  const stub = namespace(scratchStore().open(), Flaky, { reportError: (e) => reported.push(e) }).getByName("f") as any;
  await stub.arm();
  // The first retry comes after the runtime's 2 s backoff.
  await within(8000, retried);
  expect(calls.map(({ retryCount, isRetry }) => ({ retryCount, isRetry }))).toEqual([
    { retryCount: 0, isRetry: false },
    { retryCount: 1, isRetry: true },
  ]);
  expect((reported as Error[]).map((e) => e.message)).toEqual(["first try fails"]);
}, 10_000);

test("sqliteBackedClasses follows new_sqlite_classes through renames and deletions", () => {
  const classes = sqliteBackedClasses([
    { tag: "v1", new_classes: ["Kv"], new_sqlite_classes: ["A", "B"] },
    { tag: "v2", renamed_classes: [{ from: "A", to: "A2" }], deleted_classes: ["B"] },
  ]);
  expect([...classes]).toEqual(["A2"]);
  expect(sqliteBackedClasses(undefined).size).toBe(0);
});

test("an alarm handler can schedule the next alarm, and that one fires too", async () => {
  let runs = 0;
  let resolveDone: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  class Ticker extends DurableObject {
    async start(): Promise<void> {
      await this.ctx.storage.setAlarm(Date.now() + 10);
    }
    async alarm(): Promise<void> {
      runs++;
      if (runs < 3) await this.ctx.storage.setAlarm(Date.now() + 10);
      else resolveDone();
    }
    async pending(): Promise<number | null> {
      return this.ctx.storage.getAlarm();
    }
  }
  const stub = namespace(scratchStore().open(), Ticker).getByName("t") as any;
  await stub.start();
  await within(5000, done);
  // Cleared once the third handler has returned, and no fourth run was scheduled.
  await within(5000, (async () => { while ((await stub.pending()) !== null) await new Promise((r) => setImmediate(r)); })());
  expect(runs).toBe(3);
  expect(await stub.pending()).toBeNull();
});

test("deleteAlarm cancels a pending alarm", async () => {
  const fired: string[] = [];
  let resolveLater: () => void;
  const later = new Promise<void>((r) => (resolveLater = r));
  class Cancel extends DurableObject {
    async arm(at: number, cancel: boolean): Promise<void> {
      await this.ctx.storage.setAlarm(at);
      if (cancel) await this.ctx.storage.deleteAlarm();
    }
    async alarm(): Promise<void> {
      fired.push(this.ctx.id.name!);
      if (this.ctx.id.name === "later") resolveLater();
    }
    async current(): Promise<number | null> {
      return this.ctx.storage.getAlarm();
    }
  }
  const ns = namespace(scratchStore().open(), Cancel);
  const now = Date.now();
  await (ns.getByName("c") as any).arm(now + 20, true);
  // Alarms fire in time order: once the later object's alarm has fired, the
  // cancelled one's time has passed too, so it would have fired by then.
  await (ns.getByName("later") as any).arm(now + 60, false);
  await within(5000, later);
  expect(fired).toEqual(["later"]);
  expect(await (ns.getByName("c") as any).current()).toBeNull();
});

test("touching many objects keeps a bounded number of files open and loses nothing", async () => {
  const ns = namespace(scratchStore().open(), Counter, { className: "ManyCounters", maxOpenDatabases: 8 });
  const openFds = () => readdirSync("/proc/self/fd").length;
  const before = openFds();
  for (let i = 0; i < 60; i++) await (ns.getByName(`room-${i}`) as any).increment(i);
  // 8 open databases in WAL mode hold about 3 descriptors each; 60 would hold 180.
  expect(openFds() - before).toBeLessThan(8 * 3 + 12);
  for (const i of [0, 1, 30, 59]) expect(await (ns.getByName(`room-${i}`) as any).increment(0)).toBe(i);
});

class FakeSocket extends EventTarget {
  sent: unknown[] = [];
  accepted = false;
  send(message: unknown): void {
    this.sent.push(message);
  }
  close(): void {}
  accept(): void {
    this.accepted = true;
  }
}

test("accepted WebSockets deliver messages and closes to the object's handlers, with tags and auto-responses", async () => {
  const closed: unknown[] = [];
  class Room extends DurableObject {
    async webSocketMessage(ws: any, message: string): Promise<void> {
      const count = (((await this.ctx.storage.get("count")) as number | undefined) ?? 0) + 1;
      await this.ctx.storage.put("count", count);
      ws.send(`${message}:${count}:${this.ctx.getTags(ws).join(",")}:${ws.deserializeAttachment().user}`);
    }
    webSocketClose(_ws: unknown, code: number, reason: string, wasClean: boolean): void {
      closed.push([code, reason, wasClean]);
    }
    sockets(tag?: string): number {
      return this.ctx.getWebSockets(tag).length;
    }
  }
  let grabbed: DurableObjectState | undefined;
  class Grabbing extends Room {
    constructor(ctx: DurableObjectState, env: Record<string, unknown>) {
      super(ctx, env);
      grabbed = ctx;
    }
  }
  const ns = namespace(scratchStore().open(), Grabbing, { className: "Room" });
  const stub = ns.getByName("lobby") as any;
  await stub.sockets(); // construct the instance
  const room = grabbed as unknown as { acceptWebSocket(ws: unknown, tags?: string[]): void; getTags(ws: unknown): string[] };
  const a = new FakeSocket();
  const b = new FakeSocket();
  // Sockets go in by reference (RPC would copy them), so accept through ctx directly.
  room.acceptWebSocket(a, ["alice", "blue"]);
  (a as any).serializeAttachment({ user: "alice" });
  room.acceptWebSocket(b, ["bob"]);
  (b as any).serializeAttachment({ user: "bob" });
  (grabbed as any).setWebSocketAutoResponse({ request: "ping", response: "pong" });
  expect(a.accepted).toBe(true);
  expect(await stub.sockets()).toBe(2);
  expect(await stub.sockets("blue")).toBe(1);

  a.dispatchEvent(new MessageEvent("message", { data: "hi" }));
  b.dispatchEvent(new MessageEvent("message", { data: "yo" }));
  a.dispatchEvent(new MessageEvent("message", { data: "ping" }));
  await within(5000, (async () => { while (a.sent.length < 2 || b.sent.length < 1) await Bun.sleep(5); })());
  // The auto-response is answered at once, without waiting for the object.
  expect(a.sent.sort()).toEqual(["hi:1:alice,blue:alice", "pong"]);
  expect(b.sent).toEqual(["yo:2:bob:bob"]);
  expect((grabbed as any).getWebSocketAutoResponseTimestamp(a)).toBeInstanceOf(Date);

  a.dispatchEvent(new CloseEvent("close", { code: 4000, reason: "done", wasClean: true }));
  await within(5000, (async () => { while (closed.length < 1) await Bun.sleep(5); })());
  expect(closed).toEqual([[4000, "done", true]]);
  expect(await stub.sockets()).toBe(1);

  expect(() => room.acceptWebSocket(new FakeSocket(), Array.from({ length: 11 }, (_, i) => `t${i}`))).toThrow(
    "a Hibernatable WebSocket cannot have more than 10 tags",
  );
  expect(() => room.acceptWebSocket(new FakeSocket(), ["x".repeat(257)])).toThrow(
    "is longer than the max tag length (256 characters).",
  );
  expect(() => room.acceptWebSocket({})).toThrow(
    "Failed to execute 'acceptWebSocket' on 'DurableObjectState': parameter 1 is not of type 'WebSocket'.",
  );
  expect(() => room.getTags(new FakeSocket())).toThrow(
    "you must call 'acceptWebSocket()' before attempting to access the tags of a WebSocket.",
  );
});

test("an object that never touches storage leaves no file behind", async () => {
  const store = scratchStore().open();
  const ns = namespace(store, Rpc);
  await (ns.getByName("quiet") as any).hello("x");
  expect(existsSync(path.join(store.doDir("Rpc"), `${ns.idFromName("quiet")}.sqlite`))).toBe(false);
});

/** The ctx of a running object whose webSocketMessage calls `onMessage`: sockets go in by reference (RPC would copy them). */
async function messageRoom(onMessage: (ws: WebSocket, message: unknown) => void): Promise<any> {
  let grabbed: DurableObjectState | undefined;
  class Room extends DurableObject {
    constructor(ctx: DurableObjectState, env: Record<string, unknown>) {
      super(ctx, env);
      grabbed = ctx;
    }
    webSocketMessage(ws: WebSocket, message: unknown): void {
      onMessage(ws, message);
    }
    ready(): boolean {
      return true;
    }
  }
  await (namespace(scratchStore().open(), Room).getByName("r") as any).ready();
  return grabbed;
}

test("acceptWebSocket takes a socket once, accept() after it is refused, getWebSockets() lists newest first", async () => {
  const seen: unknown[] = [];
  const ctx = await messageRoom((_ws, message) => seen.push(message));
  const pairs = ["one", "two", "three"].map(() => new WebSocketPair());
  ctx.acceptWebSocket(pairs[0]![1], ["a"]);
  ctx.acceptWebSocket(pairs[1]![1], ["b"]);
  ctx.acceptWebSocket(pairs[2]![1], ["a"]);
  expect(() => ctx.acceptWebSocket(pairs[0]![1], ["a"])).toThrow("Cannot call `acceptWebSocket()` if the WebSocket was already accepted via `accept()`");
  expect(() => pairs[0]![1].accept()).toThrow("Can't accept() WebSocket after enabling hibernation.");
  const accepted = new WebSocketPair()[1];
  accepted.accept();
  expect(() => ctx.acceptWebSocket(accepted)).toThrow("Cannot call `acceptWebSocket()` if the WebSocket was already accepted via `accept()`");
  expect(ctx.getWebSockets()).toEqual([pairs[2]![1], pairs[1]![1], pairs[0]![1]]);
  expect(ctx.getWebSockets("a")).toEqual([pairs[0]![1], pairs[2]![1]]);
  // One delivery per message, however often acceptWebSocket was tried.
  pairs[0]![0].accept();
  pairs[0]![0].send("hello");
  await within(5000, (async () => { while (seen.length === 0) await Bun.sleep(5); })());
  await Bun.sleep(20);
  expect(seen).toEqual(["hello"]);
});

test("a hibernatable WebSocket's binary messages reach webSocketMessage as ArrayBuffers whatever its binaryType says", async () => {
  const seen: string[] = [];
  const ctx = await messageRoom((ws, message) => seen.push(`${ws.binaryType} ${Object.prototype.toString.call(message)}`));
  // The default binaryType of websocket_standard_binary_type (from 2026-03-17) and of the dates before it, and one set by hand.
  const cases: [boolean, string?][] = [[true], [false], [false, "blob"], [true, "arraybuffer"]];
  for (const [blobMessages, binaryType] of cases) {
    const [client, server] = Object.values(new (webSocketClassesFor({ autoReply: false, limitReason: false, blobMessages }).WebSocketPair)());
    if (binaryType) server.binaryType = binaryType;
    ctx.acceptWebSocket(server);
    client.accept();
    client.send(new Uint8Array([1]));
  }
  await within(5000, (async () => { while (seen.length < cases.length) await Bun.sleep(5); })());
  expect(seen).toEqual(["blob [object ArrayBuffer]", "arraybuffer [object ArrayBuffer]", "blob [object ArrayBuffer]", "arraybuffer [object ArrayBuffer]"]);
});
