/** The contract every detector implements, so the train Lambda, meter analysis and CLI can swap them. */

/**
 * One observation: a vector of numbers at a time, in milliseconds since the epoch (rcf's calendar features read
 * it so; any increasing number is accepted, with `calendar=none` for numbers that are not epoch milliseconds).
 */
export interface DataPoint {
  readonly timestamp: number;
  readonly values: ArrayLike<number>;
  /**
   * Dimensions whose value the caller filled in itself (an ensemble handing its imputed values to its members):
   * the detector fills them from its own last accepted values, as `missing=impute` would, and reports them in
   * `imputed`. Optional; absent for a caller's own points.
   */
  readonly imputed?: readonly number[];
  /**
   * Dimensions the caller has no reading of (a broken sensor): the detector scores the point with its own
   * estimate of them (rcf: the forest's completion given the other inputs, learned with the point once the
   * forest scores, never by its scaling; zscore and ewma: what they expected, so the input adds nothing to the
   * score, and its statistics stay as they were) and reports them in `imputed`. A later gap is filled from the
   * last value read. At least one input must be read. Optional.
   */
  readonly unread?: readonly number[];
}

/** How much each input dimension pushed the score, split by direction (above / below what was expected). */
export interface Attribution {
  readonly high: number[];
  readonly low: number[];
}

export interface DetectorResult {
  /** False during warm-up: then score is 0 and anomaly is false. */
  readonly ready: boolean;
  /** The detector's own score (RCF: the forest's average anomaly score, ~1 for ordinary points). */
  readonly rawScore: number;
  /** In [0, 1], rising with anomalousness; 0.5 is the detector's decision boundary. */
  readonly score: number;
  /** The detector's decision. */
  readonly anomaly: boolean;
  /** How strongly it is an anomaly, in [0, 1]; 0 when not an anomaly. */
  readonly grade: number;
  /** Per input dimension; sums (high + low) to the raw score's excess for RCF, to |z| shares for others. */
  readonly attribution: Attribution;
  /** What the detector expected each input dimension to be at this point. */
  readonly expected: number[];
  /** Input dimensions whose value was missing (NaN) and replaced under the `impute` policy. */
  readonly imputed: number[];
  /** Input dimensions whose value was beyond the working range (|value| > 1e150) and clipped under `extreme=clip`. */
  readonly clipped: number[];
  /**
   * rcf: the input dimensions whose value was absurd (beyond 1000 deviations, see robust.ts ABSURD_K), so the
   * point was scored but not learned; absent when the point was learned as usual.
   */
  readonly unlearned?: number[];
}

/** A detector's whole state, as plain JSON: restoring it continues the stream bit-for-bit. */
export interface DetectorState {
  readonly detector: string;
  readonly version: number;
  readonly [key: string]: unknown;
}

export interface Detector {
  /** The registry name this detector was created under. */
  readonly name: string;
  /** Input vector length. */
  readonly dimensions: number;
  /** Number of points processed so far. */
  readonly count: number;
  /** Scores the point against what came before, then learns from it. */
  process(point: DataPoint): DetectorResult;
  toState(): DetectorState;
}

export type OptionValue = number | string | boolean;
export type DetectorOptions = Readonly<Record<string, OptionValue | undefined>>;
