// Cron triggers: the scheduled() handler reached through /cdn-cgi/handler/scheduled
// and /__scheduled, and what each tool does with a malformed cron.
import { rmSync } from "node:fs";
import { makeScratch, normalize, runStep, type CaseOutcome, type CompatCase } from "../harness.ts";
import { devCase } from "../dev-harness.ts";

// A cron that does not fire while a case runs: bunflare dev fires crons on their
// schedule (wrangler dev never does), which would change what /last shows.
const toml = 'name = "crons"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n[triggers]\ncrons = ["0 0 1 1 *"]\n';
const worker = `let last = "none";
export default {
  fetch(request) {
    return new Response(last);
  },
  async scheduled(controller, env, ctx) {
    if (controller.cron === "throw") throw new Error("scheduled failed");
    last = JSON.stringify({
      cron: controller.cron,
      // Without ?time= (or at /__scheduled, which ignores it) it is the current time.
      scheduledTime: Math.abs(controller.scheduledTime - Date.now()) < 60000 ? "now" : controller.scheduledTime,
      noRetry: typeof controller.noRetry,
      type: controller.type ?? null,
      env: typeof env,
      waitUntil: typeof ctx.waitUntil,
    });
  },
};
`;

// Deliberately better than wrangler: the pinned wrangler checks crons only when it
// uploads them, so `deploy --dry-run` (and `dev`) accept an hour of 25. Bunflare,
// which fires crons under dev, rejects it as a config error naming the expression.
const malformed: CompatCase = {
  name: "crons: a malformed cron is a config error (wrangler accepts it locally)",
  files: { "wrangler.toml": toml.replace("0 0 1 1 *", "0 25 * * *"), "index.js": worker },
  steps: [],
  async run(): Promise<CaseOutcome> {
    const problems: string[] = [];
    for (const tool of ["wrangler", "bunflare"] as const) {
      const dir = makeScratch(malformed, tool);
      try {
        const result = await runStep(tool, dir, { args: ["deploy", "--dry-run"] });
        const stderr = normalize(result.stderr, tool, dir);
        if (tool === "wrangler" && result.exitCode !== 0) problems.push(`wrangler now rejects the cron (exit ${result.exitCode}):\n${stderr}`);
        if (tool === "bunflare") {
          const want = '- "triggers.crons[0]" is not a valid cron expression: "0 25 * * *" (invalid value for hour: 25).';
          if (result.exitCode !== 1) problems.push(`bunflare exit code ${result.exitCode}, expected 1`);
          if (!stderr.includes(want)) problems.push(`bunflare stderr lacks ${want}:\n${stderr}`);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    return { name: malformed.name, ok: problems.length === 0, problems };
  },
};

export const cases: CompatCase[] = [
  devCase({
    name: "crons: /cdn-cgi/handler/scheduled calls scheduled(controller, env, ctx) with cron and time",
    files: { "wrangler.toml": toml, "index.js": worker },
    requests: [
      { path: "/cdn-cgi/handler/scheduled?cron=*/5+*+*+*+*&time=1700000000000" },
      { path: "/last" },
      { path: "/cdn-cgi/handler/scheduled" },
      { path: "/last" },
      { path: "/cdn-cgi/handler/scheduled?cron=throw" },
      { path: "/__scheduled?cron=1+*+*+*+*" },
    ],
  }),
  devCase({
    name: "crons: --test-scheduled serves /__scheduled, including a handler that throws",
    files: { "wrangler.toml": toml, "index.js": worker },
    args: ["--test-scheduled"],
    requests: [
      { path: "/__scheduled?cron=0+10+*+*+MON%232&time=5000" },
      { path: "/last" },
      { path: "/__scheduled?cron=throw", firstLineOnly: true },
      { path: "/cdn-cgi/handler/scheduled?cron=throw" },
    ],
  }),
  devCase({
    // Deliberately better than wrangler, twice, with assets in front of the worker:
    // its /__scheduled lives inside the user worker, so with `run_worker_first`
    // routes the SPA fallback answers it with index.html and the handler never
    // runs; and its /cdn-cgi/handler/scheduled answers 500 "exception" whenever
    // assets are configured. Bunflare runs the handler for both, as asked.
    name: "crons: with SPA assets in front, /__scheduled and /cdn-cgi/handler/scheduled still run the handler (wrangler does not)",
    files: {
      "wrangler.toml": `${toml}[assets]\ndirectory = "public"\nnot_found_handling = "single-page-application"\nrun_worker_first = ["/api/*"]\n`,
      "index.js": worker,
      "public/index.html": "<!doctype html><h1>spa</h1>\n",
    },
    args: ["--test-scheduled"],
    requests: [
      {
        path: "/__scheduled?cron=5+*+*+*+*",
        headers_compared: ["content-type"],
        expected: [
          {
            reason: "wrangler's SPA fallback answers /__scheduled with index.html; bunflare runs the scheduled handler",
            wrangler: (text) => text.replace(/"content-type": "text\/html[^"]*"(\s*\},\s*"body": )"<!doctype html><h1>spa<\/h1>\\n"/, '"content-type": "text/plain;charset=UTF-8"$1"Ran scheduled event"'),
          },
        ],
      },
      { path: "/api/last", expected: [{ reason: "so wrangler's handler never ran", bunflare: (text) => text.replace(/"\{\\"cron\\":\\"5 \* \* \* \*\\".*\}"/, '"none"') }] },
      {
        path: "/cdn-cgi/handler/scheduled?cron=6+*+*+*+*",
        expected: [{ reason: "wrangler answers /cdn-cgi/handler/scheduled with 500 \"exception\" when assets are configured; bunflare runs the handler", wrangler: (text) => text.replace('"status": 500', '"status": 200').replace('"body": "exception"', '"body": "ok"') }],
      },
      { path: "/api/last", expected: [{ reason: "so wrangler's handler never ran", bunflare: (text) => text.replace(/"\{\\"cron\\":\\"6 \* \* \* \*\\".*\}"/, '"none"') }] },
      { path: "/some/route", headers_compared: ["content-type"] },
    ],
  }),
  malformed,
];
