// Tail consumers (`tail_consumers`) under wrangler dev and bunflare dev: the
// block the start prints, and what a consumer's tail() receives from a worker
// in another dev session (found through the dev registry) for fetch and
// scheduled invocations.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { showDiff, type CaseOutcome, type CompatCase, type Tool } from "../harness.ts";
import { devCase, kill, startDev, workerToml, type Running } from "../dev-harness.ts";
import { freePort } from "../../bench/proc.ts";

const PRODUCER = {
  "wrangler.toml": workerToml("producer", "index.js", 'tail_consumers = [{ service = "logger" }]\n'),
  "index.js": `export default {
  async fetch(request) {
    console.log("hello", { a: 1 }, [2, "three"]);
    console.warn("careful");
    console.error("bad", 4);
    if (new URL(request.url).pathname === "/throw") throw new Error("boom");
    return new Response("ok");
  },
  async scheduled(controller) {
    console.log("cron", controller.cron);
    if (controller.cron === "fail") throw new TypeError("scheduled boom");
  },
};
`,
};
const LOGGER = {
  "wrangler.toml": workerToml("logger"),
  "index.js": `export default {
  fetch() { return new Response("logger"); },
  async tail(events) { console.log("TAIL " + JSON.stringify(events)); },
};
`,
};

/**
 * A batch with what legitimately varies set aside: the clock (timestamps), the port each
 * server got, and an exception's stack (wrangler's names a frame in its bundle under
 * .wrangler/tmp/dev-<random>, bunflare's the user's source file, with JSC's frame names).
 */
function normalised(batch: any[], url: string): string {
  const port = new URL(url).port;
  const text = JSON.stringify(batch, (key, value) => {
    if (key === "timestamp" || key === "eventTimestamp") return "<time>";
    if (key === "stack") return "<stack>";
    return value;
  }, 2);
  return text.replaceAll(`:${port}`, ":<port>");
}

const REQUESTS = ["/path?q=1", "/throw", "/cdn-cgi/handler/scheduled?cron=*+*+*+*+*&time=1000", "/cdn-cgi/handler/scheduled?cron=fail&time=2000"];

const tailEventsCase: CompatCase = {
  name: "tail: a consumer in another dev session gets fetch and scheduled events, logs and exceptions",
  steps: [],
  async run(): Promise<CaseOutcome> {
    const problems: string[] = [];
    const seen: Record<Tool, string[]> = { wrangler: [], bunflare: [] };
    for (const tool of ["wrangler", "bunflare"] as const) {
      // A fresh HOME per tool: its dev registry holds only these two sessions.
      const home = mkdtempSync(path.join(tmpdir(), `compat-${tool}-tail-`));
      const running: Running[] = [];
      const start = async (name: string, files: Record<string, string>) => {
        const dir = path.join(home, name);
        mkdirSync(dir, { recursive: true });
        for (const [file, content] of Object.entries(files)) writeFileSync(path.join(dir, file), content);
        const dev = await startDev(tool, dir, ["--inspector-port", String(await freePort())], { HOME: home });
        running.push(dev);
        return dev;
      };
      try {
        const logger = await start("logger", LOGGER);
        const producer = await start("producer", PRODUCER);
        const batches = () => [...logger.stdout().matchAll(/^TAIL (.*)$/gm)].map((match) => JSON.parse(match[1]!) as any[]);
        // One request at a time, each batch awaited: the batches' order is the requests'.
        for (const [index, request] of REQUESTS.entries()) {
          await fetch(producer.url + request, { headers: { "x-foo": "bar" } }).then((response) => response.arrayBuffer());
          const deadline = Date.now() + 10_000;
          while (batches().length <= index && Date.now() < deadline) await Bun.sleep(50);
          const batch = batches()[index];
          seen[tool].push(batch ? normalised(batch, producer.url) : `no tail event for ${request}`);
        }
      } catch (error) {
        problems.push(`${tool}: ${error}`);
      } finally {
        for (const dev of running) kill(dev.child);
        rmSync(home, { recursive: true, force: true });
      }
    }
    for (const [index, request] of REQUESTS.entries()) {
      const want = seen.wrangler[index] ?? "";
      const got = seen.bunflare[index] ?? "";
      if (want !== got) problems.push(`tail event for ${request}:\n${showDiff(want, got)}`);
    }
    return { name: tailEventsCase.name, ok: problems.length === 0, problems };
  },
};

export const cases: CompatCase[] = [
  // Without `streaming_tail_consumers`: wrangler 4.86 lists one as "- streamer (streaming) [not
  // connected]" too, but then its workerd refuses to start ("...'s streaming tails refers to a
  // service ..., but no such service is defined"), so there is nothing to compare after the list.
  devCase({
    name: "tail: the start lists the tail consumers, not connected, and the connection note",
    files: PRODUCER,
    compareStartup: true,
    requests: [{ path: "/" }],
  }),
  tailEventsCase,
];
