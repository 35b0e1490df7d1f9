// Moved to src/commands/shared/format.ts; kept so modules written against the old path still build.
export { renderTable } from "../shared/format.ts";
