// The dev session's background pumps. A new kind of background work is its
// pump module plus one line here.
import { startCronPump } from "./crons.ts";
import type { PumpFactory } from "./types.ts";
import { queuesPump } from "./queues.ts";
import { workflowsPump } from "./workflows.ts";

export const PUMPS: readonly PumpFactory[] = [queuesPump, workflowsPump, (session) => startCronPump(session)];
