import { join } from "path";
import { ALARM_PRESETS, SUPPRESS_REFINEMENTS } from "../rcf/rcfOptions";
import { DetectorOptions } from "../types";
import { evaluateHoldout, RawSeries } from "./holdout";
import { evaluateLabelled } from "./labelledRun";
import { runNab } from "./nabRun";
import { LabelledSeries, probationaryLength, roundScore, scoreCorpus, scoreDecisions } from "./nabScore";
import { evaluateRcfPaper } from "./rcfPaper";
import { evaluateSkab } from "./skabRun";

/**
 * The development sets of the defaults protocol and the one figure in [0, 1] each contributes (higher is
 * better), from one run of a detector with one option set:
 * - nab:<category>: NAB standard / 100 over the category's files, its own optimal threshold; a category
 *   without windows (artificialNoAnomaly) has no NAB score: the share of its files without an alarm of
 *   the detector's own after the probationary period;
 * - nab:artificial: both artificial categories as one NAB corpus (one threshold, so false alarms on the
 *   files without anomalies cost what NAB makes them cost), in place of the two;
 * - skab: point-wise F1 with alarm=state (as `eval --skab`), unless the options choose the alarm; options
 *   the alarms preset (scoring, suppress, ...) keep the state preset's values there, `settle` stays 0 and
 *   `scaleFlagged` true,
 *   the state alarm the onset track's stored figures were made with (stateAlarmOptions);
 * - asd, smd: NAB standard / 100 over their windows (`eval --labelled`), the unlabelled prefix as warm-up;
 * - holdout: NAB standard / 100 of the meter series with injected faults (`eval --holdout`);
 * - rcf-paper: the share of isolated points after warm-up scoring above the clusters' 99th percentile.
 */
export interface DevData {
  readonly nab?: string;
  readonly skab?: string;
  readonly asd?: string;
  readonly smd?: string;
  readonly holdout?: { readonly series: readonly RawSeries[]; readonly seeds: readonly number[] };
  readonly rcfPaper?: string;
}

export const NAB_CATEGORIES = ["artificialNoAnomaly", "artificialWithAnomaly", "realKnownCause"] as const;

/** The protocol's sets: NAB's three categories as the data names them, or the two artificial ones as one. */
export const PROTOCOL_SETS = {
  categories: ["nab:artificialNoAnomaly", "nab:artificialWithAnomaly", "nab:realKnownCause", "skab", "asd", "smd", "holdout", "rcf-paper"],
  merged: ["nab:artificial", "nab:realKnownCause", "skab", "asd", "smd", "holdout", "rcf-paper"],
} as const;

/** The data groups whose sets a figure table lacks (a group is run whole: NAB gives every nab:* set). */
export function missingGroups(figures: Readonly<Record<string, number>>): (keyof DevData)[] {
  const all = [...PROTOCOL_SETS.categories, ...PROTOCOL_SETS.merged];
  const group = (set: string): keyof DevData => (set.startsWith("nab:") ? "nab" : set === "rcf-paper" ? "rcfPaper" : (set as keyof DevData));
  return [...new Set(all.filter((s) => figures[s] === undefined).map(group))];
}

export interface SetFigures {
  /** Set name → figure in [0, 1] (NAB-scored sets may go below 0). */
  readonly figures: Record<string, number>;
  /** Set name → the measures behind the figure, as the eval reports give them. */
  readonly details: Record<string, Record<string, number>>;
}

/** Files without windows: the share with no alarm after NAB's probationary period. */
function quietShare(corpus: readonly LabelledSeries[], decisions: readonly (readonly boolean[])[]): number {
  const quiet = corpus.filter((s, i) => !decisions[i].some((d, j) => d && j >= probationaryLength(s.timestamps.length)));
  return quiet.length / corpus.length;
}

function nabFigures(corpus: readonly LabelledSeries[], decisions: readonly (readonly boolean[])[]): Record<string, number> {
  return {
    standard: roundScore(scoreCorpus(corpus, "standard").normalised),
    lowFP: roundScore(scoreCorpus(corpus, "reward_low_FP_rate").normalised),
    lowFN: roundScore(scoreCorpus(corpus, "reward_low_FN_rate").normalised),
    decisions: roundScore(scoreDecisions(corpus, decisions, "standard")),
  };
}

export async function runDevSets(data: DevData, detector: string, options: DetectorOptions, progress: (m: string) => void = () => {}): Promise<SetFigures> {
  const figures: Record<string, number> = {};
  const details: Record<string, Record<string, number>> = {};
  if (data.nab) {
    // NAB's machine_temperature file steps back in time once; rows are scored in file order as NAB does
    const run = await runNab(data.nab, detector, { outOfOrder: "accept", ...options });
    details.nab = nabFigures(run.corpus, run.decisions);
    for (const category of NAB_CATEGORIES) {
      const keep = run.corpus.map((s, i) => (s.name.startsWith(`${category}/`) ? i : -1)).filter((i) => i >= 0);
      const corpus = keep.map((i) => run.corpus[i]);
      const decisions = keep.map((i) => run.decisions[i]);
      const set = `nab:${category}`;
      if (corpus.every((s) => s.windows.length === 0)) {
        figures[set] = quietShare(corpus, decisions);
        details[set] = { files: corpus.length, quietFiles: Math.round(figures[set] * corpus.length) };
      } else {
        details[set] = nabFigures(corpus, decisions);
        figures[set] = details[set].standard / 100;
      }
    }
    const artificial = run.corpus.map((s, i) => (s.name.startsWith("artificial") ? i : -1)).filter((i) => i >= 0);
    details["nab:artificial"] = nabFigures(
      artificial.map((i) => run.corpus[i]),
      artificial.map((i) => run.decisions[i]),
    );
    figures["nab:artificial"] = details["nab:artificial"].standard / 100;
    progress(`nab: standard ${details.nab.standard}`);
  }
  if (data.skab) {
    details.skab = await skabFigures(data.skab, detector, detector === "rcf" ? stateAlarmOptions(options) : options);
    figures.skab = details.skab.f1;
    progress(`skab: F1 ${figures.skab}`);
  }
  for await (const [set, d] of serverSets(data, detector, options)) {
    details[set] = d;
    figures[set] = d.standard / 100;
    progress(`${set}: standard ${d.standard}, F1 ${d.f1}`);
  }
  if (data.holdout) {
    const r = evaluateHoldout(data.holdout.series, data.holdout.seeds, detector, options);
    figures.holdout = r.scores.standard / 100;
    details.holdout = { standard: r.scores.standard, lowFP: r.scores.reward_low_FP_rate, lowFN: r.scores.reward_low_FN_rate };
    progress(`holdout: standard ${r.scores.standard}`);
  }
  if (data.rcfPaper) {
    const r = evaluateRcfPaper(data.rcfPaper, detector, options);
    figures["rcf-paper"] = r.caught / r.afterWarmUp;
    details["rcf-paper"] = { caught: r.caught, afterWarmUp: r.afterWarmUp, caughtAll: r.caughtAll, isolated: r.isolated.length, clusterP99: r.clusterP99 };
    progress(`rcf-paper: ${r.caught} of ${r.afterWarmUp} after warm-up`);
  }
  return { figures, details };
}

/**
 * A candidate's options for the state alarm SKAB is judged in: options the two alarms preset differently
 * (ALARM_PRESETS, and the suppress refinements) are candidate values of the onset preset, so the state alarm keeps its own. Options
 * that choose the alarm themselves are taken as they are.
 */
/** A labelled set's NAB scores (set-optimal threshold and own decisions) and point-wise F1, false- and missed-alarm rates. */
export async function labelledFigures(dir: string, detector: string, options: DetectorOptions): Promise<Record<string, number>> {
  const r = await evaluateLabelled(dir, detector, options);
  return {
    standard: r.scores.standard,
    lowFP: r.scores.reward_low_FP_rate,
    lowFN: r.scores.reward_low_FN_rate,
    decisions: r.decisionScores.standard,
    f1: r.f1,
    falseAlarmRate: r.falseAlarmRate,
    missedAlarmRate: r.missedAlarmRate,
  };
}

/** The labelled server sets present in `data` (ASD, SMD), each with its `labelledFigures`, one at a time. */
export async function* serverSets(
  data: Partial<Record<"asd" | "smd", string>>,
  detector: string,
  options: DetectorOptions,
): AsyncGenerator<["asd" | "smd", Record<string, number>]> {
  for (const set of ["asd", "smd"] as const) {
    const dir = data[set];
    if (dir) yield [set, await labelledFigures(dir, detector, options)];
  }
}

/** SKAB's point-wise F1 and its false- and missed-alarm rates, with the options as given. */
export async function skabFigures(dir: string, detector: string, options: DetectorOptions): Promise<Record<string, number>> {
  const r = await evaluateSkab(dir, detector, options);
  return { f1: r.f1, falseAlarmRate: r.falseAlarmRate, missedAlarmRate: r.missedAlarmRate };
}

export function stateAlarmOptions(options: DetectorOptions): DetectorOptions {
  if (options.alarm !== undefined) return { alarm: "state", ...options };
  const presetKeys = new Set([...Object.keys(ALARM_PRESETS.onset), ...SUPPRESS_REFINEMENTS]);
  // the onset track's SKAB figures were stored with the state alarm before `settle` and `scaleFlagged`: pinned, so
  // stored and new candidates are judged alike (the state track puts those two to the test)
  return { alarm: "state", settle: 0, scaleFlagged: true, ...Object.fromEntries(Object.entries(options).filter(([k]) => !presetKeys.has(k))) };
}

/** The development sets under a shared data folder laid out as ../shared/data. */
export function devDataUnder(root: string, holdout?: DevData["holdout"]): DevData {
  return {
    nab: join(root, "nab"),
    skab: join(root, "skab"),
    asd: join(root, "asd"),
    smd: join(root, "smd"),
    holdout,
    rcfPaper: join(root, "rcf-paper", "rcf-paper.csv"),
  };
}
