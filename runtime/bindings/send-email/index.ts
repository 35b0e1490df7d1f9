// The local send_email binding. Accepts an EmailMessage (from cloudflare:email)
// or a message-builder object ({ from, to, subject, text, html, ... }); checks
// both against the binding's allow-lists with wrangler's errors, and writes the
// message as an .eml file in the store instead of sending it.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Store } from "../../store/index.ts";
import type { SendEmailConfig } from "./descriptor.ts";

const RAW_EMAIL = Symbol.for("bunflare.email.raw");

type Address = string | { name?: string; email: string };
interface MessageBuilder {
  from: Address;
  to: Address | Address[];
  subject?: string;
  text?: string;
  html?: string;
  cc?: Address | Address[];
  bcc?: Address | Address[];
  replyTo?: Address;
  headers?: Record<string, string>;
}

const emailOf = (address: Address) => (typeof address === "string" ? address : address.email);
const formatAddress = (address: Address) => (typeof address === "string" ? address : address.name ? `"${address.name}" <${address.email}>` : address.email);

/** The bare address in a header value: `Name <a@b>` → a@b. */
function headerAddress(value: string): string {
  const angle = value.match(/<([^>]*)>/);
  return (angle ? angle[1]! : value).trim();
}

/** The header block of a raw message (folded lines unfolded), lower-cased names. */
function parseHeaders(raw: string): Map<string, string> | undefined {
  const end = raw.search(/\r?\n\r?\n/);
  const block = (end === -1 ? raw : raw.slice(0, end)).replace(/\r?\n[ \t]+/g, " ");
  const headers = new Map<string, string>();
  for (const line of block.split(/\r?\n/)) {
    if (line === "") continue;
    const colon = line.indexOf(":");
    if (colon <= 0) return undefined;
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/** A message id as the platform returns it: random local part at the sender's domain. */
function messageId(sender: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const id = Array.from(crypto.getRandomValues(new Uint8Array(36)), (byte) => alphabet[byte % alphabet.length]).join("");
  return `<${id}@${sender.slice(sender.lastIndexOf("@") + 1)}>`;
}

function composeEml(builder: MessageBuilder, id: string): string {
  const list = (value: Address | Address[]) => (Array.isArray(value) ? value : [value]).map(formatAddress).join(", ");
  const lines = [`From: ${formatAddress(builder.from)}`, `To: ${list(builder.to)}`];
  if (builder.cc) lines.push(`Cc: ${list(builder.cc)}`);
  if (builder.replyTo) lines.push(`Reply-To: ${formatAddress(builder.replyTo)}`);
  lines.push(`Subject: ${builder.subject ?? ""}`, `Message-ID: ${id}`, `Date: ${new Date().toUTCString()}`, "MIME-Version: 1.0");
  for (const [name, value] of Object.entries(builder.headers ?? {})) lines.push(`${name}: ${value}`);
  const parts = [builder.text !== undefined ? ["text/plain", builder.text] : undefined, builder.html !== undefined ? ["text/html", builder.html] : undefined].filter(
    (part): part is string[] => part !== undefined,
  );
  if (parts.length <= 1) {
    const [type, body] = parts[0] ?? ["text/plain", ""];
    return [...lines, `Content-Type: ${type}; charset=utf-8`, "", body].join("\r\n");
  }
  const boundary = `bunflare-${crypto.randomUUID()}`;
  const body = parts.flatMap(([type, content]) => [`--${boundary}`, `Content-Type: ${type}; charset=utf-8`, "", content!]);
  return [...lines, `Content-Type: multipart/alternative; boundary="${boundary}"`, "", ...body, `--${boundary}--`, ""].join("\r\n");
}

export function createSendEmail(config: SendEmailConfig, store: () => Store) {
  const checkDestination = (to: string) => {
    if (config.destination_address !== undefined && to !== config.destination_address) throw new Error(`email to ${to} not allowed`);
    if (config.allowed_destination_addresses !== undefined && !config.allowed_destination_addresses.includes(to)) throw new Error(`email to ${to} not allowed`);
  };
  const checkSender = (from: string) => {
    if (config.allowed_sender_addresses !== undefined && !config.allowed_sender_addresses.includes(from)) throw new Error(`email from ${from} not allowed`);
  };
  const save = (raw: Uint8Array | string): string => {
    const dir = path.join(store().dir, "email");
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${Date.now()}-${crypto.randomUUID()}.eml`);
    writeFileSync(file, raw);
    return file;
  };

  return {
    async send(message: unknown): Promise<{ messageId: string }> {
      if (typeof message !== "object" || message === null) throw new TypeError("send() expects an EmailMessage or a message object");
      if (RAW_EMAIL in message) {
        const { from, to } = message as unknown as { from: string; to: string };
        checkSender(from);
        checkDestination(to);
        const raw = new Uint8Array(await new Response((message as Record<symbol, ReadableStream | string>)[RAW_EMAIL]).arrayBuffer());
        const headers = parseHeaders(new TextDecoder().decode(raw));
        if (!headers) throw new Error("could not parse email: malformed header line");
        if (!headers.get("message-id")) throw new Error("invalid message-id");
        if (headerAddress(headers.get("from") ?? "") !== from) throw new Error("From: header does not match mail from");
        if (headers.has("received")) throw new Error("invalid headers set");
        const file = save(raw);
        console.log(`send_email binding called with the following message:\n  ${file}`);
        return { messageId: messageId(from) };
      }
      const builder = message as MessageBuilder;
      const from = emailOf(builder.from);
      checkSender(from);
      for (const to of Array.isArray(builder.to) ? builder.to : [builder.to]) checkDestination(emailOf(to));
      const id = messageId(from);
      const file = save(composeEml(builder, id));
      // wrangler's summary of a built message; the whole message is in the .eml file.
      const list = (value: Address | Address[]) => (Array.isArray(value) ? value : [value]).map(formatAddress).join(", ");
      const summary = [`From: ${formatAddress(builder.from)}`, `To: ${list(builder.to)}`];
      if (builder.cc) summary.push(`Cc: ${list(builder.cc)}`);
      if (builder.bcc) summary.push(`Bcc: ${list(builder.bcc)}`);
      summary.push(`Subject: ${builder.subject}`);
      console.log(`send_email binding called with MessageBuilder:\n${summary.join("\n")}\n\nEML: ${file}`);
      return { messageId: id };
    },
  };
}
