import { claimHash } from "../../../functions/meterClaim/claimCode";
import { StoredClaim } from "../../../functions/meterClaim/claimStore";

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
