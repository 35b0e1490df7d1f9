// Commands that need Cloudflare's network (and Pages' hidden local helpers, not built here)
// are handed to a real wrangler (the project's node_modules, else PATH) with the
// same arguments, stdio and exit code. Never to bunflare itself: a candidate that resolves to bunflare's own
// files is skipped, and a marker in the child's environment turns any other
// loop (a shell-script shim or alias that runs bunflare) into one clear error.
import { accessSync, constants, realpathSync } from "node:fs";
import path from "node:path";
import { UserError } from "./errors.ts";

/** Set in the environment of the wrangler we start; bunflare seeing it while about to forward means a loop. */
export const FORWARD_MARKER = "BUNFLARE_FORWARDED_TO_WRANGLER";

const ROOT = path.resolve(import.meta.dir, "..");
const FLAGS_WITH_VALUES = new Set(["-c", "--config", "-e", "--env", "--env-file", "--cwd"]);

/** The command words (no flags, no flag values) of a command line. */
function commandWords(argv: string[]): string[] {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") break;
    if (FLAGS_WITH_VALUES.has(arg)) {
      i++;
      continue;
    }
    if (!arg.startsWith("-")) words.push(arg);
  }
  return words;
}

function hasFlag(argv: string[], ...names: string[]): boolean {
  return argv.some((arg) => names.includes(arg) || names.some((name) => name.startsWith("--") && arg === `${name}=true`));
}

/** Subcommands of bunflare's local groups that only exist on Cloudflare's network. */
const REMOTE_SUBCOMMANDS: Record<string, string[][]> = {
  d1: [["time-travel"], ["insights"]],
  r2: [
    ["sql"],
    ...["update", "sippy", "catalog", "notification", "domain", "dev-url", "local-uploads", "lifecycle", "cors", "lock"].map((w) => ["bucket", w]),
  ],
};

/**
 * Whether this command line is one for real wrangler. `local` says whether bunflare
 * has the group at all; groups it lacks are remote ones (the local-but-not-built ones
 * are filtered by the caller). Help and version requests always stay here.
 */
export function needsWrangler(argv: string[], local: boolean): boolean {
  if (hasFlag(argv, "--help", "-h", "--version", "-v")) return false;
  const [group, ...rest] = commandWords(argv);
  if (!group) return false;
  if (!local) return true;
  const dryRun = hasFlag(argv, "--dry-run");
  switch (group) {
    case "deploy":
      return !dryRun;
    case "versions":
      return !(rest[0] === "upload" && dryRun);
    case "dev":
      return hasFlag(argv, "--remote", "-r");
    case "kv":
    case "r2":
    case "d1":
      // With --local too, wrangler's own usage error ("mutually exclusive") comes first: bunflare gives it.
      if (hasFlag(argv, "--remote")) return !hasFlag(argv, "--local");
      return (REMOTE_SUBCOMMANDS[group] ?? []).some((words) => words.every((word, i) => rest[i] === word));
    case "pages":
      // `pages dev` and `pages functions build` are built here (and `pages functions` alone is its
      // help); the rest, `pages functions build-env` and `optimize-routes` among them, goes to wrangler.
      return !(rest[0] === "dev" || (rest[0] === "functions" && (rest[1] === undefined || rest[1] === "build")));
    case "secrets-store":
      // Without --remote, wrangler works on its local store (or refuses the `store` commands locally): bunflare does too.
      return hasFlag(argv, "--remote");
    default:
      return false;
  }
}

function realpath(file: string): string | undefined {
  try {
    accessSync(file, constants.X_OK);
    return realpathSync(file);
  } catch {
    return undefined;
  }
}

/** Bunflare's own launcher or sources: what a `wrangler` symlink to bunflare resolves to. */
function isBunflare(resolved: string): boolean {
  const own = [path.join(ROOT, "bin"), path.join(ROOT, "src")].map((dir) => {
    try {
      return realpathSync(dir);
    } catch {
      return dir;
    }
  });
  return own.some((dir) => resolved === dir || resolved.startsWith(dir + path.sep));
}

/** The project's wrangler (node_modules/.bin, walking up from cwd), else the first on PATH; never bunflare. */
export function findWrangler(cwd = process.cwd()): string | undefined {
  const candidates: string[] = [];
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    candidates.push(path.join(dir, "node_modules", ".bin", "wrangler"));
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir) candidates.push(path.join(dir, "wrangler"));
  }
  for (const candidate of candidates) {
    const resolved = realpath(candidate);
    if (resolved && !isBunflare(resolved)) return candidate;
  }
  return undefined;
}

/** wrangler's commands that run locally but are not built into bunflare (Pages' hidden Functions helpers). */
const LOCAL_NOT_BUILT = ["pages functions build-env", "pages functions optimize-routes"];

/** Runs real wrangler with these arguments; resolves to its exit code. */
export async function forwardToWrangler(argv: string[]): Promise<number> {
  const words = commandWords(argv);
  const local = LOCAL_NOT_BUILT.includes(words.slice(0, 3).join(" "));
  const command = words.slice(0, local ? 3 : 2).join(" ");
  const why = local ? "is not built into bunflare" : "needs Cloudflare's network";
  if (process.env[FORWARD_MARKER]) {
    throw new UserError(
      `\`wrangler ${command}\` ${why}, but the \`wrangler\` found is bunflare itself (an alias or shim), so there is no real wrangler to hand it to: install it with \`npm install --save-dev wrangler\`.`,
    );
  }
  // With --cwd, "the project" is that directory (wrangler gets the flag as given).
  const cwdAt = argv.findIndex((arg) => arg === "--cwd" || arg.startsWith("--cwd="));
  const cwdFlag = cwdAt < 0 ? undefined : argv[cwdAt]!.startsWith("--cwd=") ? argv[cwdAt]!.slice(6) : argv[cwdAt + 1];
  const wrangler = findWrangler(cwdFlag ? path.resolve(cwdFlag) : process.cwd());
  if (!wrangler) {
    throw new UserError(
      `\`wrangler ${command}\` ${why}, which bunflare hands to a real wrangler, and none is installed: install it with \`npm install --save-dev wrangler\`.`,
    );
  }
  const child = Bun.spawn([wrangler, ...argv], {
    stdio: ["inherit", "inherit", "inherit"],
    env: { ...process.env, [FORWARD_MARKER]: "1" },
  });
  // Ctrl-C reaches the child through the terminal's process group; bunflare just waits for it.
  const ignore = () => {};
  process.on("SIGINT", ignore);
  process.on("SIGTERM", () => child.kill("SIGTERM"));
  const code = await child.exited;
  process.off("SIGINT", ignore);
  if (!child.signalCode) return code;
  const signals = (require("node:os") as typeof import("node:os")).constants.signals as Record<string, number>;
  return 128 + (signals[String(child.signalCode)] ?? 0);
}
