import { checkState } from "../errors";
import { validateState } from "../stateSchema";
import { GuardState, InputGuard, InputPolicy, readInputPolicy } from "../inputGuard";
import { OptionReader } from "../options";
import { clamp, SCORE_LIMIT } from "../robust";
import { attributionFromDeviations, decidedResult, largestDeviation, warmUpResult } from "../result";
import { BOUNDED_Z_THRESHOLDER, readThresholderOptions, Thresholder, ThresholderOptions, ThresholderState } from "../thresholder";
import { DataPoint, Detector, DetectorOptions, DetectorResult, DetectorState } from "../types";
import { SortedWindow } from "./sortedWindow";

/**
 * Robust rolling z-score: per dimension, the distance of the value from the rolling median in units of
 * the rolling MAD (scaled by 1.4826 to match a standard deviation under a normal distribution). The raw
 * score is the largest |z| over the dimensions; the shared thresholder decides with `threshold` as floor.
 */
export interface ZScoreOptions {
  readonly dimensions: number;
  /** Rolling window length, in points (default 120). */
  readonly window: number;
  /** Points needed before scoring (default window / 2). */
  readonly minPoints: number;
  readonly thresholder: ThresholderOptions;
  /** Bad-input policies (options `missing`, `outOfOrder`): see InputGuard. */
  readonly input: InputPolicy;
}

interface ZScoreState extends DetectorState {
  readonly options: ZScoreOptions;
  readonly count: number;
  readonly windows: number[][];
  readonly guard: GuardState;
  readonly thresholder: ThresholderState;
}

const MAD_TO_SIGMA = 1.4826;

export class ZScoreDetector implements Detector {
  readonly name = "zscore";
  readonly dimensions: number;
  count = 0;
  private readonly windows: SortedWindow[];
  private readonly guard: InputGuard;
  private readonly thresholder: Thresholder;

  constructor(
    readonly options: ZScoreOptions,
    state?: ZScoreState,
  ) {
    this.dimensions = options.dimensions;
    this.windows = Array.from({ length: options.dimensions }, (_, d) => new SortedWindow(options.window, state?.windows[d]));
    this.guard = new InputGuard(options.dimensions, options.input, state?.guard);
    this.thresholder = new Thresholder(options.thresholder, state?.thresholder);
    this.count = state?.count ?? 0;
  }

  static create(dimensions: number, options: DetectorOptions = {}): ZScoreDetector {
    const r = new OptionReader("zscore", options);
    const window = r.number("window", 120, { integer: true, min: 3, max: 100000 });
    const o: ZScoreOptions = {
      dimensions,
      window,
      // the window holds at most `window` points: more would never be reached, and the detector never ready
      minPoints: r.number("minPoints", Math.max(3, Math.floor(window / 2)), { integer: true, min: 3, max: window }),
      thresholder: readThresholderOptions(r, BOUNDED_Z_THRESHOLDER, "threshold"),
      input: readInputPolicy(r),
    };
    r.done();
    return new ZScoreDetector(o);
  }

  static fromState(state: DetectorState): ZScoreDetector {
    checkState(state, "zscore", 1);
    validateState(state);
    const s = state as ZScoreState;
    return new ZScoreDetector(structuredClone(s.options), s);
  }

  process(input: DataPoint): DetectorResult {
    const checked = this.guard.checkPoint(input);
    const { values, unread } = checked;
    let result: DetectorResult;
    // an unread input is not pushed, so its window can be the shorter one
    if (this.windows.every((w) => w.size >= this.options.minPoints)) {
      const medians = this.windows.map((w) => w.median());
      const z = values.map((v, d) => {
        // an unread input is taken to be what was expected: it adds nothing to the score
        if (unread.length > 0 && unread.includes(d)) return 0;
        const scale = MAD_TO_SIGMA * this.windows[d].mad(medians[d]);
        const dev = v - medians[d];
        // a flat window (MAD 0) makes any change infinitely surprising: cap it instead
        return clamp(scale > 0 ? dev / scale : dev === 0 ? 0 : Math.sign(dev) * 1e3, SCORE_LIMIT);
      });
      const rawScore = largestDeviation(z);
      const decision = this.thresholder.process(rawScore);
      result = decidedResult(rawScore, decision, attributionFromDeviations(z, rawScore), medians, checked);
    } else {
      result = warmUpResult(checked);
    }
    values.forEach((v, d) => {
      if (unread.length === 0 || !unread.includes(d)) this.windows[d].push(v);
    });
    this.count++;
    this.guard.accept(input.timestamp, values, unread);
    return result;
  }

  toState(): ZScoreState {
    return {
      detector: "zscore",
      version: 1,
      // a copy: a caller changing the state it was handed must not change the running detector
      options: structuredClone(this.options),
      count: this.count,
      windows: this.windows.map((w) => w.values()),
      guard: this.guard.getState(),
      thresholder: this.thresholder.getState(),
    };
  }
}
