// The 500 page a browser gets when the worker throws, like wrangler's pretty
// error page: the error, its stack pointed at the user's files, the request.
import { plainText } from "./encoding.ts";

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char]!);

/** Wrangler shows the page to clients that accept HTML (or anything) and are not curl. */
export function wantsPrettyError(request: Request): boolean {
  const accept = request.headers.get("Accept")?.toLowerCase() ?? "";
  const userAgent = request.headers.get("User-Agent")?.toLowerCase() ?? "";
  return !userAgent.includes("curl/") && (accept.includes("text/html") || accept.includes("*/*") || accept.includes("text/*"));
}

/**
 * The 500 a worker's thrown exception or rejected promise gets, framed as
 * wrangler's: its Node proxy writes the page (or the plain stack) chunked,
 * and its status line has no reason phrase ("500 "), which Bun.serve cannot
 * send. A `plain` error is one workerd raises itself (a handler that returns
 * no Response): wrangler answers it with the stack as a whole, its length known.
 */
export function errorResponse(stack: string, request: Request, plain: boolean): Response {
  if (plain) return plainText(stack, 500);
  const pretty = wantsPrettyError(request);
  const text = pretty ? prettyErrorPage(stack, request) : stack;
  // Flushed before it ends: Bun.serve gives a body it has whole a Content-Length.
  const body = new ReadableStream({
    type: "direct",
    pull(controller) {
      controller.write(text);
      controller.flush();
      controller.close();
    },
  });
  return new Response(body, { status: 500, headers: { "Content-Type": pretty ? "text/html;charset=utf-8" : "text/plain;charset=UTF-8" } });
}

function prettyErrorPage(stack: string, request: Request): string {
  const [headline = "Error", ...frames] = stack.split("\n");
  const headers = [...request.headers].map(([name, value]) => `<tr><td>${escape(name)}</td><td>${escape(value)}</td></tr>`).join("");
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>${escape(headline)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;background:#f6f6f6;color:#222}
header{background:#fff;border-bottom:4px solid #f38020;padding:24px 32px}
h1{font-size:20px;margin:0 0 6px}main{padding:24px 32px}
pre{background:#fff;padding:16px;overflow:auto;border-radius:6px;font-size:13px;line-height:1.5}
table{border-collapse:collapse;background:#fff}td{padding:4px 12px;border-bottom:1px solid #eee;font-size:13px;vertical-align:top}
a{color:#f38020}
</style></head>
<body>
<header><h1>${escape(headline)}</h1><div>${escape(request.method)} ${escape(request.url)}</div></header>
<main>
<h2>Stack</h2><pre>${escape(frames.map((line) => line.trim()).join("\n"))}</pre>
<h2>Request headers</h2><table>${headers}</table>
<p><a href="https://developers.cloudflare.com/workers/" target="_blank">📚 Workers Docs</a> · <a href="https://discord.cloudflare.com" target="_blank">💬 Workers Discord</a></p>
</main>
</body></html>`;
}
