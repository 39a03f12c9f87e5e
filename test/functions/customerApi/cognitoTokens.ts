/**
 * A stand-in Cognito user pool for tests: an RSA key pair made here (node:crypto), its JWKS, and access / ID
 * tokens signed RS256 with Cognito's claim set. The verifier gets the JWKS through `cacheJwks` or a fetcher that
 * never touches the network.
 */
import { KeyObject, generateKeyPairSync, sign } from "crypto";
import { FetchError } from "aws-jwt-verify/error";
import { Jwk, Jwks, SimpleJwksCache } from "aws-jwt-verify/jwk";
import { createCognitoVerifier } from "../../../functions/authorizer/cognitoVerifier";
import { SessionCheck } from "../../../functions/authorizer/sessionCheck";

export const USER_POOL_ID = "eu-west-1_Gr1dRa1lX";
export const CLIENT_ID = "5q2k8v1m3n7b9c4x6z0w2e4r6t";
export const ISSUER = `https://cognito-idp.eu-west-1.amazonaws.com/${USER_POOL_ID}`;
export const JWKS_URI = `${ISSUER}/.well-known/jwks.json`;
export const KID = "test-key-1";

export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly jwk: Jwk;
}

export function signingKey(kid = KID): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const exported = publicKey.export({ format: "jwk" }) as Record<string, string>;
  return { kid, privateKey, jwk: { kid, alg: "RS256", kty: exported.kty, e: exported.e, n: exported.n, use: "sig" } };
}

export const POOL_KEY = signingKey();
/** Same kid as the pool's key, different key: a forged token. */
export const FORGER_KEY = signingKey(KID);
export const JWKS: Jwks = { keys: [POOL_KEY.jwk] };

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

/** A compact JWS of `payload` with `header` (default RS256 + kid), signed by `key`. */
export function signJwt(
  payload: Record<string, unknown>,
  key: SigningKey = POOL_KEY,
  header: Record<string, unknown> = { kid: key.kid, alg: "RS256" },
): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}`;
  return `${input}.${b64url(sign("sha256", Buffer.from(input), key.privateKey))}`;
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** Claims of a Cognito access token for user `sub`, valid for an hour from now; `overrides` replace or (undefined) drop claims. */
export function accessClaims(sub: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = nowSeconds();
  return dropUndefined({
    sub,
    iss: ISSUER,
    client_id: CLIENT_ID,
    origin_jti: "5a1f0e2c-origin",
    event_id: "0c3e9d4b-event",
    token_use: "access",
    scope: "aws.cognito.signin.user.admin",
    auth_time: now - 60,
    exp: now + 3600,
    iat: now - 60,
    jti: "8b7d6c5e-jti",
    username: sub,
    ...overrides,
  });
}

/** Claims of a Cognito ID token (aud = the client, token_use = id). */
export function idClaims(sub: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = nowSeconds();
  return dropUndefined({
    sub,
    email_verified: true,
    iss: ISSUER,
    "cognito:username": sub,
    origin_jti: "5a1f0e2c-origin",
    aud: CLIENT_ID,
    event_id: "0c3e9d4b-event",
    token_use: "id",
    auth_time: now - 60,
    exp: now + 3600,
    iat: now - 60,
    jti: "9c8e7f6a-jti",
    email: "ana@example.com",
    ...overrides,
  });
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

export function accessToken(sub: string, overrides: Record<string, unknown> = {}): string {
  return signJwt(accessClaims(sub, overrides));
}

/**
 * The authorizer's real verifier (createCognitoVerifier) with the pool's JWKS cached. A kid it does not know
 * makes it refetch: the fetcher hands back the same JWKS (or fails with FetchError when `jwksAvailable` is false),
 * and counts the calls. No network either way.
 */
export function offlineVerifier(options: { jwksAvailable?: boolean; cacheJwks?: boolean } = {}) {
  const fetches: string[] = [];
  const fetcher = {
    async fetch(uri: string): Promise<ArrayBuffer> {
      fetches.push(uri);
      if (options.jwksAvailable === false) throw new FetchError(uri, "connect ECONNREFUSED (test: JWKS unavailable)");
      const bytes = Buffer.from(JSON.stringify(JWKS));
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    },
  };
  const verifier = createCognitoVerifier(USER_POOL_ID, CLIENT_ID, new SimpleJwksCache({ fetcher }));
  if (options.cacheJwks !== false) verifier.cacheJwks(JWKS);
  return { verifier, fetches };
}

/** The user pool's side of the session check: tokens in `revoked` were revoked; it records what it was asked. */
export function fakeSessions(revoked: ReadonlySet<string> = new Set()): { sessions: SessionCheck; asked: string[] } {
  const asked: string[] = [];
  const sessions: SessionCheck = {
    async refusal(token) {
      asked.push(token);
      return revoked.has(token) ? { reason: "NotAuthorizedException", detail: "Access Token has been revoked" } : undefined;
    },
  };
  return { sessions, asked };
}
