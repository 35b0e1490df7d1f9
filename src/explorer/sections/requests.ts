// The dev session's requests (bunflare's addition): the record kept by
// src/dev/requests.ts, with per-route counts and p50 / p99.
import { intParam, notFound, ok, type ExplorerSection } from "../common.ts";

export const requestsSection: ExplorerSection = {
  prefix: ["requests"],
  operations: [
    { method: "get", path: "/requests", summary: "The dev session's last requests (method, path, status, duration, console lines) and cron / queue invocations, with per-route count and p50 / p99", tag: "bunflare", extra: true, query: { kind: "http, cron or queue", limit: "how many" } },
    { method: "delete", path: "/requests", summary: "Forget the recorded requests", tag: "bunflare", extra: true },
  ],
  route: (request, url, rest) => requestRoutes(request, url, rest),
};

function requestRoutes(request: Request, url: URL, rest: string[]): Response {
  const recorder = require("../../dev/requests.ts") as typeof import("../../dev/requests.ts");
  if (rest.length === 0 && request.method === "GET") {
    const limit = intParam(url, "limit", [1, recorder.MAX_RECORDED]) ?? 100;
    if (limit instanceof Response) return limit;
    const requests = recorder.recordedRequests({ kind: url.searchParams.get("kind") ?? undefined, limit });
    return ok({ requests, routes: recorder.routeStats() }, { count: requests.length, recording: recorder.isRecording() });
  }
  if (rest.length === 0 && request.method === "DELETE") {
    recorder.clearRecorded();
    return ok(null);
  }
  return notFound(request);
}
