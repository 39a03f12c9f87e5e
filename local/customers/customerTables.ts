import { AttributeValue, DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand, TransactWriteItemsCommand } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { attemptsKey, claimKey, meterKey } from "../../functions/meterClaim/dynamoClaimStore";
import { LinkConflictError, StoredClaim } from "../../functions/meterClaim/claimStore";
import { MemoryClaimStore } from "../../functions/meterClaim/memoryClaimStore";
import { MemoryProfileStore } from "../../functions/profileApi/memoryProfileStore";
import { ProfileFields } from "../../functions/profileApi/profileSchema";
import { PreconditionFailedError, StoredProfile, WriteCondition } from "../../functions/profileApi/profileStore";
import { TableEvent, tableWriteEvent } from "./dataEvents";

const CLAIM_PREFIX = "claim#";
const METER_PREFIX = "meter#";
/** The local profile table's name, as the operator's claim commands and the trail name it. */
export const LOCAL_PROFILE_TABLE = "local-profiles";
const CONDITION_FAILED = "ConditionalCheckFailedException";

/** The profile store of the local table: every PUT /profile leaves its UpdateItem in the table's trail. */
class TrailedProfileStore extends MemoryProfileStore {
  constructor(private readonly trail: TableEvent[]) {
    super();
  }

  override async put(customerId: string, fields: ProfileFields, now: string, condition: WriteCondition): Promise<StoredProfile> {
    try {
      const stored = await super.put(customerId, fields, now, condition);
      this.trail.push(tableWriteEvent(LOCAL_PROFILE_TABLE, "UpdateItem", [customerId], new Date(now)));
      return stored;
    } catch (e) {
      if (e instanceof PreconditionFailedError)
        this.trail.push(tableWriteEvent(LOCAL_PROFILE_TABLE, "UpdateItem", [customerId], new Date(now), CONDITION_FAILED));
      throw e;
    }
  }
}

/**
 * The profile table of the local stack, in memory: profiles, claims, meter owners and failed-attempt counters
 * with the DynamoDB stores' semantics (each link and erase all-or-nothing, the same conditions), so the
 * routes run their own code unchanged. The operator's claim commands (`issueClaim`, `revokeClaim`, `unlinkMeter`)
 * reach it through `operatorClient()`, which takes their PutItem, DeleteItem, GetItem and transaction. Every write leaves the data event
 * CloudTrail would record for it in `dataEvents` (the key only), so the daily summary can count profile updates.
 */
export class CustomerTables extends MemoryClaimStore {
  readonly dataEvents: TableEvent[];

  constructor() {
    const trail: TableEvent[] = [];
    super(new TrailedProfileStore(trail));
    this.dataEvents = trail;
  }

  override async takeAttempt(customerId: string, now: Date, max: number): Promise<boolean> {
    const taken = await super.takeAttempt(customerId, now, max);
    if (taken) this.dataEvents.push(tableWriteEvent(LOCAL_PROFILE_TABLE, "UpdateItem", [attemptsKey(customerId, now)], now));
    return taken;
  }

  override async returnAttempt(customerId: string, now: Date): Promise<void> {
    await super.returnAttempt(customerId, now);
    this.dataEvents.push(tableWriteEvent(LOCAL_PROFILE_TABLE, "UpdateItem", [attemptsKey(customerId, now)], now));
  }

  override async link(customerId: string, claim: StoredClaim, now: Date): Promise<void> {
    const keys = [claimKey(claim.meterId), meterKey(claim.meterId), customerId];
    try {
      await super.link(customerId, claim, now);
      this.dataEvents.push(tableWriteEvent(LOCAL_PROFILE_TABLE, "TransactWriteItems", keys, now));
    } catch (e) {
      if (e instanceof LinkConflictError)
        this.dataEvents.push(tableWriteEvent(LOCAL_PROFILE_TABLE, "TransactWriteItems", keys, now, "TransactionCanceledException"));
      throw e;
    }
  }

  override async erase(customerId: string, clientId: string | undefined, now: Date): Promise<void> {
    // the transaction rewrites the claim when it names the customer (dynamoClaimStore.ts `eraseTransaction`)
    const claim = clientId !== undefined && this.claims.get(clientId)?.usedBy === customerId ? [claimKey(clientId)] : [];
    const keys = clientId === undefined ? [customerId] : [customerId, meterKey(clientId), ...claim];
    try {
      await super.erase(customerId, clientId, now);
      this.dataEvents.push(tableWriteEvent(LOCAL_PROFILE_TABLE, "TransactWriteItems", keys, now));
    } catch (e) {
      if (e instanceof LinkConflictError)
        this.dataEvents.push(tableWriteEvent(LOCAL_PROFILE_TABLE, "TransactWriteItems", keys, now, "TransactionCanceledException"));
      throw e;
    }
  }

  /** A claim or meter owner item as DynamoDB stores it (`claims issue` reads the claim before replacing it). */
  private itemOf(id: string): { Item?: Record<string, AttributeValue> } {
    if (id.startsWith(CLAIM_PREFIX)) {
      const claim = this.claims.get(id.slice(CLAIM_PREFIX.length));
      return claim === undefined ? {} : { Item: marshall({ customerId: id, ...claim }) };
    }
    if (!id.startsWith(METER_PREFIX))
      throw new Error(`the local profile table reads only meter owner and claim items for the operator, got key ${JSON.stringify(id)}`);
    const meterId = id.slice(METER_PREFIX.length);
    const owner = this.owners.get(meterId);
    return owner === undefined ? {} : { Item: marshall({ customerId: id, owner, reportsFrom: this.ownersFrom.get(meterId) }, { removeUndefinedValues: true }) };
  }

  /**
   * The DynamoDB client the operator's claim commands write through: PutItem of a claim, DeleteItem of an unused
   * one, and an unlink (GetItem of the meter's owner item, then the transaction of claimAdmin.ts `unlinkTransaction`).
   */
  operatorClient(): DynamoDBClient {
    const send = async (command: unknown) => {
      if (command instanceof PutItemCommand) {
        const item = command.input.Item ?? {};
        const id = item.customerId?.S ?? "";
        if (!id.startsWith(CLAIM_PREFIX)) throw new Error(`the local profile table takes only claim items from the operator, got key ${JSON.stringify(id)}`);
        this.claims.set(id.slice(CLAIM_PREFIX.length), claimOf(item));
        this.dataEvents.push(tableWriteEvent(LOCAL_PROFILE_TABLE, "PutItem", [id], new Date()));
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
      if (command instanceof GetItemCommand) return projected(this.itemOf(command.input.Key?.customerId?.S ?? ""), command.input);
      if (command instanceof TransactWriteItemsCommand) {
        const [drop, update] = command.input.TransactItems ?? [];
        const meterId = (drop?.Delete?.Key?.customerId?.S ?? "").slice(METER_PREFIX.length);
        const owner = drop?.Delete?.ExpressionAttributeValues?.[":owner"]?.S;
        const profile = owner === undefined ? undefined : this.profiles.items.get(owner);
        if (
          update?.Update?.UpdateExpression !== "REMOVE #clientId, #reportsFrom" ||
          owner === undefined ||
          this.owners.get(meterId) !== owner ||
          profile?.clientId !== meterId
        ) {
          throw Object.assign(new Error("Transaction cancelled"), { name: "TransactionCanceledException" });
        }
        this.owners.delete(meterId);
        this.ownersFrom.delete(meterId);
        const { clientId: _clientId, reportsFrom: _from, ...rest } = profile;
        this.profiles.items.set(owner, rest);
        this.dataEvents.push(tableWriteEvent(LOCAL_PROFILE_TABLE, "TransactWriteItems", [meterKey(meterId), owner], new Date()));
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
  const reportsFrom = item.reportsFrom?.S;
  return {
    meterId: text("meterId"),
    salt: text("salt"),
    codeHash: text("codeHash"),
    issuedAt: text("issuedAt"),
    expiresAt: text("expiresAt"),
    ...(reportsFrom === undefined ? {} : { reportsFrom }),
  };
}

/** An item with only the attributes a ProjectionExpression names (through its ExpressionAttributeNames), as DynamoDB returns it. */
function projected(
  out: { Item?: Record<string, AttributeValue> },
  input: { ProjectionExpression?: string; ExpressionAttributeNames?: Record<string, string> },
): { Item?: Record<string, AttributeValue> } {
  if (!out.Item || input.ProjectionExpression === undefined) return out;
  const names = input.ProjectionExpression.split(",")
    .map((p) => p.trim())
    .map((p) => input.ExpressionAttributeNames?.[p] ?? p);
  return { Item: Object.fromEntries(Object.entries(out.Item).filter(([name]) => names.includes(name))) };
}
