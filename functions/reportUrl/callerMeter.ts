import { CLIENT_ID } from "../supplierParser/s3Key";
import { HttpError, show } from "../profileApi/httpApi";
import { ProfileStore } from "../profileApi/profileStore";

export const NO_METER = "no smart meter is linked to your account yet; link it with POST /profile/meter and the claim code from your supplier";

/**
 * The caller's meter id, from their profile, never from the request: no request can reach another meter's
 * reports. 409 when no meter is linked (no profile at all, or a profile without one).
 */
export async function callerMeter(customerId: string, profiles: Pick<ProfileStore, "get">): Promise<string> {
  const profile = await profiles.get(customerId);
  if (profile?.clientId === undefined) throw new HttpError(409, NO_METER);
  // a malformed id must never become part of a key (it could name another meter's prefix)
  if (typeof profile.clientId !== "string" || !CLIENT_ID.test(profile.clientId)) {
    throw new Error(`the stored meter id ${show(profile.clientId)} of customer ${show(customerId)} is not a valid client id`);
  }
  return profile.clientId;
}
