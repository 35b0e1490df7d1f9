// Helpers every command module shares, in wrangler's words and colours.
// Colours themselves are in src/colors.ts; usage errors are
// CommandLineArgsError and binding failures go through asUserError (src/errors.ts).
export { confirm, confirmDelete, isNonInteractiveOrCI, prompt } from "./prompts.ts";
export {
  isLocal,
  LOCAL_REMOTE_OPTIONS,
  needsNetwork,
  printResourceLocation,
  printResourceLocationBlock,
  refuseRemote,
  type LocalRemoteArgs,
  type LocationFlags,
} from "./location.ts";
export { prettyBytes, renderTable } from "./format.ts";
export { printCreatedResourceConfig, validBindingName, type AddToConfigArgs } from "./create.ts";
export { networkOnlyCommand } from "./network-only.ts";
export { fileErrorReason } from "./files.ts";
