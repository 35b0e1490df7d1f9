// `bunflare explorer` (not in wrangler): the Local Explorer on the project's
// store without a dev server, since every bunflare process shares that store.
// Loopback only: the page reads and edits local data.
import { defineCommand, type GlobalArgs } from "./define.ts";
import { refuseForeign } from "../dev/cdn-cgi.ts";
import { openInBrowser } from "../dev/console.ts";
import { UserError } from "../errors.ts";
import { log } from "../log.ts";

interface ExplorerArgs extends GlobalArgs {
  port: number;
  open: boolean;
  "persist-to"?: string;
}

export default defineCommand<ExplorerArgs>({
  command: "explorer",
  describe: "🔎 Browse and edit local binding data in the browser",
  options: {
    port: { describe: "Port to listen on (0 for any free port)", type: "number", default: 8790 },
    open: { describe: "Open the explorer in your browser", type: "boolean", default: false },
    "persist-to": { describe: "Directory of the local store (defaults to .bunflare beside the config)", type: "string", requiresArg: true },
  },
  behaviour: { printBanner: true, provideConfig: true },
  async handler(args, { project }) {
    if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
      throw new UserError(`Invalid --port: ${args.port}. Expected a port number from 0 to 65535.`);
    }
    const { handleExplorer } = await import("../explorer/api.ts");
    const store = project.store();
    const configs = [project.loaded.config];
    let server: ReturnType<typeof Bun.serve>;
    try {
      server = Bun.serve({
        hostname: "127.0.0.1",
        port: args.port,
        idleTimeout: 0,
        // Uploads stream to R2 whatever their size; the API answers R2's own limit in its words.
        maxRequestBodySize: Number.MAX_SAFE_INTEGER,
        fetch(request) {
          const { pathname } = new URL(request.url);
          if (pathname === "/" ) return Response.redirect(new URL("/cdn-cgi/explorer", request.url).href, 302);
          if (pathname === "/cdn-cgi/explorer" || pathname.startsWith("/cdn-cgi/explorer/")) return refuseForeign(request) ?? handleExplorer(request, [{ store, configs, configPaths: [project.loaded.path] }]);
          return new Response("Not found: the Local Explorer is at /cdn-cgi/explorer", { status: 404 });
        },
      });
    } catch (error) {
      if (/in use/i.test(String((error as Error).message)) || (error as NodeJS.ErrnoException).code === "EADDRINUSE") {
        throw new UserError(`Address already in use (127.0.0.1:${args.port}). Please check that you are not already running a server on this address or specify a different port with --port.`);
      }
      throw error;
    }
    const url = `http://127.0.0.1:${server.port}/cdn-cgi/explorer`;
    log.info(`Local Explorer ready on ${url}`);
    log.info(`Showing the store in ${project.storeDir}. Press Ctrl-C to stop.`);
    if (args.open) openInBrowser(url);
    const stop = () => {
      server.stop(true);
      store.close();
      process.exit(0);
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    await new Promise<never>(() => {});
  },
});
