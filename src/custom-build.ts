// build.command, run by dev and deploy before bundling, as wrangler runs it: in a
// shell (so `&&` and pipes work), in build.cwd, with WRANGLER_COMMAND naming the
// command that ran it. Its output is printed as it arrives, to stdout, after a
// "[custom build]" prefix (blue for its stdout, red for its stderr); like wrangler,
// each chunk read is split at its newlines, so a chunk ending in one prints an empty line.
import path from "node:path";
import { blue, red, type Style } from "./colors.ts";
import type { LoadedConfig } from "./config/index.ts";

const PREFIX = "[custom build]";

/** Runs the config's build.command; false when it exits non-zero (report it with customBuildFailed). */
export async function runCustomBuild(loaded: LoadedConfig, wranglerCommand: "dev" | "deploy", print: (line: string) => void): Promise<boolean> {
  const { command, cwd } = loaded.config.build!;
  print(`${blue(PREFIX)} Running: ${command}`);
  const child = Bun.spawn(["sh", "-c", command!], {
    cwd: path.resolve(loaded.dir, cwd ?? "."),
    env: { ...process.env, WRANGLER_COMMAND: wranglerCommand },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const relay = async (stream: ReadableStream<Uint8Array>, colour: Style) => {
    const decoder = new TextDecoder();
    for await (const chunk of stream) {
      for (const line of decoder.decode(chunk, { stream: true }).split("\n")) print(`${colour(PREFIX)} ${line}`);
    }
  };
  await Promise.all([relay(child.stdout, blue), relay(child.stderr, red)]);
  return (await child.exited) === 0;
}

export const customBuildFailed = (command: string) =>
  `Running custom build \`${command}\` failed. There are likely more logs from your build command above.`;
