// The runtime part of `wrangler types`: the Workers runtime's own declarations
// for the config's compatibility date and flags.
//
// Wrangler asks workerd for them: it runs the type-generator worker that ships
// with workerd (`workerd/worker.mjs`) and fetches `/<date>+<flag>+<flag>`. The
// text depends only on workerd's version, the date and the flags, and the file
// header names all three. bunflare does not bundle workerd (a 120 MB binary), so:
//   1. the project's own workerd (the one its wrangler depends on, else any):
//      run exactly as wrangler runs it, giving wrangler's bytes and header;
//   2. else @cloudflare/workers-types (the project's, else bunflare's own): the
//      same generator's output, published per compatibility-date cut-off and
//      prettier-formatted, so the same declarations in another layout. Its
//      header says where the types came from, so neither tool mistakes it for
//      workerd's output for this date;
//   3. else none: the caller writes the Env types alone and says why.
// Either way, runtime types already in the file under the same header are
// reused, as wrangler does, without running anything.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { UserError } from "../errors.ts";

export const RUNTIME_HEADER_COMMENT_PREFIX = "// Runtime types generated with workerd@";
export const RUNTIME_TYPES_MARKER = "// Begin runtime types";

export type RuntimeSource =
  | { kind: "workerd"; version: string; dir: string; binary: string }
  | { kind: "workers-types"; version: string; dir: string };

/** `node_modules/<name>` as Node would find it from `from`, following symlinks (pnpm). */
function findPackage(name: string, from: string): string | undefined {
  let dir = path.resolve(from);
  while (true) {
    const candidate = path.join(dir, "node_modules", name);
    if (existsSync(path.join(candidate, "package.json"))) {
      try {
        return realpathSync(candidate);
      } catch {
        return candidate;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

function versionOf(dir: string): string {
  return (JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as { version: string }).version;
}

/** The platform binary workerd's package points at; undefined when it is not installed (e.g. --omit=optional). */
function workerdBinary(workerdDir: string): string | undefined {
  try {
    const binary = (require(path.join(workerdDir, "lib", "main.js")) as { default: string }).default;
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

/** Where this project's runtime types can come from; undefined when nowhere. */
export function findRuntimeSource(projectDir: string): RuntimeSource | undefined {
  // The workerd the project's wrangler would run, so the header and text are the ones it writes.
  const wrangler = findPackage("wrangler", projectDir);
  const workerd = (wrangler && findPackage("workerd", wrangler)) || findPackage("workerd", projectDir);
  const binary = workerd && existsSync(path.join(workerd, "worker.mjs")) ? workerdBinary(workerd) : undefined;
  if (workerd && binary) return { kind: "workerd", version: versionOf(workerd), dir: workerd, binary };
  const workersTypes = findPackage("@cloudflare/workers-types", projectDir) ?? findPackage("@cloudflare/workers-types", import.meta.dir);
  if (workersTypes) return { kind: "workers-types", version: versionOf(workersTypes), dir: workersTypes };
  return undefined;
}

/**
 * The workers-types entry point for a date: its newest dated cut-off on or
 * before the date, "latest" for dates from the package's own release date on,
 * else "oldest".
 */
function workersTypesEntry(dir: string, version: string, date: string): string {
  const released = version.match(/^\d+\.(\d{4})(\d\d)(\d\d)/);
  if (released && date >= `${released[1]}-${released[2]}-${released[3]}` && existsSync(path.join(dir, "latest"))) return "latest";
  const dated = readdirSync(dir)
    .filter((name) => /^\d{4}-\d\d-\d\d$/.test(name) && name <= date)
    .sort();
  return dated.at(-1) ?? "oldest";
}

/** The header line that identifies runtime types: source, compatibility date and (sorted) flags. */
export function runtimeHeader(source: RuntimeSource, date: string, flags: string[]): string {
  const tail = `${date} ${[...flags].sort().join(",")}`;
  if (source.kind === "workerd") return `${RUNTIME_HEADER_COMMENT_PREFIX}${source.version} ${tail}`;
  const entry = workersTypesEntry(source.dir, source.version, date);
  return `${RUNTIME_HEADER_COMMENT_PREFIX}? from @cloudflare/workers-types@${source.version} (${entry}) ${tail}`;
}

/** Runtime types already in the file under this header (wrangler's cache), if any. */
function cachedTypes(outFile: string, header: string): string | undefined {
  let lines: string[];
  try {
    lines = readFileSync(outFile, "utf8").split("\n");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "EISDIR") return undefined;
    throw error;
  }
  const existing = lines.find((line) => line.startsWith(RUNTIME_HEADER_COMMENT_PREFIX));
  const start = lines.indexOf(RUNTIME_TYPES_MARKER);
  return existing === header && start !== -1 ? lines.slice(start + 1).join("\n") : undefined;
}

export interface RuntimeTypes {
  header: string;
  types: string;
}

export async function generateRuntimeTypes(options: {
  date?: string;
  flags: string[];
  outFile: string;
  source: RuntimeSource;
}): Promise<RuntimeTypes> {
  if (!options.date) throw new UserError("Config must have a compatibility date.");
  const header = runtimeHeader(options.source, options.date, options.flags);
  const cached = cachedTypes(options.outFile, header);
  if (cached !== undefined) return { header, types: cached };
  // Like wrangler: node types are not generated from flags, so nodejs_compat flags are left out.
  const flags = [...options.flags].sort().filter((flag) => !flag.includes("nodejs_compat"));
  if (options.source.kind === "workers-types") {
    const entry = workersTypesEntry(options.source.dir, options.source.version, options.date);
    return { header, types: readFileSync(path.join(options.source.dir, entry, "index.d.ts"), "utf8") };
  }
  return { header, types: await runWorkerd(options.source.dir, options.source.binary, options.date, flags) };
}

/** Runs the project's workerd with its type-generator worker, as wrangler does through miniflare. */
async function runWorkerd(workerdDir: string, binary: string, date: string, flags: string[]): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), "bunflare-types-"));
  try {
    // capnp embeds files relative to the config, so the worker is linked beside it.
    const worker = path.join(workerdDir, "worker.mjs");
    try {
      symlinkSync(worker, path.join(dir, "worker.mjs"));
    } catch {
      copyFileSync(worker, path.join(dir, "worker.mjs"));
    }
    writeFileSync(
      path.join(dir, "config.capnp"),
      'using Workerd = import "/workerd/workerd.capnp";\n' +
        "const config :Workerd.Config = (\n" +
        '  services = [ (name = "types", worker = .worker) ],\n' +
        '  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "types") ],\n' +
        ");\n" +
        "const worker :Workerd.Worker = (\n" +
        '  modules = [ (name = "worker.mjs", esModule = embed "worker.mjs") ],\n' +
        // The generator worker's own settings in wrangler (not the user's date and flags, which go in the URL).
        '  compatibilityDate = "2024-01-01",\n' +
        '  compatibilityFlags = ["nodejs_compat", "rtti_api"],\n' +
        ");\n",
    );
    const child = spawn(binary, ["serve", "--experimental", "--control-fd=3", "config.capnp"], {
      cwd: dir,
      stdio: ["ignore", "ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    try {
      // workerd reports the port it bound on the control fd, one JSON event per line.
      const port = await new Promise<number>((resolve, reject) => {
        let buffer = "";
        child.stdio[3]!.on("data", (chunk) => {
          buffer += chunk;
          const lines = buffer.split("\n");
          buffer = lines.pop()!;
          for (const line of lines) {
            try {
              const event = JSON.parse(line) as { event?: string; port?: number };
              if (event.event === "listen" && event.port) resolve(event.port);
            } catch {}
          }
        });
        child.on("error", reject);
        exited.then((code) => reject(new Error(`workerd exited with code ${code}${stderr ? `: ${stderr.trim()}` : ""}`)));
      });
      const response = await fetch(`http://127.0.0.1:${port}/${date}${flags.length ? `+${flags.join("+")}` : ""}`);
      const text = await response.text();
      if (!response.ok) throw new Error(text);
      return text;
    } finally {
      child.kill();
      await exited;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
