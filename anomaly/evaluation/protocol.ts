/**
 * Leave-one-set-out selection of defaults, so a default's figure is never measured on data it was chosen
 * on. Every candidate option set has one figure in [0, 1] per development set (higher is better). For each
 * held-out set the candidate with the best mean over all the OTHER sets is chosen and its figure on the
 * held-out set is that set's cross-validated figure; their mean estimates the defaults' figure on a set of
 * a kind not seen. The final defaults are the candidate best on all sets together. Ties go to the candidate
 * listed first (the current defaults come first, so a change must earn its place).
 */
export type FigureTable = Readonly<Record<string, Readonly<Record<string, number>>>>;

export interface HeldOut {
  readonly set: string;
  /** The candidate chosen on all the other sets. */
  readonly chosen: string;
  /** Its mean figure on those other sets. */
  readonly trainingMean: number;
  /** Its figure on the held-out set. */
  readonly heldOut: number;
}

export interface ProtocolResult {
  readonly heldOut: HeldOut[];
  /** Mean of the held-out figures. */
  readonly crossValidated: number;
  /** The candidate best over every set, and its mean (an in-sample figure: not an estimate). */
  readonly chosen: string;
  readonly inSampleMean: number;
}

function meanOver(figures: Readonly<Record<string, number>>, sets: readonly string[], candidate: string): number {
  let total = 0;
  for (const set of sets) {
    const f = figures[set];
    if (f === undefined || !Number.isFinite(f)) throw new Error(`candidate ${candidate} has no figure for set ${set}`);
    total += f;
  }
  return total / sets.length;
}

/** The candidate with the best mean over `sets`, the first listed on a tie. */
export function bestCandidate(table: FigureTable, candidates: readonly string[], sets: readonly string[]): { name: string; mean: number } {
  if (candidates.length === 0) throw new Error("no candidate to choose from");
  let best = { name: candidates[0], mean: meanOver(table[candidates[0]] ?? {}, sets, candidates[0]) };
  for (const name of candidates.slice(1)) {
    const mean = meanOver(table[name] ?? {}, sets, name);
    if (mean > best.mean) best = { name, mean };
  }
  return best;
}

export function leaveOneSetOut(table: FigureTable, candidates: readonly string[], sets: readonly string[]): ProtocolResult {
  if (sets.length < 2) throw new Error(`leave-one-set-out needs at least 2 sets, got ${sets.length}`);
  const heldOut = sets.map((set) => {
    const others = sets.filter((s) => s !== set);
    const { name, mean } = bestCandidate(table, candidates, others);
    return { set, chosen: name, trainingMean: mean, heldOut: table[name][set] };
  });
  const all = bestCandidate(table, candidates, sets);
  return {
    heldOut,
    crossValidated: heldOut.reduce((a, h) => a + h.heldOut, 0) / heldOut.length,
    chosen: all.name,
    inSampleMean: all.mean,
  };
}
