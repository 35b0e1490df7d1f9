// Moved to src/commands/shared/prompts.ts; kept so modules written against the old path still build.
export { confirm, isNonInteractiveOrCI as isNonInteractive } from "../shared/prompts.ts";
