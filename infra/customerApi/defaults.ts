/** Customer-API defaults: the Cognito password policy, token lifetimes and the route table. */

export const passwordPolicyDefaults = {
  minimumLength: 12,
  requireLowercase: true,
  requireUppercase: true,
  requireNumbers: true,
  requireSymbols: true,
  temporaryPasswordValidityDays: 3,
} as const;

export const tokenDefaults = {
  accessTokenMinutes: 60,
  idTokenMinutes: 60,
  refreshTokenDays: 30,
} as const;

export type RouteTarget = "profileApi" | "reportUrl";

/** Every route requires the Lambda authorizer; there is no anonymous route. */
export const ROUTES: readonly { readonly routeKey: string; readonly target: RouteTarget }[] = [
  { routeKey: "GET /profile", target: "profileApi" },
  { routeKey: "PUT /profile", target: "profileApi" },
  // erases the profile and the meter link; the meter's reports stay with the meter
  { routeKey: "DELETE /profile", target: "profileApi" },
  // { meterId, claimCode }: links the caller's profile to a meter with the supplier's one-time claim code
  { routeKey: "POST /profile/meter", target: "profileApi" },
  // {date}: YYYY-MM-DD or YYYYMMDD; the answer is a presigned URL of the report, `?format=json` for the JSON one
  { routeKey: "GET /reports/{date}", target: "reportUrl" },
  // the caller's report days, newest first: ?limit=1-100 (default 30), ?next= the previous page's token
  { routeKey: "GET /reports", target: "reportUrl" },
];

/** Seconds a presigned report URL stays valid. */
export const REPORT_URL_TTL_SECONDS = 300;

/**
 * API Gateway answers 503 after `INTEGRATION_TIMEOUT_MS`; a route function stops a second before it, so a warm
 * call the caller was told failed does not go on to succeed (a profile update or a meter link after the 503). A
 * cold start's initialisation runs outside the function's timeout, so a slow one can still outlast the 503.
 */
export const INTEGRATION_TIMEOUT_MS = 10_000;
export const ROUTE_FUNCTION_TIMEOUT_SECONDS = INTEGRATION_TIMEOUT_MS / 1000 - 1;

/** Access-log line: JSON with the fields needed to trace a request and its authorizer decision. */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: "$context.requestId",
  ip: "$context.identity.sourceIp",
  requestTime: "$context.requestTime",
  routeKey: "$context.routeKey",
  status: "$context.status",
  // the Lambda service's status of the integration call; "-" when no function ran (refused by the throttle)
  integrationStatus: "$context.integrationStatus",
  responseLength: "$context.responseLength",
  integrationError: "$context.integrationErrorMessage",
  authorizerError: "$context.authorizer.error",
  // simple authorizer responses set no principalId; the context carries the customer
  customerId: "$context.authorizer.customerId",
});
