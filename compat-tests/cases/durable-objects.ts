// Durable Object behaviour a worker sees under both dev servers, beyond the
// KV / SQL round trips of dev.ts.
import type { CompatCase } from "../harness.ts";
import { devCase } from "../dev-harness.ts";

const config = (name: string) =>
  `name = "${name}"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[[durable_objects.bindings]]\nname = "D"\nclass_name = "Thing"\n[[migrations]]\ntag = "v1"\nnew_sqlite_classes = ["Thing"]\n`;

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

// Alarms: setAlarm's argument checks and whole-millisecond times, deleteAll
// leaving the alarm set, and a throwing alarm() retried with its retry info.
const ALARM_WORKER = `import { DurableObject } from "cloudflare:workers";
const attempt = async (work) => { try { const r = await work(); return r === undefined ? "undefined" : r; } catch (e) { return e.constructor.name + ": " + e.message; } };
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
    name: "durable objects: setAlarm checks its argument and keeps whole milliseconds; a throwing alarm() is retried with its retry info",
    files: { "wrangler.toml": config("alarms"), "index.js": ALARM_WORKER },
    requests: [{ path: "/setup" }],
    reload: { files: {}, waitFor: "/result", until: /"n":3/, requests: [{ path: "/result" }] },
  }),
];
