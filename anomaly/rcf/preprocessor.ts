/**
 * Turns raw inputs into the features the forest sees (as the Java RCF's ThresholdedRandomCutForest
 * transforms do), and back:
 * - normalize: each input is standardised by a time-discounted mean and deviation (horizon = the forest's
 *   timeDecay), so inputs on wildly different scales (volts and g's) get a fair share of the random cuts;
 * - calendar: "day" appends the time of day as a point on a circle (sin, cos), "week" also the day of the
 *   week, so a value that is ordinary for the day but not for the hour (a flat afternoon, a missing
 *   morning peak) stands out. Timestamps are read as epoch milliseconds, UTC.
 */
import { ABSURD_K, discountedMean, discountedVariance, discountWeight, FEATURE_LIMIT, farthestFromMedian, WINSOR_AFTER, winsorise } from "../robust";

// Per point, through module-level names (see scoreTree in forest.ts).
const FEATURE_MAX = FEATURE_LIMIT;
/** No input: one shared empty list for the per-point answers that are usually empty. */
export const NO_INPUTS: readonly number[] = Object.freeze([]);
const capDeviation = winsorise;
/**
 * The scale of an input whose deviation is not measured yet (a flat line so far, or fewer than WINSOR_AFTER
 * points), as a share of its level: a first move off a flat line of 0.1% of its level is one deviation.
 */
export const FLAT_LEVEL_SHARE = 1e-3;
/**
 * The default of option `levelFloor`: once an input's deviation is measured, its scale is at least this share of
 * its level, and no more. Near float64's resolution of the statistics: a discounted mean stops moving once a
 * point's step rounds away, up to horizon x 1.1e-16 of the level from the values (1.1e-11 at a horizon of
 * 100,000, the automatic timeDecay's longest), about a hundredth of a deviation at 1e-9. A larger floor would
 * swamp the noise of an input whose variation is small beside its level (1e9 +- 1000, a position in degrees, a
 * frequency near 50 Hz), and with it every anomaly smaller than the floor. Past a long flat stretch after a move,
 * the deviation shrinks toward it (as at level 0): `minDeviation` (the sensor's resolution) or levelFloor 0.001
 * keep a quantised input's next step from reading as a thousand deviations.
 */
export const LEVEL_FLOOR = 1e-9;

export type Calendar = "none" | "day" | "week";

export interface PreprocessorState {
  readonly count: number;
  readonly mean: number[];
  readonly variance: number[];
  /** The inputs learned so far, while fewer than WINSOR_AFTER (with normalize; absent in older states). */
  readonly warmUp?: number[][];
}

const MINUTE_MS = 60_000;
export const MINUTES_PER_DAY = 1440;
export const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;

/** Minute of the week (0 = Thursday 00:00 UTC, as the epoch began) of an epoch-ms timestamp. */
export function minuteOfWeek(timestamp: number): number {
  const m = Math.floor(timestamp / MINUTE_MS) % MINUTES_PER_WEEK;
  return m < 0 ? m + MINUTES_PER_WEEK : m;
}

/** Writes the calendar features of a minute of the week at out[offset..]. */
export function calendarFeatures(calendar: Calendar, minute: number, out: Float64Array | Float32Array, offset: number): void {
  if (calendar === "none") return;
  const day = (2 * Math.PI * (minute % MINUTES_PER_DAY)) / MINUTES_PER_DAY;
  out[offset] = Math.sin(day);
  out[offset + 1] = Math.cos(day);
  if (calendar === "week") {
    const week = (2 * Math.PI * minute) / MINUTES_PER_WEEK;
    out[offset + 2] = Math.sin(week);
    out[offset + 3] = Math.cos(week);
  }
}

export function calendarDimensions(calendar: Calendar): number {
  return calendar === "none" ? 0 : calendar === "day" ? 2 : 4;
}

export class Preprocessor {
  private count: number;
  private readonly mean: number[];
  private readonly variance: number[];
  /** The first WINSOR_AFTER points' inputs, kept until then to leave a single absurd one out (settle). */
  private readonly warmUp: number[][];

  constructor(
    readonly dimensions: number,
    readonly normalize: boolean,
    readonly calendar: Calendar,
    readonly horizon: number,
    state?: PreprocessorState,
    private readonly minDeviation: readonly number[] = [],
    private readonly relativeFloor = 0,
    private readonly levelFloor = FLAT_LEVEL_SHARE,
  ) {
    this.count = state?.count ?? 0;
    this.mean = state ? [...state.mean] : new Array<number>(dimensions).fill(0);
    this.variance = state ? [...state.variance] : new Array<number>(dimensions).fill(0);
    this.warmUp = state ? (state.warmUp ?? []).map((row) => [...row]) : [];
  }

  get featureDimensions(): number {
    return this.dimensions + calendarDimensions(this.calendar);
  }

  /** Features for one point, with the statistics as they were before it. */
  transform(timestamp: number, values: readonly number[], out: Float64Array, offset: number): void {
    const d = this.dimensions;
    const floor = this.commonFloor();
    for (let j = 0; j < d; j++) {
      const x = this.normalize ? (values[j] - this.mean[j]) / this.scale(j, floor) : values[j];
      out[offset + j] = x > FEATURE_MAX ? FEATURE_MAX : x < -FEATURE_MAX ? -FEATURE_MAX : x;
    }
    calendarFeatures(this.calendar, minuteOfWeek(timestamp), out, offset + d);
  }

  /** Maps a feature value of input `j` back to input units. */
  inverse(j: number, feature: number): number {
    return this.normalize ? feature * this.scale(j, this.commonFloor()) + this.mean[j] : feature;
  }

  /**
   * The inputs of `values` beyond ABSURD_K deviations (not before WINSOR_AFTER points were learned), in order;
   * NO_INPUTS when none (every point asks).
   */
  absurdInputs(values: readonly number[]): readonly number[] {
    if (!this.normalize || this.count < WINSOR_AFTER) return NO_INPUTS;
    const floor = this.commonFloor();
    let out: number[] | undefined;
    for (let j = 0; j < this.dimensions; j++) if (this.absurdFrom(values[j], j, this.mean[j], this.variance[j], floor)) (out ??= []).push(j);
    return out ?? NO_INPUTS;
  }

  /** Whether `x` is beyond ABSURD_K deviations of input j with that mean and variance (not judged when flat). */
  private absurdFrom(x: number, j: number, mean: number, variance: number, floor: number): boolean {
    return variance > 0 && Math.abs(x - mean) > ABSURD_K * this.scaleOf(j, mean, variance, floor);
  }

  /** Learns from a point after it was scored. */
  update(values: readonly number[]): void {
    if (!this.normalize) return;
    const learned = this.count++;
    const alpha = discountWeight(this.count, this.horizon);
    const floor = this.commonFloor();
    for (let j = 0; j < this.dimensions; j++) {
      // a first move off a flat line has no deviation to be measured against: it is learned as it is
      const raw = values[j] - this.mean[j];
      const delta = this.variance[j] > 0 ? capDeviation(raw, this.scale(j, floor), learned) : raw;
      learnStep(this.mean, this.variance, j, delta, alpha);
    }
    if (this.warmUp.length === learned && learned < WINSOR_AFTER) this.warmUp.push([...values]);
    if (this.count === WINSOR_AFTER && this.warmUp.length === WINSOR_AFTER) this.settle();
  }

  /**
   * At WINSOR_AFTER points: before there was a scale nothing was winsorised, so one 1e6 among the first points
   * would set an input's deviation for thousands of points. Each input's value farthest from its warm-up's
   * median is judged as absurdInputs would judge it had it come after the others (their mean and deviation, the
   * same floors); an input where it is absurd learns its mean and variance again without it.
   */
  private settle(): void {
    const d = this.dimensions;
    const far = Array.from({ length: d }, (_, j) => farthestFromMedian(this.warmUp.map((row) => row[j])));
    const mean = new Array<number>(d).fill(0);
    const variance = new Array<number>(d).fill(0);
    for (let j = 0; j < d; j++) {
      let n = 0;
      this.warmUp.forEach((row, i) => {
        if (i !== far[j]) learnStep(mean, variance, j, row[j] - mean[j], discountWeight(++n, this.horizon));
      });
    }
    const floor = this.floorOf(variance);
    for (let j = 0; j < d; j++) {
      if (!this.absurdFrom(this.warmUp[far[j]][j], j, mean[j], variance[j], floor)) continue;
      this.mean[j] = mean[j];
      this.variance[j] = variance[j];
    }
    this.warmUp.length = 0;
  }

  getState(): PreprocessorState {
    const state = { count: this.count, mean: [...this.mean], variance: [...this.variance] };
    return this.warmUp.length > 0 ? { ...state, warmUp: this.warmUp.map((row) => [...row]) } : state;
  }

  /**
   * relativeFloor x the largest input's deviation: inputs in one unit (the paper's example, min-max scaled
   * server metrics) keep their relative sizes below it, so a near-constant input's noise is not
   * standardised up to the size of the input that carries the signal.
   */
  private commonFloor(): number {
    return this.floorOf(this.variance);
  }

  private floorOf(variances: readonly number[]): number {
    if (this.relativeFloor === 0) return 0;
    let largest = 0;
    for (let j = 0; j < this.dimensions; j++) largest = Math.max(largest, variances[j]);
    return this.relativeFloor * Math.sqrt(largest);
  }

  private scale(j: number, floor: number): number {
    return this.scaleOf(j, this.mean[j], this.variance[j], floor);
  }

  private scaleOf(j: number, mean: number, variance: number, floor: number): number {
    // an input with no measured deviation yet (a flat line, or the first few points) falls back to a small share
    // of its level so it stays finite; once measured, the level floors it only by levelFloor (offset invariance)
    const share = variance > 0 && this.count >= WINSOR_AFTER ? this.levelFloor : FLAT_LEVEL_SHARE;
    return Math.max(Math.sqrt(variance), this.minDeviation[j] ?? 0, floor, share * Math.abs(mean), 1e-9);
  }
}

/** One time-discounted step of input j's mean and variance, by deviation `delta` at weight `alpha`. */
function learnStep(mean: number[], variance: number[], j: number, delta: number, alpha: number): void {
  mean[j] = discountedMean(mean[j], delta, alpha);
  variance[j] = discountedVariance(variance[j], delta, alpha);
}
