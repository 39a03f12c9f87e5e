import { HttpApiEvent, HttpError, HttpResponse, callerOf, jsonBody, jsonResponse } from "../profileApi/httpApi";
import { LinkConflictError } from "./claimStore";
import { LinkDeps, MAX_CLAIM_BODY_BYTES, linkMeter } from "./linkMeter";
import { UserDirectory } from "./userDirectory";

export interface ClaimRouteDeps extends LinkDeps {
  /** When given, `DELETE /profile` also deletes the customer's sign-in account, after their data. */
  readonly users?: UserDirectory;
}

/**
 * `POST /profile/meter` `{ meterId, claimCode }`: links the caller's profile to the meter; 200 with the link.
 * `DELETE /profile`: erases the caller's profile and their meter link, then their sign-in account; 204. The
 * meter's reports stay in the reports bucket (they belong to the meter); only a customer with a new claim code
 * can link it again. The account goes last, so a failed erase never leaves data without an account to ask for
 * it again; if the account's deletion fails the answer is 500 (the 5xx alarm fires) with the data already
 * erased, a retry answers 404, and the account is left for an operator to delete.
 */
export async function claimRoute(event: HttpApiEvent, deps: ClaimRouteDeps): Promise<HttpResponse> {
  const customerId = callerOf(event, deps.now().getTime());
  if (event.routeKey === "DELETE /profile") {
    const profile = await deps.profiles.get(customerId);
    if (!profile) throw new HttpError(404, "there is no profile to erase");
    try {
      await deps.claims.erase(customerId, profile.clientId);
    } catch (e) {
      if (e instanceof LinkConflictError) throw new HttpError(409, "the profile's meter link changed meanwhile; try again");
      throw e;
    }
    await deps.users?.remove(customerId);
    return { statusCode: 204, headers: { "cache-control": "no-store" }, body: "" };
  }
  return jsonResponse(200, await linkMeter(customerId, jsonBody(event, MAX_CLAIM_BODY_BYTES), deps));
}
