import { StateError } from "../errors";
import { GuardState, InputGuard } from "../inputGuard";
import { warmUpResult, zeroAttribution } from "../result";
import { Thresholder, ThresholderState } from "../thresholder";
import { Attribution, DataPoint, Detector, DetectorOptions, DetectorResult, DetectorState } from "../types";
import { RandomCutForest } from "./forest";
import { RcfOptions, readRcfOptions } from "./rcfOptions";
import { ForestState, forestFromState, forestToState } from "./stateMapper";

export const RCF_STATE_VERSION = 1;

type ShingleAttribution = { high: Float64Array; low: Float64Array };

interface RcfState extends DetectorState {
  readonly options: RcfOptions;
  readonly count: number;
  readonly shingle: number[];
  readonly shingleFill: number;
  readonly shinglePos: number;
  readonly guard: GuardState;
  readonly thresholder: ThresholderState;
  readonly forest: ForestState;
}

/**
 * Random cut forest detector: internal shingling, warm-up, score-then-update, thresholder decisions,
 * attribution and expected values for the inputs.
 */
export class RcfDetector implements Detector {
  readonly name = "rcf";
  readonly dimensions: number;
  count = 0;
  private readonly guard: InputGuard;
  private readonly thresholder: Thresholder;
  private forest: RandomCutForest;
  /** Ring of the last shingleSize input vectors. */
  private readonly shingle: number[];
  private shingleFill = 0;
  private shinglePos = 0;
  private readonly point: Float32Array;

  constructor(
    readonly options: RcfOptions,
    restoreFrom?: RcfState,
  ) {
    const { dimensions, shingleSize } = options;
    this.dimensions = dimensions;
    this.guard = new InputGuard(dimensions, options.missing, restoreFrom?.guard);
    this.thresholder = new Thresholder(options.thresholder, restoreFrom?.thresholder);
    this.shingle = restoreFrom ? [...restoreFrom.shingle] : new Array<number>(dimensions * shingleSize).fill(0);
    this.point = new Float32Array(dimensions * shingleSize);
    if (restoreFrom) {
      this.forest = forestFromState(restoreFrom.forest);
      this.count = restoreFrom.count;
      this.shingleFill = restoreFrom.shingleFill;
      this.shinglePos = restoreFrom.shinglePos;
    } else {
      this.forest = new RandomCutForest({
        dimensions: dimensions * shingleSize,
        numberOfTrees: options.numberOfTrees,
        sampleSize: options.subSampleSize,
        lambda: 1 / options.timeDecay,
        seed: options.seed,
      });
    }
  }

  static create(dimensions: number, options: DetectorOptions = {}): RcfDetector {
    return new RcfDetector(readRcfOptions(dimensions, options));
  }

  static fromState(state: DetectorState): RcfDetector {
    if (state.detector !== "rcf" || state.version !== RCF_STATE_VERSION) {
      throw new StateError(`expected an rcf state of version ${RCF_STATE_VERSION}, got ${state.detector} version ${state.version}`);
    }
    const s = state as RcfState;
    return new RcfDetector(s.options, s);
  }

  process(input: DataPoint): DetectorResult {
    const { values, imputed } = this.guard.check(input.timestamp, input.values);
    const dims = this.dimensions;
    const s = this.options.shingleSize;
    for (let j = 0; j < dims; j++) this.shingle[this.shinglePos * dims + j] = values[j];
    this.shinglePos = (this.shinglePos + 1) % s;
    this.shingleFill = Math.min(s, this.shingleFill + 1);
    this.count++;
    if (this.shingleFill < s) {
      this.guard.accept(input.timestamp, values);
      return warmUpResult(values, imputed);
    }
    // oldest block first: the ring position now points at the oldest
    for (let k = 0; k < s; k++) {
      const block = (this.shinglePos + k) % s;
      for (let j = 0; j < dims; j++) this.point[k * dims + j] = this.shingle[block * dims + j];
    }
    let result: DetectorResult;
    if (this.forest.updates >= this.options.outputAfter) {
      const rawScore = this.forest.score(this.point);
      const decision = this.thresholder.process(rawScore);
      const explain = decision.anomaly || this.options.explain === "all";
      const shingleAttribution = explain ? this.forest.attribution(this.point) : undefined;
      result = {
        ready: true,
        rawScore,
        score: decision.score,
        anomaly: decision.anomaly,
        grade: decision.grade,
        attribution: shingleAttribution ? this.fold(shingleAttribution) : zeroAttribution(dims),
        expected: shingleAttribution ? this.expected(values, shingleAttribution) : [...values],
        imputed,
      };
    } else {
      result = warmUpResult(values, imputed);
    }
    if (this.options.updateOnAnomaly || !result.anomaly) this.forest.update(this.point);
    this.guard.accept(input.timestamp, values);
    return result;
  }

  /** Attribution of the whole shingle, folded onto the input dimensions. */
  private fold({ high, low }: ShingleAttribution): Attribution {
    const dims = this.dimensions;
    const out: Attribution = { high: new Array<number>(dims).fill(0), low: new Array<number>(dims).fill(0) };
    for (let i = 0; i < high.length; i++) {
      out.high[i % dims] += high[i];
      out.low[i % dims] += low[i];
    }
    return out;
  }

  /**
   * With shingles, the forest's completion of the newest input given the previous ones (a forecast);
   * without, the completion of the dimensions that drove the score given the others.
   */
  private expected(values: readonly number[], { high, low }: ShingleAttribution): number[] {
    const dims = this.dimensions;
    const s = this.options.shingleSize;
    let missing: number[];
    if (s > 1) {
      missing = Array.from({ length: dims }, (_, j) => (s - 1) * dims + j);
    } else if (dims === 1) {
      missing = [0];
    } else {
      const total = high.reduce((a, h, i) => a + h + low[i], 0);
      missing = Array.from({ length: dims }, (_, j) => j).filter((j) => high[j] + low[j] >= total / dims);
    }
    const completed = this.forest.impute(this.point, missing);
    const out = [...values];
    for (const m of missing) out[m % dims] = completed[m];
    return out;
  }

  toState(): RcfState {
    return {
      detector: "rcf",
      version: RCF_STATE_VERSION,
      options: this.options,
      count: this.count,
      shingle: [...this.shingle],
      shingleFill: this.shingleFill,
      shinglePos: this.shinglePos,
      guard: this.guard.getState(),
      thresholder: this.thresholder.getState(),
      forest: forestToState(this.forest),
    };
  }
}
