import { AttributeValue, DeleteItemCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { ClaimStore, LinkConflictError, StoredClaim } from "../../functions/meterClaim/claimStore";
import { PROFILE_FIELDS, ProfileFields } from "../../functions/profileApi/profileSchema";
import { PreconditionFailedError, ProfileStore, StoredProfile, WriteCondition } from "../../functions/profileApi/profileStore";

const CLAIM_PREFIX = "claim#";

/**
 * The profile table of the local stack, in memory: profiles, claims, meter owners and failed-attempt counters
 * with the DynamoDB stores' semantics (each link and erase all-or-nothing, the same conditions), so the
 * routes run their own code unchanged. The operator's claim commands (`issueClaim`, `revokeClaim`) reach it
 * through `operatorClient()`, which takes their PutItem and DeleteItem.
 */
export class CustomerTables implements ClaimStore {
  readonly profileItems = new Map<string, StoredProfile>();
  readonly claims = new Map<string, StoredClaim>();
  readonly owners = new Map<string, string>();
  private readonly attempts = new Map<string, number>();

  readonly profiles: ProfileStore = {
    get: async (customerId) => {
      const item = this.profileItems.get(customerId);
      return item && structuredClone(item);
    },
    put: async (customerId: string, fields: ProfileFields, now: string, condition: WriteCondition) => {
      const old = this.profileItems.get(customerId);
      const holds =
        condition.kind === "none" ||
        (condition.kind === "exists" && old !== undefined) ||
        (condition.kind === "version" && (condition.version === 0 ? old !== undefined && old.version === 0 : old?.version === condition.version));
      if (!holds) throw new PreconditionFailedError(old && structuredClone(old));
      const next: Record<string, unknown> = { ...old, customerId };
      for (const key of PROFILE_FIELDS) delete next[key];
      Object.assign(next, structuredClone(fields), { updatedAt: now, createdAt: old?.createdAt ?? now, version: (old?.version ?? 0) + 1 });
      this.profileItems.set(customerId, next as unknown as StoredProfile);
      return structuredClone(next as unknown as StoredProfile);
    },
  };

  async claim(meterId: string): Promise<StoredClaim | undefined> {
    const claim = this.claims.get(meterId);
    return claim && { ...claim };
  }

  async owner(meterId: string): Promise<string | undefined> {
    return this.owners.get(meterId);
  }

  async failures(customerId: string, now: Date): Promise<number> {
    return this.attempts.get(`${customerId}#${now.toISOString().slice(0, 13)}`) ?? 0;
  }

  async recordFailure(customerId: string, now: Date): Promise<number> {
    const key = `${customerId}#${now.toISOString().slice(0, 13)}`;
    this.attempts.set(key, (this.attempts.get(key) ?? 0) + 1);
    return this.attempts.get(key) as number;
  }

  async link(customerId: string, claim: StoredClaim, now: Date): Promise<void> {
    const current = this.claims.get(claim.meterId);
    if (!current || current.codeHash !== claim.codeHash || current.usedBy !== undefined || current.expiresAt <= now.toISOString()) {
      throw new LinkConflictError("claim");
    }
    if (this.owners.has(claim.meterId)) throw new LinkConflictError("meter");
    const profile = this.profileItems.get(customerId);
    if (profile?.clientId !== undefined) throw new LinkConflictError("profile");
    this.claims.set(claim.meterId, { ...current, usedBy: customerId, usedAt: now.toISOString() });
    this.owners.set(claim.meterId, customerId);
    this.profileItems.set(customerId, { version: 0, ...profile, customerId, clientId: claim.meterId });
  }

  async erase(customerId: string, clientId: string | undefined): Promise<void> {
    if (this.profileItems.get(customerId)?.clientId !== clientId) throw new LinkConflictError("profile");
    this.profileItems.delete(customerId);
    if (clientId !== undefined && this.owners.get(clientId) === customerId) this.owners.delete(clientId);
  }

  /** The DynamoDB client the operator's claim commands write through: PutItem of a claim, DeleteItem of an unused one. */
  operatorClient(): DynamoDBClient {
    const send = async (command: unknown) => {
      if (command instanceof PutItemCommand) {
        const item = command.input.Item ?? {};
        const id = item.customerId?.S ?? "";
        if (!id.startsWith(CLAIM_PREFIX)) throw new Error(`the local profile table takes only claim items from the operator, got key ${JSON.stringify(id)}`);
        this.claims.set(id.slice(CLAIM_PREFIX.length), claimOf(item));
        return {};
      }
      if (command instanceof DeleteItemCommand) {
        const meterId = (command.input.Key?.customerId?.S ?? "").slice(CLAIM_PREFIX.length);
        const claim = this.claims.get(meterId);
        if (!claim || claim.usedBy !== undefined) {
          throw Object.assign(new Error("The conditional request failed"), { name: "ConditionalCheckFailedException" });
        }
        this.claims.delete(meterId);
        return {};
      }
      throw new Error(`the local profile table does not serve ${(command as object).constructor.name} for the operator`);
    };
    return { send } as unknown as DynamoDBClient;
  }
}

function claimOf(item: Record<string, AttributeValue>): StoredClaim {
  const text = (name: string) => {
    const value = item[name]?.S;
    if (value === undefined) throw new Error(`claim item has no string ${name}`);
    return value;
  };
  return { meterId: text("meterId"), salt: text("salt"), codeHash: text("codeHash"), issuedAt: text("issuedAt"), expiresAt: text("expiresAt") };
}
