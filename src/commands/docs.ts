// `bunflare docs [search..]`: wrangler opens a browser on the docs; bunflare prints the URL
// (it runs in terminals and CI where no browser can open).
import { defineCommand, type GlobalArgs } from "./define.ts";
import { log } from "../log.ts";

const DOCS = "https://developers.cloudflare.com/workers/wrangler/commands/";

export default defineCommand<GlobalArgs & { search: string[]; yes?: boolean }>({
  command: "docs [search..]",
  describe: "📚 Open Wrangler's command documentation in your browser",
  positionals: {
    search: { describe: "Enter search terms (e.g. the wrangler command) you want to know more about", type: "string", array: true, default: [] },
  },
  options: { yes: { alias: "y", describe: "Takes you to the docs, even if search fails", type: "boolean" } },
  handler(args) {
    const terms = args.search.map(String).join(" ").trim();
    const url = terms ? `https://developers.cloudflare.com/search/?q=${encodeURIComponent(`wrangler ${terms}`)}` : DOCS;
    log.info(`📖 The docs are at ${url} (bunflare does not open a browser: open the link yourself).`);
  },
});
