import { HttpApiEvent, HttpError, HttpResponse, callerOf, jsonBody, jsonResponse } from "../profileApi/httpApi";
import { LinkConflictError } from "./claimStore";
import { LinkDeps, MAX_CLAIM_BODY_BYTES, linkMeter } from "./linkMeter";
import { UserDirectory } from "./userDirectory";

export interface ClaimRouteDeps extends LinkDeps {
  /** When given, `DELETE /profile` also deletes the customer's sign-in account, after their data. */
  readonly users?: UserDirectory;
  /** Told when the account's deletion failed after its data was erased (the Lambda counts AccountDeletionsFailed, which alarms). */
  readonly onAccountNotDeleted?: () => void;
}

/**
 * `POST /profile/meter` `{ meterId, claimCode }`: links the caller's profile to the meter; 200 with the link.
 * `DELETE /profile`: erases the caller's profile and their meter link, then their sign-in account; 204. The
 * meter's reports stay in the reports bucket (they belong to the meter); only a customer with a new claim code
 * can link it again. The account goes last, so a failed erase never leaves data without an account to ask for
 * it again; if the account's deletion fails the answer is 500 with the data already erased (counted apart:
 * one such failure alarms, where the 5xx alarm needs a burst), and a retry deletes the account. An account without a profile (never saved one, or erased before
 * its account's deletion failed) is deleted all the same.
 */
export async function claimRoute(event: HttpApiEvent, deps: ClaimRouteDeps): Promise<HttpResponse> {
  const customerId = callerOf(event, deps.now().getTime());
  if (event.routeKey === "DELETE /profile") {
    const profile = await deps.profiles.get(customerId);
    try {
      // a tombstone even without a profile: a token the authorizer's cache still allows cannot create one
      await deps.claims.erase(customerId, profile?.clientId, deps.now());
    } catch (e) {
      if (!(e instanceof LinkConflictError)) throw e;
      // another DELETE of the same customer (a double click) erased it first: go on to the account
      if ((await deps.profiles.get(customerId)) !== undefined)
        throw new HttpError(409, "the profile's meter link, or its meter's claim, changed meanwhile; try again");
    }
    try {
      await deps.users?.remove(customerId);
    } catch (e) {
      // the data is erased; the log names the account an operator deletes if the customer does not retry
      deps.onAccountNotDeleted?.();
      throw Object.assign(new Error(`${(e as Error).message} (account ${customerId} not deleted; its data is erased)`), { name: (e as Error).name });
    }
    return { statusCode: 204, headers: { "cache-control": "no-store" }, body: "" };
  }
  return jsonResponse(200, await linkMeter(customerId, jsonBody(event, MAX_CLAIM_BODY_BYTES), deps));
}
