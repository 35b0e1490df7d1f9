// `_headers` and `_redirects` as the platform reads them: the same line
// grammar, the same limits, the same invalid-line messages (wrangler prints
// them at start and after each change), and the same matching of splats
// (`*` -> :splat) and placeholders (`:name`) against the request path.
import ignore from "ignore";
import {
  DEFAULT_IGNORES,
  MAX_DYNAMIC_REDIRECT_RULES,
  MAX_HEADER_RULES,
  MAX_LINE_LENGTH,
  MAX_STATIC_REDIRECT_RULES,
  REDIRECT_STATUSES,
} from "./limits.ts";

/** Whether `.assetsignore` (its text, undefined when there is none) hides a path relative to the assets directory; the rule files are always hidden. */
export function ignoreMatcher(assetsIgnore: string | undefined): (relative: string) => boolean {
  const matcher = ignore().add([...DEFAULT_IGNORES, ...(assetsIgnore?.split("\n") ?? [])]);
  return (relative) => matcher.ignores(relative);
}

export interface InvalidLine {
  message: string;
  line?: string;
  lineNumber?: number;
}

export interface HeaderRule {
  path: string;
  set: Record<string, string>;
  unset: string[];
}

export interface RedirectRule {
  from: string;
  to: string;
  status: number;
  lineNumber: number;
}

const ABSOLUTE = /^https:\/\/+([^/]+)\/?(.*)/;
const SPLAT = /\*/;
const PLACEHOLDER = /:[A-Za-z]\w*/;

/** A path as the URL parser normalises it (dot segments, percent-encoding), optionally with its query and fragment. */
function normalisePath(raw: string, keepSearch: boolean, keepHash: boolean): string {
  const url = new URL(`//${raw.startsWith("/") ? raw : `/${raw}`}`, "relative://");
  return url.pathname + (keepSearch ? url.search : "") + (keepHash ? url.hash : "");
}

/** A rule's URL: [value] or [undefined, why it is refused]. */
function checkUrl(token: string, onlyRelative: boolean, noPorts: boolean, keepSearch = false, keepHash = false): [string] | [undefined, string] {
  const absolute = ABSOLUTE.exec(token);
  if (absolute?.[1]) {
    if (onlyRelative) return [undefined, `Only relative URLs are allowed. Skipping absolute URL ${token}.`];
    if (noPorts && /:\d+$/.test(absolute[1])) return [undefined, `Specifying ports is not supported. Skipping absolute URL ${token}.`];
    return [`https://${absolute[1]}${normalisePath(absolute[2] ?? "", keepSearch, keepHash)}`];
  }
  if (onlyRelative && !token.startsWith("/")) token = `/${token}`;
  if (token.startsWith("/")) {
    try {
      return [normalisePath(token, keepSearch, keepHash)];
    } catch {
      return [undefined, `Error parsing URL segment ${token}. Skipping.`];
    }
  }
  return [
    undefined,
    onlyRelative
      ? "URLs should begin with a forward-slash."
      : 'URLs should either be relative (e.g. begin with a forward-slash), or use HTTPS (e.g. begin with "https://").',
  ];
}

const hasHost = (token: string) => Boolean(ABSOLUTE.exec(token)?.[1]);

export function parseHeaders(text: string): { rules: HeaderRule[]; invalid: InvalidLine[] } {
  const lines = text.split("\n");
  const rules: HeaderRule[] = [];
  const invalid: InvalidLine[] = [];
  let current: (HeaderRule & { line: string }) | undefined;
  const close = (lineNumber?: number) => {
    if (!current) return;
    if (Object.keys(current.set).length || current.unset.length) rules.push({ path: current.path, set: current.set, unset: current.unset });
    else invalid.push({ line: current.line, lineNumber, message: "No headers specified" });
  };
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? "").trim();
    if (!line || line.startsWith("#")) continue;
    if (line.length > MAX_LINE_LENGTH) {
      invalid.push({ message: `Ignoring line ${i + 1} as it exceeds the maximum allowed length of ${MAX_LINE_LENGTH}.` });
      continue;
    }
    if (/^([^\s]+:\/\/|\/)/.test(line)) {
      if (rules.length >= MAX_HEADER_RULES) {
        invalid.push({ message: `Maximum number of rules supported is ${MAX_HEADER_RULES}. Skipping remaining ${lines.length - i} lines of file.` });
        current = undefined;
        break;
      }
      close(i + 1);
      const [path, error] = checkUrl(line, false, true);
      current = path === undefined ? undefined : { path, line, set: {}, unset: [] };
      if (path === undefined) invalid.push({ line, lineNumber: i + 1, message: error! });
      continue;
    }
    if (!line.includes(":")) {
      if (!current) invalid.push({ line, lineNumber: i + 1, message: "Expected a path beginning with at least one forward-slash" });
      else if (line.startsWith("! ")) current.unset.push(line.slice(2));
      else invalid.push({ line, lineNumber: i + 1, message: "Expected a colon-separated header pair (e.g. name: value)" });
      continue;
    }
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name.includes(" ")) invalid.push({ line, lineNumber: i + 1, message: "Header name cannot include spaces" });
    else if (!name) invalid.push({ line, lineNumber: i + 1, message: "No header name specified" });
    else if (!value) invalid.push({ line, lineNumber: i + 1, message: "No header value specified" });
    else if (!current) invalid.push({ line, lineNumber: i + 1, message: `Path should come before header (${name}: ${value})` });
    else current.set[name] = current.set[name] ? `${current.set[name]}, ${value}` : value;
  }
  close();
  return { rules, invalid };
}

export function parseRedirects(text: string, htmlHandling?: string): { rules: RedirectRule[]; invalid: InvalidLine[] } {
  const lines = text.split("\n");
  const rules: RedirectRule[] = [];
  const invalid: InvalidLine[] = [];
  const seen = new Set<string>();
  let statics = 0;
  let dynamics = 0;
  let staticsAllowed = true;
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? "").trim();
    if (!line || line.startsWith("#")) continue;
    const at = { line, lineNumber: i + 1 };
    if (line.length > MAX_LINE_LENGTH) {
      invalid.push({ message: `Ignoring line ${i + 1} as it exceeds the maximum allowed length of ${MAX_LINE_LENGTH}.` });
      continue;
    }
    const tokens = line.replace(/\s+#.*$/, "").split(/\s+/);
    if (tokens.length < 2 || tokens.length > 3) {
      invalid.push({ ...at, message: `Expected exactly 2 or 3 whitespace-separated tokens. Got ${tokens.length}.` });
      continue;
    }
    const [fromToken, toToken, statusToken = "302"] = tokens as [string, string, string?];
    const [from, fromError] = checkUrl(fromToken, true, true);
    if (from === undefined) {
      invalid.push({ ...at, message: fromError! });
      continue;
    }
    if (staticsAllowed && !SPLAT.test(from) && !PLACEHOLDER.test(from)) {
      if (++statics > MAX_STATIC_REDIRECT_RULES) {
        invalid.push({ message: `Maximum number of static rules supported is ${MAX_STATIC_REDIRECT_RULES}. Skipping line.` });
        continue;
      }
    } else {
      staticsAllowed = false;
      if (++dynamics > MAX_DYNAMIC_REDIRECT_RULES) {
        invalid.push({ message: `Maximum number of dynamic rules supported is ${MAX_DYNAMIC_REDIRECT_RULES}. Skipping remaining ${lines.length - i} lines of file.` });
        break;
      }
    }
    const [to, toError] = checkUrl(toToken, false, false, true, true);
    if (to === undefined) {
      invalid.push({ ...at, message: toError! });
      continue;
    }
    const status = Number(statusToken);
    if (Number.isNaN(status) || !REDIRECT_STATUSES.has(status)) {
      invalid.push({ ...at, message: `Valid status codes are 200, 301, 302 (default), 303, 307, or 308. Got ${statusToken}.` });
      continue;
    }
    // A rule that html_handling's own redirect would send straight back to it.
    const toIndex = /\/index(.html)?$/.test(to);
    if (!hasHost(to) && ((from.endsWith("/*") && toIndex) || (from.endsWith("/") && toIndex && htmlHandling !== "none"))) {
      invalid.push({
        ...at,
        message:
          "Infinite loop detected in this rule and has been ignored. This will cause a redirect to strip `.html` or `/index` and end up triggering this rule again. Please fix or remove this rule to silence this warning.",
      });
      continue;
    }
    if (seen.has(from)) {
      invalid.push({ ...at, message: `Ignoring duplicate rule for path ${from}.` });
      continue;
    }
    seen.add(from);
    if (status === 200 && hasHost(to)) {
      invalid.push({ ...at, message: `Proxy (200) redirects can only point to relative paths. Got ${to}` });
      continue;
    }
    rules.push({ from, to, status, lineNumber: i + 1 });
  }
  return { rules, invalid };
}

/** wrangler's report of one parsed file: an info line, the invalid lines as one warning, then hints. */
export function describeParse(
  kind: "redirect" | "header",
  parsed: { rules: unknown[]; invalid: InvalidLine[] },
  file: string,
): { level: "info" | "warn"; text: string }[] {
  const rules = (n: number) => `${kind} rule${n === 1 ? "" : "s"}`;
  const { length: valid } = parsed.rules;
  const out: { level: "info" | "warn"; text: string }[] = [{ level: "info", text: `✨ Parsed ${valid} valid ${rules(valid)}.` }];
  if (parsed.invalid.length) {
    let list = "";
    for (const { message, line, lineNumber } of parsed.invalid) {
      list += `▶︎ ${message}\n`;
      if (line) list += `    at ${file}${lineNumber ? `:${lineNumber}` : ""} | ${line}\n\n`;
    }
    out.push({ level: "warn", text: `Found ${parsed.invalid.length} invalid ${rules(parsed.invalid.length)}:\n${list}` });
  }
  return out;
}

/** The hint wrangler gives for a static rule placed after a dynamic one (it is then matched in order). */
export function redirectHints(rules: RedirectRule[]): string[] {
  const hints: string[] = [];
  let dynamicSeen = false;
  for (const rule of rules) {
    const dynamic = SPLAT.test(rule.from) || PLACEHOLDER.test(rule.from);
    if (!dynamic && dynamicSeen) {
      hints.push(`The redirect rule ${rule.from} → ${rule.status} ${rule.to} could be made more performant by bringing it above any lines with splats or placeholders.`);
    }
    if (dynamic || dynamicSeen) dynamicSeen = true;
  }
  return hints;
}

const escapeRegExp = (text: string) => text.replace(/[-/\\^$*+?.()|[\]{}]/g, "\\$&");

/**
 * A rule path as a regular expression over `pathname` (or `https://host/pathname`
 * for rules naming a host): `*` captures `splat`, `:name` one segment (one host label
 * in the host). Two splats (a duplicate group) make no regex: the rule never matches.
 */
function ruleRegExp(rule: string): RegExp | undefined {
  let source = rule.split("*").map(escapeRegExp).join("(?<splat>.*)");
  const hostEnd = rule.startsWith("https://") ? source.indexOf("\\/", "https:\\/\\/".length) : -1;
  if (hostEnd > 0) {
    const host = source.slice(0, hostEnd).replace(/:([A-Za-z]\w*)/g, "(?<$1>[^/.]+)");
    source = host + source.slice(hostEnd);
  }
  source = source.replace(/:([A-Za-z]\w*)/g, "(?<$1>[^/]+)");
  try {
    return new RegExp(`^${source}$`);
  } catch {
    return undefined;
  }
}

function fill(template: string, groups: Record<string, string>): string {
  for (const [name, value] of Object.entries(groups)) template = template.replaceAll(`:${name}`, value);
  return template;
}

interface Compiled<T> {
  regExp: RegExp;
  crossHost: boolean;
  value: T;
}

function compile<T>(entries: [string, T][]): Compiled<T>[] {
  return entries.flatMap(([path, value]) => {
    const regExp = ruleRegExp(path);
    return regExp ? [{ regExp, crossHost: path.startsWith("https://"), value }] : [];
  });
}

function* matches<T>(compiled: Compiled<T>[], url: URL): Generator<[T, Record<string, string>]> {
  for (const rule of compiled) {
    const found = rule.regExp.exec(rule.crossHost ? `https://${url.hostname}${url.pathname}` : url.pathname);
    if (found) yield [rule.value, { ...found.groups }];
  }
}

export interface Redirects {
  /** The rule for this URL: its status and its destination with splats and placeholders filled. */
  match(url: URL): { status: number; to: string } | undefined;
}

export function compileRedirects(rules: RedirectRule[]): Redirects {
  // Static rules (before the first dynamic one) are looked up by path; the rest are tried in order.
  const statics = new Map<string, RedirectRule>();
  const dynamic: [string, RedirectRule][] = [];
  for (const rule of rules) {
    if (!dynamic.length && !SPLAT.test(rule.from) && !PLACEHOLDER.test(rule.from)) statics.set(rule.from, rule);
    else dynamic.push([rule.from, rule]);
  }
  const compiled = compile(dynamic);
  return {
    match(url) {
      const withHost = statics.get(`https://${url.host}${url.pathname}`);
      const plain = statics.get(url.pathname);
      const hit = withHost && plain ? (withHost.lineNumber < plain.lineNumber ? withHost : plain) : (withHost ?? plain);
      if (hit) return { status: hit.status, to: hit.to };
      for (const [rule, groups] of matches(compiled, url)) {
        const to = fill(rule.to, groups).trim();
        return { status: rule.status, to: /^\w+:\/\//.test(to) ? to : to.replace(/\/+/g, "/") };
      }
      return undefined;
    },
  };
}

export interface Headers_ {
  /** Applies every matching rule to `headers`: detaches first, then sets (a second rule's value is appended). */
  apply(url: URL, headers: Headers): void;
}

export function compileHeaders(rules: HeaderRule[]): Headers_ {
  // Keyed by path: a later block for the same path replaces the earlier one, in its place.
  const byPath = new Map<string, HeaderRule>();
  for (const rule of rules) byPath.set(rule.path, rule);
  const compiled = compile([...byPath.entries()]);
  return {
    apply(url, headers) {
      if (!compiled.length) return;
      const set = new Set<string>();
      for (const [rule, groups] of matches(compiled, url)) {
        for (const name of rule.unset) headers.delete(name);
        for (const [name, value] of Object.entries(rule.set)) {
          const filled = fill(value, groups);
          if (set.has(name)) headers.append(name, filled);
          else {
            headers.set(name, filled);
            set.add(name);
          }
        }
      }
    },
  };
}
