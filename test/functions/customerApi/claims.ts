import { claimHash } from "../../../functions/meterClaim/claimCode";
import { StoredClaim } from "../../../functions/meterClaim/claimStore";
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";

/** The claim code the fixtures' claims were issued with, as a customer types it. */
export const CODE = "7K3Q-M9XD-2HFA";
const SALT = "5a17".repeat(8);

/** A stored claim for `meterId` issued with CODE on 2026-11-21, valid for three days. */
export const claimOf = (meterId: string, extra: Partial<StoredClaim> = {}): StoredClaim => ({
  meterId,
  salt: SALT,
  codeHash: claimHash(SALT, "7K3QM9XD2HFA"),
  issuedAt: "2026-11-21T08:00:00.000Z",
  expiresAt: "2026-11-24T08:00:00.000Z",
  ...extra,
});

/** The profile table, the time and the customer the DynamoDB store and claims command tests use. */
export const TABLE = "customers-profiles";
export const NOW = new Date("2026-11-22T08:30:00.000Z");
export { ANA } from "./customers";

/** A transaction DynamoDB cancelled, with one cancellation reason code per item. */
export function cancelled(codes: string[]): TransactionCanceledException {
  return new TransactionCanceledException({ message: "Transaction cancelled", $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });
}
