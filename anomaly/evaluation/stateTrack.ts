import { join } from "path";
import { DetectorOptions } from "../types";
import { serverSets, SetFigures, skabFigures } from "./devSets";
import { STATE_SETS } from "./stateCandidates";

/** Where the state track's sets live: SKAB's labelled files, and the labelled-CSV folders of ASD and SMD. */
export type StateData = Partial<Record<(typeof STATE_SETS)[number], string>>;

export function stateDataUnder(root: string): StateData {
  return { skab: join(root, "skab"), asd: join(root, "asd"), smd: join(root, "smd") };
}

/** The state track's sets a figure table lacks. */
export function missingStateSets(figures: Readonly<Record<string, number>>): (typeof STATE_SETS)[number][] {
  return STATE_SETS.filter((s) => figures[s] === undefined);
}

/**
 * One option set's figures on the state track: point-wise F1 of the detector's own decisions, summed over
 * each set's files (SKAB as `eval --skab`; ASD and SMD as `eval --labelled`, after each file's unlabelled
 * prefix). The options are taken as they are: a state candidate names `alarm: "state"` itself.
 */
export async function runStateSets(data: StateData, detector: string, options: DetectorOptions, progress: (m: string) => void = () => {}): Promise<SetFigures> {
  const figures: Record<string, number> = {};
  const details: Record<string, Record<string, number>> = {};
  if (data.skab) {
    details.skab = await skabFigures(data.skab, detector, options);
    figures.skab = details.skab.f1;
    progress(`skab: F1 ${figures.skab}`);
  }
  for await (const [set, d] of serverSets(data, detector, options)) {
    details[set] = d;
    figures[set] = d.f1;
    progress(`${set}: F1 ${d.f1}`);
  }
  return { figures, details };
}
