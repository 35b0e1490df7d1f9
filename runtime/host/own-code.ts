// bunflare's own files, as opposed to the user's.
import path from "node:path";

const ROOT = path.resolve(import.meta.dir, "../..") + path.sep;
const FIXTURES = ROOT + "fixtures" + path.sep;
/** Where bunflare's code runs from: its sources and its bundles. */
const CODE_DIRS = ["runtime", "src", "dist"].map((dir) => ROOT + dir + path.sep);

/**
 * A file of the package that is never user code: anything under its root but
 * fixtures/ (the test projects inside the repository), its own dependencies included.
 */
export const isPackageFile = (file: string) => file.startsWith(ROOT) && !file.startsWith(FIXTURES);

/** Bun's frame for EventTarget's native dispatch, under every listener it calls: workerd's is C++, never in a stack. */
const NATIVE_DISPATCH = "at dispatchEvent (unknown)";

/** Whether a line of a stack is a frame ("at …") in bunflare's code: stacks shown to the user leave these out. */
export const isOwnFrame = (line: string) =>
  line.trimStart().startsWith("at ") && (CODE_DIRS.some((dir) => line.includes(dir)) || line.trim() === NATIVE_DISPATCH);
