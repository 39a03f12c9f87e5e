/** A claim the supplier or installer issued for one meter: the code itself is never stored. */
export interface StoredClaim {
  readonly meterId: string;
  readonly salt: string;
  /** `claimHash(salt, code)`. */
  readonly codeHash: string;
  readonly issuedAt: string;
  readonly expiresAt: string;
  /**
   * The first day (YYYY-MM-DD) of the household the code is for: the customer who links with it sees reports
   * of that day on, never an earlier occupant's. Absent in a claim issued before it was kept: see householdFrom.
   */
  readonly reportsFrom?: string;
  /** The customer who used the claim, once used. */
  readonly usedBy?: string;
  readonly usedAt?: string;
}

/** The first day of reports the household that links with `claim` sees: its `reportsFrom`, else the day it was issued (UTC). */
export function householdFrom(claim: StoredClaim): string {
  return claim.reportsFrom ?? claim.issuedAt.slice(0, 10);
}

/** What a used claim names as its user once that customer erased their account. */
export const ERASED_USER = "erased";

/** How long an erased account's tombstone is kept: past any token's lifetime and the authorizer's cache. */
export const ERASED_TOMBSTONE_SECONDS = 86_400;

/** Which condition of the link's single transaction did not hold. */
export type LinkConflict = "claim" | "meter" | "profile" | "erased";

/** The link transaction was refused: the claim changed meanwhile, the meter has an owner, or the profile a meter. */
export class LinkConflictError extends Error {
  readonly conflict: LinkConflict;

  constructor(conflict: LinkConflict) {
    const message = `the link's ${conflict} condition did not hold`;
    super(message);
    this.message = message;
    this.name = "LinkConflictError";
    this.conflict = conflict;
  }
}

/** Claims, meter ownership and failed-attempt counters. */
export interface ClaimStore {
  claim(meterId: string): Promise<StoredClaim | undefined>;
  /** The customer the meter is linked to, if any. */
  owner(meterId: string): Promise<string | undefined>;
  /** Failed attempts of the customer in the window that holds `now`. */
  failures(customerId: string, now: Date): Promise<number>;
  /**
   * Takes one attempt of the customer's window, atomically, if fewer than `max` were taken; false when none is
   * left. Concurrent requests each take their own, so no more than `max` codes are ever checked in a window.
   */
  takeAttempt(customerId: string, now: Date, max: number): Promise<boolean>;
  /** Gives back an attempt taken in the window of `now` (the request did not fail on its code). */
  returnAttempt(customerId: string, now: Date): Promise<void>;
  /**
   * In one transaction: marks the claim used by `customerId` (only if its hash is still `claim.codeHash`, it is
   * unused and not expired), makes the customer the meter's owner (only if it has none) and sets the profile's
   * clientId (only if it has none). Throws LinkConflictError naming the first condition that failed.
   */
  link(customerId: string, claim: StoredClaim, now: Date): Promise<void>;
  /**
   * In one transaction: replaces the customer's profile by a tombstone (only if its meter is still `clientId`)
   * and, when there is a meter, deletes its owner item (only if the owner is still the customer) and makes the
   * claim the customer used name ERASED_USER instead of them (it stays used: relinking the meter needs a new claim
   * code). The tombstone holds no personal data and expires after ERASED_TOMBSTONE_SECONDS: until then no profile
   * write or link can bring the account back (a token the authorizer's cache still allows). Throws
   * LinkConflictError("profile") when the profile or the claim changed meanwhile, having changed nothing.
   */
  erase(customerId: string, clientId: string | undefined, now: Date): Promise<void>;
}
