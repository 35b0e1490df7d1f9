// Durable Object behaviour a worker sees under both dev servers, beyond the
// KV / SQL round trips of dev.ts.
import type { CompatCase } from "../harness.ts";
import { devCase } from "../dev-harness.ts";
import { ATTEMPT } from "../attempt.ts";

const config = (name: string) =>
  `name = "${name}"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[durable_objects.bindings]]\nname = "D"\nclass_name = "Thing"\n[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["Thing"]\n`;

/** A config with a second, KV-backed class KvThing bound as K. */
const withKvClass = (toml: string) =>
  toml.replace('class_name = "Thing"\n', 'class_name = "Thing"\n[[durable_objects.bindings]]\nname = "K"\nclass_name = "KvThing"\n') + 'new_classes = ["KvThing"]\n';

const OVER_LIMIT_REFUSED = {
  reason: "wrangler dev stores a value production refuses, so the app fails only once deployed; bunflare refuses it with production's error",
  wrangler: (text: string) => text.replace(/over-limit value stored/g, "refused"),
  bunflare: (text: string) => text.replace(/RangeError: Values cannot be larger than \d+ bytes\. A value of size \d+ was provided\./g, "refused"),
};

// A blockConcurrencyWhile callback that throws, or ctx.abort(), breaks the
// object: the call that was running fails with that error even when it caught
// it (and is not marked remote), and the next call meets a new instance.
const BROKEN_WORKER = `import { DurableObject } from "cloudflare:workers";
let constructed = 0;
export class Thing extends DurableObject {
  constructor(ctx, env) { super(ctx, env); constructed++; this.mark = "fresh"; }
  async bcw() {
    this.mark = "touched";
    try { await this.ctx.blockConcurrencyWhile(async () => { throw new Error("bcw boom"); }); } catch (e) { return "caught " + e.message; }
  }
  async abort() {
    this.mark = "touched";
    try { this.ctx.abort("stop now"); } catch (e) { return "caught " + e.message; }
  }
  async thrower() { throw new Error("plain"); }
  async state() { const mark = this.mark; this.mark = "touched"; return { constructed, mark }; }
}
export default {
  async fetch(request, env) {
    const method = new URL(request.url).pathname.slice(1);
    const stub = env.D.get(env.D.idFromName("x"));
    try { return Response.json({ ok: await stub[method]() }); }
    catch (e) { return Response.json({ error: e.constructor.name + ": " + e.message, remote: e.remote ?? null }); }
  },
};
`;

// What ctx.storage.sql.exec refuses, as the runtime's SQLite authorizer does.
const SQL_WORKER = `import { DurableObject } from "cloudflare:workers";
const STATEMENTS = [
  "SELECT * FROM _cf_KV", "SELECT key FROM _CF_kv", "INSERT INTO _cf_KV VALUES ('a', 1)", "DELETE FROM _cf_KV", "DROP TABLE _cf_KV",
  "CREATE TABLE _cf_x (a)", "CREATE INDEX _cf_i ON t (a)", "CREATE TABLE y (_cf_col)", "SELECT '_cf_KV' AS s",
  "ATTACH DATABASE 'x.db' AS x", "DETACH DATABASE x", "CREATE TEMP TABLE tt (a)", "VACUUM",
  "PRAGMA journal_mode = DELETE", "PRAGMA page_size", "PRAGMA user_version = 3", "PRAGMA cache_size = 10", "PRAGMA integrity_check",
  "PRAGMA foreign_key_list(t)", "PRAGMA unknown_pragma",
  "PRAGMA table_info(t)", "PRAGMA table_xinfo(t)", "PRAGMA index_list(t)", "PRAGMA foreign_keys = ON", "PRAGMA defer_foreign_keys = ON",
  "PRAGMA quick_check", "PRAGMA optimize", "PRAGMA data_version", "PRAGMA legacy_alter_table = 1", "PRAGMA case_sensitive_like = 1",
];
export class Thing extends DurableObject {
  async probe() {
    await this.ctx.storage.put("k", 1);
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS t (a)");
    const out = {};
    for (const q of STATEMENTS) {
      try { out[q] = sql.exec(q).toArray().length + " rows"; } catch (e) { out[q] = e.constructor.name + ": " + e.message; }
    }
    return out;
  }
}
export default { async fetch(request, env) { return Response.json(await env.D.get(env.D.idFromName("x")).probe()); } };
`;

// How ctx.storage.sql.exec cuts a script into statements: as SQLite does, a trigger body
// (with a CASE ... END and a ';' in a string) is one statement; comments and empty ones drop out.
const SQL_SCRIPT_WORKER = `import { DurableObject } from "cloudflare:workers";
const SCRIPTS = [
  "CREATE TABLE t (id INTEGER PRIMARY KEY, size TEXT); CREATE TRIGGER sized AFTER INSERT ON t BEGIN UPDATE t SET size = CASE WHEN new.id > 1 THEN 'big;' ELSE 'small' END WHERE id = new.id; END; INSERT INTO t (id) VALUES (1);; INSERT INTO t (id) VALUES (2) -- a last comment",
  "SELECT size FROM t ORDER BY id",
  "/* only */ -- comments",
  ";;",
  "SELECT 1 AS a; /* trailing */",
  "SELECT 1 AS a; SELECT 2 AS b",
  "SELECT 'x;y' AS \\"a;b\\" -- ; in a comment",
  "CREATE TRIGGER broken AFTER INSERT ON t BEGIN SELECT 1;",
  "SELECT 1 AS a; ",
  "SELECT 1 AS a;\\n",
  "SELECT 1 AS a; ;",
  "SELECT 1 AS a;; ",
  "-- lead\\nSELECT 1 AS a",
  "SELECT 1 AS a; -- between\\nSELECT 2 AS b",
  "SELECT 1 AS a -- after, no semicolon",
  "SELECT 1 AS a; -- after\\n",
  "; SELECT 1 AS a",
  "/* c */ ; SELECT 1 AS a",
];
export class Thing extends DurableObject {
  async probe() {
    const out = [];
    for (const q of SCRIPTS) {
      try { const c = this.ctx.storage.sql.exec(q); out.push({ rows: c.toArray(), columns: c.columnNames }); } catch (e) { out.push(e.constructor.name + ": " + e.message); }
    }
    return out;
  }
}
export default { async fetch(request, env) { return Response.json(await env.D.get(env.D.idFromName("x")).probe()); } };
`;

// Alarms: setAlarm's argument checks and whole-millisecond times, deleteAll
// leaving the alarm set, and a throwing alarm() retried with its retry info.
const ALARM_WORKER = `import { DurableObject } from "cloudflare:workers";
${ATTEMPT}
const runs = [];
export class Thing extends DurableObject {
  async alarm(info) {
    const n = (await this.ctx.storage.get("n")) ?? 0;
    await this.ctx.storage.put("n", n + 1);
    runs.push({ retryCount: info.retryCount, isRetry: info.isRetry, keys: Object.keys(info).sort(), alarmNow: await this.ctx.storage.getAlarm() });
    if (n < 2) throw new Error("alarm boom " + n);
  }
  async setup() {
    const s = this.ctx.storage;
    const t = Date.now() + 600000;
    const r = { none: await s.getAlarm() };
    await s.setAlarm(t);
    r.number = (await s.getAlarm()) === t;
    await s.setAlarm(new Date(t + 1000));
    r.date = (await s.getAlarm()) - t;
    r.string = await attempt(() => s.setAlarm(String(t)));
    r.nan = await attempt(() => s.setAlarm(NaN));
    r.invalidDate = await attempt(() => s.setAlarm(new Date(NaN)));
    r.infinity = await attempt(() => s.setAlarm(Infinity));
    r.object = await attempt(() => s.setAlarm({}));
    r.fraction = await attempt(async () => { await s.setAlarm(t + 0.7); return (await s.getAlarm()) - t; });
    await s.deleteAlarm();
    r.deleted = await s.getAlarm();
    await s.setAlarm(t);
    await s.deleteAll();
    r.afterDeleteAll = (await s.getAlarm()) - t;
    await s.setAlarm(Date.now() + 100);
    return r;
  }
  async result() { return { runs, n: await this.ctx.storage.get("n"), alarm: await this.ctx.storage.getAlarm() }; }
}
export default {
  async fetch(request, env) {
    const method = new URL(request.url).pathname.slice(1);
    return Response.json(await env.D.get(env.D.idFromName("x"))[method]());
  },
};
`;

// The WebSocket Hibernation API end to end inside one request: the worker
// opens sockets to the object through its stub. acceptWebSocket twice and
// accept() after it are refused (each message reaches webSocketMessage once),
// tags and attachments, getWebSockets() order, closes from either side.
// (Not diffed: the text of a DataCloneError from serializeAttachment. A
// socket's readyState around a close is diffed in runtime.ts.)
const HIBERNATION_WORKER = `import { DurableObject } from "cloudflare:workers";
${ATTEMPT}
const names = (list) => list.map((ws) => ws.deserializeAttachment().name);
export class Thing extends DurableObject {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/info") {
      const all = this.ctx.getWebSockets();
      return Response.json({
        all: names(all), a: names(this.ctx.getWebSockets("a")), b: names(this.ctx.getWebSockets("b")), none: this.ctx.getWebSockets("zzz").length,
        tags: all.map((ws) => this.ctx.getTags(ws)), log: (await this.ctx.storage.get("log")) ?? [],
      });
    }
    const [client, server] = Object.values(new WebSocketPair());
    const name = url.searchParams.get("name");
    const checks = {
      longTag: attempt(() => this.ctx.acceptWebSocket(new WebSocketPair()[1], ["x".repeat(257)])),
      elevenTags: attempt(() => this.ctx.acceptWebSocket(new WebSocketPair()[1], Array.from({ length: 11 }, (_, i) => "t" + i))),
    };
    this.ctx.acceptWebSocket(server, url.searchParams.getAll("tag"));
    checks.twice = attempt(() => this.ctx.acceptWebSocket(server, ["a"]));
    checks.acceptAfter = attempt(() => server.accept());
    server.serializeAttachment({ name, when: new Date(0) });
    await this.ctx.storage.put("checks-" + name, checks);
    return new Response(null, { status: 101, webSocket: client });
  }
  async webSocketMessage(ws, message) {
    const log = (await this.ctx.storage.get("log")) ?? [];
    const me = ws.deserializeAttachment();
    log.push("message " + me.name + " " + (me.when instanceof Date) + " " + typeof message + " " + (typeof message === "string" ? message : message.byteLength));
    await this.ctx.storage.put("log", log);
    if (message === "echo") ws.send("echo:" + this.ctx.getTags(ws).join(","));
    if (message === "close") ws.close(4001, "bye");
  }
  async webSocketClose(ws, code, reason, wasClean) {
    const log = (await this.ctx.storage.get("log")) ?? [];
    log.push("close " + ws.deserializeAttachment().name + " " + code + " " + reason + " " + wasClean);
    await this.ctx.storage.put("log", log);
  }
  async checks() { return [await this.ctx.storage.get("checks-one"), await this.ctx.storage.get("checks-four")]; }
}
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export default {
  async fetch(request, env) {
    const stub = env.D.get(env.D.idFromName("x"));
    const open = async (name, tags) => {
      const res = await stub.fetch("http://do/ws?name=" + name + tags.map((t) => "&tag=" + t).join(""), { headers: { Upgrade: "websocket" } });
      const ws = res.webSocket;
      ws.accept();
      const got = [];
      ws.addEventListener("message", (e) => got.push(e.data));
      ws.addEventListener("close", (e) => got.push("closed " + e.code + " " + e.reason + " " + e.wasClean));
      return { ws, got, status: res.status };
    };
    const one = await open("one", ["a", "b"]);
    const two = await open("two", ["b"]);
    const three = await open("three", ["a"]);
    const four = await open("four", ["b", "a"]);
    one.ws.send("echo");
    two.ws.send("echo");
    two.ws.send(new Uint8Array([1, 2, 3]));
    await wait(200);
    const before = await (await stub.fetch("http://do/info")).json();
    one.ws.send("close");
    await wait(200);
    two.ws.close(1000, "client done");
    await wait(300);
    const after = await (await stub.fetch("http://do/info")).json();
    return Response.json({ status: one.status, one: one.got, two: two.got, three: three.got, four: four.got, before, after, checks: await stub.checks() });
  },
};
`;

// A socket given to acceptWebSocket() hands webSocketMessage its binary messages as
// ArrayBuffers whatever its binaryType says: by the date's default ("blob" from 2026-03-17,
// websocket_standard_binary_type) or set by the object.
const HIBERNATED_BINARY_WORKER = `import { DurableObject } from "cloudflare:workers";
const kind = (v) => Object.prototype.toString.call(v);
export class Thing extends DurableObject {
  async fetch(request) {
    const [client, server] = Object.values(new WebSocketPair());
    const binaryType = new URL(request.url).searchParams.get("binaryType");
    if (binaryType) server.binaryType = binaryType;
    this.ctx.acceptWebSocket(server);
    return new Response(null, { status: 101, webSocket: client });
  }
  webSocketMessage(ws, message) {
    ws.send(JSON.stringify([ws.binaryType, kind(message)]));
  }
}
export default {
  async fetch(request, env) {
    const stub = env.D.get(env.D.idFromName("x"));
    const out = {};
    for (const binaryType of ["", "blob", "arraybuffer"]) {
      const ws = (await stub.fetch("http://do/?binaryType=" + binaryType, { headers: { Upgrade: "websocket" } })).webSocket;
      ws.accept();
      out[binaryType || "default"] = await new Promise((resolve) => {
        const got = [];
        ws.addEventListener("message", (e) => { got.push(JSON.parse(e.data)); if (got.length === 2) resolve(got); });
        ws.send(new Uint8Array([1, 2]));
        ws.send("text");
      });
      ws.close(1000);
    }
    return Response.json(out);
  },
};
`;

// Storage key sizes under workerd: no 2048-byte limit (production's KV backend has one), only
// SQLite's 2,200,000-byte limit on a string or a row, in every KV API (the synchronous kv too)
// and in sql.exec's bindings; sql.exec's SQL text is limited to 100000 bytes.
const KEY_SIZE_WORKER = `import { DurableObject } from "cloudflare:workers";
${ATTEMPT}
const LIMIT = 2200000;
async function keys(ctx, sync) {
  const s = ctx.storage, out = {};
  for (const n of [2048, 2049, LIMIT, LIMIT + 1]) {
    const k = "k".repeat(n), r = (out[n] = {});
    r.put = await attempt(() => s.put(k, 1));
    r.get = await attempt(() => s.get(k));
    r.delete = await attempt(() => s.delete(k));
    r.putMany = await attempt(() => s.put({ [k]: 2 }));
    r.getMany = await attempt(async () => [...(await s.get(["a", k])).values()].join());
    r.deleteMany = await attempt(() => s.delete([k]));
    for (const o of ["start", "startAfter", "end", "prefix"]) r[o] = await attempt(async () => (await s.list({ [o]: k })).size);
    if (sync) for (const m of ["put", "get", "delete"]) r["kv." + m] = await attempt(() => s.kv[m](k, 3));
  }
  out.multibyte = await attempt(async () => { await s.put("é".repeat(1025), 1); return s.get("é".repeat(1025)); });
  out.listed = [...(await s.list()).keys()].map((k) => k.length);
  return out;
}
export class Thing extends DurableObject {
  async keys() {
    const out = await keys(this.ctx, true);
    const s = this.ctx.storage, sql = s.sql;
    out.rowFits = await attempt(() => s.put("r".repeat(1000000), "v".repeat(1000000)));
    out.rowTooBig = await attempt(() => s.put("r".repeat(1100000), "v".repeat(1100000)));
    out.undefinedFirst = await attempt(() => s.put("k".repeat(LIMIT + 1), undefined));
    const text = (n) => "SELECT '" + "x".repeat(n - 14) + "' AS s";
    out.sqlText = [await attempt(() => sql.exec(text(100000)).toArray().length), await attempt(() => sql.exec(text(100001)))];
    out.sqlString = [await attempt(() => sql.exec("SELECT length(?) AS n", "x".repeat(LIMIT)).one().n), await attempt(() => sql.exec("SELECT ?", "x".repeat(LIMIT + 1)))];
    out.sqlBlob = await attempt(() => sql.exec("SELECT ?", new Uint8Array(LIMIT + 1)));
    return out;
  }
}
export class KvThing extends DurableObject {
  async keys() { return keys(this.ctx, false); }
}
export default {
  async fetch(request, env) {
    const ns = new URL(request.url).pathname === "/kv" ? env.K : env.D;
    return Response.json(await ns.getByName("x").keys());
  },
};
`;

// Value sizes: production refuses a value over 128 KiB (KV-backed object) or 2 MiB (SQLite-backed);
// workerd under wrangler dev stores it, so the app fails only once deployed. Bunflare refuses it
// with production's error, here and in put({ ... }); values at the limit are stored by both.
const VALUE_SIZE_WORKER = `import { DurableObject } from "cloudflare:workers";
${ATTEMPT}
async function sizes(storage, limit) {
  const stored = async (key) => "stored " + (await storage.get(key)).length;
  return {
    fits: await attempt(async () => { await storage.put("fits", "v".repeat(limit - 20)); return stored("fits"); }),
    over: await attempt(async () => { await storage.put("over", "v".repeat(limit + 100)); return "over-limit value " + (await stored("over")).split(" ")[0]; }),
    overInMany: await attempt(async () => { await storage.put({ a: 1, overMany: "v".repeat(limit + 100) }); return "over-limit value " + (await stored("overMany")).split(" ")[0]; }),
  };
}
export class Thing extends DurableObject { sizes() { return sizes(this.ctx.storage, 2 * 1024 * 1024); } }
export class KvThing extends DurableObject { sizes() { return sizes(this.ctx.storage, 128 * 1024); } }
export default {
  async fetch(request, env) {
    const ns = new URL(request.url).pathname === "/kv" ? env.K : env.D;
    return Response.json(await ns.getByName("x").sizes());
  },
};
`;

// A cursor's rowsRead and rowsWritten: the last statement's only, and rowsRead as the runtime
// steps it (first row at exec, then one ahead of each row read). Not compared: statements where
// the runtime counts rows it visits beyond those returned (sorts, filters, aggregates, RETURNING).
const CURSOR_COUNTS_WORKER = `import { DurableObject } from "cloudflare:workers";
export class Thing extends DurableObject {
  async counts() {
    const sql = this.ctx.storage.sql;
    sql.exec("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, name TEXT)");
    sql.exec("DELETE FROM t");
    sql.exec("INSERT INTO t (name) VALUES ('e'), ('d'), ('c'), ('b'), ('a')");
    const snap = (c) => [c.rowsRead, c.rowsWritten];
    const walk = (q, ...b) => { const c = sql.exec(q, ...b); const r = { exec: snap(c) }; c.next(); r.one = snap(c); c.raw().next(); r.two = snap(c); c.toArray(); r.all = snap(c); c.next(); r.end = snap(c); return r; };
    const out = {};
    out.scan = walk("SELECT * FROM t");
    out.byId = walk("SELECT * FROM t WHERE id = ?", 3);
    out.empty = walk("SELECT * FROM t WHERE 0");
    out.insert = walk("INSERT INTO t (name) VALUES ('f'), ('g')");
    out.multi = walk("INSERT INTO t (name) VALUES ('h'); SELECT * FROM t");
    const one = sql.exec("SELECT * FROM t WHERE id = 1"); one.one(); out.oneRow = snap(one);
    const many = sql.exec("SELECT * FROM t"); try { many.one(); } catch (e) { out.oneError = e.message; } out.oneMany = [...snap(many), many.next().done];
    out.ownKeys = Object.keys(many);
    return out;
  }
}
export default { async fetch(request, env) { return Response.json(await env.D.getByName("x").counts()); } };
`;

// Jurisdictions under workerd: any one given (Cloudflare's own too) is refused by newUniqueId and
// jurisdiction(); none (undefined, null) is the plain namespace. Ids carry jurisdiction and name.
const JURISDICTION_WORKER = `${ATTEMPT}
export { Thing } from "./thing.js";
export default {
  async fetch(request, env) {
    const r = {};
    for (const j of ["eu", "fedramp", "fedramp-high", "mars", "", 5, undefined, null]) {
      r["newUniqueId " + j] = attempt(() => env.D.newUniqueId({ jurisdiction: j }).toString().length);
      r["jurisdiction " + j] = attempt(() => env.D.jurisdiction(j).idFromName("x").toString() === env.D.idFromName("x").toString());
    }
    r.noArgument = attempt(() => env.D.jurisdiction().newUniqueId().toString().length);
    r.stringOptions = attempt(() => env.D.newUniqueId("eu"));
    r.nullOptions = attempt(() => env.D.newUniqueId(null).toString().length);
    const named = env.D.idFromName("x"), unique = env.D.newUniqueId();
    r.ids = [Object.keys(named), Object.keys(unique), String(named.jurisdiction), JSON.stringify(named), JSON.stringify(unique)];
    return Response.json(r);
  },
};
`;

// put({ ... }) drops an entry whose value is undefined (the others are stored), and list() with an
// empty range (start >= end) answers an empty map without checking the bounds' size.
const DROPPED_AND_EMPTY_WORKER = `import { DurableObject } from "cloudflare:workers";
${ATTEMPT}
async function check(storage) {
  await storage.deleteAll();
  const huge = "k".repeat(2_200_001);
  return {
    // put() gives undefined: left out of the JSON.
    put: await attempt(() => storage.put({ a: 1, b: undefined, c: 3 }), (r) => r),
    getB: await attempt(async () => String(await storage.get("b"))),
    getMany: await attempt(async () => [...(await storage.get(["a", "b", "c"]))]),
    list: await attempt(async () => [...(await storage.list())]),
    onlyUndefined: await attempt(async () => { await storage.put({ b: undefined }); return [...(await storage.list())]; }),
    emptyRange: await attempt(async () => [...(await storage.list({ start: "z", end: "a" }))]),
    sameBounds: await attempt(async () => [...(await storage.list({ start: "a", end: "a" }))]),
    hugeStartEmpty: await attempt(async () => [...(await storage.list({ start: huge, end: "a" }))]),
    hugeEndEmpty: await attempt(async () => [...(await storage.list({ start: "z", end: huge }))]),
    afterEmpty: await attempt(async () => [...(await storage.list({ startAfter: "z", end: "a" }))]),
    afterHugeEmpty: await attempt(async () => [...(await storage.list({ startAfter: "k".repeat(2_200_000), end: "a" }))]),
    prefixEmpty: await attempt(async () => [...(await storage.list({ start: "z", end: "a", prefix: huge }))]),
    hugeStart: await attempt(async () => [...(await storage.list({ start: huge }))]),
    hugeEnd: await attempt(async () => [...(await storage.list({ start: "a", end: huge }))]),
  };
}
export class Thing extends DurableObject { check() { return check(this.ctx.storage); } }
export class KvThing extends DurableObject { check() { return check(this.ctx.storage); } }
export default {
  async fetch(request, env) {
    const ns = new URL(request.url).pathname === "/kv" ? env.K : env.D;
    return Response.json(await ns.getByName("x").check());
  },
};
`;

export const cases: CompatCase[] = [
  devCase({
    name: "durable objects: a blockConcurrencyWhile that throws, or ctx.abort(), fails the running call and resets the object",
    files: { "wrangler.toml": config("broken"), "index.js": BROKEN_WORKER },
    requests: [{ path: "/state" }, { path: "/state" }, { path: "/thrower" }, { path: "/bcw" }, { path: "/state" }, { path: "/abort" }, { path: "/state" }],
    fast: true,
  }),
  devCase({
    name: "durable objects: sql.exec refuses the runtime's tables, other databases, temporary tables and most PRAGMAs",
    files: { "wrangler.toml": config("authorizer"), "index.js": SQL_WORKER },
    requests: [{ path: "/" }],
    fast: true,
  }),
  devCase({
    name: "durable objects: sql.exec cuts a script as SQLite does: a trigger body with CASE ... END is one statement, comments and empty statements drop out",
    files: { "wrangler.toml": config("scripts"), "index.js": SQL_SCRIPT_WORKER },
    requests: [{ path: "/" }],
  }),
  devCase({
    name: "durable objects: setAlarm checks its argument and keeps whole milliseconds; a throwing alarm() is retried with its retry info",
    files: { "wrangler.toml": config("alarms"), "index.js": ALARM_WORKER },
    requests: [{ path: "/setup" }],
    reload: { files: {}, waitFor: "/result", until: /"n":3/, requests: [{ path: "/result" }] },
  }),
  devCase({
    name: "durable objects: storage keys have no 2048-byte limit, only SQLite's 2,200,000-byte one (KV API, kv, list options, sql.exec)",
    files: {
      "wrangler.toml": withKvClass(config("key-size")),
      "index.js": KEY_SIZE_WORKER,
    },
    requests: [{ path: "/" }, { path: "/kv" }],
  }),
  devCase({
    name: "durable objects: a value over production's size limit is refused with production's error (wrangler dev stores it)",
    files: { "wrangler.toml": withKvClass(config("value-size")), "index.js": VALUE_SIZE_WORKER },
    requests: [
      { path: "/", expected: [OVER_LIMIT_REFUSED] },
      { path: "/kv", expected: [OVER_LIMIT_REFUSED] },
    ],
  }),
  devCase({
    name: "durable objects: a cursor's rowsRead grows as its rows are read, and rowsRead/rowsWritten count the last statement only",
    files: { "wrangler.toml": config("cursor-counts"), "index.js": CURSOR_COUNTS_WORKER },
    requests: [{ path: "/" }],
    fast: true,
  }),
  devCase({
    name: "durable objects: newUniqueId and jurisdiction() refuse any jurisdiction, as workerd does; ids carry jurisdiction and name",
    files: {
      "wrangler.toml": config("jurisdiction"),
      "index.js": JURISDICTION_WORKER,
      "thing.js": `import { DurableObject } from "cloudflare:workers";\nexport class Thing extends DurableObject {}\n`,
    },
    requests: [{ path: "/" }],
    fast: true,
  }),
  devCase({
    name: "durable objects: WebSocket hibernation: acceptWebSocket once, tags, attachments, getWebSockets order, closes",
    files: { "wrangler.toml": config("hibernation"), "index.js": HIBERNATION_WORKER },
    requests: [{ path: "/" }],
    fast: true,
  }),
  devCase({
    name: "durable objects: a hibernatable WebSocket's binary messages reach webSocketMessage as ArrayBuffers whatever its binaryType (from 2026-03-17)",
    files: { "wrangler.toml": config("hibernated-binary").replace("2025-01-01", "2026-05-01"), "index.js": HIBERNATED_BINARY_WORKER },
    requests: [{ path: "/" }],
    fast: true,
  }),
  devCase({
    name: "durable objects: a hibernatable WebSocket's binary messages reach webSocketMessage as ArrayBuffers whatever its binaryType (before 2026-03-17)",
    files: { "wrangler.toml": config("hibernated-binary").replace("2025-01-01", "2026-03-16"), "index.js": HIBERNATED_BINARY_WORKER },
    requests: [{ path: "/" }],
    fast: true,
  }),
  devCase({
    name: "durable objects: put({ ... }) drops an undefined entry; list() with an empty range is empty whatever its bounds' size",
    files: { "wrangler.toml": withKvClass(config("undefined-entries")), "index.js": DROPPED_AND_EMPTY_WORKER },
    requests: [{ path: "/" }, { path: "/kv" }],
  }),
  // Wrangler's `migrations` is inheritable: an environment without its own uses the top
  // level's (SQLite here, so sql works), one with its own uses those alone (KV-backed here).
  ...[false, true].map((own) =>
    devCase({
      name: `durable objects: dev --env: an environment ${own ? "with its own migrations uses them" : "without migrations inherits the top level's"}, with no warning`,
      files: {
        "wrangler.toml":
          config("env-migrations") +
          '[env.x]\n[[env.x.durable_objects.bindings]]\nname = "D"\nclass_name = "Thing"\n' +
          (own ? '[[env.x.migrations]]\ntag = "v1"\nnew_classes = ["Thing"]\n' : ""),
        "index.js":
          'import { DurableObject } from "cloudflare:workers";\n' +
          "export class Thing extends DurableObject {\n" +
          '  sql() { try { this.ctx.storage.sql.exec("select 1"); return "sql ok"; } catch (e) { return "sql error: " + e.message; } }\n' +
          "}\n" +
          'export default { async fetch(req, env) { return new Response(await env.D.get(env.D.idFromName("a")).sql()); } };\n',
      },
      args: ["--env", "x"],
      requests: [{ path: "/" }],
      compareStartup: true,
      compareStderr: true,
    }),
  ),
];
