// The dev session's background pumps. A new kind of background work is its
// pump module plus one line here.
import type { PumpFactory } from "./types.ts";
import { workflowsPump } from "./workflows.ts";

export const PUMPS: readonly PumpFactory[] = [workflowsPump];
