import { HttpApiEvent, HttpResponse, callerOf, jsonBody, jsonResponse } from "../profileApi/httpApi";
import { LinkDeps, MAX_CLAIM_BODY_BYTES, linkMeter } from "./linkMeter";

/** `POST /profile/meter` `{ meterId, claimCode }`: links the caller's profile to the meter; 200 with the link. */
export async function claimRoute(event: HttpApiEvent, deps: LinkDeps): Promise<HttpResponse> {
  const customerId = callerOf(event, deps.now().getTime());
  return jsonResponse(200, await linkMeter(customerId, jsonBody(event, MAX_CLAIM_BODY_BYTES), deps));
}
