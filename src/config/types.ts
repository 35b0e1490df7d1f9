// The config types live with the runtime (runtime/config.ts and each binding's
// folder), so runtime/ never imports from src/; they are re-exported here for
// the CLI's code.
export type * from "../../runtime/config.ts";
