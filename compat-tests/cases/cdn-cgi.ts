// Every request under /cdn-cgi/ (wrangler's own endpoints and paths it hands to the worker
// alike) must name this machine in its Host and any Origin, else 403; such requests are
// never in the request log.
import type { CompatCase } from "../harness.ts";
import { devCase, workerToml } from "../dev-harness.ts";

const FOREIGN_HOST = { host: "evil.example" };
const FOREIGN_ORIGIN = { origin: "http://evil.example" };

export const cases: CompatCase[] = [
  devCase({
    name: "dev: /cdn-cgi/ requests need a local Host and Origin, and are not logged",
    files: {
      "wrangler.toml": workerToml("cdn-cgi-app"),
      "index.js": `export default {
  fetch(request) {
    return new Response("worker: " + new URL(request.url).pathname + " host=" + request.headers.get("host"));
  },
  scheduled(event) {
    console.log("scheduled ran", event.cron);
  },
};
`,
    },
    compareRequestLog: true,
    compareLog: { extract: (text) => text.split("\n").filter((line) => line.includes("[wrangler:warn]") || line.includes("scheduled ran")).join("\n") },
    requests: [
      // Not under /cdn-cgi/: any Host reaches the worker, and is logged.
      { path: "/", headers: FOREIGN_HOST },
      { path: "/cdn-cgi", headers: FOREIGN_HOST },
      { path: "/CDN-CGI/xyz", headers: FOREIGN_ORIGIN },
      // A path wrangler has no endpoint for: the worker's, unlogged, once the Host is local.
      { path: "/cdn-cgi/xyz" },
      { path: "/cdn-cgi/xyz", headers: { host: "localhost:9" } },
      { path: "/cdn-cgi/xyz", headers: { host: "[::1]" } },
      { path: "/cdn-cgi/xyz", headers: { origin: "https://127.0.0.1:3000" } },
      { path: "/cdn-cgi/xyz", headers: FOREIGN_HOST },
      { path: "/cdn-cgi/xyz", method: "POST", body: "x", headers: FOREIGN_ORIGIN },
      { path: "/cdn-cgi/xyz", headers: { host: "app.localhost" } },
      { path: "/cdn-cgi/xyz", headers: { origin: "http://app.localhost" } },
      { path: "/cdn-cgi/xyz", headers: { host: "127.0.0.2" } },
      { path: "/cdn-cgi/xyz", headers: { origin: "null" } },
      { path: "/cdn-cgi/xyz", headers: { origin: "garbage" } },
      // wrangler's own endpoints and those of its options that are off.
      { path: "/cdn-cgi/handler/scheduled" },
      { path: "/cdn-cgi/handler/scheduled", headers: FOREIGN_HOST },
      { path: "/cdn-cgi/handler/scheduled", headers: FOREIGN_ORIGIN },
      { path: "/cdn-cgi/explorer", headers: FOREIGN_HOST },
      { path: "/cdn-cgi/mf/reload", headers: FOREIGN_HOST },
      { path: "/cdn-cgi/mf/stream/abc", headers: FOREIGN_ORIGIN },
      { path: "/cdn-cgi/live-reload", headers: FOREIGN_HOST },
      { path: "/cdn-cgi/live-reload" },
      // The handler endpoints wrangler does not have, and miniflare's first name for the scheduled one.
      { path: "/cdn-cgi/handler/foo" },
      { path: "/cdn-cgi/handler/" },
      { path: "/cdn-cgi/handler/foo", headers: FOREIGN_HOST },
      { path: "/cdn-cgi/mf/scheduled?cron=*+*+*+*+*" },
      // The email endpoint for a worker without an email() handler (wrangler's body goes on with its own stack).
      {
        path: "/cdn-cgi/handler/email?from=a@example.com&to=b@example.com",
        method: "POST",
        body: "From: a@example.com\r\nTo: b@example.com\r\nMessage-ID: <x@example.com>\r\n\r\nhi",
        firstLineOnly: true,
      },
      // getPlatformProxy()'s endpoint: refused for any method, the worker's only on other paths.
      { path: "/cdn-cgi/platform-proxy" },
      { path: "/cdn-cgi/platform-proxy?x=1", method: "POST", body: "x" },
      { path: "/cdn-cgi/platform-proxy", method: "HEAD" },
      { path: "/cdn-cgi/platform-proxy", method: "DELETE" },
      { path: "/cdn-cgi/platform-proxy", headers: { "MF-Op": "GET" } },
      { path: "/cdn-cgi/platform-proxy", headers: FOREIGN_HOST },
      { path: "/cdn-cgi/platform-proxy/" },
      { path: "/cdn-cgi/platform-proxy/x" },
      { path: "/cdn-cgi/platform-proxyx" },
    ],
  }),
];
