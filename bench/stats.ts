// Order statistics used by every scenario. Medians across runs, percentiles
// within one load run; both on sorted copies so callers keep their samples.

/** The p-th percentile (0..100) by nearest rank, as load generators report it. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile must be in 0..100, got ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  // Nearest rank: the smallest sample with at least p% of samples at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** The median; the mean of the two middle samples for an even count. */
export function median(samples: readonly number[]): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * How many times better bunflare is than wrangler, so that every ratio in the
 * table reads the same way (>1 is better) whether the metric is a time, a
 * memory size (lower is better) or a request rate (higher is better).
 */
export function improvement(wrangler: number, bunflare: number, better: "lower" | "higher"): number {
  if (!Number.isFinite(wrangler) || !Number.isFinite(bunflare) || wrangler <= 0 || bunflare <= 0) return Number.NaN;
  return better === "lower" ? wrangler / bunflare : bunflare / wrangler;
}
