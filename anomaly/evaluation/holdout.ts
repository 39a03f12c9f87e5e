import { Random } from "../random";
import { createDetector } from "../registry";
import { DetectorOptions } from "../types";
import { LabelledSeries, corpusFigures } from "./nabScore";

/**
 * A hold-out benchmark against tuning to NAB alone: real series nobody here labelled (the supplier meter
 * exports, half-hourly kWh) with seeded faults injected after NAB's 15% probationary period, labelled with
 * NAB's windows (10% of the series split over its anomalies, centred on each) and scored by the same NAB
 * v1.1 scorer. Faults are what a meter's data really shows when something is wrong:
 * - `spike`: one reading at three times the series' 99th percentile;
 * - `level-shift`: two days with two deviations added (a new appliance left running);
 * - `stuck`: a day repeating one reading (a frozen register);
 * - `outage`: twelve hours of zeros (supply or communication lost).
 */
export type FaultKind = "spike" | "level-shift" | "stuck" | "outage";
export const FAULT_KINDS: readonly FaultKind[] = ["spike", "level-shift", "stuck", "outage"];
const LENGTH: Record<FaultKind, number> = { spike: 1, "level-shift": 96, stuck: 48, outage: 24 };

export interface Injection {
  readonly kind: FaultKind;
  /** Index of the first faulty reading. */
  readonly start: number;
  readonly length: number;
}

export interface RawSeries {
  readonly name: string;
  readonly timestamps: readonly number[];
  readonly values: readonly number[];
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * (sorted.length - 1)))];
}

/**
 * `count` faults at seeded places after the probationary 15%, one window's width apart so no two windows
 * overlap, kinds in turn from a seeded start. Returns the faulty copy and what was injected where.
 */
export function injectFaults(values: readonly number[], seed: number, count = 3): { values: number[]; injections: Injection[] } {
  const n = values.length;
  const random = new Random(seed);
  const window = Math.floor((0.1 * n) / count);
  const first = Math.ceil(0.15 * n) + window;
  const slot = Math.floor((n - first - window) / count);
  if (slot < LENGTH["level-shift"] + 1) throw new RangeError(`series of ${n} points is too short for ${count} injected faults`);
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  const out = [...values];
  const injections: Injection[] = [];
  const kind0 = Math.floor(random.nextDouble() * FAULT_KINDS.length);
  for (let k = 0; k < count; k++) {
    const kind = FAULT_KINDS[(kind0 + k) % FAULT_KINDS.length];
    const length = LENGTH[kind];
    const start = first + k * slot + Math.floor(random.nextDouble() * (slot - length));
    for (let i = start; i < start + length; i++) {
      if (kind === "spike") out[i] = 3 * quantile(sorted, 0.99);
      else if (kind === "level-shift") out[i] = values[i] + 2 * sd;
      else if (kind === "stuck") out[i] = values[start];
      else out[i] = 0;
    }
    injections.push({ kind, start, length });
  }
  return { values: out, injections };
}

/** NAB's windows: 10% of the series over its anomalies, centred on each fault's first reading, as epoch ms. */
export function windowsOf(timestamps: readonly number[], injections: readonly Injection[]): [number, number][] {
  const n = timestamps.length;
  const half = Math.floor((0.1 * n) / injections.length / 2);
  return injections.map((f) => [timestamps[Math.max(0, f.start - half)], timestamps[Math.min(n - 1, f.start + half)]]);
}

export interface HoldoutReport {
  readonly benchmark: "holdout";
  readonly detector: string;
  readonly options: DetectorOptions;
  readonly series: number;
  readonly rows: number;
  readonly windows: number;
  readonly scores: Record<string, number>;
  readonly injected: { readonly name: string; readonly seed: number; readonly faults: readonly Injection[] }[];
}

/** Every series once per seed, with that seed's faults, through a fresh detector each; NAB-scored as one corpus. */
export function evaluateHoldout(
  series: readonly RawSeries[],
  seeds: readonly number[],
  detector: string,
  options: DetectorOptions,
  progress: (m: string) => void = () => {},
): HoldoutReport {
  const corpus: LabelledSeries[] = [];
  const injected: HoldoutReport["injected"][number][] = [];
  for (const seed of seeds) {
    for (const [i, s] of series.entries()) {
      const { values, injections } = injectFaults(s.values, seed * 1000 + i);
      const d = createDetector(detector, 1, options);
      const scores = values.map((v, j) => d.process({ timestamp: s.timestamps[j], values: [v] }).score);
      corpus.push({ name: `${s.name}#${seed}`, timestamps: s.timestamps, scores, windows: windowsOf(s.timestamps, injections) });
      injected.push({ name: s.name, seed, faults: injections });
      progress(`seed ${seed} ${s.name}: ${values.length} points, faults ${injections.map((f) => `${f.kind}@${f.start}`).join(", ")}`);
    }
  }
  const { files, rows, windows, scores } = corpusFigures(corpus);
  return {
    benchmark: "holdout",
    detector,
    options,
    series: files,
    rows,
    windows,
    scores,
    injected,
  };
}
