import type { APIGatewayRequestAuthorizerEventV2 } from "aws-lambda";
import { FetchError, JwksValidationError, JwtBaseError } from "aws-jwt-verify/error";
import { AuthorizerContext, SimpleAuthorizerResponse } from "./authorizerContext";
import { bearerToken, headerValue } from "./bearerToken";
import { SessionCheck } from "./sessionCheck";

/** The claims the authorizer reads from a verified Cognito access token. */
export interface VerifiedClaims {
  readonly sub: string;
  readonly exp: number;
}

/** Verifies a token (signature, issuer, client, token use, expiry) or throws; `CognitoJwtVerifier` in the Lambda. */
export interface TokenVerifier {
  verify(token: string): Promise<VerifiedClaims>;
}

/** The parts of the payload 2.0 REQUEST authorizer event the decision reads (any may be missing). */
export type AuthorizerEvent = Partial<Pick<APIGatewayRequestAuthorizerEventV2, "routeArn" | "headers">> & {
  readonly requestContext?: Partial<Pick<APIGatewayRequestAuthorizerEventV2["requestContext"], "requestId">>;
};

export type DecisionLog = (entry: Record<string, unknown>) => void;

/**
 * Allows a request whose Authorization header carries a valid Cognito access token of our app client whose
 * session the user pool still honours, and passes the user's `sub` on as `customerId`. Every denial is logged
 * with its reason, never with the token. Verification failures and refused sessions deny (403); only a token
 * that verified is shown to the pool. A JWKS that cannot be fetched or is malformed, or a pool that cannot
 * answer, throws, so API Gateway answers 500 and the function's error alarm fires instead of customers being
 * told their valid token is bad.
 */
export async function authorize(event: AuthorizerEvent, verifier: TokenVerifier, sessions: SessionCheck, log: DecisionLog): Promise<SimpleAuthorizerResponse> {
  const where = { requestId: event.requestContext?.requestId, routeArn: event.routeArn };
  const extracted = bearerToken(headerValue(event.headers, "authorization"));
  if ("reason" in extracted) return deny(log, where, "MalformedAuthorization", extracted.reason);
  let claims: VerifiedClaims;
  try {
    claims = await verifier.verify(extracted.token);
  } catch (e) {
    if (e instanceof FetchError || e instanceof JwksValidationError || !(e instanceof JwtBaseError)) throw e;
    return deny(log, where, e.constructor.name, e.message);
  }
  const refusal = await sessions.refusal(extracted.token);
  if (refusal) return deny(log, where, refusal.reason, refusal.detail);
  const context: AuthorizerContext = { customerId: claims.sub, tokenExpiresAt: claims.exp };
  log({ level: "INFO", message: "allowed", ...where, customerId: claims.sub });
  return { isAuthorized: true, context };
}

function deny(log: DecisionLog, where: Record<string, unknown>, reason: string, detail: string): SimpleAuthorizerResponse {
  log({ level: "WARN", message: "denied", ...where, reason, detail });
  return { isAuthorized: false };
}
