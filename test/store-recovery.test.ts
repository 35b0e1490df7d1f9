// Crash recovery on open: what a killed writer left in the store is removed the
// next time the store opens, a live writer's files never are, and a damaged
// SQLite file is one clear error naming it.
import { afterEach, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { openStore, StoreError } from "../runtime/store/index.ts";
import { createR2Bucket } from "../runtime/bindings/r2/index.ts";
import type { R2ObjectBody } from "../runtime/bindings/r2/objects.ts";
import { ROOT } from "./dev-helpers.ts";

const dirs: string[] = [];
function scratch(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "store-recovery-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = Bun.spawn(["true"]);
  await child.exited;
  return child.pid;
}

const hex = () => randomBytes(16).toString("hex");

test("a dead writer's temp bodies and uncommitted bodies are removed on open; committed bodies and a live writer's files stay", async () => {
  const dir = path.join(scratch(), ".bunflare");
  let store = openStore(dir);
  const bucket = createR2Bucket(store, "photos");
  await bucket.put("kept", "committed body");
  const upload = await bucket.createMultipartUpload("big");
  const part1 = await upload.uploadPart(1, "part one");
  store.close();

  const bucketDir = path.join(dir, "r2", "photos");
  const committed = readdirSync(bucketDir).sort();
  expect(committed).toHaveLength(2); // the object's body and the unfinished upload's part

  const dead = await deadPid();
  const live = Bun.spawn(["sleep", "30"]);
  const leftovers = [`.tmp-${dead}-${hex()}`, `${dead}-${hex()}`, `.tmp-${hex()}`];
  const inFlight = [`.tmp-${live.pid}-${hex()}`, `${live.pid}-${hex()}`, `.tmp-${hex()}`];
  for (const file of [...leftovers, ...inFlight]) writeFileSync(path.join(bucketDir, file), "partial");
  // The pid-less temp file from an older bunflare counts as left over once it is an hour old.
  const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
  utimesSync(path.join(bucketDir, leftovers[2]!), old, old);

  try {
    store = openStore(dir);
    expect(readdirSync(bucketDir).sort()).toEqual([...committed, ...inFlight].sort());
    const reopened = createR2Bucket(store, "photos");
    expect(await ((await reopened.get("kept")) as R2ObjectBody).text()).toBe("committed body");
    // The unfinished upload can still be completed with the part written before.
    const resumed = reopened.resumeMultipartUpload("big", upload.uploadId);
    await resumed.complete([part1]);
    expect(await ((await reopened.get("big")) as R2ObjectBody).text()).toBe("part one");
    store.close();
  } finally {
    live.kill();
  }
});

test("a damaged data.sqlite or D1 file is a StoreError naming the file and what to do", () => {
  const dir = path.join(scratch(), ".bunflare");
  openStore(dir).close();
  const file = path.join(dir, "data.sqlite");
  for (const suffix of ["-wal", "-shm"]) rmSync(file + suffix, { force: true });
  writeFileSync(file, randomBytes(8192));
  let error: unknown;
  try {
    openStore(dir);
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(StoreError);
  expect((error as Error).message).toBe(
    `The local store file "${file}" is damaged (file is not a database). ` +
      "Move it aside (or delete it, with its -wal and -shm files) to start that data afresh, or restore it from a backup.",
  );
});

test("a command that finds a damaged D1 file says which and exits 1, without a stack trace", async () => {
  const project = scratch();
  writeFileSync(
    path.join(project, "wrangler.toml"),
    'name = "w"\ncompatibility_date = "2025-01-01"\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "d"\ndatabase_id = "dd"\n',
  );
  const run = (args: string[]) => {
    const proc = Bun.spawnSync([path.join(ROOT, "bin", "bunflare"), ...args], { cwd: project, env: { ...process.env, NO_COLOR: "1", HOME: project } });
    return { code: proc.exitCode, out: proc.stdout.toString() + proc.stderr.toString() };
  };
  expect(run(["d1", "execute", "DB", "--local", "--command", "CREATE TABLE t (x)"]).code).toBe(0);
  const file = path.join(project, ".bunflare", "d1", "dd.sqlite");
  for (const suffix of ["-wal", "-shm"]) rmSync(file + suffix, { force: true });
  writeFileSync(file, randomBytes(8192));
  const result = run(["d1", "execute", "DB", "--local", "--command", "SELECT 1"]);
  expect(result.code).toBe(1);
  expect(result.out).toContain(`The local store file "${file}" is damaged`);
  expect(result.out).not.toContain("    at ");
  expect(existsSync(file)).toBe(true);
});
