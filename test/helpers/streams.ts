import { createDetector, decodeState, Detector, DetectorOptions, DetectorResult, DetectorState, encodeState, restoreDetector } from "../../anomaly";
import { Random } from "../../anomaly/random";

/** A seeded multi-dimensional sine + noise stream with optional spikes, for detector tests. */
export function sineStream(n: number, dims: number, seed: number, spikeEvery = 0): number[][] {
  const r = new Random(seed);
  return Array.from({ length: n }, (_, i) =>
    Array.from({ length: dims }, (_, d) => Math.sin(i / 15 + d) + 0.1 * r.nextDouble() + (spikeEvery && i % spikeEvery === spikeEvery - 1 ? 4 : 0)),
  );
}

/** One minute apart from 2024-01-01T00:00Z. */
export function minuteTimestamp(i: number): number {
  return Date.UTC(2024, 0, 1) + i * 60_000;
}

/** Gaussian noise (mean 0, deviation 1) from a seeded generator, one value a call. */
export function gaussian(seed: number): () => number {
  const r = new Random(seed);
  return () => Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
}

/**
 * Streams a univariate series through a live detector and, after row `saveAt`, through one restored from the
 * live one's encoded state: the results of both after that row, the live and the restored detector and the state
 * saved. `each` sees every live result with its row.
 */
export function liveAndResumed(
  name: string,
  options: DetectorOptions,
  data: readonly number[],
  saveAt: number,
  each: (row: number, result: DetectorResult) => void = () => {},
): { live: DetectorResult[]; resumed: DetectorResult[]; detector: Detector; restored: Detector; saved: DetectorState } {
  const detector = createDetector(name, 1, options);
  let restored: Detector | undefined;
  let saved: DetectorState | undefined;
  const live: DetectorResult[] = [];
  const resumed: DetectorResult[] = [];
  data.forEach((v, i) => {
    const point = { timestamp: minuteTimestamp(i), values: [v] };
    if (restored) resumed.push(restored.process(point));
    const result = detector.process(point);
    each(i, result);
    if (i === saveAt) {
      saved = detector.toState();
      restored = restoreDetector(decodeState(encodeState(saved)));
    } else if (i > saveAt) live.push(result);
  });
  if (!restored || !saved) throw new Error(`the series ends before row ${saveAt}`);
  return { live, resumed, detector, restored, saved };
}

/**
 * Streams `n` points of `valuesAt(i)` (one minute apart) through an rcf of `dimensions` inputs, restored from its
 * encoded state before point `cut` if given: every result, and the state after each point.
 */
export function rcfWithStates(
  dimensions: number,
  options: DetectorOptions,
  n: number,
  valuesAt: (i: number) => number[],
  cut?: number,
): { results: DetectorResult[]; states: DetectorState[] } {
  let d = createDetector("rcf", dimensions, options);
  const results: DetectorResult[] = [];
  const states: DetectorState[] = [];
  for (let i = 0; i < n; i++) {
    if (i === cut) d = restoreDetector(decodeState(encodeState(d.toState())));
    results.push(d.process({ timestamp: minuteTimestamp(i), values: valuesAt(i) }));
    states.push(d.toState());
  }
  return { results, states };
}

/** A copy of `state` with `field` (`name` or `name.inner`) set to `value`, or without it when `value` is undefined. */
export function withField(state: DetectorState, field: string, value: unknown): DetectorState {
  const copy = JSON.parse(JSON.stringify(state)) as Record<string, unknown>;
  const [head, tail] = field.split(".");
  const target = (tail ? copy[head] : copy) as Record<string, unknown>;
  const key = tail ?? head;
  if (value === undefined) delete target[key];
  else target[key] = value;
  return copy as unknown as DetectorState;
}

/** Uniform noise in [-0.5, 0.5) by the point's index (a linear congruential sequence): the same for every run. */
export function uniformNoise(seed = 7): (i: number) => number {
  const draws: number[] = [];
  let s = seed;
  return (i) => {
    while (draws.length <= i) {
      s = (s * 1103515245 + 12345) % 2 ** 31;
      draws.push(s / 2 ** 31 - 0.5);
    }
    return draws[i];
  };
}
