import { join } from "path";
import { DetectorOptions } from "../types";
import { SetFigures } from "./devSets";
import { evaluateLabelled } from "./labelledRun";
import { evaluateSkab } from "./skabRun";
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
    const r = await evaluateSkab(data.skab, detector, options);
    figures.skab = r.f1;
    details.skab = { f1: r.f1, falseAlarmRate: r.falseAlarmRate, missedAlarmRate: r.missedAlarmRate };
    progress(`skab: F1 ${r.f1}`);
  }
  for (const set of ["asd", "smd"] as const) {
    const dir = data[set];
    if (!dir) continue;
    const r = await evaluateLabelled(dir, detector, options);
    figures[set] = r.f1;
    details[set] = { f1: r.f1, falseAlarmRate: r.falseAlarmRate, missedAlarmRate: r.missedAlarmRate, standard: r.scores.standard };
    progress(`${set}: F1 ${r.f1}`);
  }
  return { figures, details };
}
