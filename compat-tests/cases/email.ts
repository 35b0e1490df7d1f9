// /cdn-cgi/handler/email: a raw message POSTed with `from` and `to` runs the worker's
// email() handler; its answers, and the lines setReject / forward / reply and the
// address checks log.
import type { CompatCase } from "../harness.ts";
import { devCase, workerToml } from "../dev-harness.ts";

const message = (to: string, extra = "") =>
  `From: sender@example.com\r\nTo: ${to}\r\nMessage-ID: <m1@example.com>\r\nSubject: hello\r\n${extra}\r\nbody text`;
const post = (to: string, body = message(to), from = "sender@example.com") => ({
  path: `/cdn-cgi/handler/email?from=${from}&to=${to}`,
  method: "POST",
  body,
});

export const cases: CompatCase[] = [
  devCase({
    name: "dev: /cdn-cgi/handler/email runs the email handler (reject, throw, forward, reply, bad requests)",
    files: {
      "wrangler.toml": workerToml("email-handler-app"),
      "index.js": `import { EmailMessage } from "cloudflare:email";
export default {
  fetch() {
    return new Response("worker");
  },
  async email(message, env, ctx) {
    console.log("email", message.from, message.to, message.rawSize, message.headers.get("subject"));
    const to = message.to;
    if (to.startsWith("reject")) message.setReject("not wanted");
    else if (to.startsWith("throw")) throw new Error("email handler failed");
    else if (to.startsWith("forward")) {
      const sent = await message.forward("next@example.com", new Headers({ "X-Via": "worker" }));
      console.log("forwarded", /^[0-9a-f]{32}@example\\.com$/.test(sent.messageId));
    } else if (to.startsWith("reply")) {
      const inReplyTo = to.startsWith("replybad") ? "<other@example.com>" : message.headers.get("message-id");
      const raw = "From: " + to + "\\r\\nTo: " + message.from + "\\r\\nMessage-ID: <r1@example.com>\\r\\nIn-Reply-To: " + inReplyTo + "\\r\\nSubject: re\\r\\n\\r\\nreply body";
      try {
        const sent = await message.reply(new EmailMessage(to, message.from, raw));
        console.log("replied", /^[0-9a-f]{32}@example\\.com$/.test(sent.messageId));
      } catch (error) {
        console.log("reply failed:", error.message);
      }
    } else console.log("raw", JSON.stringify(await new Response(message.raw).text()));
  },
};
`,
    },
    compareRequestLog: true,
    compareLog: {
      extract: (text) =>
        text
          .split("\n")
          .filter((line) => /^(\[wrangler:(warn|error|info)\] (Email|Provided)|email |raw |forwarded |replied |reply failed|  \S)/.test(line))
          // Where a reply is written: wrangler's temporary directory, bunflare's store.
          .map((line) => line.replace(/^  \S+\.eml/, "  <reply .eml>"))
          .join("\n"),
    },
    requests: [
      post("plain@example.com"),
      post("forward@example.com"),
      post("reply@example.com"),
      post("replybad@example.com"),
      post("reply-auto@example.com", message("reply-auto@example.com", "Auto-Submitted: auto-replied\r\n")),
      { ...post("throw@example.com"), firstLineOnly: true },
      {
        ...post("reject@example.com"),
        expected: [
          {
            reason: "wrangler's setReject() crosses JSRPC and lands after its answer when the handler returns at once, so it answers 200 and the rejection is lost (with an await after it, 400); bunflare always answers with it",
            wrangler: (text) => text.replace('"status": 200', '"status": 400').replace("Worker successfully processed email", "Worker rejected email with the following reason: not wanted"),
          },
        ],
      },
      // The MAIL FROM / RCPT TO given differ from the message's headers: warned, then run.
      post("someone@example.com", message("plain@example.com"), "other@example.com"),
      // Bad requests: no body, no addresses, no Message-ID, nothing at all.
      { path: "/cdn-cgi/handler/email?from=sender@example.com&to=plain@example.com" },
      { path: "/cdn-cgi/handler/email", method: "POST", body: message("plain@example.com") },
      { path: "/cdn-cgi/handler/email?to=plain@example.com", method: "POST", body: message("plain@example.com") },
      post("plain@example.com", "not an email"),
      post("plain@example.com", ""),
      // No From header: miniflare fails reading its address (its stack follows).
      { ...post("plain@example.com", "To: plain@example.com\r\nMessage-ID: <m2@example.com>\r\n\r\nhi"), firstLineOnly: true },
    ],
  }),
];
