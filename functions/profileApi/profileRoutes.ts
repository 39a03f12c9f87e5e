import { HttpApiEvent, HttpError, HttpResponse, callerOf, headerValue, jsonBody, jsonResponse, problemsError, show } from "./httpApi";
import { ProfileValidationError, parseProfile } from "./profileSchema";
import { PreconditionFailedError, ProfileBusyError, ProfileErasedError, ProfileStore, StoredProfile, WriteCondition } from "./profileStore";

export interface ProfileDeps {
  readonly store: ProfileStore;
  readonly now: () => Date;
}

/**
 * `GET /profile` and `PUT /profile`. The item read or written is always the caller's own (the authorizer's
 * customerId); nothing in the path, query or body can name another. GET answers with an `ETag` of the version;
 * a PUT with `If-Match` only writes over that version (412 otherwise), so two editors cannot lose each other's
 * changes; `If-Match: *` requires an existing profile; without the header the last PUT wins.
 */
export async function profileRoute(event: HttpApiEvent, deps: ProfileDeps): Promise<HttpResponse> {
  const customerId = callerOf(event, deps.now().getTime());
  if (event.routeKey === "GET /profile") {
    const profile = await deps.store.get(customerId);
    if (!profile) {
      // a token the authorizer's cache still allows after an erasure gets the same answer on every route
      if (await deps.store.isErased(customerId)) throw new HttpError(410, "this account was erased");
      throw new HttpError(404, "no profile yet; create it with PUT /profile");
    }
    return profileResponse(profile);
  }
  if (event.routeKey === "PUT /profile") {
    const condition = writeCondition(headerValue(event.headers, "if-match"));
    let fields;
    try {
      fields = parseProfile(jsonBody(event));
    } catch (e) {
      if (e instanceof ProfileValidationError) throw problemsError(e.problems, "invalid profile: ");
      throw e;
    }
    try {
      return profileResponse(await deps.store.put(customerId, fields, deps.now().toISOString(), condition));
    } catch (e) {
      if (e instanceof ProfileErasedError) throw new HttpError(410, "this account was erased");
      if (e instanceof ProfileBusyError) throw new HttpError(409, `${e.message}; try again`);
      if (e instanceof PreconditionFailedError) {
        throw new HttpError(412, `If-Match ${show(headerValue(event.headers, "if-match"))} does not hold: ${e.message}; GET /profile again and retry`);
      }
      throw e;
    }
  }
  throw new HttpError(405, `route ${show(event.routeKey)} is not served by the profile function`);
}

/** `If-Match: "3"` (the ETag GET returned), `3`, or `*`. */
export function writeCondition(ifMatch: string | undefined): WriteCondition {
  if (ifMatch === undefined) return { kind: "none" };
  const value = ifMatch.trim();
  if (value === "*") return { kind: "exists" };
  const m = /^"?(0|[1-9][0-9]{0,14})"?$/.exec(value);
  if (!m) throw new HttpError(400, `If-Match must be the ETag from GET /profile (like "3") or *, got ${show(ifMatch)}`);
  return { kind: "version", version: Number(m[1]) };
}

/** The profile as the API shows it: fixed key order, clientId null until the customer links a meter with a claim code. */
export function profileView(p: StoredProfile): Record<string, unknown> {
  const view: Record<string, unknown> = { customerId: p.customerId, clientId: p.clientId ?? null };
  if (p.reportsFrom !== undefined) view.reportsFrom = p.reportsFrom;
  for (const key of ["name", "email", "phone", "address", "tariff", "notifications", "createdAt", "updatedAt"] as const) {
    if (p[key] !== undefined) view[key] = p[key];
  }
  view.version = p.version;
  return view;
}

function profileResponse(p: StoredProfile): HttpResponse {
  return jsonResponse(200, profileView(p), { etag: `"${p.version}"` });
}
