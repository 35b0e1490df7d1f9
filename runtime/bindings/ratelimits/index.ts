// The rate limiter wrangler dev simulates: fixed windows of `period` seconds
// (aligned to the epoch), one counter per key. Counters live per namespace in
// this process, so a reload of the worker does not reset them.

const PERIODS = [10, 60];
const OPTION_KEYS = ["key", "limit", "period"];

interface Window {
  epoch: number;
  counts: Map<string, number>;
}
const windows = new Map<string, Window>();

function check(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

export class RateLimiter {
  constructor(
    private readonly namespaceId: string,
    private readonly defaultLimit: number,
    private readonly defaultPeriod: number,
  ) {}

  async limit(options: unknown): Promise<{ success: boolean }> {
    check(typeof options === "object" && options !== null, "invalid rate limit options");
    const given = options as Record<string, unknown>;
    const bad = Object.keys(given).filter((key) => !OPTION_KEYS.includes(key));
    check(bad.length === 0, `bad rate limit options: [${bad.join(",")}]`);
    const { key = "", limit = this.defaultLimit, period = this.defaultPeriod } = given;
    check(typeof key === "string", `invalid key: ${key}`);
    check(typeof limit === "number", `limit must be a number: ${limit}`);
    check(typeof period === "number", `period must be a number: ${period}`);
    check(PERIODS.includes(period as number), `unsupported period: ${period}`);
    const epoch = Math.floor(Date.now() / ((period as number) * 1000));
    let window = windows.get(this.namespaceId);
    if (!window || window.epoch !== epoch) windows.set(this.namespaceId, (window = { epoch, counts: new Map() }));
    const count = window.counts.get(key as string) ?? 0;
    if (count >= (limit as number)) return { success: false };
    window.counts.set(key as string, count + 1);
    return { success: true };
  }
}

export function createRateLimiter(namespaceId: string, limit: number, period: number): RateLimiter {
  return new RateLimiter(namespaceId, limit, period);
}
