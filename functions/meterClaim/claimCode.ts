import { createHash, randomBytes, timingSafeEqual } from "crypto";

// Crockford base32 without I, L, O, U: nothing a customer can misread from a printed card
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/** Twelve symbols (60 bits), printed as three groups of four: `7K3Q-M9XD-2HFA`. */
export const CODE_LENGTH = 12;
export const CLAIM_CODE = /^[0-9A-HJKMNP-TV-Z]{12}$/;

/** A fresh one-time claim code from `random` (12 bytes, one symbol each). */
export function newClaimCode(random: (n: number) => Buffer = randomBytes): string {
  const symbols = [...random(CODE_LENGTH)].map((b) => ALPHABET[b % ALPHABET.length]).join("");
  return `${symbols.slice(0, 4)}-${symbols.slice(4, 8)}-${symbols.slice(8)}`;
}

/**
 * The code as typed (any case, hyphens or spaces between groups) in its canonical form, or undefined. As
 * Crockford's base32 reads them, an O typed for a 0 is a 0, an I or an L typed for a 1 is a 1 (codes never
 * hold those letters); a U is refused.
 */
export function normaliseClaimCode(typed: string): string | undefined {
  const symbols = typed.replace(/[\s-]/g, "");
  // ASCII letters and digits only: toUpperCase would make a dotless ı an I (a 1) and a long ſ an S
  if (!/^[0-9A-Za-z]*$/.test(symbols)) return undefined;
  const code = symbols.toUpperCase().replace(/O/g, "0").replace(/[IL]/g, "1");
  return CLAIM_CODE.test(code) ? code : undefined;
}

/** SHA-256 of the salt and the canonical code, hex: what the table keeps instead of the code. */
export function claimHash(salt: string, canonicalCode: string): string {
  return createHash("sha256").update(`${salt}:${canonicalCode}`, "utf8").digest("hex");
}

/** A per-claim salt: 16 random bytes, hex. */
export function newSalt(random: (n: number) => Buffer = randomBytes): string {
  return random(16).toString("hex");
}

/** Constant-time comparison of two hex hashes. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, "hex");
  const y = Buffer.from(b, "hex");
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}
