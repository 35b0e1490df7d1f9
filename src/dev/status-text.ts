// The status text workerd gives a response that sets none, which wrangler dev
// logs ("GET / 418 I'm a teapot") and sends: the reason phrases of Node's
// table (node:http STATUS_CODES; test/dev-status-text.test.ts holds them
// equal) with workerd's spelling of 418, and for a code it does not know (425
// and 509 included) the name of the code's class. Measured against the pinned
// wrangler for 200-599. A table of its own because loading node:http for it
// cost every dev start ~6 ms.
const REASONS: Record<number, string> = {
  100: "Continue", 101: "Switching Protocols", 102: "Processing", 103: "Early Hints",
  200: "OK", 201: "Created", 202: "Accepted", 203: "Non-Authoritative Information", 204: "No Content", 205: "Reset Content",
  206: "Partial Content", 207: "Multi-Status", 208: "Already Reported", 226: "IM Used",
  300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified", 305: "Use Proxy",
  307: "Temporary Redirect", 308: "Permanent Redirect",
  400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
  406: "Not Acceptable", 407: "Proxy Authentication Required", 408: "Request Timeout", 409: "Conflict", 410: "Gone",
  411: "Length Required", 412: "Precondition Failed", 413: "Payload Too Large", 414: "URI Too Long", 415: "Unsupported Media Type",
  416: "Range Not Satisfiable", 417: "Expectation Failed", 418: "I'm a teapot", 421: "Misdirected Request", 422: "Unprocessable Entity",
  423: "Locked", 424: "Failed Dependency", 426: "Upgrade Required", 428: "Precondition Required", 429: "Too Many Requests",
  431: "Request Header Fields Too Large", 451: "Unavailable For Legal Reasons",
  500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout",
  505: "HTTP Version Not Supported", 506: "Variant Also Negotiates", 507: "Insufficient Storage", 508: "Loop Detected",
  510: "Not Extended", 511: "Network Authentication Required",
};
const CLASS_NAMES: Record<number, string> = { 1: "Informational", 2: "Successful", 3: "Redirection", 4: "Client Error", 5: "Server Error" };

export function workerdStatusText(status: number): string {
  return REASONS[status] ?? CLASS_NAMES[Math.floor(status / 100)] ?? "";
}
