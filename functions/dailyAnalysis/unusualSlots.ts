import { createDetector, DetectorOptions } from "../../anomaly";
import { Slot } from "./halfHourProfile";

/**
 * Unusual half-hours: a random cut forest replays the client's recent half-hourly history (from its
 * earlier reports) and then scores the day, so "unusual" means unusual for this household at this time of
 * day. The forest is rebuilt from the reports on every run: no model state to keep, and a re-run of a day
 * gives the same answer (seeded). Half-hours no source covered are skipped, not imputed.
 * Threshold scoring without suppression (the library's onset alarm uses the anomaly likelihood and
 * suppresses 30 points after an alarm): every unusual half-hour of the day is listed, not only the first of
 * a run of them.
 */
export const UNUSUAL_OPTIONS: DetectorOptions = {
  numberOfTrees: 50,
  subSampleSize: 128,
  calendar: "day",
  seed: 7,
  scoring: "threshold",
  suppress: 0,
};

export interface UnusualSlot {
  readonly startMs: number;
  readonly kwh: number;
  readonly expectedKwh: number;
  /** 0..1, 0.5 is the decision boundary */
  readonly score: number;
}

export interface SlotScore {
  readonly startMs: number;
  readonly score: number | null;
  readonly anomaly: boolean;
}

export interface UnusualResult {
  /** Points of history the forest saw before the day. */
  readonly historyPoints: number;
  /** False when the history was too short for the forest to score (then nothing is flagged). */
  readonly ready: boolean;
  readonly scores: readonly SlotScore[];
  readonly unusual: readonly UnusualSlot[];
}

export function unusualSlots(history: readonly Slot[], day: readonly Slot[], options: DetectorOptions = UNUSUAL_OPTIONS): UnusualResult {
  const detector = createDetector("rcf", 1, options);
  let historyPoints = 0;
  let last = -Infinity;
  for (const s of history) {
    if (s.kwh === null || s.startMs <= last) continue;
    detector.process({ timestamp: s.startMs, values: [s.kwh] });
    last = s.startMs;
    historyPoints++;
  }
  const scores: SlotScore[] = [];
  const unusual: UnusualSlot[] = [];
  let ready = false;
  for (const s of day) {
    if (s.kwh === null || s.startMs <= last) {
      scores.push({ startMs: s.startMs, score: null, anomaly: false });
      continue;
    }
    const r = detector.process({ timestamp: s.startMs, values: [s.kwh] });
    last = s.startMs;
    ready ||= r.ready;
    scores.push({ startMs: s.startMs, score: r.ready ? round3(r.score) : null, anomaly: r.anomaly });
    if (r.anomaly) unusual.push({ startMs: s.startMs, kwh: s.kwh, expectedKwh: Math.max(0, round3(r.expected[0])), score: round3(r.score) });
  }
  return { historyPoints, ready, scores, unusual };
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
