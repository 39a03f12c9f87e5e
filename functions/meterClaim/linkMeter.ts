import { CLIENT_ID } from "../supplierParser/s3Key";
import { HttpError, problemsError, show } from "../profileApi/httpApi";
import { ProfileStore } from "../profileApi/profileStore";
import { claimHash, normaliseClaimCode, sameHash } from "./claimCode";
import { isObject, matching, normalised, object, required, validate } from "../shared/httpSchema";
import { ClaimStore, LinkConflictError } from "./claimStore";

/** Failed claim attempts a customer may make per hour before every attempt is refused with 429. */
export const MAX_FAILURES_PER_HOUR = 5;
/** A claim body is two short strings; anything larger is refused with 413. */
export const MAX_CLAIM_BODY_BYTES = 1024;

export interface MeterClaim {
  readonly meterId: string;
  /** Canonical form: twelve symbols, no hyphens. */
  readonly claimCode: string;
}

/** The POST /profile/meter body; validates requests and is the OpenAPI document's `MeterClaim` schema. */
export const METER_CLAIM_SCHEMA = object<MeterClaim>(
  {
    meterId: required(matching(CLIENT_ID, "the meter id printed on the meter (1-64 letters, digits, - or _)", undefined, "MTR0001")),
    claimCode: required(
      normalised(normaliseClaimCode, 'the 12-symbol code from your supplier, like "7K3Q-M9XD-2HFA"', {
        description: "the 12-symbol claim code from the supplier; any case, hyphens or spaces between groups; O reads as 0, I and L as 1",
        // what normaliseClaimCode accepts: twelve symbols of the code alphabet, or O, I, L (read as 0, 1, 1), in any
        // case, hyphens and white space anywhere
        pattern: "^[\\s-]*([0-9A-TV-Za-tv-z][\\s-]*){12}$",
        examples: ["7K3Q-M9XD-2HFA"],
      }),
    ),
  },
  { what: "a JSON object with meterId and claimCode", missingIsInvalid: true },
);

/** `{ "meterId": "MTR0001", "claimCode": "7K3Q-M9XD-2HFA" }`, exactly these keys; 400 naming every bad field. */
export function parseMeterClaim(raw: unknown): MeterClaim {
  const result = validate(METER_CLAIM_SCHEMA, raw);
  if (result.ok) return result.value;
  throw isObject(raw) ? problemsError(result.problems, "invalid meter claim: ") : problemsError(result.problems.slice(0, 1));
}

export interface LinkDeps {
  readonly claims: ClaimStore;
  readonly profiles: Pick<ProfileStore, "get">;
  readonly now: () => Date;
  /** Where a problem that does not change the answer goes (a WARN log line in the Lambda). */
  readonly warn?: (message: string) => void;
}

/**
 * Links the caller to a meter by its one-time claim code. Each refusal changes nothing but the caller's failure
 * counter (only wrong, used or expired codes count): 429 after MAX_FAILURES_PER_HOUR failures, 409 when the
 * caller already has another meter or the meter has another owner, 403 for a code that does not match (the same
 * answer whether or not the meter has a claim, so codes cannot be probed meter by meter), 410 for a used or
 * expired one. The caller's own link asked again (a retry, a double click) answers 200 with that link.
 */
export async function linkMeter(customerId: string, raw: unknown, deps: LinkDeps): Promise<{ customerId: string; clientId: string; linkedAt: string }> {
  const now = deps.now();
  const tooMany = () => {
    const message = `too many failed claim attempts: at most ${MAX_FAILURES_PER_HOUR} per hour; try again after ${nextHour(now)}`;
    // seconds to the next hour's window, for clients that wait as HTTP says
    return new HttpError(429, message, message, { "retry-after": String(Math.ceil((Date.parse(nextHour(now)) - now.getTime()) / 1000)) });
  };
  if ((await deps.claims.failures(customerId, now)) >= MAX_FAILURES_PER_HOUR) throw tooMany();
  const { meterId, claimCode } = parseMeterClaim(raw);
  const profile = await deps.profiles.get(customerId);
  // the same link again (a retry whose answer was lost, a double click): it stands, answered as it was made
  if (profile?.clientId === meterId) return linkOf(customerId, meterId, now, deps);
  if (profile?.clientId !== undefined) {
    throw new HttpError(409, `your profile is already linked to meter ${show(profile.clientId)}; DELETE /profile first to link another`);
  }
  // an attempt is taken before the code is checked and given back unless the code was wrong, used or
  // expired: concurrent guesses each need one, so no more than the limit are ever checked in an hour
  if (!(await deps.claims.takeAttempt(customerId, now, MAX_FAILURES_PER_HOUR))) throw tooMany();
  let failed = false;
  const refuse = (status: number, message: string): never => {
    failed = true;
    throw new HttpError(status, message);
  };
  try {
    return await checkAndLink(customerId, meterId, claimCode, now, deps, refuse);
  } finally {
    // giving the attempt back must not replace the answer: a link that committed stays a 200, a refusal its own
    // status; if it fails, the customer keeps one more counted attempt for the hour
    if (!failed) {
      try {
        await deps.claims.returnAttempt(customerId, now);
      } catch (e) {
        deps.warn?.(`claim attempt of customer ${customerId} not given back (${(e as Error).name}: ${(e as Error).message}); it counts until ${nextHour(now)}`);
      }
    }
  }
}

async function checkAndLink(
  customerId: string,
  meterId: string,
  claimCode: string,
  now: Date,
  deps: LinkDeps,
  refuse: (status: number, message: string) => never,
): Promise<{ customerId: string; clientId: string; linkedAt: string }> {
  const claim = await deps.claims.claim(meterId);
  if (!claim || !sameHash(claim.codeHash, claimHash(claim.salt, claimCode))) return refuse(403, `the claim code does not match meter ${show(meterId)}`);
  const owner = await deps.claims.owner(meterId);
  // the caller's own other request (a double click) linked it since this one read the profile
  if (owner === customerId) return linkOf(customerId, meterId, now, deps);
  if (owner !== undefined) throw new HttpError(409, `meter ${show(meterId)} is already linked to another account`);
  if (claim.usedBy !== undefined) {
    return refuse(410, `the claim code for meter ${show(meterId)} was already used at ${claim.usedAt ?? "an earlier time"}; ask your supplier for a new one`);
  }
  if (Date.parse(claim.expiresAt) <= now.getTime())
    return refuse(410, `the claim code for meter ${show(meterId)} expired at ${claim.expiresAt}; ask your supplier for a new one`);
  try {
    await deps.claims.link(customerId, claim, now);
  } catch (e) {
    if (!(e instanceof LinkConflictError)) throw e;
    if (e.conflict === "meter") throw new HttpError(409, `meter ${show(meterId)} is already linked to another account`);
    if (e.conflict === "profile") throw new HttpError(409, "your profile was linked to a meter meanwhile; GET /profile to see which");
    if (e.conflict === "erased") throw new HttpError(410, "this account was erased");
    // the same customer's other request (a double click) linked it meanwhile: the link stands, answer as it did
    if ((await deps.profiles.get(customerId))?.clientId === meterId) return linkOf(customerId, meterId, now, deps);
    throw new HttpError(409, `the claim for meter ${show(meterId)} changed meanwhile (used, revoked or reissued); try again`);
  }
  return { customerId, clientId: meterId, linkedAt: now.toISOString() };
}

/** The caller's existing link of `meterId`, as the request that made it answered: its time is when the claim was used. */
async function linkOf(customerId: string, meterId: string, now: Date, deps: LinkDeps): Promise<{ customerId: string; clientId: string; linkedAt: string }> {
  const claim = await deps.claims.claim(meterId);
  return { customerId, clientId: meterId, linkedAt: claim?.usedBy === customerId && claim.usedAt !== undefined ? claim.usedAt : now.toISOString() };
}

function nextHour(now: Date): string {
  return new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 + 3_600_000).toISOString();
}
