import { OptionError } from "./errors";
import { clamp, discountedMean, discountedVariance, discountWeight, SCORE_LIMIT, winsorise } from "./robust";
import { Decision } from "./thresholder";

/**
 * Anomaly likelihood (Numenta's post-processing of HTM scores, as in the NAB paper): how improbable the
 * recent short-term average of raw scores is under the distribution of such averages seen so far.
 * - The last `window` raw scores are averaged (a sustained rise outweighs one noisy score).
 * - The averages' mean and variance are time-discounted over `horizon` averages (Numenta keeps a window of
 *   8640 raw scores; a discounted estimate is O(1) per point and keeps the saved state small, which matters
 *   beside a forest of ~360 KB in a 400 KB DynamoDB item).
 * - likelihood = 1 - Q(z), z = (average - mean) / deviation, Q the Gaussian tail; reported on a log scale
 *   (likelihoodScore): 0.5 at the decision line `threshold` (1 - 1e-7 by default; Numenta's is 0.99999).
 * - The first `skip` scores are not learned (a very young forest's scores say little), then
 *   `estimate` more are learned before any likelihood: until then the likelihood is 0.5.
 * - Option `likelihoodFill` p: an average learned while the forest's trees are not yet full weighs fill^p
 *   (fill = the share of a tree's sample held): a young forest's scores spread wider, and counted in full
 *   they widen the deviation for thousands of points (on a series of a few thousand, for all of it).
 * The deviation is at least MIN_RELATIVE_DEVIATION times the mean, so a stream of nearly constant scores
 * (a perfectly regular series) does not make a rounding step a one-in-a-million event.
 */
export interface LikelihoodOptions {
  /** Raw scores in the short-term average. */
  readonly window: number;
  /** Scores neither learned nor judged at the start. */
  readonly skip: number;
  /** Averages learned after `skip` before the first likelihood. */
  readonly estimate: number;
  /** Horizon (in averages) of the discounted mean and variance. */
  readonly horizon: number;
  /** Likelihood above which a point is an anomaly, in [0.9, 1). */
  readonly threshold: number;
  /**
   * Option `likelihoodLongWindow` W > window: a second, longer average (the last W raw scores) judged the same
   * way against its own mean and deviation (a sustained moderate rise, which no short average makes rare): it
   * alarms when its likelihood, held to twice its tail, is past the line (`eitherLikelihood`). Absent when off.
   */
  readonly longWindow?: number;
  /**
   * Option `likelihoodFill` p > 0: an average learned when the forest's trees hold a share `fill` of their
   * sample weighs fill^p in the mean and variance (trees half full score more widely than full ones). Absent
   * when off (0): every average weighs 1.
   */
  readonly fill?: number;
}

export interface LikelihoodState {
  /** The last `window` raw scores (clamped), oldest first. */
  readonly recent: number[];
  /** Their running sum (recomputed exactly each time `window` scores have passed). */
  readonly sum: number;
  /** Scores seen (including skipped ones). */
  readonly count: number;
  /** Averages learned into the mean and variance. */
  readonly learned: number;
  readonly mean: number;
  readonly variance: number;
  /** The learned averages' total weight: only with option `likelihoodFill` (without it, `learned`). */
  readonly weight?: number;
}

/**
 * Numenta's are averagingWindow 10, learningPeriod 288, estimationSamples 100, alarm at likelihood 0.99999;
 * window 3, skip 64 and the line at 1 - 1e-7 did better leave-one-set-out (docs/benchmarks.md): 10 averages
 * a short event away (server metrics), 288 + 100 scores leave short series unjudged, and an alarm at the
 * line starts suppression (suppression.ts): at 0.99999 weak alarms silenced the detections that followed.
 * The long average of 60 scores (Numenta has none) was chosen the same way: failures that build up over
 * hours alarm with it. It is off when `window` is 60 or more (a long average must be longer). Fill weights of
 * power 2 too: on series of a few thousand points the young forest's spread hid anomalies for the whole series.
 */
export const LIKELIHOOD_DEFAULTS: LikelihoodOptions = { window: 3, skip: 64, estimate: 100, horizon: 8640, threshold: 0.9999999, longWindow: 60, fill: 2 };
export const MIN_RELATIVE_DEVIATION = 0.05;

/**
 * ln P(Z > z) for a standard Gaussian Z, with relative error of the tail below 1.2e-7 everywhere (Chebyshev
 * fit of erfc). Computed as a logarithm so a far tail (z = 40: ln P = -804) neither underflows to 0 nor
 * ties with every other far tail.
 */
export function logGaussianTail(z: number): number {
  if (Number.isNaN(z)) return Math.log(0.5);
  if (z === Infinity) return -Infinity;
  const x = z / Math.SQRT2;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.5 * a);
  const lnErfc =
    Math.log(t) -
    a * a -
    1.26551223 +
    t *
      (1.00002368 +
        t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  return x >= 0 ? Math.LN2 * -1 + lnErfc : Math.log(1 - 0.5 * Math.exp(lnErfc));
}

/**
 * The likelihood on a log scale, as a score in [0, 1): with L = -ln(1 - likelihood) (the tail's surprise)
 * and L* the same at the decision line, score = L / (L + L*): 0.5 exactly at the line, rising towards 1
 * without reaching it, so far tails still rank (Numenta's ln(tail + 1e-10) / ln(1e-10) ties every tail
 * under 1e-10 at 1, and NAB's threshold sweep then cannot tell them apart).
 */
export function likelihoodScore(logTail: number, lineSurprise: number): number {
  const surprise = Math.max(0, -logTail);
  if (surprise === Infinity) return 1;
  return surprise / (surprise + lineSurprise);
}

/** A likelihood score (likelihoodScore) back as the tail's surprise, -ln(1 - likelihood). */
function surpriseOf(score: number, lineSurprise: number): number {
  return score >= 1 ? Infinity : (score * lineSurprise) / (1 - score);
}

/**
 * The short and the long average's decisions as one: the short average's, unless the long one is past the line
 * with its tail doubled (the Bonferroni bound for a second test, so a second chance to alarm does not double the
 * false alarms) and rarer than the short one; then the long one's, an alarm. Below the line the scores are the
 * short average's alone, so the long average adds alarms without re-ranking every other point.
 */
export function eitherLikelihood(short: Decision, long: Decision, lineSurprise: number): Decision {
  const longSurprise = Math.max(0, surpriseOf(long.score, lineSurprise) - Math.LN2);
  if (long.threshold === Infinity || longSurprise <= lineSurprise || longSurprise <= surpriseOf(short.score, lineSurprise)) return short;
  const score = likelihoodScore(-longSurprise, lineSurprise);
  return { score, anomaly: true, grade: 2 * (score - 0.5), threshold: long.threshold };
}

export class AnomalyLikelihood {
  private readonly recent: number[];
  private sum: number;
  private count: number;
  private learned: number;
  private mean: number;
  private variance: number;
  private weight: number;
  /** The surprise at the decision line, -ln(1 - threshold): a score of 0.5. */
  readonly lineSurprise: number;

  constructor(
    readonly options: LikelihoodOptions,
    state?: LikelihoodState,
  ) {
    validateLikelihoodOptions(options);
    this.lineSurprise = -Math.log1p(-options.threshold);
    this.recent = state ? [...state.recent] : [];
    this.sum = state?.sum ?? 0;
    this.count = state?.count ?? 0;
    this.learned = state?.learned ?? 0;
    this.mean = state?.mean ?? 0;
    this.variance = state?.variance ?? 0;
    this.weight = state?.weight ?? this.learned;
  }

  /**
   * Judges a raw score (through the short-term average), then learns the average unless it was an
   * anomaly and `learnAnomalies` is false, or `learn` is false. `threshold` in the decision is Infinity during
   * warm-up. `fill` is the share of their sample the forest's trees hold (option `likelihoodFill`).
   */
  process(raw: number, learnAnomalies = true, learn = true, fill = 1): Decision {
    const { window, skip, estimate, threshold } = this.options;
    const clamped = clamp(Number.isNaN(raw) ? 0 : raw, SCORE_LIMIT);
    this.recent.push(clamped);
    this.sum += clamped;
    if (this.recent.length > window) this.sum -= this.recent.shift()!;
    this.count++;
    // a running sum drifts (and a 1e100 leaving it cancels everything else): recompute it once a window
    if (this.count % window === 0) this.sum = this.recent.reduce((a, b) => a + b, 0);
    const average = this.sum / this.recent.length;
    const line = this.lineSurprise;
    if (this.count <= skip) return { score: likelihoodScore(Math.log(0.5), line), anomaly: false, grade: 0, threshold: Infinity };
    const ready = this.learned >= estimate;
    const logTail = ready ? logGaussianTail((average - this.mean) / this.deviation) : Math.log(0.5);
    const score = likelihoodScore(logTail, line);
    const anomaly = ready && score > 0.5;
    if (learn && (learnAnomalies || !anomaly)) this.learn(average, fill);
    return { score, anomaly, grade: anomaly ? 2 * (score - 0.5) : 0, threshold: ready ? threshold : Infinity };
  }

  private get deviation(): number {
    const floor = MIN_RELATIVE_DEVIATION * Math.abs(this.mean);
    return Math.max(Math.sqrt(Math.max(this.variance, 0)), floor, Number.MIN_VALUE);
  }

  private learn(average: number, fill: number): void {
    const n = ++this.learned;
    const w = this.options.fill === undefined ? 1 : fillWeight(fill, this.options.fill);
    const before = this.weight;
    this.weight += w;
    // w x (1 / weight) is at most 1 but for a subnormal w, whose reciprocal overflows
    const alpha = w === 0 ? 0 : Math.min(1, w * discountWeight(this.weight, this.options.horizon));
    // averages of weight 0 taught nothing: the deviation means nothing to winsorise against yet
    const delta = winsorise(average - this.mean, this.deviation, before === 0 ? 0 : n - 1);
    this.mean = discountedMean(this.mean, delta, alpha);
    this.variance = discountedVariance(this.variance, delta, alpha);
  }

  getState(): LikelihoodState {
    const state = { recent: [...this.recent], sum: this.sum, count: this.count, learned: this.learned, mean: this.mean, variance: this.variance };
    return this.options.fill === undefined ? state : { ...state, weight: this.weight };
  }
}

/** An average's weight under option `likelihoodFill` = power: fill^power, fill clamped into [0, 1]. */
export function fillWeight(fill: number, power: number): number {
  return Math.pow(Math.min(1, Math.max(0, Number.isNaN(fill) ? 1 : fill)), power);
}

export function validateLikelihoodOptions(o: LikelihoodOptions): void {
  const check = (name: string, value: number, ok: boolean, rule: string): void => {
    if (!ok) throw new OptionError(`option ${name} must be ${rule}, got ${String(value)}`);
  };
  check("likelihoodWindow", o.window, Number.isInteger(o.window) && o.window >= 1 && o.window <= 1000, "an integer in [1, 1000]");
  check("likelihoodSkip", o.skip, Number.isInteger(o.skip) && o.skip >= 0, "an integer >= 0");
  check("likelihoodEstimate", o.estimate, Number.isInteger(o.estimate) && o.estimate >= 1, "an integer >= 1");
  check("scoreHorizon", o.horizon, Number.isFinite(o.horizon) && o.horizon >= 1, "a number >= 1");
  check("likelihoodThreshold", o.threshold, Number.isFinite(o.threshold) && o.threshold >= 0.9 && o.threshold < 1, "a number in [0.9, 1)");
  if (o.longWindow !== undefined)
    check(
      "likelihoodLongWindow",
      o.longWindow,
      Number.isInteger(o.longWindow) && o.longWindow > o.window && o.longWindow <= 1000,
      `an integer in [${o.window + 1}, 1000] (above likelihoodWindow) or 0 (off)`,
    );
  if (o.fill !== undefined) check("likelihoodFill", o.fill, Number.isFinite(o.fill) && o.fill > 0 && o.fill <= 16, "a number in (0, 16] or 0 (off)");
}
