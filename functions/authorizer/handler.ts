import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { AuthorizerEvent, TokenVerifier, authorize } from "./authorize";
import { SimpleAuthorizerResponse } from "./authorizerContext";
import { createCognitoVerifier, tokenVerifier } from "./cognitoVerifier";
import { SessionCheck, cognitoSessionCheck } from "./sessionCheck";
import { LambdaContext, count, createObservability, invocation, logPort } from "../shared/observability";
import { requireVariables } from "../shared/environment";
import { AUTHORIZER_VARIABLES } from "./variables";

// The verifier keeps the pool's JWKS between invocations of a warm Lambda, and the Cognito client its
// connections, so both are built once.
const warm: { verifier?: TokenVerifier; sessions?: SessionCheck } = {};
const o = createObservability("authorizer");

/** Reads USER_POOL_ID and CLIENT_ID (set by the CustomerApi component); both are required. */
export function verifierFromEnvironment(env: Readonly<Record<string, string | undefined>>): TokenVerifier {
  const { USER_POOL_ID, CLIENT_ID } = requireVariables(env, AUTHORIZER_VARIABLES.required);
  return tokenVerifier(createCognitoVerifier(USER_POOL_ID, CLIENT_ID));
}

/**
 * HTTP API REQUEST authorizer, payload 2.0, simple responses. `sessions` and `verifier` replace the Cognito
 * ones (tests); each decision is counted as RequestsAllowed or RequestsDenied.
 */
export async function handler(
  event: AuthorizerEvent,
  context?: LambdaContext,
  ports: { verifier?: TokenVerifier; sessions?: SessionCheck } = {},
): Promise<SimpleAuthorizerResponse> {
  return invocation(o, context, { apiRequestId: event.requestContext?.requestId }, async () => {
    const verifier = ports.verifier ?? (warm.verifier ??= verifierFromEnvironment(process.env));
    const sessions = ports.sessions ?? (warm.sessions ??= cognitoSessionCheck(o.tracer.captureAWSv3Client(new CognitoIdentityProviderClient({}))));
    const response = await authorize(event, verifier, sessions, logPort(o.logger));
    count(o, response.isAuthorized ? "RequestsAllowed" : "RequestsDenied", 1);
    return response;
  });
}
