// What worker code sees of the runtime under `dev`: Bun hidden, Node's globals only
// as nodejs_compat and the compatibility date give them, code generation from strings
// refused, functions' source text as written; and the compatibility date and flag
// checks `wrangler dev` makes before it starts a worker.
import type { CompatCase } from "../harness.ts";
import { devCase, workerToml } from "../dev-harness.ts";
import { ATTEMPT } from "../attempt.ts";

/**
 * A worker that answers with what its code can see of the global scope, and of
 * import.meta: workerd's is empty (without new_module_registry), Bun's has url,
 * dir, require, env (the machine's environment), ... Not compared: Reflect.ownKeys
 * and `in` on it, which show bunflare's undefined shadows of Bun's members (they
 * cannot be deleted, only shadowed).
 */
const PROBE = `
const names = ["Bun", "process", "Buffer", "setImmediate", "clearImmediate", "global", "require", "module", "__dirname", "self", "navigator", "scheduler", "alert", "Worker", "BuildMessage"];
const META = ["url", "main", "dir", "dirname", "file", "filename", "path", "require", "resolve", "resolveSync", "env", "hot"];
const refused = (run) => { try { run(); return "allowed"; } catch (error) { return error.name + ": " + error.message; } };
export default {
  fetch() {
    return Response.json({
      typeOf: Object.fromEntries(names.map((name) => [name, typeof globalThis[name]])),
      bare: { Bun: typeof Bun, process: typeof process, Buffer: typeof Buffer, setImmediate: typeof setImmediate, global: typeof global },
      inGlobal: names.filter((name) => name in globalThis),
      userAgent: navigator.userAgent,
      eval: refused(() => eval("1 + 1")),
      newFunction: refused(() => new Function("return 1")),
      callFunction: refused(() => Function("return 1")),
      asyncFunction: refused(() => (async () => {}).constructor("return 1")),
      env: typeof process === "object" ? Object.keys(process.env).sort() : null,
      importMeta: { keys: Object.keys(import.meta), json: JSON.stringify(import.meta), types: Object.fromEntries(META.map((key) => [key, typeof import.meta[key]])) },
    });
  },
};
`;

const toml = (extra: string) => `name = "probe"\nmain = "index.js"\n${extra}\n[vars]\nGREETING = "hi"\n`;

/** A function with comments and odd spacing, returned as its own source text. */
const AS_WRITTEN = `// a helper, spaced as its author likes
function   shout( text ) {
  /* a comment inside */ return text.toUpperCase()   + "!" ; // and after
}
const arrow = ( a,b )=>a+b /* trailing */;
export default {
  fetch() {
    return new Response([shout.toString(), arrow.toString(), shout("ok")].join("\\n---\\n"));
  },
};
`;

// `on<type>` properties of EventTargets that are not WebSockets: when workerd calls them,
// in which order, with what `this`, what their return and exception do.
const ON_HANDLERS = `export default {
  async fetch() {
    const out = [];
    const t = new EventTarget();
    t.addEventListener("foo", () => out.push("listener1"));
    t.onfoo = function (e) { out.push("onfoo this=" + (this === globalThis ? "global" : typeof this) + " type=" + e.type + " phase=" + e.eventPhase + " target=" + (e.target === t) + " current=" + (e.currentTarget === t)); };
    t.addEventListener("foo", () => out.push("listener2"));
    out.push("returned " + t.dispatchEvent(new Event("foo")));
    out.push("own=" + Object.getOwnPropertyNames(t).join(",") + " unset=" + new EventTarget().onbar);
    for (const value of [true, false, 1, undefined]) {
      for (const cancelable of [true, false]) {
        const x = new EventTarget(); const e = new Event("foo", { cancelable });
        x.onfoo = () => value;
        out.push("return " + value + " cancelable=" + cancelable + " -> " + x.dispatchEvent(e) + " prevented=" + e.defaultPrevented);
      }
    }
    class Sub extends EventTarget {}
    const s = new Sub(); s.onping = () => out.push("subclass onping"); s.dispatchEvent(new Event("ping"));
    const n = new EventTarget(); n.onfoo = "not a function"; n.dispatchEvent(new Event("foo"));
    n.onfoo = { handleEvent: () => out.push("object handler called") }; n.dispatchEvent(new Event("foo"));
    n.onfoo = () => out.push("first"); n.onfoo = () => out.push("replaced"); n.dispatchEvent(new Event("foo"));
    n.onfoo = null; n.dispatchEvent(new Event("foo"));
    const h = new EventTarget(); h.onfoo = () => { throw new Error("boom"); }; h.addEventListener("foo", () => out.push("listener after a throwing handler"));
    try { h.dispatchEvent(new Event("foo")); out.push("throwing handler: dispatch returned"); } catch (e) { out.push("throwing handler: dispatch threw " + e.message); }
    const st = new EventTarget(); st.onfoo = () => out.push("handler before stopImmediatePropagation"); st.addEventListener("foo", (e) => e.stopImmediatePropagation()); st.dispatchEvent(new Event("foo"));
    const c = new EventTarget(); c.onFoo = () => out.push("onFoo for Foo"); c.dispatchEvent(new Event("Foo")); c.dispatchEvent(new Event("foo"));
    const g = new EventTarget(); Object.defineProperty(g, "onfoo", { get() { out.push("getter read"); return () => out.push("getter's function"); } }); g.dispatchEvent(new Event("foo"));
    const r = new EventTarget(); r.onfoo = () => out.push("old handler"); r.addEventListener("foo", () => { r.onfoo = () => out.push("new handler"); }); r.dispatchEvent(new Event("foo")); r.dispatchEvent(new Event("foo"));
    const a = new EventTarget(); a.onfoo = async () => out.push("async handler"); a.dispatchEvent(new CustomEvent("foo", { detail: 1 }));
    const ac = new AbortController(); out.push("onabort " + ac.signal.onabort + " " + ("onabort" in ac.signal)); ac.signal.onabort = () => out.push("onabort ran"); ac.abort();
    return new Response(out.join("\\n"));
  },
};
`;

// A listener that throws during dispatchEvent() or abort(): which listeners ran, what
// the call answered or threw, and where AbortSignal's onabort runs among its listeners.
const THROWING_LISTENERS = `const listeners = (target, type, names, out) => {
  for (const name of names) target.addEventListener(type, () => { out.push(name); if (name.startsWith("throw")) throw new Error(name); });
};
const attempt = (out, fn) => { try { out.push("returned " + fn()); } catch (e) { out.push("threw " + e.message); } };
export default {
  fetch(request) {
    const out = [];
    switch (new URL(request.url).pathname) {
      case "/plain": { const t = new EventTarget(); listeners(t, "x", ["a", "throw b", "c"], out); attempt(out, () => t.dispatchEvent(new Event("x", { cancelable: true }))); break; }
      case "/object": {
        const t = new EventTarget();
        t.addEventListener("x", { handleEvent() { out.push("object"); throw new Error("object"); } });
        listeners(t, "x", ["c"], out);
        attempt(out, () => t.dispatchEvent(new Event("x")));
        break;
      }
      case "/handler": { const t = new EventTarget(); listeners(t, "x", ["a"], out); t.onx = () => out.push("onx"); listeners(t, "x", ["throw b", "c"], out); attempt(out, () => t.dispatchEvent(new Event("x"))); break; }
      case "/abort": { const c = new AbortController(); listeners(c.signal, "abort", ["a"], out); c.signal.onabort = () => out.push("onabort"); listeners(c.signal, "abort", ["throw b", "c"], out); attempt(out, () => c.abort()); out.push("aborted " + c.signal.aborted); break; }
      case "/onabort-throws": { const c = new AbortController(); listeners(c.signal, "abort", ["a"], out); c.signal.onabort = () => { out.push("onabort"); throw new Error("onabort"); }; listeners(c.signal, "abort", ["c"], out); attempt(out, () => c.abort()); break; }
      case "/signal-dispatch": { const c = new AbortController(); listeners(c.signal, "abort", ["throw a", "c"], out); attempt(out, () => c.signal.dispatchEvent(new Event("abort"))); out.push("aborted " + c.signal.aborted); break; }
      case "/nested": {
        const outer = new EventTarget(); const inner = new EventTarget();
        listeners(inner, "y", ["throw inner"], out);
        outer.addEventListener("x", () => { attempt(out, () => inner.dispatchEvent(new Event("y"))); });
        listeners(outer, "x", ["after inner"], out);
        attempt(out, () => outer.dispatchEvent(new Event("x")));
        break;
      }
      case "/capture": {
        const t = new EventTarget(); const l = () => out.push("listener");
        for (const options of [true, { capture: true }, { passive: true }, { capture: false, passive: false }, false]) attempt(out, () => t.addEventListener("x", l, options));
        for (const options of [true, { capture: true }, { passive: true }]) attempt(out, () => t.removeEventListener("x", l, options));
        t.dispatchEvent(new Event("x"));
        break;
      }
      case "/listeners": {
        const t = new EventTarget(); const f = () => out.push("f"); const o = { handleEvent() { out.push("o " + (this === o)); } };
        t.addEventListener("x", f); t.addEventListener("x", f); t.addEventListener("x", o); t.addEventListener("x", () => out.push("once"), { once: true });
        t.dispatchEvent(new Event("x")); t.removeEventListener("x", f); t.removeEventListener("x", o); t.dispatchEvent(new Event("x"));
        const c = new AbortController(); t.addEventListener("y", () => out.push("y"), { signal: c.signal }); c.abort(); t.dispatchEvent(new Event("y"));
        const s = new AbortController().signal; out.push("onabort " + s.onabort); const h = () => {}; s.onabort = h; out.push("kept " + (s.onabort === h)); s.onabort = 5; out.push("number " + s.onabort);
        const e = new Event("z"); t.addEventListener("z", (event) => event.preventDefault());
        out.push("not cancelable " + t.dispatchEvent(e) + " " + e.defaultPrevented + ", cancelable " + t.dispatchEvent(new Event("z", { cancelable: true })));
        break;
      }
    }
    return Response.json(out);
  },
};
`;

export const cases: CompatCase[] = [
  devCase({
    name: "runtime: EventTarget calls an on<type> function property before the listeners, on plain targets and subclasses; true cancels, a throw stops dispatch",
    fast: true,
    files: { "wrangler.toml": toml('compatibility_date = "2025-06-01"'), "index.js": ON_HANDLERS },
    requests: [
      {
        path: "/",
        expected: [
          {
            reason: "workerd calls the handler with the global object as this; bunflare's is the host's global, which a worker's globalThis (its own view of it) is not",
            bunflare: (text) => text.replace("onfoo this=object", "onfoo this=global"),
          },
        ],
      },
    ],
  }),
  devCase({
    name: "runtime: a listener that throws ends dispatchEvent() and abort() and comes out of them; onabort runs before every listener; capture listeners are refused",
    fast: true,
    files: { "wrangler.toml": toml('compatibility_date = "2025-06-01"'), "index.js": THROWING_LISTENERS },
    // Thrown to the caller, so neither logs it.
    compareStderr: true,
    requests: ["/plain", "/object", "/handler", "/abort", "/onabort-throws", "/signal-dispatch", "/nested", "/capture", "/listeners"].map((path) => ({ path })),
  }),
  devCase({
    name: "runtime: without nodejs_compat a worker sees no Bun and no Node globals, and eval is refused",
    fast: true,
    files: { "wrangler.toml": toml('compatibility_date = "2025-06-01"'), "index.js": PROBE },
    requests: [{ path: "/" }],
  }),
  devCase({
    name: "runtime: nodejs_compat (from 2024-09-23) gives process, Buffer, global and setImmediate; process.env holds the vars from 2025-04-01",
    files: { "wrangler.toml": toml('compatibility_date = "2025-06-01"\ncompatibility_flags = ["nodejs_compat"]'), "index.js": PROBE },
    requests: [{ path: "/" }],
  }),
  devCase({
    name: "runtime: nodejs_compat before 2025-04-01 leaves process.env empty",
    files: { "wrangler.toml": toml('compatibility_date = "2025-01-01"\ncompatibility_flags = ["nodejs_compat"]'), "index.js": PROBE },
    requests: [{ path: "/" }],
  }),
  devCase({
    name: "runtime: nodejs_compat before 2024-09-23 (v1) gives no Node globals; nodejs_compat_populate_process_env",
    files: { "wrangler.toml": toml('compatibility_date = "2024-09-01"\ncompatibility_flags = ["nodejs_compat"]'), "index.js": PROBE },
    requests: [{ path: "/" }],
  }),
  devCase({
    name: "runtime: nodejs_compat_v2 and nodejs_compat_populate_process_env before their dates",
    files: {
      "wrangler.toml": toml('compatibility_date = "2024-09-01"\ncompatibility_flags = ["nodejs_compat_v2", "nodejs_compat_populate_process_env"]'),
      "index.js": PROBE,
    },
    requests: [{ path: "/" }],
  }),
  devCase({
    name: "runtime: eval at the top level is allowed from 2025-06-01, never while a request runs",
    files: {
      "wrangler.toml": 'name = "ev"\nmain = "index.js"\ncompatibility_date = "2025-06-01"\n',
      "index.js": `let atStartup;
try { atStartup = eval("1 + 1") + new Function("return 2")(); } catch (error) { atStartup = String(error); }
export default { fetch() { let later; try { later = eval("3"); } catch (error) { later = String(error); } return Response.json({ atStartup, later }); } };
`,
    },
    requests: [{ path: "/" }],
  }),
  devCase({
    name: "runtime: eval at the top level is refused before 2025-06-01",
    files: {
      "wrangler.toml": 'name = "ev"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n',
      "index.js": `let atStartup;
try { atStartup = eval("1 + 1"); } catch (error) { atStartup = String(error); }
export default { fetch() { return Response.json({ atStartup }); } };
`,
    },
    requests: [{ path: "/" }],
  }),
  devCase({
    name: "runtime: no_bundle runs the module as written: a function's toString() keeps comments and spacing",
    fast: true,
    // In src/: wrangler watches an unbundled worker's directory, and its own log files in
    // the project directory would make it reload without end.
    files: { "wrangler.toml": 'name = "asis"\nmain = "src/index.js"\ncompatibility_date = "2025-06-01"\nno_bundle = true\n', "src/index.js": AS_WRITTEN },
    requests: [{ path: "/" }],
  }),
  devCase({
    name: "runtime: a bundled worker runs esbuild's output as written: toString() as under wrangler",
    files: { "wrangler.toml": 'name = "asis"\nmain = "index.js"\ncompatibility_date = "2025-06-01"\n', "index.js": AS_WRITTEN },
    requests: [{ path: "/" }],
  }),
];

// Startup refusals. Both tools print the banner and then fail before "Ready on"; wrangler
// also prints "⎔ Starting local server..." and, for workerd's own refusals, offers on
// stdout to report a bug, which bunflare does not: stderr and the exit code are compared.
const refusal = (name: string, extra: string): CompatCase => ({
  name,
  files: {
    "wrangler.toml": `name = "w"\nmain = "index.js"\n${extra}\n`,
    "index.js": 'export default { fetch() { return new Response("never"); } };\n',
  },
  steps: [{ args: ["dev", "--port", "0"], compare: ["exitCode", "stderr"], reason: "wrangler's stdout adds a bug-report prompt after workerd refuses" }],
  // Wrangler's "failed to start" line and workerd's own come in either order (two
  // processes racing to stderr), so the lines are compared as a set, blank ones included.
  // (The Go dump wrangler's esbuild sometimes adds as it dies is left out by normalize().)
  normalize: (text) => text.split("\n").sort().join("\n"),
});

cases.push(
  refusal("runtime: an unknown compatibility flag stops dev with workerd's error", 'compatibility_date = "2025-06-01"\ncompatibility_flags = ["nodejs_compat", "no_such_flag"]'),
  refusal("runtime: a compatibility date in the future stops dev", 'compatibility_date = "2999-01-01"'),
  // Bunflare started such a worker; workerd refuses it.
  refusal("runtime: a flag given with its disable flag stops dev with workerd's error", 'compatibility_date = "2025-01-01"\ncompatibility_flags = ["enable_weak_ref", "disable_weak_ref"]'),
  // Bunflare started this one too.
  refusal("runtime: a flag given after the date it became the default stops dev with workerd's error", 'compatibility_date = "2025-06-01"\ncompatibility_flags = ["enable_weak_ref"]'),
  refusal("runtime: a compatibility date the runtime cannot parse stops dev", 'compatibility_date = "2025-6-1"'),
  // Not diffed: a date between the pinned workerd's newest ("This Worker requires
  // compatibility date ..., but the newest date supported by this server binary is ...")
  // and today. Wrangler refuses it; bunflare has no binary with a baked-in date and
  // takes any date up to today (UTC), so it never fails because the clock moved on.
);

// workerd's Web Crypto extensions: crypto.subtle.timingSafeEqual, MD5 in
// crypto.subtle.digest, crypto.DigestStream (bytesWritten a bigint).
const CRYPTO_WORKER = `${ATTEMPT}
const hex = (buf) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, "0")).join("");
const enc = (s) => new TextEncoder().encode(s);
export default {
  async fetch() {
    const r = {};
    r.tseEqual = await attempt(() => crypto.subtle.timingSafeEqual(enc("abc"), enc("abc")));
    r.tseDiff = await attempt(() => crypto.subtle.timingSafeEqual(enc("abc"), enc("abd")));
    r.tseBuffers = await attempt(() => crypto.subtle.timingSafeEqual(enc("abc").buffer, new Uint8Array([97, 98, 99]).buffer));
    r.tseLength = await attempt(() => crypto.subtle.timingSafeEqual(enc("ab"), enc("abc")));
    r.tseView = await attempt(() => crypto.subtle.timingSafeEqual(new DataView(enc("ab").buffer), new Uint16Array([0x6261])));
    r.md5 = await attempt(async () => hex(await crypto.subtle.digest("MD5", enc("abc"))));
    r.md5Object = await attempt(async () => hex(await crypto.subtle.digest({ name: "md5" }, enc("abc"))));
    r.sha1 = await attempt(async () => hex(await crypto.subtle.digest("SHA-1", enc("abc"))));
    r.digestStream = await attempt(async () => {
      const ds = new crypto.DigestStream("SHA-256");
      const w = ds.getWriter();
      await w.write(enc("a")); await w.write(enc("bc")); await w.close();
      return [hex(await ds.digest), String(ds.bytesWritten), typeof ds.bytesWritten, ds instanceof WritableStream];
    });
    r.digestStreamMd5 = await attempt(async () => {
      const ds = new crypto.DigestStream("MD5");
      await new Response("abc").body.pipeTo(ds);
      return hex(await ds.digest);
    });
    r.digestStreamBad = await attempt(() => new crypto.DigestStream("SHA-999"));
    r.digestStreamString = await attempt(async () => { const ds = new crypto.DigestStream("SHA-1"); const w = ds.getWriter(); await w.write("text"); await w.close(); return hex(await ds.digest); });
    return Response.json(r);
  },
};
`;

cases.push(
  devCase({
    name: "runtime: crypto.subtle.timingSafeEqual, MD5 digests and crypto.DigestStream",
    files: { "wrangler.toml": 'name = "crypto"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n', "index.js": CRYPTO_WORKER },
    requests: [{ path: "/" }],
    fast: true,
  }),
);

// What new Response(), Response.json() and Response.redirect() refuse: a
// status outside 200-599 (101 only with a WebSocket), a non-empty body on a
// null-body status, a redirect status that is not one; and a worker that
// returns such a response gets the error page.
const RESPONSE_WORKER = `${ATTEMPT}
const made = (work) => attempt(work, (r) => (r === undefined ? "undefined" : r instanceof Response ? "Response " + r.status : r));
export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/s204") return new Response("not empty", { status: 204 });
    if (url.pathname === "/s304") return new Response(null, { status: 304, headers: { etag: '"x"' } });
    if (url.pathname === "/s204ok") return new Response(null, { status: 204 });
    if (url.pathname === "/s101") return new Response(null, { status: 101 });
    return Response.json({
      s204: made(() => new Response("x", { status: 204 })),
      s204empty: made(() => new Response("", { status: 204 })),
      s204emptyBytes: made(() => new Response(new Uint8Array(0), { status: 204 })),
      s204emptyBuffer: made(() => new Response(new ArrayBuffer(0), { status: 304 })),
      s204stream: made(() => new Response(new ReadableStream(), { status: 204 })),
      redirectDefault: made(() => Response.redirect("http://x/")),
      redirectUrl: made(() => Response.redirect(new URL("http://x/"), 308).headers.get("location")),
      s205: made(() => new Response(new Uint8Array(1), { status: 205 })),
      s304: made(() => new Response("x", { status: 304 })),
      s304null: made(() => new Response(null, { status: 304 })),
      s304undef: made(() => new Response(undefined, { status: 304 })),
      s101: made(() => new Response(null, { status: 101 })),
      s99: made(() => new Response(null, { status: 99 })),
      s199: made(() => new Response(null, { status: 199 })),
      s600: made(() => new Response(null, { status: 600 })),
      s599: made(() => new Response(null, { status: 599 })),
      sString: made(() => new Response(null, { status: "201" })),
      sFloat: made(() => new Response(null, { status: 200.5 })),
      sNaN: made(() => new Response(null, { status: "abc" })),
      jsonNull: made(() => Response.json(null, { status: 204 })),
      redirect: made(() => Response.redirect("http://x/", 304)),
      error: made(() => Response.error()),
    });
  },
};
`;

cases.push(
  devCase({
    name: "runtime: Response status and null-body checks, and their error messages",
    files: { "wrangler.toml": 'name = "responses"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n', "index.js": RESPONSE_WORKER },
    requests: [
      { path: "/" },
      { path: "/s204", ignoreBody: true },
      { path: "/s304", headers_compared: ["etag"] },
      { path: "/s204ok" },
      { path: "/s101", ignoreBody: true },
    ],
    fast: true,
  }),
);

// Request.keepalive: workerd has the property (on the prototype) and it is always
// false, for the request a worker receives and for any it constructs.
const KEEPALIVE_WORKER = `export default {
  fetch(request) {
    return Response.json({
      incoming: request.keepalive,
      constructed: new Request("http://x/").keepalive,
      askedFor: new Request("http://x/", { method: "POST", body: "x", keepalive: true }).keepalive,
      copied: new Request(request).keepalive,
      cloned: request.clone().keepalive,
      onPrototype: "keepalive" in Request.prototype,
      own: Object.prototype.hasOwnProperty.call(request, "keepalive"),
    });
  },
};
`;

cases.push(
  devCase({
    name: "runtime: Request.keepalive is false on received and constructed requests",
    files: { "wrangler.toml": 'name = "keepalive"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n', "index.js": KEEPALIVE_WORKER },
    requests: [{ path: "/" }],
    fast: true,
  }),
);

// The Content-Type a new Request's body gives it: workerd's "text/plain;charset=UTF-8" for a
// string (Bun set none), as for a Response; the other kinds of body, and a type given, as is.
const REQUEST_TYPE_WORKER = `const typeOf = (body, headers) => new Request("http://x/", { method: "POST", body, headers }).headers.get("content-type");
export default {
  async fetch(request) {
    const form = new FormData();
    form.append("a", "1");
    return Response.json({
      string: typeOf("hi"),
      emptyString: typeOf(""),
      given: typeOf("hi", { "Content-Type": "application/json" }),
      givenLower: typeOf("hi", [["content-type", "text/csv"]]),
      params: typeOf(new URLSearchParams("a=1")),
      typedBlob: typeOf(new Blob(["x"], { type: "text/x" })),
      blob: typeOf(new Blob(["x"])),
      bytes: typeOf(new Uint8Array([1])),
      form: typeOf(form)?.split(";")[0],
      copied: new Request(new Request("http://x/", { method: "POST", body: "hi" })).headers.get("content-type"),
      replaced: new Request(new Request("http://x/", { method: "POST", body: new Uint8Array([1]) }), { body: "hi" }).headers.get("content-type"),
      text: await new Request("http://x/", { method: "POST", body: "hi" }).text(),
    });
  },
};
`;

cases.push(
  devCase({
    name: "runtime: a new Request's string body gives it workerd's text/plain type; other bodies and a given type are kept",
    files: { "wrangler.toml": 'name = "request-type"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n', "index.js": REQUEST_TYPE_WORKER },
    requests: [{ path: "/" }],
  }),
);

// crypto.getRandomValues: at most 64 KiB at once, and integer-typed views only,
// refused with DOMExceptions in workerd's words. The view's own kind counts, not
// its prototype: a subclass is filled, a swapped prototype changes nothing.
const RANDOM_WORKER = `${ATTEMPT}
const filled = (work) => attempt(work, (r) => r.constructor.name + " " + r.byteLength, (e) => [e.constructor.name, e.name, e.code, e.message].join(" | "));
export default {
  fetch() {
    return Response.json({
      max: filled(() => crypto.getRandomValues(new Uint8Array(65536))),
      over: filled(() => crypto.getRandomValues(new Uint8Array(65537))),
      overWide: filled(() => crypto.getRandomValues(new Uint32Array(16385))),
      bigints: filled(() => crypto.getRandomValues(new BigUint64Array(4))),
      floats: filled(() => crypto.getRandomValues(new Float64Array(2))),
      floatsOver: filled(() => crypto.getRandomValues(new Float32Array(20000))),
      dataView: filled(() => crypto.getRandomValues(new DataView(new ArrayBuffer(4)))),
      subclass: filled(() => crypto.getRandomValues(new (class Bytes extends Uint8Array {})(4))),
      intDressedAsFloat: filled(() => crypto.getRandomValues(Object.setPrototypeOf(new Uint8Array(2), Float32Array.prototype))),
      floatDressedAsInt: filled(() => crypto.getRandomValues(Object.setPrototypeOf(new Float32Array(2), Uint8Array.prototype))),
      name: crypto.getRandomValues.name,
      length: crypto.getRandomValues.length,
    });
  },
};
`;

cases.push(
  devCase({
    name: "runtime: crypto.getRandomValues refuses more than 65,536 bytes and non-integer views",
    files: { "wrangler.toml": 'name = "random"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n', "index.js": RANDOM_WORKER },
    requests: [{ path: "/" }],
    fast: true,
  }),
);

// new Request(): a GET or HEAD request cannot have a body, whether the init gives
// one or a body-carrying input request is turned into a GET; a Request as the
// init, or a copy that sets neither method nor body, is taken as it is.
const REQUEST_BODY_WORKER = `${ATTEMPT}
const made = (work) => attempt(work, (r) => "ok " + r.method + " " + (r.body === null ? "no body" : "body") + " " + (r instanceof Request));
export default {
  async fetch(request) {
    const post = () => new Request("http://x/", { method: "POST", body: "abc" });
    return Response.json({
      getBody: made(() => new Request("http://x/", { method: "GET", body: "x" })),
      headBody: made(() => new Request("http://x/", { method: "HEAD", body: "x" })),
      lowerCase: made(() => new Request("http://x/", { method: "head", body: new Uint8Array(1) })),
      defaultMethod: made(() => new Request("http://x/", { body: "x" })),
      emptyBody: made(() => new Request("http://x/", { method: "GET", body: "" })),
      nullBody: made(() => new Request("http://x/", { method: "GET", body: null })),
      undefinedBody: made(() => new Request("http://x/", { method: "HEAD", body: undefined })),
      postToGet: made(() => new Request(post(), { method: "GET" })),
      postToGetNoBody: made(() => new Request(post(), { method: "GET", body: null })),
      postCopy: made(() => new Request(post(), { headers: { a: "b" } })),
      getGivenBody: made(() => new Request(new Request("http://x/"), { body: "x" })),
      post: made(() => new Request("http://x/", { method: "POST", body: "x" })),
      requestAsInit: made(() => new Request("http://x/", post())),
      incoming: made(() => new Request(request, { headers: { a: "b" } })),
      incomingIsRequest: request instanceof Request,
      fetchGetBody: await fetch("http://x.invalid/", { method: "GET", body: "x" }).then(() => "sent", (e) => e.constructor.name + ": " + e.message),
      length: Request.length,
    });
  },
};
`;

cases.push(
  devCase({
    name: "runtime: new Request() refuses a body on GET and HEAD",
    files: { "wrangler.toml": 'name = "reqbody"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n', "index.js": REQUEST_BODY_WORKER },
    requests: [
      {
        path: "/",
        expected: [
          {
            reason: "fetch() is Bun's own, which refuses a GET body with a TypeError of its own words",
            bunflare: (text) => text.replace("fetch() request with GET/HEAD method cannot have body.", "Request with a GET or HEAD method cannot have a body."),
          },
        ],
      },
    ],
    fast: true,
  }),
);

// A response body stream must give bytes: workerd does not encode strings a
// ReadableStream enqueues. A stream that errors after some bytes fares the same. The worker's own reads reject; the client gets the
// status and the bytes before the first string, and the error is logged. (Not
// compared: the logged lines, as workerd logs the error several times over,
// once with its own C++ trace, where bunflare logs it once; and a compressed
// body, which wrangler cuts off mid-stream: the probes ask for none.)
const STRING_STREAM_WORKER = `const strings = () => new ReadableStream({ start(c) { c.enqueue("hello "); c.enqueue("world"); c.close(); } });
const mixed = () => new ReadableStream({ start(c) { c.enqueue(new TextEncoder().encode("bytes ")); c.enqueue("then text"); c.close(); } });
const failing = () => { let n = 0; return new ReadableStream({ pull(c) { if (n++ < 2) c.enqueue(new TextEncoder().encode("chunk " + n + "\\n")); else c.error(new Error("boom in stream")); } }); };
export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/strings") return new Response(strings());
    if (url.pathname === "/mixed") return new Response(mixed());
    if (url.pathname === "/failing") return new Response(failing());
    const read = (work) => work().then((r) => "read " + JSON.stringify(r), (e) => e.constructor.name + ": " + e.message);
    return Response.json({
      text: await read(() => new Response(strings()).text()),
      mixed: await read(() => new Response(mixed()).text()),
      arrayBuffer: await read(() => new Response(strings()).arrayBuffer().then((b) => b.byteLength)),
      failing: await read(() => new Response(failing()).text()),
    });
  },
};
`;

cases.push(
  devCase({
    name: "runtime: a response body stream that enqueues strings is refused, and one that errors ends where it failed",
    files: { "wrangler.toml": 'name = "strstream"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n', "index.js": STRING_STREAM_WORKER },
    requests: [
      { path: "/" },
      { path: "/strings", headers: { "accept-encoding": "identity" } },
      { path: "/mixed", headers: { "accept-encoding": "identity" } },
      { path: "/failing", headers: { "accept-encoding": "identity" } },
    ],
    compareRequestLog: true,
    fast: true,
  }),
);

// The same holds for the other streams worker code makes: a TransformStream's
// readable gives what was written, ReadableStream.from() what the iterable
// gives, and a Request body is read as a Response body is. Bytes pass.
const MADE_STREAMS_WORKER = `const encode = (text) => new TextEncoder().encode(text);
const transformed = (...chunks) => { const { readable, writable } = new TransformStream(); const w = writable.getWriter(); for (const c of chunks) w.write(c); w.close(); return readable; };
const strings = () => new ReadableStream({ start(c) { c.enqueue("a"); c.enqueue("b"); c.close(); } });
export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/transform") return new Response(transformed("one", encode("two")));
    if (url.pathname === "/from") return new Response(ReadableStream.from(["x", "y"]));
    const read = (work) => work().then((r) => "read " + JSON.stringify(r), (e) => e.constructor.name + ": " + e.message);
    return Response.json({
      transform: await read(() => new Response(transformed("one")).text()),
      transformBytes: await read(() => new Response(transformed(encode("one "), encode("two"))).text()),
      from: await read(() => new Response(ReadableStream.from(["x", "y"])).text()),
      fromBytes: await read(() => new Response(ReadableStream.from([encode("x"), encode("y")])).text()),
      request: await read(() => new Request("http://example.com/", { method: "POST", body: strings() }).text()),
      requestBytes: await read(() => new Request("http://example.com/", { method: "POST", body: ReadableStream.from([encode("z")]) }).text()),
    });
  },
};
`;

cases.push(
  devCase({
    name: "runtime: string chunks are refused from a TransformStream's readable, ReadableStream.from() and a Request body stream",
    files: { "wrangler.toml": 'name = "madestreams"\nmain = "index.js"\ncompatibility_date = "2026-01-01"\n', "index.js": MADE_STREAMS_WORKER },
    requests: [
      { path: "/" },
      { path: "/transform", headers: { "accept-encoding": "identity" } },
      { path: "/from", headers: { "accept-encoding": "identity" } },
    ],
    fast: true,
  }),
);

// A made stream sent as a request body, by fetch() (here to the worker's own URL) or by a
// service binding's fetch(), given in the init or in a Request: workerd sends what it gives
// up to its first chunk that is not bytes (or its own error), and the body ends there. The
// sender's fetch() goes on, the receiver reads that much without an error, and the error is
// logged as uncaught (not compared: workerd logs it twice, bunflare once).
const SENT_STREAMS_WORKER = `const encode = (text) => new TextEncoder().encode(text);
const strings = () => new ReadableStream({ start(c) { c.enqueue("hello "); c.enqueue("world"); c.close(); } });
const mixed = () => new ReadableStream({ start(c) { c.enqueue(encode("bytes ")); c.enqueue("then text"); c.close(); } });
const bytes = () => ReadableStream.from([encode("all "), encode("bytes")]);
const failing = () => { let n = 0; return new ReadableStream({ pull(c) { if (n++ < 2) c.enqueue(encode("chunk " + n + " ")); else c.error(new Error("boom in stream")); } }); };
const transformed = () => { const { readable, writable } = new TransformStream(); const w = writable.getWriter(); w.write("one"); w.close(); return readable; };
const sent = (work) => work().then(async (r) => r.status + " " + await r.text(), (e) => e.constructor.name + ": " + e.message);
export const received = (request) => request.text().then((t) => "got " + JSON.stringify(t), (e) => "read failed " + e.constructor.name + ": " + e.message);
export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === "/echo") return new Response(await received(request));
    const self = new URL("/echo", request.url).href;
    const out = {};
    for (const [name, make] of Object.entries({ strings, mixed, bytes, failing, transformed })) {
      out["fetch " + name] = await sent(() => fetch(self, { method: "POST", body: make() }));
      out["fetch Request " + name] = await sent(() => fetch(new Request(self, { method: "POST", body: make() })));
      out["binding " + name] = await sent(() => env.B.fetch("http://b/", { method: "POST", body: make() }));
      out["binding Request " + name] = await sent(() => env.B.fetch(new Request("http://b/", { method: "POST", body: make() })));
    }
    out.ownRead = await received(new Request(self, { method: "POST", body: strings() }));
    return Response.json(out);
  },
};
`;

cases.push(
  devCase({
    name: "runtime: a request body stream that gives strings or fails is sent up to there, by fetch() and by a service binding",
    files: {
      "a.toml": workerToml("a", "a.js", '[[services]]\nbinding = "B"\nservice = "b"\n'),
      "b.toml": workerToml("b", "b.js"),
      "a.js": SENT_STREAMS_WORKER,
      "b.js": 'import { received } from "./a.js";\nexport default { async fetch(request) { return new Response(await received(request)); } };\n',
    },
    args: ["-c", "a.toml", "-c", "b.toml"],
    requests: [{ path: "/" }],
  }),
);

// WebSocketPair: a socket is CLOSING from its close() until the peer's close
// reaches it, and CLOSING from receiving a close until it closes too. Before
// 2026-04-07 the peer answers only when its code calls close(); from then on
// (web_socket_auto_reply_to_close) the runtime answers at once, and the close
// event finds the socket CLOSED, unless it was accepted with allowHalfOpen.
const WEBSOCKET_CLOSE_WORKER = `${ATTEMPT}
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const tried = (work) => attempt(work, () => "ok");
export default {
  async fetch() {
    const [a, b] = Object.values(new WebSocketPair());
    const log = [];
    const states = () => a.readyState + "/" + b.readyState;
    a.accept();
    b.accept();
    for (const [name, ws] of [["a", a], ["b", b]]) {
      ws.addEventListener("message", (e) => log.push(name + " message " + e.data + " " + states()));
      ws.addEventListener("close", (e) => log.push(name + " close " + e.code + " " + e.reason + " " + e.wasClean + " " + states()));
    }
    log.push("open " + states());
    a.close(4000, "bye");
    log.push("after a.close " + states());
    log.push("a.send " + tried(() => a.send("late")));
    log.push("a.close again " + tried(() => a.close(4002, "again")));
    await wait(100);
    log.push("later " + states());
    log.push("b.send " + tried(() => b.send("after the close")));
    b.close(4001, "ok");
    log.push("after b.close " + states());
    await wait(100);
    log.push("end " + states());
    // accept({ allowHalfOpen: true }): this end never answers a close by itself.
    const [c, d] = Object.values(new WebSocketPair());
    c.accept();
    d.accept({ allowHalfOpen: true });
    d.addEventListener("close", (e) => log.push("half-open d close " + e.code + " " + c.readyState + "/" + d.readyState));
    c.close(4003, "half");
    await wait(100);
    log.push("half-open later " + c.readyState + "/" + d.readyState);
    d.close(4004, "done");
    await wait(100);
    log.push("half-open end " + c.readyState + "/" + d.readyState);
    return Response.json(log);
  },
};
`;

const wsConfig = (date: string) => `name = "wsclose"\nmain = "index.js"\ncompatibility_date = "${date}"\n`;
cases.push(
  devCase({
    name: "runtime: a WebSocket is CLOSING after close() until the peer closes (manual close replies, before 2026-04-07)",
    files: { "wrangler.toml": wsConfig("2026-01-01"), "index.js": WEBSOCKET_CLOSE_WORKER },
    requests: [{ path: "/" }],
    fast: true,
  }),
  devCase({
    name: "runtime: a WebSocket is CLOSING after close() until the runtime's reply (web_socket_auto_reply_to_close, from 2026-04-07)",
    files: { "wrangler.toml": wsConfig("2026-05-01"), "index.js": WEBSOCKET_CLOSE_WORKER },
    requests: [{ path: "/" }],
    fast: true,
  }),
);

// WebSocket close codes: close() without a code sends a close frame without
// one (the peer sees 1005); workerd refuses codes outside 1000-4999 and the
// reserved 1004, 1005, 1006 and 1015, and a reason without a code. From
// 2026-03-03 (websocket_close_reason_byte_limit) it refuses a reason over 123
// UTF-8 bytes, before it looks for the code; from 2026-04-07 its automatic
// close reply echoes 1005 too. A worker's subclass of WebSocketPair has the same rules.
const WEBSOCKET_CODES_WORKER = `${ATTEMPT}
const tried = (work) => attempt(work, () => "ok", (e) => e.constructor.name + " " + e.name + " " + e.code + ": " + e.message);
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const accepted = () => { const ws = new WebSocketPair()[0]; ws.accept(); return ws; };
export default {
  async fetch() {
    const log = [];
    for (const code of [999, 1000, 1001, 1004, 1005, 1006, 1012, 1015, 1016, 2999, 3000, 4999, 5000, 0, -1, 1.5, "1000", NaN, null]) {
      log.push("code " + String(code) + " " + tried(() => accepted().close(code)));
    }
    log.push("reason without a code " + tried(() => accepted().close(undefined, "why")));
    for (const reason of ["x".repeat(123), "x".repeat(124), "é".repeat(62)]) {
      log.push("reason of " + new TextEncoder().encode(reason).length + " bytes " + tried(() => accepted().close(1000, reason)));
    }
    log.push("reason of 124 bytes without a code " + tried(() => accepted().close(undefined, "x".repeat(124))));
    log.push("a subclass's reason of 124 bytes " + tried(() => { const ws = new (class extends WebSocketPair {})()[0]; ws.accept(); ws.close(1000, "x".repeat(124)); }));
    const [a, b] = Object.values(new WebSocketPair());
    a.accept();
    b.accept();
    for (const [name, ws] of [["a", a], ["b", b]]) ws.addEventListener("close", (e) => log.push(name + " close " + e.code + " [" + e.reason + "] " + e.wasClean));
    a.close();
    await wait(100);
    b.close();
    await wait(100);
    log.push("end " + a.readyState + "/" + b.readyState);
    return Response.json(log);
  },
};
`;
cases.push(
  devCase({
    name: "runtime: WebSocket close() without a code reaches the peer as 1005; invalid close codes are refused, long reasons are not (before 2026-03-03)",
    files: { "wrangler.toml": wsConfig("2026-03-02"), "index.js": WEBSOCKET_CODES_WORKER },
    requests: [{ path: "/" }],
    fast: true,
  }),
  devCase({
    name: "runtime: WebSocket close() refuses a reason over 123 bytes (websocket_close_reason_byte_limit, from 2026-03-03)",
    files: { "wrangler.toml": wsConfig("2026-03-03"), "index.js": WEBSOCKET_CODES_WORKER },
    requests: [{ path: "/" }],
    fast: true,
  }),
  devCase({
    name: "runtime: a WebSocket's automatic close reply echoes 1005 (web_socket_auto_reply_to_close, from 2026-04-07)",
    files: { "wrangler.toml": wsConfig("2026-05-01"), "index.js": WEBSOCKET_CODES_WORKER },
    requests: [{ path: "/" }],
    fast: true,
  }),
);

// An end of a WebSocketPair that was neither accepted nor returned in a 101 refuses send()
// and close() with one TypeError (close() checks its code and reason first); a refused call
// changes nothing. The end returned in a Response is refused too. send() takes anything but
// nothing, as a string.
const WEBSOCKET_UNACCEPTED_WORKER = `${ATTEMPT}
const pair = () => Object.values(new WebSocketPair());
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export default {
  async fetch() {
    const out = {};
    { const [a, b] = pair(); out.sendServer = attempt(() => b.send("x")); out.sendClient = attempt(() => a.send("x")); out.states = [a.readyState, b.readyState]; }
    { const [a, b] = pair(); out.closeServer = attempt(() => b.close()); out.closeWithCode = attempt(() => b.close(1000, "bye")); out.closeClient = attempt(() => a.close(1000)); out.statesAfterClose = [a.readyState, b.readyState]; }
    { const [, b] = pair(); out.badCode = attempt(() => b.close(1)); out.reasonWithoutCode = attempt(() => b.close(undefined, "r")); out.longReason = attempt(() => b.close(1000, "x".repeat(200))); }
    { const [, b] = pair(); out.errorShape = attempt(() => b.send("x"), String, (e) => [e.name, e instanceof TypeError, e instanceof DOMException].join(" ")); }
    { const [, b] = pair(); out.sendNothing = attempt(() => b.send()); out.sendObject = attempt(() => b.send({})); }
    { const [a, b] = pair(); b.accept(); out.afterAccept = attempt(() => b.send("x")); out.peerNotAccepted = attempt(() => a.send("y")); out.acceptTwice = attempt(() => { b.accept(); b.accept(); return "ok"; }); }
    {
      const [a, b] = pair();
      a.accept();
      b.accept();
      const got = [];
      a.addEventListener("message", (e) => got.push(typeof e.data + " " + e.data));
      b.send("hi");
      b.send({});
      b.send(12);
      await wait(20);
      out.bothAccepted = got;
      out.closeAccepted = attempt(() => b.close(1000));
    }
    {
      const [a] = pair();
      new Response(null, { status: 101, webSocket: a });
      out.sendReturned = attempt(() => a.send("x"));
      out.closeReturned = attempt(() => a.close(1000));
    }
    return Response.json(out);
  },
};
`;
// The global WebSocket is one class for a pair's ends and outgoing sockets, as in workerd:
// its members and constants, a pair's end an instance of it with no URL, `new WebSocket(url)`
// only for ws: and wss:, and an outgoing socket (to this worker) that opens, talks and closes.
const WEBSOCKET_CLASS_WORKER = `${ATTEMPT}
export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/ws") {
      const [client, server] = Object.values(new WebSocketPair());
      server.accept();
      server.addEventListener("message", (e) => server.send("echo " + e.data));
      return new Response(null, { status: 101, webSocket: client });
    }
    const [a, b] = Object.values(new WebSocketPair());
    const out = {
      instance: a instanceof WebSocket,
      proto: Object.getPrototypeOf(a) === WebSocket.prototype,
      ctor: a.constructor === WebSocket,
      name: WebSocket.name,
      length: WebSocket.length,
      statics: Object.getOwnPropertyNames(WebSocket).sort(),
      protoNames: Object.getOwnPropertyNames(WebSocket.prototype).sort(),
      protoOfProto: Object.getPrototypeOf(WebSocket.prototype) === EventTarget.prototype,
      ownKeys: Object.keys(a),
      toStringTag: Object.prototype.toString.call(a),
      consts: [WebSocket.CONNECTING, WebSocket.OPEN, WebSocket.CLOSING, WebSocket.CLOSED, WebSocket.READY_STATE_OPEN],
      protoConsts: [a.CONNECTING, a.OPEN, a.READY_STATE_CLOSED],
      fields: [a.url, a.protocol, a.extensions, a.binaryType, a.bufferedAmount],
      notInstances: [{} instanceof WebSocket, null instanceof WebSocket, new EventTarget() instanceof WebSocket],
      badUrl: attempt(() => new WebSocket("http://[")),
      httpUrl: attempt(() => new WebSocket("http://example.com/").url),
      ftpUrl: attempt(() => new WebSocket("ftp://example.com/")),
    };
    // binaryType starts as "blob" from 2026-03-17 (websocket_standard_binary_type), "arraybuffer"
    // before; it takes only those two, and says what a binary message is as it is delivered.
    const wait = () => new Promise((resolve) => setTimeout(resolve, 20));
    a.accept();
    b.accept();
    const kinds = [a.binaryType];
    a.addEventListener("message", (e) => kinds.push(a.binaryType + " " + Object.prototype.toString.call(e.data)));
    b.send(new Uint8Array([1, 2]));
    await wait();
    a.binaryType = "arraybuffer";
    b.send(new Uint8Array([3]));
    a.binaryType = "nonsense";
    await wait();
    a.binaryType = "blob";
    b.send(new Uint8Array([4]));
    b.send("text");
    await wait();
    out.binaryMessages = kinds;
    out.asResponse = attempt(() => new Response(null, { status: 101, webSocket: {} }).status);
    if (url.searchParams.has("pairs-only")) return Response.json(out);
    out.outgoing = await attempt(() => new Promise((resolve) => {
      const ws = new WebSocket(url.origin.replace("http", "ws") + "/ws");
      const seen = [ws instanceof WebSocket, ws.readyState, ws.url === url.origin.replace("http", "ws") + "/ws"];
      ws.addEventListener("open", () => { seen.push("open " + ws.readyState); ws.send("hi"); });
      ws.addEventListener("message", (e) => { seen.push("message " + e.data); ws.close(1000); });
      ws.addEventListener("close", (e) => { seen.push("close " + e.code); resolve(seen); });
      ws.addEventListener("error", (e) => { seen.push("error " + e.message); resolve(seen); });
    }), JSON.stringify);
    return Response.json(out);
  },
};
`;
cases.push(
  devCase({
    name: "runtime: the global WebSocket is the class of a pair's ends, and makes outgoing sockets to ws: and wss: URLs",
    files: { "wrangler.toml": wsConfig("2026-05-01"), "index.js": WEBSOCKET_CLASS_WORKER },
    requests: [{ path: "/" }],
    fast: true,
  }),
  devCase({
    name: "runtime: a WebSocket's binary messages are ArrayBuffers by default before 2026-03-17 (websocket_standard_binary_type)",
    files: { "wrangler.toml": wsConfig("2026-03-16"), "index.js": WEBSOCKET_CLASS_WORKER },
    // Not the outgoing socket: before 2026-04-07 its close is not answered by this worker's end,
    // and workerd's client then sees 1006 where Bun's dev server answers the close itself.
    requests: [{ path: "/?pairs-only" }],
    fast: true,
  }),
);

// An outgoing socket (`new WebSocket(url)`, to this worker's own /ws) is an instance of the same
// class as a pair's ends, and of a worker's subclass; workerd's constructor errors and its words
// for WebSocket() without new; send() before open refused; readyState through open, messages
// (binary ones by the date's default binaryType) and the server's close; on<type> properties
// called before listeners; a refused connection's error and 1006 close. workerd follows the
// server's clean close with an error event ("Network connection lost.", the TCP connection
// ending after the close handshake, against any server): bunflare does not report a clean
// close as an error (an expected difference).
// Not compared: extensions (the server's choice: workerd's offers permessage-deflate, Bun's dev
// server does not); messages that reach a socket after its own close() (Bun's client drops them,
// workerd delivers them); workerd's readyState 1 after close() while connecting, and its silence
// on send() then (bunflare stays CONNECTING and refuses); "ws://[", which workerd takes and
// bunflare refuses as an invalid URL.
const OUTGOING_WEBSOCKET_WORKER = `${ATTEMPT}
const kind = (v) => Object.prototype.toString.call(v);
class Mine extends WebSocket { hello() { return "mine"; } }
export default {
  async fetch(request) {
    const url = new URL(request.url);
    const base = url.origin.replace("http", "ws");
    if (url.pathname === "/ws") {
      const [client, server] = Object.values(new WebSocketPair());
      server.accept();
      server.addEventListener("message", (e) => {
        if (e.data === "bin") server.send(new Uint8Array([1, 2, 3]));
        else if (e.data === "close") server.close(4001, "server bye");
        else server.send("echo " + e.data);
      });
      const protocol = request.headers.get("sec-websocket-protocol");
      return new Response(null, { status: 101, webSocket: client, headers: protocol ? { "sec-websocket-protocol": protocol.split(",")[0] } : {} });
    }
    const out = {
      noNew: attempt(() => WebSocket(base + "/ws")),
      noUrl: attempt(() => new WebSocket()),
      relative: attempt(() => new WebSocket("/ws")),
      http: attempt(() => new WebSocket("http://[")),
      fragment: attempt(() => new WebSocket(base + "/ws#")),
      badProtocol: attempt(() => new WebSocket(base + "/ws", "a b")),
      twice: attempt(() => new WebSocket(base + "/ws", ["a", "a"])),
    };
    const ws = new WebSocket(base + "/ws", ["chat", "other"]);
    const mine = new Mine(base + "/ws");
    out.classes = [ws instanceof WebSocket, Object.getPrototypeOf(ws) === WebSocket.prototype, ws.constructor === WebSocket, kind(ws), Object.keys(ws)];
    out.subclass = [mine instanceof Mine, mine instanceof WebSocket, Object.getPrototypeOf(mine) === Mine.prototype, mine.hello()];
    mine.close();
    out.connecting = [ws.readyState, ws.url === base + "/ws", ws.protocol, ws.binaryType, attempt(() => ws.send("early"))];
    const log = (out.log = []);
    out.errors = [];
    await new Promise((resolve) => {
      ws.addEventListener("open", (e) => { log.push(["open", kind(e), ws.readyState, ws.protocol]); ws.send("hi"); ws.send("bin"); });
      ws.addEventListener("message", (e) => log.push(["listener", kind(e.data)]));
      let count = 0;
      ws.onmessage = (e) => {
        log.push(["message", kind(e), kind(e.data), typeof e.data === "string" ? e.data : ws.binaryType]);
        if (++count === 2) { ws.binaryType = "arraybuffer"; ws.send("bin"); }
        if (count === 3) ws.send("close");
      };
      ws.addEventListener("close", (e) => { log.push(["close", kind(e), e.code, e.reason, e.wasClean, ws.readyState]); resolve(); });
      ws.addEventListener("error", (e) => out.errors.push([e.message, ws.readyState]));
    });
    out.afterClose = [attempt(() => ws.send("late")), attempt(() => ws.close()), ws.readyState];
    const refused = new WebSocket("ws://127.0.0.1:1/");
    out.refused = await new Promise((resolve) => {
      const seen = [];
      refused.addEventListener("error", (e) => seen.push([kind(e), e.message, String(e.error), refused.readyState]));
      refused.addEventListener("close", (e) => { seen.push([e.code, e.reason, e.wasClean, refused.readyState]); resolve(seen); });
    });
    return Response.json(out);
  },
};
`;
const SPURIOUS_LOST_CONNECTION = {
  reason: "workerd reports a lost connection after the server's clean close; bunflare reports only the close",
  wrangler: (text: string) => text.replace(/\\"errors\\":\[\[\\"Uncaught Error: Network connection lost\.\\",[23]\]\]/, '\\"errors\\":[]'),
};
cases.push(
  devCase({
    name: "runtime: an outgoing WebSocket is an instance of the worker's WebSocket and its subclasses, with workerd's states, events and errors",
    files: { "wrangler.toml": wsConfig("2026-05-01"), "index.js": OUTGOING_WEBSOCKET_WORKER },
    requests: [{ path: "/", expected: [SPURIOUS_LOST_CONNECTION] }],
    fast: true,
  }),
  devCase({
    name: "runtime: an outgoing WebSocket's binary messages are ArrayBuffers, and the server's close leaves it CLOSING, before 2026-03-17 / 2026-04-07",
    files: { "wrangler.toml": wsConfig("2026-03-16"), "index.js": OUTGOING_WEBSOCKET_WORKER },
    requests: [{ path: "/", expected: [SPURIOUS_LOST_CONNECTION] }],
    fast: true,
  }),
);

// A socket the worker already talks on (an accepted pair end, or an outgoing socket) cannot be
// returned in a 101: the upgrade goes out, then the connection drops (workerd logs "Can't
// return WebSocket in a Response after calling accept()."). Probed by an outgoing socket of
// the worker's own. (Not compared: the logged error's lines, workerd's with its own prefix.)
const RETURNED_IN_USE_WORKER = `
const kind = (v) => Object.prototype.toString.call(v);
export default {
  async fetch(request) {
    const url = new URL(request.url);
    const base = url.origin.replace("http", "ws");
    if (url.pathname === "/ws") {
      const [client, server] = Object.values(new WebSocketPair());
      server.accept();
      server.addEventListener("message", (e) => server.send("upstream " + e.data));
      return new Response(null, { status: 101, webSocket: client });
    }
    if (url.pathname === "/outgoing") return new Response(null, { status: 101, webSocket: new WebSocket(base + "/ws") });
    if (url.pathname === "/accepted") {
      const [client] = Object.values(new WebSocketPair());
      client.accept();
      return new Response(null, { status: 101, webSocket: client });
    }
    const out = {};
    for (const path of ["/outgoing", "/accepted"]) {
      const ws = new WebSocket(base + path);
      out[path] = await new Promise((resolve) => {
        const seen = [];
        ws.addEventListener("open", () => { seen.push("open"); ws.send("hi"); });
        ws.addEventListener("message", (e) => seen.push("message " + e.data));
        ws.addEventListener("close", (e) => { seen.push(["close", e.code, e.wasClean]); resolve(seen); });
      });
    }
    return Response.json(out);
  },
};
`;
cases.push(
  devCase({
    name: "runtime: an accepted or outgoing WebSocket returned in a 101 drops the connection after the upgrade",
    files: { "wrangler.toml": wsConfig("2026-05-01"), "index.js": RETURNED_IN_USE_WORKER },
    requests: [{ path: "/" }],
    fast: true,
  }),
);

cases.push(
  devCase({
    name: "runtime: a WebSocket neither accepted nor connected refuses send() and close()",
    files: { "wrangler.toml": wsConfig("2026-05-01"), "index.js": WEBSOCKET_UNACCEPTED_WORKER },
    requests: [{ path: "/" }],
    fast: true,
  }),
);

// workerd's byte streams, which Bun lacks (bunflare had neither): IdentityTransformStream and
// FixedLengthStream, whose response goes out with its length (the worker's headers do not show it).
const IDENTITY_STREAMS_WORKER = `const settle = (promise) => Promise.race([promise, new Promise((resolve) => setTimeout(() => resolve("pending"), 20))]);
const message = (e) => e.constructor.name + ": " + e.message;
export default {
  async fetch(request) {
    const path = new URL(request.url).pathname;
    if (path === "/fixed") {
      const { readable, writable } = new FixedLengthStream(11);
      const w = writable.getWriter();
      w.write(new TextEncoder().encode("hello ")); w.write(new TextEncoder().encode("world")); w.close();
      const response = new Response(readable);
      response.headers.set("x-content-length", String(response.headers.get("content-length")));
      return response;
    }
    const out = [];
    const its = new IdentityTransformStream();
    out.push(its.readable.constructor.name, its.writable.constructor.name, its instanceof TransformStream, IdentityTransformStream.length, FixedLengthStream.length, new FixedLengthStream(1) instanceof IdentityTransformStream);
    const byob = its.readable.getReader({ mode: "byob" });
    byob.releaseLock();
    const write = async (chunk) => {
      const s = new IdentityTransformStream();
      const written = s.writable.getWriter().write(chunk).then(() => "ok", message);
      const read = s.readable.getReader().read().then((r) => r.value.constructor.name + " " + r.value.byteLength, message);
      return (await settle(written)) + " / " + (await settle(read));
    };
    for (const chunk of ["text", 123, {}, new Uint8Array(0), new Uint16Array([1, 2]), new ArrayBuffer(2), new DataView(new ArrayBuffer(3))]) out.push(await write(chunk));
    for (const length of [undefined, 5n, 1.5, 0, "abc", null, -1, 2 ** 53]) {
      try { new FixedLengthStream(length); out.push("ok"); } catch (e) { out.push(message(e)); }
    }
    const over = new FixedLengthStream(3);
    const overWritten = over.writable.getWriter().write(new Uint8Array([1, 2, 3, 4])).then(() => "ok", message);
    out.push(await settle(overWritten), await over.readable.getReader().read().then(() => "read", message));
    const under = new FixedLengthStream(3);
    const underWriter = under.writable.getWriter();
    underWriter.write(new Uint8Array([1]));
    const underReader = under.readable.getReader();
    await underReader.read();
    out.push(await underWriter.close().then(() => "closed", message), await underReader.read().then(() => "read", message));
    const stream = new ReadableStream({ pull(c) { c.enqueue(new Uint8Array([65])); c.close(); } });
    const body = new Response(stream);
    out.push(stream.locked, await body.text());
    return new Response(out.join("\\n"));
  },
};
`;

// Bunflare's fetch() sent a FixedLengthStream's body chunked; workerd sends its length.
const FIXED_LENGTH_FETCH_WORKER = `export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/echo") return new Response(request.headers.get("content-length") + " " + request.headers.get("transfer-encoding") + " " + (await request.text()));
    const { readable, writable } = new FixedLengthStream(11);
    const writer = writable.getWriter();
    writer.write(new TextEncoder().encode("hello ")).then(() => writer.write(new TextEncoder().encode("world"))).then(() => writer.close());
    return fetch(new URL("/echo", url), { method: "POST", body: readable });
  },
};
`;

cases.push(
  devCase({
    name: "runtime: fetch() sends a FixedLengthStream's body with its Content-Length",
    files: { "wrangler.toml": 'name = "fixedfetch"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n', "index.js": FIXED_LENGTH_FETCH_WORKER },
    requests: [{ path: "/" }],
  }),
  devCase({
    name: "runtime: IdentityTransformStream and FixedLengthStream: bytes only, no buffer, a fixed length sent as Content-Length",
    files: { "wrangler.toml": 'name = "identity"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n', "index.js": IDENTITY_STREAMS_WORKER },
    requests: [{ path: "/" }, { path: "/fixed", headers: { "accept-encoding": "identity" }, headers_compared: ["content-length", "x-content-length", "transfer-encoding"] }],
  }),
);

// Globals Bun has and workerd has not (ShadowRealm, Temporal, BroadcastChannel, postMessage), those
// workerd gives from a compatibility date or with a flag, workerd's byte streams, and its one thread.
const GATED_GLOBALS_WORKER = `const names = ["ShadowRealm", "Temporal", "BroadcastChannel", "postMessage", "WeakRef", "FinalizationRegistry", "MessageChannel", "MessagePort", "Performance", "PerformanceMark", "PerformanceEntry", "IdentityTransformStream", "FixedLengthStream", "structuredClone", "performance"];
export default {
  fetch() {
    return new Response(names.map((name) => name + ": " + typeof globalThis[name] + " " + (name in globalThis)).join("\\n") + "\\nhardwareConcurrency: " + navigator.hardwareConcurrency);
  },
};
`;

/** One case per compatibility date and flags: `what` (the case's name after them) answered by `worker` at "/". */
const datedCases = (what: string, worker: string, settings: (readonly [string, readonly string[]])[]): CompatCase[] =>
  settings.map(([date, flags]) =>
    devCase({
      name: `runtime: ${what} at ${date}${flags.length ? ` with ${flags.join(", ")}` : ""}`,
      files: {
        "wrangler.toml": `name = "dated"\nmain = "index.js"\ncompatibility_date = "${date}"\ncompatibility_flags = ${JSON.stringify(flags)}\n`,
        "index.js": worker,
      },
      requests: [{ path: "/" }],
    }),
  );

cases.push(
  ...datedCases("the globals a worker sees (WeakRef, MessageChannel by date and flag; no ShadowRealm, Temporal or Performance classes)", GATED_GLOBALS_WORKER, [
    ["2025-01-01", []],
    ["2026-01-01", []],
    ["2026-01-01", ["disable_weak_ref", "no_expose_global_message_channel"]],
    ["2025-01-01", ["enable_weak_ref", "expose_global_message_channel"]],
  ]),
);

// workerd's \`Cloudflare\` global: the worker's compatibility flags, by date, implied by nodejs_compat, and turned
// off by their disable flags (bunflare had no such global). The table is runtime/compat-flags.ts, read off the
// pinned workerd by scripts/compat-flags.cjs.
const CLOUDFLARE_GLOBAL_WORKER = `export default {
  fetch() {
    return Response.json({
      tag: Object.prototype.toString.call(Cloudflare),
      keys: Object.keys(Cloudflare),
      frozen: Object.isFrozen(Cloudflare.compatibilityFlags),
      inGlobal: "Cloudflare" in globalThis,
      flags: Cloudflare.compatibilityFlags,
    });
  },
};
`;

cases.push(
  ...datedCases("Cloudflare.compatibilityFlags", CLOUDFLARE_GLOBAL_WORKER, [
    ["2021-01-01", []],
    ["2024-09-23", ["nodejs_compat"]],
    ["2025-09-01", ["nodejs_compat", "disable_nodejs_http_modules", "no_global_navigator"]],
    ["2026-04-26", ["nodejs_compat_v2", "tcp_sockets_support", "durable_object_alarms"]],
  ]),
);

// A listener function's \`this\`: its target from 2025-08-01 (set_event_target_this), the global before; in a
// service worker, wrangler's facade target from then; the global before. Bunflare always gave Bun's (the target).
const LISTENER_THIS_MODULE = `export default {
  fetch() {
    const out = [];
    const target = new EventTarget();
    target.addEventListener("x", function () { out.push(this === target, this === globalThis); });
    target.dispatchEvent(new Event("x"));
    const controller = new AbortController();
    controller.signal.addEventListener("abort", function () { out.push(this === controller.signal, this === globalThis); });
    controller.abort();
    return new Response(out.join(","));
  },
};
`;
const LISTENER_THIS_SCRIPT = `addEventListener("fetch", function (event) {
  const target = new EventTarget();
  let seen;
  target.addEventListener("x", function () { seen = this === target; });
  target.dispatchEvent(new Event("x"));
  event.respondWith(new Response([this === globalThis, this instanceof EventTarget, seen].join(",")));
});
`;
for (const date of ["2025-07-31", "2025-08-01"]) {
  for (const [kind, source] of [["module", LISTENER_THIS_MODULE], ["service-worker", LISTENER_THIS_SCRIPT]] as const) {
    cases.push(
      devCase({
        name: `runtime: a listener's this in a ${kind} worker at ${date} (set_event_target_this from 2025-08-01)`,
        files: { "wrangler.toml": `name = "this"\nmain = "index.js"\ncompatibility_date = "${date}"\n`, "index.js": source },
        requests: [{ path: "/" }],
      }),
    );
  }
}

// workerd's EventSource (bunflare had none): from a stream with EventSource.from(), and over fetch() from the
// worker's own /sse; a response that is not an event stream fails it.
const EVENT_SOURCE_WORKER = `const encode = (text) => new TextEncoder().encode(text);
const EVENTS = "\\uFEFF: comment\\nretry: 500\\nid: 1\\ndata: first\\n\\nevent: custom\\ndata: a\\ndata:b\\r\\n\\r\\nid\\ndata: c\\rdata: d\\r\\rid: 7\\ndata: e\\n\\nevent: message\\ndata\\n\\ndata: unterminated";
const collect = (source, ms) => new Promise((resolve) => {
  const out = [];
  const record = (e) => out.push([e.type, e.constructor.name, JSON.stringify(e.data), JSON.stringify(e.lastEventId), e.origin === null ? "no origin" : "origin", source.readyState].join(" "));
  source.onopen = (e) => out.push("open " + source.readyState + " " + e.constructor.name);
  source.onmessage = record;
  source.addEventListener("custom", record);
  source.onerror = (e) => out.push("error " + source.readyState + " " + e.constructor.name + " " + e.error);
  setTimeout(() => { source.close(); out.push("closed " + source.readyState); resolve(out); }, ms);
});
export default {
  async fetch(request) {
    const url = new URL(request.url);
    if (url.pathname === "/sse") {
      // Ended: the source waits its retry time (a minute here) to connect again, and is closed before.
      const events = EVENTS.replace("\\uFEFF", "").replace("retry: 500", "retry: 60000");
      return new Response(new ReadableStream({ start(c) { c.enqueue(encode(events)); c.close(); } }), { headers: { "content-type": "text/event-stream; charset=utf-8" } });
    }
    if (url.pathname === "/plain") return new Response("data: x\\n\\n", { headers: { "content-type": "text/plain" } });
    if (url.pathname === "/missing") return new Response("no", { status: 404, headers: { "content-type": "text/event-stream" } });
    const out = ["statics " + [EventSource.CONNECTING, EventSource.OPEN, EventSource.CLOSED, EventSource.length, typeof EventSource.from].join(",")];
    try { new EventSource("not a url"); } catch (e) { out.push("bad url: " + e.constructor.name + " " + e.name + " " + e.message); }
    const stream = new ReadableStream({ start(c) { c.enqueue(encode(EVENTS.replace("id: 7", "id: x\\u0000y"))); c.close(); } });
    const fromStream = EventSource.from(stream);
    out.push("from " + fromStream.readyState + " " + JSON.stringify(fromStream.url) + " " + fromStream.withCredentials, ...(await collect(fromStream, 100)));
    const live = new EventSource(new URL("/sse", url).href);
    out.push("live " + live.readyState + " " + (live.url === new URL("/sse", url).href) + " " + live.withCredentials, ...(await collect(live, 500)));
    for (const path of ["/plain", "/missing"]) out.push(path, ...(await collect(new EventSource(new URL(path, url).href), 300)));
    return new Response(out.join("\\n"));
  },
};
`;

cases.push(
  devCase({
    name: "runtime: EventSource from a stream and over fetch(): fields, ids, event types, open and error events, a wrong answer",
    files: { "wrangler.toml": 'name = "events"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n', "index.js": EVENT_SOURCE_WORKER },
    requests: [{ path: "/" }],
  }),
);
