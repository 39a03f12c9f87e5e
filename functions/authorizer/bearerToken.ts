/** A JWT is three base64url segments; Cognito's are a few KB. Anything else is refused before verification. */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_TOKEN_LENGTH = 8192;
/** Registered HTTP authentication schemes (and AWS's); any other word before a space may be part of a token. */
const SCHEMES = ["basic", "digest", "hoba", "mutual", "negotiate", "ntlm", "oauth", "scram-sha-1", "scram-sha-256", "vapid", "token", "aws4-hmac-sha256"];

export type TokenExtraction = { readonly token: string } | { readonly reason: string };

/**
 * The token of an `Authorization` header value: `Bearer <jwt>` (scheme case-insensitive, as RFC 6750 allows)
 * or a bare `<jwt>`, which is what Amplify and API Gateway's own JWT authorizer also accept. The reasons never
 * contain the header value, so they are safe to log.
 */
export function bearerToken(header: string | undefined): TokenExtraction {
  if (header === undefined || header.trim() === "") return { reason: "no Authorization header" };
  const value = header.trim();
  const space = value.indexOf(" ");
  let token = value;
  if (space >= 0) {
    const scheme = value.slice(0, space);
    if (scheme.toLowerCase() !== "bearer") {
      // only a known scheme name is logged: the first word of a pasted token with a space in it must not be
      return {
        reason: SCHEMES.includes(scheme.toLowerCase())
          ? `Authorization scheme ${JSON.stringify(scheme)} is not Bearer`
          : "Authorization header is neither <jwt> nor Bearer <jwt>",
      };
    }
    token = value.slice(space + 1).trim();
  }
  if (token.length === 0) return { reason: "Bearer scheme without a token" };
  if (token.length > MAX_TOKEN_LENGTH) return { reason: `token is ${token.length} characters, more than ${MAX_TOKEN_LENGTH}` };
  if (!JWT_SHAPE.test(token)) return { reason: "token is not a JWT (three base64url segments)" };
  return { token };
}

/** Payload 2.0 lower-cases header names; a hand-built event may not, so the lookup ignores case. */
export function headerValue(headers: Readonly<Record<string, string | undefined>> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}
