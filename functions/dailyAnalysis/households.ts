import { isValidYmd } from "../supplierParser/s3Key";
import { showValue } from "../shared/showValue";

/**
 * Where a meter's current household began, as the supplier declared it: the claim code issued for the meter
 * carries the household's first day (`claims issue --reports-from`, docs/customers.md). A report compares its day
 * only with earlier days of the same household, so a new household's first weeks are not measured against the
 * previous occupant's consumption.
 */
export interface Households {
  /**
   * The first day (as stored: YYYY-MM-DD expected) of the meter's latest household, or undefined when no claim
   * was issued for it. A failed read throws (the client fails, and a re-run retries it).
   */
  firstDay(meterId: string): Promise<string | undefined>;
}

/** No household known for any meter: every earlier day is compared with (the local stand-in, the benchmarks). */
export const NO_HOUSEHOLDS: Households = { firstDay: async () => undefined };

/** The meters' first days in memory (tests). */
export function memoryHouseholds(firstDays: Readonly<Record<string, string>>): Households {
  return { firstDay: async (meterId) => (Object.hasOwn(firstDays, meterId) ? firstDays[meterId] : undefined) };
}

/** A stored first day, or why it is not one (a hand-edited item): the analysis then ignores it and says so. */
export function checkFirstDay(value: string | undefined): { readonly day?: string; readonly error?: string } {
  if (value === undefined) return {};
  if (/^\d{4}-\d{2}-\d{2}$/.test(value) && isValidYmd(value.replace(/-/g, ""))) return { day: value };
  return { error: `household first day must be a day YYYY-MM-DD, got ${showValue(value)}` };
}

/**
 * Whether the report of `day` compares with the earlier day `past` (both YYYY-MM-DD): both on the same side of
 * the household's first day, `firstDay`. A day of the new household never compares with the previous one's, and
 * a day before it (a revision of the previous household's report) never with the new one's.
 */
export function sameHousehold(past: string, day: string, firstDay: string | undefined): boolean {
  return firstDay === undefined || past >= firstDay === day >= firstDay;
}

/** The first day before which nothing is compared with the report of `day`: the household's, once it has begun; else none. */
export function comparedSince(day: string, firstDay: string | undefined): string | null {
  return firstDay !== undefined && firstDay <= day ? firstDay : null;
}
