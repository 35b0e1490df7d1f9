// `bunflare setup`: wrangler's autoconfig for a project that has no wrangler config yet.
// The local part is bunflare's: a static site (a directory with an index.html) gets
// wrangler's wrangler.jsonc, package.json scripts and .gitignore lines, with wrangler's
// output. A framework project needs the framework's Cloudflare adapter installed and
// its config rewritten, which is real wrangler's job: it is handed to it.
import { appendFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { defineCommand, type GlobalArgs } from "./define.ts";
import { UserError } from "../errors.ts";
import { log } from "../log.ts";
import { dim, gray, hex } from "../colors.ts";
import { findWrangler, forwardToWrangler } from "../forward.ts";
import { confirm, prompt } from "./shared/prompts.ts";

interface SetupArgs extends GlobalArgs {
  yes: boolean;
  build: boolean;
  "dry-run"?: boolean;
  "completion-message": boolean;
  "install-wrangler": boolean;
}

const brand = hex("#BD5B08");

/** Packages whose presence means a framework wrangler configures (with an adapter), not a static site. */
const FRAMEWORK_PACKAGES: Record<string, string> = {
  astro: "Astro",
  next: "Next.js",
  nuxt: "Nuxt",
  "@sveltejs/kit": "SvelteKit",
  "@react-router/dev": "React Router",
  "@remix-run/dev": "Remix",
  "@tanstack/react-start": "TanStack Start",
  "@solidjs/start": "SolidStart",
  "@angular/core": "Angular",
  "@builder.io/qwik-city": "Qwik",
  gatsby: "Gatsby",
  waku: "Waku",
  vike: "Vike",
  "@docusaurus/core": "Docusaurus",
  "@11ty/eleventy": "Eleventy",
  hexo: "Hexo",
  vite: "Vite",
};

/** wrangler's toValidWorkerName: what a package or directory name becomes as a Worker name. */
function toWorkerName(input: string): string {
  const valid = /^[a-z0-9- ]*$/.test(input) && !/^-|-$/.test(input) && input.length > 0 && input.length <= 63;
  if (valid) return input;
  const name = input.replaceAll("_", "-").replace(/[^a-z0-9- ]/g, "-").replace(/^(-+)|(-+)$/g, "").slice(0, 63);
  return name || "my-worker";
}

const hasIndexHtml = (dir: string) => existsSync(path.join(dir, "index.html")) && statSync(path.join(dir, "index.html")).isFile();

/** wrangler's findAssetsDir: the project itself, else its first child directory, holding an index.html. */
function findAssetsDir(root: string): string | undefined {
  if (hasIndexHtml(root)) return ".";
  for (const child of readdirSync(root)) {
    const dir = path.join(root, child);
    if (statSync(dir).isDirectory() && hasIndexHtml(dir)) return child;
  }
  return undefined;
}

function packageManager(root: string): string {
  if (existsSync(path.join(root, "bun.lock")) || existsSync(path.join(root, "bun.lockb"))) return "bun";
  if (existsSync(path.join(root, "pnpm-lock.yaml"))) return "pnpm";
  if (existsSync(path.join(root, "yarn.lock"))) return "yarn";
  return "npm";
}

interface Details {
  workerName: string;
  outputDir: string;
}

function printDetails(details: Details, heading = "Detected Project Settings:"): void {
  log.info("");
  log.info(heading);
  log.info(`${brand(" - Worker Name:")} ${details.workerName}`);
  log.info(`${brand(" - Framework:")} Static`);
  log.info(`${brand(" - Output Directory:")} ${details.outputDir}`);
  log.info("");
}

/** wrangler's .gitignore lines for its local files, plus `.bunflare` (only where git is in use), with its spinner's lines. */
function appendToGitIgnore(root: string): void {
  const file = path.join(root, ".gitignore");
  const existed = existsSync(file);
  if (!existed && !existsSync(path.join(root, ".git"))) return;
  const content = existed ? readFileSync(file, "utf8") : "";
  const hasDotWrangler = /^\/?\.wrangler(\/|\s|$)/m.test(content);
  const add = [
    ...(hasDotWrangler ? [] : [".wrangler"]),
    // bunflare's store, beside wrangler's state.
    ...(/^\/?\.bunflare(\/|\s|$)/m.test(content) ? [] : [".bunflare"]),
    ...(/^\/?\.dev\.vars\*(\s|$)/m.test(content) ? [] : [".dev.vars*"]),
    ...(/^!\/?\.dev\.vars\.example(\s|$)/m.test(content) ? [] : ["!.dev.vars.example"]),
    ...(/^\/?\.env\*?(\..*?)?(\s|$)/m.test(content) ? [] : [".env*"]),
    ...(/^!\/?\.env\.example(\s|$)/m.test(content) ? [] : ["!.env.example"]),
  ];
  if (!add.length) return;
  log.info(`${gray("├")} Adding Wrangler files to the .gitignore file`);
  const lines = existed ? ["", ...(/\n\s*$/.test(content) ? [] : [""])] : [];
  if (!hasDotWrangler && add.length > 1) lines.push("# wrangler files");
  lines.push(...add, "");
  appendFileSync(file, lines.join("\n"));
  log.info(`${gray("│")} ${brand(existed ? "updated" : "created")} ${dim(".gitignore file")}\n${gray("│")}`);
}

export default defineCommand<SetupArgs>({
  command: "setup",
  describe: "🪄 Setup a project to work on Cloudflare",
  options: {
    yes: { describe: 'Answer "yes" to any prompts for configuring your project', type: "boolean", alias: "y", default: false },
    build: { describe: "Run your project's build command once it has been configured", type: "boolean", default: false },
    "dry-run": { describe: "Runs the command without applying any filesystem modifications", type: "boolean" },
    "completion-message": {
      describe: "Display a message with deployment details after `wrangler setup` is complete",
      type: "boolean",
      default: true,
      hidden: true,
    },
    "install-wrangler": { describe: "Install Wrangler during project setup", type: "boolean", default: true, hidden: true },
  },
  behaviour: { provideConfig: true },
  async handler(args, { project }) {
    const root = process.cwd();
    const { config, path: configPath } = project.loaded;
    const done = (message: string) => {
      if (args["completion-message"]) log.info(message);
    };
    if (configPath && !config.pages_build_output_dir) {
      done("🎉 Your project is already setup to deploy to Cloudflare");
      done(`You can now deploy with ${brand("wrangler deploy")}`);
      return;
    }
    let packageJson: { name?: string; scripts?: Record<string, string>; dependencies?: object; devDependencies?: object } | undefined;
    const packageJsonPath = path.join(root, "package.json");
    if (existsSync(packageJsonPath)) {
      try {
        packageJson = JSON.parse(readFileSync(packageJsonPath, "utf8"));
      } catch (error) {
        throw new UserError(`Could not parse ${packageJsonPath}: ${(error as Error).message}`);
      }
    }
    const dependencies = { ...packageJson?.dependencies, ...packageJson?.devDependencies };
    const framework = Object.keys(FRAMEWORK_PACKAGES).find((name) => name in dependencies);
    if (framework || config.pages_build_output_dir) {
      if (!findWrangler()) {
        const name = framework ? FRAMEWORK_PACKAGES[framework]! : "Pages";
        const what = `${/^[AEIOU]/.test(name) ? "an" : "a"} ${name} project, which`;
        throw new UserError(
          `\`bunflare setup\` configures static sites; this is ${what} real wrangler configures (it installs the framework's Cloudflare adapter): install it with \`npm install --save-dev wrangler\` and run \`npx wrangler setup\`.`,
        );
      }
      process.exitCode = await forwardToWrangler(process.argv.slice(2));
      return;
    }

    const outputDir = findAssetsDir(root);
    if (!outputDir) throw new UserError("Could not detect a directory containing static files (e.g. html, css and js) for the project");
    let details: Details = { workerName: toWorkerName(packageJson?.name || path.basename(root)), outputDir };
    const dryRun = Boolean(args["dry-run"]);
    const skipConfirmations = dryRun || args.yes;
    printDetails(details);
    if (!skipConfirmations && (await confirm("Do you want to modify these settings?", { defaultValue: false, fallbackValue: false }))) {
      details = {
        workerName: toWorkerName(await prompt("What do you want to name your Worker?", details.workerName)),
        outputDir: await prompt("What directory contains your applications' output/asset files?", details.outputDir),
      };
      printDetails(details, "Updated Project Settings:");
    }

    const today = new Date().toISOString().slice(0, 10);
    const wranglerConfig = {
      $schema: "node_modules/wrangler/config-schema.json",
      name: details.workerName,
      compatibility_date: today,
      observability: { enabled: true },
      assets: { directory: details.outputDir },
      compatibility_flags: ["nodejs_compat"],
    };
    const scripts = { deploy: "wrangler deploy", preview: "wrangler dev" };
    log.info("");
    if (packageJson) {
      // Wrangler installs itself here; bunflare installs nothing (that needs the npm registry).
      log.info("📦 Install packages:");
      log.info(` - wrangler (devDependency): not installed by bunflare; \`${packageManager(root)} install --save-dev wrangler\` before deploying`);
      log.info("");
      log.info("📝 Update package.json scripts:");
      for (const [name, script] of Object.entries(scripts)) log.info(` - "${name}": "${script}"`);
      log.info("");
    }
    log.info("📄 Create wrangler.jsonc:");
    log.info("  " + JSON.stringify(wranglerConfig, null, 2).replace(/\n/g, "\n  "));
    log.info("");
    if (!(skipConfirmations || (await confirm("Proceed with setup?")))) throw new UserError("Setup cancelled");
    if (dryRun) {
      log.info("✋  Autoconfig process run in dry-run mode, existing now.");
      log.info("");
      return;
    }

    if (packageJson) {
      // Re-read: wrangler merges into the file as it is now, keeping every other field.
      const current = JSON.parse(readFileSync(packageJsonPath, "utf8"));
      const updated = { ...current, scripts: { ...current.scripts, ...scripts } };
      writeFileSync(packageJsonPath, JSON.stringify(updated, null, 2) + "\n");
    }
    writeFileSync(path.join(root, "wrangler.jsonc"), JSON.stringify(wranglerConfig, null, 2) + "\n");
    appendToGitIgnore(root);
    if (outputDir === ".") {
      // Wrangler means to keep its own files out of a project-root asset directory; bunflare's store too.
      const ignore = path.join(root, ".assetsignore");
      const text = existsSync(ignore) ? readFileSync(ignore, "utf8") : "";
      const missing = [".wrangler", ".bunflare"].filter((line) => !new RegExp(`^/?\\${line}(/|\\s|$)`, "m").test(text));
      if (missing.length) appendFileSync(ignore, (text && !text.endsWith("\n") ? "\n" : "") + missing.join("\n") + "\n");
    }
    done("🎉 Your project is now setup to deploy to Cloudflare");
    done(`You can now deploy with ${brand(packageJson ? `${packageManager(root)} run deploy` : "wrangler deploy")}`);
  },
});
