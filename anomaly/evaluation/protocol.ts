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

/** The benchmark a set belongs to: NAB's categories (`nab:realKnownCause`, ...) are one benchmark, `nab`. */
export function benchmarkOf(set: string): string {
  const colon = set.indexOf(":");
  return colon < 0 ? set : set.slice(0, colon);
}

export interface HeldOutBenchmark {
  readonly benchmark: string;
  /** Its sets, held out together. */
  readonly sets: readonly string[];
  /** The candidate chosen on every other benchmark's sets, and its mean there. */
  readonly chosen: string;
  readonly trainingMean: number;
  /** The chosen candidate's figure on each held-out set. */
  readonly heldOut: Readonly<Record<string, number>>;
}

/**
 * Leave one benchmark out: a benchmark's sets are held out together, so a benchmark of several sets (NAB's
 * categories) gets a choice made without any of its data, as a new benchmark would. For a benchmark of one set
 * this is leave-one-set-out.
 */
export function leaveOneBenchmarkOut(table: FigureTable, candidates: readonly string[], sets: readonly string[]): HeldOutBenchmark[] {
  const benchmarks = [...new Set(sets.map(benchmarkOf))];
  if (benchmarks.length < 2) throw new Error(`leave-one-benchmark-out needs sets of at least 2 benchmarks, got ${benchmarks.join(", ")}`);
  return benchmarks.map((benchmark) => {
    const held = sets.filter((s) => benchmarkOf(s) === benchmark);
    const { name, mean } = bestCandidate(
      table,
      candidates,
      sets.filter((s) => benchmarkOf(s) !== benchmark),
    );
    return { benchmark, sets: held, chosen: name, trainingMean: mean, heldOut: Object.fromEntries(held.map((s) => [s, table[name][s]])) };
  });
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

/**
 * How much lower a candidate's figure on one set may be than the current defaults' and still not count as
 * "clearly worse" (about what a change of seed moves a set's figure).
 */
export const CLEARLY_WORSE = 0.02;

export interface Verdict {
  /** True when the candidate chosen on all sets replaces the current defaults (the first candidate). */
  readonly adopt: boolean;
  readonly incumbent: string;
  readonly chosen: string;
  /** Why the current defaults stay (empty when adopted). */
  readonly reasons: string[];
}

/**
 * The adoption rule: the candidate chosen on all sets replaces the current defaults (listed first) only if
 * the held-out figures are better (cross-validated mean above the current defaults' mean over the same
 * sets) and no set is clearly worse (neither a held-out figure nor the chosen candidate's own figure is
 * more than `tolerance` below the current defaults' figure on that set).
 */
export function adoptionVerdict(
  table: FigureTable,
  candidates: readonly string[],
  sets: readonly string[],
  result: ProtocolResult,
  tolerance = CLEARLY_WORSE,
): Verdict {
  const incumbent = candidates[0];
  const base = table[incumbent] ?? {};
  const f = (x: number): string => x.toFixed(3);
  if (result.chosen === incumbent) return { adopt: false, incumbent, chosen: result.chosen, reasons: [`${incumbent} is best on all sets`] };
  const reasons: string[] = [];
  const baseMean = meanOver(base, sets, incumbent);
  if (!(result.crossValidated > baseMean)) reasons.push(`cross-validated mean ${f(result.crossValidated)} is not above ${incumbent}'s ${f(baseMean)}`);
  for (const h of result.heldOut) {
    if (base[h.set] - h.heldOut > tolerance)
      reasons.push(`${h.set}: held-out figure ${f(h.heldOut)} (${h.chosen}) is ${f(base[h.set] - h.heldOut)} below ${incumbent}'s ${f(base[h.set])}`);
  }
  for (const set of sets) {
    const own = table[result.chosen][set];
    if (base[set] - own > tolerance) reasons.push(`${set}: ${result.chosen} scores ${f(own)}, ${f(base[set] - own)} below ${incumbent}'s ${f(base[set])}`);
  }
  return { adopt: reasons.length === 0, incumbent, chosen: result.chosen, reasons };
}
