import { SetFigures } from "../anomaly/evaluation/devSets";
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
