import { OptionReader } from "../options";
import { OptionError } from "../errors";
import { forestBytes, MAX_FOREST_BYTES } from "./forestMemory";
import { Calendar, calendarDimensions, FLAT_LEVEL_SHARE, LEVEL_FLOOR } from "./preprocessor";
import { InputPolicy, readInputPolicy } from "../inputGuard";
import { readThresholderOptions, ThresholderOptions } from "../thresholder";
import { DetectorOptions } from "../types";
import { LIKELIHOOD_DEFAULTS, LikelihoodOptions } from "../likelihood";
import { Rearm } from "../suppression";

/**
 * Options of the `rcf` detector. The first four carry the names of Kinesis Data Analytics'
 * RANDOM_CUT_FOREST parameters so a KDA SQL user can migrate:
 *
 * | option        | KDA default | gridrail default | meaning                                             |
 * |---------------|-------------|------------------|-----------------------------------------------------|
 * | numberOfTrees | 100         | 100              | trees in the forest                                 |
 * | subSampleSize | 256         | 256              | points each tree samples                            |
 * | timeDecay     | 100000      | auto             | horizon of the time-decayed sample, in points       |
 * | shingleSize   | 1           | 1                | consecutive inputs joined into one point            |
 *
 * timeDecay (default "auto"): the longest horizon whose saved state stays within STATE_BUDGET_BYTES (a
 * DynamoDB item holds 400 KB), between the RCF library's 10 x subSampleSize and KDA's 100000. A longer
 * memory scores better (NAB: ~50 at 2560, ~58 at 15000 for one input), but every sampled point is kept,
 * so the horizon a model can afford shrinks as its points grow: one input with calendar features gets
 * 22100, five inputs the library's 2560. Pass a number (e.g. KDA's 100000) to choose.
 *
 * `alarm` picks what a decision means, and with it the defaults of the thresholder options:
 * - onset (default): an alarm when something new starts. The raw scores' anomaly likelihood decides
 *   (`scoring=likelihood`), the 30 points after an alarm cannot alarm (`suppress=30`), in the 100 after those
 *   the same input alarms again only with a higher score (`escalate=100`), and anomalies keep training the
 *   model, so a lasting change raises one alarm and then becomes normal. Chosen
 *   leave-one-set-out over the development sets (docs/benchmarks.md); `scoring=threshold, suppress=0`
 *   lets the thresholder decide instead (a score must beat the recent peak).
 * - state: a flag on every point while the stream is unusual. Scores are averaged over 60 points,
 *   flagged points train neither the model nor the score statistics nor the inputs' standardisation
 *   (`scaleFlagged` false), so a fault keeps being flagged
 *   until the readings return to what was normal before it, for up to `settle` (300) points in a row:
 *   then flagged points train the model again, so a permanent change becomes normal. Threshold
 *   scoring, no suppression.
 * Each of these options can still be set on its own (`scoring` and `suppress` too: see below).
 * `rearm` R > 0 (default 0, off; needs `suppress`) makes the suppression last one event: `suppress` points
 * at least, then until R suppressed points in a row were calm, at most `suppressMax` points (default
 * 10 x suppress); see suppression.ts for what calm means.
 */
export type Alarm = "onset" | "state";

export interface AlarmPreset {
  readonly smoothing: number;
  readonly peakDecay: number;
  readonly updateOnAnomaly: boolean;
  readonly lowerThreshold: number;
  readonly margin: number;
  readonly scoring: Scoring;
  readonly suppress: number;
  /** Points after an alarm's suppression in which a flag of the same main input must score above the alarm (0: off). */
  readonly escalate: number;
  /** Flagged points in a row after which a model that does not learn flagged points learns them (0: never). */
  readonly settle: number;
  /** Whether flagged points train the per-input standardisation when they do not train the model. */
  readonly scaleFlagged: boolean;
}

export const ALARM_PRESETS: Readonly<Record<Alarm, AlarmPreset>> = {
  onset: {
    smoothing: 1,
    peakDecay: 0.999,
    updateOnAnomaly: true,
    lowerThreshold: 1,
    margin: 1.1,
    scoring: "likelihood",
    suppress: 30,
    escalate: 100,
    settle: 0,
    scaleFlagged: true,
  },
  state: {
    smoothing: 60,
    peakDecay: 0,
    updateOnAnomaly: false,
    lowerThreshold: 0,
    margin: 1,
    scoring: "threshold",
    suppress: 0,
    escalate: 0,
    settle: 300,
    scaleFlagged: false,
  },
};
/** relativeFloor and scoreHorizon were chosen leave-one-set-out over the development sets (docs/benchmarks.md). */
export const RCF_DEFAULTS = {
  numberOfTrees: 100,
  subSampleSize: 256,
  timeDecay: "auto",
  shingleSize: 1,
  seed: 42,
  zFactor: 3,
  scoreHorizon: 8640,
  alarm: "onset" as Alarm,
  normalize: true,
  relativeFloor: 0.03,
  calendar: "day" as Calendar,
  explain: "anomalies" as Explain,
} as const;

/**
 * How raw scores become decisions: `threshold` (the Thresholder: mean, deviation and recent peak of the
 * raw scores; the state alarm's default) or `likelihood` (Numenta's anomaly likelihood, see likelihood.ts;
 * the onset alarm's default).
 */
export type Scoring = "threshold" | "likelihood";

/** Which results get attribution and expected values (they cost about one more scoring pass). */
export type Explain = "anomalies" | "all";

export interface RcfOptions {
  readonly dimensions: number;
  readonly numberOfTrees: number;
  readonly subSampleSize: number;
  readonly timeDecay: number;
  readonly shingleSize: number;
  /** Points the forest holds before it scores (default subSampleSize / 4, as the RCF library). */
  readonly outputAfter: number;
  readonly seed: number;
  readonly thresholder: ThresholderOptions;
  /** Bad-input policies (options `missing`, `outOfOrder`): see InputGuard. */
  readonly input: InputPolicy;
  /** When false, points flagged as anomalies do not enter the model, so a long fault keeps scoring high. */
  readonly updateOnAnomaly: boolean;
  readonly explain: Explain;
  /** Standardise each input by its discounted mean and deviation (see Preprocessor). */
  readonly normalize: boolean;
  /** Calendar context features appended to the inputs: none, day, week (see Preprocessor). */
  readonly calendar: Calendar;
  /**
   * Per input, the smallest deviation it is standardised by, in the input's units (default 0): a sensor's
   * noise floor, so a nearly constant input's quantisation steps do not become many deviations.
   * Absent in states saved before the option existed (read as all 0).
   */
  readonly minDeviation?: readonly number[];
  /**
   * Option `relativeFloor`: the smallest deviation any input is standardised by, as a fraction of the
   * largest input's deviation (0 = none). Absent when 0 (and in states saved before the option).
   */
  readonly relativeFloor?: number;
  /**
   * Option `levelFloor`: once an input's deviation is measured (WINSOR_AFTER points, not a flat line), the
   * smallest deviation it is standardised by, as a share of its level (|mean|), in [0, 0.001]; default
   * LEVEL_FLOOR (1e-9), so a small variation around a large level is standardised as it is around 0. Before
   * that the scale falls back to FLAT_LEVEL_SHARE (1e-3) of the level. Absent when 1e-3, as in states saved
   * before the option, which used 1e-3 of the level throughout.
   */
  readonly levelFloor?: number;
  /**
   * Option `sustain` N > 1: a second thresholder judging the mean of the last N raw scores, so a fault that
   * holds a moderately raised score for a while alarms even when no single score beats the recent peak
   * (brief spikes of normal life, a compressor starting, average away). Either thresholder alarms; the
   * result carries the higher normalised score. Needs `scoring=threshold`, which it then defaults to.
   * Absent when off (and in states saved before the option).
   */
  readonly sustained?: ThresholderOptions;
  /**
   * Option `scoring=likelihood` (the onset alarm's default): the anomaly likelihood stage that decides in
   * place of the thresholder. Absent with `scoring=threshold` (and in states saved before the option).
   */
  readonly likelihood?: LikelihoodOptions;
  /**
   * Option `suppress` K > 0 (30 for the onset alarm): after an alarm, the next K points cannot alarm (see
   * suppression.ts). Absent when 0 (and in states saved before the option).
   */
  readonly suppress?: number;
  /**
   * Options `rearm` R > 0 and `suppressMax`: suppression lasts until R suppressed points in a row were calm,
   * at least `suppress` points and at most `suppressMax` (see suppression.ts). Absent when off (the default,
   * and in states saved before the option).
   */
  readonly rearm?: Rearm;
  /**
   * Option `escalate` E > 0: for E points after an alarm's suppression, a flag of the same main input alarms only
   * with a score above the alarm's (see suppression.ts). Absent when 0 (off, and in states saved before the option).
   */
  readonly escalate?: number;
  /**
   * Option `settle` N > 0 (the state alarm's default: 300), with updateOnAnomaly false: once N points in a
   * row were flagged, the flagged points train the model again (the forest and the score statistics), so a
   * lasting change, or a pattern first judged before the model had seen it, becomes normal instead of staying
   * flagged for good; the flags end when the scores fall. Absent when 0 (never), with updateOnAnomaly, and in
   * states saved before the option (which never settle).
   */
  readonly settle?: number;
  /**
   * Option `scaleFlagged` false (the state alarm's default), with updateOnAnomaly false: a flagged point does not
   * train the per-input standardisation either (until `settle` flagged points ran in a row, when the model learns
   * them again), so during a fault the inputs are still standardised as they were before it. Absent when true
   * (every read point trains it, as in states saved before the option).
   */
  readonly scaleFlagged?: false;
}

/** Options that refine `suppress`: only the onset alarm has them (the state alarm does not suppress). */
export const SUPPRESS_REFINEMENTS: readonly string[] = ["rearm", "suppressMax", "escalate"];

export function readRcfOptions(dimensions: number, options: DetectorOptions): RcfOptions {
  const r = new OptionReader("rcf", options);
  const subSampleSize = r.number("subSampleSize", RCF_DEFAULTS.subSampleSize, { integer: true, min: 4, max: 4096 });
  const numberOfTrees = r.number("numberOfTrees", RCF_DEFAULTS.numberOfTrees, { integer: true, min: 1, max: 1000 });
  const shingleSize = r.number("shingleSize", RCF_DEFAULTS.shingleSize, { integer: true, min: 1, max: 64 });
  const calendar = r.choice<Calendar>("calendar", RCF_DEFAULTS.calendar, ["none", "day", "week"]);
  const alarmName = r.choice<Alarm>("alarm", RCF_DEFAULTS.alarm, ["onset", "state"]);
  const preset = ALARM_PRESETS[alarmName];
  const out: RcfOptions = {
    dimensions,
    numberOfTrees,
    subSampleSize,
    timeDecay: r.numberOrAuto("timeDecay", () => defaultTimeDecay(numberOfTrees, subSampleSize, dimensions, shingleSize, calendar), { min: 1 }),
    shingleSize,
    outputAfter: r.number("outputAfter", Math.max(1, Math.floor(subSampleSize / 4)), { integer: true, min: 1 }),
    seed: r.number("seed", RCF_DEFAULTS.seed, { integer: true, min: 0, max: 0xffffffff }),
    thresholder: readThresholderOptions(r, {
      zFactor: RCF_DEFAULTS.zFactor,
      lowerThreshold: preset.lowerThreshold,
      horizon: RCF_DEFAULTS.scoreHorizon,
      minScores: 10,
      smoothing: preset.smoothing,
      peakDecay: preset.peakDecay,
      // a young forest scores high until its trees fill (and again while they turn over once): track
      // the peak from 2 x subSampleSize scores on (NAB +2.5 mean of three seeds, hold-out unchanged)
      peakAfter: 2 * subSampleSize,
      margin: preset.margin,
    }),
    input: readInputPolicy(r),
    updateOnAnomaly: r.boolean("updateOnAnomaly", preset.updateOnAnomaly),
    explain: r.choice("explain", RCF_DEFAULTS.explain, ["anomalies", "all"]),
    normalize: r.boolean("normalize", RCF_DEFAULTS.normalize),
    calendar,
    minDeviation: nonZero(r.numberList("minDeviation", dimensions, 0, { min: 0 })),
  };
  const relativeFloor = r.number("relativeFloor", RCF_DEFAULTS.relativeFloor, { min: 0, max: 1 });
  const levelFloor = r.number("levelFloor", LEVEL_FLOOR, { min: 0, max: FLAT_LEVEL_SHARE });
  const sustain = r.number("sustain", 0, { integer: true, min: 0, max: 1000 });
  // the mean of one score is the score: 1 would add nothing, and look like a second thresholder
  if (sustain === 1) throw new OptionError("option sustain must be 0 (off) or 2 to 1000 (the mean of the last N raw scores), got 1");
  // sustain is a second thresholder: asking for it without naming a scoring means threshold scoring
  const scoring = r.choice<Scoring>("scoring", sustain > 1 ? "threshold" : preset.scoring, ["threshold", "likelihood"]);
  const window = r.number("likelihoodWindow", LIKELIHOOD_DEFAULTS.window, { integer: true, min: 1, max: 1000 });
  // the default long average is off under a short window as long as itself or longer
  const longDefault = (LIKELIHOOD_DEFAULTS.longWindow ?? 0) > window ? (LIKELIHOOD_DEFAULTS.longWindow ?? 0) : 0;
  const likelihood: LikelihoodOptions = {
    window,
    skip: r.number("likelihoodSkip", LIKELIHOOD_DEFAULTS.skip, { integer: true, min: 0, max: 1_000_000 }),
    estimate: r.number("likelihoodEstimate", LIKELIHOOD_DEFAULTS.estimate, { integer: true, min: 1, max: 1_000_000 }),
    horizon: out.thresholder.horizon,
    threshold: r.number("likelihoodThreshold", LIKELIHOOD_DEFAULTS.threshold, { min: 0.9, max: 0.999999999 }),
    ...longWindowOf(r.number("likelihoodLongWindow", longDefault, { integer: true, min: 0, max: 1000 })),
    ...fillOf(r.number("likelihoodFill", LIKELIHOOD_DEFAULTS.fill ?? 0, { min: 0, max: 16 })),
  };
  const suppress = r.number("suppress", preset.suppress, { integer: true, min: 0, max: 100_000 });
  const rearm = readRearm(r, suppress);
  // the preset's escalation is off where it cannot apply (no suppression, or rearm ending events instead), and
  // under threshold scoring, where the defaults protocol did not measure it
  const escalateDefault = suppress > 0 && !rearm && scoring === "likelihood" ? preset.escalate : 0;
  const escalate = r.number("escalate", escalateDefault, { integer: true, min: 0, max: 1_000_000 });
  if (escalate > 0 && suppress === 0) throw new OptionError(`option escalate needs suppress > 0, got escalate=${escalate} with suppress=0`);
  if (escalate > 0 && rearm)
    throw new OptionError(`option escalate and option rearm end an event two ways: give one, got escalate=${escalate} and rearm=${rearm.calm}`);
  const settle = r.number("settle", out.updateOnAnomaly ? 0 : preset.settle, { integer: true, min: 0, max: 1_000_000 });
  if (settle > 0 && out.updateOnAnomaly)
    throw new OptionError(`option settle needs updateOnAnomaly=false (a model that learns flagged points has nothing to settle), got settle=${settle}`);
  // a model that learns flagged points learns their scale too: the state preset's false is for flagged points not learned
  const scaleFlagged = r.boolean("scaleFlagged", out.updateOnAnomaly || preset.scaleFlagged);
  if (!scaleFlagged && out.updateOnAnomaly)
    throw new OptionError(
      `option scaleFlagged=false needs updateOnAnomaly=false (a model that learns flagged points learns their scale too), got updateOnAnomaly=true${r.has("updateOnAnomaly") ? "" : ` (the ${alarmName} alarm's default)`}`,
    );
  r.done();
  checkForestSize(out);
  if (scoring === "likelihood" && sustain > 1) throw new OptionError(`option sustain needs scoring=threshold, got scoring=likelihood with sustain=${sustain}`);
  return {
    ...out,
    ...(relativeFloor > 0 ? { relativeFloor } : {}),
    ...(levelFloor !== FLAT_LEVEL_SHARE ? { levelFloor } : {}),
    ...(sustain > 1 ? { sustained: { ...out.thresholder, smoothing: sustain } } : {}),
    ...(scoring === "likelihood" ? { likelihood } : {}),
    ...(suppress > 0 ? { suppress } : {}),
    ...(rearm ? { rearm } : {}),
    ...(escalate > 0 ? { escalate } : {}),
    ...(settle > 0 ? { settle } : {}),
    ...(scaleFlagged ? {} : { scaleFlagged }),
  };
}

/** Option `likelihoodLongWindow` as the likelihood's field: absent when 0 (off). */
const longWindowOf = (w: number): { longWindow?: number } => (w > 0 ? { longWindow: w } : {});

/** Option `likelihoodFill` as the likelihood's field: absent when 0 (off). */
const fillOf = (p: number): { fill?: number } => (p > 0 ? { fill: p } : {});

/** Options `rearm` and `suppressMax`, or undefined when rearm is 0 (off). */
function readRearm(r: OptionReader, suppress: number): Rearm | undefined {
  const calm = r.number("rearm", 0, { integer: true, min: 0, max: 100_000 });
  const cap = r.number("suppressMax", 10 * suppress, { integer: true, min: 0, max: 1_000_000 });
  const capGiven = r.has("suppressMax");
  if (calm === 0) {
    if (capGiven) throw new OptionError(`option suppressMax needs rearm > 0, got suppressMax=${cap} with rearm=0`);
    return undefined;
  }
  if (suppress === 0) throw new OptionError(`option rearm needs suppress > 0, got rearm=${calm} with suppress=0`);
  if (cap < suppress) throw new OptionError(`option suppressMax must be at least suppress (${suppress}), got ${cap}`);
  return { calm, cap };
}

/** A forest keeps its trees and store in one WebAssembly memory, of at most MAX_FOREST_BYTES. */
function checkForestSize(o: RcfOptions): void {
  const dims = (o.dimensions + calendarDimensions(o.calendar)) * o.shingleSize;
  const bytes = forestBytes(dims, o.subSampleSize, o.numberOfTrees);
  if (bytes <= MAX_FOREST_BYTES) return;
  const gib = (n: number): string => (n / 2 ** 30).toFixed(1);
  throw new OptionError(
    `numberOfTrees ${o.numberOfTrees} x subSampleSize ${o.subSampleSize} in ${dims} dimensions (inputs and calendar x shingleSize ${o.shingleSize}) ` +
      `needs ${gib(bytes)} GiB of forest memory, over the ${gib(MAX_FOREST_BYTES)} GiB a forest may take: lower numberOfTrees, subSampleSize or shingleSize`,
  );
}

/** Left out of the options (and so of saved states) when every floor is 0, as before the option existed. */
function nonZero(values: number[]): number[] | undefined {
  return values.some((v) => v > 0) ? values : undefined;
}

/** The saved state the automatic timeDecay aims to stay within (raw bytes; deflate saves a few %). */
export const STATE_BUDGET_BYTES = 370_000;

/**
 * Expected number of distinct points a forest holds: each of `trees` samplers keeps a point of age a with
 * probability ~ sampleSize / h * exp(-a / h), so the count is h * Ein(trees * sampleSize / h), with
 * Ein(z) = integral from 0 to z of (1 - e^-x) / x dx (measured: 7492 for 100 x 256 at h = 2560; this gives 7370).
 */
export function expectedDistinctPoints(trees: number, sampleSize: number, horizon: number): number {
  return horizon * ein((trees * sampleSize) / horizon);
}

function ein(z: number): number {
  if (z <= 8) {
    // alternating series, accurate in doubles up to z ~ 8
    let term = z;
    let sum = z;
    for (let k = 2; k < 80; k++) {
      term *= (-z * (k - 1)) / (k * k);
      sum += term;
    }
    return sum;
  }
  return 0.5772156649015329 + Math.log(z) + Math.exp(-z) / (z + 1);
}

/** Estimated raw bytes of a saved forest (see the state mapper's layout). */
export function estimateStateBytes(trees: number, sampleSize: number, inputs: number, shingleSize: number, calendar: Calendar, horizon: number): number {
  const perTree = 7.5 * sampleSize;
  const perPoint = 4 * inputs * shingleSize + (calendar === "none" ? 0 : 2 * shingleSize) + 3;
  return trees * perTree + expectedDistinctPoints(trees, sampleSize, horizon) * perPoint;
}

export function defaultTimeDecay(trees: number, sampleSize: number, inputs: number, shingleSize: number, calendar: Calendar): number {
  const low = 10 * sampleSize;
  const high = 100_000;
  const fits = (h: number): boolean => estimateStateBytes(trees, sampleSize, inputs, shingleSize, calendar, h) <= STATE_BUDGET_BYTES;
  if (!fits(low)) return low;
  if (fits(high)) return high;
  let lo = low;
  let hi = high;
  while (hi - lo > 100) {
    const mid = (lo + hi) / 2;
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return Math.floor(lo / 100) * 100;
}

/**
 * Points, the absurd one included, that neither the trees nor the scoring stage learn after an absurd point:
 * as long as a shingle holds it, and then as long as the scoring stage's window of scores (likelihood window,
 * smoothing) holds the score of a point whose shingle held it: shingleSize + window - 1.
 */
export function unlearnedSpan(o: RcfOptions): number {
  const scores = o.likelihood ? Math.max(o.likelihood.window, o.likelihood.longWindow ?? 0) : Math.max(o.thresholder.smoothing, o.sustained?.smoothing ?? 1);
  return o.shingleSize + scores - 1;
}
