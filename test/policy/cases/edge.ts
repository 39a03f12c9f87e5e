import { KEY_ARN, res, RuleCase, variant } from "../fixtures";

const identityPool = res("aws:cognito/identityPool:IdentityPool", "customers-identities", {
  identityPoolName: "gridrail_dev_customers",
  allowUnauthenticatedIdentities: false,
});
const userPool = res("aws:cognito/userPool:UserPool", "customers-users", {
  deletionProtection: "ACTIVE",
  passwordPolicy: { minimumLength: 12, requireLowercase: true, requireUppercase: true, requireNumbers: true, requireSymbols: true },
});
const stage = res("aws:apigatewayv2/stage:Stage", "customers-stage", {
  name: "$default",
  accessLogSettings: {
    destinationArn: "arn:aws:logs:eu-west-1:123456789012:log-group:/gridrail/dev/apigateway/access",
    format: '{"requestId":"$context.requestId"}',
  },
});
const restStage = res("aws:apigateway/stage:Stage", "legacy-stage", { stageName: "v1" });
const trail = res("aws:cloudtrail/trail:Trail", "usage-trail", { s3BucketName: "logs", enableLogFileValidation: true, kmsKeyId: KEY_ARN });

const route = res("aws:apigatewayv2/route:Route", "customers-get-profile", {
  apiId: "api-1",
  routeKey: "GET /profile",
  authorizationType: "CUSTOM",
  authorizerId: "auth-1",
  target: "integrations/int-1",
});

export const EDGE_CASES: readonly RuleCase[] = [
  {
    rule: "apigateway-route-authorized",
    title: "a route open to anyone, and a CUSTOM route without its authorizer (AWS_IAM needs none)",
    pass: [route, variant(route, { authorizationType: "AWS_IAM", authorizerId: undefined }, { name: "iam-route" })],
    fail: [
      variant(route, { authorizationType: "NONE", authorizerId: undefined }),
      variant(route, { authorizerId: undefined }, { name: "customers-put-profile" }),
    ],
    messages: [
      "API route customers-get-profile (GET /profile) has authorizationType NONE: every route needs CUSTOM, JWT or AWS_IAM",
      "API route customers-put-profile (GET /profile) is CUSTOM but names no authorizerId",
    ],
  },
  {
    rule: "cognito-no-unauthenticated-identities",
    title: "guest identities",
    pass: [identityPool],
    fail: [variant(identityPool, { allowUnauthenticatedIdentities: true })],
    messages: ["Cognito identity pool customers-identities allows unauthenticated identities (allowUnauthenticatedIdentities: true)"],
  },
  {
    rule: "cognito-password-policy",
    title: "short passwords without symbols or numbers",
    pass: [userPool],
    fail: [variant(userPool, { passwordPolicy: { minimumLength: 8, requireLowercase: true, requireUppercase: true } })],
    messages: [
      "Cognito user pool customers-users allows passwords shorter than 12 characters (passwordPolicy.minimumLength: 8)",
      "Cognito user pool customers-users password policy does not set requireNumbers, requireSymbols",
    ],
  },
  {
    rule: "apigateway-access-logs",
    title: "a REST stage without access logs",
    pass: [stage],
    fail: [stage, restStage],
    messages: ["API stage legacy-stage has no access logs (accessLogSettings.destinationArn: unset)"],
  },
  {
    rule: "apigateway-access-logs",
    title: "access logs without a format",
    pass: [stage],
    fail: [variant(stage, { accessLogSettings: { destinationArn: "arn:aws:logs:eu-west-1:123456789012:log-group:x" } })],
    messages: ["API stage customers-stage access logs have no format (accessLogSettings.format: unset)"],
  },
  { rule: "cloudtrail-enabled", title: "no trail", pass: [trail], fail: [], messages: ["the stack has no CloudTrail trail"] },
  {
    rule: "cloudtrail-enabled",
    title: "a stopped, unvalidated, unencrypted trail",
    pass: [trail],
    fail: [variant(trail, { enableLogging: false, enableLogFileValidation: undefined, kmsKeyId: undefined })],
    messages: [
      "CloudTrail trail usage-trail is not logging (enableLogging: false)",
      "CloudTrail trail usage-trail does not validate log files (enableLogFileValidation: unset)",
      "CloudTrail trail usage-trail does not encrypt its logs with KMS (kmsKeyId: unset)",
    ],
  },
];
