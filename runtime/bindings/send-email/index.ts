// The local send_email binding, as miniflare simulates it. Accepts an
// EmailMessage (from cloudflare:email, raw MIME) or a message builder
// ({ from, to, subject, text, html, attachments, ... }); checks both against the
// binding's allow-lists and validates a raw message in miniflare's order and
// words; then, instead of sending, writes the message into the store as an .eml
// file (a builder's text, HTML and attachments also as files of their own, as
// wrangler does) and logs where, in wrangler's lines.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Store } from "../../store/index.ts";
import type { BindingContext } from "../descriptor.ts";
import type { SendEmailConfig } from "./descriptor.ts";
import { header, headerAddress, parseHeaders } from "./headers.ts";

const RAW_EMAIL = Symbol.for("bunflare.email.raw");

type Address = string | { name?: string; email: string };
type Content = string | ArrayBuffer | ArrayBufferView;
interface Attachment {
  filename: string;
  content: Content;
  type?: string;
  disposition?: "attachment" | "inline";
  contentId?: string;
}
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
  attachments?: Attachment[];
}

// Miniflare reads `address.email` of whatever it is given; a missing address
// fails there, and the worker sees that TypeError (in V8's words).
function emailOf(address: Address | undefined | null): string {
  if (address === undefined || address === null) throw new TypeError(`Cannot read properties of ${address} (reading 'email')`);
  return typeof address === "string" ? address : address.email;
}
const formatAddress = (address: Address) => (typeof address === "string" ? address : `"${address.name}" <${address.email}>`);
const asList = <T>(value: T | T[]) => (Array.isArray(value) ? value : [value]);

/** A header name the Fetch spec's Headers accepts (an RFC 7230 token). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** A message id as the platform returns it: random local part at the sender's domain. */
function messageId(sender: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const id = Array.from(crypto.getRandomValues(new Uint8Array(36)), (byte) => alphabet[byte % alphabet.length]).join("");
  return `<${id}@${sender.slice(sender.lastIndexOf("@") + 1)}>`;
}

function bytesOf(content: Content): Uint8Array {
  if (typeof content === "string") return new TextEncoder().encode(content);
  if (content instanceof ArrayBuffer) return new Uint8Array(content);
  return new Uint8Array(content.buffer, content.byteOffset, content.byteLength);
}

/** Base64 in 76-character lines, as MIME wants it. */
const base64Lines = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64").replace(/.{76}(?=.)/g, "$&\r\n");

/** The builder as one MIME message: text / HTML as alternatives, attachments beside them, nothing dropped. */
function composeEml(builder: MessageBuilder, id: string): string {
  const list = (value: Address | Address[]) => asList(value).map(formatAddress).join(", ");
  const head = [`From: ${formatAddress(builder.from)}`, `To: ${list(builder.to)}`];
  if (builder.cc) head.push(`Cc: ${list(builder.cc)}`);
  if (builder.bcc) head.push(`Bcc: ${list(builder.bcc)}`);
  if (builder.replyTo) head.push(`Reply-To: ${formatAddress(builder.replyTo)}`);
  head.push(`Subject: ${builder.subject ?? ""}`, `Message-ID: ${id}`, `Date: ${new Date().toUTCString()}`, "MIME-Version: 1.0");
  for (const [name, value] of Object.entries(builder.headers ?? {})) head.push(`${name}: ${value}`);

  const multipart = (type: string, parts: string[]) => {
    const boundary = `bunflare-${crypto.randomUUID()}`;
    return [`Content-Type: multipart/${type}; boundary="${boundary}"`, "", ...parts.flatMap((part) => [`--${boundary}`, part]), `--${boundary}--`, ""].join("\r\n");
  };
  const texts = [
    builder.text !== undefined ? `Content-Type: text/plain; charset=utf-8\r\n\r\n${builder.text}` : undefined,
    builder.html !== undefined ? `Content-Type: text/html; charset=utf-8\r\n\r\n${builder.html}` : undefined,
  ].filter((part): part is string => part !== undefined);
  const body = texts.length > 1 ? multipart("alternative", texts) : (texts[0] ?? "Content-Type: text/plain; charset=utf-8\r\n\r\n");
  const attachments = (builder.attachments ?? []).map((attachment) =>
    [
      `Content-Type: ${attachment.type ?? "application/octet-stream"}; name="${attachment.filename}"`,
      `Content-Disposition: ${attachment.disposition ?? "attachment"}; filename="${attachment.filename}"`,
      ...(attachment.contentId ? [`Content-ID: <${attachment.contentId}>`] : []),
      "Content-Transfer-Encoding: base64",
      "",
      base64Lines(bytesOf(attachment.content)),
    ].join("\r\n"),
  );
  return [...head, attachments.length ? multipart("mixed", [body, ...attachments]) : body].join("\r\n");
}

export function createSendEmail(config: SendEmailConfig, store: () => Store, log: BindingContext["log"]) {
  const checkDestination = (to: string) => {
    if (config.destination_address !== undefined && to !== config.destination_address) throw new Error(`email to ${to} not allowed`);
    if (config.allowed_destination_addresses !== undefined && !config.allowed_destination_addresses.includes(to)) throw new Error(`email to ${to} not allowed`);
  };
  const checkSender = (from: string) => {
    if (config.allowed_sender_addresses !== undefined && !config.allowed_sender_addresses.includes(from)) throw new Error(`email from ${from} not allowed`);
  };
  /** A file under .bunflare/email/; the name sorts by time of sending. */
  const save = (name: string, content: Content): string => {
    const file = path.join(store().dir, "email", name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, typeof content === "string" ? content : bytesOf(content));
    return file;
  };
  const stamp = () => `${Date.now()}-${crypto.randomUUID()}`;
  const say = (heading: string, rest: string) => (log ? log("info", heading, rest) : console.log(heading + rest));

  async function sendRaw(message: { from: string; to: string } & Record<symbol, ReadableStream | string>) {
    checkSender(message.from);
    for (const to of asList(message.to)) checkDestination(to);
    const raw = new Uint8Array(await new Response(message[RAW_EMAIL]).arrayBuffer());
    const headers = parseHeaders(new TextDecoder().decode(raw));
    if (!header(headers, "message-id")) throw new Error("invalid message-id");
    if (headers.some((h) => !TOKEN.test(h.key))) throw new Error("could not parse email: Invalid header name.");
    const from = header(headers, "from");
    if (from === undefined) throw new TypeError("Cannot read properties of undefined (reading 'address')");
    if (headerAddress(from) !== message.from) throw new Error("From: header does not match mail from");
    if (header(headers, "received") !== undefined) throw new Error("invalid headers set");
    const file = save(`${stamp()}.eml`, raw);
    say("send_email binding called with the following message:", `\n  ${file}`);
    return { messageId: messageId(message.from) };
  }

  async function sendBuilt(builder: MessageBuilder) {
    const from = emailOf(builder.from);
    checkSender(from);
    for (const to of asList(builder.to)) checkDestination(emailOf(to));
    const id = messageId(from);
    const name = stamp();
    // wrangler's summary and one file per part; the .eml holds the whole message.
    const files: string[] = [];
    if (builder.text) files.push(`Text: ${save(`${name}/text.txt`, builder.text)}`);
    if (builder.html) files.push(`HTML: ${save(`${name}/html.html`, builder.html)}`);
    for (const [index, attachment] of (builder.attachments ?? []).entries()) {
      const extension = attachment.filename.match(/\.([^.]+)$/)?.[1] ?? "bin";
      const file = save(`${name}/attachment-${index + 1}.${extension.replace(/[^\w-]/g, "_")}`, attachment.content);
      files.push(`Attachment (${attachment.disposition}): ${attachment.filename} -> ${file}`);
    }
    files.push(`EML: ${save(`${name}.eml`, composeEml(builder, id))}`);
    const summary = [`From: ${formatAddress(builder.from)}`, `To: ${asList(builder.to).map(formatAddress).join(", ")}`];
    if (builder.cc) summary.push(`Cc: ${asList(builder.cc).map(formatAddress).join(", ")}`);
    if (builder.bcc) summary.push(`Bcc: ${asList(builder.bcc).map(formatAddress).join(", ")}`);
    summary.push(`Subject: ${builder.subject}`);
    say("send_email binding called with MessageBuilder:", `\n${summary.join("\n")}\n\n${files.join("\n")}`);
    return { messageId: id };
  }

  return {
    async send(message: unknown): Promise<{ messageId: string }> {
      // Miniflare's `in` check on whatever it is given: a primitive fails there.
      if (typeof message !== "object" || message === null) {
        throw new TypeError(`Cannot use 'in' operator to search for 'EmailMessage::raw' in ${String(message)}`);
      }
      return RAW_EMAIL in message ? sendRaw(message as never) : sendBuilt(message as MessageBuilder);
    },
  };
}
