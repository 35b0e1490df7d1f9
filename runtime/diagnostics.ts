// A tree of config errors and warnings, rendered the way wrangler renders its
// config diagnostics: a description line, "- " bullets, children one level in.
// It lives in runtime/ because binding descriptors validate their own config
// entries into it; src/config/diagnostics.ts re-exports it.

/** Indent every line but the first by two spaces; whitespace-only lines become empty. */
export function indentText(text: string): string {
  return text
    .split("\n")
    .map((line, index) => (index === 0 ? line : `  ${line}`).replace(/^\s*$/, ""))
    .join("\n");
}

export class Diagnostics {
  errors: string[] = [];
  warnings: string[] = [];
  children: Diagnostics[] = [];

  constructor(readonly description: string) {}

  addChild(child: Diagnostics): void {
    if (child.hasErrors() || child.hasWarnings()) this.children.push(child);
  }

  hasErrors(): boolean {
    return this.errors.length > 0 || this.children.some((child) => child.hasErrors());
  }

  hasWarnings(): boolean {
    return this.warnings.length > 0 || this.children.some((child) => child.hasWarnings());
  }

  render(kind: "errors" | "warnings"): string {
    const has = (d: Diagnostics) => (kind === "errors" ? d.hasErrors() : d.hasWarnings());
    const own = this[kind].map((message) => `- ${indentText(message)}`).join("\n");
    const nested = this.children
      .filter(has)
      .map((child) => `\n- ${child.render(kind)}`)
      .join("\n");
    return indentText(`${this.description}\n${own}${nested}`);
  }
}
