import { ProfileFields } from "./profileSchema";

/** A profile item: what the customer edits, plus what onboarding and the server keep. */
export interface StoredProfile extends Partial<ProfileFields> {
  readonly customerId: string;
  /** The customer's smart-meter id (links them to `reports/{clientId}/...`); set only by linking a meter with a claim code (POST /profile/meter). */
  readonly clientId?: string;
  /** The first day (YYYY-MM-DD) of the meter's reports the customer may see (their claim's `reportsFrom`); absent: every day. */
  readonly reportsFrom?: string;
  readonly createdAt?: string;
  readonly updatedAt?: string;
  /** Bumped by every PUT; 0 for an item a meter link created that was never edited. */
  readonly version: number;
}

/** What a write requires of the stored item (from the request's If-Match header). */
export type WriteCondition = { readonly kind: "none" } | { readonly kind: "exists" } | { readonly kind: "version"; readonly version: number };

/** The write's condition did not hold; `current` is the item as it is (undefined when there is none). */
export class PreconditionFailedError extends Error {
  readonly current: StoredProfile | undefined;

  constructor(current: StoredProfile | undefined) {
    const message = current ? `profile is at version ${current.version}` : "there is no profile yet";
    super(message);
    this.message = message;
    this.name = "PreconditionFailedError";
    this.current = current;
  }
}

/** The account was erased: its profile cannot be written again (the tombstone of claimStore.ts `erase`). */
export class ProfileErasedError extends Error {
  constructor() {
    super("this account was erased");
    this.message = "this account was erased";
    this.name = "ProfileErasedError";
  }
}

/** Another request's transaction (a link, an erase) held the item at the same moment; the write can be retried. */
export class ProfileBusyError extends Error {
  constructor() {
    super("the profile is being changed by another request");
    this.message = "the profile is being changed by another request";
    this.name = "ProfileBusyError";
  }
}

/** Profiles by customer id. Every call names exactly one key: the caller's own id. */
export interface ProfileStore {
  /** The profile; undefined when there is none or the account was erased. */
  get(customerId: string): Promise<StoredProfile | undefined>;
  /** Whether the account was erased (its tombstone is still there): what a `get` of undefined means, asked apart. */
  isErased(customerId: string): Promise<boolean>;
  /**
   * Replaces the editable fields (absent optional ones are removed), keeps clientId and createdAt, sets updatedAt,
   * bumps version; returns the stored item. Throws PreconditionFailedError when `condition` does not hold, and
   * ProfileErasedError when the account was erased.
   */
  put(customerId: string, fields: ProfileFields, now: string, condition: WriteCondition): Promise<StoredProfile>;
}
