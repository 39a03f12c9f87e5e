import { headerValue } from "../authorizer/bearerToken";
import type {
  APIGatewayEventRequestContextLambdaAuthorizer,
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2WithRequestContext,
  APIGatewayProxyStructuredResultV2,
} from "aws-lambda";
import { TextDecoder } from "util";
import { Schema, show, validate } from "../shared/httpSchema";

/** The Lambda authorizer's context as the routes read it (set by the authorizer; absent if a route is wired without it). */
type RouteRequestContext = APIGatewayEventRequestContextV2 & {
  readonly authorizer?: APIGatewayEventRequestContextLambdaAuthorizer<Readonly<Record<string, unknown>>>;
};

/**
 * API Gateway HTTP API, payload format 2.0, behind the Lambda authorizer. Header names arrive lower-cased;
 * repeated query parameters arrive joined with commas.
 */
export type HttpApiEvent = APIGatewayProxyEventV2WithRequestContext<RouteRequestContext>;

/** The structured answer (payload 2.0) the routes always give: a status, headers and a string body. */
export type HttpResponse = Required<Pick<APIGatewayProxyStructuredResultV2, "statusCode" | "body">> & { readonly headers: Readonly<Record<string, string>> };

/** A request the route refuses: the status and the message of the `{ "error": ... }` body. */
export class HttpError extends Error {
  readonly statusCode: number;
  /** What the log says of it: the message without the caller's values (claim codes, e-mail, phone). */
  readonly logged: string;
  /** Headers of the answer besides the JSON ones (a 429's `retry-after`). */
  readonly headers?: Readonly<Record<string, string>>;

  constructor(statusCode: number, message: string, logged = message, headers?: Readonly<Record<string, string>>) {
    super(message);
    this.message = message;
    this.name = "HttpError";
    this.statusCode = statusCode;
    this.logged = logged;
    if (headers) this.headers = headers;
  }
}

/** A problem as the log keeps it: the value it ends with (`..., got "+44 1632 960001"`) withheld. */
export function withheld(problem: string): string {
  return problem.replace(/, got [\s\S]*$/, ", got (a value withheld from the log)");
}

/** A 400 (or `status`) for schema problems: each named in the response, their values kept out of the log. */
export function problemsError(problems: readonly string[], prefix = "", status = 400): HttpError {
  return new HttpError(status, `${prefix}${problems.join("; ")}`, `${prefix}${problems.map(withheld).join("; ")}`);
}

// no-store: profiles and presigned URLs are personal and must not sit in shared caches
const JSON_HEADERS = { "content-type": "application/json", "cache-control": "no-store" } as const;

export function jsonResponse(statusCode: number, body: unknown, headers: Readonly<Record<string, string>> = {}): HttpResponse {
  return { statusCode, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

export function errorResponse(e: HttpError): HttpResponse {
  return jsonResponse(e.statusCode, { error: e.message }, e.headers);
}

export { headerValue };

export { show };

/** A path or query parameter checked against its schema; 400 naming the parameter and the value. */
export function checkParameter<T>(schema: Schema<T>, raw: string | undefined, name: string): T {
  const result = validate(schema, raw, name);
  if (!result.ok) throw problemsError(result.problems);
  return result.value;
}

/**
 * The customer the authorizer verified. A route reached without the authorizer's context (a route wired
 * without it) or after the token expired (API Gateway cached the Allow for up to 300 s) is refused with 401.
 */
export function callerOf(event: HttpApiEvent, nowMs: number): string {
  const context = event.requestContext.authorizer?.lambda;
  const customerId = context?.customerId;
  if (typeof customerId !== "string" || customerId === "") {
    throw new HttpError(401, "the request carries no authenticated customer (authorizer context missing)");
  }
  const expiresAt = Number(context?.tokenExpiresAt);
  if (!Number.isFinite(expiresAt) || expiresAt * 1000 <= nowMs) throw new HttpError(401, "the access token has expired");
  return customerId;
}

/**
 * Runs a route: HttpErrors become their `{ error }` response; anything else is logged and answered 500 without
 * internals; the stage's 5xx alarm counts it and the log line at ERROR says why.
 */
export async function respond(event: HttpApiEvent, log: (entry: Record<string, unknown>) => void, route: () => Promise<HttpResponse>): Promise<HttpResponse> {
  try {
    return await route();
  } catch (e) {
    const where = { requestId: event.requestContext.requestId, routeKey: event.routeKey };
    if (e instanceof HttpError) {
      log({ level: e.statusCode >= 500 ? "ERROR" : "INFO", message: "refused", ...where, status: e.statusCode, error: e.logged });
      return errorResponse(e);
    }
    log({ level: "ERROR", message: "failed", ...where, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
    return jsonResponse(500, { error: "internal error; try again later" });
  }
}

/** Bodies larger than this are refused with 413 (a profile is well under 2 KB). */
export const MAX_BODY_BYTES = 8 * 1024;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * The JSON value of a request body: 415 unless `content-type` is application/json (charset utf-8 if given),
 * 413 above `maxBytes` decoded bytes, 400 for an empty body, bad UTF-8 or bad JSON. API Gateway base64-encodes
 * bodies it treats as binary (`isBase64Encoded`); those are decoded first.
 */
export function jsonBody(event: HttpApiEvent, maxBytes = MAX_BODY_BYTES): unknown {
  const contentType = headerValue(event.headers, "content-type");
  const [mediaType, ...params] = (contentType ?? "").split(";").map((p) => p.trim().toLowerCase());
  const charset = params
    .find((p) => p.startsWith("charset="))
    ?.slice("charset=".length)
    .replace(/"/g, "");
  if (mediaType !== "application/json" || (charset !== undefined && charset !== "utf-8" && charset !== "utf8")) {
    throw new HttpError(415, `content-type must be application/json, got ${show(contentType)}`);
  }
  const raw = event.body ?? "";
  // measured before decoding (byteLength of base64 counts without allocating)
  const size = Buffer.byteLength(raw, event.isBase64Encoded ? "base64" : "utf8");
  if (size > maxBytes) throw tooLarge(size, maxBytes);
  const bytes = event.isBase64Encoded ? Buffer.from(raw, "base64") : Buffer.from(raw, "utf8");
  if (bytes.length === 0) throw new HttpError(400, "the body is empty; send a JSON object");
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw new HttpError(400, "the body is not valid UTF-8");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, `the body is not valid JSON: ${show(text)}`, `the body is not valid JSON (${text.length} characters, withheld from the log)`);
  }
}

function tooLarge(bytes: number, maxBytes: number): HttpError {
  return new HttpError(413, `the body is ${bytes} bytes; at most ${maxBytes} are accepted`);
}
