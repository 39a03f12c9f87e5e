import { ACCOUNT, KEY_ARN, policyDocument, res, RuleCase, variant } from "../fixtures";

const key = res("aws:kms/key:Key", "data-key", { description: "gridrail dev: data", enableKeyRotation: true, deletionWindowInDays: 30 });
const signingKey = res("aws:kms/key:Key", "signing-key", { customerMasterKeySpec: "RSA_2048", keyUsage: "SIGN_VERIFY" });

const ROLE = "aws:iam/role:Role";
const role = res(ROLE, "parser-role", {
  assumeRolePolicy: policyDocument({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }),
});
const logGroup = res("aws:cloudwatch/logGroup:LogGroup", "parser-logs", { name: "/gridrail/dev/lambda/parser", retentionInDays: 7, kmsKeyId: KEY_ARN });
const fn = res("aws:lambda/function:Function", "parser-fn", {
  role: `arn:aws:iam::${ACCOUNT}:role/parser-role`,
  runtime: "nodejs22.x",
  handler: "index.handler",
  loggingConfig: { logFormat: "JSON", logGroup: "/gridrail/dev/lambda/parser" },
  tracingConfig: { mode: "Active" },
  reservedConcurrentExecutions: 5,
});
/** A function on Lambda's default log group `/aws/lambda/<name>`. */
const defaultLogging = variant(fn, { name: "parser", loggingConfig: undefined });
const defaultLogGroup = res("aws:cloudwatch/logGroup:LogGroup", "parser-default-logs", { name: "/aws/lambda/parser", retentionInDays: 14 });

const rolePolicy = res("aws:iam/rolePolicy:RolePolicy", "parser-policy", {
  role: "parser-role",
  policy: policyDocument(
    { Sid: "ReadLake", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::lake/*" },
    { Sid: "WriteTraces", Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
  ),
});
/** The parser's writes: its own prefixes of the lake, granted to a Lambda role. */
const writePolicy = res("aws:iam/rolePolicy:RolePolicy", "parser-write-policy", {
  role: "parser-role",
  policy: policyDocument({
    Sid: "WriteLake",
    Effect: "Allow",
    Action: ["s3:PutObject"],
    Resource: ["arn:aws:s3:::lake/processed/*", "arn:aws:s3:::lake/quarantine/*"],
  }),
});
/** A role another service assumes (Firehose delivers into whole buckets by design). */
const firehoseRole = res(ROLE, "delivery-role", {
  assumeRolePolicy: policyDocument({ Effect: "Allow", Principal: { Service: "firehose.amazonaws.com" }, Action: "sts:AssumeRole" }),
});
const firehoseWrites = res("aws:iam/rolePolicy:RolePolicy", "delivery-policy", {
  role: "delivery-role",
  policy: policyDocument({ Sid: "Deliver", Effect: "Allow", Action: ["s3:PutObject"], Resource: "arn:aws:s3:::lake/*" }),
});

const attachment = res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "parser-basic-execution", {
  role: "parser-role",
  policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
});

const permission = res("aws:lambda/permission:Permission", "profile-invoke", {
  action: "lambda:InvokeFunction",
  function: "profile-fn",
  principal: "apigateway.amazonaws.com",
  sourceArn: `arn:aws:execute-api:eu-west-1:${ACCOUNT}:api-1/*/*`,
});
const functionUrl = res("aws:lambda/functionUrl:FunctionUrl", "profile-url", { functionName: "profile-fn", authorizationType: "AWS_IAM" });

const ROOT = `arn:aws:iam::${ACCOUNT}:root`;
const keyPolicy = (...extra: Record<string, unknown>[]) =>
  policyDocument({ Sid: "AccountAdministersThroughIam", Effect: "Allow", Principal: { AWS: ROOT }, Action: "kms:*", Resource: "*" }, ...extra);

/** The parser with variables: a bucket name and where its secret is kept, under a key of the stack. */
const withEnvironment = variant(fn, {
  environment: { variables: { LAKE_BUCKET: "lake", DB_SECRET_ARN: `arn:aws:secretsmanager:eu-west-1:${ACCOUNT}:secret:db-AbCdEf`, SESSION_TOKEN: "" } },
  kmsKeyArn: KEY_ARN,
});
const topic = res("aws:sns/topic:Topic", "alerts-topic", { kmsMasterKeyId: KEY_ARN });
/** A key whose policy gives its own account kms:*: the stack's account, as the trust rule reads it. */
const administeredKey = variant(key, {
  policy: policyDocument({ Sid: "Administer", Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "kms:*", Resource: "*" }),
});

/** The parser run daily by Scheduler, and the configuration that keeps its failed runs. */
const schedule = res("aws:scheduler/schedule:Schedule", "parser-schedule", {
  scheduleExpression: "cron(30 0 * * ? *)",
  target: { arn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:parser-fn`, roleArn: `arn:aws:iam::${ACCOUNT}:role/scheduler-role` },
});
const failedRuns = res("aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", "parser-failed-runs", {
  functionName: "parser-fn",
  maximumRetryAttempts: 2,
  destinationConfig: { onFailure: { destination: `arn:aws:sqs:eu-west-1:${ACCOUNT}:parser-schedule-dlq` } },
});

export const COMPUTE_CASES: readonly RuleCase[] = [
  {
    rule: "lambda-scheduled-failure-destination",
    title: "a scheduled function whose failed runs go nowhere",
    pass: [fn, schedule, failedRuns, variant(fn, {}, { name: "report-fn" })],
    fail: [
      fn,
      schedule,
      variant(failedRuns, { destinationConfig: undefined }),
      variant(fn, {}, { name: "report-fn" }),
      variant(schedule, { target: { arn: `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:report-fn` } }, { name: "report-schedule" }),
    ],
    messages: [
      "scheduled Lambda function parser-fn has no on-failure destination (destinationConfig.onFailure.destination: unset): a run that fails its retries is lost",
      "scheduled Lambda function report-fn has no on-failure destination (destinationConfig.onFailure.destination: unset): a run that fails its retries is lost",
    ],
  },
  {
    rule: "logs-encryption",
    title: "a log group without a key, or under the AWS managed one",
    pass: [logGroup, variant(logGroup, { kmsKeyId: "alias/gridrail-logs" }, { name: "aliased-logs" })],
    fail: [variant(logGroup, { kmsKeyId: undefined }), variant(logGroup, { kmsKeyId: "alias/aws/logs" }, { name: "managed-logs" })],
    messages: [
      "log group parser-logs is not encrypted with KMS (kmsKeyId: unset)",
      "log group managed-logs uses the AWS managed key alias/aws/logs, not a key of the stack",
    ],
  },
  {
    rule: "sns-encryption",
    title: "an alert topic in the clear, or under alias/aws/sns",
    pass: [topic],
    fail: [variant(topic, { kmsMasterKeyId: undefined }), variant(topic, { kmsMasterKeyId: "alias/aws/sns" }, { name: "managed-topic" })],
    messages: [
      "SNS topic alerts-topic is not encrypted with KMS (kmsMasterKeyId: unset)",
      "SNS topic managed-topic uses the AWS managed key alias/aws/sns, not a key of the stack",
    ],
  },
  {
    rule: "lambda-environment-encryption",
    title: "variables under Lambda's own key (a function without variables needs none)",
    pass: [fn, withEnvironment],
    fail: [
      variant(withEnvironment, { kmsKeyArn: undefined }),
      variant(withEnvironment, { kmsKeyArn: `arn:aws:kms:eu-west-1:${ACCOUNT}:alias/aws/lambda` }, { name: "managed-fn" }),
    ],
    messages: [
      "Lambda function parser-fn environment is not encrypted with KMS (kmsKeyArn: unset)",
      `Lambda function managed-fn environment uses the AWS managed key arn:aws:kms:eu-west-1:${ACCOUNT}:alias/aws/lambda, not a key of the stack`,
    ],
  },
  {
    rule: "lambda-no-plaintext-secrets",
    title: "a password and an API key in the environment (a secret's ARN, an empty value and other names pass)",
    pass: [withEnvironment, variant(withEnvironment, { environment: { variables: { TOKEN_TABLE: "tokens", SECRET_ARN: "arn:aws:secretsmanager:x" } } })],
    fail: [variant(withEnvironment, { environment: { variables: { LAKE_BUCKET: "lake", DB_PASSWORD: "hunter2hunter2", partner_api_key: "k-123" } } })],
    messages: [
      "Lambda function parser-fn environment variable DB_PASSWORD holds a secret in plain text (value withheld): pass a Secrets Manager ARN",
      "Lambda function parser-fn environment variable partner_api_key holds a secret in plain text (value withheld): pass a Secrets Manager ARN",
    ],
  },
  {
    rule: "iam-no-data-actions-on-all-resources",
    title: "reads, writes and decrypts on every resource, and a NotAction allow (traces on * pass: X-Ray has no resources)",
    pass: [rolePolicy],
    fail: [
      variant(rolePolicy, {
        policy: policyDocument(
          { Sid: "ReadAll", Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
          { Sid: "WriteTables", Effect: "Allow", Action: ["DynamoDB:PutItem", "xray:PutTraceSegments"], Resource: "arn:aws:dynamodb:*:*:*" },
          { Sid: "Decrypt", Effect: "Allow", Action: "kms:Decrypt", Resource: ["arn:aws:kms:eu-west-1:123456789012:key/k-1", "*"] },
          { Sid: "AllButIam", Effect: "Allow", NotAction: "iam:*", Resource: "*" },
        ),
      }),
    ],
    messages: [
      "IAM policy parser-policy statement AllButIam allows NotAction: everything but the actions it names",
      "IAM policy parser-policy statement ReadAll allows s3:GetObject on *: name the resources",
      "IAM policy parser-policy statement WriteTables allows DynamoDB:PutItem on arn:aws:dynamodb:*:*:*: name the resources",
      "IAM policy parser-policy statement Decrypt allows kms:Decrypt on *: name the resources",
    ],
  },
  {
    rule: "alarms-function-errors",
    title: "a function whose only alarm is on its throttles",
    pass: [
      fn,
      res("aws:cloudwatch/metricAlarm:MetricAlarm", "parser-errors-alarm", {
        namespace: "AWS/Lambda",
        metricName: "Errors",
        dimensions: { FunctionName: "parser-fn" },
      }),
    ],
    fail: [
      fn,
      res("aws:cloudwatch/metricAlarm:MetricAlarm", "parser-throttles-alarm", {
        namespace: "AWS/Lambda",
        metricName: "Throttles",
        dimensions: { FunctionName: "parser-fn" },
      }),
    ],
    messages: ["function parser-fn has no alarm on its errors (AWS/Lambda Errors)"],
  },
  {
    rule: "kms-key-policy-scoped",
    title: "a key policy open to anyone, and one granting another account",
    pass: [
      variant(key, {
        policy: keyPolicy({
          Sid: "AllowLogs",
          Effect: "Allow",
          Principal: { Service: "logs.eu-west-1.amazonaws.com" },
          Action: ["kms:Encrypt", "kms:Decrypt"],
          Resource: "*",
          Condition: { ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:eu-west-1:${ACCOUNT}:*` } },
        }),
      }),
    ],
    fail: [
      variant(key, { policy: keyPolicy({ Sid: "Anyone", Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" }) }),
      variant(
        key,
        { policy: keyPolicy({ Sid: "Partner", Effect: "Allow", Principal: { AWS: "arn:aws:iam::999999999999:root" }, Action: "kms:Decrypt", Resource: "*" }) },
        { name: "shared-key" },
      ),
    ],
    messages: [
      "KMS key data-key policy statement Anyone allows kms:* to anyone, with no condition",
      "KMS key shared-key policy statement Partner allows kms:Decrypt to arn:aws:iam::999999999999:root, outside the key's account",
    ],
  },
  {
    rule: "lambda-invoke-restricted",
    title: "anyone may invoke, a service from any source, a public function URL",
    pass: [permission, functionUrl],
    fail: [
      variant(permission, { principal: "*", sourceArn: undefined }),
      variant(permission, { sourceArn: undefined }, { name: "any-source" }),
      variant(functionUrl, { authorizationType: "NONE" }),
    ],
    messages: [
      "permission profile-invoke lets * invoke the function: name the AWS service that calls it",
      "permission any-source lets apigateway.amazonaws.com invoke the function from any source: give a sourceArn",
      "function URL profile-url has authorizationType NONE: anyone could invoke it; use AWS_IAM",
    ],
  },
  {
    rule: "iam-trust-scoped",
    title: "a role anyone may assume (a narrowing condition makes it fine)",
    pass: [
      role,
      variant(
        role,
        {
          assumeRolePolicy: policyDocument({
            Effect: "Allow",
            Principal: { AWS: "*" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:PrincipalAccount": ACCOUNT } },
          }),
        },
        { name: "account-role" },
      ),
    ],
    fail: [
      variant(role, { assumeRolePolicy: policyDocument({ Sid: "Anyone", Effect: "Allow", Principal: { AWS: ["*"] }, Action: "sts:AssumeRole" }) }),
      variant(role, { assumeRolePolicy: policyDocument({ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }) }, { name: "star-role" }),
    ],
    messages: [
      "role parser-role trust statement Anyone lets any principal assume it, with no condition",
      "role star-role trust statement 1 lets any principal assume it, with no condition",
    ],
  },
  {
    rule: "iam-trust-own-account",
    title: "a role another account may assume without an external id (the stack's account, or one bound by sts:ExternalId, is fine)",
    pass: [
      administeredKey,
      variant(role, { assumeRolePolicy: policyDocument({ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" }) }),
      variant(
        role,
        {
          assumeRolePolicy: policyDocument({
            Effect: "Allow",
            Principal: { AWS: "999999999999" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "sts:ExternalId": "partner-7" } },
          }),
        },
        { name: "partner-role" },
      ),
    ],
    fail: [
      administeredKey,
      variant(role, {
        assumeRolePolicy: policyDocument({
          Sid: "Partner",
          Effect: "Allow",
          Principal: { AWS: ["arn:aws:iam::999999999999:role/ops"] },
          Action: "sts:AssumeRole",
        }),
      }),
    ],
    messages: [
      "role parser-role trust statement Partner lets arn:aws:iam::999999999999:role/ops of another account assume it, without sts:ExternalId or aws:PrincipalOrgID",
    ],
  },
  {
    rule: "lambda-reserved-concurrency",
    title: "no reservation, and a reservation of 0",
    pass: [fn],
    fail: [variant(fn, { reservedConcurrentExecutions: undefined }), variant(fn, { reservedConcurrentExecutions: 0 }, { name: "stopped-fn" })],
    messages: [
      "Lambda function parser-fn has no reserved concurrency (reservedConcurrentExecutions: unset)",
      "Lambda function stopped-fn has reserved concurrency 0, which stops every invocation",
    ],
  },
  {
    rule: "iam-lambda-object-writes-prefixed",
    title: "a Lambda role that may write every object of a bucket",
    pass: [role, writePolicy, firehoseRole, firehoseWrites],
    fail: [
      role,
      variant(writePolicy, {
        policy: policyDocument(
          { Sid: "WriteLake", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: ["arn:aws:s3:::lake/processed/*", "arn:aws:s3:::lake/*"] },
          { Effect: "Allow", Action: "s3:Put*", Resource: "*" },
        ),
      }),
    ],
    messages: [
      "IAM policy parser-write-policy of Lambda role parser-role statement WriteLake allows s3:PutObject on arn:aws:s3:::lake/*, every object of the bucket (grant the prefixes the function writes)",
      "IAM policy parser-write-policy of Lambda role parser-role statement 2 allows s3:Put* on *, every object of the bucket (grant the prefixes the function writes)",
    ],
  },
  {
    rule: "iam-lambda-object-writes-prefixed",
    title: "the same write in lower case, on every bucket's objects, inline in the role, and through an attached policy",
    pass: [role, writePolicy, attachment],
    fail: [
      variant(role, {
        inlinePolicies: [
          { name: "inline-writes", policy: policyDocument({ Sid: "Inline", Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::lake/*" }) },
        ],
      }),
      variant(writePolicy, { policy: policyDocument({ Sid: "Lower", Effect: "Allow", Action: "s3:putobject", Resource: "arn:aws:s3:::*/*" }) }),
      res("aws:iam/policy:Policy", "shared-writes", {
        name: "shared-writes",
        policy: policyDocument({ Sid: "Attached", Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::lake/*" }),
      }),
      res("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "parser-shared-writes", { role: "parser-role", policyArn: "shared-writes" }),
    ],
    messages: [
      "inline policy inline-writes of Lambda role parser-role statement Inline allows s3:PutObject on arn:aws:s3:::lake/*, every object of the bucket (grant the prefixes the function writes)",
      "IAM policy parser-write-policy of Lambda role parser-role statement Lower allows s3:putobject on arn:aws:s3:::*/*, every object of the bucket (grant the prefixes the function writes)",
      "IAM policy shared-writes (attached by parser-shared-writes) of Lambda role parser-role statement Attached allows s3:PutObject on arn:aws:s3:::lake/*, every object of the bucket (grant the prefixes the function writes)",
    ],
  },
  {
    rule: "kms-key-rotation",
    title: "rotation off",
    pass: [key, signingKey],
    fail: [variant(key, { enableKeyRotation: false })],
    messages: ["KMS key data-key does not rotate (enableKeyRotation: false)"],
  },
  {
    rule: "kms-key-rotation",
    title: 'rotation given as the string "true" passes, as the other rules read booleans',
    pass: [variant(key, { enableKeyRotation: "true" })],
    fail: [variant(key, { enableKeyRotation: false })],
    messages: ["KMS key data-key does not rotate (enableKeyRotation: false)"],
  },
  {
    rule: "kms-key-rotation",
    title: "rotation unset",
    pass: [key],
    fail: [variant(key, { enableKeyRotation: undefined })],
    messages: ["KMS key data-key does not rotate (enableKeyRotation: unset)"],
  },
  {
    rule: "lambda-explicit-role",
    title: "a role from outside the stack",
    pass: [fn, role],
    fail: [variant(fn, { role: `arn:aws:iam::${ACCOUNT}:role/shared-admin` }), role],
    messages: [`Lambda function parser-fn does not run as a role of this stack (role: arn:aws:iam::${ACCOUNT}:role/shared-admin)`],
  },
  {
    rule: "lambda-tracing",
    title: "pass-through tracing",
    pass: [fn],
    fail: [variant(fn, { tracingConfig: { mode: "PassThrough" } })],
    messages: ["Lambda function parser-fn is not traced (tracingConfig.mode: PassThrough)"],
  },
  {
    rule: "lambda-log-retention",
    title: "a log group that is not in the stack",
    pass: [fn, logGroup, defaultLogging, defaultLogGroup],
    fail: [fn],
    messages: ["Lambda function parser-fn logs to /gridrail/dev/lambda/parser, which is not a log group of this stack"],
  },
  {
    rule: "lambda-log-retention",
    title: "Lambda's default log group kept forever",
    pass: [defaultLogging, defaultLogGroup],
    fail: [defaultLogging, variant(defaultLogGroup, { retentionInDays: undefined })],
    messages: ["log group parser-default-logs of Lambda function parser-fn keeps logs forever (retentionInDays: unset)"],
  },
  {
    rule: "iam-no-wildcard-actions-on-all-resources",
    title: "s3:* and * on *",
    pass: [rolePolicy],
    fail: [
      variant(rolePolicy, {
        policy: policyDocument(
          { Sid: "Lake", Effect: "Allow", Action: ["s3:*", "sqs:SendMessage"], Resource: ["arn:aws:s3:::lake", "*"] },
          { Effect: "Allow", Action: "*", Resource: "*" },
        ),
      }),
    ],
    messages: ["IAM policy parser-policy statement Lake allows s3:* on *", "IAM policy parser-policy statement 2 allows * on *"],
  },
  {
    rule: "iam-no-wildcard-actions-on-all-resources",
    title: "a role's inline policy",
    pass: [role],
    fail: [variant(role, { inlinePolicies: [{ name: "admin", policy: policyDocument({ Sid: "All", Effect: "Allow", Action: "*", Resource: "*" }) }] })],
    messages: ["role parser-role inline policy admin statement All allows * on *"],
  },
  {
    rule: "iam-no-broad-managed-policies",
    title: "FullAccess and PowerUser policies",
    pass: [role, attachment],
    fail: [
      variant(attachment, { policyArn: "arn:aws:iam::aws:policy/AmazonS3FullAccess" }),
      variant(role, { managedPolicyArns: ["arn:aws:iam::aws:policy/PowerUserAccess"] }),
    ],
    messages: [
      "policy attachment parser-basic-execution attaches the broad managed policy arn:aws:iam::aws:policy/AmazonS3FullAccess",
      "role parser-role attaches the broad managed policy arn:aws:iam::aws:policy/PowerUserAccess",
    ],
  },
];
