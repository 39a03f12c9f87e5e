import { adoptionVerdict, CLEARLY_WORSE, leaveOneSetOut, ProtocolResult, Verdict } from "../anomaly/evaluation/protocol";
import { STATE_CANDIDATES, STATE_SETS } from "../anomaly/evaluation/stateCandidates";
import { missingStateSets, runStateSets, stateDataUnder } from "../anomaly/evaluation/stateTrack";
import { figureRows, heldOutRows, runMissing, seedsText, spreadRows, Stored, storedTable } from "./evalStored";

/** The results file's key under which the state track's candidates are stored, beside the onset track's. */
export const STATE_KEY = "alarm=state";

export interface StateTrack {
  readonly sets: readonly string[];
  readonly table: Record<string, Record<string, number>>;
  readonly result: ProtocolResult;
  readonly verdict: Verdict;
  readonly stored: Record<string, Stored>;
  readonly seeds: readonly number[];
  /** Per set, the mean over candidates of the replicates' spread. */
  readonly spread: Record<string, number>;
}

export async function runStateCandidates(
  root: string,
  stored: Record<string, Stored>,
  only: string | undefined,
  seeds: readonly number[],
  save: () => void,
): Promise<void> {
  const data = stateDataUnder(root);
  const progress = (m: string): boolean => process.stderr.write(`${m}\n`);
  await runMissing(
    STATE_CANDIDATES,
    stored,
    only,
    seeds,
    missingStateSets,
    STATE_SETS,
    (groups, options) => {
      const part = Object.fromEntries(groups.map((g) => [g, data[g]]));
      return runStateSets(part, "rcf", options, progress);
    },
    save,
  );
}

/** Leave-one-set-out over the state sets and the adoption rule's verdict, once any state candidate is stored. */
export function stateTrack(stored: Record<string, Stored>, seeds: readonly number[]): StateTrack | undefined {
  const { names: candidates, table, spread } = storedTable(STATE_CANDIDATES, stored, seeds);
  if (candidates.length === 0) return undefined;
  const result = leaveOneSetOut(table, candidates, STATE_SETS);
  return { sets: STATE_SETS, table, result, verdict: adoptionVerdict(table, candidates, STATE_SETS, result), stored, seeds, spread };
}

export function printStateTrack(track: StateTrack, out: (line: string) => void): void {
  const names = Object.keys(track.table);
  out(`state alarm track (point-wise F1 of the alarm=state decisions): ${names.length} candidates, ${seedsText(track.seeds)}`);
  figureRows(track.table, track.sets, { name: 30, column: 8 }).forEach(out);
  spreadRows(track.spread, track.sets, track.seeds, { name: 30, column: 8 }).forEach(out);
  out(`leave-one-set-out over ${track.sets.join(", ")}: held-out set, candidate chosen on the others, its figure there`);
  heldOutRows(track.result, { set: 8, name: 30 }).forEach(out);
  const { verdict } = track;
  out(
    verdict.adopt
      ? `  adoption rule (better held-out figures, no set more than ${CLEARLY_WORSE} worse): adopt ${verdict.chosen} in place of ${verdict.incumbent}`
      : `  adoption rule (better held-out figures, no set more than ${CLEARLY_WORSE} worse): keep ${verdict.incumbent}: ${verdict.reasons.join("; ")}`,
  );
}
