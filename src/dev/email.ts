// /cdn-cgi/handler/email: a raw RFC 822 message POSTed with `from` and `to` query
// parameters, handed to the worker's email() handler as a ForwardableEmailMessage,
// with miniflare's checks, answers and log lines. Nothing is sent: forward() logs
// where the mail would go, reply() writes the reply as an .eml file beside the
// send_email binding's and logs its path.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { devLogLine, kleur } from "../log.ts";
import { header, headerAddress, headerAddresses, parseHeaders, type Header } from "../../runtime/bindings/send-email/headers.ts";
import { RAW_EMAIL } from "../../runtime/modules/email.ts";
import { HandlerError, type LoadedWorker } from "../../runtime/host/index.ts";
import type { DevConsole } from "./console.ts";
import { plainText } from "./encoding.ts";

// postal-mime's failure on a message with no bytes, which miniflare passes on.
const EMPTY_MESSAGE = "TypeError: Cannot read properties of undefined (reading 'value')";

/** A message id as miniflare makes one for forward() and reply(). */
const messageId = () => `${crypto.randomUUID().replaceAll("-", "")}@example.com`;

export async function handleEmail(request: Request, worker: LoadedWorker, devConsole: DevConsole, storeDir: string): Promise<Response> {
  const params = new URL(request.url).searchParams;
  const from = params.get("from");
  const to = params.get("to");
  // workerd gives a GET or HEAD no body, and any other request one (if empty).
  if (request.method === "GET" || request.method === "HEAD" || !from || !to) {
    return plainText("Invalid email. Your request must include URL parameters specifying the `from` and `to` addresses, as well as an email in the body", 400);
  }
  const raw = new Uint8Array(await request.arrayBuffer());
  if (raw.byteLength > 25 * 1024 * 1024) return plainText("Email message size is bigger than the production size limit of 25MiB. Local development has a lower limit of 1Mib.", 400);
  if (raw.byteLength > 1024 * 1024) return plainText("Email message size is within the production size limit of 25MiB, but exceeds the lower 1Mib limit for testing locally.", 400);
  if (raw.byteLength === 0) return plainText(`Email could not be parsed: ${EMPTY_MESSAGE}`, 400);
  const parsed = parseHeaders(new TextDecoder().decode(raw));
  const incomingId = header(parsed, "message-id");
  if (incomingId === undefined) return plainText("Email could not be parsed: invalid or no message id provided", 400);

  // Written at once: the worker's own console lines around it are not batched.
  const log = (level: "error" | "warn" | "info", line: string) => {
    devConsole.log(level, devLogLine(level, line));
    devConsole.flush();
  };
  const headerFrom = header(parsed, "from");
  // miniflare reads the From header's address unchecked: a message without one fails there, in V8's words.
  if (headerFrom === undefined) return plainText("TypeError: Cannot read properties of undefined (reading 'address')", 500);
  const fromAddress = headerAddress(headerFrom);
  if (fromAddress !== from) {
    log("warn", `${kleur.yellow(`Provided MAIL FROM address doesn't match the email message's "From" header`)}:\n  MAIL FROM: ${from}\n  "From" header: ${fromAddress}`);
  }
  // As miniflare: a message without a To header shows "undefined" there.
  const toHeader = header(parsed, "to");
  const toAddresses = toHeader === undefined ? undefined : headerAddresses(toHeader);
  if (!toAddresses?.includes(to)) {
    log("warn", `${kleur.yellow(`Provided RCPT TO address doesn't match any "To" header in the email message`)}:\n  RCPT TO: ${to}\n  "To" header: ${toAddresses?.join(", ")}`);
  }

  let rejection: string | undefined;
  const message = {
    from,
    to,
    raw: new Response(raw).body!,
    rawSize: raw.byteLength,
    headers: new Headers(parsed.map((h) => [h.key.toLowerCase(), h.value])),
    setReject(reason: string) {
      log("error", `${kleur.red("Email handler rejected message")}${kleur.reset(` with the following reason: "${reason}"`)}`);
      rejection = reason;
    },
    async forward(rcptTo: string, headers?: ConstructorParameters<typeof Headers>[0]) {
      const shown = headers ? `\n  headers:\n${[...new Headers(headers)].map(([name, value]) => `    ${name}: ${value}`).join("\n")}` : "";
      log("info", `${kleur.blue("Email handler forwarded message")}${kleur.reset(` with\n  rcptTo: ${rcptTo}${shown}`)}`);
      return { messageId: messageId() };
    },
    async reply(reply: { from: string; [RAW_EMAIL]?: ReadableStream | string }) {
      if (!replyable(parsed, log)) throw new Error("Original email is not replyable");
      const body = await validateReply(incomingId, header(parsed, "references"), reply);
      const file = path.join(storeDir, "email", `${Date.now()}-${crypto.randomUUID()}.eml`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, body);
      log("info", `${kleur.blue("Email handler replied to sender")}${kleur.reset(` with the following message:\n  ${file}`)}`);
      return { messageId: messageId() };
    },
  };
  try {
    await worker.dispatch("email", message);
  } catch (error) {
    // As workerd's JSRPC call from miniflare's entry worker: a missing method is its TypeError, not the worker's error.
    if (error instanceof HandlerError) return plainText(`TypeError: The RPC receiver does not implement the method "email".`, 500);
    const stack = worker.mapStack(error);
    const name = (error as Error)?.name ?? "Error";
    devConsole.worker("error", [`Uncaught ${String(error)} ${name}${stack.slice(stack.indexOf("\n"))}`]);
    return plainText(stack, 500);
  }
  // Always the rejection: wrangler's setReject() crosses JSRPC, and from a handler that returns at
  // once it lands after the answer (a 200, the rejection lost).
  if (rejection !== undefined) return plainText(`Worker rejected email with the following reason: ${rejection}`, 400);
  return plainText("Worker successfully processed email", 200);
}

/** miniflare's rules for whether an incoming email may be replied to (auto-responses and long threads may not). */
function replyable(parsed: Header[], log: (level: "error", line: string) => void): boolean {
  const suppress = header(parsed, "x-auto-response-suppress")?.toLowerCase();
  if (suppress !== undefined && suppress !== "none") return false;
  const autoSubmitted = header(parsed, "auto-submitted")?.toLowerCase();
  if (autoSubmitted !== undefined && autoSubmitted !== "no") return false;
  const inReplyTo = header(parsed, "in-reply-to");
  const references = header(parsed, "references");
  if (inReplyTo === undefined && references === undefined) return true;
  if (inReplyTo === undefined || references === undefined) return false;
  if ((references.match(/@/g)?.length ?? 0) >= 100) {
    log("error", kleur.red(`The incoming email's "References" header has more than 100 entries. As such, your Worker cannot respond to this email. Refer to https://developers.cloudflare.com/email-routing/email-workers/reply-email-workers/.`));
    return false;
  }
  return true;
}

/** The reply as it would be sent, checked in miniflare's order and words; a References header is added when it has none. */
async function validateReply(incomingId: string, incomingReferences: string | undefined, reply: { from: string; [RAW_EMAIL]?: ReadableStream | string }): Promise<Uint8Array> {
  const raw = new Uint8Array(await new Response(reply?.[RAW_EMAIL]).arrayBuffer());
  if (raw.byteLength === 0) throw new Error(`could not parse email: ${EMPTY_MESSAGE.slice("TypeError: ".length)}`);
  const parsed = parseHeaders(new TextDecoder().decode(raw));
  const from = header(parsed, "from");
  if ((from === undefined ? undefined : headerAddress(from)) !== reply.from) throw new Error("From: header does not match mail from");
  if (header(parsed, "message-id") === undefined) throw new Error("invalid message-id");
  if (header(parsed, "received") !== undefined) throw new Error("invalid headers set");
  const inReplyTo = header(parsed, "in-reply-to");
  if (inReplyTo === undefined) throw new Error("no In-Reply-To header found in reply message");
  if (inReplyTo !== incomingId) throw new Error("In-Reply-To does not match original Message-ID");
  const references = header(parsed, "references");
  if (references !== undefined) {
    if (!references.includes(incomingId) || !references.includes(incomingReferences ?? "")) throw new Error("provided References header is invalid");
    return raw;
  }
  const added = new TextEncoder().encode(`References: ${incomingId}${incomingReferences ? ` ${incomingReferences}` : ""}\r\n`);
  const whole = new Uint8Array(added.byteLength + raw.byteLength);
  whole.set(added);
  whole.set(raw, added.byteLength);
  return whole;
}
