// Wrangler's confirm(): in CI or without a terminal it prints the question and
// the fallback answer instead of waiting, so scripts never hang.
import { chalk, log } from "../../log.ts";

export function isNonInteractive(): boolean {
  return !process.stdin.isTTY || !process.stdout.isTTY || Boolean(process.env.CI);
}

export async function confirm(text: string, { defaultValue = true, fallbackValue = true } = {}): Promise<boolean> {
  if (isNonInteractive()) {
    log.info(`? ${text}`);
    log.info(`🤖 ${chalk.dim("Using fallback value in non-interactive context:")} ${chalk.white(chalk.bold(fallbackValue ? "yes" : "no"))}`);
    return fallbackValue;
  }
  process.stdout.write(`? ${text} › ${defaultValue ? "(Y/n)" : "(y/N)"} `);
  const answer = await new Promise<string>((resolve) => {
    process.stdin.resume();
    process.stdin.once("data", (chunk) => {
      process.stdin.pause();
      resolve(String(chunk).trim().toLowerCase());
    });
  });
  return answer === "" ? defaultValue : answer.startsWith("y");
}
