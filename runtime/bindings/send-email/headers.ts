// A raw message's header lines, and the addresses in an address-list header (From,
// To), read as postal-mime reads them: miniflare parses every message with it, so its
// reading decides what the send_email binding and the dev server's email endpoint
// check, and what their warnings show.

export type Header = { key: string; value: string };

/** Header lines as postal-mime reads them: unfolded, whitespace collapsed, a line without ":" is a name with an empty value. */
export function parseHeaders(raw: string): Header[] {
  const end = raw.search(/\r?\n\r?\n/);
  const lines = (end === -1 ? raw : raw.slice(0, end)).split(/\r?\n/);
  const headers: Header[] = [];
  for (const line of lines) {
    if (/^\s/.test(line) && headers.length) headers[headers.length - 1]!.value += " " + line.trim();
    else {
      const flat = line.replace(/\s+/g, " ");
      const colon = flat.indexOf(":");
      headers.push(colon < 0 ? { key: flat.trim(), value: "" } : { key: flat.slice(0, colon).trim(), value: flat.slice(colon + 1).trim() });
    }
  }
  return headers;
}

/** The last header of a name (postal-mime's pick), if it has a value. */
export const header = (headers: Header[], name: string) => headers.findLast((h) => h.key.toLowerCase() === name)?.value || undefined;

type Part = "text" | "address" | "comment" | "group";

// What closes each opening mark; a comma or semicolon outside them ends an entry.
const CLOSERS: Record<string, string> = { '"': '"', "(": ")", "<": ">", ":": ";" };
const PARTS: Record<string, Part> = { "<": "address", "(": "comment", ":": "group" };

/**
 * Each entry's address: its `<...>`, else its last word shaped like an address, else
 * the first address-like run in its text, else "" (a display name alone). A group
 * (`Team: a@x, b@y;`) is one entry with no address (undefined), as postal-mime nests it.
 * Quoted names and comments may hold commas and angle brackets.
 */
export function headerAddresses(value: string): (string | undefined)[] {
  const found: (string | undefined)[] = [];
  let pieces: { part: Part; text: string }[] = [];
  let started = false;
  let group = false;
  let part: Part = "text";
  let piece: { part: Part; text: string } | undefined;
  let closer = "";
  let escaped = false;
  const endEntry = () => {
    if (started) found.push(group ? undefined : addressOf(pieces));
    [pieces, started, group, part, piece] = [[], false, false, "text", undefined];
  };
  for (const char of value) {
    if (escaped) {
      escaped = false;
    } else if (closer && char === closer) {
      [closer, part, piece] = ["", "text", undefined];
      // A group's closing semicolon also ends its entry.
      if (char === ";") endEntry();
      continue;
    } else if (!closer && (char === "," || char === ";")) {
      endEntry();
      continue;
    } else if (!closer && char in CLOSERS) {
      [closer, part, piece, started] = [CLOSERS[char]!, PARTS[char] ?? "text", undefined, true];
      if (char === ":") group = true;
      continue;
    } else if (closer === '"' && char === "\\") {
      escaped = true;
      continue;
    }
    if (!piece) pieces.push((piece = { part, text: "" }));
    piece.text += char;
    if (char.trim()) started = true;
  }
  endEntry();
  return found;
}

/** The address headerAddresses gives the first entry of a header ("" when it names none). */
export const headerAddress = (value: string) => headerAddresses(value)[0] ?? "";

function addressOf(pieces: { part: Part; text: string }[]): string {
  const of = (part: Part) => pieces.filter((p) => p.part === part).map((p) => p.text.trim()).filter(Boolean);
  // postal-mime drops anything before a stray "<" inside the brackets.
  const address = of("address")[0]?.replace(/^[^<]*<\s*/, "");
  if (address !== undefined) return address;
  let text = of("text");
  if (!text.length) text = of("comment");
  const word = text.findLast((t) => /^[^@\s]+@[^@\s]+$/.test(t));
  if (word !== undefined) return word;
  for (const t of text.toReversed()) {
    const run = /\s*\b[^@\s]+@[^\s]+\b\s*/.exec(t);
    if (run) return run[0].trim();
  }
  // No address: postal-mime keeps the text as one only when it has an "@".
  const joined = text.join(" ");
  return joined.includes("@") ? joined : "";
}
