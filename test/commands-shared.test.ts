// The shared command helpers against what wrangler's libraries produce
// (chalk's colour levels and downsampling, pretty-bytes, getValidBindingName).
import { expect, test } from "bun:test";
import { detectLevel } from "../src/colors.ts";
import { prettyBytes } from "../src/commands/shared/format.ts";
import { validBindingName } from "../src/commands/shared/create.ts";

test("colour level follows supports-color: FORCE_COLOR, then the terminal", () => {
  expect(detectLevel({}, false)).toBe(0);
  expect(detectLevel({ FORCE_COLOR: "1" }, false)).toBe(1);
  expect(detectLevel({ FORCE_COLOR: "3", CI: "true" }, false)).toBe(3);
  expect(detectLevel({ FORCE_COLOR: "0", COLORTERM: "truecolor" }, true)).toBe(0);
  expect(detectLevel({ FORCE_COLOR: "" }, false)).toBe(1);
  expect(detectLevel({ TERM: "xterm-256color" }, true)).toBe(2);
  expect(detectLevel({ TERM: "xterm-256color", COLORTERM: "truecolor" }, true)).toBe(3);
  expect(detectLevel({ TERM: "xterm-256color", CI: "true" }, true)).toBe(0);
  expect(detectLevel({ TERM: "xterm-256color", CI: "true", GITHUB_ACTIONS: "true" }, true)).toBe(3);
  expect(detectLevel({ TERM: "dumb" }, true)).toBe(0);
  expect(detectLevel({ NO_COLOR: "1", FORCE_COLOR: "1" }, true)).toBe(0);
});

test("hex colours downsample as chalk's do", async () => {
  const hexAt = async (level: string) => {
    const proc = Bun.spawnSync(
      ["bun", "-e", 'import { hex } from "./src/colors.ts"; process.stdout.write(JSON.stringify([hex("#BD5B08")("x"), hex("#FF8800")("y")]))'],
      { cwd: `${import.meta.dir}/..`, // TERM=dumb: the forced level stands (a known TERM would set its own, as in supports-color).
      env: { ...process.env, FORCE_COLOR: level, NO_COLOR: "", TERM: "dumb" } },
    );
    return JSON.parse(proc.stdout.toString());
  };
  // Wrangler's "Resource location:" and banner rule colours, as its output shows them at each level.
  expect(await hexAt("1")).toEqual(["\x1b[31mx\x1b[39m", "\x1b[93my\x1b[39m"]);
  expect(await hexAt("2")).toEqual(["\x1b[38;5;172mx\x1b[39m", "\x1b[38;5;214my\x1b[39m"]);
  expect(await hexAt("3")).toEqual(["\x1b[38;2;189;91;8mx\x1b[39m", "\x1b[38;2;255;136;0my\x1b[39m"]);
  expect(await hexAt("0")).toEqual(["x", "y"]);
});

test("prettyBytes is pretty-bytes with wrangler's options", () => {
  expect(prettyBytes(0)).toBe("0 B");
  expect(prettyBytes(999)).toBe("999 B");
  expect(prettyBytes(1234)).toBe("1.23 kB");
  expect(prettyBytes(999_999)).toBe("1000 kB");
  expect(prettyBytes(1_500_000_000)).toBe("1.5 GB");
});

test("validBindingName makes an identifier, or falls back", () => {
  expect(validBindingName("my-cache store", "KV")).toBe("my_cache_store");
  expect(validBindingName("9lives", "KV")).toBe("_9lives");
  expect(validBindingName("--", "r2")).toBe("r2");
  expect(validBindingName("a--b!!c", "DB")).toBe("a_bc");
});
