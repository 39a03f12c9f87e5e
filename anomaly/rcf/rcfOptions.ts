import { OptionReader } from "../options";
import { Calendar } from "./preprocessor";
import { InputPolicy, readInputPolicy } from "../inputGuard";
import { ThresholderOptions } from "../thresholder";
import { DetectorOptions } from "../types";

/**
 * Options of the `rcf` detector. The first four carry the names of Kinesis Data Analytics'
 * RANDOM_CUT_FOREST parameters so a KDA SQL user can migrate:
 *
 * | option        | KDA default | gridrail default | meaning                                             |
 * |---------------|-------------|------------------|-----------------------------------------------------|
 * | numberOfTrees | 100         | 100              | trees in the forest                                 |
 * | subSampleSize | 256         | 256              | points each tree samples                            |
 * | timeDecay     | 100000      | 2560             | horizon of the time-decayed sample, in points       |
 * | shingleSize   | 1           | 1                | consecutive inputs joined into one point            |
 *
 * timeDecay: gridrail follows the open-source RCF library (10 x subSampleSize) rather than KDA: with
 * 100000 the sample spreads over a day of 1 Hz data, reacts slowly to drift, and the saved state of a
 * 5-input model outgrows a DynamoDB item. Pass timeDecay=100000 for KDA's behaviour.
 *
 * `alarm` picks what a decision means, and with it the defaults of the thresholder options:
 * - onset (default): an alarm when something new starts. A score must beat the recent peak, anomalies
 *   keep training the model, so a lasting change raises one alarm and then becomes normal.
 * - state: a flag on every point while the stream is unusual. Scores are averaged over 60 points,
 *   flagged points do not train the model nor the score statistics, so a fault keeps being flagged
 *   until the readings return to what was normal before it (beware: a permanent change stays flagged).
 * Each of these options can still be set on its own.
 */
export type Alarm = "onset" | "state";

export const ALARM_PRESETS: Readonly<Record<Alarm, { smoothing: number; peakDecay: number; updateOnAnomaly: boolean; lowerThreshold: number }>> = {
  onset: { smoothing: 1, peakDecay: 0.999, updateOnAnomaly: true, lowerThreshold: 1 },
  state: { smoothing: 60, peakDecay: 0, updateOnAnomaly: false, lowerThreshold: 0 },
};
export const RCF_DEFAULTS = {
  numberOfTrees: 100,
  subSampleSize: 256,
  timeDecay: 2560,
  shingleSize: 1,
  seed: 42,
  zFactor: 3,
  scoreHorizon: 2560,
  alarm: "onset" as Alarm,
  normalize: true,
  calendar: "day" as Calendar,
  explain: "anomalies" as Explain,
} as const;

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
}

export function readRcfOptions(dimensions: number, options: DetectorOptions): RcfOptions {
  const r = new OptionReader("rcf", options);
  const subSampleSize = r.number("subSampleSize", RCF_DEFAULTS.subSampleSize, { integer: true, min: 4, max: 4096 });
  const preset = ALARM_PRESETS[r.choice<Alarm>("alarm", RCF_DEFAULTS.alarm, ["onset", "state"])];
  const out: RcfOptions = {
    dimensions,
    numberOfTrees: r.number("numberOfTrees", RCF_DEFAULTS.numberOfTrees, { integer: true, min: 1, max: 1000 }),
    subSampleSize,
    timeDecay: r.number("timeDecay", RCF_DEFAULTS.timeDecay, { min: 1 }),
    shingleSize: r.number("shingleSize", RCF_DEFAULTS.shingleSize, { integer: true, min: 1, max: 64 }),
    outputAfter: r.number("outputAfter", Math.max(1, Math.floor(subSampleSize / 4)), { integer: true, min: 1 }),
    seed: r.number("seed", RCF_DEFAULTS.seed, { integer: true, min: 0, max: 0xffffffff }),
    thresholder: {
      zFactor: r.number("zFactor", RCF_DEFAULTS.zFactor, { min: 0.1 }),
      lowerThreshold: r.number("lowerThreshold", preset.lowerThreshold, { min: 0 }),
      horizon: r.number("scoreHorizon", RCF_DEFAULTS.scoreHorizon, { min: 1 }),
      minScores: r.number("minScores", 10, { integer: true, min: 1 }),
      smoothing: r.number("smoothing", preset.smoothing, { integer: true, min: 1, max: 1000 }),
      peakDecay: r.number("peakDecay", preset.peakDecay, { min: 0, max: 0.999999 }),
      peakAfter: r.number("peakAfter", subSampleSize, { integer: true, min: 0 }),
    },
    input: readInputPolicy(r),
    updateOnAnomaly: r.boolean("updateOnAnomaly", preset.updateOnAnomaly),
    explain: r.choice("explain", RCF_DEFAULTS.explain, ["anomalies", "all"]),
    normalize: r.boolean("normalize", RCF_DEFAULTS.normalize),
    calendar: r.choice<Calendar>("calendar", RCF_DEFAULTS.calendar, ["none", "day", "week"]),
  };
  r.done();
  return out;
}
