// The Local Explorer page in a real headless Chromium (Debian's `chromium`,
// driven by playwright-core), on a `bunflare dev` session whose worker wrote
// to every binding: browse each view, edit a KV value and a D1 row and see
// them through the CLI, run SQL and see D1's error text. A screenshot of each
// view is kept in artifacts/explorer/*.png (gitignored; CI keeps it as an artifact).
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { cleanup, eventually, project, startDev, strip, type DevProcess } from "./dev-helpers.ts";
import { D1, durableObject, FLOW, JOBS, KV, R2, toml } from "./configs.ts";

setDefaultTimeout(120_000);

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((candidate) => existsSync(candidate));
const BIN = path.resolve(import.meta.dir, "..", "bin", "bunflare");
const SHOTS = path.resolve(import.meta.dir, "..", "artifacts", "explorer");
const CONFIG = toml("app", KV, D1, R2, durableObject("ROOMS", "Room"), FLOW, JOBS);
const WORKER = `import { DurableObject, WorkflowEntrypoint } from "cloudflare:workers";
export class Room extends DurableObject {
  async fetch() {
    this.ctx.storage.sql.exec("CREATE TABLE IF NOT EXISTS messages (text TEXT)");
    this.ctx.storage.sql.exec("INSERT INTO messages VALUES ('hello')");
    await this.ctx.storage.put("topic", "general");
    await this.ctx.storage.setAlarm(Date.UTC(2099, 0, 1));
    return new Response("room");
  }
  alarm() {}
}
export class Flow extends WorkflowEntrypoint {
  async run(event, step) {
    const greeting = await step.do("greet", async () => "hi " + event.payload.who);
    const approval = await step.waitForEvent("approval", { type: "approve", timeout: "1 hour" });
    return { greeting, approved: approval.payload };
  }
}
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    if (url.pathname === "/seed") {
      console.log("seeding the bindings");
      await env.ROOMS.getByName("lobby").fetch("http://do/");
      await env.JOBS.send({ job: 1 }, { delaySeconds: 3600 });
      await caches.default.put("http://example.com/cached", new Response("cached body", { headers: { "cache-control": "max-age=3600" } }));
      const upload = await env.BUCKET.createMultipartUpload("big/video.mp4");
      await upload.uploadPart(1, "part one");
      return new Response("seeded");
    }
    return new Response("not found", { status: 404 });
  }
};
`;

let dir = "";
let dev: DevProcess | undefined;
let url = "";

function cli(...args: string[]) {
  const result = Bun.spawnSync([BIN, ...args], { cwd: dir, env: { ...process.env, NO_COLOR: "1", CI: "true", HOME: dir }, stdout: "pipe", stderr: "pipe" });
  return { code: result.exitCode, stdout: strip(result.stdout.toString()) };
}

beforeAll(async () => {
  if (!CHROMIUM) return;
  dir = project({
    "wrangler.toml": CONFIG,
    "src/index.js": WORKER,
    "migrations/0001_people.sql": "CREATE TABLE people (name TEXT, age INTEGER);\n",
    "migrations/0002_pets.sql": "CREATE TABLE pets (name TEXT);\n",
  });
  cli("kv", "key", "put", "--binding", "KV", "settings", '{"theme":"dark"}');
  cli("d1", "migrations", "apply", "db1", "--local");
  cli("d1", "execute", "db1", "--local", "--command", "INSERT INTO people VALUES ('Ada', 36), ('Grace', 85), ('Linus', 21)");
  // The second migration stays pending: the view lists it as such.
  cli("d1", "execute", "db1", "--local", "--command", "DELETE FROM d1_migrations WHERE name = '0002_pets.sql'");
  await Bun.write(path.join(dir, "note.txt"), "a note");
  cli("r2", "object", "put", "bucket-one/docs/note.txt", "--file", "note.txt", "--local");
  dev = await startDev(dir);
  url = `${dev.url}/cdn-cgi/explorer`;
  expect(await (await fetch(`${dev.url}/seed`)).text()).toBe("seeded");
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await dev?.stop();
  if (dir) cleanup(dir);
});

test.skipIf(!CHROMIUM)("every view in Chromium; KV and D1 edits in the page are what the CLI reads", async () => {
  const { chromium } = await import("playwright-core");
  // --no-sandbox: CI containers run as root, where Chromium's sandbox cannot start.
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  const shot = (page: import("playwright-core").Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  try {
    const page = await browser.newPage();
    await page.goto(url);

    // KV: list, edit (bad JSON refused, nothing saved), then a good edit the CLI reads.
    await page.getByRole("link", { name: "KV", exact: true }).click();
    await page.getByRole("link", { name: "settings" }).waitFor();
    await shot(page, "kv-keys");
    await page.getByRole("link", { name: "settings" }).click();
    const editor = page.locator("textarea");
    await page.waitForFunction('document.querySelector("textarea")?.value.includes("theme")');
    expect(await editor.inputValue()).toBe('{\n  "theme": "dark"\n}');
    await editor.fill('{"theme": oops}');
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Invalid JSON").waitFor();
    expect(cli("kv", "key", "get", "--binding", "KV", "settings").stdout.trim().split("\n").at(-1)).toBe('{"theme":"dark"}');
    await editor.fill('{"theme":"light"}');
    await page.getByRole("button", { name: "Save" }).click();
    await page.getByText("Saved.").waitFor();
    await shot(page, "kv-edit");
    expect(cli("kv", "key", "get", "--binding", "KV", "settings").stdout.trim().split("\n").at(-1)).toBe('{"theme":"light"}');
    // A key deleted elsewhere while its list is still open here: opening it says so, nothing else breaks.
    await page.getByRole("link", { name: "KV", exact: true }).click();
    await page.getByRole("link", { name: "settings" }).waitFor();
    expect(cli("kv", "key", "delete", "--binding", "KV", "settings").code).toBe(0);
    await page.getByRole("link", { name: "settings" }).click();
    await page.getByText("no longer exists: it was deleted since this page listed it").waitFor();
    await shot(page, "kv-deleted-elsewhere");

    // D1: tables with schema, rows sorted by a column, migrations, the console (an edit the CLI sees, an error in D1's words).
    await page.getByRole("link", { name: "DB", exact: true }).click();
    await page.getByRole("link", { name: "people" }).click();
    await page.getByRole("link", { name: "age" }).click();
    await page.getByRole("link", { name: "age ▲" }).waitFor();
    expect(await page.locator("tbody tr td:first-child").allTextContents()).toEqual(["Linus", "Ada", "Grace"]);
    await page.getByRole("link", { name: "age ▲" }).click();
    await page.getByRole("link", { name: "age ▼" }).waitFor();
    expect(await page.locator("tbody tr td:first-child").allTextContents()).toEqual(["Grace", "Ada", "Linus"]);
    await shot(page, "d1-rows");
    await page.getByRole("link", { name: "DB", exact: true }).click();
    await page.getByRole("button", { name: "Migrations" }).click();
    await page.getByRole("cell", { name: "pending" }).waitFor();
    expect(await page.locator("tbody tr").allTextContents()).toEqual(["0001_people.sqlapplied", "0002_pets.sqlpending"]);
    await shot(page, "d1-migrations");
    await page.getByRole("button", { name: "SQL console" }).click();
    await page.locator("textarea").fill("UPDATE people SET age = 37 WHERE name = 'Ada'");
    await page.getByRole("button", { name: "Run" }).click();
    await page.getByText("1 changes").waitFor();
    expect(cli("d1", "execute", "db1", "--local", "--json", "--command", "SELECT age FROM people WHERE name = 'Ada'").stdout).toContain('"age": 37');
    await page.locator("textarea").fill("SELECT * FROM nobody");
    await page.getByRole("button", { name: "Run" }).click();
    await page.getByText("D1_ERROR: no such table: nobody: SQLITE_ERROR").waitFor();
    await shot(page, "d1-console");

    // R2: folders, objects, multipart uploads in progress.
    await page.getByRole("link", { name: "bucket-one" }).click();
    await page.getByRole("cell", { name: "big/video.mp4" }).waitFor();
    await page.getByRole("link", { name: "📁 docs/" }).click();
    const file = page.getByRole("link", { name: "note.txt" });
    await file.waitFor();
    expect(await file.getAttribute("href")).toEndWith("/r2/buckets/bucket-one/objects/docs%2Fnote.txt");
    // Upload through the page (the browser streams the file); the CLI reads back the same bytes.
    const upload = Buffer.alloc(3 * 1024 * 1024, "explorer upload ");
    await page.locator("input[type=file]").setInputFiles({ name: "ünï upload.bin", mimeType: "application/octet-stream", buffer: upload });
    await page.getByRole("button", { name: "Upload" }).click();
    await page.getByRole("link", { name: "ünï upload.bin" }).waitFor();
    await shot(page, "r2-objects");
    expect(cli("r2", "object", "get", "bucket-one/docs/ünï upload.bin", "--local", "--file", "back.bin").code).toBe(0);
    expect(Buffer.from(await Bun.file(path.join(dir, "back.bin")).arrayBuffer()).equals(upload)).toBe(true);

    // Durable Objects: the object by name, its alarm, KV storage, tables and SQL console.
    await page.getByRole("link", { name: "Room", exact: true }).click();
    await page.getByRole("link", { name: "lobby" }).click();
    await page.getByText("Alarm pending at 2099-01-01T00:00:00.000Z").waitFor();
    await page.getByRole("cell", { name: "general" }).waitFor();
    await page.getByRole("button", { name: "SQL console" }).click();
    await page.getByRole("cell", { name: "hello" }).waitFor();
    await shot(page, "durable-objects");

    // Queues: the delayed message, retried now (the state changes once the consumer-less queue holds it as waiting).
    await page.getByRole("link", { name: /^jobs/ }).click();
    await page.getByRole("cell", { name: "delayed" }).waitFor();
    await shot(page, "queues");
    await page.getByRole("button", { name: "Retry now" }).click();
    await page.getByRole("cell", { name: "waiting", exact: true }).waitFor();

    // Workflows: trigger an instance, see it wait for its event, send the event, see it complete.
    await page.getByRole("link", { name: "flow", exact: true }).click();
    await page.locator("input[placeholder='params (JSON)']").fill('{"who":"Ada"}');
    await page.getByRole("button", { name: "Trigger" }).click();
    await page.locator(".status").waitFor();
    // The instance runs in the dev server's workflow pump: look again until it waits for its event.
    const reopen = async () => {
      await page.getByRole("link", { name: "flow", exact: true }).click();
      await page.locator("tbody a").first().click();
      await page.locator(".status").waitFor();
    };
    await eventually(async () => {
      await reopen();
      return (await page.getByText("Waiting for event of type approve (step approval)").count()) > 0;
    }, 30_000);
    await shot(page, "workflow-waiting");
    // The event type box is filled from what the instance waits for.
    expect(await page.locator("input[placeholder='event type']").inputValue()).toBe("approve");
    await page.getByRole("button", { name: "Send event" }).click();
    await eventually(async () => {
      await reopen();
      return (await page.locator(".status").textContent())?.startsWith("Status: complete") ?? false;
    }, 30_000);
    await shot(page, "workflow-complete");

    // Cache and requests.
    await page.getByRole("link", { name: "Cache", exact: true }).click();
    await page.getByRole("cell", { name: "http://example.com/cached" }).waitFor();
    await shot(page, "cache");
    await page.getByRole("link", { name: "Requests", exact: true }).click();
    await page.getByRole("cell", { name: "GET /seed" }).waitFor();
    await page.getByRole("cell", { name: "[log] seeding the bindings" }).waitFor();
    await shot(page, "requests");
  } finally {
    await browser.close();
  }
});
