import { AuthorizerEvent, TokenVerifier, authorize } from "./authorize";
import { SimpleAuthorizerResponse } from "./authorizerContext";
import { createCognitoVerifier, tokenVerifier } from "./cognitoVerifier";

// The verifier keeps the pool's JWKS between invocations of a warm Lambda, so it is built once.
const warm: { verifier?: TokenVerifier } = {};

/** Reads USER_POOL_ID and CLIENT_ID (set by the CustomerApi component); both are required. */
export function verifierFromEnvironment(env: Readonly<Record<string, string | undefined>>): TokenVerifier {
  const missing = ["USER_POOL_ID", "CLIENT_ID"].filter((name) => !env[name]);
  if (missing.length > 0) throw new Error(`environment variable${missing.length > 1 ? "s" : ""} ${missing.join(", ")} must be set`);
  return tokenVerifier(createCognitoVerifier(env.USER_POOL_ID!, env.CLIENT_ID!));
}

/** HTTP API REQUEST authorizer, payload 2.0, simple responses. */
export async function handler(event: AuthorizerEvent): Promise<SimpleAuthorizerResponse> {
  warm.verifier ??= verifierFromEnvironment(process.env);
  return authorize(event, warm.verifier, (entry) => console.log(JSON.stringify(entry)));
}
