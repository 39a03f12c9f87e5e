import { AuthorizerEvent, TokenVerifier, authorize } from "./authorize";
import { SimpleAuthorizerResponse } from "./authorizerContext";
import { createCognitoVerifier, tokenVerifier } from "./cognitoVerifier";
import { SessionCheck, cognitoSessionCheck } from "./sessionCheck";

// The verifier keeps the pool's JWKS between invocations of a warm Lambda, and the Cognito client its
// connections, so both are built once.
const warm: { verifier?: TokenVerifier; sessions?: SessionCheck } = {};

/** Reads USER_POOL_ID and CLIENT_ID (set by the CustomerApi component); both are required. */
export function verifierFromEnvironment(env: Readonly<Record<string, string | undefined>>): TokenVerifier {
  const missing = ["USER_POOL_ID", "CLIENT_ID"].filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`environment variable${missing.length > 1 ? "s" : ""} ${missing.join(", ")} must be set`);
  return tokenVerifier(createCognitoVerifier(env.USER_POOL_ID!, env.CLIENT_ID!));
}

/** HTTP API REQUEST authorizer, payload 2.0, simple responses. */
export async function handler(event: AuthorizerEvent): Promise<SimpleAuthorizerResponse> {
  warm.verifier ??= verifierFromEnvironment(process.env);
  warm.sessions ??= cognitoSessionCheck();
  return authorize(event, warm.verifier, warm.sessions, (entry) => console.log(JSON.stringify(entry)));
}
