// What `bunflare dev` says at start about bindings only Cloudflare serves, from
// each binding's `remote` field, as wrangler dev's warnOrError says it: unset
// warns, `remote = false` on a product with no local simulation stops the start
// after the bindings table, `remote = true` is quiet. Bunflare's own sentence
// names only the bindings wrangler would reach Cloudflare for.
import { expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { cleanup, project, ROOT, startDev, strip } from "./dev-helpers.ts";

const WORKER = 'export default { async fetch(request, env) { try { return new Response(String(await env.VEC.query([1]))); } catch (e) { return new Response(e.message); } } };\n';
const config = (remote: string) =>
  `name = "w"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[ai]\nbinding = "AI"\n${remote}\n[[vectorize]]\nbinding = "VEC"\nindex_name = "idx"\n${remote}\n`;
const AI_WARNING =
  "AI bindings always access remote resources, and so may incur usage charges even in local dev. To suppress this warning, set `remote: true` for the binding definition in your configuration file.";
const VEC_WARNING =
  "Vectorize Index bindings do not support local development, and so parts of your Worker may not work correctly. You may be able to set `remote: true` for the binding definition in your configuration file to access a remote version of the resource.";
const SENTENCE = "only available on Cloudflare's network";

test("remote unset: wrangler's two warnings in its order (AI first); only AI, which wrangler would reach Cloudflare for, is in bunflare's sentence", async () => {
  const dir = project({ "wrangler.toml": config(""), "index.js": WORKER });
  const dev = await startDev(dir);
  try {
    expect(await (await fetch(dev.url)).text()).toBe("Binding VEC needs to be run remotely");
    const output = strip(dev.output());
    expect(output).toContain(`${SENTENCE}, which bunflare does not reach, so they do not work locally: env.AI (AI)\n`);
    expect(output.indexOf(AI_WARNING)).toBeGreaterThan(-1);
    expect(output.indexOf(VEC_WARNING)).toBeGreaterThan(output.indexOf(AI_WARNING));
  } finally {
    await dev.stop();
    cleanup(dir);
  }
});

test("dev --local: the same warnings (from the configured fields), and no sentence: nothing reaches Cloudflare under wrangler either", async () => {
  const dir = project({ "wrangler.toml": config(""), "index.js": WORKER });
  const dev = await startDev(dir, ["--local"]);
  try {
    const output = strip(dev.output());
    expect(output).toContain(AI_WARNING);
    expect(output).toContain(VEC_WARNING);
    expect(output).not.toContain(SENTENCE);
  } finally {
    await dev.stop();
    cleanup(dir);
  }
});

test("remote = true: no wrangler warning; bunflare's sentence names both; with --local, nothing at all", async () => {
  const dir = project({ "wrangler.toml": config("remote = true"), "index.js": WORKER });
  for (const args of [[], ["--local"]]) {
    const dev = await startDev(dir, args);
    try {
      const output = strip(dev.output());
      expect(output).not.toContain("bindings always access remote resources");
      expect(output).not.toContain("do not support local development");
      if (args.length) expect(output).not.toContain("WARNING");
      else expect(output).toContain(`${SENTENCE}, which bunflare does not reach, so they do not work locally: env.VEC (Vectorize Index), env.AI (AI)\n`);
    } finally {
      await dev.stop();
    }
  }
  cleanup(dir);
});

test("remote = false on Vectorize: wrangler's error after the bindings table, exit 1, no stack", () => {
  const dir = project({ "wrangler.toml": config("remote = false"), "index.js": WORKER });
  try {
    const run = spawnSync(path.join(ROOT, "bin", "bunflare"), ["dev", "--port", "0"], { cwd: dir, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/env\.VEC \(idx\)\s+Vectorize Index\s+not supported/);
    expect(run.stderr).toContain(
      "✘ [ERROR] Vectorize Index bindings do not support local development. You may be able to set `remote: true` for the binding definition in your configuration file to access a remote version of the resource.",
    );
    expect(run.stderr).not.toContain(" at ");
    expect(run.stdout).not.toContain("Ready on");
  } finally {
    cleanup(dir);
  }
});
