import { createHmac, timingSafeEqual } from "crypto";
import { decodeSegment, requestUrl } from "../requestTarget";

/**
 * Presigned GETs of the local reports bucket. The query names follow SigV4's (`X-Amz-Date`, `X-Amz-Expires`,
 * `X-Amz-Signature`) so a URL reads like S3's, but the signature is an HMAC-SHA256 with the run's own secret
 * over the method, the object path and the time fields: the local server can check exactly what S3 checks
 * for a customer (the URL names one object, was signed by the bucket's signer, and has not expired), without
 * reproducing SigV4's canonical request.
 */
export const ALGORITHM = "GRIDRAIL-LOCAL-HMAC-SHA256";
/** SigV4's limit on X-Amz-Expires (7 days). */
export const MAX_EXPIRES_SECONDS = 604800;

/** `20261203T101500Z`, SigV4's X-Amz-Date. */
export function amzDate(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

function parseAmzDate(raw: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(raw);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

const signature = (secret: Buffer, path: string, date: string, expires: string) =>
  createHmac("sha256", secret).update(`GET\n${path}\n${ALGORITHM}\n${date}\n${expires}`, "utf8").digest("hex");

/** The object's path in a URL: `/{bucket}/{key}`, each key segment percent-encoded as S3 does. */
export function objectPath(bucket: string, key: string): string {
  return `/${bucket}/${key.split("/").map(encodeURIComponent).join("/")}`;
}

/** The presigned URL of `key` under `base` (e.g. `http://127.0.0.1:4567`), signed at `signedAt`, valid `ttlSeconds`. */
export function presignUrl(secret: Buffer, base: string, bucket: string, key: string, ttlSeconds: number, signedAt: Date): string {
  const path = objectPath(bucket, key);
  const date = amzDate(signedAt);
  const expires = String(ttlSeconds);
  const query = new URLSearchParams({
    "X-Amz-Algorithm": ALGORITHM,
    "X-Amz-Date": date,
    "X-Amz-Expires": expires,
    "X-Amz-Signature": signature(secret, path, date, expires),
  });
  return `${base}${path}?${query.toString()}`;
}

export type UrlCheck =
  { readonly ok: true; readonly key: string } | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

const refuse = (status: number, code: string, message: string): UrlCheck => ({ ok: false, status, code, message });

/**
 * S3's answer to a GET of `pathAndQuery` on `bucket` at `nowMs`, before the object is looked up: the key it
 * names, or S3's error code (AccessDenied for an unsigned or expired URL, SignatureDoesNotMatch for a URL
 * changed after signing, AuthorizationQueryParametersError for malformed time fields).
 */
export function checkPresignedUrl(secret: Buffer, bucket: string, pathAndQuery: string, nowMs: number): UrlCheck {
  const url = requestUrl(pathAndQuery);
  if (url === undefined) return refuse(400, "InvalidURI", `the request target ${JSON.stringify(pathAndQuery.slice(0, 100))} is not a valid URL`);
  const q = url.searchParams;
  const prefix = `/${bucket}/`;
  if (!url.pathname.startsWith(prefix) || url.pathname.length === prefix.length) return refuse(404, "NoSuchKey", `no object at ${url.pathname}`);
  const sig = q.get("X-Amz-Signature");
  if (sig === null || q.get("X-Amz-Algorithm") !== ALGORITHM) return refuse(403, "AccessDenied", "Access Denied (the URL is not presigned)");
  const date = q.get("X-Amz-Date") ?? "";
  const expires = q.get("X-Amz-Expires") ?? "";
  const signedMs = parseAmzDate(date);
  if (signedMs === undefined) return refuse(400, "AuthorizationQueryParametersError", `X-Amz-Date must be YYYYMMDDTHHMMSSZ, got ${JSON.stringify(date)}`);
  if (!/^[1-9][0-9]{0,5}$/.test(expires) || Number(expires) > MAX_EXPIRES_SECONDS) {
    return refuse(400, "AuthorizationQueryParametersError", `X-Amz-Expires must be 1 to ${MAX_EXPIRES_SECONDS} seconds, got ${JSON.stringify(expires)}`);
  }
  const expected = Buffer.from(signature(secret, url.pathname, date, expires), "hex");
  const given = Buffer.from(/^[0-9a-f]{64}$/.test(sig) ? sig : "", "hex");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return refuse(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
  }
  if (nowMs >= signedMs + Number(expires) * 1000) return refuse(403, "AccessDenied", "Request has expired");
  const parts = url.pathname.slice(prefix.length).split("/").map(decodeSegment);
  if (parts.includes(undefined)) return refuse(400, "InvalidURI", `the path ${JSON.stringify(url.pathname)} is not valid percent-encoding`);
  return { ok: true, key: parts.join("/") };
}
