// The dev server's /cdn-cgi/handler/email (the worker's email() handler, as wrangler dev
// runs it) and /cdn-cgi/platform-proxy (refused, as wrangler refuses a call without its secret).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { cleanedAfterEach, project, startDev } from "./dev-helpers.ts";
import { headerAddresses } from "../runtime/bindings/send-email/headers.ts";

const TOML = 'name = "app"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n';
const WORKER = `import { EmailMessage } from "cloudflare:email";
export default {
  fetch() {
    return new Response("worker");
  },
  async email(message, env, ctx) {
    const to = message.to;
    console.log("email", message.from, to, message.rawSize, message.headers.get("subject"), await new Response(message.raw).text() === env.EXPECTED_RAW);
    if (to.startsWith("reject")) message.setReject("not wanted");
    else if (to.startsWith("throw")) throw new Error("email handler failed");
    else if (to.startsWith("forward")) console.log("forwarded", (await message.forward("next@example.com", new Headers({ "X-Via": "worker" }))).messageId);
    else if (to.startsWith("reply")) {
      const raw = "From: " + to + "\\r\\nTo: " + message.from + "\\r\\nMessage-ID: <r1@example.com>\\r\\nIn-Reply-To: " + message.headers.get("message-id") + "\\r\\n\\r\\nreply body";
      console.log("replied", (await message.reply(new EmailMessage(to, message.from, raw))).messageId);
    }
  },
};
`;
const message = (to: string) => `From: sender@example.com\r\nTo: ${to}\r\nMessage-ID: <m1@example.com>\r\nSubject: hello\r\n\r\nbody text`;

describe("dev: /cdn-cgi/handler/email", () => {
  const { running, dirs } = cleanedAfterEach();

  test("runs email() with a ForwardableEmailMessage and answers, logs and writes as wrangler", async () => {
    const dir = project({ "wrangler.toml": TOML + `[vars]\nEXPECTED_RAW = ${JSON.stringify(message("plain@example.com"))}\n`, "index.js": WORKER });
    dirs.push(dir);
    const dev = await startDev(dir);
    running.push(dev);
    const send = async (to: string, body: string | undefined = message(to), from = "sender@example.com", method = "POST") => {
      const query = new URLSearchParams({ ...(from && { from }), ...(to && { to }) });
      const response = await fetch(`${dev.url}/cdn-cgi/handler/email?${query}`, { method, body: method === "GET" ? undefined : body });
      return [response.status, await response.text()];
    };
    expect(await send("plain@example.com")).toEqual([200, "Worker successfully processed email"]);
    await dev.waitForOutput(/email sender@example\.com plain@example\.com 106 hello true/);

    expect(await send("reject@example.com")).toEqual([400, "Worker rejected email with the following reason: not wanted"]);
    await dev.waitForOutput(/\[wrangler:error\] Email handler rejected message with the following reason: "not wanted"/);

    const [status, body] = await send("throw@example.com");
    expect(status).toBe(500);
    expect(String(body).split("\n")[0]).toBe("Error: email handler failed");
    await dev.waitForOutput(/Uncaught Error: email handler failed Error/);

    expect(await send("forward@example.com")).toEqual([200, "Worker successfully processed email"]);
    await dev.waitForOutput(/forwarded [0-9a-f]{32}@example\.com/);
    expect(dev.output()).toContain("[wrangler:info] Email handler forwarded message with\n  rcptTo: next@example.com\n  headers:\n    x-via: worker\n");

    expect(await send("reply@example.com")).toEqual([200, "Worker successfully processed email"]);
    await dev.waitForOutput(/replied [0-9a-f]{32}@example\.com/);
    const file = dev.output().match(/Email handler replied to sender with the following message:\n {2}(\S+\.eml)\n/)?.[1];
    // Beside the send_email binding's files, kept (wrangler's go in a temporary directory).
    expect(file).toStartWith(`${dir}/.bunflare/email/`);
    // As sent: a References header naming the incoming message first.
    expect(readFileSync(file!, "utf8")).toBe(`References: <m1@example.com>\r\nFrom: reply@example.com\r\nTo: sender@example.com\r\nMessage-ID: <r1@example.com>\r\nIn-Reply-To: <m1@example.com>\r\n\r\nreply body`);

    // Addresses the message's headers do not name: warned, then run.
    expect(await send("someone@example.com", message("plain@example.com"), "other@example.com")).toEqual([200, "Worker successfully processed email"]);
    await dev.waitForOutput(/email other@example\.com someone@example\.com/);
    expect(dev.output()).toContain(`[wrangler:warn] Provided MAIL FROM address doesn't match the email message's "From" header:\n  MAIL FROM: other@example.com\n  "From" header: sender@example.com\n`);
    expect(dev.output()).toContain(`[wrangler:warn] Provided RCPT TO address doesn't match any "To" header in the email message:\n  RCPT TO: someone@example.com\n  "To" header: plain@example.com\n`);

    const invalid = "Invalid email. Your request must include URL parameters specifying the `from` and `to` addresses, as well as an email in the body";
    expect(await send("plain@example.com", undefined, "sender@example.com", "GET")).toEqual([400, invalid]);
    expect(await send("", message("plain@example.com"))).toEqual([400, invalid]);
    expect(await send("plain@example.com", "not an email")).toEqual([400, "Email could not be parsed: invalid or no message id provided"]);
    // No From header: miniflare's TypeError, before the handler runs.
    expect(await send("plain@example.com", "To: plain@example.com\r\nMessage-ID: <m2@example.com>\r\n\r\nhi")).toEqual([500, "TypeError: Cannot read properties of undefined (reading 'address')"]);
    expect(await send("plain@example.com", "")).toEqual([400, "Email could not be parsed: TypeError: Cannot read properties of undefined (reading 'value')"]);
    expect(await send("plain@example.com", "x".repeat(1024 * 1024 + 1))).toEqual([400, "Email message size is within the production size limit of 25MiB, but exceeds the lower 1Mib limit for testing locally."]);
  });

  test("a worker without email() gets workerd's RPC error; /cdn-cgi/platform-proxy is refused, its subpaths the worker's", async () => {
    const dir = project({ "wrangler.toml": TOML, "index.js": `export default { fetch(request) { return new Response("worker: " + new URL(request.url).pathname); } };\n` });
    dirs.push(dir);
    const dev = await startDev(dir);
    running.push(dev);
    const response = await fetch(`${dev.url}/cdn-cgi/handler/email?from=a@example.com&to=b@example.com`, { method: "POST", body: "From: a@example.com\r\nMessage-ID: <x@example.com>\r\n\r\nhi" });
    expect([response.status, await response.text()]).toEqual([500, 'TypeError: The RPC receiver does not implement the method "email".']);
    const call = async (path: string, init: RequestInit = {}) => {
      const answer = await fetch(dev.url + path, init);
      return [answer.status, await answer.text()];
    };
    for (const method of ["GET", "POST", "PUT", "DELETE"]) expect(await call("/cdn-cgi/platform-proxy?x=1", { method })).toEqual([400, "Invalid proxy request"]);
    expect(await call("/cdn-cgi/platform-proxy", { headers: { "MF-Op": "GET" } })).toEqual([401, ""]);
    expect(await call("/cdn-cgi/platform-proxy/x")).toEqual([200, "worker: /cdn-cgi/platform-proxy/x"]);
    expect(await call("/cdn-cgi/platform-proxy/")).toEqual([200, "worker: /cdn-cgi/platform-proxy/"]);
  });
  test("reads the message's From and To as miniflare does: quoted names with commas, several recipients, groups", async () => {
    const dir = project({ "wrangler.toml": TOML, "index.js": 'export default { async email(message) { console.log("email ran", message.from, message.to); } };\n' });
    dirs.push(dir);
    const dev = await startDev(dir);
    running.push(dev);
    const send = async (from: string, to: string, headers: string) => {
      const response = await fetch(`${dev.url}/cdn-cgi/handler/email?${new URLSearchParams({ from, to })}`, { method: "POST", body: `${headers}Message-ID: <m@example.com>\r\n\r\nhi` });
      expect(await response.text()).toBe("Worker successfully processed email");
    };
    // Neither warns: the comma in a quoted name splits nothing, and each recipient counts.
    await send("jane@example.com", "c@example.com", 'From: "Doe, Jane" <jane@example.com>\r\nTo: "Roe, Bob" <b@example.com>, "X, <y>" <c@example.com>\r\n');
    await send("jane@example.com", "b@example.com", "From: Jane Doe <jane@example.com> (home)\r\nTo: (b@example.com)\r\n");
    await dev.waitForOutput(/email ran jane@example\.com b@example\.com/);
    expect(dev.output()).not.toContain("Provided");
    // A group names no address of its own; a bare name none at all.
    await send("notanaddress", "b@example.com", "From: notanaddress\r\nTo: Team: b@example.com, c@example.com;\r\n");
    await dev.waitForOutput(/email ran notanaddress/);
    expect(dev.output()).toContain('MAIL FROM: notanaddress\n  "From" header: \n');
    expect(dev.output()).toContain('RCPT TO: b@example.com\n  "To" header: \n');
    // No To header at all: miniflare shows it as undefined.
    await send("jane@example.com", "b@example.com", "From: jane@example.com\r\n");
    await dev.waitForOutput(/"To" header: undefined\n/);
  });
});

describe("the send_email binding's From check", () => {
  const { running, dirs } = cleanedAfterEach();

  test("a raw message's From header is read as miniflare reads it: its first entry's address, exact case; a group or no From fails", async () => {
    const dir = project({
      "wrangler.toml": TOML + '[[send_email]]\nname = "EMAIL"\nallowed_sender_addresses = ["jane@example.com", "JANE@example.com"]\n',
      "index.js": `import { EmailMessage } from "cloudflare:email";
export default {
  async fetch(request, env) {
    const { from, header } = await request.json();
    const raw = (header === null ? "" : "From: " + header + "\\r\\n") + "To: b@example.com\\r\\nMessage-ID: <m@example.com>\\r\\n\\r\\nhi";
    try { await env.EMAIL.send(new EmailMessage(from, "b@example.com", raw)); return new Response("sent"); } catch (e) { return new Response(e.name + ": " + e.message); }
  },
};
`,
    });
    dirs.push(dir);
    const dev = await startDev(dir);
    running.push(dev);
    const MISMATCH = "Error: From: header does not match mail from";
    const NO_FROM = "TypeError: Cannot read properties of undefined (reading 'address')";
    const cases: [string, string | null, string][] = [
      ["jane@example.com", '"Doe, Jane" <jane@example.com>', "sent"],
      ["jane@example.com", "Team: jane@example.com, other@example.com;", MISMATCH],
      ["jane@example.com", "Jane (work) <jane@example.com> (home)", "sent"],
      ["jane@example.com", "(comment) jane@example.com", "sent"],
      ["jane@example.com", "jane@example.com, other@example.com", "sent"],
      ["jane@example.com", "other@example.com, jane@example.com", MISMATCH],
      ["jane@example.com", "jane@EXAMPLE.COM", MISMATCH],
      ["JANE@example.com", "jane@example.com", MISMATCH],
      ["jane@example.com", "Jane\r\n <jane@example.com>", "sent"],
      ["jane@example.com", "", NO_FROM],
      ["jane@example.com", null, NO_FROM],
      ["other@example.com", "other@example.com", "Error: email from other@example.com not allowed"],
    ];
    for (const [from, header, answer] of cases) {
      const response = await fetch(dev.url, { method: "POST", body: JSON.stringify({ from, header }) });
      expect([from, header, await response.text()]).toEqual([from, header, answer]);
    }
  });
});

describe("email addresses as postal-mime reads them", () => {
  test("each entry's <address>, else its address-shaped word; quoted names and comments may hold commas; a group has none", () => {
    const cases: [string, (string | undefined)[]][] = [
      ['"Doe, Jane" <jane@example.com>', ["jane@example.com"]],
      ['"Roe, Bob" <b@example.com>, "X, <y>" <c@example.com>', ["b@example.com", "c@example.com"]],
      ["b@example.com; c@example.com", ["b@example.com", "c@example.com"]],
      ["Jane jane@example.com (home)", ["jane@example.com"]],
      ["(jane@example.com)", ["jane@example.com"]],
      ['"a\\"b, c" <q@x.y>', ["q@x.y"]],
      ["Team: b@example.com, c@example.com;, d@example.com", [undefined, "d@example.com"]],
      ["notanaddress", [""]],
      [", ,", []],
    ];
    for (const [value, addresses] of cases) expect([value, headerAddresses(value)]).toEqual([value, addresses]);
  });
});
