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
