// `bunflare build` (wrangler's hidden alias for `deploy --dry-run --outdir=dist`) and
// `bunflare check startup`: the startup phase of the bundle dev runs, profiled by
// Bun's CPU profiler (wrangler profiles workerd; the profile format is the same).
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { fileErrorReason } from "./shared/files.ts";
import path from "node:path";
import { defineCommand, type GlobalArgs } from "./define.ts";
import { buildWorker, dryRun } from "./deploy.ts";
import { UserError } from "../errors.ts";
import { log, printBanner } from "../log.ts";

export const build = defineCommand<GlobalArgs>({
  command: "build",
  describe: "🔨 Build a Worker",
  hidden: true,
  async handler(args) {
    await dryRun({ ...args, "dry-run": true, outdir: "dist" }, "deploy");
  },
});

interface StartupArgs extends GlobalArgs {
  outfile: string;
  workerBundle?: string;
  pages?: boolean;
  args?: string;
}

const startup = defineCommand<StartupArgs>({
  command: "startup",
  describe: "⌛ Profile your Worker's startup performance [alpha]",
  options: {
    outfile: { describe: "Output file for startup phase cpuprofile", type: "string", default: "worker-startup.cpuprofile" },
    workerBundle: {
      alias: "worker",
      describe: "Path to a prebuilt worker bundle i.e the output of `wrangler deploy --outfile worker.bundle",
      type: "string",
    },
    pages: { describe: "Force this project to be treated as a Pages project", type: "boolean" },
    args: { describe: "Additional arguments passed to `wrangler deploy` or `wrangler pages functions build` e.g. `--no-bundle`", type: "string" },
  },
  async handler(args) {
    printBanner();
    log.warn("🚧 `wrangler check startup` is an alpha command. Please report any issues to https://github.com/bunflare/bunflare/issues");
    let bundle: string;
    let dispose = () => {};
    if (args.workerBundle) {
      bundle = path.resolve(args.workerBundle);
      if (!existsSync(bundle)) throw new UserError(`The worker bundle "${args.workerBundle}" does not exist.`);
      // The upload `deploy --outfile` writes (multipart form data): its modules laid out in a directory.
      const unpacked = await unpackUpload(bundle);
      if (unpacked) ({ main: bundle, dispose } = unpacked);
    } else if (args.pages || (await pagesProject(args))) {
      // As wrangler: `pages functions build` (with --args) to an upload, then its modules profiled.
      log.info("│ Pages project detected\n│");
      log.info("├ Building your Worker");
      const extra = (args.args ?? "").split(/\s+/).filter(Boolean);
      const dir = mkdtempSync(path.join(tmpdir(), "bunflare-startup-pages-"));
      const upload = path.join(dir, "worker.bundle");
      try {
        const { pagesFunctionsBuild } = await import("../pages/build.ts");
        const directory = extra.find((word) => !word.startsWith("-")) ?? "functions";
        await pagesFunctionsBuild(
          { directory, outfile: upload, minify: extra.includes("--minify"), sourcemap: false, "fallback-service": "ASSETS", watch: false, plugin: false },
          { quiet: true },
        );
        const unpacked = await unpackUpload(upload);
        if (!unpacked) throw new UserError("The Pages Functions build wrote no upload.");
        bundle = unpacked.main;
        dispose = () => {
          unpacked.dispose();
          rmSync(dir, { recursive: true, force: true });
        };
      } catch (error) {
        rmSync(dir, { recursive: true, force: true });
        throw error;
      }
      log.info("│ Worker Built! 🎉\n│");
    } else {
      log.info("├ Building your Worker");
      const extra = (args.args ?? "").split(/\s+/).filter(Boolean);
      const built = await buildWorker({ ...args, "no-bundle": extra.includes("--no-bundle") ? true : undefined }, "deploy", { upload: false });
      bundle = built.file;
      dispose = built.dispose;
      log.info("│ Worker Built! 🎉\n│");
    }
    try {
      log.info("├ Analysing");
      const outfile = path.resolve(args.outfile);
      const dir = path.join(path.dirname(outfile), `.bunflare-profile-${process.pid}`);
      const cannotWrite = (error: unknown) => new UserError(`Could not write the --outfile "${args.outfile}": ${fileErrorReason(error)}.`);
      try {
        mkdirSync(dir, { recursive: true });
      } catch (error) {
        throw cannotWrite(error);
      }
      try {
        // A child Bun evaluates the bundle's top level (its startup phase) under the profiler.
        // It exits right after the import: a worker's top level may leave timers or handles open.
        const evaluate = `await import(${JSON.stringify(bundle)}); process.exit(0);`;
        const child = Bun.spawnSync(
          [process.execPath, "--cpu-prof", `--cpu-prof-dir=${dir}`, "--cpu-prof-name=startup.cpuprofile", "-e", evaluate],
          { stdin: "ignore", stdout: "ignore", stderr: "pipe" },
        );
        const profile = path.join(dir, "startup.cpuprofile");
        if (!existsSync(profile)) {
          throw new UserError(`Your Worker failed to start up:\n${child.stderr.toString().trim()}`);
        }
        try {
          renameSync(profile, outfile);
        } catch (error) {
          throw cannotWrite(error);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      log.info("│ Startup phase analysed\n│");
      log.info(
        `│ CPU Profile has been written to ${args.outfile}. Load it into the Chrome DevTools profiler (or directly in VSCode) to view a flamegraph.\n│\n` +
          "│ Note that the CPU Profile was measured on your Worker running locally under Bun, which differs from workerd on Cloudflare: use it to see where time is spent at startup, not as the exact startup time of your deployed Worker.",
      );
    } finally {
      dispose();
    }
  },
});

/** Whether the config is a Pages project's (`pages_build_output_dir`), which wrangler's check startup builds as one. */
async function pagesProject(args: GlobalArgs): Promise<boolean> {
  const { loadConfig } = await import("../config/index.ts");
  try {
    return loadConfig({ configPath: args.config, env: args.env, onWarning: () => {}, onInfo: () => {} }).config.pages_build_output_dir !== undefined;
  } catch {
    // The build that follows reports a config that does not load.
    return false;
  }
}

/** The modules of an upload form (wrangler's `--outfile`), written to a temporary directory; undefined for a plain script. */
async function unpackUpload(file: string): Promise<{ main: string; dispose: () => void } | undefined> {
  const bytes = readFileSync(file);
  const boundary = /^--(\S+)\r\n/.exec(bytes.subarray(0, 200).toString("latin1"))?.[1];
  if (!boundary) return undefined;
  let form: { get(name: string): unknown; entries(): IterableIterator<[string, string | Blob]> };
  try {
    form = (await new Response(bytes, { headers: { "content-type": `multipart/form-data; boundary=${boundary}` } }).formData()) as unknown as typeof form;
  } catch {
    return undefined;
  }
  const metadata = JSON.parse(String(form.get("metadata") ?? "{}")) as { main_module?: string; body_part?: string };
  const mainName = metadata.main_module ?? metadata.body_part;
  if (!mainName) throw new UserError(`The worker bundle "${file}" names no main module in its metadata.`);
  const dir = mkdtempSync(path.join(tmpdir(), "bunflare-startup-"));
  for (const [name, value] of form.entries()) {
    if (name === "metadata" || typeof value === "string") continue;
    const target = path.join(dir, name);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, new Uint8Array(await value.arrayBuffer()));
  }
  return { main: path.join(dir, mainName), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export const check = defineCommand({
  command: "check",
  describe: "☑️ Run checks on your Worker",
  hidden: true,
  subcommands: [startup],
});
