// A real second process holding SQLite's write lock on a file, for tests of
// what waits for it: it takes the lock, prints "locked", and commits when its
// stdin closes (release()).
export function holdLock(file: string) {
  const script = `
    const { Database } = require("bun:sqlite");
    const db = new Database(${JSON.stringify(file)});
    db.run("PRAGMA busy_timeout = 30000");
    db.run("BEGIN IMMEDIATE");
    process.stdout.write("locked\\n");
    for await (const _ of Bun.stdin.stream()) break;
    db.run("COMMIT");
    process.stdout.write("released\\n");
  `;
  const child = Bun.spawn([process.execPath, "-e", script], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  const reader = child.stdout.getReader();
  const nextLine = async () => new TextDecoder().decode((await reader.read()).value).trim();
  return { child, nextLine, release: () => child.stdin.end() };
}
