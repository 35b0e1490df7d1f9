// The Local Explorer page in a real headless Chromium (Debian's `chromium`,
// driven by playwright-core): browse each binding, edit a KV value and see it
// through the CLI, run SQL and see D1's error text. A screenshot of each view
// is kept in artifacts/explorer/ (CI keeps it as an artifact).
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { cleanup, project, strip } from "./dev-helpers.ts";

setDefaultTimeout(90_000);

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((candidate) => existsSync(candidate));
const BIN = path.resolve(import.meta.dir, "..", "bin", "bunflare");
const SHOTS = path.resolve(import.meta.dir, "..", "artifacts", "explorer");
const CONFIG = `name = "app"
main = "src/index.js"
compatibility_date = "2025-01-01"

[[kv_namespaces]]
binding = "KV"
id = "kv-id"

[[d1_databases]]
binding = "DB"
database_name = "db1"
database_id = "db-id"

[[r2_buckets]]
binding = "BUCKET"
bucket_name = "bucket-one"
`;

let dir = "";
let child: ChildProcess | undefined;
let url = "";

function cli(...args: string[]) {
  const result = Bun.spawnSync([BIN, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: "1", CI: "true", HOME: dir }, stdout: "pipe", stderr: "pipe" });
  return { code: result.exitCode, stdout: strip(result.stdout.toString()) };
}

beforeAll(async () => {
  if (!CHROMIUM) return;
  dir = project({ "wrangler.toml": CONFIG, "src/index.js": "export default { fetch() { return new Response('x'); } };\n" });
  cli("kv", "key", "put", "--binding", "KV", "settings", '{"theme":"dark"}');
  cli("d1", "execute", "db1", "--local", "--command", "CREATE TABLE people (name TEXT); INSERT INTO people VALUES ('Ada'), ('Grace')");
  await Bun.write(path.join(dir, "note.txt"), "a note");
  cli("r2", "object", "put", "bucket-one/docs/note.txt", "--file", "note.txt", "--local");
  child = spawn(BIN, ["explorer", "--port", "0"], { cwd: dir, env: { ...process.env, NO_COLOR: "1", HOME: dir } });
  let output = "";
  url = await new Promise<string>((resolve, reject) => {
    child!.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = strip(output).match(/Local Explorer ready on (http:\/\/\S+)/);
      if (match) resolve(match[1]!);
    });
    child!.on("exit", (code) => reject(new Error(`bunflare explorer exited (${code}): ${output}`)));
  });
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(() => {
  child?.kill("SIGKILL");
  if (dir) cleanup(dir);
});

test.skipIf(!CHROMIUM)("browse KV, D1 and R2 in Chromium; a KV edit in the page is what `kv key get` reads", async () => {
  const { chromium } = await import("playwright-core");
  // --no-sandbox: CI containers run as root, where Chromium's sandbox cannot start.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.getByRole("link", { name: "KV", exact: true }).click();
    await page.getByRole("link", { name: "settings" }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, "kv-keys.png") });

    await page.getByRole("link", { name: "settings" }).click();
    const editor = page.locator("textarea");
    // The value arrives after the editor is drawn: wait for it.
    await page.waitForFunction('document.querySelector("textarea")?.value.includes("theme")');
    expect(await editor.inputValue()).toBe('{\n  "theme": "dark"\n}');
    await editor.fill('{"theme": oops}');
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Invalid JSON").waitFor();
    await editor.fill('{"theme":"light"}');
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved.").waitFor();
    await page.screenshot({ path: path.join(SHOTS, "kv-edit.png") });
    expect(cli("kv", "key", "get", "--binding", "KV", "settings").stdout.trim().split("\n").at(-1)).toBe('{"theme":"light"}');

    await page.getByRole("link", { name: "DB", exact: true }).click();
    await page.locator("textarea").fill("SELECT name FROM people ORDER BY name");
    await page.getByRole("button", { name: "Run" }).click();
    await page.locator("#d1-results td", { hasText: "Grace" }).waitFor();
    expect(await page.locator("#d1-results td").allTextContents()).toEqual(["Ada", "Grace"]);
    await page.screenshot({ path: path.join(SHOTS, "d1-query.png") });
    await page.locator("textarea").fill("SELECT * FROM nobody");
    await page.getByRole("button", { name: "Run" }).click();
    await page.getByText("D1_ERROR: no such table: nobody: SQLITE_ERROR").waitFor();
    await page.screenshot({ path: path.join(SHOTS, "d1-error.png") });

    await page.getByRole("link", { name: "bucket-one" }).click();
    await page.getByRole("link", { name: "📁 docs/" }).click();
    const file = page.getByRole("link", { name: "note.txt" });
    await file.waitFor();
    expect(await file.getAttribute("href")).toEndWith("/r2/buckets/bucket-one/objects/docs%2Fnote.txt");
    await page.screenshot({ path: path.join(SHOTS, "r2-objects.png") });
  } finally {
    await browser.close();
  }
});
