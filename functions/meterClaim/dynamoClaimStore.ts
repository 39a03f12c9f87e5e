import {
  AttributeValue,
  ConditionalCheckFailedException,
  DynamoDBClient,
  GetItemCommand,
  TransactWriteItemsCommand,
  TransactWriteItemsCommandInput,
  TransactionCanceledException,
  Update,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { itemFields } from "../shared/dynamoItems";
import { ClaimStore, ERASED_TOMBSTONE_SECONDS, ERASED_USER, LinkConflict, LinkConflictError, StoredClaim, householdFrom } from "./claimStore";

/**
 * Claims live in the profile table beside the profiles, under key prefixes no Cognito `sub` (a UUID) can take:
 * `claim#{meterId}` (the hashed code), `meter#{meterId}` (the owner and their household's first day) and `attempts#{customerId}#{hour}` (failed
 * attempts, removed by the table's TTL on `expiresAtEpoch`). One table keeps the link a single transaction and
 * the function's grant unchanged apart from the route.
 */
export const claimKey = (meterId: string) => `claim#${meterId}`;
export const meterKey = (meterId: string) => `meter#${meterId}`;
export const attemptsKey = (customerId: string, now: Date) => `attempts#${customerId}#${now.toISOString().slice(0, 13)}`;

const key = (id: string) => marshall({ customerId: id });
const LINK_PARTS: readonly LinkConflict[] = ["claim", "meter", "profile"];

const CLAIM_FIELDS = ["meterId", "salt", "codeHash", "issuedAt", "expiresAt", "reportsFrom", "usedBy", "usedAt"] as const;

export function claimFromItem(item: Record<string, AttributeValue>): StoredClaim {
  return itemFields(item, CLAIM_FIELDS, (value) => typeof value === "string") as unknown as StoredClaim;
}

export class DynamoClaimStore implements ClaimStore {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly table: string,
  ) {}

  async claim(meterId: string): Promise<StoredClaim | undefined> {
    const out = await this.client.send(new GetItemCommand({ TableName: this.table, Key: key(claimKey(meterId)), ConsistentRead: true }));
    return out.Item ? claimFromItem(out.Item) : undefined;
  }

  async owner(meterId: string): Promise<string | undefined> {
    const out = await this.client.send(new GetItemCommand({ TableName: this.table, Key: key(meterKey(meterId)), ConsistentRead: true }));
    const owner = out.Item ? unmarshall(out.Item).owner : undefined;
    return typeof owner === "string" ? owner : undefined;
  }

  async failures(customerId: string, now: Date): Promise<number> {
    const out = await this.client.send(new GetItemCommand({ TableName: this.table, Key: key(attemptsKey(customerId, now)), ConsistentRead: true }));
    return Number((out.Item ? unmarshall(out.Item).failures : undefined) ?? 0);
  }

  async takeAttempt(customerId: string, now: Date, max: number): Promise<boolean> {
    // kept one hour past its window so TTL's lag (up to days) never shortens the window
    const expires = Math.floor(now.getTime() / 3_600_000) * 3600 + 7200;
    try {
      await this.client.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: key(attemptsKey(customerId, now)),
          UpdateExpression: "ADD #failures :one SET #expiresAtEpoch = :expires",
          ConditionExpression: "attribute_not_exists(#failures) OR #failures < :max",
          ExpressionAttributeNames: { "#failures": "failures", "#expiresAtEpoch": "expiresAtEpoch" },
          ExpressionAttributeValues: marshall({ ":one": 1, ":expires": expires, ":max": max }),
        }),
      );
      return true;
    } catch (e) {
      if (e instanceof ConditionalCheckFailedException || (e as Error).name === "ConditionalCheckFailedException") return false;
      throw e;
    }
  }

  async returnAttempt(customerId: string, now: Date): Promise<void> {
    await this.client.send(
      new UpdateItemCommand({
        TableName: this.table,
        Key: key(attemptsKey(customerId, now)),
        UpdateExpression: "ADD #failures :minusOne",
        ConditionExpression: "#failures > :zero",
        ExpressionAttributeNames: { "#failures": "failures" },
        ExpressionAttributeValues: marshall({ ":minusOne": -1, ":zero": 0 }),
      }),
    );
  }

  async link(customerId: string, claim: StoredClaim, now: Date): Promise<void> {
    try {
      await this.client.send(new TransactWriteItemsCommand(linkTransaction(this.table, customerId, claim, now)));
    } catch (e) {
      if (e instanceof TransactionCanceledException || (e as Error).name === "TransactionCanceledException") {
        const reasons = (e as TransactionCanceledException).CancellationReasons ?? [];
        const failed = reasons.findIndex((r) => r.Code === "ConditionalCheckFailed");
        // the profile's condition also fails on an erased account's tombstone (its old item comes back)
        if (failed === LINK_PARTS.indexOf("profile") && reasons[failed].Item?.erasedAt !== undefined) throw new LinkConflictError("erased");
        if (failed >= 0) throw new LinkConflictError(LINK_PARTS[failed]);
        // another transaction on the same items at the same moment (two customers with one code, a double click)
        if (reasons.some((r) => r.Code === "TransactionConflict")) throw new LinkConflictError("claim");
      }
      throw e;
    }
  }

  async erase(customerId: string, clientId: string | undefined, now: Date): Promise<void> {
    // the claim is read first: the transaction rewrites it only while it still names the customer
    const forgetsClaim = clientId !== undefined && (await this.claim(clientId))?.usedBy === customerId;
    try {
      await this.client.send(new TransactWriteItemsCommand(eraseTransaction(this.table, customerId, clientId, now, forgetsClaim)));
    } catch (e) {
      if (e instanceof TransactionCanceledException || (e as Error).name === "TransactionCanceledException") {
        const reasons = (e as TransactionCanceledException).CancellationReasons ?? [];
        if (reasons.some((r) => r.Code === "ConditionalCheckFailed" || r.Code === "TransactionConflict")) throw new LinkConflictError("profile");
      }
      throw e;
    }
  }
}

/**
 * The claim the customer used names ERASED_USER instead of them (still used, so its code cannot link again), on
 * condition that it still names them (not reissued since the erase read it).
 */
export function forgetClaimUserUpdate(table: string, customerId: string, meterId: string): Update {
  return {
    TableName: table,
    Key: key(claimKey(meterId)),
    UpdateExpression: "SET #usedBy = :erased",
    ConditionExpression: "#usedBy = :customer",
    ExpressionAttributeNames: { "#usedBy": "usedBy" },
    ExpressionAttributeValues: marshall({ ":erased": ERASED_USER, ":customer": customerId }),
  };
}

/**
 * The erase: the profile (still on `clientId`) replaced by a tombstone that expires (the table's TTL attribute),
 * the meter's owner item (still the customer) deleted and, with `forgetsClaim` (the claim named the customer when
 * read), the claim no longer naming them. All or nothing: a failed erase leaves the claim naming its customer.
 */
export function eraseTransaction(
  table: string,
  customerId: string,
  clientId: string | undefined,
  now: Date,
  forgetsClaim = false,
): TransactWriteItemsCommandInput {
  const tombstone = marshall({ customerId, erasedAt: now.toISOString(), expiresAtEpoch: Math.floor(now.getTime() / 1000) + ERASED_TOMBSTONE_SECONDS });
  const profile =
    clientId === undefined
      ? {
          TableName: table,
          Item: tombstone,
          ConditionExpression: "attribute_not_exists(#clientId)",
          ExpressionAttributeNames: { "#clientId": "clientId" },
        }
      : {
          TableName: table,
          Item: tombstone,
          ConditionExpression: "#clientId = :meter",
          ExpressionAttributeNames: { "#clientId": "clientId" },
          ExpressionAttributeValues: marshall({ ":meter": clientId }),
        };
  return {
    TransactItems: [
      { Put: profile },
      ...(clientId === undefined
        ? []
        : [
            {
              Delete: {
                TableName: table,
                Key: key(meterKey(clientId)),
                // a profile linked before owner items existed has none
                ConditionExpression: "attribute_not_exists(#owner) OR #owner = :customer",
                ExpressionAttributeNames: { "#owner": "owner" },
                ExpressionAttributeValues: marshall({ ":customer": customerId }),
              },
            },
            ...(forgetsClaim ? [{ Update: forgetClaimUserUpdate(table, customerId, clientId) }] : []),
          ]),
    ],
  };
}

/** The three conditional updates of a link, in LINK_PARTS order (exported so the exact conditions are tested). */
export function linkTransaction(table: string, customerId: string, claim: StoredClaim, now: Date): TransactWriteItemsCommandInput {
  const at = now.toISOString();
  return {
    TransactItems: [
      {
        Update: {
          TableName: table,
          Key: key(claimKey(claim.meterId)),
          UpdateExpression: "SET #usedBy = :customer, #usedAt = :now",
          ConditionExpression: "#codeHash = :hash AND attribute_not_exists(#usedBy) AND #expiresAt > :now",
          ExpressionAttributeNames: { "#usedBy": "usedBy", "#usedAt": "usedAt", "#codeHash": "codeHash", "#expiresAt": "expiresAt" },
          ExpressionAttributeValues: marshall({ ":customer": customerId, ":now": at, ":hash": claim.codeHash }),
        },
      },
      {
        Update: {
          TableName: table,
          Key: key(meterKey(claim.meterId)),
          // the linked household's first day stays with the meter while it is theirs, whatever code is issued next
          UpdateExpression: "SET #owner = :customer, #linkedAt = :now, #reportsFrom = :from",
          ConditionExpression: "attribute_not_exists(#owner)",
          ExpressionAttributeNames: { "#owner": "owner", "#linkedAt": "linkedAt", "#reportsFrom": "reportsFrom" },
          ExpressionAttributeValues: marshall({ ":customer": customerId, ":now": at, ":from": householdFrom(claim) }),
        },
      },
      {
        Update: {
          TableName: table,
          Key: key(customerId),
          // the household's first day comes with the meter: no earlier occupant's report is theirs
          UpdateExpression: "SET #clientId = :meter, #reportsFrom = :from",
          // an erased account's tombstone is never linked
          ConditionExpression: "attribute_not_exists(#clientId) AND attribute_not_exists(#erasedAt)",
          ExpressionAttributeNames: { "#clientId": "clientId", "#erasedAt": "erasedAt", "#reportsFrom": "reportsFrom" },
          ExpressionAttributeValues: marshall({ ":meter": claim.meterId, ":from": householdFrom(claim) }),
          ReturnValuesOnConditionCheckFailure: "ALL_OLD",
        },
      },
    ],
  };
}
