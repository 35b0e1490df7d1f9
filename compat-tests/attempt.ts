/**
 * Worker source prepended to a compat worker that checks many calls in one answer:
 * `attempt(work, shown?, failed?)` runs `work` and gives `shown` of what it returned (by
 * default the value itself, "undefined" for none, so the key stays in the JSON), or `failed`
 * of what it threw (by default "ErrorClass: message"). A `work` that returns a promise gives a
 * promise of the same, so one helper serves synchronous and asynchronous calls alike; what
 * `shown` throws counts as thrown by `work`.
 */
export const ATTEMPT = `const attempt = (work, shown = (r) => (r === undefined ? "undefined" : r), failed = (e) => e.constructor.name + ": " + e.message) => {
  try {
    const r = work();
    return typeof r?.then === "function" ? r.then(shown).catch(failed) : shown(r);
  } catch (e) {
    return failed(e);
  }
};`;
