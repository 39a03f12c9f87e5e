import { StateError } from "./errors";
import { forestBytes, MAX_FOREST_BYTES } from "./rcf/forestMemory";
import { calendarDimensions } from "./rcf/preprocessor";
import { RcfOptions, unlearnedSpan } from "./rcf/rcfOptions";
import { MAX_TIMESTAMP } from "./inputGuard";
import { FEATURE_LIMIT, INPUT_LIMIT, SCORE_LIMIT, WINSOR_AFTER } from "./robust";
import { calendarGridProblem } from "./rcf/pointCodec";
import { arrayOf, base64, bool, equals, fail, int, nullable, num, object, oneOf, optional, Root, Rule, where } from "./stateRules";
import { DetectorState } from "./types";

/**
 * What a saved state of each detector must look like, as data: one line per field, checked in this order
 * (options first: lengths and bounds of later fields read them). Ranges are those the option readers
 * enforce, so a restored model is one `createDetector` could have made. A new state field is one line
 * here; a field the schema does not list is refused (a state from newer code must not lose it quietly).
 * The forest's points and trees (base64) are checked while they are read (stateMapper.ts).
 *
 * Numbers are held to the working range the detectors keep them in (robust.ts), not merely to finite: a value
 * the code could never have saved (a mean of 1e308) would turn into Infinity at the next point and make the
 * next save fail. Counters stay far enough below 2^53 to go on counting.
 */

/** A value of an input, or a mean of such values. */
const input = (): Rule => num(-INPUT_LIMIT, INPUT_LIMIT);
/** A variance of inputs: at most the square of the widest difference of two, (2 x INPUT_LIMIT)^2. */
const inputVariance = (): Rule => num(0, 4e300);
/** A raw score, or a mean or sum-per-point of scores. */
const score = (): Rule => num(-SCORE_LIMIT, SCORE_LIMIT);
/** (2 x SCORE_LIMIT)^2. */
const scoreVariance = (): Rule => num(0, 4e200);
/** A feature of a point (standardised input or calendar), as the preprocessor clamps it. */
const feature = (): Rule => num(-FEATURE_LIMIT, FEATURE_LIMIT);
/** A count of points: 2^50 is 35 years of a million points a second, and leaves room to count on exactly. */
export const MAX_COUNT = 2 ** 50;
const count = (): Rule => int(0, MAX_COUNT);
/** Epoch milliseconds within JavaScript's date range (InputGuard refuses others). */
const timestamp = (): Rule => num(-MAX_TIMESTAMP, MAX_TIMESTAMP);

const thresholderOptions: Rule = object({
  zFactor: num(Number.MIN_VALUE),
  lowerThreshold: num(0),
  horizon: num(1),
  minScores: int(1),
  smoothing: int(1, 1000),
  peakDecay: where(num(0, 1), (v) => v < 1, "a number in [0, 1)"),
  peakAfter: int(0),
  margin: num(1, 100),
  peakLag: optional(int(0, 10_000)),
});

/** The state of the thresholder whose options `optionsOf(root)` gives. */
function thresholderState(optionsOf: (root: Root) => Root): Rule {
  return object({
    recent: arrayOf(score(), { max: (root) => optionsOf(root).smoothing }),
    count: count(),
    mean: score(),
    variance: scoreVariance(),
    peak: score(),
    lagged: optional(arrayOf(score(), { max: (root) => optionsOf(root).peakLag ?? 0 })),
  });
}

const likelihoodOptions: Rule = object({
  window: int(1, 1000),
  skip: int(0, 1_000_000),
  estimate: int(1, 1_000_000),
  horizon: num(1),
  threshold: num(0.9, 0.999999999),
  longWindow: optional(where(int(2, 1000), (w, root) => w > root.options.likelihood.window, "an integer above options.likelihood.window")),
  fill: optional(where(num(0, 16), (p) => p > 0, "a number in (0, 16]")),
});

/** The state of a likelihood stage (`stateOf(root)`) whose average takes `windowOf(root)` scores. */
const likelihoodState = (windowOf: (root: Root) => number, stateOf: (root: Root) => Root): Rule =>
  object({
    recent: arrayOf(score(), { max: windowOf }),
    // the sum of the window's scores
    sum: num(-1000 * SCORE_LIMIT, 1000 * SCORE_LIMIT),
    count: count(),
    learned: count(),
    mean: score(),
    variance: scoreVariance(),
    // the learned averages' total weight, each at most 1: only with options.likelihood.fill
    weight: where(
      optional(num(0, (root) => stateOf(root).learned)),
      (w, root) => (w === undefined) === (root.options.likelihood?.fill === undefined),
      "a weight exactly when options.likelihood.fill is set",
    ),
  });

const inputPolicy: Rule = object({
  missing: oneOf("error", "impute"),
  outOfOrder: oneOf("error", "accept"),
  extreme: optional(oneOf("error", "clip")),
});

function guardState(dimensions: (root: Root) => number): Rule {
  return object({ lastTimestamp: nullable(timestamp()), lastValues: arrayOf(input(), { length: dimensions }) });
}

const dims = (root: Root): number => root.options.dimensions;
/** The shingle's blocks that hold a point: the first shingleFill, filled in order from block 0, then all. */
const filledBlocks = (root: Root): number => root.shingleFill;
/** Inputs and calendar features of one shingle block, times the shingle size. */
const pointDims = (root: Root): number => (root.options.dimensions + calendarDimensions(root.options.calendar)) * root.options.shingleSize;

const rcfOptions: Rule = where(
  object({
    dimensions: int(1, 100_000),
    numberOfTrees: int(1, 1000),
    subSampleSize: int(4, 4096),
    timeDecay: num(1),
    shingleSize: int(1, 64),
    outputAfter: int(1),
    seed: int(0, 0xffffffff),
    thresholder: thresholderOptions,
    input: inputPolicy,
    updateOnAnomaly: bool,
    explain: oneOf("anomalies", "all"),
    normalize: bool,
    calendar: oneOf("none", "day", "week"),
    minDeviation: optional(arrayOf(num(0), { length: (root) => root.options.dimensions })),
    relativeFloor: optional(num(0, 1)),
    levelFloor: optional(num(0, 0.001)),
    sustained: optional(thresholderOptions),
    likelihood: optional(likelihoodOptions),
    suppress: optional(int(1, 100_000)),
    rearm: where(
      optional(object({ calm: int(1, 100_000), cap: int(1, 1_000_000) })),
      (v, root) => v === undefined || (root.options.suppress !== undefined && v.cap >= root.options.suppress),
      "calm points and a cap of at least options.suppress, only when options.suppress is set",
    ),
    escalate: where(
      optional(int(1, 1_000_000)),
      (v, root) => v === undefined || (root.options.suppress !== undefined && root.options.rearm === undefined),
      "only when options.suppress is set and options.rearm is not",
    ),
    settle: where(
      optional(int(1, 1_000_000)),
      (v, root) => v === undefined || root.options.updateOnAnomaly === false,
      "only when options.updateOnAnomaly is false",
    ),
    scaleFlagged: where(
      optional(bool),
      (v, root) => v === undefined || (v === false && root.options.updateOnAnomaly === false),
      "absent, or false with options.updateOnAnomaly false",
    ),
  }),
  (o) => forestBytes((o.dimensions + calendarDimensions(o.calendar)) * o.shingleSize, o.subSampleSize, o.numberOfTrees) <= MAX_FOREST_BYTES,
  `a forest within ${MAX_FOREST_BYTES} bytes of memory`,
);

const forestState: Rule = object({
  config: object({
    dimensions: equals(pointDims, "inputs and calendar features x shingleSize"),
    numberOfTrees: equals((root) => root.options.numberOfTrees, "options.numberOfTrees"),
    sampleSize: equals((root) => root.options.subSampleSize, "options.subSampleSize"),
    lambda: equals((root) => 1 / root.options.timeDecay, "1 / options.timeDecay"),
    seed: equals((root) => root.options.seed, "options.seed"),
  }),
  updates: count(),
  points: base64,
  trees: base64,
});

const rcfState: Rule = object({
  detector: oneOf("rcf"),
  version: int(1),
  options: rcfOptions,
  count: count(),
  // the ring's position and fill first: which of the shingle's blocks hold a point
  shingleFill: int(0, (root) => root.options.shingleSize),
  shinglePos: int(0, (root) => root.options.shingleSize - 1),
  shingle: where(
    arrayOf(feature(), { length: pointDims }),
    (shingle, root) => calendarGridProblem(root.options.dimensions, root.options.calendar, shingle, filledBlocks(root)) === undefined,
    "calendar features on the minute grid in the blocks that hold a point",
  ),
  guard: guardState(dims),
  preprocessor: object({
    count: count(),
    mean: arrayOf(input(), { length: dims }),
    variance: arrayOf(inputVariance(), { length: dims }),
    // the inputs learned so far, every one of them, only while fewer than WINSOR_AFTER
    warmUp: optional(arrayOf(arrayOf(input(), { length: dims }), { length: (root) => (root.preprocessor.count < WINSOR_AFTER ? root.preprocessor.count : 0) })),
  }),
  thresholder: thresholderState((root) => root.options.thresholder),
  sustained: where(
    optional(thresholderState((root) => root.options.sustained ?? {})),
    (v, root) => (v === undefined) === (root.options.sustained === undefined),
    "a sustained thresholder state exactly when options.sustained is set",
  ),
  likelihood: where(
    optional(
      likelihoodState(
        (root) => root.options.likelihood?.window ?? 0,
        (root) => root.likelihood,
      ),
    ),
    (v, root) => (v === undefined) === (root.options.likelihood === undefined),
    "a likelihood state exactly when options.likelihood is set",
  ),
  likelihoodLong: where(
    optional(
      likelihoodState(
        (root) => root.options.likelihood?.longWindow ?? 0,
        (root) => root.likelihoodLong,
      ),
    ),
    (v, root) => (v === undefined) === (root.options.likelihood?.longWindow === undefined),
    "a long-average likelihood state exactly when options.likelihood.longWindow is set",
  ),
  suppressLeft: where(
    optional(int(0, 100_000)),
    (v, root) => (v === undefined) === (root.options.suppress === undefined) && (v === undefined || v <= root.options.suppress),
    "points left to suppress (at most options.suppress) exactly when options.suppress is set",
  ),
  suppressHeld: where(
    optional(int(0, 1_000_000)),
    (v, root) => (v === undefined) === (root.options.rearm === undefined) && (v === undefined || v <= root.options.rearm.cap),
    "points suppressed since the alarm (at most options.rearm.cap) exactly when options.rearm is set",
  ),
  suppressCalm: where(
    optional(int(0, 1_000_000)),
    (v, root) => (v === undefined) === (root.options.rearm === undefined) && (v === undefined || v <= root.suppressHeld),
    "calm points (at most suppressHeld) exactly when options.rearm is set",
  ),
  cooling: where(
    optional(object({ left: int(0, 1_000_000), score: num(0, 1), driver: int(-1, 100_000) })),
    (v, root) =>
      (v === undefined) === (root.options.escalate === undefined) &&
      (v === undefined || (v.left <= root.options.escalate && v.driver < root.options.dimensions)),
    "escalation left (at most options.escalate), the last alarm's score and main input (-1 before one, below options.dimensions) exactly when options.escalate is set",
  ),
  absurdBefore: optional(oneOf(true)),
  unlearnedLeft: optional(int(1, (root) => unlearnedSpan(root.options as RcfOptions) - 1)),
  flaggedRun: where(
    optional(int(0, 1_000_000)),
    (v, root) => (v === undefined) === (root.options.settle === undefined) && (v === undefined || v <= root.options.settle),
    "flagged points in a row (at most options.settle) exactly when options.settle is set",
  ),
  forest: forestState,
});

const zscoreState: Rule = object({
  detector: oneOf("zscore"),
  version: int(1),
  options: object({
    dimensions: int(1, 100_000),
    window: int(3, 100_000),
    minPoints: int(3),
    thresholder: thresholderOptions,
    input: inputPolicy,
  }),
  count: count(),
  // every point enters every window, so each holds the last min(count, window) values
  windows: arrayOf(arrayOf(input(), { length: (root) => Math.min(root.count, root.options.window) }), { length: dims }),
  guard: guardState(dims),
  thresholder: thresholderState((root) => root.options.thresholder),
});

const ewmaState: Rule = object({
  detector: oneOf("ewma"),
  version: int(1),
  options: object({
    dimensions: int(1, 100_000),
    alpha: num(1e-6, 1),
    gamma: num(1e-6, 1),
    beta: num(1e-6, 1),
    period: int(0, 100_000),
    minPoints: int(2),
    thresholder: thresholderOptions,
    input: inputPolicy,
  }),
  count: count(),
  // a level and a season learn differences of inputs and of each other: kept within 100 times an input's
  // range, where a residual's square is still far below float64's 1.8e308
  level: arrayOf(num(-1e152, 1e152), { length: dims }),
  variance: arrayOf(num(0, 1e305), { length: dims }),
  season: arrayOf(arrayOf(num(-1e152, 1e152), { length: (root) => root.options.period }), { length: dims }),
  guard: guardState(dims),
  thresholder: thresholderState((root) => root.options.thresholder),
});

/** The schemas of the built-in detectors, by registry name. */
const SCHEMAS: Readonly<Record<string, Rule>> = { rcf: rcfState, zscore: zscoreState, ewma: ewmaState };

const schemaOf = (schemas: Readonly<Record<string, Rule>>, name: unknown): Rule | undefined =>
  typeof name === "string" && Object.prototype.hasOwnProperty.call(schemas, name) ? schemas[name] : undefined;

/**
 * A member of an ensemble: a built-in detector's state is checked with its schema (as its own root); a
 * plugin's is left to the plugin's fromState. An ensemble never holds an ensemble (nor can a state nest one).
 */
const memberState: Rule = (v, path) => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) fail(path, "an object", v);
  const name = (v as DetectorState).detector;
  if (typeof name !== "string" || name === "ensemble") fail(`${path}.detector`, "the name of a detector other than ensemble", name);
  schemaOf(SCHEMAS, name)?.(v, path, v);
};

/** The dimensions the members' states name (a plugin member's state names none). */
const knownDims = (members: Root[]): number[] => members.map((m) => m.options?.dimensions).filter((d): d is number => d !== undefined);

/** Dimensions of an ensemble's members: those a built-in member's state names, else (plugins only) the guard's. */
const memberDims = (root: Root): number => knownDims(root.members)[0] ?? root.guard?.lastValues?.length;

const ensembleState: Rule = object({
  detector: oneOf("ensemble"),
  version: int(1),
  combine: oneOf("max", "mean", "vote"),
  input: inputPolicy,
  members: where(
    arrayOf(memberState, { max: 100 }),
    (members: Root[]) => members.length > 0 && knownDims(members).every((d, _, all) => d === all[0]),
    "at least one member, all with the same dimensions",
  ),
  guard: guardState(memberDims),
});

const ALL_SCHEMAS: Readonly<Record<string, Rule>> = { ...SCHEMAS, ensemble: ensembleState };

/** Throws a StateError naming the first thing wrong with a built-in detector's state. */
export function validateState(state: DetectorState): void {
  const schema = schemaOf(ALL_SCHEMAS, state.detector);
  if (!schema) throw new StateError(`state.detector: no schema for detector ${JSON.stringify(state.detector)}`);
  schema(state, "state", state);
}
