import { AttributeValue, ConditionalCheckFailedException, DynamoDBClient, GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { convertToAttr, marshall } from "@aws-sdk/util-dynamodb";
import { itemFields } from "../shared/dynamoItems";
import { PROFILE_FIELDS, ProfileFields } from "./profileSchema";
import { PreconditionFailedError, ProfileBusyError, ProfileErasedError, ProfileStore, StoredProfile, WriteCondition } from "./profileStore";

const KEPT = ["customerId", "clientId", "reportsFrom", "createdAt", "updatedAt", "version", ...PROFILE_FIELDS] as const;

/** The profile view of an item: known attributes only (onboarding may keep others), version 0 when unset. */
export function profileFromItem(item: Record<string, AttributeValue>): StoredProfile {
  const out = itemFields(item, KEPT);
  if (typeof out.version !== "number") out.version = 0;
  return out as unknown as StoredProfile;
}

/**
 * Profiles in the DynamoDB table (hash key `customerId`). PUT is one UpdateItem: it never names `clientId`, so
 * onboarding's value survives whatever the request says, and the version check happens in the same write.
 */
export class DynamoProfileStore implements ProfileStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async get(customerId: string): Promise<StoredProfile | undefined> {
    // strongly consistent: a GET right after a PUT must show the write
    const out = await this.client.send(new GetItemCommand({ TableName: this.table, Key: marshall({ customerId }), ConsistentRead: true }));
    return out.Item && out.Item.erasedAt === undefined ? profileFromItem(out.Item) : undefined;
  }

  async isErased(customerId: string): Promise<boolean> {
    const out = await this.client.send(new GetItemCommand({ TableName: this.table, Key: marshall({ customerId }), ConsistentRead: true }));
    return out.Item?.erasedAt !== undefined;
  }

  async put(customerId: string, fields: ProfileFields, now: string, condition: WriteCondition): Promise<StoredProfile> {
    try {
      const out = await this.client.send(new UpdateItemCommand({ TableName: this.table, Key: marshall({ customerId }), ...updateOf(fields, now, condition) }));
      return profileFromItem(out.Attributes ?? {});
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException || (e as Error).name === "ConditionalCheckFailedException") {
        const old = (e as ConditionalCheckFailedException).Item;
        if (old?.erasedAt !== undefined) throw new ProfileErasedError();
        throw new PreconditionFailedError(old ? profileFromItem(old) : undefined);
      }
      if ((e as Error).name === "TransactionConflictException") throw new ProfileBusyError();
      throw e;
    }
  }
}

/** The UpdateItem parts for a PUT (exported so the exact expression is tested). */
export function updateOf(fields: ProfileFields, now: string, condition: WriteCondition) {
  const names: Record<string, string> = { "#updatedAt": "updatedAt", "#createdAt": "createdAt", "#version": "version", "#erasedAt": "erasedAt" };
  const values: Record<string, AttributeValue> = marshall({ ":now": now, ":zero": 0, ":one": 1 });
  const set = ["#updatedAt = :now", "#createdAt = if_not_exists(#createdAt, :now)", "#version = if_not_exists(#version, :zero) + :one"];
  const remove: string[] = [];
  for (const field of PROFILE_FIELDS) {
    names[`#${field}`] = field;
    const value = fields[field];
    if (value === undefined) remove.push(`#${field}`);
    else {
      set.push(`#${field} = :${field}`);
      values[`:${field}`] = convertToAttr(value, { removeUndefinedValues: true });
    }
  }
  // an erased account's tombstone is never written over
  let conditionExpression = "attribute_not_exists(#erasedAt)";
  if (condition.kind === "exists") {
    names["#customerId"] = "customerId";
    conditionExpression += " AND attribute_exists(#customerId)";
  } else if (condition.kind === "version" && condition.version === 0) {
    names["#customerId"] = "customerId";
    conditionExpression += " AND attribute_exists(#customerId) AND attribute_not_exists(#version)";
  } else if (condition.kind === "version") {
    values[":expected"] = convertToAttr(condition.version);
    conditionExpression += " AND #version = :expected";
  }
  return {
    UpdateExpression: `SET ${set.join(", ")}${remove.length > 0 ? ` REMOVE ${remove.join(", ")}` : ""}`,
    ConditionExpression: conditionExpression,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
    ReturnValues: "ALL_NEW" as const,
    ReturnValuesOnConditionCheckFailure: "ALL_OLD" as const,
  };
}
