// Every section of the Local Explorer's API, in the order the OpenAPI document
// and GET /local/workers list them. A binding's explorer view is its module
// here plus one line below.
import type { ExplorerSection } from "../common.ts";
import { kvSection } from "./kv.ts";
import { d1Section } from "./d1.ts";
import { r2Section } from "./r2.ts";
import { durableObjectsSection } from "./durable-objects.ts";
import { workflowsSection } from "./workflows.ts";
import { queuesSection } from "./queues.ts";
import { cacheSection } from "./cache.ts";
import { requestsSection } from "./requests.ts";

export const SECTIONS: readonly ExplorerSection[] = [kvSection, d1Section, r2Section, durableObjectsSection, workflowsSection, queuesSection, cacheSection, requestsSection];
