import { OptionError } from "./errors";

/**
 * Turns a stream of raw scores into decisions, separately from the model (as in the Java RCF, where
 * the forest scores and a thresholder decides). It keeps a time-discounted mean and deviation of the
 * scores and flags a score above
 *   threshold = max(lowerThreshold, mean + zFactor * deviation).
 * The normalised score is a logistic of the distance to the threshold in deviations: 0.5 exactly at the
 * threshold, so `score >= 0.5` and `anomaly` agree; grade = 2 * (score - 0.5) for anomalies, else 0.
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
}

export interface ThresholderState {
  readonly count: number;
  readonly mean: number;
  readonly variance: number;
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

  constructor(
    readonly options: ThresholderOptions,
    state?: ThresholderState,
  ) {
    validateThresholderOptions(options);
    this.count = state?.count ?? 0;
    this.mean = state?.mean ?? 0;
    this.variance = state?.variance ?? 0;
  }

  /** The current threshold (Infinity until enough scores were seen). */
  get threshold(): number {
    if (this.count < this.options.minScores) return Infinity;
    return Math.max(this.options.lowerThreshold, this.mean + this.options.zFactor * this.deviation);
  }

  private get deviation(): number {
    return Math.sqrt(Math.max(this.variance, 0));
  }

  /** Decides on a raw score, then learns it. */
  process(raw: number): Decision {
    const decision = this.decide(raw);
    this.learn(raw);
    return decision;
  }

  decide(raw: number): Decision {
    const threshold = this.threshold;
    if (threshold === Infinity) return { score: 0, anomaly: false, grade: 0, threshold };
    // the scale keeps a flat score history (deviation 0) from turning every wobble into certainty
    const scale = Math.max(this.deviation, 0.05 * threshold, 1e-9);
    const score = 1 / (1 + Math.exp(-(raw - threshold) / scale));
    const anomaly = raw > threshold;
    return { score, anomaly, grade: anomaly ? 2 * (score - 0.5) : 0, threshold };
  }

  learn(raw: number): void {
    this.count++;
    const alpha = Math.max(1 / this.count, 1 / this.options.horizon);
    const delta = raw - this.mean;
    this.mean += alpha * delta;
    this.variance = (1 - alpha) * (this.variance + alpha * delta * delta);
  }

  getState(): ThresholderState {
    return { count: this.count, mean: this.mean, variance: this.variance };
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
}
