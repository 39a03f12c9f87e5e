import { expect } from "chai";
import { authorize } from "../../../functions/authorizer/authorize";
import { bearerToken } from "../../../functions/authorizer/bearerToken";
import { tokenVerifier } from "../../../functions/authorizer/cognitoVerifier";
import { handler, verifierFromEnvironment } from "../../../functions/authorizer/handler";
import { captureOutput, emfMetrics, lambdaContext, logLines } from "../../helpers/captureOutput";
import { authorizerRequest, routeArn } from "../../helpers/httpApiEvents";
import { SessionCheck } from "../../../functions/authorizer/sessionCheck";
import { CLIENT_ID, FORGER_KEY, POOL_KEY, accessClaims, accessToken, fakeSessions, idClaims, offlineVerifier, signJwt, signingKey } from "./cognitoTokens";

const SUB = "7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

async function decide(authorization: string | undefined, verifierOptions = {}, pool = fakeSessions()) {
  const { verifier, fetches } = offlineVerifier(verifierOptions);
  const logs: Record<string, unknown>[] = [];
  const event = authorizerRequest({
    method: "GET",
    path: "/profile",
    routeKey: "GET /profile",
    requestId: "req-auth-1",
    headers: authorization === undefined ? {} : { Authorization: authorization },
  });
  const response = await authorize(event, tokenVerifier(verifier), pool.sessions, (entry) => logs.push(entry));
  return { response, logs, fetches, asked: pool.asked };
}

describe("customer API authorizer", () => {
  describe("allows a valid Cognito access token of our client and passes the caller on", () => {
    const token = accessToken(SUB);
    const exp = accessClaims(SUB).exp as number;
    const cases: [string, string][] = [
      ["Bearer <token>", `Bearer ${token}`],
      ["a lower-case scheme", `bearer ${token}`],
      ["extra spaces around the token", `  Bearer   ${token}  `],
      ["a bare token", token],
    ];
    for (const [label, header] of cases) {
      it(`with ${label}`, async () => {
        const { response, logs, asked } = await decide(header);
        expect(response.isAuthorized).to.equal(true);
        expect(asked).to.deep.equal([token]);
        const context = (response as { context: { customerId: string; tokenExpiresAt: number } }).context;
        expect(context.customerId).to.equal(SUB);
        // the token was minted within this test; its exp is an hour after signing
        expect(context.tokenExpiresAt).to.be.within(exp - 5, exp + 5);
        expect(logs).to.deep.equal([{ level: "INFO", message: "allowed", requestId: "req-auth-1", routeArn: routeArn("GET", "/profile"), customerId: SUB }]);
      });
    }
  });

  describe("denies (403) and logs why, never the token", () => {
    const now = Math.floor(Date.now() / 1000);
    const otherPool = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_OtherPool1";
    const cases: { label: string; header: () => string | undefined; reason: string; detail: string | RegExp }[] = [
      { label: "no Authorization header", header: () => undefined, reason: "MalformedAuthorization", detail: "no Authorization header" },
      { label: "an empty header", header: () => "   ", reason: "MalformedAuthorization", detail: "no Authorization header" },
      { label: "Bearer without a token", header: () => "Bearer ", reason: "MalformedAuthorization", detail: "token is not a JWT (three base64url segments)" },
      {
        label: "another scheme",
        header: () => "Basic YW5hOnNlY3JldA==",
        reason: "MalformedAuthorization",
        detail: 'Authorization scheme "Basic" is not Bearer',
      },
      {
        label: "a token with spaces in it",
        header: () => "eyJh bGciOi.x.y",
        reason: "MalformedAuthorization",
        detail: "Authorization header is neither <jwt> nor Bearer <jwt>",
      },
      { label: "garbage", header: () => "Bearer not-a-jwt", reason: "MalformedAuthorization", detail: "token is not a JWT (three base64url segments)" },
      {
        label: "an oversize token",
        header: () => `Bearer ${"a".repeat(9000)}.b.c`,
        reason: "MalformedAuthorization",
        detail: "token is 9004 characters, more than 8192",
      },
      { label: "three segments that are not JSON", header: () => "Bearer abc.def.ghi", reason: "JwtParseError", detail: /^Invalid JWT/ },
      {
        label: "a forged signature (right kid, other key)",
        header: () => `Bearer ${signJwt(accessClaims(SUB), FORGER_KEY)}`,
        reason: "JwtInvalidSignatureError",
        detail: "Invalid signature",
      },
      {
        label: "a payload changed after signing",
        header: () => {
          const [h, , s] = accessToken(SUB).split(".");
          return `Bearer ${h}.${Buffer.from(JSON.stringify(accessClaims("someone-else"))).toString("base64url")}.${s}`;
        },
        reason: "JwtInvalidSignatureError",
        detail: "Invalid signature",
      },
      {
        label: "an expired token",
        header: () => `Bearer ${accessToken(SUB, { exp: now - 10, iat: now - 3610 })}`,
        reason: "JwtExpiredError",
        detail: `Token expired at ${new Date((now - 10) * 1000).toISOString()}`,
      },
      {
        label: "a token not valid yet",
        header: () => `Bearer ${accessToken(SUB, { nbf: now + 600 })}`,
        reason: "JwtNotBeforeError",
        detail: `Token can't be used before ${new Date((now + 600) * 1000).toISOString()}`,
      },
      // the library looks the issuer up among the configured pools before it checks anything else
      {
        label: "another user pool's issuer",
        header: () => `Bearer ${accessToken(SUB, { iss: otherPool })}`,
        reason: "ParameterValidationError",
        detail: `issuer not configured: ${otherPool}`,
      },
      {
        label: "a foreign issuer",
        header: () => `Bearer ${accessToken(SUB, { iss: "https://idp.example.com/eu-west-1_Gr1dRa1lX" })}`,
        reason: "ParameterValidationError",
        detail: "issuer not configured: https://idp.example.com/eu-west-1_Gr1dRa1lX",
      },
      {
        label: "another app client",
        header: () => `Bearer ${accessToken(SUB, { client_id: "otherclient123" })}`,
        reason: "CognitoJwtInvalidClientIdError",
        detail: `Client ID not allowed: otherclient123. Expected: ${CLIENT_ID}`,
      },
      {
        label: "an ID token",
        header: () => `Bearer ${signJwt(idClaims(SUB))}`,
        reason: "CognitoJwtInvalidTokenUseError",
        detail: "Token use not allowed: id. Expected: access",
      },
      {
        label: "a token without sub",
        header: () => `Bearer ${accessToken(SUB, { sub: undefined })}`,
        reason: "MissingClaimError",
        detail: "token has no sub claim",
      },
      {
        label: "a token without exp",
        header: () => `Bearer ${accessToken(SUB, { exp: undefined })}`,
        reason: "MissingClaimError",
        detail: "token has no exp claim",
      },
      {
        label: "alg none",
        header: () => `Bearer ${signJwt(accessClaims(SUB), POOL_KEY, { kid: POOL_KEY.kid, alg: "none" })}`,
        reason: "JwtInvalidSignatureAlgorithmError",
        detail: /^Token was not signed with a supported algorithm|^JWT signature algorithm not allowed/,
      },
    ];
    for (const c of cases) {
      it(`for ${c.label}`, async () => {
        const header = c.header();
        const { response, logs, asked } = await decide(header);
        expect(response).to.deep.equal({ isAuthorized: false });
        expect(asked, "a token that failed verification is not shown to the user pool").to.deep.equal([]);
        expect(logs).to.have.length(1);
        const { detail, ...rest } = logs[0];
        expect(rest).to.deep.equal({ level: "WARN", message: "denied", requestId: "req-auth-1", routeArn: routeArn("GET", "/profile"), reason: c.reason });
        if (typeof c.detail === "string") expect(detail).to.equal(c.detail);
        else expect(detail).to.match(c.detail);
        const token = header?.trim().replace(/^bearer\s+/i, "");
        if (token) for (const part of token.split(".").filter((p) => p.length > 8)) expect(JSON.stringify(logs)).to.not.contain(part);
      });
    }

    it("for a key the pool does not publish, after one JWKS refetch", async () => {
      const stranger = signingKey("unknown-kid");
      const { response, logs, fetches } = await decide(`Bearer ${signJwt(accessClaims(SUB), stranger)}`);
      expect(response).to.deep.equal({ isAuthorized: false });
      expect([logs[0].reason, fetches]).to.deep.equal([
        "KidNotFoundInJwksError",
        ["https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Gr1dRa1lX/.well-known/jwks.json"],
      ]);
    });
  });

  it("denies (403) a verified token whose session the user pool ended, and logs why, never the token", async () => {
    const token = accessToken(SUB);
    const { response, logs, asked } = await decide(`Bearer ${token}`, {}, fakeSessions(new Set([token])));
    expect(response).to.deep.equal({ isAuthorized: false });
    expect(asked).to.deep.equal([token]);
    expect(logs).to.deep.equal([
      {
        level: "WARN",
        message: "denied",
        requestId: "req-auth-1",
        routeArn: routeArn("GET", "/profile"),
        reason: "NotAuthorizedException",
        detail: "Access Token has been revoked",
      },
    ]);
  });

  it("fails (API Gateway answers 500) rather than allow or deny when the user pool cannot answer", async () => {
    const throttled: SessionCheck = {
      refusal: async () => {
        throw Object.assign(new Error("Rate exceeded"), { name: "TooManyRequestsException" });
      },
    };
    let message = "resolved";
    try {
      await decide(`Bearer ${accessToken(SUB)}`, {}, { sessions: throttled, asked: [] });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.equal("Rate exceeded");
  });

  it("fetches the JWKS on a cold start and then allows", async () => {
    const { response, fetches } = await decide(`Bearer ${accessToken(SUB)}`, { cacheJwks: false });
    expect([response.isAuthorized, fetches.length]).to.deep.equal([true, 1]);
  });

  it("fails (API Gateway answers 500) rather than deny when the JWKS cannot be fetched", async () => {
    let message = "resolved";
    try {
      await decide(`Bearer ${accessToken(SUB)}`, { cacheJwks: false, jwksAvailable: false });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).to.equal(
      "Failed to fetch https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Gr1dRa1lX/.well-known/jwks.json: connect ECONNREFUSED (test: JWKS unavailable)",
    );
  });

  describe("reads its environment at cold start", () => {
    const cases: [Record<string, string>, string][] = [
      [{}, "environment variables USER_POOL_ID, CLIENT_ID must be set"],
      [{ USER_POOL_ID: "eu-west-1_Gr1dRa1lX" }, "environment variable CLIENT_ID must be set"],
      [{ CLIENT_ID: "abc", USER_POOL_ID: "" }, "environment variable USER_POOL_ID must be set"],
      [{ CLIENT_ID: "abc", USER_POOL_ID: "not-a-pool" }, "Invalid Cognito User Pool ID: not-a-pool"],
    ];
    for (const [env, message] of cases) {
      it(`${JSON.stringify(env)} → ${message}`, () => {
        expect(() => verifierFromEnvironment(env)).to.throw(message);
      });
    }
  });

  describe("bearerToken", () => {
    const cases: [string | undefined, object][] = [
      ["Bearer a.b.c", { token: "a.b.c" }],
      ["BEARER a.b.c", { token: "a.b.c" }],
      ["a.b.c", { token: "a.b.c" }],
      ["Bearer a.b", { reason: "token is not a JWT (three base64url segments)" }],
      ["Bearer a.b.c.d", { reason: "token is not a JWT (three base64url segments)" }],
      ["Bearer a+b.c.d", { reason: "token is not a JWT (three base64url segments)" }],
      ["Token a.b.c", { reason: 'Authorization scheme "Token" is not Bearer' }],
      [undefined, { reason: "no Authorization header" }],
    ];
    for (const [header, expected] of cases) {
      it(`${JSON.stringify(header)} → ${JSON.stringify(expected)}`, () => {
        expect(bearerToken(header)).to.deep.equal(expected);
      });
    }
  });
});

describe("customer API authorizer: Lambda handler", () => {
  const ports = () => ({ verifier: tokenVerifier(offlineVerifier({}).verifier), sessions: fakeSessions().sessions });
  const request = (headers: Record<string, string>) =>
    authorizerRequest({ method: "GET", path: "/profile", routeKey: "GET /profile", requestId: "api-req-7", headers });

  it("logs a denial at WARN with the request ids and the reason, never the token, and counts it", async () => {
    const { result, lines } = await captureOutput(() => handler(request({ Authorization: "Bearer not-a-jwt" }), lambdaContext("req-az-1"), ports()));

    expect(result).to.deep.equal({ isAuthorized: false });
    const [line] = logLines(lines, "denied");
    expect([line.level, line.service, line.function_request_id, line.apiRequestId, line.reason]).to.deep.equal([
      "WARN",
      "authorizer",
      "req-az-1",
      "api-req-7",
      "MalformedAuthorization",
    ]);
    expect(lines.join("\n")).to.not.contain("not-a-jwt");
    expect(emfMetrics(lines)).to.deep.equal([{ namespace: "gridrail", dimensions: [["service"]], service: "authorizer", RequestsDenied: 1 }]);
  });

  it("logs an allowed request at INFO with the customer id and counts it", async () => {
    const { result, lines } = await captureOutput(() => handler(request({ Authorization: `Bearer ${accessToken(SUB)}` }), lambdaContext("req-az-2"), ports()));

    expect(result!.isAuthorized).to.equal(true);
    const [line] = logLines(lines, "allowed");
    expect([line.level, line.service, line.function_request_id, line.apiRequestId, line.customerId]).to.deep.equal([
      "INFO",
      "authorizer",
      "req-az-2",
      "api-req-7",
      SUB,
    ]);
    expect(emfMetrics(lines)).to.deep.equal([{ namespace: "gridrail", dimensions: [["service"]], service: "authorizer", RequestsAllowed: 1 }]);
  });
});
