import { showValue } from "../../functions/shared/showValue";

/**
 * `gridrail:webOrigin`: the one browser origin allowed to call the customer API (CORS). An https origin with no
 * path, query or credentials, or a loopback http origin for local development. Absent: no CORS, so browsers
 * on other origins cannot read answers (API clients are unaffected).
 */
export function parseWebOrigin(raw: string | undefined, problems: string[]): string | undefined {
  if (raw === undefined) return undefined;
  const m =
    /^(https):\/\/([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+)(:[1-9][0-9]{0,4})?$/.exec(raw) ??
    /^(http):\/\/(localhost|127\.0\.0\.1)(:[1-9][0-9]{0,4})?$/.exec(raw);
  const port = m?.[m.length - 1]?.slice(1);
  const defaultPort = m?.[1] === "https" ? "443" : "80";
  if (m && port !== undefined && (Number(port) > 65535 || port === defaultPort)) {
    problems.push(
      `gridrail:webOrigin port ${port} ${port === defaultPort ? `is ${m[1]}'s default, which browsers leave out of the Origin header: drop it` : "is above 65535"}, got ${showValue(raw, "undefined", 200)}`,
    );
    return undefined;
  }
  if (!m) {
    problems.push(
      `gridrail:webOrigin must be an origin like "https://app.example.com" (https, lower-case host, optional port, no path or trailing slash) or http://localhost[:port], got ${showValue(raw, "undefined", 200)}`,
    );
    return undefined;
  }
  return raw;
}

/** The HTTP API's CORS settings for the web origin: bearer tokens, not cookies, so no credentials. */
export function corsFor(origin: string) {
  return {
    allowOrigins: [origin],
    allowMethods: ["GET", "PUT", "POST", "DELETE"],
    allowHeaders: ["authorization", "content-type", "if-match"],
    exposeHeaders: ["etag"],
    allowCredentials: false,
    maxAge: 3600,
  };
}

/**
 * The reports bucket's CORS rule for the web origin: the app fetches a report (`?format=json`) from the presigned
 * URL the API gave it, a plain GET, no credentials (the signature is in the URL). Without it the browser blocks
 * the answer; an HTML report opened by navigation needs none.
 */
export function reportsCorsFor(origin: string) {
  return { allowedOrigins: [origin], allowedMethods: ["GET", "HEAD"], allowedHeaders: [] as string[], maxAgeSeconds: 3600 };
}
