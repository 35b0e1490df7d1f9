// [[send_email]]: env.<name>.send(message) checks the sender and destination
// against the binding's allow-lists, validates the message, and writes it as an
// .eml file under .bunflare/email/ (wrangler dev writes a temp file).
import type { BindingDescriptor } from "../descriptor.ts";
import { json, warnUnknown } from "../config-checks.ts";

export interface SendEmailConfig {
  name: string;
  destination_address?: string;
  allowed_destination_addresses?: string[];
  allowed_sender_addresses?: string[];
  remote?: boolean;
}

const email = () => require("./index.ts") as typeof import("./index.ts");

export const sendEmailDescriptor: BindingDescriptor<SendEmailConfig> = {
  key: "send_email",
  kind: "Send Email",
  entries: (config) => (config.send_email as SendEmailConfig[] | undefined) ?? [],
  bindingName: (entry) => entry.name,
  validate(d, field, value) {
    if (typeof value.name !== "string") d.errors.push(`"${field}" bindings should have a string "name" field but got ${json(value)}.`);
    if (value.destination_address !== undefined && typeof value.destination_address !== "string") {
      d.errors.push(`"${field}" bindings should, optionally, have a string "destination_address" field but got ${json(value)}.`);
    }
    for (const key of ["allowed_destination_addresses", "allowed_sender_addresses"]) {
      if (value[key] !== undefined && (typeof value[key] !== "object" || value[key] === null)) {
        d.errors.push(`"${field}" bindings should, optionally, have a []string "${key}" field but got ${json(value)}.`);
      }
    }
    if ("destination_address" in value && "allowed_destination_addresses" in value) {
      d.errors.push(`"${field}" bindings should have either a "destination_address" or "allowed_destination_addresses" field, but not both.`);
    }
    if (value.remote !== undefined && typeof value.remote !== "boolean") {
      d.errors.push(`"${field}" should, optionally, have a boolean "remote" field but got ${json(value)}.`);
    }
    warnUnknown(d, field, value, ["allowed_sender_addresses", "allowed_destination_addresses", "destination_address", "name", "binding", "remote"]);
  },
  row(entry) {
    let value = entry.destination_address || entry.allowed_destination_addresses?.join(", ") || "unrestricted";
    if (entry.allowed_sender_addresses) value += ` - senders: ${entry.allowed_sender_addresses.join(", ")}`;
    return { name: entry.name, type: "Send Email", value, mode: "local" };
  },
  createEnv: (entry, ctx) => email().createSendEmail(entry, ctx.store, ctx.log),
  typeName: () => "SendEmail",
};
