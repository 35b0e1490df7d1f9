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
  th, td { border: 1px solid #ddd; padding: 3px 8px; text-align: left; vertical-align: top; max-width: 480px; overflow-wrap: anywhere; }
  th { background: #f4f4f6; }
  textarea { width: 100%; min-height: 120px; font: 13px monospace; box-sizing: border-box; }
  input[type=text] { padding: 3px 6px; }
  .error { color: #b00020; white-space: pre-wrap; margin: 8px 0; }
  .muted { color: #777; }
  pre { background: #f7f7f7; padding: 8px; overflow: auto; }
  button { margin: 2px; }
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
        status.append($("p", { className: "muted", textContent: "Binary value, shown as hex (read-only)." }));
      } else {
        try { value.value = JSON.stringify(JSON.parse(text), null, 2); value.dataset.json = "1"; } catch { value.value = text; }
      }
      const listed = await api("/storage/kv/namespaces/" + enc(ns.id) + "/keys?prefix=" + enc(key) + "&limit=10");
      const entry = listed.result.find((k) => k.name === key);
      if (entry && entry.metadata !== undefined) metadata.value = JSON.stringify(entry.metadata);
    } catch (error) { showError(status, error); }
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
function d1View(db) {
  const sql = $("textarea", { value: "SELECT name, type FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name;" });
  const out = $("div", { id: "d1-results" });
  let latest = 0;
  const run = async () => {
    // Only the latest run shows its results: an earlier, slower one must not append to them.
    const mine = ++latest;
    out.replaceChildren();
    try {
      const body = await api("/d1/database/" + enc(db.uuid) + "/raw", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sql: sql.value }) });
      if (mine !== latest) return;
      for (const result of body.result) {
        out.append(table(result.results.columns, result.results.rows));
        out.append($("p", { className: "muted", textContent: result.meta.rows_read + " rows read, " + result.meta.rows_written + " written, " + result.meta.changes + " changes" }));
      }
    } catch (error) { if (mine === latest) showError(out, error); }
  };
  view("D1: " + db.name, sql, $("button", { textContent: "Run", id: "d1-run", onclick: run }), out);
  run();
}

// --- R2 ---
async function r2View(bucket, prefix = "", cursor = "") {
  const list = $("div");
  const file = $("input", { type: "file" });
  const upload = $("button", { textContent: "Upload", onclick: async () => {
    const chosen = file.files[0];
    if (!chosen) return;
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
  } catch (error) { showError(list, error); }
}

// --- Durable Objects ---
async function doView(ns) {
  const out = $("div");
  view("Durable Objects: " + ns.class, $("p", { className: "muted", textContent: (ns.use_sqlite ? "SQLite-backed" : "KV-backed") + ", script " + ns.script }), out);
  try {
    const body = await api("/workers/durable_objects/namespaces/" + enc(ns.id) + "/objects");
    out.append(body.result.length ? table(["Object id"], body.result.map((o) => [o.id])) : $("p", { className: "muted", textContent: "No object has stored data yet." }));
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
  view("Workflow: " + workflow.name + " / " + id, out);
  try {
    const body = await api("/workflows/" + enc(workflow.name) + "/instances/" + enc(id));
    const i = body.result;
    out.append($("p", { textContent: "Status: " + i.status }));
    for (const action of ["pause", "resume", "restart", "terminate"]) out.append($("button", { textContent: action, onclick: async () => {
      try { await api("/workflows/" + enc(workflow.name) + "/instances/" + enc(id) + "/status", { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ action }) }); instanceView(workflow, id); }
      catch (error) { showError(out, error); }
    } }));
    out.append(table(["Step", "Type", "Start", "End", "Success", "Output"], i.steps.map((s) => [s.name, s.type, s.start, s.end, s.success, s.output === undefined ? "" : s.output])));
    out.append($("pre", { textContent: JSON.stringify({ params: i.params, output: i.output, error: i.error }, null, 2) }));
  } catch (error) { showError(out, error); }
}

async function queueView(name) {
  const out = $("div");
  const message = $("textarea", { value: '{"hello":"from the explorer"}' });
  view("Queue: " + name, out);
  const path = "/queues/" + enc(name);
  try {
    const body = await api(path);
    out.append($("p", { id: "queue-count", textContent: body.result.messages + " message(s) waiting or in flight" }));
    out.append($("h2", { textContent: "Send a test message (JSON)" }), message, $("button", { textContent: "Send", onclick: async () => {
      let parsed;
      try { parsed = JSON.parse(message.value); } catch (error) { return showError(out, new Error("Invalid JSON: " + error.message)); }
      try { await api(path + "/messages", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ body: parsed }) }); queueView(name); }
      catch (error) { showError(out, error); }
    } }), $("button", { textContent: "Purge", onclick: async () => {
      if (!confirm("Delete every message of " + name + "?")) return;
      try { await api(path + "/purge", { method: "POST" }); queueView(name); } catch (error) { showError(out, error); }
    } }));
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
  await section("Queues", "/queues", (r) => r.map((q) => [q.queue_name, () => queueView(q.queue_name)]));
})();
</script>
</body>
</html>
`;
