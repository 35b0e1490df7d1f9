// The dev registry: how separate `bunflare dev` processes find each other for
// service bindings, as wrangler's does. One small JSON file per running worker
// under ~/.bunflare/registry (or $BUNFLARE_REGISTRY_PATH), named after it.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import path from "node:path";

export interface RegistryEntry {
  url: string;
  pid: number;
}

export function registryDir(): string {
  return process.env.BUNFLARE_REGISTRY_PATH ?? path.join(homedir(), ".bunflare", "registry");
}

const entryFile = (name: string) => path.join(registryDir(), `${encodeURIComponent(name)}.json`);

export function registerWorker(name: string, url: string): void {
  try {
    mkdirSync(registryDir(), { recursive: true });
    writeFileSync(entryFile(name), JSON.stringify({ url, pid: process.pid } satisfies RegistryEntry));
  } catch {
    // A read-only home only costs other processes the ability to find this one.
  }
}

export function unregisterWorker(name: string): void {
  const entry = lookupWorker(name);
  if (entry?.pid === process.pid) rmSync(entryFile(name), { force: true });
}

/** The running dev server of worker `name`, if its process is still alive. */
export function lookupWorker(name: string): RegistryEntry | undefined {
  let entry: RegistryEntry;
  try {
    entry = JSON.parse(readFileSync(entryFile(name), "utf8")) as RegistryEntry;
  } catch {
    return undefined;
  }
  try {
    process.kill(entry.pid, 0);
  } catch (error) {
    // EPERM: alive but not ours to signal. Anything else: a stale entry.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return undefined;
  }
  return entry;
}

/** Header carrying the URL the caller asked for, so the callee's worker sees it unchanged. */
export const ORIGINAL_URL_HEADER = "x-bunflare-original-url";
