// Entry of the prebuilt CLI bundles (dist/cli-<id>.js for kv, .d1.js, .r2.js and .dev.js
// for those groups, dist/cli-<id>.all.js for every group; dev's and the last with their lazy
// parts beside them, .dev.<part>.js and .all.<part>.js; built by scripts/build-cli.ts at
// install, compiled to bytecode): bin/bunflare runs them. A bundle must never run older code than the sources beside
// it, so before anything else this checks its manifest (the bundle's name, ending .manifest.json): the package
// root the bundle was built in (the bundle has it compiled in, e.g. for
// finding runtime/ files) and the size and modification time of every source
// file it was built from, and that the bundles it requires (`parts`) are there. On any difference (an edit in a git checkout, a
// moved install, a half-written build) the sources run instead, as without a
// bundle. The check is a few hundred stat calls: well under a millisecond.
import { readFileSync, statSync } from "node:fs";
import path from "node:path";

interface Manifest {
  root: string;
  /** [path relative to root, size, mtimeMs] of each source file the bundle was built from. */
  files: [string, number, number][];
  /** Bundles beside this one that it requires (lazy parts), built with it: `files` lists their sources too. */
  parts?: string[];
}

function bundleIsCurrent(root: string, bundle: string): boolean {
  try {
    const manifest = JSON.parse(readFileSync(bundle.replace(/\.js$/, ".manifest.json"), "utf8")) as Manifest;
    if (manifest.root !== root) return false;
    for (const [file, size, mtimeMs] of manifest.files) {
      const stat = statSync(path.join(root, file));
      if (stat.size !== size || stat.mtimeMs !== mtimeMs) return false;
    }
    // A part that is gone (removed by hand, a build cleaning up) throws here, not at its first use.
    for (const part of manifest.parts ?? []) statSync(path.join(path.dirname(bundle), part));
    return true;
  } catch {
    return false;
  }
}

const bundle = process.argv[1]!;
const root = path.resolve(path.dirname(bundle), "..");
// The sources' entry loaded at run time by path, not bundled: the fallback.
const sources = path.join(root, "src", "cli.ts");
const cli: typeof import("./cli.ts") = bundleIsCurrent(root, bundle) ? require("./cli.ts") : require(sources);
void cli.main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
