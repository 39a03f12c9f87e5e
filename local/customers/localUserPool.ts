import { KeyObject, createHash, generateKeyPairSync, randomBytes, randomUUID, scryptSync, sign, timingSafeEqual } from "crypto";
import { AddressInfo } from "net";
import { Server, createServer } from "http";
import { FetchError } from "aws-jwt-verify/error";
import { Fetcher } from "aws-jwt-verify/https";
import { Jwk, SimpleJwksCache } from "aws-jwt-verify/jwk";
import { TokenVerifier } from "../../functions/authorizer/authorize";
import { createCognitoVerifier, tokenVerifier } from "../../functions/authorizer/cognitoVerifier";
import { SessionCheck } from "../../functions/authorizer/sessionCheck";
import { passwordPolicyDefaults, tokenDefaults } from "../../infra/customerApi/defaults";

/** The local pool's identity: a Cognito-shaped pool id (region_id) and app client id. */
export const LOCAL_POOL_ID = "eu-west-1_LocalPool1";
export const LOCAL_CLIENT_ID = "1oca1c1ient0gridrai1sign1n";

/** Cognito's issuer and JWKS URI of a pool id: what `CognitoJwtVerifier` derives and checks `iss` against. */
export function cognitoIssuer(poolId: string): string {
  return `https://cognito-idp.${poolId.split("_")[0]}.amazonaws.com/${poolId}`;
}

/** A sign-up or sign-in the pool refuses; `name` is Cognito's exception name. */
export class UserPoolError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.message = message;
    this.name = name;
  }
}

/** The password policy's problems with `password` (empty: acceptable), as Cognito's InvalidPasswordException lists them. */
export function passwordProblems(password: string, policy = passwordPolicyDefaults): string[] {
  const problems: string[] = [];
  if (password.length < policy.minimumLength) problems.push(`at least ${policy.minimumLength} characters`);
  if (policy.requireLowercase && !/[a-z]/.test(password)) problems.push("a lowercase letter");
  if (policy.requireUppercase && !/[A-Z]/.test(password)) problems.push("an uppercase letter");
  if (policy.requireNumbers && !/[0-9]/.test(password)) problems.push("a number");
  if (policy.requireSymbols && !/[^A-Za-z0-9]/.test(password)) problems.push("a symbol");
  return problems;
}

export interface SignIn {
  readonly accessToken: string;
  readonly expiresIn: number;
}

interface User {
  readonly sub: string;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");
const tokenKey = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * A local Cognito user pool: sign-up and sign-in (USER_PASSWORD_AUTH) issue RS256 **access** tokens with
 * Cognito's claim set, signed by a key made at start; its public half is served as a JWKS on 127.0.0.1. The
 * real authorizer verifies them with `createCognitoVerifier` (signature, `iss`, `token_use`, `client_id`,
 * `exp`): only the JWKS fetch is pointed at the local endpoint, because the library derives Cognito's
 * https URI from the pool id. Sign-out revokes a token, which the session check then refuses as GetUser would.
 */
export class LocalUserPool {
  readonly poolId: string;
  readonly clientId: string;
  readonly issuer: string;
  /** The signing key's id (`kid`), random unless given. */
  readonly keyId: string;
  private readonly privateKey: KeyObject;
  readonly jwk: Jwk;
  private readonly users = new Map<string, User>();
  private readonly revoked = new Set<string>();
  private server?: Server;
  /** JWKS requests served (the verifier caches the keys: one per verifier and key). */
  jwksRequests = 0;

  /** `keyId`: to make a second pool that signs with another key under the same kid (a forger). */
  constructor(poolId = LOCAL_POOL_ID, clientId = LOCAL_CLIENT_ID, keyId = `local-${randomBytes(4).toString("hex")}`) {
    this.keyId = keyId;
    this.poolId = poolId;
    this.clientId = clientId;
    this.issuer = cognitoIssuer(poolId);
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const exported = publicKey.export({ format: "jwk" }) as Record<string, string>;
    this.privateKey = privateKey;
    this.jwk = { kid: this.keyId, alg: "RS256", kty: exported.kty, e: exported.e, n: exported.n, use: "sig" };
  }

  /** Serves the JWKS on 127.0.0.1 (ephemeral port). */
  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      if (req.method === "GET" && req.url === `/${this.poolId}/.well-known/jwks.json`) {
        this.jwksRequests++;
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [this.jwk] }));
      } else res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: `no such path ${req.url}` }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
  }

  /** The local JWKS URL (after start). */
  get jwksUri(): string {
    if (!this.server) throw new Error("the local user pool is not started");
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/${this.poolId}/.well-known/jwks.json`;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Registers a (confirmed) user; returns its `sub`. */
  signUp(username: string, password: string): string {
    if (!/^[A-Za-z0-9._@+-]{1,128}$/.test(username))
      throw new UserPoolError("InvalidParameterException", `username ${JSON.stringify(username)} is not a valid user name`);
    if (this.users.has(username)) throw new UserPoolError("UsernameExistsException", `user ${JSON.stringify(username)} already exists`);
    const problems = passwordProblems(password);
    if (problems.length > 0) throw new UserPoolError("InvalidPasswordException", `password of ${JSON.stringify(username)} needs ${problems.join(", ")}`);
    const salt = randomBytes(16);
    const sub = randomUUID();
    this.users.set(username, { sub, salt, hash: scryptSync(password, salt, 32) });
    return sub;
  }

  /** Checks the password and issues an access token valid for the pool's access-token lifetime. */
  signIn(username: string, password: string, nowMs = Date.now()): SignIn {
    const user = this.users.get(username);
    // one answer for an unknown user and a wrong password, as Cognito gives with user-existence errors prevented
    if (!user || !timingSafeEqual(user.hash, scryptSync(password, user.salt, 32))) {
      throw new UserPoolError("NotAuthorizedException", "Incorrect username or password.");
    }
    const expiresIn = tokenDefaults.accessTokenMinutes * 60;
    const now = Math.floor(nowMs / 1000);
    const claims = {
      sub: user.sub,
      iss: this.issuer,
      client_id: this.clientId,
      origin_jti: randomUUID(),
      event_id: randomUUID(),
      token_use: "access",
      scope: "aws.cognito.signin.user.admin",
      auth_time: now,
      exp: now + expiresIn,
      iat: now,
      jti: randomUUID(),
      username,
    };
    return { accessToken: this.sign(claims), expiresIn };
  }

  /** A compact RS256 JWS of `claims` with this pool's key and kid. */
  sign(claims: Record<string, unknown>): string {
    const input = `${b64url(JSON.stringify({ kid: this.keyId, alg: "RS256" }))}.${b64url(JSON.stringify(claims))}`;
    return `${input}.${b64url(sign("sha256", Buffer.from(input), this.privateKey))}`;
  }

  /** GlobalSignOut / RevokeToken: the token still verifies, the session check refuses it. */
  signOut(accessToken: string): void {
    this.revoked.add(tokenKey(accessToken));
  }

  /** The pool's answer to GetUser with a token, as the authorizer's session check asks it. */
  sessions(): SessionCheck {
    return {
      refusal: async (token) => (this.revoked.has(tokenKey(token)) ? { reason: "NotAuthorizedException", detail: "Access Token has been revoked" } : undefined),
    };
  }

  /** Fetches this pool's Cognito JWKS URI from the local endpoint; any other URI fails as an unreachable host. */
  jwksFetcher(): Fetcher {
    const cognitoUri = `${this.issuer}/.well-known/jwks.json`;
    return {
      fetch: async (uri: string): Promise<ArrayBuffer> => {
        if (uri !== cognitoUri) throw new FetchError(uri, "the local stack serves only its own pool's JWKS");
        let res: Response;
        try {
          res = await fetch(this.jwksUri);
        } catch (e) {
          throw new FetchError(uri, `local JWKS unreachable: ${(e as Error).message}`);
        }
        if (!res.ok) throw new FetchError(uri, `local JWKS answered ${res.status}`);
        return res.arrayBuffer();
      },
    };
  }

  /** The authorizer's own verifier for this pool and client, keys fetched from the local JWKS. */
  verifier(clientId = this.clientId): TokenVerifier {
    return tokenVerifier(createCognitoVerifier(this.poolId, clientId, new SimpleJwksCache({ fetcher: this.jwksFetcher() })));
  }
}
