/**
 * Percentile maths of the benchmark: nearest-rank percentiles over collected samples, and the
 * summaries printed in the report. Pure; the smoke tests pin the edge cases.
 */

export interface Summary {
  count: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export const EMPTY_SUMMARY: Summary = { count: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 };

/** Nearest-rank percentile of an ascending array: the smallest value with ≥ p of the samples at or below it. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  if (p <= 0) return sorted[0]!;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length, rank) - 1]!;
}

/** Rounds to `digits` decimals (figures in the report carry no false precision). */
export function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export function summarize(values: ArrayLike<number>, digits = 2): Summary {
  if (values.length === 0) return { ...EMPTY_SUMMARY };
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    count: sorted.length,
    p50: round(percentile(sorted, 0.5), digits),
    p90: round(percentile(sorted, 0.9), digits),
    p99: round(percentile(sorted, 0.99), digits),
    max: round(sorted[sorted.length - 1]!, digits),
    mean: round(sum / sorted.length, digits),
  };
}

/** Events per second over a span in ms (0 for an empty span). */
export function ratePerSecond(count: number, spanMs: number): number {
  return spanMs > 0 ? Math.round((count * 1000) / spanMs) : 0;
}

/** a / b rounded, or null when b is 0 or unknown (a ratio to a reference that did not run). */
export function ratio(a: number | undefined, b: number | undefined, digits = 2): number | null {
  if (a === undefined || b === undefined || b === 0) return null;
  return round(a / b, digits);
}
