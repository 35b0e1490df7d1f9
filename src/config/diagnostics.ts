// Config diagnostics are shared with the binding descriptors, so the class lives in runtime/.
export { Diagnostics, indentText } from "../../runtime/diagnostics.ts";
