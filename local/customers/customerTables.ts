import { AttributeValue, DeleteItemCommand, DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { StoredClaim } from "../../functions/meterClaim/claimStore";
import { MemoryClaimStore } from "../../functions/meterClaim/memoryClaimStore";
import { MemoryProfileStore } from "../../functions/profileApi/memoryProfileStore";

const CLAIM_PREFIX = "claim#";

/**
 * The profile table of the local stack, in memory: profiles, claims, meter owners and failed-attempt counters
 * with the DynamoDB stores' semantics (each link and erase all-or-nothing, the same conditions), so the
 * routes run their own code unchanged. The operator's claim commands (`issueClaim`, `revokeClaim`) reach it
 * through `operatorClient()`, which takes their PutItem and DeleteItem.
 */
export class CustomerTables extends MemoryClaimStore {
  constructor(profiles = new MemoryProfileStore()) {
    super(profiles);
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
