// The status text workerd gives a response that sets none, which wrangler dev
// logs ("GET / 418 I'm a teapot") and sends: Node's table with workerd's
// spelling of 418, and for a code it does not know (425 and 509 included) the
// name of the code's class. Measured against the pinned wrangler for 200-599.
import { STATUS_CODES } from "node:http";

const UNKNOWN_TO_WORKERD = new Set([425, 509]);
const CLASS_NAMES: Record<number, string> = { 1: "Informational", 2: "Successful", 3: "Redirection", 4: "Client Error", 5: "Server Error" };

export function workerdStatusText(status: number): string {
  if (status === 418) return "I'm a teapot";
  const known = UNKNOWN_TO_WORKERD.has(status) ? undefined : STATUS_CODES[status];
  return known ?? CLASS_NAMES[Math.floor(status / 100)] ?? "";
}
