import { CognitoJwtVerifier } from "aws-jwt-verify";
import { JwtInvalidClaimError } from "aws-jwt-verify/error";
import { JwksCache } from "aws-jwt-verify/jwk";
import { TokenVerifier, VerifiedClaims } from "./authorize";

/** A claim the library does not insist on but the authorizer needs (thrown inside `customJwtCheck`). */
export class MissingClaimError extends JwtInvalidClaimError {}

/**
 * Verifies Cognito **access** tokens of one app client: signature against the pool's JWKS (fetched once and
 * cached by the library), `iss` = the pool, `token_use` = "access", `client_id` = our client, `exp`/`nbf`.
 * Access tokens, not ID tokens: they are what a resource server should accept (an ID token is for the client
 * itself, and its `aud` is the only client binding), and they carry `client_id`.
 */
export function createCognitoVerifier(userPoolId: string, clientId: string, jwksCache?: JwksCache) {
  return CognitoJwtVerifier.create(
    {
      userPoolId,
      clientId,
      tokenUse: "access",
      // Cognito always sets both; the library only checks exp when present, and sub is our customer id
      customJwtCheck: ({ payload }) => {
        if (typeof payload.sub !== "string" || payload.sub === "") throw new MissingClaimError("token has no sub claim", payload.sub);
        if (typeof payload.exp !== "number") throw new MissingClaimError("token has no exp claim", payload.exp);
      },
    },
    jwksCache ? { jwksCache } : undefined,
  );
}

/** The verifier as the authorizer's port. */
export function tokenVerifier(verifier: ReturnType<typeof createCognitoVerifier>): TokenVerifier {
  return {
    async verify(token: string): Promise<VerifiedClaims> {
      const payload = await verifier.verify(token);
      return { sub: payload.sub, exp: payload.exp };
    },
  };
}
