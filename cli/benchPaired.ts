import { resolve } from "path";
import { ForestConfig, RandomCutForest } from "../anomaly/rcf/forest";
import { InputError } from "../anomaly/errors";

/** What a forest of any version offers the paired run. */
export interface BenchForest {
  score(point: Float32Array): number;
  update(point: Float32Array): void;
}
export type ForestMaker = (config: ForestConfig) => BenchForest;

export interface PairedResult {
  readonly baselinePointsPerSecond: number;
  readonly currentPointsPerSecond: number;
  /** Baseline time over current time: above 1, the current code is faster. */
  readonly speedup: number;
  /** Whether both forests gave the same score for every measured point. */
  readonly sameScores: boolean;
}

/**
 * Runs two forests side by side in one process over `data` (one input vector a step, shingled as the bench
 * does): each point goes to both, in alternating order, and each forest's score + update is timed after
 * `warmUp` points. The VM's drift then falls on both alike, which separate runs cannot
 * promise on a shared machine.
 */
export function pairedRun(baseline: ForestMaker, current: ForestMaker, config: ForestConfig, data: readonly Float64Array[], warmUp: number): PairedResult {
  const forests = [baseline(config), current(config)];
  const time = [0, 0];
  const dims = config.dimensions;
  const inputs = data[0]?.length ?? 0;
  const points = data.length - warmUp;
  if (inputs === 0 || dims % inputs !== 0 || points < 1)
    throw new RangeError(`pairedRun: ${data.length} points of ${inputs} inputs for ${dims} dimensions after ${warmUp} warm-up points`);
  const shingle = new Float32Array(dims);
  let sameScores = true;
  for (let i = 0; i < data.length; i++) {
    shingle.copyWithin(0, inputs);
    shingle.set(data[i], dims - inputs);
    const scores = [0, 0];
    for (let k = 0; k < 2; k++) {
      const which = (i + k) & 1;
      const start = performance.now();
      scores[which] = forests[which].score(shingle);
      forests[which].update(shingle);
      if (i >= warmUp) time[which] += performance.now() - start;
    }
    if (i >= warmUp && scores[0] !== scores[1]) sameScores = false;
  }
  return {
    baselinePointsPerSecond: Math.round((points * 1000) / time[0]),
    currentPointsPerSecond: Math.round((points * 1000) / time[1]),
    speedup: Math.round((time[0] / time[1]) * 1000) / 1000,
    sameScores,
  };
}

/** This checkout's forest. */
export const currentForest: ForestMaker = (config) => new RandomCutForest(config);

/** The forest of another checkout of gridrail (a folder holding anomaly/rcf/forest.ts), e.g. a git worktree. */
export function forestOfCheckout(dir: string): ForestMaker {
  const file = resolve(dir, "anomaly/rcf/forest");
  let loaded: { RandomCutForest?: new (config: ForestConfig) => BenchForest };
  try {
    loaded = require(file);
  } catch (e) {
    throw new InputError(`--baseline ${dir}: cannot load ${file}.ts (${(e as Error).message.split("\n")[0]})`);
  }
  const Forest = loaded.RandomCutForest;
  if (typeof Forest !== "function") throw new InputError(`--baseline ${dir}: ${file}.ts exports no RandomCutForest`);
  return (config) => new Forest(config);
}
