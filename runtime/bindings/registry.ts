// Every binding bunflare knows, in wrangler's bindings-table order. buildEnv,
// the bindings table, config validation, `types` and the Local Explorer
// iterate this list; a new binding is its folder plus one line here.
import type { BindingDescriptor } from "./descriptor.ts";
import { workflows } from "./workflows/descriptor.ts";

export const BINDINGS: readonly BindingDescriptor[] = [workflows];
