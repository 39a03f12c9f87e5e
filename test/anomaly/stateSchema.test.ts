import { expect } from "chai";
import { createDetector, DetectorOptions, DetectorState, restoreDetector, StateError } from "../../anomaly";
import { validateState } from "../../anomaly/stateSchema";
import { minuteTimestamp, sineStream } from "../helpers/streams";

function stateOf(name: string, options: DetectorOptions): DetectorState {
  const d = createDetector(name, 2, options);
  sineStream(100, 2, 3).forEach((v, i) => d.process({ timestamp: minuteTimestamp(i), values: v }));
  return d.toState();
}

const STATES: Record<string, DetectorState> = {
  // threshold scoring without suppression: a state without a likelihood stage or points left to suppress
  rcf: stateOf("rcf", { numberOfTrees: 4, subSampleSize: 16, shingleSize: 3, scoring: "threshold", suppress: 0 }),
  sustained: stateOf("rcf", { numberOfTrees: 4, subSampleSize: 16, sustain: 5, peakLag: 3 }),
  likelihood: stateOf("rcf", {
    numberOfTrees: 4,
    subSampleSize: 16,
    scoring: "likelihood",
    likelihoodWindow: 4,
    likelihoodLongWindow: 6,
    likelihoodSkip: 5,
    likelihoodEstimate: 5,
    suppress: 7,
  }),
  state: stateOf("rcf", { numberOfTrees: 4, subSampleSize: 16, alarm: "state", settle: 20 }),
  held: stateOf("rcf", { numberOfTrees: 4, subSampleSize: 16, alarm: "state", settle: 0, scaleFlagged: false }),
  zscore: stateOf("zscore", { window: 10 }),
  ewma: stateOf("ewma", { period: 4 }),
  ensemble: stateOf("ensemble", { members: "zscore,ewma", "zscore.window": 10 }),
};

type Mutation = [base: string, path: string, value: unknown, message: string];

/** One mutation per kind of field: the state at `path` set to `value` (undefined: removed). */
const MUTATIONS: Mutation[] = [
  ["rcf", "count", undefined, "state.count: expected an integer in [0, 1125899906842624], got nothing"],
  ["rcf", "count", -1, "state.count: expected an integer in [0, 1125899906842624], got -1"],
  ["rcf", "count", 1.5, "state.count: expected an integer in [0, 1125899906842624], got 1.5"],
  ["rcf", "options", [[[[]]]], "state.options: expected an object, got an array of 1"],
  ["rcf", "options.dimensions", -2, "state.options.dimensions: expected an integer in [1, 100000], got -2"],
  ["rcf", "options.numberOfTrees", 1e9, "state.options.numberOfTrees: expected an integer in [1, 1000], got 1000000000"],
  ["rcf", "options.subSampleSize", "256", 'state.options.subSampleSize: expected an integer in [4, 4096], got "256"'],
  ["rcf", "options.timeDecay", null, "state.options.timeDecay: expected a finite number >= 1, got null"],
  ["rcf", "options.calendar", "month", 'state.options.calendar: expected one of "none", "day", "week", got "month"'],
  ["rcf", "options.normalize", "yes", 'state.options.normalize: expected one of true, false, got "yes"'],
  ["rcf", "options.thresholder.peakDecay", 1, "state.options.thresholder.peakDecay: expected a number in [0, 1), got 1"],
  ["rcf", "options.thresholder.smoothing", 0, "state.options.thresholder.smoothing: expected an integer in [1, 1000], got 0"],
  ["rcf", "options.input.missing", "drop", 'state.options.input.missing: expected one of "error", "impute", got "drop"'],
  ["rcf", "options.input.extreme", "wrap", 'state.options.input.extreme: expected one of "error", "clip", got "wrap"'],
  ["rcf", "options.minDeviation", [1], "state.options.minDeviation: expected 2 item(s), got an array of 1"],
  ["rcf", "options.levelFloor", 0.002, "state.options.levelFloor: expected a finite number in [0, 0.001], got 0.002"],
  ["rcf", "options.levelFloor", -1e-9, "state.options.levelFloor: expected a finite number in [0, 0.001], got -1e-9"],
  ["rcf", "options.levelFloor", "tiny", 'state.options.levelFloor: expected a finite number in [0, 0.001], got "tiny"'],
  [
    "rcf",
    "options",
    { ...(STATES.rcf.options as object), numberOfTrees: 1000, subSampleSize: 4096, shingleSize: 64 },
    "state.options: expected a forest within 2147483648 bytes of memory, got an object",
  ],
  ["rcf", "options.surprise", 1, "state.options.surprise: unexpected field"],
  ["state", "flaggedRun", 21, "state.flaggedRun: expected flagged points in a row (at most options.settle) exactly when options.settle is set, got 21"],
  [
    "state",
    "flaggedRun",
    undefined,
    "state.flaggedRun: expected flagged points in a row (at most options.settle) exactly when options.settle is set, got nothing",
  ],
  ["rcf", "flaggedRun", 0, "state.flaggedRun: expected flagged points in a row (at most options.settle) exactly when options.settle is set, got 0"],
  ["state", "options.updateOnAnomaly", true, "state.options.settle: expected only when options.updateOnAnomaly is false, got 20"],
  ["state", "options.scaleFlagged", true, "state.options.scaleFlagged: expected absent, or false with options.updateOnAnomaly false, got true"],
  ["held", "options.scaleFlagged", "no", 'state.options.scaleFlagged: expected one of true, false, got "no"'],
  ["held", "options.updateOnAnomaly", true, "state.options.scaleFlagged: expected absent, or false with options.updateOnAnomaly false, got false"],
  ["rcf", "shingle", [1, 2], "state.shingle: expected 12 item(s), got an array of 2"],
  ["rcf", "shingle.3", null, "state.shingle[3]: expected a finite number in [-1e+30, 1e+30], got null"],
  // values a model could never have saved, which a restored model would turn into Infinity at its next point
  ["rcf", "shingle.0", 1e308, "state.shingle[0]: expected a finite number in [-1e+30, 1e+30], got 1e+308"],
  ["rcf", "shingle.2", 2, "state.shingle: expected calendar features on the minute grid in the blocks that hold a point, got an array of 12"],
  ["rcf", "preprocessor.mean.0", 1e308, "state.preprocessor.mean[0]: expected a finite number in [-1e+150, 1e+150], got 1e+308"],
  ["rcf", "guard.lastTimestamp", 1e308, "state.guard.lastTimestamp: expected a finite number in [-8640000000000000, 8640000000000000], got 1e+308"],
  ["rcf", "forest.updates", 2 ** 53 - 1, "state.forest.updates: expected an integer in [0, 1125899906842624], got 9007199254740991"],
  ["likelihood", "likelihood.mean", -1e308, "state.likelihood.mean: expected a finite number in [-1e+100, 1e+100], got -1e+308"],
  ["ewma", "level.0", 1e308, "state.level[0]: expected a finite number in [-1e+152, 1e+152], got 1e+308"],
  ["rcf", "shingleFill", 4, "state.shingleFill: expected an integer in [0, 3], got 4"],
  ["rcf", "shinglePos", 3, "state.shinglePos: expected an integer in [0, 2], got 3"],
  ["rcf", "guard.lastTimestamp", "now", 'state.guard.lastTimestamp: expected a finite number in [-8640000000000000, 8640000000000000], got "now"'],
  ["rcf", "guard.lastValues", [0, 0, 0], "state.guard.lastValues: expected 2 item(s), got an array of 3"],
  ["rcf", "preprocessor.variance.1", -1, "state.preprocessor.variance[1]: expected a finite number in [0, 4e+300], got -1"],
  ["rcf", "preprocessor.mean.0", null, "state.preprocessor.mean[0]: expected a finite number in [-1e+150, 1e+150], got null"],
  ["rcf", "thresholder.mean", NaN, "state.thresholder.mean: expected a finite number in [-1e+100, 1e+100], got NaN"],
  ["rcf", "thresholder.variance", -0.5, "state.thresholder.variance: expected a finite number in [0, 4e+200], got -0.5"],
  ["rcf", "thresholder.recent", [1, 2], "state.thresholder.recent: expected at most 1 item(s), got an array of 2"],
  [
    "rcf",
    "sustained",
    { recent: [], count: 0, mean: 0, variance: 0, peak: 0 },
    "state.sustained: expected a sustained thresholder state exactly when options.sustained is set, got an object",
  ],
  ["rcf", "forest.config.dimensions", 4, "state.forest.config.dimensions: expected 12 (inputs and calendar features x shingleSize), got 4"],
  ["rcf", "forest.config.numberOfTrees", 5, "state.forest.config.numberOfTrees: expected 4 (options.numberOfTrees), got 5"],
  ["rcf", "forest.config.seed", 43, "state.forest.config.seed: expected 42 (options.seed), got 43"],
  ["rcf", "forest.updates", -3, "state.forest.updates: expected an integer in [0, 1125899906842624], got -3"],
  ["rcf", "forest.points", "not base64!", 'state.forest.points: expected a base64 string, got "not base64!"'],
  ["rcf", "forest.trees", 12, "state.forest.trees: expected a base64 string, got 12"],
  ["sustained", "sustained", undefined, "state.sustained: expected a sustained thresholder state exactly when options.sustained is set, got nothing"],
  ["sustained", "sustained.lagged", [1, 2, 3, 4], "state.sustained.lagged: expected at most 3 item(s), got an array of 4"],
  ["likelihood", "options.likelihood.window", 0, "state.options.likelihood.window: expected an integer in [1, 1000], got 0"],
  ["likelihood", "options.likelihood.threshold", 1, "state.options.likelihood.threshold: expected a finite number in [0.9, 0.999999999], got 1"],
  ["likelihood", "options.suppress", 0, "state.options.suppress: expected an integer in [1, 100000], got 0"],
  ["likelihood", "likelihood.recent", [1, 2, 3, 4, 5], "state.likelihood.recent: expected at most 4 item(s), got an array of 5"],
  ["likelihood", "likelihood.variance", -1, "state.likelihood.variance: expected a finite number in [0, 4e+200], got -1"],
  ["likelihood", "likelihood.sum", null, "state.likelihood.sum: expected a finite number in [-1e+103, 1e+103], got null"],
  ["likelihood", "likelihood.learned", undefined, "state.likelihood.learned: expected an integer in [0, 1125899906842624], got nothing"],
  ["likelihood", "likelihood", undefined, "state.likelihood: expected a likelihood state exactly when options.likelihood is set, got nothing"],
  [
    "likelihood",
    "suppressLeft",
    8,
    "state.suppressLeft: expected points left to suppress (at most options.suppress) exactly when options.suppress is set, got 8",
  ],
  [
    "rcf",
    "likelihood",
    { recent: [], sum: 0, count: 0, learned: 0, mean: 0, variance: 0 },
    "state.likelihood: expected a likelihood state exactly when options.likelihood is set, got an object",
  ],
  ["rcf", "suppressLeft", 0, "state.suppressLeft: expected points left to suppress (at most options.suppress) exactly when options.suppress is set, got 0"],
  // at most the longer likelihood window (6) or the shingle (3) minus the absurd point itself
  ["likelihood", "unlearnedLeft", 6, "state.unlearnedLeft: expected an integer in [1, 5], got 6"],
  ["likelihood", "likelihoodLong.recent", [1, 2, 3, 4, 5, 6, 7], "state.likelihoodLong.recent: expected at most 6 item(s), got an array of 7"],
  [
    "likelihood",
    "likelihoodLong",
    undefined,
    "state.likelihoodLong: expected a long-average likelihood state exactly when options.likelihood.longWindow is set, got nothing",
  ],
  ["likelihood", "options.likelihood.longWindow", 4, "state.options.likelihood.longWindow: expected an integer above options.likelihood.window, got 4"],
  ["rcf", "unlearnedLeft", 3, "state.unlearnedLeft: expected an integer in [1, 2], got 3"],
  ["rcf", "unlearnedLeft", 0, "state.unlearnedLeft: expected an integer in [1, 2], got 0"],
  ["rcf", "preprocessor.warmUp", [[1, 2]], "state.preprocessor.warmUp: expected 0 item(s), got an array of 1"],
  ["rcf", "absurdBefore", false, "state.absurdBefore: expected one of true, got false"],
  ["zscore", "options.window", 2, "state.options.window: expected an integer in [3, 100000], got 2"],
  ["zscore", "windows", [[1]], "state.windows: expected 2 item(s), got an array of 1"],
  ["zscore", "windows.1", [1, 2], "state.windows[1]: expected 10 item(s), got an array of 2"],
  ["zscore", "windows.0.4", "5", 'state.windows[0][4]: expected a finite number in [-1e+150, 1e+150], got "5"'],
  ["ewma", "options.alpha", 0, "state.options.alpha: expected a finite number in [0.000001, 1], got 0"],
  ["ewma", "season.0", [0, 0], "state.season[0]: expected 4 item(s), got an array of 2"],
  ["ewma", "level", {}, "state.level: expected an array, got an object"],
  ["ewma", "thresholder.count", -1, "state.thresholder.count: expected an integer in [0, 1125899906842624], got -1"],
  ["ensemble", "combine", "min", 'state.combine: expected one of "max", "mean", "vote", got "min"'],
  ["ensemble", "members", [], "state.members: expected at least one member, all with the same dimensions, got an array of 0"],
  ["ensemble", "members.0.detector", "ensemble", 'state.members[0].detector: expected the name of a detector other than ensemble, got "ensemble"'],
  ["ensemble", "members.1.options.period", -1, "state.members[1].options.period: expected an integer in [0, 100000], got -1"],
  ["ensemble", "members.1", 7, "state.members[1]: expected an object, got 7"],
  ["ensemble", "guard.lastValues", [1], "state.guard.lastValues: expected 2 item(s), got an array of 1"],
];

function mutated(base: DetectorState, path: string, value: unknown): DetectorState {
  const copy = JSON.parse(JSON.stringify(base));
  const keys = path.split(".");
  const parent = keys.slice(0, -1).reduce((o, k) => o[k], copy);
  const last = keys[keys.length - 1];
  if (value === undefined) delete parent[last];
  else parent[last] = value;
  return copy;
}

describe("state validation", () => {
  for (const [base, path, value, message] of MUTATIONS) {
    it(`refuses a ${base} state with ${path} = ${typeof value === "object" && value !== null ? "another value" : (JSON.stringify(value) ?? "nothing")}, naming the path`, () => {
      expect(() => restoreDetector(mutated(STATES[base], path, value))).to.throw(StateError, message);
    });
  }

  it("refuses a young state whose warm-up rows are not every point learned so far", () => {
    const d = createDetector("rcf", 2, { numberOfTrees: 4, subSampleSize: 16 });
    sineStream(10, 2, 3).forEach((v, i) => d.process({ timestamp: minuteTimestamp(i), values: v }));
    const young = d.toState() as DetectorState & { preprocessor: { warmUp: number[][] } };
    expect(young.preprocessor.warmUp.length).to.equal(10);
    const short = { ...young, preprocessor: { ...young.preprocessor, warmUp: young.preprocessor.warmUp.slice(1) } };
    expect(() => restoreDetector(short)).to.throw(StateError, "state.preprocessor.warmUp: expected 10 item(s), got an array of 9");
  });

  it("restores every unmutated state", () => {
    for (const state of Object.values(STATES)) expect(JSON.stringify(restoreDetector(state).toState())).to.equal(JSON.stringify(state));
  });
});

describe("ensemble state with a plugin member", () => {
  // a plugin's state carries no options.dimensions: the built-in members' must agree, the plugin's is not compared
  const base = STATES.ensemble as unknown as { members: Record<string, unknown>[] };
  const plugin = { detector: "last", version: 1, count: 100 };
  for (const [title, members] of [
    ["plugin first", [plugin, base.members[0]]],
    ["plugin last", [base.members[0], plugin]],
    ["plugins only", [plugin]],
  ] as const) {
    it(`${title}: valid`, () => {
      expect(() => validateState({ ...STATES.ensemble, members } as unknown as DetectorState)).to.not.throw();
    });
  }

  it("built-in members of other dimensions: refused", () => {
    const other = stateOf("ensemble", { members: "zscore" }) as unknown as { members: Record<string, unknown>[] };
    const three = createDetector("zscore", 3, { window: 10 }).toState();
    expect(() => validateState({ ...(other as unknown as DetectorState), members: [other.members[0], three] } as unknown as DetectorState)).to.throw(
      StateError,
      "state.members: expected at least one member, all with the same dimensions",
    );
  });
});
