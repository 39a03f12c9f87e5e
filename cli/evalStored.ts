import { NAMED_LATER } from "../anomaly/evaluation/candidates";
import { SetFigures } from "../anomaly/evaluation/devSets";
import { ProtocolResult } from "../anomaly/evaluation/protocol";
import { meanFigures, replicateKey, replicateOptions, seedSpread } from "../anomaly/evaluation/replicates";
import { DetectorOptions } from "../anomaly/types";

/** One candidate's stored figures in the protocol's results file (out/protocol.json). */
export interface Stored extends SetFigures {
  readonly options: DetectorOptions;
  readonly seconds: number;
}

/** The same options, in any order, an option of NAMED_LATER left out counting as its value there. */
export function sameOptions(stored: DetectorOptions, wanted: DetectorOptions): boolean {
  const complete = (o: DetectorOptions): string => JSON.stringify(Object.entries({ ...NAMED_LATER, ...o }).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return complete(stored) === complete(wanted);
}

/** A candidate's replicate for `seed` as stored, if it was run with the candidate's current options. */
function currentReplicate(stored: Record<string, Stored>, candidate: string, options: DetectorOptions, seed: number): Stored | undefined {
  const entry = stored[replicateKey(candidate, seed)];
  return entry && sameOptions(entry.options, replicateOptions(options, seed)) ? entry : undefined;
}

/**
 * Runs each candidate's replicates (one a seed) not yet stored (or stored with other options, or lacking a
 * set) through `run`, and writes the results file after each one, so an interrupted run keeps what it measured.
 */
export async function runMissing<G extends string>(
  candidates: Readonly<Record<string, DetectorOptions>>,
  stored: Record<string, Stored>,
  only: string | undefined,
  seeds: readonly number[],
  missing: (figures: Readonly<Record<string, number>>) => G[],
  all: readonly G[],
  run: (groups: G[], options: DetectorOptions) => Promise<SetFigures>,
  save: () => void,
): Promise<void> {
  const progress = (m: string): boolean => process.stderr.write(`${m}\n`);
  for (const [candidate, candidateOptions] of Object.entries(candidates)) {
    if (only !== undefined && candidate !== only) continue;
    for (const seed of seeds) {
      const name = replicateKey(candidate, seed);
      const options = replicateOptions(candidateOptions, seed);
      const same = currentReplicate(stored, candidate, candidateOptions, seed);
      const groups = same ? missing(same.figures) : [...all];
      if (groups.length === 0) continue;
      progress(`candidate ${name} ${JSON.stringify(options)}: ${groups.join(", ")}`);
      const started = process.cpuUsage();
      const figures = await run(groups, options);
      const cpu = process.cpuUsage(started);
      const before = same ?? { figures: {}, details: {}, seconds: 0 };
      stored[name] = {
        options,
        figures: { ...before.figures, ...figures.figures },
        details: { ...before.details, ...figures.details },
        seconds: Math.round(before.seconds * 10 + (cpu.user + cpu.system) / 1e5) / 10,
      };
      save();
    }
  }
}

/**
 * The candidates (in the candidates' order) with every replicate stored, per candidate the mean of its
 * replicates' figures (for the choice and the tables), and per set the mean over those candidates of the
 * replicates' spread (largest minus smallest: how far a seed alone moves the set's figure).
 */
export function storedTable(candidates: Readonly<Record<string, DetectorOptions>>, stored: Record<string, Stored>, seeds: readonly number[]) {
  const table: Record<string, Record<string, number>> = {};
  const spreads: Record<string, number>[] = [];
  for (const [candidate, options] of Object.entries(candidates)) {
    const replicates = seeds.map((seed) => currentReplicate(stored, candidate, options, seed)?.figures);
    const mean = meanFigures(replicates);
    if (!mean) continue;
    table[candidate] = mean;
    spreads.push(seedSpread(replicates as Record<string, number>[]));
  }
  return { names: Object.keys(table), table, spread: meanFigures(spreads) ?? {} };
}

/** A candidate's measure `field` behind set `set` (e.g. nab, standard), the mean over its replicates; undefined if one lacks it. */
export function meanDetail(
  candidates: Readonly<Record<string, DetectorOptions>>,
  stored: Record<string, Stored>,
  candidate: string,
  seeds: readonly number[],
  set: string,
  field: string,
): number | undefined {
  const values = seeds.map((seed) => currentReplicate(stored, candidate, candidates[candidate], seed)?.details[set]?.[field]);
  return values.every((v): v is number => v !== undefined) ? values.reduce((a, b) => a + b, 0) / values.length : undefined;
}

/** How a table's figures were made: "each the mean of seeds 42, 1, 2" (or "seed 42"). */
export function seedsText(seeds: readonly number[]): string {
  return seeds.length === 1 ? `seed ${seeds[0]}` : `each the mean of seeds ${seeds.join(", ")}`;
}

/** The per-set figure table: a header of `heading(set)`, then one row a candidate. */
export function figureRows(
  table: Readonly<Record<string, Readonly<Record<string, number>>>>,
  sets: readonly string[],
  widths: { readonly name: number; readonly column: number },
  heading: (set: string) => string = (set) => set,
): string[] {
  const row = (name: string, cells: string[]) => `${name.padEnd(widths.name)}${cells.map((c) => c.padStart(widths.column)).join("")}`;
  return [
    row("candidate", sets.map(heading)),
    ...Object.keys(table).map((c) =>
      row(
        c,
        sets.map((s) => table[c][s].toFixed(3)),
      ),
    ),
  ];
}

/** Under a figure table of `seeds.length` > 1 replicates, the row of the mean seed spread per set. */
export function spreadRows(
  spread: Readonly<Record<string, number>>,
  sets: readonly string[],
  seeds: readonly number[],
  widths: { readonly name: number; readonly column: number },
): string[] {
  if (seeds.length < 2 || Object.keys(spread).length === 0) return [];
  return figureRows({ "(seed spread, mean)": spread }, sets, widths).slice(1);
}

/** One leave-one-set-out's lines: each held-out set with the candidate chosen on the others, then the means. */
export function heldOutRows(result: ProtocolResult, widths: { readonly set: number; readonly name: number }): string[] {
  return [
    ...result.heldOut.map((h) => `  ${h.set.padEnd(widths.set)} ${h.chosen.padEnd(widths.name)} ${h.heldOut.toFixed(3)}`),
    `  cross-validated mean ${result.crossValidated.toFixed(3)}; chosen on all sets: ${result.chosen} (in-sample mean ${result.inSampleMean.toFixed(3)})`,
  ];
}
