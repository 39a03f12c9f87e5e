import { DynamoDBClient, GetItemCommand, GetItemCommandInput } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { householdFrom } from "../meterClaim/claimStore";
import { claimFromItem, claimKey, meterKey } from "../meterClaim/dynamoClaimStore";
import { Households } from "./households";

/**
 * The only attributes the analysis reads of the customer API's profile table: of a meter's claim item and its
 * owner item, the household's first day and (for a claim issued before that was kept) the day it was issued.
 * Its IAM grant allows exactly these, and only on `claim#` and `meter#` items: never a code's hash, an owner or
 * a profile.
 */
export const HOUSEHOLD_ATTRIBUTES = ["customerId", "reportsFrom", "issuedAt"] as const;
/** The items they are read of, as IAM patterns of their keys. */
export const HOUSEHOLD_KEY_PATTERNS = [`${claimKey("")}*`, `${meterKey("")}*`] as const;

/** The read of one item, projected to HOUSEHOLD_ATTRIBUTES (exported so the exact request is tested). */
export function householdRequest(table: string, key: string): GetItemCommandInput {
  return {
    TableName: table,
    Key: marshall({ customerId: key }),
    ProjectionExpression: HOUSEHOLD_ATTRIBUTES.map((_, i) => `#a${i}`).join(", "),
    ExpressionAttributeNames: Object.fromEntries(HOUSEHOLD_ATTRIBUTES.map((name, i) => [`#a${i}`, name])),
    // a code issued just before the run counts
    ConsistentRead: true,
  };
}

/**
 * Households from the profile table: the meter's owner item's `reportsFrom` (the linked household's first day,
 * kept while it has the meter) and its claim item's (the latest code's: a household moving in, or the linked one),
 * else that claim's issue day (UTC), as the customer API's `householdFrom` takes it.
 */
export function dynamoHouseholds(client: DynamoDBClient, table: string): Households {
  const read = async (key: string) => (await client.send(new GetItemCommand(householdRequest(table, key)))).Item;
  return {
    async firstDays(meterId) {
      const [claimItem, owner] = await Promise.all([read(claimKey(meterId)), read(meterKey(meterId))]);
      const claim = claimItem && claimFromItem(claimItem);
      const days = [claim && (claim.reportsFrom ?? claim.issuedAt) !== undefined ? householdFrom(claim) : undefined, owner?.reportsFrom?.S];
      return days.filter((d): d is string => d !== undefined);
    },
  };
}
