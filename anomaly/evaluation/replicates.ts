import { RCF_DEFAULTS } from "../rcf/rcfOptions";
import { DetectorOptions } from "../types";

/**
 * Seed replicates of the defaults protocol. A forest is random: the same option set run with another seed
 * moves a set's figure by as much as candidates differ (NAB's realKnownCause, defaults: 59 to 70 over seeds
 * 1-10 and 42), so a choice made on one seed picks whichever candidate drew a lucky forest. Each candidate
 * is run once per seed and judged on the mean. The library's own seed comes first, so figures stored
 * before replicates existed are the first replicate.
 */
export const PROTOCOL_SEEDS: readonly number[] = [RCF_DEFAULTS.seed, 1, 2, 3, 4];

/** Where a replicate is stored in the results file: the candidate's own name for the library's seed. */
export function replicateKey(name: string, seed: number): string {
  return seed === RCF_DEFAULTS.seed ? name : `${name} @seed=${seed}`;
}

/** A candidate's options for one replicate: as they are for the library's seed, with `seed` for another. */
export function replicateOptions(options: DetectorOptions, seed: number): DetectorOptions {
  return seed === RCF_DEFAULTS.seed ? options : { ...options, seed };
}

/**
 * Per set, the mean of the replicates' figures; undefined unless every replicate has a figure for every set
 * any of them has (a candidate is judged on all its seeds or not at all).
 */
export function meanFigures(replicates: readonly (Readonly<Record<string, number>> | undefined)[]): Record<string, number> | undefined {
  if (replicates.length === 0 || replicates.some((r) => r === undefined)) return undefined;
  const figures = replicates as Readonly<Record<string, number>>[];
  const sets = [...new Set(figures.flatMap((f) => Object.keys(f)))];
  if (figures.some((f) => sets.some((s) => f[s] === undefined))) return undefined;
  return Object.fromEntries(sets.map((s) => [s, figures.reduce((a, f) => a + f[s], 0) / figures.length]));
}

/** Per set, the largest minus the smallest replicate figure (how far a seed alone moves it). */
export function seedSpread(replicates: readonly Readonly<Record<string, number>>[]): Record<string, number> {
  const sets = Object.keys(replicates[0] ?? {});
  return Object.fromEntries(sets.map((s) => [s, Math.max(...replicates.map((r) => r[s])) - Math.min(...replicates.map((r) => r[s]))]));
}
