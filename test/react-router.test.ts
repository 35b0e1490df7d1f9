// A React Router 7 app built by Cloudflare's Vite plugin (fixtures/react-router, built
// once and committed): `bunflare dev` follows the plugin's .wrangler/deploy/config.json
// to the built wrangler.json, accepts its generated fields silently, and serves the pages.
import { afterAll, beforeAll, expect, setDefaultTimeout, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { cleanup, project, startDev, type DevProcess } from "./dev-helpers.ts";

setDefaultTimeout(30_000);
let dir: string;
let dev: DevProcess;
beforeAll(async () => {
  dir = project({}, "react-router");
  dev = await startDev(dir);
});
afterAll(async () => {
  await dev?.stop();
  cleanup(dir);
});

test("dev follows the redirect to the built config, with no warnings about its generated fields", () => {
  const output = dev.output();
  expect(output).toContain(
    'Using redirected Wrangler configuration.\n - Configuration being used: "build/server/wrangler.json"\n - Original user\'s configuration: "wrangler.jsonc"\n - Deploy configuration file: ".wrangler/deploy/config.json"\n',
  );
  expect(output).not.toContain("WARNING");
  // The built worker is not bundled again (no_bundle): its modules are listed as wrangler lists them.
  expect(output).toMatch(/Attaching additional modules:\n[^]*│ assets\/server-build-Bnrfr5OI\.js │ esm  │ 212\.93 KiB │[^]*│ Total \(2 modules\) /);
  expect(output).toContain('env.VALUE_FROM_CLOUDFLARE ("Hello from Bunflare")');
});

test("the home page is rendered on the server, with the loader's value from env", async () => {
  const response = await fetch(`${dev.url}/`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toBe("text/html");
  const html = await response.text();
  expect(html.startsWith("<!DOCTYPE html>")).toBe(true);
  expect(html).toContain("<title>Bunflare React Router fixture</title>");
  expect(html).toContain('<main><h1>Welcome</h1><p id="message">Hello from Bunflare</p><a href="/about">About</a></main>');
  // React Router inlines its scroll-restoration function into the page by its source text.
  expect(html).toMatch(/<script>\(\(.+\)\("react-router-scroll-positions", null\)<\/script>/s);
  expect(html).toContain("window.__reactRouterContext");
  expect(html.trimEnd().endsWith("</html>")).toBe(true);
});

test("another route and the client assets are served", async () => {
  const about = await (await fetch(`${dev.url}/about`)).text();
  expect(about).toContain('<p id="about">Served by the Worker that Cloudflare&#x27;s Vite plugin built.</p>');
  const html = await (await fetch(`${dev.url}/`)).text();
  const entry = html.match(/href="(\/assets\/entry\.client-[^"]+\.js)"/)![1]!;
  const asset = await fetch(`${dev.url}${entry}`);
  expect(asset.status).toBe(200);
  expect(asset.headers.get("content-type")).toContain("javascript");
  const onDisk = readFileSync(path.join(dir, "build", "client", entry), "utf8");
  expect(await asset.text()).toBe(onDisk);
  expect(readdirSync(path.join(dir, "build", "client", "assets")).length).toBeGreaterThan(3);
});
