// What wrangler dev says at start about bindings only Cloudflare serves (its
// warnOrError, from each binding's `remote` field), under both tools: the
// bindings table, the warnings on stderr in wrangler's order, the error for
// `remote = false` on a product with no local simulation, and what a call gives.
// Only setups wrangler starts without a login are compared: an always-remote
// product (AI, AI Search, Media, VPC, Artifacts, Flagship) without --local, or any `remote = true`,
// makes wrangler reach Cloudflare, and logged out it stops ("You must be logged
// in to use wrangler dev in remote mode"), where bunflare serves and names those
// bindings in its "only available on Cloudflare's network" warning
// (test/remote-warnings.test.ts).
import type { CompatCase } from "../harness.ts";
import { devCase, withoutCfFetch } from "../dev-harness.ts";

/** Every remote-only kind bunflare has a descriptor for, each with `remote` as given (or unset). */
const everyKind = (remote: string) => `name = "remote-kinds"
main = "index.js"
compatibility_date = "2025-01-01"
[ai]
binding = "AI"
${remote}
[media]
binding = "MEDIA"
${remote}
[[vectorize]]
binding = "VEC"
index_name = "idx"
${remote}
[[ai_search_namespaces]]
binding = "AISN"
namespace = "ns"
${remote}
[[ai_search]]
binding = "AIS"
instance_name = "inst"
${remote}
[[vpc_services]]
binding = "VPCS"
service_id = "svc"
${remote}
[[vpc_networks]]
binding = "VPCN"
tunnel_id = "tun"
${remote}
[[dispatch_namespaces]]
binding = "DISP"
namespace = "dn"
${remote}
[[mtls_certificates]]
binding = "CERT"
certificate_id = "cert"
${remote}
[[artifacts]]
binding = "ART"
namespace = "ns"
${remote}
[[flagship]]
binding = "FLAG"
app_id = "app"
${remote}
`;

// One call on each binding, by the method it has.
const WORKER = `export default {
  async fetch(request, env) {
    const out = [];
    for (const name of Object.keys(env).sort()) {
      const binding = env[name];
      try {
        const result = name === "DISP" ? binding.get("w") : name === "VEC" ? await binding.query([1]) : name === "AI" ? await binding.run("m", {}) : name === "ART" || name === "FLAG" ? await binding.get("x") : await binding.fetch("http://x/");
        out.push(name + " ok " + typeof result);
      } catch (e) {
        out.push(name + " threw " + e.message);
      }
    }
    return new Response(out.join("\\n"));
  },
};
`;

// What user code can see of each stand-in without calling it (unknown members, typeof, in,
// keys, String, JSON, constructor), then what calls and awaits on it give.
const SHAPE_WORKER = `const show = (f) => { try { const v = f(); return typeof v === "function" ? "fn" : typeof v === "string" ? JSON.stringify(v) : String(v); } catch (e) { return "threw " + e.message; } };
const settle = async (f) => { try { const v = await f(); return "ok " + typeof v; } catch (e) { return "threw " + e.constructor.name + ": " + e.message; } };
export default {
  async fetch(request, env) {
    const out = [];
    for (const name of Object.keys(env).sort()) {
      const b = name === "DISP" ? env.DISP.get("w") : env[name];
      out.push([name, "typeof=" + typeof b, "notAMethod=" + show(() => b.notAMethod), "typeofWhatever=" + typeof b.whatever,
        "in=" + show(() => "query" in b) + "/" + show(() => "zzz" in b), "keys=" + show(() => JSON.stringify(Object.keys(b))),
        "own=" + show(() => Object.getOwnPropertyNames(b).join(",")), "str=" + show(() => String(b)), "then=" + show(() => b.then),
        "run=" + show(() => b.run), "query=" + show(() => b.query), "fetch=" + show(() => b.fetch), "get=" + show(() => b.get),
        "json=" + show(() => JSON.stringify(b)), "ctor=" + show(() => b.constructor?.name), "tag=" + show(() => Object.prototype.toString.call(b))].join(" "));
    }
    out.push("DISP itself keys=" + show(() => JSON.stringify(Object.keys(env.DISP))) + " notAMethod=" + show(() => env.DISP.notAMethod) + " str=" + show(() => String(env.DISP)));
    out.push("AI.run " + await settle(() => env.AI.run("m", {})));
    out.push("AI.models " + await settle(() => env.AI.models()));
    out.push("AI.gateway " + await settle(() => env.AI.gateway("g")));
    out.push("VEC.describe " + await settle(() => env.VEC.describe()));
    out.push("VEC.fetcher.x " + await settle(() => env.VEC.fetcher.x()));
    out.push("DISP await get " + await settle(() => env.DISP.get("w")));
    out.push("DISP get.fetch " + await settle(() => env.DISP.get("w").fetch("http://x/")));
    out.push("DISP get.foo " + await settle(() => env.DISP.get("w").foo()));
    out.push("DISP get.catch " + await env.DISP.get("w").catch((e) => "caught " + e.message));
    out.push("CERT.fetch " + await settle(() => env.CERT.fetch("http://x/")));
    out.push("CERT.foo " + await settle(() => env.CERT.foo()));
    out.push("CERT.foo.bar " + await settle(() => env.CERT.foo.bar()));
    out.push("CERT await foo " + await settle(() => env.CERT.foo));
    out.push("CERT symbol " + (Symbol.iterator in env.CERT) + " " + typeof env.CERT[Symbol.iterator]);
    out.push("AIS.search " + await settle(() => env.AIS.search({})));
    return new Response(out.join("\\n"));
  },
};
`;

export const cases: CompatCase[] = [
  devCase({
    name: "dev --local: Cloudflare-only bindings look as wrangler's stand-ins do (AI and Vectorize wrappers with no unknown members, Fetchers and RPC promises elsewhere) and fail on use alike",
    files: { "wrangler.toml": everyKind(""), "index.js": SHAPE_WORKER },
    args: ["--local"],
    requests: [{ path: "/" }],
  }),
  devCase({
    name: "dev --local: remote unset on every Cloudflare-only binding warns in wrangler's words and order, and each fails on use",
    files: { "wrangler.toml": everyKind(""), "index.js": WORKER },
    args: ["--local"],
    compareStartup: true,
    compareStderr: true,
    requests: [{ path: "/" }],
  }),
  devCase({
    name: "dev --local: remote = true on every Cloudflare-only binding is quiet, each not supported locally",
    files: { "wrangler.toml": everyKind("remote = true"), "index.js": WORKER },
    args: ["--local"],
    compareStartup: true,
    compareStderr: true,
    requests: [{ path: "/" }],
  }),
  devCase({
    name: "dev: Vectorize, dispatch namespaces and mTLS certificates with remote unset warn as wrangler, which runs them locally",
    files: {
      "wrangler.toml":
        'name = "remote-unset"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n' +
        '[[vectorize]]\nbinding = "VEC"\nindex_name = "idx"\n[[dispatch_namespaces]]\nbinding = "DISP"\nnamespace = "dn"\n' +
        '[[mtls_certificates]]\nbinding = "CERT"\ncertificate_id = "cert"\n',
      "index.js": WORKER,
    },
    compareStartup: true,
    compareStderr: true,
    requests: [{ path: "/" }],
  }),
  {
    name: "dev: remote = false on a binding with no local simulation stops the start after the bindings table, in wrangler's words",
    files: {
      "wrangler.toml":
        'name = "remote-false"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n' +
        '[[mtls_certificates]]\nbinding = "CERT"\ncertificate_id = "cert"\nremote = false\n' +
        '[[dispatch_namespaces]]\nbinding = "DISP"\nnamespace = "dn"\n',
      "index.js": WORKER,
    },
    // The dispatch namespace's warning comes first: wrangler warns as it goes and stops at the first refusal.
    steps: [{ args: ["dev"] }],
    // Wrangler's fetch of the Request.cf data, offline here, is logged as it starts, before it stops.
    normalize: (text) => withoutCfFetch(text).join("\n"),
  },
];
