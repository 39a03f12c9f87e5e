import { adoptionVerdict, CLEARLY_WORSE, leaveOneSetOut, ProtocolResult, Verdict } from "../anomaly/evaluation/protocol";
import { STATE_CANDIDATES, STATE_SETS } from "../anomaly/evaluation/stateCandidates";
import { missingStateSets, runStateSets, stateDataUnder } from "../anomaly/evaluation/stateTrack";
import { runMissing, Stored } from "./evalStored";

/** The results file's key under which the state track's candidates are stored, beside the onset track's. */
export const STATE_KEY = "alarm=state";

export interface StateTrack {
  readonly sets: readonly string[];
  readonly table: Record<string, Record<string, number>>;
  readonly result: ProtocolResult;
  readonly verdict: Verdict;
  readonly stored: Record<string, Stored>;
}

export async function runStateCandidates(root: string, stored: Record<string, Stored>, only: string | undefined, save: () => void): Promise<void> {
  const data = stateDataUnder(root);
  const progress = (m: string): boolean => process.stderr.write(`${m}\n`);
  await runMissing(
    STATE_CANDIDATES,
    stored,
    only,
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
export function stateTrack(stored: Record<string, Stored>): StateTrack | undefined {
  const candidates = Object.keys(STATE_CANDIDATES).filter((c) => stored[c]);
  if (candidates.length === 0) return undefined;
  const table = Object.fromEntries(candidates.map((c) => [c, stored[c].figures]));
  const result = leaveOneSetOut(table, candidates, STATE_SETS);
  return { sets: STATE_SETS, table, result, verdict: adoptionVerdict(table, candidates, STATE_SETS, result), stored };
}

export function printStateTrack(track: StateTrack, out: (line: string) => void): void {
  const names = Object.keys(track.table);
  out(`state alarm track (point-wise F1 of the alarm=state decisions): ${names.length} candidates`);
  out(`${"candidate".padEnd(30)}${track.sets.map((s) => s.padStart(8)).join("")}`);
  for (const c of names) out(`${c.padEnd(30)}${track.sets.map((s) => track.table[c][s].toFixed(3).padStart(8)).join("")}`);
  out(`leave-one-set-out over ${track.sets.join(", ")}: held-out set, candidate chosen on the others, its figure there`);
  for (const h of track.result.heldOut) out(`  ${h.set.padEnd(8)} ${h.chosen.padEnd(30)} ${h.heldOut.toFixed(3)}`);
  out(
    `  cross-validated mean ${track.result.crossValidated.toFixed(3)}; chosen on all sets: ${track.result.chosen} (in-sample mean ${track.result.inSampleMean.toFixed(3)})`,
  );
  const { verdict } = track;
  out(
    verdict.adopt
      ? `  adoption rule (better held-out figures, no set more than ${CLEARLY_WORSE} worse): adopt ${verdict.chosen} in place of ${verdict.incumbent}`
      : `  adoption rule (better held-out figures, no set more than ${CLEARLY_WORSE} worse): keep ${verdict.incumbent}: ${verdict.reasons.join("; ")}`,
  );
}
