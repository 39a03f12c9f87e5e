import { SetFigures } from "../anomaly/evaluation/devSets";
import { ProtocolResult } from "../anomaly/evaluation/protocol";
import { DetectorOptions } from "../anomaly/types";

/** One candidate's stored figures in the protocol's results file (out/protocol.json). */
export interface Stored extends SetFigures {
  readonly options: DetectorOptions;
  readonly seconds: number;
}

/**
 * Runs the candidates not yet stored (or stored with other options, or lacking a set) through `run`,
 * and writes the results file after each one, so an interrupted run keeps what it measured.
 */
export async function runMissing<G extends string>(
  candidates: Readonly<Record<string, DetectorOptions>>,
  stored: Record<string, Stored>,
  only: string | undefined,
  missing: (figures: Readonly<Record<string, number>>) => G[],
  all: readonly G[],
  run: (groups: G[], options: DetectorOptions) => Promise<SetFigures>,
  save: () => void,
): Promise<void> {
  const progress = (m: string): boolean => process.stderr.write(`${m}\n`);
  for (const [name, options] of Object.entries(candidates)) {
    if (only !== undefined && name !== only) continue;
    const same = stored[name] && JSON.stringify(stored[name].options) === JSON.stringify(options);
    const groups = same ? missing(stored[name].figures) : [...all];
    if (groups.length === 0) continue;
    progress(`candidate ${name} ${JSON.stringify(options)}: ${groups.join(", ")}`);
    const started = process.cpuUsage();
    const figures = await run(groups, options);
    const cpu = process.cpuUsage(started);
    const before = same ? stored[name] : { figures: {}, details: {}, seconds: 0 };
    stored[name] = {
      options,
      figures: { ...before.figures, ...figures.figures },
      details: { ...before.details, ...figures.details },
      seconds: Math.round(before.seconds * 10 + (cpu.user + cpu.system) / 1e5) / 10,
    };
    save();
  }
}

/** The stored candidates (in the candidates' order) and their figures, for the choice and the tables. */
export function storedTable(candidates: Readonly<Record<string, DetectorOptions>>, stored: Record<string, Stored>) {
  const names = Object.keys(candidates).filter((c) => stored[c]);
  const table: Record<string, Record<string, number>> = Object.fromEntries(names.map((c) => [c, stored[c].figures]));
  return { names, table };
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

/** One leave-one-set-out's lines: each held-out set with the candidate chosen on the others, then the means. */
export function heldOutRows(result: ProtocolResult, widths: { readonly set: number; readonly name: number }): string[] {
  return [
    ...result.heldOut.map((h) => `  ${h.set.padEnd(widths.set)} ${h.chosen.padEnd(widths.name)} ${h.heldOut.toFixed(3)}`),
    `  cross-validated mean ${result.crossValidated.toFixed(3)}; chosen on all sets: ${result.chosen} (in-sample mean ${result.inSampleMean.toFixed(3)})`,
  ];
}
