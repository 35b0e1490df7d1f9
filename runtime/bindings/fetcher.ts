// fetch() on a binding (a service binding, env.ASSETS, a Durable Object stub) as workerd's Fetcher does
// it (api/http.c++, fetchImpl): a redirect is followed unless the request says
// `redirect: "manual"` (at most 20, with the Fetch standard's method rules), and
// the answer's `url` is the last URL asked for, `redirected` whether that was
// after a redirect; an answer to HEAD has no body.
import { sentAsWorkerd } from "../host/worker-streams.ts";

const MAX_REDIRECTS = 20;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function fetchThroughBinding(given: Request, send: (request: Request) => Promise<Response> | Response): Promise<Response> {
  // A body stream the worker made goes as far as it gives bytes, as fetch() sends it.
  const request = sentAsWorkerd(given);
  const follow = request.redirect !== "manual";
  // A body to send again after a 307 or 308: a copy is kept only when there is one.
  const spare = follow && request.body !== null ? request.clone() : undefined;
  let current = request;
  let url = request.url;
  const urls = [url];
  for (let redirects = 0; ; redirects++) {
    let response = await send(current);
    const location = follow && REDIRECTS.has(response.status) ? response.headers.get("Location") : null;
    if (location === null) {
      // As the Fetch standard says of a HEAD answer: no body, whatever the worker gave.
      if (current.method === "HEAD" && response.body !== null) {
        await response.body.cancel();
        response = new Response(null, { status: response.status, statusText: response.statusText, headers: response.headers });
      }
      Object.defineProperties(response, { url: { value: url, configurable: true }, redirected: { value: redirects > 0, configurable: true } });
      return response;
    }
    await response.body?.cancel();
    if (!URL.canParse(location, url)) throw new TypeError("Invalid Location header; unable to follow redirect.");
    // workerd's message carries the URLs asked for, as its exception's detail.
    urls.push(new URL(location, url).href);
    if (redirects >= MAX_REDIRECTS) throw new TypeError(`Too many redirects.${urls.slice(0, -1).join(", ")}`);
    url = urls.at(-1)!;
    const { status } = response;
    const method = current.method;
    const asGet = ((status === 301 || status === 302) && method === "POST") || (status === 303 && method !== "HEAD");
    // (workerd refuses to send again a body made from a stream; Bun cannot tell, so it is sent.)
    const body = !asGet && spare ? spare.clone().body : null;
    current = new Request(url, { method: asGet ? "GET" : method, headers: current.headers, body, signal: current.signal });
  }
}
