// `secrets-store secret ...` and `secrets-store store ...` without --remote,
// under wrangler and bunflare. Secret ids are random and differ between the
// tools, so a step names a secret created earlier as `{NAME}`: each tool's
// step gets the id that tool printed for NAME.
import { rmSync } from "node:fs";
import { compareStream, makeScratch, normalize, runStep, STREAMS, wranglerBugFooter, type CaseOutcome, type CliStep, type CompatCase, type ExpectedDifference, type Tool } from "../harness.ts";

const CONFIG = { "wrangler.toml": 'name = "secrets"\ncompatibility_date = "2025-01-01"\n' };

/** Tables compared by their cells: dates are the clock's, and they change the columns' widths. */
function cells(text: string): string {
  return text
    .split("\n")
    .filter((line) => !/^(‹[0-9;]*›)*[┌├└]/.test(line))
    .map((line) => {
      if (!/^(‹[0-9;]*›)*│/.test(line)) return line;
      const plain = line.replace(/‹[0-9;]*›/g, "");
      return "| " + plain.slice(1, -1).split("│").map((cell) => cell.trim().replace(/^\d{1,2}\/\d{1,2}\/\d{4}, \d{1,2}:\d\d:\d\d [AP]M$/, "<DATE>")).join(" | ") + " |";
    })
    .join("\n");
}

/** Rewrites the cells of named columns in every table of a text (after `cells`). */
function rewriteColumns(text: string, change: (row: Record<string, string>) => Record<string, string>): string {
  let head: string[] | undefined;
  return text
    .split("\n")
    .map((line) => {
      if (!line.startsWith("| ")) return (head = undefined), line;
      const values = line.slice(2, -2).split(" | ");
      if (!head) return (head = values), line;
      const row = change(Object.fromEntries(head.map((name, i) => [name, values[i]!])));
      return "| " + head.map((name) => row[name]).join(" | ") + " |";
    })
    .join("\n");
}

// Wrangler's local store keeps only name, id and value: its list, get, update and
// duplicate print blank comments and scopes. Bunflare keeps what was given.
const keepsMetadata: ExpectedDifference = {
  reason: "bunflare keeps each secret's comment and scopes and shows them; wrangler's local store drops them and prints blanks",
  streams: ["stdout"],
  bunflare: (text) => rewriteColumns(text, (row) => (row.Status === "pending" ? row : { ...row, ...("Comment" in row ? { Comment: "" } : {}), Scopes: "" })),
};

// Wrangler's local `update` prints the secret's id in the Name column.
const updateShowsName: ExpectedDifference = {
  reason: "bunflare's update table names the secret; wrangler's local one repeats its id as the name",
  streams: ["stdout"],
  bunflare: (text) => rewriteColumns(text, (row) => ("ID" in row ? { ...row, Name: row.ID! } : row)),
};

const bugFooter = wranglerBugFooter("an unknown secret id is an internal error to wrangler (bug-report footer and prompt); bunflare reports it as the user's error");

const issueLinks = (text: string) => text.replace(/Please report any issues to \S+/g, "Please report any issues to <URL>");

interface Step extends CliStep {
  expected?: ExpectedDifference[];
}

const secret = (...args: string[]): Step => ({ args: ["secrets-store", "secret", ...args] });

/** Runs the steps under both tools, substituting `{NAME}` with each tool's id for NAME, and diffs each stream. */
function idCase(name: string, steps: Step[], fast = false): CompatCase {
  const testCase: CompatCase = {
    name,
    files: CONFIG,
    steps: [],
    fast,
    run: async (): Promise<CaseOutcome> => {
      const dirs = { wrangler: makeScratch(testCase, "wrangler"), bunflare: makeScratch(testCase, "bunflare") };
      const ids: Record<Tool, Record<string, string>> = { wrangler: {}, bunflare: {} };
      const problems: string[] = [];
      const applied = new Map<ExpectedDifference, number[]>();
      const declared = new Map<ExpectedDifference, number[]>();
      try {
        for (const [index, step] of steps.entries()) {
          const forTool = (tool: Tool): CliStep => ({ ...step, args: step.args.map((arg) => arg.replace(/\{(\w+)\}/g, (_, key: string) => ids[tool][key] ?? `<no id for ${key}>`)) });
          const [wrangler, bunflare] = await Promise.all([runStep("wrangler", dirs.wrangler, forTool("wrangler")), runStep("bunflare", dirs.bunflare, forTool("bunflare"))]);
          const results = { wrangler, bunflare };
          for (const tool of ["wrangler", "bunflare"] as const) {
            for (const match of results[tool].stdout.replace(/\x1b\[[0-9;]*m/g, "").matchAll(/^│ ([\w-]+)\s+│ ([0-9a-f-]{32,36})\s+│/gm)) ids[tool][match[1]!] = match[2]!;
          }
          const expected = [...(step.expected ?? [])];
          for (const difference of expected) declared.set(difference, [...(declared.get(difference) ?? []), index + 1]);
          for (const stream of STREAMS) {
            const [want, got] = (["wrangler", "bunflare"] as const).map((tool) => {
              const value = results[tool][stream];
              return typeof value === "number" ? String(value) : cells(issueLinks(normalize(value, tool, dirs[tool])));
            });
            const used = new Set<ExpectedDifference>();
            const problem = compareStream(`step ${index + 1}: ${step.args.join(" ")}`, stream, { wrangler: want!, bunflare: got! }, expected, [], used);
            if (problem) problems.push(problem);
            for (const difference of used) applied.set(difference, [...new Set([...(applied.get(difference) ?? []), index + 1])]);
          }
        }
      } finally {
        rmSync(dirs.wrangler, { recursive: true, force: true });
        rmSync(dirs.bunflare, { recursive: true, force: true });
      }
      const notes: string[] = [];
      for (const [difference, at] of declared) {
        const seen = applied.get(difference);
        if (seen) notes.push(`≠ expected (step ${seen.join(", ")}): ${difference.reason}`);
        else problems.push(`expected difference did not occur (step ${at.join(", ")}): ${difference.reason}`);
      }
      return { name, ok: problems.length === 0, problems, notes };
    },
  };
  return testCase;
}

export const cases: CompatCase[] = [
  idCase(
    "secrets-store: secrets created, listed, read, updated, duplicated and deleted in the local store",
    [
      secret("create", "store1", "--name", "FOO", "--value", "bar", "--scopes", "workers"),
      // The value from stdin (trailing newline dropped), a comment, two scopes.
      { ...secret("create", "store1", "--name", "BAZ", "--scopes", "workers,ai", "--comment", "for tests"), stdin: "qux\n" },
      { ...secret("list", "store1"), expected: [keepsMetadata] },
      { ...secret("get", "store1", "--secret-id", "{FOO}"), expected: [keepsMetadata] },
      { ...secret("update", "store1", "--secret-id", "{FOO}", "--value", "new"), expected: [keepsMetadata, updateShowsName] },
      { ...secret("duplicate", "store1", "--secret-id", "{FOO}", "--name", "FOO2", "--scopes", "workers"), expected: [keepsMetadata] },
      secret("delete", "store1", "--secret-id", "{FOO}"),
      { ...secret("list", "store1"), expected: [keepsMetadata] },
      // Re-creating a name replaces the secret under a new id.
      secret("create", "store1", "--name", "BAZ", "--value", "again", "--scopes", "workers"),
      { ...secret("list", "store1", "--per-page", "5"), expected: [keepsMetadata] },
    ],
  ),
  idCase(
    "secrets-store: unknown ids, empty stores and bad input are refused with exit code 1",
    [
      secret("create", "store1", "--name", "FOO", "--value", "bar", "--scopes", "workers"),
      { ...secret("get", "store1", "--secret-id", "0123456789abcdef0123456789abcdef"), expected: [bugFooter] },
      { ...secret("update", "store1", "--secret-id", "0123456789abcdef0123456789abcdef", "--value", "v"), expected: [bugFooter] },
      { ...secret("delete", "store1", "--secret-id", "0123456789abcdef0123456789abcdef"), expected: [bugFooter] },
      // The secret of another store is not found by its id.
      { ...secret("get", "store2", "--secret-id", "{FOO}"), expected: [bugFooter] },
      secret("list", "empty-store"),
      secret("create", "store1", "--name", "bad name", "--value", "x", "--scopes", "workers"),
      secret("create", "store1", "--name", "X", "--value", "x"),
      secret("create", "store1", "--name", "X", "--scopes", "workers"),
      secret("update", "store1", "--secret-id", "{FOO}"),
      secret("duplicate", "store1", "--secret-id", "{FOO}", "--name", "a/b", "--scopes", "workers"),
      // The failures above left the secret as it was.
      { ...secret("get", "store1", "--secret-id", "{FOO}"), expected: [keepsMetadata] },
    ],
  ),
  {
    name: "secrets-store: stores are not created, listed or deleted locally, in wrangler's words; the help is wrangler's",
    fast: true,
    files: CONFIG,
    normalize: issueLinks,
    steps: [
      { args: ["secrets-store", "store", "create", "mystore"] },
      { args: ["secrets-store", "store", "list"] },
      { args: ["secrets-store", "store", "delete", "abc"] },
      { args: ["secrets-store", "secret", "--help"] },
      { args: ["secrets-store", "secret", "create", "--help"] },
    ],
  },
];
