// The request-time half of Pages Functions: the route table the generated entry
// (src/pages/functions.ts) hands over becomes a worker's `fetch`. Routing is as
// Pages does it: every middleware whose route and mount path are a prefix of
// the request path runs first (outermost directory first), then the handlers of
// the first route (most specific first) that matches the whole path; the end of
// the chain is `env.ASSETS.fetch(request)` (or another fallback service's).
//
// Route paths use path-to-regexp (v6) syntax limited to what the file names
// produce: literal text, `:name` (one segment) and `:name*` (any number of
// segments, an array). Matching follows that library's defaults: case
// insensitive, an optional trailing slash, no decoding of parameters.

export type PagesHandler = (context: EventContext) => unknown;

export interface PagesRoute {
  routePath: string;
  mountPath: string;
  /** Upper case, or "" for every method. */
  method: string;
  middlewares: unknown[];
  modules: unknown[];
}

export interface EventContext {
  request: Request;
  functionPath: string;
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
  next(input?: Request | string | URL, init?: RequestInit): Promise<Response>;
  env: Record<string, unknown>;
  params: Record<string, string | string[]>;
  data: Record<string, unknown>;
}

interface Fetcher {
  fetch(input: Request | string, init?: RequestInit): Promise<Response>;
}

interface Matcher {
  regexp: RegExp;
  /** Parameter names in capture-group order; `repeat` ones split into arrays. */
  keys: { name: string; repeat: boolean }[];
}

const PARAM_NAME = /[A-Za-z0-9_]/;

function escapeRegExp(text: string): string {
  return text.replace(/[.+*?^=!:${}()[\]|/\\]/g, "\\$&");
}

/** A path-to-regexp (v6) `match` for route paths made of text, `:name` and `:name*`. */
export function compile(routePath: string, end: boolean): Matcher {
  const keys: Matcher["keys"] = [];
  const SEGMENT = "[^\\/#\\?]+?";
  let source = "";
  let text = "";
  let i = 0;
  while (i < routePath.length) {
    const char = routePath[i]!;
    if (char === ":" && PARAM_NAME.test(routePath[i + 1] ?? "")) {
      let j = i + 1;
      while (j < routePath.length && PARAM_NAME.test(routePath[j]!)) j++;
      const name = routePath.slice(i + 1, j);
      const repeat = routePath[j] === "*";
      if (repeat) j++;
      // A "/" right before the parameter is its prefix: optional along with it.
      let prefix = "";
      if (text.endsWith("/")) {
        prefix = "/";
        text = text.slice(0, -1);
      }
      source += escapeRegExp(text);
      text = "";
      keys.push({ name, repeat });
      if (prefix && repeat) {
        source += `(?:\\/((?:${SEGMENT})(?:\\/(?:${SEGMENT}))*))?`;
      } else if (prefix) {
        source += `(?:\\/(${SEGMENT}))`;
      } else {
        source += `(${SEGMENT})${repeat ? "*" : ""}`;
      }
      i = j;
      continue;
    }
    text += char;
    i++;
  }
  source += escapeRegExp(text);
  if (end) {
    source += "[\\/#\\?]?$";
  } else {
    source += "(?:[\\/#\\?](?=$))?";
    // As path-to-regexp: no lookahead when the path ends in a delimiter (or is empty).
    const endDelimited = text !== "" ? /[/#?]$/.test(text) : keys.length === 0;
    if (!endDelimited) source += "(?=[\\/#\\?]|$)";
  }
  return { regexp: new RegExp(`^${source}`, "i"), keys };
}

export function run(matcher: Matcher, pathname: string): { path: string; params: Record<string, string | string[]> } | null {
  const found = matcher.regexp.exec(pathname);
  if (!found) return null;
  const params: Record<string, string | string[]> = {};
  matcher.keys.forEach((key, index) => {
    const value = found[index + 1];
    if (value === undefined) return;
    params[key.name] = key.repeat ? value.split("/") : value;
  });
  return { path: found[0], params };
}

interface CompiledRoute extends PagesRoute {
  prefix: Matcher;
  exact: Matcher;
  mount: Matcher;
}

interface Step {
  handler: unknown;
  params: Record<string, string | string[]>;
  path: string;
}

function* steps(routes: CompiledRoute[], method: string, pathname: string): Generator<Step> {
  // Middlewares: every route whose route and mount path are a prefix, least specific first.
  for (let index = routes.length - 1; index >= 0; index--) {
    const route = routes[index]!;
    if (route.method && route.method !== method) continue;
    const matched = run(route.prefix, pathname);
    const mounted = run(route.mount, pathname);
    if (!matched || !mounted) continue;
    for (const handler of route.middlewares.flat()) yield { handler, params: matched.params, path: mounted.path };
  }
  // Handlers: the first route, most specific first, matching the whole path.
  for (const route of routes) {
    if (route.method && route.method !== method) continue;
    const matched = run(route.exact, pathname);
    const mounted = run(route.mount, pathname);
    if (!matched || !mounted || route.modules.length === 0) continue;
    for (const handler of route.modules.flat()) yield { handler, params: matched.params, path: matched.path };
    return;
  }
}

/** A Response whose headers a handler may change (an assets or fetched response's are immutable). */
function mutable(response: Response): Response {
  const nullBody = response.status === 101 || response.status === 204 || response.status === 205 || response.status === 304;
  return new Response(nullBody ? null : response.body, response);
}

/** What a chain of handlers starts from: a request's, or for a plugin the handler that mounts it. */
interface ChainStart {
  /** The request the next handler gets; a handler's next(input) replaces it. */
  request: Request;
  data: Record<string, unknown>;
  /** Before each handler's own functionPath (a plugin's mount point). */
  mountedAt: string;
  env: Record<string, unknown>;
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
  pluginArgs?: unknown;
}

/** Runs the handlers `chain` gives, each one's `next` calling the one after; `end` answers after the last. */
function runChain(chain: Generator<Step>, start: ChainStart, end: (request: Request) => Promise<Response>): Promise<Response> {
  let { data } = start;
  const next = async (input?: Request | string | URL, init?: RequestInit): Promise<Response> => {
    if (input !== undefined) {
      start.request = typeof input === "string" ? new Request(new URL(input, start.request.url).toString(), init) : new Request(input as Request, init);
    }
    const step = chain.next();
    if (step.done) return end(start.request);
    const { handler, params, path } = step.value;
    const context: EventContext & { pluginArgs?: unknown } = {
      request: new Request(start.request.clone() as Request),
      functionPath: start.mountedAt + path,
      next,
      params,
      get data() {
        return data;
      },
      set data(value: Record<string, unknown>) {
        if (typeof value !== "object" || value === null) throw new Error("context.data must be an object");
        // Replaced, not merged (wrangler 4.86's template): later handlers see the new object.
        data = value;
      },
      env: start.env,
      waitUntil: (promise) => start.waitUntil(promise),
      passThroughOnException: () => start.passThroughOnException(),
    };
    if ("pluginArgs" in start) context.pluginArgs = start.pluginArgs;
    const response = await (handler as PagesHandler)(context);
    if (!(response instanceof Response)) throw new Error("Your Pages function should return a Response");
    return mutable(response);
  };
  return next();
}

const compileRoutes = (routes: PagesRoute[]): CompiledRoute[] =>
  routes.map((route) => ({
    ...route,
    prefix: compile(route.routePath, false),
    exact: compile(route.routePath, true),
    mount: compile(route.mountPath, false),
  }));

/**
 * The `{ fetch }` a generated Pages Functions entry default-exports. `fallbackService` is the
 * binding the end of the chain fetches from (`pages functions build --fallback-service`; "" for
 * the global `fetch`), `ASSETS` unless given.
 */
export function createPagesHandler(routes: PagesRoute[], { fallbackService = "ASSETS" }: { fallbackService?: string } = {}) {
  const compiled = compileRoutes(routes);
  return {
    async fetch(request: Request, env: Record<string, unknown>, ctx: { waitUntil(promise: Promise<unknown>): void }) {
      let passThrough = false;
      const start: ChainStart = {
        request,
        data: {},
        mountedAt: "",
        env,
        waitUntil: (promise) => ctx.waitUntil(promise),
        passThroughOnException: () => {
          passThrough = true;
        },
      };
      // The end of the chain: the project's assets.
      const fallback = async (): Promise<Response> =>
        mutable(await (fallbackService ? (env[fallbackService] as Fetcher).fetch(start.request) : fetch(start.request)));
      try {
        return await runChain(steps(compiled, request.method, new URL(request.url).pathname), start, fallback);
      } catch (error) {
        if (passThrough) return fallback();
        throw error;
      }
    },
  };
}

/**
 * A Pages Plugin (`pages functions build --plugin`): its default export takes the plugin's
 * arguments and gives the `onRequest` a project mounts. The plugin's routes match the path
 * below where it is mounted (the mounting handler's `functionPath`); its chain ends in the
 * mounting chain's `next`.
 */
export function createPagesPlugin(routes: PagesRoute[]) {
  const compiled = compileRoutes(routes);
  return (pluginArgs: unknown) => async (outer: EventContext) => {
    const relative = `/${new URL(outer.request.url).pathname.replace(outer.functionPath, "") || ""}`.replace(/^\/\//, "/");
    const start: ChainStart = {
      request: outer.request,
      data: outer.data,
      mountedAt: outer.functionPath,
      env: outer.env,
      waitUntil: (promise) => outer.waitUntil(promise),
      passThroughOnException: () => outer.passThroughOnException(),
      pluginArgs,
    };
    return runChain(steps(compiled, outer.request.method, relative), start, (request) => outer.next(request));
  };
}
