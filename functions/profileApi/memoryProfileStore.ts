import { PROFILE_FIELDS, ProfileFields } from "./profileSchema";
import { PreconditionFailedError, ProfileErasedError, ProfileStore, StoredProfile, WriteCondition } from "./profileStore";

/** The DynamoDB store's semantics over a Map (one UpdateItem: editable fields replaced, the rest kept). */
export class MemoryProfileStore implements ProfileStore {
  readonly items = new Map<string, StoredProfile>();
  /** Erased accounts' tombstones: customer id to the time of erasure. */
  readonly erased = new Map<string, string>();
  readonly calls: string[] = [];

  constructor(seed: readonly StoredProfile[] = []) {
    for (const item of seed) this.items.set(item.customerId, structuredClone(item));
  }

  async get(customerId: string): Promise<StoredProfile | undefined> {
    this.calls.push(`get ${customerId}`);
    const item = this.items.get(customerId);
    return item && structuredClone(item);
  }

  async isErased(customerId: string): Promise<boolean> {
    this.calls.push(`isErased ${customerId}`);
    return this.erased.has(customerId);
  }

  async put(customerId: string, fields: ProfileFields, now: string, condition: WriteCondition): Promise<StoredProfile> {
    this.calls.push(`put ${customerId}`);
    if (this.erased.has(customerId)) throw new ProfileErasedError();
    const old = this.items.get(customerId);
    const holds =
      condition.kind === "none" ||
      (condition.kind === "exists" && old !== undefined) ||
      (condition.kind === "version" && old !== undefined && old.version === condition.version);
    if (!holds) throw new PreconditionFailedError(old && structuredClone(old));
    const next: Record<string, unknown> = { ...old, customerId };
    for (const key of PROFILE_FIELDS) delete next[key];
    Object.assign(next, structuredClone(fields), { updatedAt: now, createdAt: old?.createdAt ?? now, version: (old?.version ?? 0) + 1 });
    this.items.set(customerId, next as unknown as StoredProfile);
    return structuredClone(next as unknown as StoredProfile);
  }
}
