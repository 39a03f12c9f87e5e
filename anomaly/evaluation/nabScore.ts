/**
 * The Numenta Anomaly Benchmark v1.1 scoring (numenta/NAB, nab/sweeper.py), re-implemented:
 * - each labelled window rewards its earliest detection by a scaled sigmoid of its position in the
 *   window (1 at the start, ~0 at the end); later detections in the same window count nothing;
 * - a detection outside windows costs fpWeight, less when it closely follows a window;
 * - a window with no detection costs fnWeight;
 * - the first 15% of each file (at most 750 rows) is probationary and not scored;
 * - one threshold per profile is chosen to maximise the total over the corpus, and the total is
 *   normalised so that the null detector scores 0 and the perfect one 100.
 */
import { InputError } from "../errors";

export interface Profile {
  readonly tp: number;
  readonly fp: number;
  readonly fn: number;
}

/** NAB's config/profiles.json. */
export const PROFILES: Readonly<Record<string, Profile>> = {
  standard: { tp: 1.0, fp: 0.11, fn: 1.0 },
  reward_low_FP_rate: { tp: 1.0, fp: 0.22, fn: 1.0 },
  reward_low_FN_rate: { tp: 1.0, fp: 0.11, fn: 2.0 },
};

export interface LabelledSeries {
  readonly name: string;
  /** Epoch ms per row. */
  readonly timestamps: readonly number[];
  /** Anomaly score per row, in [0, 1]. */
  readonly scores: readonly number[];
  /** Inclusive [start, end] epoch ms of each window. */
  readonly windows: readonly (readonly [number, number])[];
  /** Leading rows not scored; default NAB's probationary period (15%, at most 750 rows). */
  readonly probationary?: number;
}

export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

export function scaledSigmoid(relativePosition: number): number {
  return relativePosition >= 3 ? -1 : 2 * sigmoid(-5 * relativePosition) - 1;
}

export function probationaryLength(rows: number, fraction = 0.15): number {
  return Math.min(Math.floor(fraction * rows), fraction * 5000);
}

/** The first and last row of each window (inclusive); a window that holds no row is an InputError. */
export function windowRows(series: Pick<LabelledSeries, "name" | "timestamps" | "windows">): (readonly [number, number])[] {
  const { timestamps } = series;
  return series.windows.map(([start, end]) => {
    const l = timestamps.findIndex((t) => t >= start);
    let r = -1;
    for (let i = timestamps.length - 1; i >= 0; i--) {
      if (timestamps[i] <= end) {
        r = i;
        break;
      }
    }
    if (l < 0 || r < l)
      throw new InputError(`${series.name}: labelled window ${new Date(start).toISOString()} .. ${new Date(end).toISOString()} holds no row of the file`);
    return [l, r] as const;
  });
}

/** Per row: the window it belongs to (global id), -1 outside windows, -2 probationary. */
interface SweepPoint {
  readonly score: number;
  readonly weighted: number;
  readonly window: number;
}

/** NAB's calcSweepScore for one series: the score each row would earn as a detection. */
export function sweepPoints(series: LabelledSeries, profile: Profile, windowIdBase: number): SweepPoint[] {
  const { timestamps, scores } = series;
  const maxTP = scaledSigmoid(-1);
  const probation = series.probationary ?? probationaryLength(timestamps.length);
  const spans = windowRows(series);
  const out: SweepPoint[] = [];
  let w = 0;
  let inWindow = -1;
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = 0; i < timestamps.length; i++) {
    if (w < spans.length && i === spans[w][0]) inWindow = w++;
    let weighted: number;
    if (inWindow >= 0) {
      const [l, r] = spans[inWindow];
      const width = r - l + 1;
      weighted = (scaledSigmoid(-(r - i + 1) / width) * profile.tp) / maxTP;
    } else if (prevRight < 0) {
      weighted = -1 * profile.fp;
    } else {
      weighted = scaledSigmoid(Math.abs(prevRight - i) / (prevWidth - 1)) * profile.fp;
    }
    const window = i < probation ? -2 : inWindow >= 0 ? windowIdBase + inWindow : -1;
    out.push({ score: scores[i], weighted, window });
    if (inWindow >= 0 && i === spans[inWindow][1]) {
      prevRight = i;
      prevWidth = spans[inWindow][1] - spans[inWindow][0] + 1;
      inWindow = -1;
    }
  }
  return out;
}

export interface ThresholdScore {
  readonly threshold: number;
  readonly score: number;
}

/** NAB's calcScoreByThreshold: the raw total at every distinct threshold (detection: score >= threshold). */
export function scoresByThreshold(points: readonly SweepPoint[], windowCount: number, profile: Profile): ThresholdScore[] {
  const sorted = [...points].sort((a, b) => b.score - a.score);
  const best = new Map<number, number>();
  let fp = 0;
  let fn = -profile.fn * windowCount;
  let tp = 0;
  const out: ThresholdScore[] = [{ threshold: Infinity, score: fn }];
  for (let i = 0; i < sorted.length; i++) {
    const p = sorted[i];
    if (p.window >= 0) {
      const prev = best.get(p.window);
      if (prev === undefined) {
        fn += profile.fn;
        best.set(p.window, p.weighted);
        tp += p.weighted;
      } else if (p.weighted > prev) {
        best.set(p.window, p.weighted);
        tp += p.weighted - prev;
      }
    } else if (p.window === -1) {
      fp += p.weighted;
    }
    if (i === sorted.length - 1 || sorted[i + 1].score !== p.score) out.push({ threshold: p.score, score: tp + fp + fn });
  }
  return out;
}

export interface CorpusScore {
  readonly profile: string;
  readonly threshold: number;
  readonly raw: number;
  /** 0 = null detector, 100 = perfect. */
  readonly normalised: number;
}

/** Optimises one threshold over the whole corpus for a profile and normalises the best total. */
/** Every row of the corpus as a would-be detection (window ids unique across files), and the window count. */
function sweepCorpus(corpus: readonly LabelledSeries[], profile: Profile): { points: SweepPoint[]; windows: number } {
  const points: SweepPoint[] = [];
  let windows = 0;
  for (const series of corpus) {
    for (const p of sweepPoints(series, profile, windows)) points.push(p);
    windows += series.windows.length;
  }
  return { points, windows };
}

function profileNamed(name: string): Profile {
  const profile = PROFILES[name];
  if (!profile) throw new Error(`unknown NAB profile ${name}; known: ${Object.keys(PROFILES).join(", ")}`);
  return profile;
}

/** 0 for the null detector (every window missed), 100 for the perfect one (every window caught at its start). */
function normalise(raw: number, windows: number, profile: Profile): number {
  const nullScore = -profile.fn * windows;
  const perfect = profile.tp * windows;
  return (100 * (raw - nullScore)) / (perfect - nullScore);
}

export function scoreCorpus(corpus: readonly LabelledSeries[], profileName: string): CorpusScore {
  const profile = profileNamed(profileName);
  const { points, windows } = sweepCorpus(corpus, profile);
  const best = scoresByThreshold(points, windows, profile).reduce((a, b) => (b.score > a.score ? b : a));
  return { profile: profileName, threshold: best.threshold, raw: best.score, normalised: normalise(best.score, windows, profile) };
}

/** The normalised score when the detections are given (the detector's own decisions), no threshold search. */
export function scoreDecisions(corpus: readonly LabelledSeries[], decisions: readonly (readonly boolean[])[], profileName: string): number {
  const profile = profileNamed(profileName);
  const asScores = corpus.map((s, i) => ({ ...s, scores: decisions[i].map((d) => (d ? 1 : 0)) }));
  const { points, windows } = sweepCorpus(asScores, profile);
  const atOne = scoresByThreshold(points, windows, profile).find((t) => t.threshold === 1);
  return normalise(atOne ? atOne.score : -profile.fn * windows, windows, profile);
}

/** A NAB score as the reports give it: two decimals. */
export function roundScore(x: number): number {
  return Math.round(x * 100) / 100;
}

/** A corpus's NAB figures in every profile, as the reports give them, and its size. */
export interface CorpusFigures {
  readonly files: number;
  readonly rows: number;
  readonly windows: number;
  /** Normalised score per profile at the corpus-optimal threshold. */
  readonly scores: Record<string, number>;
  readonly thresholds: Record<string, number>;
  /** Normalised score per profile with the detector's own decisions (empty without decisions). */
  readonly decisionScores: Record<string, number>;
}

export function corpusFigures(corpus: readonly LabelledSeries[], decisions?: readonly (readonly boolean[])[]): CorpusFigures {
  const scores: Record<string, number> = {};
  const thresholds: Record<string, number> = {};
  const decisionScores: Record<string, number> = {};
  for (const profile of Object.keys(PROFILES)) {
    const s = scoreCorpus(corpus, profile);
    scores[profile] = roundScore(s.normalised);
    thresholds[profile] = s.threshold;
    if (decisions) decisionScores[profile] = roundScore(scoreDecisions(corpus, decisions, profile));
  }
  return {
    files: corpus.length,
    rows: corpus.reduce((n, c) => n + c.timestamps.length, 0),
    windows: corpus.reduce((n, c) => n + c.windows.length, 0),
    scores,
    thresholds,
    decisionScores,
  };
}
