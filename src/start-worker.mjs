// unstable_startWorker() and unstable_dev(): start a real `bunflare dev` for a
// test and talk to it over HTTP. Plain JavaScript (types in start-worker.d.mts)
// because it is the one part of the package Node can load too: the dev server
// is Bun code, so in both runtimes it runs as a child process, started as the
// CLI starts it, and reports its address with wrangler's IPC ready message
// (DEV_SERVER_READY). Wrangler likewise runs the Worker outside the caller's
// process (in workerd).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Under Bun, the same Bun on what bin/bunflare would run (the prebuilt bundle
 * named by dist/current, which checks itself and runs src/cli.ts when it is
 * not current, else src/cli.ts); under Node, the launcher, which finds Bun as
 * `npx bunflare` does.
 */
function devCommand() {
  if (!process.versions.bun) return [path.join(ROOT, "bin", "bunflare")];
  let entry = "";
  try {
    // Its second name: the bundle of every command group (the first holds only kv, d1 and r2).
    entry = readFileSync(path.join(ROOT, "dist", "current"), "utf8").trim().split(/\s+/)[1] ?? "";
  } catch {}
  return [process.execPath, entry ? path.join(ROOT, "dist", entry) : path.join(ROOT, "src", "cli.ts")];
}

/** `bunflare dev` flags for the options both APIs share. */
function devFlags(o) {
  const flags = [];
  const add = (flag, value) => {
    if (value !== undefined && value !== null) flags.push(flag, String(value));
  };
  if (o.script) flags.push(o.script);
  add("--config", o.config);
  add("--env", o.env);
  for (const file of o.envFiles ?? []) add("--env-file", file);
  add("--name", o.name);
  add("--compatibility-date", o.compatibilityDate);
  for (const flag of o.compatibilityFlags ?? []) add("--compatibility-flags", flag);
  add("--ip", o.ip);
  // Port 0 by default: a free port of the system's choosing, so tests never collide.
  add("--port", o.port ?? 0);
  add("--local-protocol", o.localProtocol);
  add("--https-key-path", o.httpsKeyPath);
  add("--https-cert-path", o.httpsCertPath);
  add("--assets", o.assets);
  add("--persist-to", o.persistTo);
  add("--log-level", o.logLevel);
  if (o.bundle === false) flags.push("--no-bundle");
  if (o.liveReload) flags.push("--live-reload");
  if (o.testScheduled) flags.push("--test-scheduled");
  for (const [key, value] of Object.entries(o.vars ?? {})) {
    add("--var", `${key}:${typeof value === "string" ? value : JSON.stringify(value)}`);
  }
  // No hotkeys and no terminal raw mode in a test runner's process tree.
  flags.push("--show-interactive-dev-session=false");
  return flags;
}

/** Starts `bunflare dev`; resolves `ready` with its URL once it serves, rejects if it exits first. */
function startDevProcess(options) {
  let throwaway;
  if (options.persist === false) {
    throwaway = mkdtempSync(path.join(tmpdir(), "bunflare-worker-"));
    options = { ...options, persistTo: throwaway };
  }
  const [command, ...prefix] = devCommand();
  const child = spawn(command, [...prefix, "dev", ...devFlags(options)], {
    cwd: options.cwd ?? process.cwd(),
    // stdin ignored: the dev server must not read the test runner's terminal.
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: process.env,
  });
  const exited = new Promise((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal }));
    child.on("error", (error) => resolve({ code: null, signal: null, error }));
  });
  // A test file that ends without dispose() must not leave a server running.
  const killOnExit = () => child.kill("SIGKILL");
  process.on("exit", killOnExit);

  const ready = new Promise((resolve, reject) => {
    child.on("message", (message) => {
      let parsed;
      try {
        parsed = typeof message === "string" ? JSON.parse(message) : message;
      } catch {
        return;
      }
      if (parsed?.event !== "DEV_SERVER_READY") return;
      // "localhost" may resolve to ::1 first in Node's fetch; the server answers on 127.0.0.1.
      const host = !parsed.ip || parsed.ip === "localhost" || parsed.ip === "*" || parsed.ip === "0.0.0.0" ? "127.0.0.1" : parsed.ip;
      const shown = host.includes(":") ? `[${host}]` : host;
      resolve(new URL(`${options.localProtocol ?? "http"}://${shown}:${parsed.port}/`));
    });
    exited.then(({ code, signal, error }) => {
      const how = error ? error.message : signal ? `signal ${signal}` : `exit code ${code}`;
      reject(new Error(`bunflare dev stopped before it was ready (${how}); its output is above.`));
    });
  });
  // Callers that never await `ready` (only dispose) must not see an unhandled rejection.
  ready.catch(() => {});

  let disposing;
  const dispose = () =>
    (disposing ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        // The dev server stops on SIGTERM in milliseconds; SIGKILL only if it is stuck in a Worker's loop.
        const stuck = setTimeout(() => child.kill("SIGKILL"), 5000);
        await exited;
        clearTimeout(stuck);
      }
      process.off("exit", killOnExit);
      if (throwaway) rmSync(throwaway, { recursive: true, force: true });
    })());

  /** fetch() against the worker: a path or URL is sent to the worker's address, keeping path and query. */
  const fetchWorker = async (input = "/", init) => {
    const base = await ready;
    if (typeof input === "object" && !(input instanceof URL)) {
      const target = new URL(new URL(input.url).pathname + new URL(input.url).search, base);
      return fetch(new Request(target, input), init);
    }
    const given = new URL(String(input), base);
    return fetch(new URL(given.pathname + given.search, base), init);
  };

  return { child, ready, exited, dispose, fetch: fetchWorker };
}

/**
 * wrangler's unstable_startWorker({ config, entrypoint, dev: { server: { port } } }):
 * a Worker whose `ready` and `url` settle once the dev server serves.
 */
export async function unstable_startWorker(input = {}) {
  const dev = input.dev ?? {};
  const plainVars = {};
  for (const [name, binding] of Object.entries(input.bindings ?? {})) {
    if (binding?.type === "plain_text") plainVars[name] = binding.value;
    else if (binding?.type === "json") plainVars[name] = binding.value;
    else throw new Error(`unstable_startWorker: binding "${name}" of type "${binding?.type}" is not supported; declare it in the config file.`);
  }
  const started = startDevProcess({
    script: input.entrypoint,
    config: input.config,
    env: input.env,
    envFiles: input.envFiles,
    name: input.name,
    compatibilityDate: input.compatibilityDate,
    compatibilityFlags: input.compatibilityFlags,
    ip: dev.server?.hostname,
    port: dev.server?.port,
    localProtocol: dev.server?.secure ? "https" : undefined,
    httpsKeyPath: dev.server?.httpsKeyPath,
    httpsCertPath: dev.server?.httpsCertPath,
    persist: dev.persist === false ? false : undefined,
    persistTo: typeof dev.persist === "string" ? dev.persist : undefined,
    logLevel: dev.logLevel,
    liveReload: dev.liveReload,
    testScheduled: dev.testScheduled,
    bundle: input.build?.bundle,
    vars: plainVars,
  });
  return {
    ready: started.ready.then(() => undefined),
    url: started.ready,
    inspectorUrl: Promise.resolve(undefined),
    config: input,
    fetch: started.fetch,
    dispose: started.dispose,
  };
}

/** wrangler's unstable_dev(script, options): resolves once the dev server serves. */
export async function unstable_dev(script, options = {}) {
  const experimental = options.experimental ?? {};
  const started = startDevProcess({
    ...options,
    script,
    persist: options.persist === false ? false : undefined,
    liveReload: experimental.liveReload,
    testScheduled: experimental.testScheduled,
  });
  const url = await started.ready.catch(async (error) => {
    await started.dispose();
    throw error;
  });
  return {
    address: url.hostname.replace(/^\[|\]$/g, ""),
    port: Number(url.port),
    fetch: started.fetch,
    stop: started.dispose,
    waitUntilExit: () => started.exited.then(() => undefined),
  };
}
