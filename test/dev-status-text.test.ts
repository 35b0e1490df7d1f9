// The dev server's own status-text table (src/dev/status-text.ts) against
// node:http's, which wrangler's logs follow, with workerd's differences.
import { expect, test } from "bun:test";
import { STATUS_CODES } from "node:http";
import { workerdStatusText } from "../src/dev/status-text.ts";

test("status texts are Node's for every code 100-599, but for workerd's 418 spelling and class names for 425 and 509", () => {
  const classNames: Record<number, string> = { 1: "Informational", 2: "Successful", 3: "Redirection", 4: "Client Error", 5: "Server Error" };
  for (let status = 100; status <= 599; status++) {
    const expected =
      status === 418 ? "I'm a teapot" : status === 425 || status === 509 ? classNames[Math.floor(status / 100)] : (STATUS_CODES[status] ?? classNames[Math.floor(status / 100)]);
    expect(`${status} ${workerdStatusText(status)}`).toBe(`${status} ${expected}`);
  }
  expect(workerdStatusText(600)).toBe("");
});
