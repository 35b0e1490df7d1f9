// The `cloudflare:email` module: `new EmailMessage(from, to, raw)` for a
// send_email binding's send(). The raw message is kept under a registered
// symbol so the binding recognises messages from any copy of this module.

export const RAW_EMAIL = Symbol.for("bunflare.email.raw");

export class EmailMessage {
  readonly from: string;
  readonly to: string;
  [RAW_EMAIL]: ReadableStream | string;

  constructor(from: string, to: string, raw: ReadableStream | string) {
    this.from = from;
    this.to = to;
    this[RAW_EMAIL] = raw;
  }
}
