// The dev server's one Bun.serve: port choice, and routing a request to the
// scheduled and email endpoints, live reload, static assets or the primary worker
// (WebSocket upgrades included), with wrangler's request log and error page.
import { devLogLine, devRequestLine } from "../log.ts";
import { workerdStatusText } from "./status-text.ts";
import type { Server, ServerWebSocket } from "bun";
import { UserError } from "../errors.ts";
import { attachSocket, connectionClosed, webSocketOf, type WorkerWebSocket } from "../../runtime/host/websocket.ts";
import { isRemoteCall } from "./remote.ts";
import { refuseForeign } from "./cdn-cgi.ts";
import { fromUpstream, toUpstream, type Upstream } from "./upstream.ts";
import { encodeForClient, plainText, WORKER_ACCEPT_ENCODING } from "./encoding.ts";
import { endedOnBodyError } from "../../runtime/host/worker-streams.ts";
import { placeholderCf } from "../../runtime/host/cf.ts";
import { asReceived } from "../../runtime/host/received.ts";
import type { DevConsole } from "./console.ts";
import { errorResponse } from "./error-page.ts";
import type { Slot } from "./session.ts";
import type { DevConfig } from "../config/types.ts";
import type { DevArgs } from "./settings.ts";
import type { ExplorerStore } from "../explorer/api.ts";
import { finishRequest, isOwnPath, pathOf, recordRequest, startRecording, type RequestRecord } from "./requests.ts";

const LIVE_RELOAD_PATH = "/cdn-cgi/live-reload";
const HANDLER_PREFIX = "/cdn-cgi/handler/";
const SCHEDULED_PATH = "/cdn-cgi/handler/scheduled";
const EMAIL_PATH = "/cdn-cgi/handler/email";
// wrangler's entry for getPlatformProxy() clients: bunflare has none, so only its refusals.
const PLATFORM_PROXY_PATH = "/cdn-cgi/platform-proxy";
// miniflare's first name for SCHEDULED_PATH, still answered (with a warning).
const LEGACY_SCHEDULED_PATH = "/cdn-cgi/mf/scheduled";
const LIVE_RELOAD_SCRIPT = `<script defer type="application/javascript">
(function () {
  var protocol = location.protocol === "https:" ? "wss:" : "ws:";
  var ws = new WebSocket(protocol + "//" + location.host + "${LIVE_RELOAD_PATH}");
  ws.onmessage = function (event) { if (event.data === "reload") location.reload(); };
})();
</script>`;

/** Where the server listens, from flags first, then the config's `[dev]`. */
export interface DevAddress {
  ip: string;
  /** Tried in order until one is free. */
  candidatePorts: number[];
  protocol: "http" | "https";
}

// Wrangler hands a port like "abc" or 70000 to Miniflare, which dumps its options object; say what is wrong instead.
function refuseBadPort(port: number | undefined, where: string): void {
  if (port === undefined || (Number.isInteger(port) && port >= 0 && port <= 65535)) return;
  throw new UserError(`Invalid ${where}: ${Number.isNaN(port) ? "not a number" : port}. A port is a whole number from 0 to 65535.`);
}

export function chooseAddress(args: DevArgs, dev: DevConfig | undefined): DevAddress {
  const chosenPort = args.port ?? dev?.port;
  refuseBadPort(chosenPort, args.port !== undefined ? "--port" : "dev.port in the config");
  // Bunflare serves no inspector, but a value that is not a port is still the user's mistake.
  const inspectorFlag = args["inspector-port"];
  refuseBadPort(inspectorFlag ?? dev?.inspector_port, inspectorFlag !== undefined ? "--inspector-port" : "dev.inspector_port in the config");
  return {
    ip: args.ip ?? dev?.ip ?? "localhost",
    // Like wrangler: without a chosen port, the first free one of 8787-8797 (just 8787 in CI), else any.
    candidatePorts: chosenPort !== undefined ? [chosenPort] : [...Array.from({ length: process.env.CI ? 1 : 11 }, (_, i) => 8787 + i), 0],
    protocol: args["local-protocol"] ?? dev?.local_protocol ?? "http",
  };
}

/** The URLs a listening server is reached at. */
export interface DevUrls {
  /** A wildcard address (all interfaces). */
  wildcard: boolean;
  /** The host as it goes into a URL (IPv6 in brackets). */
  urlHost: string;
  /** Where a browser should go: wrangler names "localhost" for a wildcard address. */
  shownHost: string;
}

export function urlsOf(ip: string): DevUrls {
  const wildcard = ip === "0.0.0.0" || ip === "::" || ip === "*";
  const urlHost = ip === "*" ? "0.0.0.0" : ip.includes(":") ? `[${ip}]` : ip;
  return { wildcard, urlHost, shownHost: wildcard ? "localhost" : urlHost };
}

/** A WebSocket's Bun-side data: the worker's end of it, or none for a live-reload socket. */
type SocketData = { socket?: WorkerWebSocket };

export interface HttpOptions {
  address: DevAddress;
  /** The served worker; read on every request, so a reload takes effect at once. */
  primary: Slot;
  console: DevConsole;
  liveReload: boolean;
  testScheduled: boolean;
  /** TLS for --local-protocol https. */
  tls?: { key: string; cert: string };
  /** What the worker sees instead of the local URL (--host, --upstream-protocol). */
  upstream?: Upstream;
  /** Answers calls from other dev processes (src/dev/remote.ts). */
  remote?(request: Request): Promise<Response>;
  /** A worker's error while handling a WebSocket message. */
  reportError(error: unknown): void;
  /** The stores the Local Explorer (/cdn-cgi/explorer) shows. */
  explorerStores?(): ExplorerStore[];
  /** A binding's own /cdn-cgi/ path (Stream's watch URLs, see BindingDescriptor.devRoute), or undefined: the worker's. */
  bindingRoute?(request: Request, pathname: string): Promise<Response> | undefined;
}

/** Whether a request comes from this machine: the explorer reads and edits local data, so only loopback may. */
export function fromLoopback(server: Server<unknown>, request: Request): boolean {
  const address = server.requestIP(request)?.address ?? "";
  return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

export class DevHttpServer {
  private readonly liveReloadSockets = new Set<ServerWebSocket<unknown>>();
  private server?: Server<unknown>;

  constructor(private readonly options: HttpOptions) {}

  get port(): number {
    return this.server!.port!;
  }

  /** Listens on the first free candidate port; a taken chosen port is wrangler's "Address already in use". */
  listen(): void {
    const { ip, candidatePorts } = this.options.address;
    const inUse = (error: unknown) =>
      (error as NodeJS.ErrnoException).code === "EADDRINUSE" || /in use/i.test(String((error as Error).message));
    try {
      for (const candidate of candidatePorts) {
        try {
          this.server = this.serve(candidate);
          return;
        } catch (error) {
          if (!inUse(error) || candidate === candidatePorts.at(-1)) throw error;
        }
      }
    } catch (error) {
      if (inUse(error)) {
        throw new UserError(`Address already in use (${ip}:${candidatePorts[0]}). Please check that you are not already running a server on this address or specify a different port with --port.`);
      }
      throw error;
    }
    throw new Error("unreachable: no port was tried");
  }

  /** Tells every page open with live reload to refresh. */
  reloadBrowsers(): void {
    for (const ws of this.liveReloadSockets) ws.send("reload");
  }

  stop(): void {
    this.server?.stop(true);
  }

  private serve(port: number): Server<unknown> {
    const { address, tls, reportError } = this.options;
    const sockets = this.liveReloadSockets;
    startRecording(); // the Local Explorer's Requests view (src/dev/requests.ts)
    return Bun.serve({
      hostname: address.ip === "*" ? "0.0.0.0" : address.ip,
      port,
      tls,
      idleTimeout: 0,
      maxRequestBodySize: Number.MAX_SAFE_INTEGER, // as workerd: no cap of its own (Bun's default is 128 MB); R2 uploads in the explorer stream
      fetch: this.route,
      websocket: {
        open: (ws) => {
          const socket = (ws.data as SocketData | undefined)?.socket;
          if (!socket) return void sockets.add(ws);
          try {
            attachSocket(socket, { send: (data) => void ws.send(data), close: (code, reason) => ws.close(code, reason) });
          } catch (error) {
            // workerd has sent the 101 by then too: the client sees the connection dropped.
            (ws.data as SocketData).socket = undefined;
            ws.terminate();
            reportError(error);
          }
        },
        message: (ws, message) => {
          const socket = (ws.data as SocketData | undefined)?.socket;
          try {
            socket?.send(typeof message === "string" ? message : new Uint8Array(message));
          } catch (error) {
            reportError(error);
          }
        },
        close: (ws, code, reason) => {
          sockets.delete(ws);
          const socket = (ws.data as SocketData | undefined)?.socket;
          if (socket) connectionClosed(socket, code, reason);
        },
      },
      error: (error) => new Response(String(error), { status: 500 }),
    });
  }

  // wrangler's /__scheduled takes only `cron`; /cdn-cgi/handler/scheduled also takes `time`.
  private runScheduled = async (url: URL, withTime = true) => {
    const cron = url.searchParams.get("cron") ?? "";
    const time = Number((withTime && url.searchParams.get("time")) || Date.now());
    const current = this.options.primary.current;
    if (!current) return plainText("No worker is loaded", 503);
    return current.scheduled(cron, Number.isFinite(time) ? time : Date.now());
  };

  /** The dev server's own endpoints first; a request for the worker is recorded, unless it is a binding call or on one of those paths. */
  private route = (request: Request, server: Server<unknown>): Promise<Response | undefined> | undefined => {
    const { remote } = this.options;
    // Bun.serve gives a request without a usable Host (none, empty, not a host name: HTTP/1.0 clients)
    // only its path. workerd refuses one without a Host with this 400 (and one it cannot parse with a
    // 500 and a crash line); neither can reach the worker.
    const url = request.url;
    if (url.charCodeAt(0) === 47) return Promise.resolve(plainText("Bad Request", 400));
    // A binding call from another dev process (service fetch, RPC, Durable Object): not a client request.
    const remoteCall = isRemoteCall(request);
    if (remoteCall && remote) return remote(request);
    const pathname = pathOf(url);
    if (pathname.startsWith("/cdn-cgi/")) return this.cdnCgi(request, server, pathname, remoteCall);
    if (remoteCall) return this.handle(request, server, pathname, undefined, performance.now());
    return recordRequest(this.handle, request, server, pathname);
  };

  /** A request under /cdn-cgi/: refused unless it names this machine (src/dev/cdn-cgi.ts), then the dev server's own endpoints or the worker. */
  private cdnCgi(request: Request, server: Server<unknown>, pathname: string, remoteCall: boolean): Promise<Response | undefined> | undefined {
    const { explorerStores, liveReload, bindingRoute } = this.options;
    // As wrangler's entry worker: answered before the request log, so not logged.
    const refused = refuseForeign(request);
    if (refused) return Promise.resolve(refused);
    if (pathname === PLATFORM_PROXY_PATH) {
      // As wrangler: a proxy call (MF-Op) without the session's secret is 401, anything else 400; never the worker's.
      return Promise.resolve(request.headers.has("MF-Op") ? new Response(null, { status: 401 }) : plainText("Invalid proxy request", 400));
    }
    if (explorerStores && (pathname === "/cdn-cgi/explorer" || pathname.startsWith("/cdn-cgi/explorer/"))) return this.explorer(request, server, explorerStores);
    if (liveReload && pathname === LIVE_RELOAD_PATH && server.upgrade(request, { data: undefined })) return undefined;
    const answer = bindingRoute?.(request, pathname);
    if (answer) return answer;
    if (pathname === LEGACY_SCHEDULED_PATH) {
      this.options.console.log("warn", devLogLine("warn", `Triggering scheduled handlers via a request to \`${LEGACY_SCHEDULED_PATH}\` is deprecated, and will be removed in a future version of Miniflare. Instead, send a request to \`${SCHEDULED_PATH}\``));
    }
    if (remoteCall || isOwnPath(pathname)) return this.handle(request, server, pathname, undefined, performance.now());
    return recordRequest(this.handle, request, server, pathname);
  }

  private async explorer(request: Request, server: Server<unknown>, stores: () => ExplorerStore[]): Promise<Response> {
    if (!fromLoopback(server, request)) return new Response("The Local Explorer only answers on loopback.", { status: 403 });
    const { handleExplorer } = await import("../explorer/api.ts");
    return handleExplorer(request, stores());
  }

  /** The handler endpoints under /cdn-cgi/handler/ (and miniflare's old scheduled one), or undefined for any other path. */
  private async handlerEndpoint(request: Request, pathname: string): Promise<Response | undefined> {
    const { primary } = this.options;
    if (pathname === SCHEDULED_PATH || pathname === LEGACY_SCHEDULED_PATH) {
      const result = await this.runScheduled(new URL(request.url));
      return result instanceof Response ? result : result.outcome === "ok" ? plainText("ok", 200) : plainText("exception", 500);
    }
    if (pathname === EMAIL_PATH) {
      if (!primary.current) return plainText("No worker is loaded", 503);
      const { handleEmail } = await import("./email.ts");
      return handleEmail(request, primary.current, this.options.console, primary.settings.project.storeDir);
    }
    // As wrangler's entry worker.
    if (pathname.startsWith(HANDLER_PREFIX)) return plainText(`"${pathname}" is not a valid handler. Did you mean to use "${SCHEDULED_PATH}" or "${EMAIL_PATH}"?`, 404);
    return undefined;
  }

  /** The handler endpoints, assets and the worker; a recorded request's `record` is ended here (see done()). */
  private handle = async (request: Request, server: Server<unknown>, pathname: string, record: RequestRecord | undefined, started: number): Promise<Response | undefined> => {
    const { primary, console: devConsole, liveReload, testScheduled } = this.options;
    try {
      const headers = request.headers;
      const acceptEncoding = headers.get("Accept-Encoding");
      let response: Response;
      let asset: Response | undefined;
      let own: Response | undefined;
      if (pathname.startsWith("/cdn-cgi/") && (own = await this.handlerEndpoint(request, pathname))) {
        response = own;
      } else if (testScheduled && pathname === "/__scheduled") {
        const result = await this.runScheduled(new URL(request.url), false);
        // As wrangler: a throwing handler answers 500 with the error and its stack.
        response =
          result instanceof Response
            ? result
            : result.outcome === "ok"
              ? plainText("Ran scheduled event", 200)
              : plainText(primary.current!.mapStack(result.error), 500);
      } else if (primary.settings.assets && (asset = primary.settings.assets.match(request))) {
        response = asset;
      } else if (!primary.current) {
        response = plainText("Your Worker failed to build or start: see the dev server's output.", 503);
      } else {
        try {
          // As workerd fills it from the connection (IPv4-mapped addresses shown as IPv4).
          if (!headers.has("cf-connecting-ip")) {
            const ip = server.requestIP(request)?.address;
            if (ip) headers.set("CF-Connecting-IP", ip.startsWith("::ffff:") ? ip.slice(7) : ip);
          }
          // As workerd: the worker's Host is its URL's host, normalised as the URL is (lower case, 127.1 as
          // 127.0.0.1, no default port), not the client's spelling.
          const url = request.url;
          const hostAt = url.indexOf("//") + 2;
          const host = url.slice(hostAt, url.indexOf("/", hostAt));
          if (headers.get("host") !== host) headers.set("Host", host);
          // The worker sees the edge's Accept-Encoding; the client's is in request.cf (src/dev/encoding.ts).
          if (acceptEncoding !== WORKER_ACCEPT_ENCODING) headers.set("Accept-Encoding", WORKER_ACCEPT_ENCODING);
          // --host / --upstream-protocol: the worker sees the upstream URL (src/dev/upstream.ts).
          const rewritten = this.options.upstream && toUpstream(request, this.options.upstream);
          const workerRequest = rewritten ? rewritten.request : request;
          let cf: Record<string, unknown> | undefined;
          // Built on first read: most requests never look at cf.
          Object.defineProperty(workerRequest, "cf", { get: () => (cf ??= placeholderCf(undefined, acceptEncoding ?? "")), enumerable: true });
          response = await primary.current.fetch(asReceived(workerRequest));
          // A body the worker's stream fails to give as bytes: logged in workerd's words, the client gets what came before.
          response = endedOnBodyError(response, (error) => devConsole.worker("error", [`Uncaught ${error}`]));
          if (rewritten && response.status !== 101) response = fromUpstream(response, rewritten.inner, rewritten.outer);
          const socket = response.status === 101 ? webSocketOf(response) : undefined;
          if (socket) {
            if (!server.upgrade(request, { data: { socket } as SocketData, headers: response.headers })) {
              throw new TypeError("Worker tried to return a WebSocket in a response to a request which did not contain the header \"Upgrade: websocket\".");
            }
            this.done(request.method, pathname, 101, workerdStatusText(101), record, started);
            return undefined;
          }
          if (liveReload && response.headers.get("Content-Type")?.toLowerCase().includes("text/html")) {
            const html = await response.text();
            const headers = new Headers(response.headers);
            headers.delete("Content-Length");
            response = new Response(html + LIVE_RELOAD_SCRIPT, { status: response.status, statusText: response.statusText, headers });
          }
        } catch (error) {
          const stack = (error as Error).stack ?? String(error);
          devConsole.workerError(stack);
          response = errorResponse(stack, request, (error as { plain?: boolean }).plain === true);
        }
      }
      // Assets, the worker's answers, its error pages and the handler endpoints' answers alike.
      response = encodeForClient(response, acceptEncoding, request.method);
      this.done(request.method, pathname, response.status, response.statusText.trim() || workerdStatusText(response.status), record, started);
      return response;
    } catch (error) {
      if (record) finishRequest(record, 500, performance.now() - started);
      throw error;
    }
  };

  /** A request answered: wrangler's request log line, and the end of its record. */
  private done(method: string, pathname: string, status: number, statusText: string, record: RequestRecord | undefined, started: number): void {
    const elapsed = performance.now() - started;
    // As wrangler, whose logger drops any line naming /cdn-cgi/ below --log-level debug.
    this.options.console.request(pathname.includes("/cdn-cgi/") ? "debug" : "info", devRequestLine(method, pathname, status, statusText, Math.round(elapsed)));
    if (record) finishRequest(record, status, elapsed);
  }
}
