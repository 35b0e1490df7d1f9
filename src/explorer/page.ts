// The Local Explorer page: plain HTML and JavaScript, no build step, no CDN.
// It only talks to the API next to it (./explorer/api), so what it shows is
// what a script using the API sees. Text from the store is always set with
// textContent, never as HTML.
export const EXPLORER_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Local Explorer</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px system-ui, sans-serif; margin: 0; display: flex; min-height: 100vh; color: #222; }
  nav { width: 220px; background: #f4f4f6; padding: 12px; border-right: 1px solid #ddd; overflow: auto; }
  nav h2 { font-size: 12px; text-transform: uppercase; color: #666; margin: 16px 0 4px; }
  nav a { display: block; padding: 3px 6px; color: #1a4fb4; text-decoration: none; border-radius: 4px; overflow-wrap: anywhere; }
  nav a.active, nav a:hover { background: #dfe6f5; }
  main { flex: 1; padding: 16px 24px; overflow: auto; }
  table { border-collapse: collapse; margin: 8px 0; }
  th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; max-width: 480px; overflow-wrap: break-word; }
  th { background: #f4f4f6; }
  textarea { width: 100%; min-height: 120px; font: 13px monospace; box-sizing: border-box; }
  input[type=text] { padding: 3px 6px; }
  .error { color: #b00020; white-space: pre-wrap; margin: 8px 0; }
  .muted { color: #777; }
  pre { background: #f7f7f7; padding: 8px; overflow: auto; }
  button { margin: 2px; }
  .tabs button.active { font-weight: bold; }
  td { white-space: pre-wrap; }
</style>
</head>
<body>
<nav id="nav"><strong>Local Explorer</strong></nav>
<main id="main"><p class="muted">Choose a resource on the left.</p></main>
<script>
"use strict";
const API = location.pathname.replace(/\\/+$/, "") + "/api";
const $ = (tag, props, ...children) => {
  const node = document.createElement(tag);
  Object.assign(node, props || {});
  for (const child of children) node.append(child);
  return node;
};
const enc = encodeURIComponent;
const main = document.getElementById("main");
const nav = document.getElementById("nav");

/** The API's envelope: the result, or an Error carrying the API's own message. */
async function api(path, init) {
  const response = await fetch(API + path, init);
  const type = response.headers.get("content-type") || "";
  if (!type.includes("application/json")) {
    if (!response.ok) throw new Error(response.status + " " + response.statusText);
    return response;
  }
  const body = await response.json();
  if (!body.success) throw new Error((body.errors || []).map((e) => e.message).join("\\n") || ("HTTP " + response.status));
  return body;
}
function showError(where, error) {
  where.append($("div", { className: "error", textContent: error.message }));
}
function view(title, ...content) {
  main.replaceChildren($("h1", { textContent: title }), ...content);
}
function table(columns, rows) {
  const head = $("tr", {}, ...columns.map((c) => $("th", { textContent: c })));
  return $("table", {}, $("thead", {}, head), $("tbody", {}, ...rows.map((row) => $("tr", {}, ...row.map((cell) =>
    cell instanceof Node ? $("td", {}, cell) : $("td", { textContent: cell === null ? "NULL" : typeof cell === "object" ? JSON.stringify(cell) : String(cell) }))))));
}
function link(text, onclick) {
  return $("a", { href: "#", textContent: text, onclick: (event) => { event.preventDefault(); onclick(); } });
}

// --- KV ---
async function kvView(ns, prefix = "", cursor = "") {
  const list = $("div");
  const search = $("input", { type: "text", placeholder: "prefix", value: prefix });
  const form = $("form", { onsubmit: (e) => { e.preventDefault(); kvView(ns, search.value); } }, search, $("button", { textContent: "Search" }),
    $("button", { type: "button", textContent: "New key", onclick: () => kvEdit(ns, "") }));
  view("KV: " + ns.title, form, list);
  try {
    const body = await api("/storage/kv/namespaces/" + enc(ns.id) + "/keys?limit=100&prefix=" + enc(prefix) + (cursor ? "&cursor=" + enc(cursor) : ""));
    const checks = [];
    const rows = body.result.map((key) => {
      const box = $("input", { type: "checkbox", value: key.name });
      checks.push(box);
      return [box, link(key.name, () => kvEdit(ns, key.name)), key.expiration ? new Date(key.expiration * 1000).toISOString() : "", key.metadata === undefined ? "" : key.metadata];
    });
    list.append(table(["", "Key", "Expiration", "Metadata"], rows));
    list.append($("button", { textContent: "Delete selected", onclick: async () => {
      const keys = checks.filter((c) => c.checked).map((c) => c.value);
      if (!keys.length || !confirm("Delete " + keys.length + " key(s)?")) return;
      try { await api("/storage/kv/namespaces/" + enc(ns.id) + "/bulk/delete", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(keys) }); kvView(ns, prefix); }
      catch (error) { showError(list, error); }
    } }));
    if (body.result_info.cursor) list.append($("button", { textContent: "Next page", onclick: () => kvView(ns, prefix, body.result_info.cursor) }));
  } catch (error) { showError(list, error); }
}
async function kvEdit(ns, key) {
  const name = $("input", { type: "text", value: key, size: 60, placeholder: "key name" });
  const value = $("textarea");
  const metadata = $("input", { type: "text", size: 60, placeholder: "metadata (JSON, optional)" });
  const ttl = $("input", { type: "text", size: 10, placeholder: "seconds" });
  const status = $("div");
  view("KV: " + ns.title + " / " + (key || "new key"), $("p", {}, "Key ", name), value, $("p", {}, "Metadata ", metadata), $("p", {}, "Expire after (optional, at least 60 s) ", ttl), status);
  const path = () => "/storage/kv/namespaces/" + enc(ns.id) + "/values/" + enc(name.value);
  if (key) {
    try {
      const response = await api(path());
      const bytes = new Uint8Array(await response.arrayBuffer());
      let text = null;
      try { text = new TextDecoder("utf-8", { fatal: true }).decode(bytes); } catch {}
      if (text === null) {
        value.value = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ");
        value.readOnly = true;
        status.append($("p", { className: "muted" }, "Binary value, shown as hex (read-only). ", $("a", { href: API + path(), download: key.split("/").pop() || "value", textContent: "Download" })));
      } else {
        try { value.value = JSON.stringify(JSON.parse(text), null, 2); value.dataset.json = "1"; } catch { value.value = text; }
      }
      const listed = await api("/storage/kv/namespaces/" + enc(ns.id) + "/keys?prefix=" + enc(key) + "&limit=10");
      const entry = listed.result.find((k) => k.name === key);
      if (entry && entry.metadata !== undefined) metadata.value = JSON.stringify(entry.metadata);
      if (entry && entry.expiration) status.append($("p", { className: "muted", textContent: "Expires at " + new Date(entry.expiration * 1000).toISOString() + "." }));
    } catch (error) {
      // Deleted since the list was drawn (another tab, the worker, the CLI): say so; Save writes it again.
      showError(status, /key not found/.test(error.message) ? new Error("The key " + key + " no longer exists: it was deleted since this page listed it. Save creates it again with the value below.") : error);
    }
  }
  main.append($("button", { textContent: "Save", onclick: async () => {
    status.replaceChildren();
    if (!name.value) return showError(status, new Error("A key name is required."));
    if (value.dataset.json) { try { JSON.parse(value.value); } catch (error) { return showError(status, new Error("Invalid JSON: " + error.message)); } }
    const form = new FormData();
    form.append("value", value.value);
    if (metadata.value.trim()) {
      try { JSON.parse(metadata.value); } catch (error) { return showError(status, new Error("Invalid metadata JSON: " + error.message)); }
      form.append("metadata", metadata.value);
    }
    const query = ttl.value.trim() ? "?expiration_ttl=" + enc(ttl.value.trim()) : "";
    try { await api(path() + query, { method: "PUT", body: form }); status.append($("p", { textContent: "Saved." })); }
    catch (error) { showError(status, error); }
  } }));
  if (key) main.append($("button", { textContent: "Delete", onclick: async () => {
    if (!confirm("Delete " + key + "?")) return;
    try { await api(path(), { method: "DELETE" }); kvView(ns); } catch (error) { showError(status, error); }
  } }));
}

// --- D1 ---
const post = (path, body) => api(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
function tabs(items) {
  const bar = $("p", { className: "tabs" });
  const area = $("div");
  const open = (i) => { for (const b of bar.children) b.classList.remove("active"); bar.children[i].classList.add("active"); area.replaceChildren(); items[i][1](area); };
  items.forEach(([label], i) => bar.append($("button", { textContent: label, onclick: () => open(i) })));
  setTimeout(() => open(0));
  return [bar, area];
}
function sqlConsole(area, initial, run) {
  const sql = $("textarea", { value: initial, className: "sql" });
  const out = $("div", { className: "sql-results" });
  let latest = 0;
  const go = async () => {
    // Only the latest run shows its results: an earlier, slower one must not append to them.
    const mine = ++latest;
    out.replaceChildren();
    try {
      const results = await run(sql.value);
      if (mine !== latest) return;
      for (const r of results) {
        out.append(table(r.columns, r.rows));
        out.append($("p", { className: "muted", textContent: r.note }));
      }
    } catch (error) { if (mine === latest) showError(out, error); }
  };
  area.append(sql, $("button", { textContent: "Run", className: "run", onclick: go }), out);
  return go;
}
function d1View(db) {
  const base = "/d1/database/" + enc(db.uuid);
  view("D1: " + db.name, ...tabs([
    ["Tables", async (area) => {
      try {
        const tables = (await api(base + "/tables")).result;
        if (!tables.length) area.append($("p", { className: "muted", textContent: "No tables yet." }));
        area.append(table(["Table", "Type", "Rows", "Columns"], tables.map((t) => [
          link(t.name, () => d1Rows(db, t)), t.type, t.rows, t.columns.map((c) => c.name + " " + c.type + (c.pk ? " PK" : "") + (c.not_null ? " NOT NULL" : "")).join(", "),
        ])));
      } catch (error) { showError(area, error); }
    }],
    ["SQL console", (area) => {
      sqlConsole(area, "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name;", async (text) => {
        const body = await post(base + "/raw", { sql: text });
        return body.result.map((r) => ({ columns: r.results.columns, rows: r.results.rows, note: r.meta.rows_read + " rows read, " + r.meta.rows_written + " written, " + r.meta.changes + " changes" }));
      })();
    }],
    ["Migrations", async (area) => {
      try {
        const m = (await api(base + "/migrations")).result;
        area.append($("p", { className: "muted", textContent: "Table " + m.table + (m.directory ? ", files in " + m.directory : ", no config binds this database") }));
        area.append(table(["Migration", "State"], [...m.applied.map((n) => [n, "applied"]), ...m.pending.map((n) => [n, "pending"])]));
      } catch (error) { showError(area, error); }
    }],
  ]));
}
async function d1Rows(db, t, page = 1, orderBy = null, direction = "asc") {
  const out = $("div");
  view("D1: " + db.name + " / " + t.name, $("pre", { textContent: t.sql || "" }), out);
  try {
    const q = "?page=" + page + "&per_page=50" + (orderBy ? "&order_by=" + enc(orderBy) + "&direction=" + direction : "");
    const body = await api("/d1/database/" + enc(db.uuid) + "/tables/" + enc(t.name) + "/rows" + q);
    const head = body.result.columns.map((c) => $("a", { href: "#", className: "sort", textContent: c + (c === orderBy ? (direction === "asc" ? " ▲" : " ▼") : ""),
      onclick: (e) => { e.preventDefault(); d1Rows(db, t, 1, c, c === orderBy && direction === "asc" ? "desc" : "asc"); } }));
    const tbl = table(body.result.columns, body.result.rows);
    tbl.querySelectorAll("th").forEach((th, i) => th.replaceChildren(head[i]));
    out.append(tbl);
    const info = body.result_info;
    out.append($("p", { className: "muted", textContent: "Page " + info.page + " of " + info.total_pages + " (" + info.total_count + " rows)" }));
    if (page > 1) out.append($("button", { textContent: "Previous page", onclick: () => d1Rows(db, t, page - 1, orderBy, direction) }));
    if (page < info.total_pages) out.append($("button", { textContent: "Next page", onclick: () => d1Rows(db, t, page + 1, orderBy, direction) }));
  } catch (error) { showError(out, error); }
}

// --- R2 ---
async function r2View(bucket, prefix = "", cursor = "") {
  const list = $("div");
  const file = $("input", { type: "file" });
  const upload = $("button", { textContent: "Upload", onclick: async () => {
    const chosen = file.files[0];
    if (!chosen) return;
    // The File is sent as the body: the browser streams it, the server streams it to disk.
    list.prepend($("p", { className: "muted", textContent: "Uploading " + chosen.name + " (" + chosen.size + " bytes)…" }));
    try {
      await api("/r2/buckets/" + enc(bucket) + "/objects/" + enc(prefix + chosen.name), { method: "PUT", headers: { "content-type": chosen.type || "application/octet-stream" }, body: chosen });
      r2View(bucket, prefix);
    } catch (error) { showError(list, error); }
  } });
  view("R2: " + bucket + (prefix ? " / " + prefix : ""), $("p", {}, file, upload), list);
  try {
    const body = await api("/r2/buckets/" + enc(bucket) + "/objects?delimiter=/&per_page=100&prefix=" + enc(prefix) + (cursor ? "&cursor=" + enc(cursor) : ""));
    if (prefix) list.append($("p", {}, link("⬑ up", () => r2View(bucket, prefix.replace(/[^/]*\\/$/, "")))));
    for (const folder of body.result_info.delimited || []) list.append($("div", {}, link("📁 " + folder.slice(prefix.length), () => r2View(bucket, folder))));
    list.append(table(["Key", "Size", "Type", "Uploaded", ""], body.result.map((object) => [
      $("a", { href: API + "/r2/buckets/" + enc(bucket) + "/objects/" + enc(object.key), textContent: object.key.slice(prefix.length), download: object.key.split("/").pop() }),
      object.size, (object.http_metadata && object.http_metadata.contentType) || "", object.last_modified,
      $("button", { textContent: "Delete", onclick: async () => {
        if (!confirm("Delete " + object.key + "?")) return;
        try { await api("/r2/buckets/" + enc(bucket) + "/objects", { method: "DELETE", headers: { "content-type": "application/json" }, body: JSON.stringify([object.key]) }); r2View(bucket, prefix); }
        catch (error) { showError(list, error); }
      } }),
    ])));
    if (body.result_info.cursor) list.append($("button", { textContent: "Next page", onclick: () => r2View(bucket, prefix, body.result_info.cursor) }));
    const uploads = (await api("/r2/buckets/" + enc(bucket) + "/multipart")).result;
    list.append($("h2", { textContent: "Multipart uploads in progress" }));
    list.append(uploads.length ? table(["Key", "Upload id", "Parts", "Bytes so far", "Started"], uploads.map((u) => [u.key, u.upload_id, u.parts, u.size, u.initiated]))
      : $("p", { className: "muted", textContent: "None." }));
  } catch (error) { showError(list, error); }
}

// --- Durable Objects ---
async function doView(ns) {
  const out = $("div");
  view("Durable Objects: " + ns.class, $("p", { className: "muted", textContent: (ns.use_sqlite ? "SQLite-backed" : "KV-backed") + ", script " + ns.script }), out);
  try {
    const body = await api("/workers/durable_objects/namespaces/" + enc(ns.id) + "/objects");
    out.append(body.result.length ? table(["Object", "Id"], body.result.map((o) => [link(o.name || "(unnamed)", () => doObject(ns, o.id)), o.id]))
      : $("p", { className: "muted", textContent: "No object has stored data yet." }));
  } catch (error) { showError(out, error); }
}
async function doObject(ns, id) {
  const base = "/workers/durable_objects/namespaces/" + enc(ns.id);
  const out = $("div");
  view("Durable Object: " + ns.class + " / " + id.slice(0, 16) + "…", out);
  try {
    const o = (await api(base + "/objects/" + enc(id))).result;
    out.append($("p", { textContent: (o.name ? "Name: " + o.name + ". " : "") + "Id: " + o.id }));
    out.append($("p", { className: "alarm", textContent: o.alarm ? "Alarm pending at " + o.alarm.scheduled_time + (o.alarm.retry_count ? " (retry " + o.alarm.retry_count + ")" : "") : "No alarm set." }));
    out.append(...tabs([
      ["KV storage", async (area) => {
        try {
          const kv = await api(base + "/objects/" + enc(id) + "/storage?limit=100");
          area.append(kv.result.length ? table(["Key", "Type", "Value"], kv.result.map((e) => [e.key, e.type, e.value])) : $("p", { className: "muted", textContent: "No KV pairs." }));
        } catch (error) { showError(area, error); }
      }],
      ...(ns.use_sqlite ? [["SQL tables", (area) => {
        area.append(o.tables.length ? table(["Table", "Schema"], o.tables.map((t) => [t.name, t.sql])) : $("p", { className: "muted", textContent: "No tables." }));
      }], ["SQL console", (area) => {
        sqlConsole(area, o.tables.length ? "SELECT * FROM " + JSON.stringify(o.tables[0].name) + " LIMIT 100;" : "SELECT 1;", async (text) => {
          const body = await post(base + "/query", { durable_object_id: id, queries: [{ sql: text }] });
          return body.result.map((r) => ({ columns: r.columns, rows: r.rows, note: r.meta.rows_read + " rows read, " + r.meta.rows_written + " written" }));
        })();
      }]] : []),
    ]));
  } catch (error) { showError(out, error); }
}

// --- Workflows and queues ---
async function workflowView(workflow) {
  const out = $("div");
  const params = $("input", { type: "text", size: 50, value: "{}", placeholder: "params (JSON)" });
  view("Workflow: " + workflow.name, $("p", {}, "Params ", params, $("button", { textContent: "Trigger", onclick: async () => {
    let parsed;
    try { parsed = JSON.parse(params.value); } catch (error) { return showError(out, new Error("Invalid JSON: " + error.message)); }
    try { const created = await api("/workflows/" + enc(workflow.name) + "/instances", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ params: parsed }) }); instanceView(workflow, created.result.id); }
    catch (error) { showError(out, error); }
  } })), out);
  try {
    const details = await api("/workflows/" + enc(workflow.name));
    out.append($("p", { className: "muted", textContent: Object.entries(details.result.instances).filter(([, n]) => n).map(([s, n]) => s + ": " + n).join(", ") || "No instances." }));
    const body = await api("/workflows/" + enc(workflow.name) + "/instances?per_page=100");
    out.append(table(["Instance", "Status", "Created"], body.result.map((instance) => [link(instance.id, () => instanceView(workflow, instance.id)), instance.status, instance.created_on])));
  } catch (error) { showError(out, error); }
}
async function instanceView(workflow, id) {
  const out = $("div");
  const base = "/workflows/" + enc(workflow.name) + "/instances/" + enc(id);
  view("Workflow: " + workflow.name + " / " + id, out);
  try {
    const i = (await api(base)).result;
    out.append($("p", { className: "status", textContent: "Status: " + i.status + (i.start ? ", started " + i.start : "") + (i.end ? ", ended " + i.end : "") }));
    for (const action of ["pause", "resume", "restart", "terminate"]) out.append($("button", { textContent: action, onclick: async () => {
      try { await api(base + "/status", { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ action }) }); instanceView(workflow, id); }
      catch (error) { showError(out, error); }
    } }));
    const waiting = i.steps.filter((s) => s.success === null && (s.type === "sleep" || s.type === "waitForEvent"));
    for (const s of waiting) out.append($("p", { className: "waiting", textContent: s.type === "sleep" ? "Sleeping (" + s.name + ") until " + (s.wake_at || "?") : "Waiting for event " + (s.config && s.config.type ? "of type " + s.config.type + " (step " + s.name + ")" : s.name) + (s.wake_at ? ", timing out at " + s.wake_at : "") }));
    const eventType = $("input", { type: "text", placeholder: "event type", value: (waiting.find((s) => s.type === "waitForEvent") || { config: {} }).config?.type || "" });
    const payload = $("input", { type: "text", size: 40, placeholder: "payload (JSON)", value: "{}" });
    out.append($("p", {}, "Send event ", eventType, " ", payload, $("button", { textContent: "Send event", onclick: async () => {
      let parsed;
      try { parsed = JSON.parse(payload.value); } catch (error) { return showError(out, new Error("Invalid JSON: " + error.message)); }
      if (!eventType.value) return showError(out, new Error("An event type is required."));
      try { await post(base + "/events/" + enc(eventType.value), parsed); instanceView(workflow, id); } catch (error) { showError(out, error); }
    } })));
    out.append($("h2", { textContent: "Steps" }));
    out.append(table(["Step", "Type", "Start", "End", "Success", "Attempts", "Output / error"], i.steps.map((s) => [
      s.name, s.type, s.start, s.end, s.success,
      s.attempts.map((a, n) => "#" + (n + 1) + " " + (a.success ? "ok" : a.success === false ? "failed" : "running") + (a.end && a.start ? " " + (a.end - a.start) + " ms" : "") + (a.error ? ": " + a.error.name + ": " + a.error.message : "")).join("\\n"),
      s.output === undefined ? (s.wake_at ? "wakes " + s.wake_at : "") : s.output,
    ])));
    out.append($("pre", { textContent: JSON.stringify({ params: i.params, output: i.output, error: i.error }, null, 2) }));
  } catch (error) { showError(out, error); }
}

async function queueView(name) {
  const out = $("div");
  const message = $("textarea", { value: '{"hello":"from the explorer"}' });
  view("Queue: " + name, out);
  const path = "/queues/" + enc(name);
  try {
    const q = (await api(path)).result;
    out.append($("p", { id: "queue-count", textContent: q.messages + " message(s) stored" }));
    if (q.consumer) out.append($("p", { className: "muted", textContent: "Consumer: max_retries " + q.consumer.max_retries + ", retry_delay " + q.consumer.retry_delay + " s, dead-letter queue " + (q.consumer.dead_letter_queue || "none") }));
    if (q.dead_letter_for.length) out.append($("p", { className: "muted", textContent: "Dead-letter queue of: " + q.dead_letter_for.join(", ") }));
    const messages = (await api(path + "/messages?limit=100")).result;
    out.append(table(["Id", "State", "Attempts", "Body", "Sent", "Visible at", ""], messages.map((m) => [
      m.id, m.state, m.attempts, m.body, m.timestamp, m.visible_at,
      m.state === "delayed" || m.state === "retrying" ? $("button", { textContent: "Retry now", onclick: async () => {
        try { await api(path + "/messages/" + enc(m.id) + "/retry", { method: "POST" }); queueView(name); } catch (error) { showError(out, error); }
      } }) : "",
    ])));
    out.append($("h2", { textContent: "Send a test message (JSON)" }), message, $("button", { textContent: "Send", onclick: async () => {
      let parsed;
      try { parsed = JSON.parse(message.value); } catch (error) { return showError(out, new Error("Invalid JSON: " + error.message)); }
      try { await post(path + "/messages", { body: parsed }); queueView(name); }
      catch (error) { showError(out, error); }
    } }), $("button", { textContent: "Purge", onclick: async () => {
      if (!confirm("Delete every message of " + name + "?")) return;
      try { await api(path + "/purge", { method: "POST" }); queueView(name); } catch (error) { showError(out, error); }
    } }));
  } catch (error) { showError(out, error); }
}

// --- Cache and requests ---
async function cacheView() {
  const out = $("div");
  view("Cache", out);
  try {
    const entries = (await api("/cache")).result;
    out.append(entries.length ? table(["Cache", "URL", "Status", "Bytes", "Expires", ""], entries.map((e) => [e.cache, e.url, e.status, e.size, e.expires,
      $("button", { textContent: "Delete", onclick: async () => {
        try { await api("/cache/entries?cache=" + enc(e.stored_name) + "&url=" + enc(e.url), { method: "DELETE" }); cacheView(); } catch (error) { showError(out, error); }
      } })])) : $("p", { className: "muted", textContent: "Nothing cached." }));
  } catch (error) { showError(out, error); }
}
async function requestsView() {
  const out = $("div");
  view("Requests", $("p", {}, $("button", { textContent: "Refresh", onclick: () => requestsView() }), $("button", { textContent: "Clear", onclick: async () => { await api("/requests", { method: "DELETE" }); requestsView(); } })), out);
  try {
    const body = await api("/requests?limit=100");
    if (!body.result_info.recording) out.append($("p", { className: "muted", textContent: "Requests are recorded by a running bunflare dev session: open its /cdn-cgi/explorer to see them." }));
    out.append($("h2", { textContent: "By route" }));
    out.append(table(["Route", "Count", "Errors", "p50 ms", "p99 ms"], body.result.routes.map((r) => [r.route, r.count, r.errors, r.p50_ms, r.p99_ms])));
    out.append($("h2", { textContent: "Last requests" }));
    out.append(table(["Started", "Method", "Path", "Status", "ms", "Logs"], body.result.requests.map((r) => [r.started, r.method, r.path, r.status, r.duration_ms,
      r.logs.map((l) => "[" + l.level + "] " + l.text).join("\\n")])));
  } catch (error) { showError(out, error); }
}

// --- Navigation ---
async function section(title, path, entries) {
  nav.append($("h2", { textContent: title }));
  try {
    const body = await api(path);
    const items = entries(body.result);
    if (!items.length) nav.append($("div", { className: "muted", textContent: "none" }));
    for (const [label, open] of items) {
      const a = link(label, () => { for (const other of nav.querySelectorAll("a")) other.classList.remove("active"); a.classList.add("active"); open(); });
      nav.append(a);
    }
  } catch (error) { showError(nav, error); }
}
(async () => {
  await section("KV", "/storage/kv/namespaces", (r) => r.map((ns) => [ns.title, () => kvView(ns)]));
  await section("D1", "/d1/database", (r) => r.map((db) => [db.name, () => d1View(db)]));
  await section("R2", "/r2/buckets", (r) => r.buckets.map((b) => [b.name, () => r2View(b.name)]));
  await section("Durable Objects", "/workers/durable_objects/namespaces", (r) => r.map((ns) => [ns.class, () => doView(ns)]));
  await section("Workflows", "/workflows", (r) => r.map((w) => [w.name, () => workflowView(w)]));
  await section("Queues", "/queues", (r) => r.map((q) => [q.queue_name + (q.messages ? " (" + q.messages + ")" : ""), () => queueView(q.queue_name)]));
  nav.append($("h2", { textContent: "Session" }));
  for (const [label, open] of [["Cache", cacheView], ["Requests", requestsView]]) {
    const a = link(label, () => { for (const other of nav.querySelectorAll("a")) other.classList.remove("active"); a.classList.add("active"); open(); });
    nav.append(a);
  }
  nav.append($("p", { className: "muted" }, $("a", { href: API, textContent: "API (OpenAPI 3)" })));
})();
</script>
</body>
</html>
`;
