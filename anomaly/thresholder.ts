import { OptionError } from "./errors";
import { OptionReader } from "./options";
import { clamp, discountedMean, discountedVariance, discountWeight, SCORE_CAP, SCORE_LIMIT } from "./robust";

// Per score, through module-level names (see scoreTree in rcf/forest.ts).
const clampScore = clamp;
const SCORE_MAX = SCORE_LIMIT;
const CAP_THRESHOLDS = SCORE_CAP;

/**
 * Turns a stream of raw scores into decisions, separately from the model (as in the Java RCF, where
 * the forest scores and a thresholder decides). It keeps a time-discounted mean and deviation of the
 * scores and a decaying peak (the largest recent score, shrinking by `peakDecay` per point), and flags
 * a score above
 *   threshold = margin * max(lowerThreshold, mean + zFactor * deviation, peak).
 * The peak term makes an alarm mean "more surprising than anything lately": a burst of high scores
 * raises one alarm, not one per point, and a stream whose normal life has regular spikes learns their
 * size. (On NAB it is worth ~15 points over the z-score alone.) `margin` scales the whole threshold, so
 * it changes which scores are decisions but not how scores rank (NAB: 1.1 puts the decisions near the
 * corpus-optimal threshold).
 * With `smoothing` k > 1 the thresholder judges the mean of the last k raw scores (as Numenta's anomaly
 * likelihood does), so a sustained rise outweighs a single noisy spike.
 * The normalised score is raw / (raw + threshold): 0.5 exactly at the threshold, so `score > 0.5` and
 * `anomaly` agree; 2/3 at twice the threshold. It never rounds to 1, so scores stay comparable (and
 * rankable) across streams far into the tail. grade = 2 * (score - 0.5) for anomalies, else 0.
 * Raw scores are clamped to +-SCORE_LIMIT, and the statistics and the peak learn a score of at most
 * SCORE_CAP times the current threshold, so one absurd score does not silence the thresholder (see robust.ts).
 */
export interface ThresholderOptions {
  /** Deviations above the mean that make an anomaly. */
  readonly zFactor: number;
  /** Raw scores at or below this are never anomalies. */
  readonly lowerThreshold: number;
  /** Horizon (in scores) of the discounted statistics. */
  readonly horizon: number;
  /** Scores needed before any decision. */
  readonly minScores: number;
  /** Raw scores averaged before judging (1 = none). */
  readonly smoothing: number;
  /** Per-point decay of the peak, in [0, 1); 0 disables the peak term. */
  readonly peakDecay: number;
  /** Scores seen before the peak starts tracking (early scores of a young model run high). */
  readonly peakAfter: number;
  /** Factor on the whole threshold, >= 1. */
  readonly margin: number;
  /**
   * Points a score below the threshold waits before it joins the peak (0 = at once). A slow rise (a fault
   * ramping in) then meets the peak from before it, instead of raising its own bar step by step; an
   * alarm's score joins at once, so a burst still raises one alarm.
   */
  readonly peakLag?: number;
}

export interface ThresholderState {
  readonly recent: number[];
  readonly count: number;
  readonly mean: number;
  readonly variance: number;
  readonly peak: number;
  /** Scores waiting to join the peak (only with peakLag > 0). */
  readonly lagged?: number[];
}

export interface Decision {
  readonly score: number;
  readonly anomaly: boolean;
  readonly grade: number;
  readonly threshold: number;
}

export class Thresholder {
  private count: number;
  private mean: number;
  private variance: number;
  private peak: number;
  private readonly recent: number[];
  private readonly lagged: number[];

  constructor(
    readonly options: ThresholderOptions,
    state?: ThresholderState,
  ) {
    validateThresholderOptions(options);
    this.count = state?.count ?? 0;
    this.mean = state?.mean ?? 0;
    this.variance = state?.variance ?? 0;
    this.peak = state?.peak ?? 0;
    this.recent = state ? [...state.recent] : [];
    this.lagged = state?.lagged ? [...state.lagged] : [];
  }

  /** The current threshold (Infinity until enough scores were seen). */
  get threshold(): number {
    if (this.count < this.options.minScores) return Infinity;
    const { lowerThreshold, zFactor, margin } = this.options;
    return margin * Math.max(lowerThreshold, this.mean + zFactor * this.deviation, this.peak);
  }

  private get deviation(): number {
    return Math.sqrt(Math.max(this.variance, 0));
  }

  /**
   * Decides on a raw score (smoothed with the ones before it), then learns it, unless it was an
   * anomaly and `learnAnomalies` is false (so a long fault does not become the new normal), or `learn`
   * is false (a score the model must not learn from).
   */
  process(raw: number, learnAnomalies = true, learn = true): Decision {
    this.recent.push(clampScore(raw, SCORE_MAX));
    if (this.recent.length > this.options.smoothing) this.recent.shift();
    const smoothed = this.recent.reduce((a, b) => a + b, 0) / this.recent.length;
    const decision = this.decide(smoothed);
    if (learn && (learnAnomalies || !decision.anomaly)) this.learn(smoothed, decision.anomaly);
    return decision;
  }

  decide(raw: number): Decision {
    const threshold = this.threshold;
    if (threshold === Infinity) return { score: 0, anomaly: false, grade: 0, threshold };
    const score = threshold > 0 ? Math.max(raw, 0) / (Math.max(raw, 0) + threshold) : raw > 0 ? 1 : 0.5;
    const anomaly = raw > threshold;
    return { score, anomaly, grade: anomaly ? 2 * (score - 0.5) : 0, threshold };
  }

  learn(score: number, anomaly = false): void {
    const raw = this.limit(score);
    this.count++;
    if (this.options.peakDecay > 0 && this.count > this.options.peakAfter) {
      const lag = this.options.peakLag ?? 0;
      let joining = raw;
      if (lag > 0 && !anomaly) {
        this.lagged.push(raw);
        joining = this.lagged.length > lag ? this.lagged.shift()! : 0;
      }
      this.peak = Math.max(this.peak * this.options.peakDecay, joining);
    }
    const alpha = discountWeight(this.count, this.options.horizon);
    const delta = raw - this.mean;
    this.mean = discountedMean(this.mean, delta, alpha);
    this.variance = discountedVariance(this.variance, delta, alpha);
  }

  /** The score as learned: clamped, and at most SCORE_CAP thresholds (once there is one). */
  private limit(score: number): number {
    const clamped = clampScore(score, SCORE_MAX);
    const cap = CAP_THRESHOLDS * this.threshold;
    return cap > 0 && clamped > cap ? cap : clamped;
  }

  getState(): ThresholderState {
    const state = { recent: [...this.recent], count: this.count, mean: this.mean, variance: this.variance, peak: this.peak };
    return (this.options.peakLag ?? 0) > 0 ? { ...state, lagged: [...this.lagged] } : state;
  }
}

export function validateThresholderOptions(o: ThresholderOptions): void {
  const check = (name: keyof ThresholderOptions, ok: boolean, rule: string): void => {
    if (!ok) throw new OptionError(`option ${name} must be ${rule}, got ${String(o[name])}`);
  };
  check("zFactor", Number.isFinite(o.zFactor) && o.zFactor > 0, "a number > 0");
  check("lowerThreshold", Number.isFinite(o.lowerThreshold) && o.lowerThreshold >= 0, "a number >= 0");
  check("horizon", Number.isFinite(o.horizon) && o.horizon >= 1, "a number >= 1");
  check("minScores", Number.isInteger(o.minScores) && o.minScores >= 1, "an integer >= 1");
  check("smoothing", Number.isInteger(o.smoothing) && o.smoothing >= 1, "an integer >= 1");
  check("peakDecay", Number.isFinite(o.peakDecay) && o.peakDecay >= 0 && o.peakDecay < 1, "a number in [0, 1)");
  check("peakAfter", Number.isInteger(o.peakAfter) && o.peakAfter >= 0, "an integer >= 0");
  check("margin", Number.isFinite(o.margin) && o.margin >= 1, "a number >= 1");
  check("peakLag", o.peakLag === undefined || (Number.isInteger(o.peakLag) && o.peakLag >= 0 && o.peakLag <= 10_000), "an integer in [0, 10000]");
}

/** The zscore and ewma detectors' defaults: their raw score is a z already, so a fixed floor of 4 decides. */
export const BOUNDED_Z_THRESHOLDER = { zFactor: 3, lowerThreshold: 4, horizon: 1000, smoothing: 1, peakDecay: 0, peakAfter: 0, margin: 1 };

/**
 * Reads the thresholder's options (names as documented in the README); `defaults` are the detector's.
 * `threshold` is the option name of lowerThreshold where a detector calls it so (zscore, ewma).
 */
export function readThresholderOptions(
  r: OptionReader,
  defaults: Omit<ThresholderOptions, "minScores"> & { minScores?: number },
  lowerThresholdName = "lowerThreshold",
): ThresholderOptions {
  return {
    zFactor: r.number("zFactor", defaults.zFactor, { min: 0.1 }),
    lowerThreshold: r.number(lowerThresholdName, defaults.lowerThreshold, { min: 0 }),
    horizon: r.number("scoreHorizon", defaults.horizon, { min: 1 }),
    minScores: defaults.minScores === undefined ? 1 : r.number("minScores", defaults.minScores, { integer: true, min: 1 }),
    smoothing: r.number("smoothing", defaults.smoothing, { integer: true, min: 1, max: 1000 }),
    peakDecay: r.number("peakDecay", defaults.peakDecay, { min: 0, max: 0.999999 }),
    peakAfter: r.number("peakAfter", defaults.peakAfter, { integer: true, min: 0 }),
    margin: r.number("margin", defaults.margin, { min: 1, max: 100 }),
    peakLag: r.number("peakLag", defaults.peakLag ?? 0, { integer: true, min: 0, max: 10_000 }),
  };
}
