import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  TransactWriteItemsCommandInput,
} from "@aws-sdk/client-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { randomBytes } from "crypto";
import { CLIENT_ID, isValidIsoDay } from "../supplierParser/s3Key";
import { show } from "../profileApi/httpApi";
import { claimHash, newClaimCode, newSalt, normaliseClaimCode } from "./claimCode";
import { claimKey, meterKey } from "./dynamoClaimStore";

/** Default and longest lifetime of a claim code, hours. */
export const DEFAULT_CLAIM_TTL_HOURS = 72;
export const MAX_CLAIM_TTL_HOURS = 24 * 30;

/** An operator's request the table refused or that names a bad meter; the message is for the operator. */
export class ClaimAdminError extends Error {
  constructor(message: string) {
    super(message);
    this.message = message;
    this.name = "InputError";
  }
}

export interface IssuedClaim {
  readonly meterId: string;
  /** Printed once; only its salted hash is stored. */
  readonly claimCode: string;
  readonly expiresAt: string;
  /** The first day of reports the household that links with it may see. */
  readonly reportsFrom: string;
}

/** A ClaimAdminError naming the value unless `day` is a real YYYY-MM-DD day (a later one: a household moving in soon). */
export function checkReportsFrom(day: string): void {
  if (!isValidIsoDay(day)) throw new ClaimAdminError(`reports-from must be a day YYYY-MM-DD, got ${show(day)}`);
}

/** A ClaimAdminError naming the value unless `meterId` is a meter id (a supplier client id). */
export function checkMeter(meterId: string): void {
  if (!CLIENT_ID.test(meterId)) throw new ClaimAdminError(`meter id must be 1-64 letters, digits, - or _, got ${show(meterId)}`);
}

/**
 * Issues a one-time claim code for a meter, replacing any earlier claim (used or not) of that meter. A meter
 * that has an owner stays theirs: the new code links it only after that owner erases their profile or the
 * operator unlinks it (`unlinkMeter`, when the household moves out). The household that links with it sees the
 * meter's reports from `reportsFrom` on (default: the day it is issued, UTC), never an earlier occupant's.
 */
export async function issueClaim(
  client: DynamoDBClient,
  table: string,
  meterId: string,
  ttlHours: number,
  now: Date,
  random: (n: number) => Buffer = randomBytes,
  reportsFrom: string = now.toISOString().slice(0, 10),
): Promise<IssuedClaim> {
  checkMeter(meterId);
  checkReportsFrom(reportsFrom);
  const claimCode = newClaimCode(random);
  const salt = newSalt(random);
  const expiresAt = new Date(now.getTime() + ttlHours * 3_600_000).toISOString();
  await client.send(
    new PutItemCommand({
      TableName: table,
      Item: marshall({
        customerId: claimKey(meterId),
        meterId,
        salt,
        codeHash: claimHash(salt, normaliseClaimCode(claimCode) as string),
        issuedAt: now.toISOString(),
        expiresAt,
        reportsFrom,
      }),
    }),
  );
  return { meterId, claimCode, expiresAt, reportsFrom };
}

/**
 * What the operator should know before a new code replaces the meter's claim: an owner the code cannot link past
 * (until they erase their account or the operator unlinks them), and an unused, unexpired code it makes worthless
 * (one already handed to a household fails as not matching). Read before the new claim is written.
 */
export async function issueWarnings(client: DynamoDBClient, table: string, meterId: string, now: Date): Promise<string[]> {
  checkMeter(meterId);
  const read = async (id: string) =>
    (await client.send(new GetItemCommand({ TableName: table, Key: marshall({ customerId: id }), ConsistentRead: true })))?.Item;
  const [meter, claim] = await Promise.all([read(meterKey(meterId)), read(claimKey(meterId))]);
  const warnings: string[] = [];
  const owner = meter?.owner?.S;
  if (owner !== undefined) {
    warnings.push(
      `meter ${show(meterId)} is linked to customer ${owner}: the new code links it only once they erase their account or you run claims unlink --meter ${meterId}`,
    );
  }
  const expiresAt = claim?.expiresAt?.S;
  if (claim?.codeHash !== undefined && claim.usedBy === undefined && expiresAt !== undefined && Date.parse(expiresAt) > now.getTime()) {
    warnings.push(
      `meter ${show(meterId)} had an unused code issued at ${claim.issuedAt?.S ?? "an unknown time"}, valid until ${expiresAt}: it no longer works`,
    );
  }
  return warnings;
}

/** Revokes the meter's unused claim; an error when there is none (never issued, already used or revoked). */
export async function revokeClaim(client: DynamoDBClient, table: string, meterId: string): Promise<void> {
  checkMeter(meterId);
  try {
    await client.send(
      new DeleteItemCommand({
        TableName: table,
        Key: marshall({ customerId: claimKey(meterId) }),
        ConditionExpression: "attribute_exists(#codeHash) AND attribute_not_exists(#usedBy)",
        ExpressionAttributeNames: { "#codeHash": "codeHash", "#usedBy": "usedBy" },
      }),
    );
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException || (e as Error).name === "ConditionalCheckFailedException") {
      throw new ClaimAdminError(`meter ${show(meterId)} has no unused claim to revoke (never issued, already used or revoked)`);
    }
    throw e;
  }
}

/**
 * The transaction that takes `meterId` from `owner`: deletes the meter's owner item (still theirs) and removes the
 * meter from their profile (still on it), so they no longer see the meter's reports, the next occupant's included.
 */
export function unlinkTransaction(table: string, meterId: string, owner: string): TransactWriteItemsCommandInput {
  return {
    TransactItems: [
      {
        Delete: {
          TableName: table,
          Key: marshall({ customerId: meterKey(meterId) }),
          ConditionExpression: "#owner = :owner",
          ExpressionAttributeNames: { "#owner": "owner" },
          ExpressionAttributeValues: marshall({ ":owner": owner }),
        },
      },
      {
        Update: {
          TableName: table,
          Key: marshall({ customerId: owner }),
          UpdateExpression: "REMOVE #clientId, #reportsFrom",
          ConditionExpression: "#clientId = :meter",
          ExpressionAttributeNames: { "#clientId": "clientId", "#reportsFrom": "reportsFrom" },
          ExpressionAttributeValues: marshall({ ":meter": meterId }),
        },
      },
    ],
  };
}

/**
 * Unlinks a meter from its owner (a household that moved out without erasing its account); returns the owner's
 * customer id. An error when the meter has no owner, or when the owner or their profile changed meanwhile.
 */
export async function unlinkMeter(client: DynamoDBClient, table: string, meterId: string): Promise<string> {
  checkMeter(meterId);
  const out = await client.send(new GetItemCommand({ TableName: table, Key: marshall({ customerId: meterKey(meterId) }), ConsistentRead: true }));
  const owner = out.Item?.owner?.S;
  if (owner === undefined) throw new ClaimAdminError(`meter ${show(meterId)} has no owner to unlink`);
  try {
    await client.send(new TransactWriteItemsCommand(unlinkTransaction(table, meterId, owner)));
  } catch (e) {
    if ((e as Error).name === "TransactionCanceledException") {
      throw new ClaimAdminError(
        `meter ${show(meterId)}: its owner or the owner's profile changed meanwhile, or the profile is not on the meter; run unlink again`,
      );
    }
    throw e;
  }
  return owner;
}
