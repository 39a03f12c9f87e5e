import { Confusion, pointwiseRates } from "./skabRun";
import { CorpusFigures, LabelledSeries, corpusFigures } from "./nabScore";

/**
 * Scores of a labelled set, pure: every file's timestamps, scores, decisions and per-row labels, with its
 * unlabelled prefix (rows the detector saw but nobody labelled: scored by neither measure). Two views:
 * NAB v1.1 over the windows (one threshold optimised over the whole set, the prefix in place of NAB's
 * probationary period when the file has one) and point-wise F1 of the detector's own decisions against
 * the row labels, summed over all files (as SKAB's leaderboard counts).
 */
export interface LabelledRun {
  readonly name: string;
  readonly timestamps: readonly number[];
  readonly scores: readonly number[];
  readonly flags: readonly boolean[];
  readonly labels: readonly boolean[];
  /** Leading rows not counted; undefined: NAB's probationary period for the windows, all rows for F1. */
  readonly prefix?: number;
  readonly windows: readonly (readonly [number, number])[];
}

export interface LabelledScores extends CorpusFigures {
  /** Rows counted by the point-wise measures (after each file's prefix). */
  readonly countedRows: number;
  readonly f1: number;
  readonly falseAlarmRate: number;
  readonly missedAlarmRate: number;
  readonly confusion: Confusion;
  readonly perFile: { file: string; rows: number; prefix: number; windows: number; detections: number; f1: number }[];
}

/** Point-wise confusion of decisions against labels from row `from` on. */
export function pointwise(labels: readonly boolean[], flags: readonly boolean[], from = 0): Confusion {
  const c: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  for (let i = from; i < labels.length; i++) {
    if (labels[i] && flags[i]) c.tp++;
    else if (labels[i]) c.fn++;
    else if (flags[i]) c.fp++;
    else c.tn++;
  }
  return c;
}

/** One window per run of labelled rows, [first, last] timestamps inclusive (for sets without a windows file). */
export function windowsFromLabels(timestamps: readonly number[], labels: readonly boolean[]): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < labels.length; i++) {
    if (!labels[i]) continue;
    const start = i;
    while (i + 1 < labels.length && labels[i + 1]) i++;
    out.push([timestamps[start], timestamps[i]]);
  }
  return out;
}

export function scoreLabelled(runs: readonly LabelledRun[]): LabelledScores {
  const corpus: LabelledSeries[] = runs.map((r) => ({ name: r.name, timestamps: r.timestamps, scores: r.scores, windows: r.windows, probationary: r.prefix }));
  const total: Confusion = { tp: 0, fp: 0, tn: 0, fn: 0 };
  const perFile: LabelledScores["perFile"] = [];
  for (const r of runs) {
    const c = pointwise(r.labels, r.flags, r.prefix ?? 0);
    (Object.keys(total) as (keyof Confusion)[]).forEach((k) => (total[k] += c[k]));
    const detections = r.flags.reduce((n, f, i) => n + (f && i >= (r.prefix ?? 0) ? 1 : 0), 0);
    perFile.push({ file: r.name, rows: r.timestamps.length, prefix: r.prefix ?? 0, windows: r.windows.length, detections, f1: pointwiseRates(c).f1 });
  }
  return {
    ...corpusFigures(
      corpus,
      runs.map((r) => r.flags),
    ),
    countedRows: total.tp + total.fp + total.tn + total.fn,
    ...pointwiseRates(total),
    confusion: total,
    perFile,
  };
}
