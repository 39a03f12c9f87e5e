/**
 * API Gateway HTTP API events (payload format 2.0), built the way API Gateway builds them: header names
 * lower-cased, repeated headers and query parameters joined with commas, `rawQueryString` as sent, the body a
 * string (base64 when API Gateway treats it as binary), the Lambda authorizer's context under
 * `requestContext.authorizer.lambda`. `throughGateway` plays API Gateway's part in front of a route: 401 when
 * the Authorization header is missing (the authorizer is not called), 403 when the authorizer says no.
 */
import { AuthorizerEvent } from "../../functions/authorizer/authorize";
import { SimpleAuthorizerResponse } from "../../functions/authorizer/authorizerContext";
import { HttpApiEvent, HttpResponse } from "../../functions/profileApi/httpApi";

export const ACCOUNT_ID = "123456789012";
export const REGION = "eu-west-1";
export const API_ID = "k3x9p2q7ab";
export const STAGE = "$default";

export interface RequestInput {
  readonly method: string;
  /** The path as sent, e.g. `/reports/2026-11-21`. */
  readonly path: string;
  /** The matched route, e.g. `GET /reports/{date}`. Default `<method> <path>`. */
  readonly routeKey?: string;
  readonly pathParameters?: Record<string, string>;
  /** Query parameters in order; a repeated name is given as a list. */
  readonly query?: Record<string, string | readonly string[]>;
  /** Headers as a client sends them (any case; a repeated header as a list). */
  readonly headers?: Record<string, string | readonly string[]>;
  /** A string is sent as is; an object as JSON; a Buffer base64-encoded (`isBase64Encoded`). */
  readonly body?: string | Buffer | object;
  /** Send a string or JSON body base64-encoded, as API Gateway does for a content type it treats as binary. */
  readonly base64?: boolean;
  readonly requestId?: string;
  /** Request time, epoch ms. Default 2026-11-22T08:00:00Z. */
  readonly timeEpoch?: number;
}

export const DEFAULT_TIME = Date.UTC(2026, 10, 22, 8, 0, 0);
let requestCounter = 0;

function joinHeaders(headers: RequestInput["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    const key = name.toLowerCase();
    const text = typeof value === "string" ? value : value.join(",");
    out[key] = out[key] === undefined ? text : `${out[key]},${text}`;
  }
  return out;
}

function query(input: RequestInput): { raw: string; parameters?: Record<string, string> } {
  const pairs = Object.entries(input.query ?? {}).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : v.map((x) => [k, x])));
  if (pairs.length === 0) return { raw: "" };
  const parameters: Record<string, string> = {};
  for (const [k, v] of pairs) parameters[k] = parameters[k] === undefined ? v : `${parameters[k]},${v}`;
  return { raw: pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join("&"), parameters };
}

function bodyOf(input: RequestInput): { body?: string; isBase64Encoded: boolean } {
  if (input.body === undefined) return { isBase64Encoded: false };
  if (Buffer.isBuffer(input.body)) return { body: input.body.toString("base64"), isBase64Encoded: true };
  const text = typeof input.body === "string" ? input.body : JSON.stringify(input.body);
  return input.base64 ? { body: Buffer.from(text, "utf8").toString("base64"), isBase64Encoded: true } : { body: text, isBase64Encoded: false };
}

/** The request context both the authorizer and the route receive. */
function requestContext(input: RequestInput, routeKey: string, headers: Record<string, string>) {
  const timeEpoch = input.timeEpoch ?? DEFAULT_TIME;
  return {
    accountId: ACCOUNT_ID,
    apiId: API_ID,
    domainName: `${API_ID}.execute-api.${REGION}.amazonaws.com`,
    domainPrefix: API_ID,
    http: { method: input.method, path: input.path, protocol: "HTTP/1.1", sourceIp: "198.51.100.7", userAgent: headers["user-agent"] ?? "test-client/1.0" },
    requestId: input.requestId ?? `req-${(++requestCounter).toString().padStart(6, "0")}`,
    routeKey,
    stage: STAGE,
    time: new Date(timeEpoch).toISOString(),
    timeEpoch,
  };
}

/** The event a route Lambda receives, without an authorizer context (see `withAuthorizerContext`). */
export function httpApiRequest(input: RequestInput): HttpApiEvent {
  const routeKey = input.routeKey ?? `${input.method} ${input.path}`;
  const headers = joinHeaders(input.headers);
  const q = query(input);
  return {
    version: "2.0",
    routeKey,
    rawPath: input.path,
    rawQueryString: q.raw,
    headers,
    ...(q.parameters ? { queryStringParameters: q.parameters } : {}),
    ...(input.pathParameters ? { pathParameters: input.pathParameters } : {}),
    requestContext: requestContext(input, routeKey, headers),
    ...bodyOf(input),
  };
}

/** The route event as API Gateway forwards it after a Lambda authorizer allowed it with `context`. */
export function withAuthorizerContext(event: HttpApiEvent, context: Record<string, unknown>): HttpApiEvent {
  return { ...event, requestContext: { ...event.requestContext, authorizer: { lambda: { ...context } } } };
}

/** `arn:aws:execute-api:{region}:{account}:{api}/{stage}/{method}/{path without the leading slash}`. */
export function routeArn(method: string, path: string): string {
  return `arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${API_ID}/${STAGE}/${method}${path}`;
}

/** What the REQUEST authorizer (payload 2.0, identity source the Authorization header) receives. */
export function authorizerRequest(input: RequestInput): AuthorizerEvent & Record<string, unknown> {
  const event = httpApiRequest(input);
  const authorization = event.headers.authorization;
  return {
    version: "2.0",
    type: "REQUEST",
    routeArn: routeArn(input.method, input.path),
    identitySource: authorization === undefined ? [] : [authorization],
    routeKey: event.routeKey,
    rawPath: event.rawPath,
    rawQueryString: event.rawQueryString,
    headers: event.headers,
    ...(event.queryStringParameters ? { queryStringParameters: event.queryStringParameters } : {}),
    ...(event.pathParameters ? { pathParameters: event.pathParameters } : {}),
    requestContext: event.requestContext,
  };
}

export type Authorizer = (event: AuthorizerEvent) => Promise<SimpleAuthorizerResponse>;
export type Route = (event: HttpApiEvent) => Promise<HttpResponse>;

/**
 * API Gateway in front of a route: no (or an empty) Authorization header → 401 without calling the authorizer;
 * `isAuthorized: false` → 403; otherwise the route gets the event with the authorizer's context. The bodies are
 * API Gateway's own.
 */
export async function throughGateway(input: RequestInput, authorizer: Authorizer, route: Route): Promise<HttpResponse> {
  const auth = authorizerRequest(input);
  if ((auth.identitySource as string[]).every((v) => v.trim() === "")) {
    return { statusCode: 401, headers: { "content-type": "application/json" }, body: JSON.stringify({ message: "Unauthorized" }) };
  }
  const decision = await authorizer(auth);
  if (!decision.isAuthorized) return { statusCode: 403, headers: { "content-type": "application/json" }, body: JSON.stringify({ message: "Forbidden" }) };
  return route(withAuthorizerContext(httpApiRequest(input), decision.context as unknown as Record<string, unknown>));
}
