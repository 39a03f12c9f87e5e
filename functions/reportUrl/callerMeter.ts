import { CLIENT_ID } from "../supplierParser/s3Key";
import { HttpError, show } from "../profileApi/httpApi";
import { ProfileStore } from "../profileApi/profileStore";

export const NO_METER = "no smart meter is linked to your account yet; link it with POST /profile/meter and the claim code from your supplier";

/** The caller's meter and the first day of its reports that are theirs. */
export interface CallerMeter {
  readonly clientId: string;
  /** YYYY-MM-DD: reports of earlier days are an earlier household's. Absent: every day (a link made before it was kept). */
  readonly reportsFrom?: string;
}

/**
 * The caller's meter id, from their profile, never from the request: no request can reach another meter's
 * reports, nor the days of the meter before the caller's household (`reportsFrom`, from their claim code).
 * 409 when no meter is linked (no profile at all, or a profile without one).
 */
export async function callerMeter(customerId: string, profiles: Pick<ProfileStore, "get" | "isErased">): Promise<CallerMeter> {
  const profile = await profiles.get(customerId);
  if (profile === undefined && (await profiles.isErased(customerId))) throw new HttpError(410, "this account was erased");
  if (profile?.clientId === undefined) throw new HttpError(409, NO_METER);
  // a malformed id must never become part of a key (it could name another meter's prefix)
  if (typeof profile.clientId !== "string" || !CLIENT_ID.test(profile.clientId)) {
    throw new Error(`the stored meter id ${show(profile.clientId)} of customer ${show(customerId)} is not a valid client id`);
  }
  const from = profile.reportsFrom;
  if (from !== undefined && (typeof from !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(from))) {
    // never read as "every day": that would show an earlier household's reports
    throw new Error(`the stored reportsFrom ${show(from)} of customer ${show(customerId)} is not a day YYYY-MM-DD`);
  }
  return { clientId: profile.clientId, ...(from === undefined ? {} : { reportsFrom: from }) };
}

/** The refusal of a day before the caller's household: the same 404 as a day without a report, saying why. */
export function beforeHousehold(day: string, reportsFrom: string): HttpError {
  return new HttpError(
    404,
    `no report for ${day} of your household: your meter's reports start on ${reportsFrom}, the first day your supplier recorded for you`,
  );
}
