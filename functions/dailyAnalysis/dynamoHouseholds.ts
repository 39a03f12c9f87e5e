import { DynamoDBClient, GetItemCommand, GetItemCommandInput } from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { claimKey } from "../meterClaim/dynamoClaimStore";
import { Households } from "./households";

/**
 * The only attributes the analysis reads of the customer API's profile table: of a meter's claim item, the
 * household's first day and (for a claim issued before that was kept) the day it was issued. Its IAM grant
 * allows exactly these, and only on `claim#` items: never a code's hash, a profile or an owner.
 */
export const HOUSEHOLD_ATTRIBUTES = ["customerId", "reportsFrom", "issuedAt"] as const;

/** The read of a meter's claim item, projected to HOUSEHOLD_ATTRIBUTES (exported so the exact request is tested). */
export function householdRequest(table: string, meterId: string): GetItemCommandInput {
  return {
    TableName: table,
    Key: marshall({ customerId: claimKey(meterId) }),
    ProjectionExpression: HOUSEHOLD_ATTRIBUTES.map((_, i) => `#a${i}`).join(", "),
    ExpressionAttributeNames: Object.fromEntries(HOUSEHOLD_ATTRIBUTES.map((name, i) => [`#a${i}`, name])),
  };
}

/**
 * Households from the claim items of the profile table: a claim's `reportsFrom`, else its issue day (UTC), as
 * the customer API's `householdFrom` takes it. A revoked or never-issued claim declares no household.
 */
export function dynamoHouseholds(client: DynamoDBClient, table: string): Households {
  return {
    async firstDay(meterId) {
      const out = await client.send(new GetItemCommand(householdRequest(table, meterId)));
      const reportsFrom = out.Item?.reportsFrom?.S;
      const issuedAt = out.Item?.issuedAt?.S;
      return reportsFrom ?? issuedAt?.slice(0, 10);
    },
  };
}
