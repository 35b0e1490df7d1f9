// wrangler's confirm() and prompt(): on a terminal they ask; in CI or without
// a terminal they print the question and the answer they fall back to, so a
// script never hangs waiting for input.
import { bold, dim, white } from "../../colors.ts";
import { log } from "../../log.ts";

/** ci-info's isCI, as wrangler asks it (CI=false turns it off). */
function isCI(): boolean {
  const env = process.env;
  if (env.CI === "false") return false;
  const markers = ["BUILD_ID", "BUILD_NUMBER", "CI", "CI_APP_ID", "CI_BUILD_ID", "CI_BUILD_NUMBER", "CI_NAME", "CONTINUOUS_INTEGRATION", "RUN_ID"];
  // Vendors ci-info recognises by their own variables: Cloudflare Pages and Workers builds, GitHub Actions.
  return markers.some((name) => env[name]) || Boolean(env.CF_PAGES || env.WORKERS_CI || env.GITHUB_ACTIONS);
}

/** wrangler's isNonInteractiveOrCI. */
export function isNonInteractiveOrCI(): boolean {
  return !process.stdin.isTTY || !process.stdout.isTTY || isCI();
}

function fallback(question: string, what: "fallback value" | "default value", answer: string): void {
  log.info(`? ${question}`);
  log.info(`🤖 ${dim(`Using ${what} in non-interactive context:`)} ${white(bold(answer))}`);
}

async function readLine(): Promise<string> {
  const answer = await new Promise<string>((resolve) => {
    process.stdin.resume();
    process.stdin.once("data", (data) => resolve(String(data).trim()));
  });
  process.stdin.pause();
  return answer;
}

/** Yes/no; Enter takes `defaultValue`, a non-interactive run takes `fallbackValue`. */
export async function confirm(question: string, { defaultValue = true, fallbackValue = true } = {}): Promise<boolean> {
  if (isNonInteractiveOrCI()) {
    fallback(question, "fallback value", fallbackValue ? "yes" : "no");
    return fallbackValue;
  }
  process.stdout.write(`? ${question} › ${defaultValue ? "(Y/n)" : "(y/N)"} `);
  const answer = (await readLine()).toLowerCase();
  return answer === "" ? defaultValue : answer.startsWith("y");
}

/** A text answer with a default; a non-interactive run takes the default. */
export async function prompt(question: string, defaultValue: string): Promise<string> {
  if (isNonInteractiveOrCI()) {
    fallback(question, "default value", defaultValue);
    return defaultValue;
  }
  process.stdout.write(`? ${question} › ${defaultValue} `);
  return (await readLine()) || defaultValue;
}

/**
 * Wrangler's warning before deleting a whole resource, then "Ok to proceed?"
 * (skipped by --skip-confirmation / -y). False, having said "Not deleting.", when declined.
 */
export async function confirmDelete(what: string, contents: string, skipConfirmation = false): Promise<boolean> {
  log.info(
    `About to delete ${bold("local")} ${what}.\nThis action is irreversible and will permanently delete all data in ${contents}.\n`,
  );
  if (skipConfirmation || (await confirm("Ok to proceed?"))) return true;
  log.info("Not deleting.");
  return false;
}
