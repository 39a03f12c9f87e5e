import { checkState } from "../errors";
import { validateState } from "../stateSchema";
import { GuardState, InputGuard, InputPolicy, readInputPolicy } from "../inputGuard";
import { OptionReader } from "../options";
import { clamp, SCORE_LIMIT, winsorise } from "../robust";
import { attributionFromDeviations, decidedResult, largestDeviation, warmUpResult } from "../result";
import { BOUNDED_Z_THRESHOLDER, readThresholderOptions, Thresholder, ThresholderOptions, ThresholderState } from "../thresholder";
import { DataPoint, Detector, DetectorOptions, DetectorResult, DetectorState } from "../types";

/**
 * Exponentially weighted level with an optional additive season (Holt-Winters without trend), per
 * dimension. Expected value = level + season[phase]; raw score = the largest |residual| / EW deviation
 * over the dimensions. `period` is in points (e.g. 48 for half-hourly data with a daily cycle).
 * The level, season and deviation learn each value winsorised to WINSOR_K deviations (see robust.ts).
 */
export interface EwmaOptions {
  readonly dimensions: number;
  /** Level smoothing, in (0, 1] (default 0.1). */
  readonly alpha: number;
  /** Season smoothing, in (0, 1] (default 0.1). */
  readonly gamma: number;
  /** Deviation smoothing, in (0, 1] (default 0.05). */
  readonly beta: number;
  /** Season length in points; 0 for none (default 0). */
  readonly period: number;
  /** Points before scoring (default max(30, 2 * period)). */
  readonly minPoints: number;
  readonly thresholder: ThresholderOptions;
  /** Bad-input policies (options `missing`, `outOfOrder`): see InputGuard. */
  readonly input: InputPolicy;
}

interface EwmaModel {
  level: number[];
  variance: number[];
  season: number[][];
}

interface EwmaState extends DetectorState, EwmaModel {
  readonly options: EwmaOptions;
  readonly count: number;
  readonly guard: GuardState;
  readonly thresholder: ThresholderState;
}

export class EwmaDetector implements Detector {
  readonly name = "ewma";
  readonly dimensions: number;
  count = 0;
  private readonly model: EwmaModel;
  private readonly guard: InputGuard;
  private readonly thresholder: Thresholder;

  constructor(
    readonly options: EwmaOptions,
    state?: EwmaState,
  ) {
    const dims = options.dimensions;
    this.dimensions = dims;
    this.model = state
      ? { level: [...state.level], variance: [...state.variance], season: state.season.map((s) => [...s]) }
      : {
          level: new Array<number>(dims).fill(0),
          variance: new Array<number>(dims).fill(0),
          season: Array.from({ length: dims }, () => new Array<number>(options.period).fill(0)),
        };
    this.guard = new InputGuard(dims, options.input, state?.guard);
    this.thresholder = new Thresholder(options.thresholder, state?.thresholder);
    this.count = state?.count ?? 0;
  }

  static create(dimensions: number, options: DetectorOptions = {}): EwmaDetector {
    const r = new OptionReader("ewma", options);
    const period = r.number("period", 0, { integer: true, min: 0, max: 100000 });
    const o: EwmaOptions = {
      dimensions,
      alpha: r.number("alpha", 0.1, { min: 1e-6, max: 1 }),
      gamma: r.number("gamma", 0.1, { min: 1e-6, max: 1 }),
      beta: r.number("beta", 0.05, { min: 1e-6, max: 1 }),
      period,
      minPoints: r.number("minPoints", Math.max(30, 2 * period), { integer: true, min: 2 }),
      thresholder: readThresholderOptions(r, BOUNDED_Z_THRESHOLDER, "threshold"),
      input: readInputPolicy(r),
    };
    r.done();
    return new EwmaDetector(o);
  }

  static fromState(state: DetectorState): EwmaDetector {
    checkState(state, "ewma", 1);
    validateState(state);
    const s = state as EwmaState;
    return new EwmaDetector(structuredClone(s.options), s);
  }

  process(input: DataPoint): DetectorResult {
    const checked = this.guard.checkPoint(input);
    const { values, unread } = checked;
    const { alpha, gamma, beta, period, minPoints } = this.options;
    const { level, variance, season } = this.model;
    const phase = period > 0 ? this.count % period : 0;
    const expected = values.map((_, d) => level[d] + (period > 0 ? season[d][phase] : 0));
    let result: DetectorResult;
    if (this.count >= minPoints) {
      const z = values.map((v, d) => {
        // an unread input is taken to be what was expected: it adds nothing to the score
        if (unread.length > 0 && unread.includes(d)) return 0;
        const sd = Math.sqrt(variance[d]);
        const r = v - expected[d];
        return clamp(sd > 0 ? r / sd : r === 0 ? 0 : Math.sign(r) * 1e3, SCORE_LIMIT);
      });
      const rawScore = largestDeviation(z);
      const decision = this.thresholder.process(rawScore);
      result = decidedResult(rawScore, decision, attributionFromDeviations(z, rawScore), expected, checked);
    } else {
      result = warmUpResult(checked);
    }
    values.forEach((value, d) => {
      // an unread input's level, season and variance stay as they were
      if (unread.length > 0 && unread.includes(d)) return;
      const first = this.count === 0;
      // the model learns the value winsorised to WINSOR_K deviations from what it expected (see robust.ts)
      const deviation = value - expected[d];
      const residual = winsorise(deviation, Math.max(Math.sqrt(variance[d]), 1e-3 * Math.abs(level[d]), 1e-9), this.count);
      const v = residual === deviation ? value : expected[d] + residual;
      // early on, average faster so the level does not crawl up from 0
      const a = Math.max(alpha, 1 / (this.count + 1));
      if (first) level[d] = v;
      else level[d] += a * (v - (period > 0 ? season[d][phase] : 0) - level[d]);
      if (period > 0 && this.count >= period) season[d][phase] += gamma * (v - level[d] - season[d][phase]);
      if (!first) variance[d] = (1 - Math.max(beta, 1 / this.count)) * variance[d] + Math.max(beta, 1 / this.count) * residual * residual;
    });
    this.count++;
    this.guard.accept(input.timestamp, values, unread);
    return result;
  }

  toState(): EwmaState {
    return {
      detector: "ewma",
      version: 1,
      // a copy: a caller changing the state it was handed must not change the running detector
      options: structuredClone(this.options),
      count: this.count,
      level: [...this.model.level],
      variance: [...this.model.variance],
      season: this.model.season.map((s) => [...s]),
      guard: this.guard.getState(),
      thresholder: this.thresholder.getState(),
    };
  }
}
