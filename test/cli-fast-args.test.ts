// The fast path of one-shot commands (src/fast-args.ts) must hand the handler
// exactly what yargs would, or step aside: for each line, either fastArgs
// declines, or yargs reaches the same handler with deep-equal arguments.
import { expect, test } from "bun:test";
import { argsFromYargs } from "../src/cli.ts";
import { fastArgs } from "../src/fast-args.ts";
import { COMMAND_GROUPS } from "../src/commands/index.ts";

const LINES: string[][] = [
  ["kv", "key", "put", "greeting", "hello", "--binding", "KV", "--local"],
  ["pages", "dev", "public"],
  ["pages", "dev"],
  ["pages", "dev", "public", "--port", "0", "--compatibility-date", "2025-01-01"],
  ["pages", "dev", "public", "-c", "other.toml"],
  ["pages", "dev", "public", "--config", "other.toml", "-e", "x"],
  ["pages", "dev", "public", "--ip", "0.0.0.0", "--local-protocol", "https", "--inspector-port", "9230"],
  ["pages", "dev", "public", "--kv", "KV"],
  ["pages", "dev", "public", "-b", "A=1"],
  ["pages", "dev", "public", "--live-reload"],
  ["pages", "dev", "public", "--no-bundle"],
  ["pages", "dev", "public", "npm", "run"],
  ["pages", "dev", "public", "--proxy", "3000"],
  ["pages", "dev", "public", "--script-path", "w.js", "--log-level", "warn"],
  ["pages", "dev", "public", "--persist-to", "state", "--show-interactive-dev-session"],
  ["pages", "dev", "public", "--help"],
  ["pages", "project", "list"],
  ["pages"],
  ["kv", "key", "put", "greeting", "--binding=KV", "--path", "file.txt", "--local"],
  ["kv", "key", "put", "greeting", "hello", "--namespace-id", "abc", "--persist-to", "p", "-c", "w.toml", "-e", "staging"],
  ["kv", "key", "put", "greeting", "hello", "--binding", "KV", "--ttl", "60", "--expiration", "1700000000", "--metadata", '{"a":1}'],
  ["kv", "key", "put", "greeting", "hello", "--binding", "KV", "--metadata", "not json"],
  ["kv", "key", "put", "greeting", "hello", "--binding", "KV", "--ttl", "abc"],
  ["kv", "key", "put", "greeting", "hello", "--binding", "KV", "--ttl", "-5"],
  ["kv", "key", "put", "greeting", "hello", "--binding", "KV", "--ttl", "1e3"],
  ["kv", "key", "put", "123", "456", "--binding", "KV"],
  ["kv", "key", "put", "", "x", "--binding", "KV"],
  ["kv", "key", "put", "greeting", "--binding", "KV"],
  ["kv", "key", "put", "--binding", "KV"],
  ["kv", "key", "put", "a", "b", "c", "--binding", "KV"],
  ["kv", "key", "put", "a", "b", "--binding", "KV", "--binding", "X"],
  ["kv", "key", "put", "a", "b", "--binding"],
  ["kv", "key", "put", "a", "b", "--binding", "--local"],
  ["kv", "key", "put", "a", "b", "--binding", "KV", "--bogus"],
  ["kv", "key", "put", "a", "b", "--binding", "KV", "--persistTo", "p"],
  ["kv", "key", "put", "a", "b", "--binding", "KV", "--local", "--remote"],
  ["kv", "key", "put", "a", "b", "--binding", "KV", "--local", "false"],
  ["kv", "key", "put", "a", "b", "--binding", "KV", "--local=false"],
  ["kv", "key", "put", "a", "b", "--binding", "KV", "--no-local"],
  ["kv", "key", "put", "a", "b", "--binding", "KV", "--help"],
  ["kv", "key", "put", "a", "b", "--binding", "KV", "-h"],
  ["kv", "key", "put", "a", "b", "--binding", "KV", "-v"],
  ["kv", "key", "put", "a", "b", "--binding", "KV", "--", "x"],
  ["kv", "key", "put", "a", "b", "--binding", "KV", "--cwd", "."],
  ["kv", "key", "put", "a", "b", "--binding", "KV", "--log-level", "debug"],
  ["kv", "key", "put", "a", "-b", "--binding", "KV"],
  ["kv", "key", "get", "greeting", "--binding", "KV", "--local"],
  ["kv", "key", "get", "greeting", "--binding", "KV", "--text", "--preview"],
  ["kv", "key", "get", "greeting", "--binding", "KV", "--preview", "false"],
  ["kv", "key", "delete", "greeting", "--binding", "KV"],
  ["kv", "key", "list", "--binding", "KV", "--prefix", "a"],
  ["kv", "key", "list", "--binding", "KV", "--prefix", "--local"],
  ["kv", "key", "list", "extra", "--binding", "KV"],
  ["kv", "bulk", "put", "bulk.json", "--binding", "KV", "--local"],
  ["kv", "bulk", "get", "keys.json", "--binding", "KV"],
  ["kv", "bulk", "delete", "keys.json", "--binding", "KV", "-f"],
  ["kv", "bulk", "delete", "keys.json", "--binding", "KV", "--force"],
  ["kv", "namespace", "list"],
  ["kv", "key"],
  ["kv"],
  ["d1", "execute", "DB", "--local", "--command", "SELECT 1"],
  ["d1", "execute", "DB", "--local", "--command=SELECT 1; SELECT 2", "--json"],
  ["d1", "execute", "DB", "--local", "--file", "dump.sql", "-y"],
  ["d1", "execute", "DB", "--local", "--file", "dump.sql", "--yes", "--persist-to", "state"],
  ["d1", "execute", "DB", "--remote", "--command", "SELECT 1"],
  ["d1", "execute", "DB", "--preview", "--command", "SELECT 1"],
  ["d1", "execute", "DB", "--local", "--command", "-- a comment"],
  ["d1", "execute", "DB", "--local"],
  ["d1", "execute", "--local", "--command", "SELECT 1"],
  ["d1", "execute", "DB", "--local", "--command", "SELECT 1", "--json", "--json"],
  ["d1", "execute", "DB", "--local", "--command", "SELECT 1", "--config", "wrangler.toml", "--env", "x"],
  ["d1", "list"],
  ["r2", "object", "put", "bucket/key", "--file", "f.txt", "--local"],
  ["r2", "object", "put", "bucket/key", "--pipe", "--local"],
  ["r2", "object", "put", "bucket/key", "--file", "f.txt", "--pipe"],
  ["r2", "object", "put", "bucket/key", "-f", "f.txt", "--content-type", "text/plain"],
  ["r2", "object", "get", "bucket/key", "--file", "out.txt"],
  ["r2", "object", "get", "bucket/key", "--pipe"],
  ["r2", "object", "delete", "bucket/key", "--local"],
  ["dev"],
  ["dev", "src/index.ts"],
  ["dev", "--port", "8787"],
  ["dev", "--port", "0", "--ip", "127.0.0.1", "--local"],
  ["dev", "--port=8788", "--ip=localhost", "-l"],
  ["dev", "-c", "wrangler.toml", "--env", "staging", "--persist-to", "state"],
  ["dev", "--config", "w.jsonc", "-e", "x", "--inspector-port", "9229", "--name", "w"],
  ["dev", "--local", "--remote"],
  ["dev", "-r"],
  ["dev", "--no-bundle"],
  ["dev", "--bundle"],
  ["dev", "--no-crons"],
  ["dev", "--crons", "false"],
  ["dev", "--latest=false"],
  ["dev", "--test-scheduled", "--minify", "--live-reload", "--types", "--tunnel"],
  ["dev", "--show-interactive-dev-session", "false"],
  ["dev", "--port", "abc"],
  ["dev", "--port", "-1"],
  ["dev", "--port", "65536"],
  ["dev", "--port"],
  ["dev", "--ip"],
  ["dev", "--var", "A:1"],
  ["dev", "--var", "A:1", "--var", "B:2"],
  ["dev", "--compatibility-flags", "nodejs_compat"],
  ["dev", "--compatibility-date", "2024-01-01"],
  ["dev", "--routes", "example.com/*"],
  ["dev", "--local-protocol", "https"],
  ["dev", "--log-level", "debug"],
  ["dev", "--env-file", ".env.local"],
  ["dev", "--log-level", "none", "--port", "0"],
  ["dev", "--log-level=warn"],
  ["dev", "--log-level", "verbose"],
  ["dev", "--log-level"],
  ["dev", "--local-protocol", "http", "--upstream-protocol", "https"],
  ["dev", "--local-protocol", "ftp"],
  ["kv", "key", "get", "greeting", "--binding", "KV", "--log-level", "error"],
  ["d1", "execute", "DB", "--local", "--command", "SELECT 1", "--log-level", "bogus"],
  ["dev", "--help"],
  ["dev", "-v"],
  ["dev", "--bogus"],
  ["dev", "a.ts", "b.ts"],
  ["dev", "--port", "8787", "--port", "8788"],
  ["dev", "--", "x"],
  ["dev", "-x"],
];

test.each(LINES.map((line) => [line.join(" "), line] as const))("fast path agrees with yargs: %s", async (_, line) => {
  const group = COMMAND_GROUPS.find((entry) => entry.name === line[0])!;
  const spec = (await group.load!()).default;
  const fast = fastArgs(line, spec);
  if (!fast) return;
  const slow = await argsFromYargs(line);
  expect(slow).toBeDefined();
  expect(fast.words).toBe(slow!.words);
  expect({ ...fast.args }).toEqual({ ...slow!.args });
});

test("the fast path takes the bench's command lines", async () => {
  const kv = (await COMMAND_GROUPS.find((entry) => entry.name === "kv")!.load!()).default;
  const d1 = (await COMMAND_GROUPS.find((entry) => entry.name === "d1")!.load!()).default;
  expect(fastArgs(["kv", "key", "put", "greeting", "hello", "--binding", "KV", "--local"], kv)?.words).toBe("kv key put");
  expect(fastArgs(["d1", "execute", "DB", "--local", "--file", "dump.sql"], d1)?.words).toBe("d1 execute");
  expect(fastArgs(["kv", "key", "put", "a", "b", "--help"], kv)).toBeUndefined();
  const dev = (await COMMAND_GROUPS.find((entry) => entry.name === "dev")!.load!()).default;
  expect(fastArgs(["dev", "--port", "0", "--ip", "127.0.0.1", "--local"], dev)?.words).toBe("dev");
  expect(fastArgs(["dev", "-c", "wrangler.toml", "--env", "staging"], dev)?.words).toBe("dev");
  expect(fastArgs(["dev", "--no-bundle"], dev)).toBeUndefined();
  expect(fastArgs(["dev", "--port", "0", "--log-level", "none"], dev)?.words).toBe("dev");
  expect(fastArgs(["dev", "--log-level", "verbose"], dev)).toBeUndefined();
  // pages dev too; its group's hidden -c/-e are the leaf's own.
  const pages = (await COMMAND_GROUPS.find((entry) => entry.name === "pages")!.load!()).default;
  expect(fastArgs(["pages", "dev", "public", "--port", "0", "--compatibility-date", "2025-01-01"], pages)?.words).toBe("pages dev");
  expect(fastArgs(["pages", "dev", "public", "-c", "other.toml"], pages)?.words).toBe("pages dev");
  expect(fastArgs(["pages", "project", "list"], pages)).toBeUndefined();
});
