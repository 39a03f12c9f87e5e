import { ClaimStore, ERASED_USER, LinkConflictError, StoredClaim, householdFrom } from "./claimStore";
import { MemoryProfileStore } from "../profileApi/memoryProfileStore";

/** A customer's attempts counter for the clock hour holding `now`. */
const windowKey = (customerId: string, now: Date): string => `${customerId}#${now.toISOString().slice(0, 13)}`;

/** The DynamoDB claim store's semantics over Maps (tests and the local stack); the link writes clientId into the given profile store. */
export class MemoryClaimStore implements ClaimStore {
  readonly claims = new Map<string, StoredClaim>();
  readonly owners = new Map<string, string>();
  /** The owner's household's first day, kept on the meter's owner item (dynamoClaimStore.ts `linkTransaction`). */
  readonly ownersFrom = new Map<string, string>();
  readonly attempts = new Map<string, number>();

  constructor(
    readonly profiles: MemoryProfileStore,
    seed: readonly StoredClaim[] = [],
    owners: readonly [string, string][] = [],
  ) {
    for (const claim of seed) this.claims.set(claim.meterId, { ...claim });
    for (const [meterId, customerId] of owners) this.owners.set(meterId, customerId);
  }

  async claim(meterId: string): Promise<StoredClaim | undefined> {
    const claim = this.claims.get(meterId);
    return claim && { ...claim };
  }

  async owner(meterId: string): Promise<string | undefined> {
    return this.owners.get(meterId);
  }

  async failures(customerId: string, now: Date): Promise<number> {
    return this.attempts.get(windowKey(customerId, now)) ?? 0;
  }

  async takeAttempt(customerId: string, now: Date, max: number): Promise<boolean> {
    const key = windowKey(customerId, now);
    const taken = this.attempts.get(key) ?? 0;
    if (taken >= max) return false;
    this.attempts.set(key, taken + 1);
    return true;
  }

  async returnAttempt(customerId: string, now: Date): Promise<void> {
    const key = windowKey(customerId, now);
    this.attempts.set(key, Math.max(0, (this.attempts.get(key) ?? 0) - 1));
  }

  async link(customerId: string, claim: StoredClaim, now: Date): Promise<void> {
    const current = this.claims.get(claim.meterId);
    if (!current || current.codeHash !== claim.codeHash || current.usedBy !== undefined || current.expiresAt <= now.toISOString())
      throw new LinkConflictError("claim");
    if (this.owners.has(claim.meterId)) throw new LinkConflictError("meter");
    const profile = this.profiles.items.get(customerId);
    if (this.profiles.erased.has(customerId)) throw new LinkConflictError("erased");
    if (profile?.clientId !== undefined) throw new LinkConflictError("profile");
    this.claims.set(claim.meterId, { ...current, usedBy: customerId, usedAt: now.toISOString() });
    this.owners.set(claim.meterId, customerId);
    this.ownersFrom.set(claim.meterId, householdFrom(current));
    this.profiles.items.set(customerId, { version: 0, ...profile, customerId, clientId: claim.meterId, reportsFrom: householdFrom(current) });
  }

  async erase(customerId: string, clientId: string | undefined, now: Date): Promise<void> {
    if (this.profiles.items.get(customerId)?.clientId !== clientId) throw new LinkConflictError("profile");
    if (clientId !== undefined) this.forgetClaimUser(customerId, clientId);
    this.profiles.items.delete(customerId);
    this.profiles.erased.set(customerId, now.toISOString());
    if (clientId !== undefined && this.owners.get(clientId) === customerId) {
      this.owners.delete(clientId);
      this.ownersFrom.delete(clientId);
    }
  }

  /** The claim the customer used names ERASED_USER instead of them. */
  private forgetClaimUser(customerId: string, meterId: string): void {
    const claim = this.claims.get(meterId);
    if (claim?.usedBy === customerId) this.claims.set(meterId, { ...claim, usedBy: ERASED_USER });
  }
}
