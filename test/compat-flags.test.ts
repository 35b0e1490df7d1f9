// Cloudflare.compatibilityFlags and workerd's refusals, from runtime/compat-flags.ts (read off the
// pinned workerd by scripts/compat-flags.cjs; compat-tests/cases/runtime.ts diffs them against it).
import { describe, expect, test } from "bun:test";
import { absentGlobals, compatibilityFlags, startupProblem } from "../runtime/compat.ts";

describe("compatibilityFlags", () => {
  test("a flag is on from its default date, or when given", () => {
    expect(compatibilityFlags({ date: "2025-05-04", flags: [] }).enable_weak_ref).toBe(false);
    expect(compatibilityFlags({ date: "2025-05-05", flags: [] }).enable_weak_ref).toBe(true);
    expect(compatibilityFlags({ date: "2024-01-01", flags: ["enable_weak_ref"] }).enable_weak_ref).toBe(true);
  });

  test("its disable flag keeps it off after the date", () => {
    expect(compatibilityFlags({ date: "2026-01-01", flags: ["disable_weak_ref"] }).enable_weak_ref).toBe(false);
  });

  test("nodejs_compat implies flags from their dates; one that needs another is off without it", () => {
    const on = compatibilityFlags({ date: "2025-09-01", flags: ["nodejs_compat"] });
    expect([on.nodejs_compat_v2, on.nodejs_compat_populate_process_env, on.enable_nodejs_http_modules, on.enable_nodejs_http_server_modules]).toEqual([true, true, true, true]);
    expect(compatibilityFlags({ date: "2024-09-22", flags: ["nodejs_compat"] }).nodejs_compat_v2).toBe(false);
    expect(compatibilityFlags({ date: "2025-09-01", flags: [] }).enable_nodejs_http_modules).toBe(false);
    const withoutHttp = compatibilityFlags({ date: "2025-09-01", flags: ["nodejs_compat", "disable_nodejs_http_modules"] });
    expect([withoutHttp.enable_nodejs_http_modules, withoutHttp.enable_nodejs_http_server_modules]).toEqual([false, false]);
  });

  test("the globals workerd gives follow the flags", () => {
    expect(absentGlobals(compatibilityFlags({ date: "2025-01-01", flags: [] }))).toContain("WeakRef");
    expect(absentGlobals(compatibilityFlags({ date: "2026-01-01", flags: [] }))).not.toContain("MessageChannel");
    expect(absentGlobals(compatibilityFlags({ date: "2026-03-17", flags: ["nodejs_compat"] }))).not.toContain("Performance");
  });
});

describe("startupProblem", () => {
  const now = new Date("2026-12-03T00:00:00Z");
  test("a flag and its disable flag together are refused", () => {
    expect(startupProblem("w", { date: "2025-01-01", flags: ["enable_weak_ref", "disable_weak_ref"] }, now)?.lines).toEqual([
      "service core:user:w: Compatibility flags are mutually contradictory: enable_weak_ref vs disable_weak_ref",
    ]);
  });

  test("a flag given on or after its default date is refused", () => {
    expect(startupProblem("w", { date: "2025-05-05", flags: ["enable_weak_ref"] }, now)?.lines).toEqual([
      "service core:user:w: The compatibility flag enable_weak_ref became the default as of 2025-05-05 so does not need to be specified anymore.",
    ]);
    expect(startupProblem("w", { date: "2025-05-04", flags: ["enable_weak_ref"] }, now)).toBeUndefined();
  });
});
