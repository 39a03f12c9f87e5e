import { expect } from "chai";
import { FetchError } from "aws-jwt-verify/error";
import { handler } from "../../functions/authorizer/handler";
import { LOCAL_CLIENT_ID, LOCAL_POOL_ID, LocalUserPool, UserPoolError, cognitoIssuer, passwordProblems } from "../../local/customers/localUserPool";
import { captureOutput, lambdaContext, logLines } from "../helpers/captureOutput";
import { authorizerRequest } from "../helpers/httpApiEvents";

const PASSWORD = "Correct-Horse-42!";

function request(token: string) {
  return authorizerRequest({
    method: "GET",
    path: "/reports",
    routeKey: "GET /reports",
    requestId: "req-local-1",
    headers: { Authorization: `Bearer ${token}` },
  });
}

/** The real authorizer Lambda handler, with the local pool's verifier and session check as its ports. */
async function decide(pool: LocalUserPool, token: string, clientId?: string) {
  const { result, lines } = await captureOutput(() =>
    handler(request(token), lambdaContext("req-az-local"), { verifier: pool.verifier(clientId), sessions: pool.sessions() }),
  );
  const [denied] = logLines(lines, "denied");
  return { result, reason: denied && `${String(denied.reason)}: ${String(denied.detail)}` };
}

describe("local user pool", () => {
  const pool = new LocalUserPool();
  let sub: string;
  before(async () => {
    await pool.start();
    sub = pool.signUp("ana@example.com", PASSWORD);
  });
  after(() => pool.close());

  it("names its issuer as Cognito does for its pool id and serves its JWKS on 127.0.0.1", async () => {
    expect(pool.issuer).to.equal(`https://cognito-idp.eu-west-1.amazonaws.com/${LOCAL_POOL_ID}`);
    expect(cognitoIssuer("us-east-2_AbC")).to.equal("https://cognito-idp.us-east-2.amazonaws.com/us-east-2_AbC");
    expect(pool.jwksUri).to.match(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${LOCAL_POOL_ID}/\\.well-known/jwks\\.json$`));
    const jwks = await (await fetch(pool.jwksUri)).json();
    expect(jwks).to.deep.equal({ keys: [pool.jwk] });
    expect([pool.jwk.kty, pool.jwk.alg, pool.jwk.use, pool.jwk.kid]).to.deep.equal(["RSA", "RS256", "sig", pool.keyId]);
  });

  it("issues a Cognito-shaped access token valid for the pool's hour", () => {
    const at = Date.UTC(2026, 11, 3, 10, 0, 0);
    const { accessToken, expiresIn } = pool.signIn("ana@example.com", PASSWORD, at);
    const [header, payload] = accessToken
      .split(".")
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, "base64url").toString("utf8")));
    expect(header).to.deep.equal({ kid: pool.keyId, alg: "RS256" });
    expect([payload.sub, payload.iss, payload.client_id, payload.token_use, payload.scope, payload.username]).to.deep.equal([
      sub,
      pool.issuer,
      LOCAL_CLIENT_ID,
      "access",
      "aws.cognito.signin.user.admin",
      "ana@example.com",
    ]);
    expect([payload.iat, payload.exp, expiresIn]).to.deep.equal([at / 1000, at / 1000 + 3600, 3600]);
  });

  it("has its tokens allowed by the authorizer handler, which fetched the keys from the local JWKS", async () => {
    const before = pool.jwksRequests;
    const { accessToken } = pool.signIn("ana@example.com", PASSWORD);
    const { result } = await decide(pool, accessToken);
    expect(result).to.deep.equal({
      isAuthorized: true,
      context: { customerId: sub, tokenExpiresAt: JSON.parse(Buffer.from(accessToken.split(".")[1], "base64url").toString()).exp },
    });
    expect(pool.jwksRequests).to.equal(before + 1);
  });

  describe("has the authorizer refuse", () => {
    const now = () => Math.floor(Date.now() / 1000);
    const claims = (overrides: Record<string, unknown>) => ({
      sub,
      iss: pool.issuer,
      client_id: LOCAL_CLIENT_ID,
      token_use: "access",
      iat: now() - 60,
      exp: now() + 3600,
      ...overrides,
    });
    const cases: [string, () => string, string | undefined, string][] = [
      [
        "a token signed by another key under the same kid",
        () => new LocalUserPool(LOCAL_POOL_ID, LOCAL_CLIENT_ID, pool.keyId).sign(claims({})),
        undefined,
        "JwtInvalidSignatureError: Invalid signature",
      ],
      ["an expired token", () => pool.sign(claims({ iat: now() - 7200, exp: now() - 3600 })), undefined, "JwtExpiredError: Token expired at "],
      [
        "a token of another app client",
        () => pool.sign(claims({ client_id: "another0client0id0000000000" })),
        undefined,
        "CognitoJwtInvalidClientIdError: Client ID not allowed: another0client0id0000000000. Expected: 1oca1c1ient0gridrai1sign1n",
      ],
      [
        "a token when the authorizer serves another client",
        () => pool.signIn("ana@example.com", PASSWORD).accessToken,
        "the0other0client000000000",
        "CognitoJwtInvalidClientIdError: Client ID not allowed: 1oca1c1ient0gridrai1sign1n. Expected: the0other0client000000000",
      ],
      [
        "a token of another issuer",
        () => pool.sign(claims({ iss: cognitoIssuer("eu-west-1_Other") })),
        undefined,
        "ParameterValidationError: issuer not configured: https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other",
      ],
      ["an ID token", () => pool.sign(claims({ token_use: "id" })), undefined, "CognitoJwtInvalidTokenUseError: Token use not allowed: id. Expected: access"],
    ];
    for (const [label, token, clientId, reason] of cases) {
      it(label, async () => {
        const { result, reason: got } = await decide(pool, token(), clientId);
        expect(result).to.deep.equal({ isAuthorized: false });
        expect(got!.startsWith(reason), got).to.equal(true);
      });
    }

    it("a token of a session that signed out", async () => {
      const { accessToken } = pool.signIn("ana@example.com", PASSWORD);
      pool.signOut(accessToken);
      expect(await decide(pool, accessToken)).to.deep.equal({
        result: { isAuthorized: false },
        reason: "NotAuthorizedException: Access Token has been revoked",
      });
    });
  });

  describe("refuses bad sign-ups and sign-ins, naming the field", () => {
    const cases: [string, () => unknown, string, string][] = [
      ["a taken user name", () => pool.signUp("ana@example.com", PASSWORD), "UsernameExistsException", 'user "ana@example.com" already exists'],
      ["a user name with a space", () => pool.signUp("ana duarte", PASSWORD), "InvalidParameterException", 'username "ana duarte" is not a valid user name'],
      [
        "a weak password",
        () => pool.signUp("bea@example.com", "short"),
        "InvalidPasswordException",
        'password of "bea@example.com" needs at least 12 characters, an uppercase letter, a number, a symbol',
      ],
      ["a wrong password", () => pool.signIn("ana@example.com", "Wrong-Horse-42!"), "NotAuthorizedException", "Incorrect username or password."],
      ["an unknown user", () => pool.signIn("nobody@example.com", PASSWORD), "NotAuthorizedException", "Incorrect username or password."],
    ];
    for (const [label, act, name, message] of cases) {
      it(label, () => {
        const e = (() => {
          try {
            act();
          } catch (err) {
            return err as UserPoolError;
          }
          throw new Error("no error");
        })();
        expect([e instanceof UserPoolError, e.name, e.message]).to.deep.equal([true, name, message]);
      });
    }
  });

  it("checks passwords against the pool's policy", () => {
    const cases: [string, string[]][] = [
      [PASSWORD, []],
      ["alllowercase-1", ["an uppercase letter"]],
      ["ALLUPPERCASE-1", ["a lowercase letter"]],
      ["NoDigitsHere-!", ["a number"]],
      ["NoSymbols1234a", ["a symbol"]],
      ["Sh0rt!", ["at least 12 characters"]],
    ];
    for (const [password, problems] of cases) expect(passwordProblems(password), password).to.deep.equal(problems);
  });

  it("fetches no JWKS but its own pool's", async () => {
    const fetcher = pool.jwksFetcher();
    const e = await fetcher.fetch("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other/.well-known/jwks.json").then(
      () => undefined,
      (err: Error) => err,
    );
    expect([e instanceof FetchError, e?.message]).to.deep.equal([
      true,
      "Failed to fetch https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Other/.well-known/jwks.json: the local stack serves only its own pool's JWKS",
    ]);
  });
});
