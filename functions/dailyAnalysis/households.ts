import { isValidIsoDay } from "../supplierParser/s3Key";
import { showValue } from "../shared/showValue";
import { RECENT_DAYS } from "./clientReport";
import { addDays, parseDay } from "./reportDay";

/**
 * Where a meter's households began, as the supplier declared them: the claim code issued for a meter carries the
 * household's first day (`claims issue --reports-from`, docs/customers.md), and the link keeps it on the meter's
 * owner item while that household has the meter. A report compares its day only with earlier days of the same
 * household, so a new household's first weeks are not measured against the previous occupant's consumption.
 */
export interface Households {
  /**
   * The first days (as stored: YYYY-MM-DD expected) the meter's items name: the linked household's and the latest
   * code's, either or both absent. A failed read throws (the client fails, and a re-run retries it).
   */
  firstDays(meterId: string): Promise<string[]>;
}

/** No household known for any meter: every earlier day is compared with (the benchmarks, the local history days). */
export const NO_HOUSEHOLDS: Households = { firstDays: async () => [] };

/** The meters' first days in memory (tests). */
export function memoryHouseholds(firstDays: Readonly<Record<string, readonly string[]>>): Households {
  return { firstDays: async (meterId) => (Object.hasOwn(firstDays, meterId) ? [...firstDays[meterId]] : []) };
}

/** A stored first day, or why it is not one (a hand-edited item): the analysis then ignores it and says so. */
export function checkFirstDay(value: string): { readonly day?: string; readonly error?: string } {
  if (isValidIsoDay(value)) return { day: value };
  return { error: `household first day must be a day YYYY-MM-DD, got ${showValue(value)}` };
}

/** The first day of the household `day` (YYYY-MM-DD) belongs to: the latest of `firstDays` on or before it, if any. */
export function householdOf(day: string, firstDays: readonly string[]): string | undefined {
  let latest: string | undefined;
  for (const first of firstDays) if (first <= day && (latest === undefined || first > latest)) latest = first;
  return latest;
}

/**
 * Whether the report of `day` compares with the earlier day `past` (both YYYY-MM-DD): both in the same household.
 * A new household's day never compares with a previous one's, and a previous household's day (a revision) never
 * with a later one's.
 */
export function sameHousehold(past: string, day: string, firstDays: readonly string[]): boolean {
  return householdOf(past, firstDays) === householdOf(day, firstDays);
}

/**
 * The household's first day when it leaves out some of the RECENT_DAYS days before `day` (they were an earlier
 * household's); else null, as for a household there longer than that.
 */
export function comparedSince(day: string, firstDays: readonly string[]): string | null {
  const first = householdOf(day, firstDays);
  const earliest = addDays(parseDay(day), -RECENT_DAYS).iso;
  return first !== undefined && first > earliest ? first : null;
}

/** A stored report's `comparison.since`: null for one without (made before households were known, or not a report). */
export function storedSince(report: unknown): string | null {
  const since = (report as { comparison?: { since?: unknown } } | null)?.comparison?.since;
  return typeof since === "string" ? since : null;
}

/**
 * Whether a stored report of `day` was made with other households than `firstDays` give it now (a first day
 * declared after it was made, a back-dated `--reports-from`): its comparisons are then recomputed.
 */
export function madeForOtherHousehold(report: unknown, day: string, firstDays: readonly string[]): boolean {
  return storedSince(report) !== comparedSince(day, firstDays);
}
