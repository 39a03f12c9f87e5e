/**
 * The finite working range every detector keeps its numbers in, so no input can turn a statistic into
 * Infinity or NaN (which JSON would save as null and a restored model could not continue from):
 * - inputs: |value| <= INPUT_LIMIT. The difference of two such values, squared, stays finite in float64
 *   (4e300 < 1.8e308), so means, variances and seasons stay finite. Larger values are refused or clipped
 *   (option `extreme`, see InputGuard).
 * - features (what the forest's float32 point store holds): |feature| <= FEATURE_LIMIT, well inside
 *   float32's 3.4e38, so a point's box and range sums stay finite.
 * - raw scores (a z of an input's deviation can be any size): |score| <= SCORE_LIMIT, so the thresholder's
 *   squared deviations stay finite.
 * Inside the range, statistics learn through a winsorised update: a deviation is capped at WINSOR_K
 * times the statistic's current scale before it is learned, so one spike raises a variance by at most a
 * factor (1 + alpha * WINSOR_K^2) instead of blinding the detector for a horizon. A lasting change still
 * gets learned: each capped point raises the scale, geometrically, until the change fits inside it.
 */
export const INPUT_LIMIT = 1e150;
export const FEATURE_LIMIT = 1e30;
export const SCORE_LIMIT = 1e100;
export const WINSOR_K = 50;
/**
 * A score above this many times its thresholder's current threshold is learned as that much: it says
 * no more about what is normal, and a z-score of a 1e6 spike would otherwise silence the thresholder.
 */
export const SCORE_CAP = 10;
/** Points a statistic learns as they come before winsorising starts (its scale means little before). */
export const WINSOR_AFTER = 30;
/**
 * A point beyond this many deviations of an input (once WINSOR_AFTER points were learned) is absurd: the
 * random cut forest scores it but learns it neither into its standardisation nor into its trees (nor the
 * points after it into the trees or the scoring stage while they hold it: unlearnedSpan), unless the point
 * before it was absurd too (a lasting change is learned from its second point on, winsorised). Even
 * winsorised, one such point would widen the standardisation by half, and its score would raise the scoring
 * stage's deviation or peak: an 8-deviation outlier 150 points later would not alarm.
 * No point of the development sets comes near it.
 */
export const ABSURD_K = 1000;

/**
 * Time-discounted mean and variance, one value at a time: the n-th value weighs alpha = 1/n (an exact mean)
 * until n reaches the horizon, then 1/horizon (the past fades). `delta` is the value's distance from the mean
 * before the step (possibly winsorised).
 */
export function discountWeight(n: number, horizon: number): number {
  return Math.max(1 / n, 1 / horizon);
}

export function discountedMean(mean: number, delta: number, alpha: number): number {
  return mean + alpha * delta;
}

export function discountedVariance(variance: number, delta: number, alpha: number): number {
  return (1 - alpha) * (variance + alpha * delta * delta);
}

/** `value` clamped into [-limit, limit]. */
export function clamp(value: number, limit: number): number {
  return value > limit ? limit : value < -limit ? -limit : value;
}

/** A deviation capped at WINSOR_K x `scale` once `count` points were learned (scale > 0). */
export function winsorise(delta: number, scale: number, count: number): number {
  if (count < WINSOR_AFTER) return delta;
  const cap = WINSOR_K * scale;
  return delta > cap ? cap : delta < -cap ? -cap : delta;
}

/** The index of the value farthest from the median (the first of ties); -1 for no values. */
export function farthestFromMedian(values: readonly number[]): number {
  if (values.length === 0) return -1;
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  let far = 0;
  for (let i = 1; i < values.length; i++) if (Math.abs(values[i] - median) > Math.abs(values[far] - median)) far = i;
  return far;
}
