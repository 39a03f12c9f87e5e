import { checkState } from "../errors";
import { validateState } from "../stateSchema";
import { GuardState, InputGuard } from "../inputGuard";
import { decidedResult, warmUpResult, zeroAttribution } from "../result";
import { AnomalyLikelihood, eitherLikelihood, LikelihoodState } from "../likelihood";
import { Cooling, escalateAlarm, mainInput, NO_COOLING, suppressAlarm, suppressEvent } from "../suppression";
import { Decision, Thresholder, ThresholderState } from "../thresholder";
import { Attribution, DataPoint, Detector, DetectorOptions, DetectorResult, DetectorState } from "../types";
import { RandomCutForest } from "./forest";
import { RcfOptions, readRcfOptions, unlearnedSpan } from "./rcfOptions";
import { calendarCodec } from "./pointCodec";
import { FLAT_LEVEL_SHARE, NO_INPUTS, Preprocessor, PreprocessorState } from "./preprocessor";
import { ForestState, forestFromState, forestToState } from "./stateMapper";

export const RCF_STATE_VERSION = 2;

type ShingleAttribution = { high: Float64Array; low: Float64Array };

interface RcfState extends DetectorState {
  readonly options: RcfOptions;
  readonly count: number;
  readonly shingle: number[];
  readonly shingleFill: number;
  readonly shinglePos: number;
  readonly guard: GuardState;
  readonly preprocessor: PreprocessorState;
  readonly thresholder: ThresholderState;
  /** Only with the `sustain` option. */
  readonly sustained?: ThresholderState;
  /** Only with `scoring=likelihood`. */
  readonly likelihood?: LikelihoodState;
  /** The long average's likelihood: only with option `likelihoodLongWindow`. */
  readonly likelihoodLong?: LikelihoodState;
  /** Only with `suppress`: points still to suppress. */
  readonly suppressLeft?: number;
  /** Only with `rearm`: points suppressed since the alarm, and calm points in a row among the last of them. */
  readonly suppressHeld?: number;
  readonly suppressCalm?: number;
  /** Only with `escalate`: points of the escalation left, and the last alarm's score and main input. */
  readonly cooling?: Cooling;
  /** Only when true: the last point was absurd (robust.ts ABSURD_K). */
  readonly absurdBefore?: boolean;
  /**
   * Only when > 0: points after an absurd one still not learned, by the trees nor the scoring stage, while
   * their shingle or the scoring stage's window of scores holds it (unlearnedSpan).
   */
  readonly unlearnedLeft?: number;
  /** Only with option `settle`: flagged points in a row, counted up to options.settle. */
  readonly flaggedRun?: number;
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
  private readonly preprocessor: Preprocessor;
  private readonly thresholder: Thresholder;
  private readonly sustained?: Thresholder;
  private readonly likelihood?: AnomalyLikelihood;
  private readonly likelihoodLong?: AnomalyLikelihood;
  private suppressLeft: number;
  private suppressHeld: number;
  private suppressCalm: number;
  private cooling: Cooling;
  private absurdBefore: boolean;
  private unlearnedLeft: number;
  private flaggedRun: number;
  /** Features per shingle block: inputs plus calendar features. */
  private readonly block: number;
  private forest: RandomCutForest;
  /** Ring of the last shingleSize feature vectors. */
  private readonly shingle: Float64Array;
  private shingleFill = 0;
  private shinglePos = 0;
  private readonly point: Float32Array;

  constructor(
    readonly options: RcfOptions,
    restoreFrom?: RcfState,
  ) {
    const { dimensions, shingleSize } = options;
    this.dimensions = dimensions;
    this.guard = new InputGuard(dimensions, options.input, restoreFrom?.guard);
    this.preprocessor = new Preprocessor(
      dimensions,
      options.normalize,
      options.calendar,
      options.timeDecay,
      restoreFrom?.preprocessor,
      options.minDeviation,
      options.relativeFloor ?? 0,
      options.levelFloor ?? FLAT_LEVEL_SHARE,
    );
    this.thresholder = new Thresholder(options.thresholder, restoreFrom?.thresholder);
    if (options.sustained) this.sustained = new Thresholder(options.sustained, restoreFrom?.sustained);
    if (options.likelihood) this.likelihood = new AnomalyLikelihood(options.likelihood, restoreFrom?.likelihood);
    if (options.likelihood?.longWindow !== undefined) {
      const { longWindow, ...short } = options.likelihood;
      this.likelihoodLong = new AnomalyLikelihood({ ...short, window: longWindow }, restoreFrom?.likelihoodLong);
    }
    this.suppressLeft = restoreFrom?.suppressLeft ?? 0;
    this.suppressHeld = restoreFrom?.suppressHeld ?? 0;
    this.suppressCalm = restoreFrom?.suppressCalm ?? 0;
    this.cooling = restoreFrom?.cooling ? { ...restoreFrom.cooling } : NO_COOLING;
    this.absurdBefore = restoreFrom?.absurdBefore ?? false;
    this.unlearnedLeft = restoreFrom?.unlearnedLeft ?? 0;
    this.flaggedRun = restoreFrom?.flaggedRun ?? 0;
    this.block = this.preprocessor.featureDimensions;
    this.shingle = new Float64Array(this.block * shingleSize);
    if (restoreFrom) this.shingle.set(restoreFrom.shingle);
    this.point = new Float32Array(this.block * shingleSize);
    if (restoreFrom) {
      this.forest = forestFromState(restoreFrom.forest, calendarCodec(dimensions, options.calendar, shingleSize));
      this.count = restoreFrom.count;
      this.shingleFill = restoreFrom.shingleFill;
      this.shinglePos = restoreFrom.shinglePos;
    } else {
      this.forest = new RandomCutForest({
        dimensions: this.block * shingleSize,
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
    checkState(state, "rcf", RCF_STATE_VERSION);
    validateState(state);
    const s = state as RcfState;
    return new RcfDetector(structuredClone(s.options), s);
  }

  process(input: DataPoint): DetectorResult {
    const checked = this.guard.checkPoint(input);
    const { values, unread } = checked;
    const dims = this.dimensions;
    const block = this.block;
    const s = this.options.shingleSize;
    // a single absurd point is scored but not learned (robust.ts ABSURD_K), nor are the shingles holding it
    const absurdInputs = this.preprocessor.absurdInputs(values);
    const absurd = absurdInputs.length > 0;
    const unlearned = absurd && !this.absurdBefore;
    // nor does an unlearned absurd value fill a gap after it (option missing=impute): a copy would be its second
    // point; nor a stand-in for an unread input
    const notImputable = unread.length > 0 ? [...new Set([...unread, ...(unlearned ? absurdInputs : NO_INPUTS)])] : unlearned ? absurdInputs : NO_INPUTS;
    // and a gap filled after an absurd value neither confirms nor ends it: an input that reports every other
    // row must still have its lasting change learned from its next value
    this.absurdBefore = absurd || (this.absurdBefore && checked.imputed.length > 0);
    if (unlearned) this.unlearnedLeft = unlearnedSpan(this.options);
    const learnable = this.unlearnedLeft === 0;
    if (!learnable) this.unlearnedLeft--;
    // a point with an unread input is learned with the forest's estimate of it (estimateUnread), once the forest
    // scores: before, there is no estimate, and a stand-in learned would be a value the sensor never read
    const learn = learnable && (unread.length === 0 || this.forest.updates >= this.options.outputAfter);
    const newestAt = this.shinglePos * block;
    this.preprocessor.transform(input.timestamp, values, this.shingle, newestAt);
    // the scaling learns read values only (its statistics are of the inputs, not of estimates); with option
    // scaleFlagged false, only once the point is known not to be flagged (the transform above used the statistics
    // before it either way; the point's expected values are then read back with them too)
    const scalable = !unlearned && unread.length === 0;
    const scaleAfter = scalable && this.options.scaleFlagged === false && !this.learnsFlagged();
    if (scalable && !scaleAfter) this.preprocessor.update(values);
    this.shinglePos = (this.shinglePos + 1) % s;
    this.shingleFill = Math.min(s, this.shingleFill + 1);
    this.count++;
    if (this.shingleFill < s) {
      if (scaleAfter) this.preprocessor.update(values);
      this.guard.accept(input.timestamp, values, notImputable);
      return unlearned ? { ...warmUpResult(checked), unlearned: [...absurdInputs] } : warmUpResult(checked);
    }
    // oldest block first: the ring position now points at the oldest
    for (let k = 0; k < s; k++) {
      const b = (this.shinglePos + k) % s;
      for (let j = 0; j < block; j++) this.point[k * block + j] = this.shingle[b * block + j];
    }
    if (unread.length > 0) this.estimateUnread(unread, newestAt);
    let result: DetectorResult;
    if (this.forest.updates >= this.options.outputAfter) {
      const rawScore = this.forest.score(this.point);
      // the attribution, once: option escalate may ask a flag's main input before the result does
      let attributed: ShingleAttribution | undefined;
      const attributionOf = (): ShingleAttribution => (attributed ??= this.forest.attribution(this.point));
      const decision = this.decide(rawScore, learn, () => (dims === 1 ? 0 : mainInput(this.fold(attributionOf()))));
      const explain = decision.anomaly || this.options.explain === "all";
      const shingleAttribution = explain ? attributionOf() : undefined;
      const attribution = shingleAttribution ? this.fold(shingleAttribution) : zeroAttribution(dims);
      const expected = shingleAttribution ? this.expected(values, shingleAttribution) : [...values];
      result = decidedResult(rawScore, decision, attribution, expected, checked);
    } else {
      result = warmUpResult(checked);
    }
    if (scaleAfter && !result.anomaly) this.preprocessor.update(values);
    if ((this.learnsFlagged() || !result.anomaly) && learn) this.forest.update(this.point);
    if (this.options.settle !== undefined) this.flaggedRun = result.anomaly ? Math.min(this.flaggedRun + 1, this.options.settle) : 0;
    this.guard.accept(input.timestamp, values, notImputable);
    return unlearned ? { ...result, unlearned: [...absurdInputs] } : result;
  }

  /**
   * Puts the forest's completion of the unread inputs, given the others, in their place in the point and the
   * shingle (where later shingles read it), so a missing reading neither stands out nor hides the others. A
   * forest with no points yet keeps the inputs' last values.
   */
  private estimateUnread(unread: readonly number[], newestAt: number): void {
    const newest = (this.options.shingleSize - 1) * this.block;
    const completed = this.forest.impute(
      this.point,
      unread.map((j) => newest + j),
    );
    for (const j of unread) {
      this.point[newest + j] = completed[newest + j];
      this.shingle[newestAt + j] = this.point[newest + j];
    }
  }

  /** Whether a flagged point trains the model: always with updateOnAnomaly, else once `settle` flagged points ran in a row. */
  private learnsFlagged(): boolean {
    return this.options.updateOnAnomaly || (this.options.settle !== undefined && this.flaggedRun >= this.options.settle);
  }

  /** The scoring stage's decision, then suppression inside an event (options `suppress`, `rearm`, `escalate`). */
  private decide(rawScore: number, learn: boolean, driver: () => number): Decision {
    const decision = this.score(rawScore, learn);
    if (this.options.suppress === undefined) return decision;
    if (this.options.escalate) {
      const escalated = escalateAlarm(decision, this.suppressLeft, this.cooling, this.options.suppress, this.options.escalate, driver);
      this.suppressLeft = escalated.left;
      this.cooling = escalated.cooling;
      return escalated.decision;
    }
    if (this.options.rearm) {
      const hold = { left: this.suppressLeft, held: this.suppressHeld, calm: this.suppressCalm };
      const event = suppressEvent(decision, hold, this.options.suppress, this.options.rearm);
      this.suppressLeft = event.hold.left;
      this.suppressHeld = event.hold.held;
      this.suppressCalm = event.hold.calm;
      return event.decision;
    }
    const suppressed = suppressAlarm(decision, this.suppressLeft, this.options.suppress);
    this.suppressLeft = suppressed.left;
    return suppressed.decision;
  }

  /** The likelihood's or the thresholder's decision; with `sustain` the thresholder of the two with the higher score. */
  private score(rawScore: number, learn: boolean): Decision {
    if (this.likelihood) {
      const fill = this.forest.updates / this.options.subSampleSize;
      const short = this.likelihood.process(rawScore, this.learnsFlagged(), learn, fill);
      if (!this.likelihoodLong) return short;
      const long = this.likelihoodLong.process(rawScore, this.learnsFlagged(), learn, fill);
      return eitherLikelihood(short, long, this.likelihood.lineSurprise);
    }
    const instant = this.thresholder.process(rawScore, this.learnsFlagged(), learn);
    if (!this.sustained) return instant;
    const sustained = this.sustained.process(rawScore, this.learnsFlagged(), learn);
    return sustained.score > instant.score ? sustained : instant;
  }

  /** Attribution of the whole shingle folded onto the inputs (calendar features are context, not causes). */
  private fold({ high, low }: ShingleAttribution): Attribution {
    const dims = this.dimensions;
    const out: Attribution = { high: new Array<number>(dims).fill(0), low: new Array<number>(dims).fill(0) };
    for (let i = 0; i < high.length; i++) {
      const j = i % this.block;
      if (j >= dims) continue;
      out.high[j] += high[i];
      out.low[j] += low[i];
    }
    return out;
  }

  /**
   * With shingles, the forest's completion of the newest input given the previous ones and the calendar
   * (a forecast); without, the completion of the inputs that drove the score given the others.
   */
  private expected(values: readonly number[], { high, low }: ShingleAttribution): number[] {
    const dims = this.dimensions;
    const s = this.options.shingleSize;
    const newest = (s - 1) * this.block;
    let inputs: number[];
    if (s > 1 || dims === 1) {
      inputs = Array.from({ length: dims }, (_, j) => j);
    } else {
      const share = (j: number): number => high[j] + low[j];
      const total = Array.from({ length: dims }, (_, j) => share(j)).reduce((a, b) => a + b, 0);
      inputs = Array.from({ length: dims }, (_, j) => j).filter((j) => share(j) >= total / dims);
    }
    const completed = this.forest.impute(
      this.point,
      inputs.map((j) => newest + j),
    );
    const out = [...values];
    for (const j of inputs) out[j] = this.preprocessor.inverse(j, completed[newest + j]);
    return out;
  }

  toState(): RcfState {
    return {
      detector: "rcf",
      version: RCF_STATE_VERSION,
      // a copy: a caller changing the state it was handed must not change the running detector
      options: structuredClone(this.options),
      count: this.count,
      shingle: Array.from(this.shingle),
      shingleFill: this.shingleFill,
      shinglePos: this.shinglePos,
      guard: this.guard.getState(),
      preprocessor: this.preprocessor.getState(),
      thresholder: this.thresholder.getState(),
      ...(this.sustained ? { sustained: this.sustained.getState() } : {}),
      ...(this.likelihood ? { likelihood: this.likelihood.getState() } : {}),
      ...(this.likelihoodLong ? { likelihoodLong: this.likelihoodLong.getState() } : {}),
      ...(this.options.suppress !== undefined ? { suppressLeft: this.suppressLeft } : {}),
      ...(this.options.rearm ? { suppressHeld: this.suppressHeld, suppressCalm: this.suppressCalm } : {}),
      ...(this.options.escalate ? { cooling: { ...this.cooling } } : {}),
      ...(this.absurdBefore ? { absurdBefore: true } : {}),
      ...(this.unlearnedLeft > 0 ? { unlearnedLeft: this.unlearnedLeft } : {}),
      ...(this.options.settle !== undefined ? { flaggedRun: this.flaggedRun } : {}),
      forest: forestToState(this.forest, calendarCodec(this.dimensions, this.options.calendar, this.options.shingleSize)),
    };
  }
}
