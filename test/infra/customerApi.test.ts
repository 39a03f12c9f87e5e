import { expect } from "chai";
import { Synthesis } from "../../infra/synth/recorder";
import { STACKS, ofType, one, outputOf, rolePolicy, runProgram } from "../helpers/pulumiRecorder";

const THROTTLE = { dev: [20, 40], prod: [100, 200] } as const;
const PROFILE_TABLE_ARN = "arn:aws:dynamodb:eu-west-1:123456789012:table/customers-profiles";

for (const stack of STACKS) {
  describe(`CustomerApi (${stack})`, () => {
    let s: Synthesis;
    before(async () => {
      s = await runProgram(stack);
    });

    it("exports the profile table's name, which the claims command takes as --table", () => {
      expect([s.outputs.profileTableName, one(s, "aws:dynamodb/table:Table", "customers-profiles").outputs.name]).to.deep.equal([
        "customers-profiles",
        "customers-profiles",
      ]);
    });

    it("mails customers through Cognito's own sender unless an SES identity is configured, then through it", async () => {
      expect(one(s, "aws:cognito/userPool:UserPool", "customers-users").inputs).to.not.have.property("emailConfiguration");
      const sender = { identityArn: "arn:aws:ses:eu-west-1:123456789012:identity/grid.example.org", from: "Gridrail <no-reply@grid.example.org>" };
      const withSes = await runProgram(stack, { "gridrail:customerEmailSender": JSON.stringify(sender) });
      expect(one(withSes, "aws:cognito/userPool:UserPool", "customers-users").inputs.emailConfiguration).to.deep.equal({
        emailSendingAccount: "DEVELOPER",
        sourceArn: sender.identityArn,
        fromEmailAddress: sender.from,
      });
    });

    it("signs customers up and in with e-mail, a strong password policy and optional TOTP", () => {
      const pool = one(s, "aws:cognito/userPool:UserPool", "customers-users").inputs;
      expect(pool.passwordPolicy).to.deep.equal({
        minimumLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireNumbers: true,
        requireSymbols: true,
        temporaryPasswordValidityDays: 3,
      });
      expect(pool).to.deep.include({
        usernameAttributes: ["email"],
        mfaConfiguration: "OPTIONAL",
        adminCreateUserConfig: { allowAdminCreateUserOnly: false },
        deletionProtection: stack === "prod" ? "ACTIVE" : "INACTIVE",
      });
      expect(one(s, "aws:cognito/userPoolClient:UserPoolClient", "customers-web-client").inputs).to.deep.include({
        generateSecret: false,
        explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        preventUserExistenceErrors: "ENABLED",
        enableTokenRevocation: true,
      });
    });

    it(stack === "dev" ? "allows the configured web origin by CORS, without credentials" : "configures no CORS without a web origin", () => {
      const cors = one(s, "aws:apigatewayv2/api:Api", "customers-api").inputs.corsConfiguration;
      expect(cors).to.deep.equal(
        stack === "dev"
          ? {
              allowOrigins: ["http://localhost:5173"],
              allowMethods: ["GET", "PUT", "POST", "DELETE"],
              allowHeaders: ["authorization", "content-type", "if-match"],
              exposeHeaders: ["etag"],
              allowCredentials: false,
              maxAge: 3600,
            }
          : undefined,
      );
    });

    it(
      stack === "dev"
        ? "lets the web origin read reports from their presigned URLs (GET, HEAD, no credentials)"
        : "adds no CORS rule to the reports bucket without a web origin",
      () => {
        const rules = ofType(s, "aws:s3/bucketCorsConfiguration:BucketCorsConfiguration").map((r) => [r.name, r.inputs.bucket, r.inputs.corsRules]);
        expect(rules).to.deep.equal(
          stack === "dev"
            ? [
                [
                  "customers-reports-cors",
                  "meters-reports-bucket",
                  [{ allowedOrigins: ["http://localhost:5173"], allowedMethods: ["GET", "HEAD"], allowedHeaders: [], maxAgeSeconds: 3600 }],
                ],
              ]
            : [],
        );
      },
    );

    it("allows no unauthenticated identities", () => {
      expect(one(s, "aws:cognito/identityPool:IdentityPool", "customers-identities").inputs).to.deep.include({
        allowUnauthenticatedIdentities: false,
        allowClassicFlow: false,
      });
      expect(ofType(s, "aws:cognito/identityPoolRoleAttachment:IdentityPoolRoleAttachment")).to.have.length(0);
    });

    it("protects every route with the Lambda authorizer", () => {
      const authorizerId = outputOf(s, "aws:apigatewayv2/authorizer:Authorizer", "customers-authorizer", "id");
      const routes = ofType(s, "aws:apigatewayv2/route:Route");
      expect(routes.map((r) => r.inputs.routeKey).sort()).to.deep.equal([
        "DELETE /profile",
        "GET /profile",
        "GET /reports",
        "GET /reports/{date}",
        "POST /profile/meter",
        "PUT /profile",
      ]);
      for (const r of routes) expect([r.inputs.authorizationType, r.inputs.authorizerId], String(r.inputs.routeKey)).to.deep.equal(["CUSTOM", authorizerId]);
      expect(one(s, "aws:apigatewayv2/authorizer:Authorizer", "customers-authorizer").inputs).to.deep.include({
        authorizerType: "REQUEST",
        authorizerPayloadFormatVersion: "2.0",
        identitySources: ["$request.header.Authorization"],
        enableSimpleResponses: true,
        authorizerResultTtlInSeconds: 300,
      });
    });

    it("points the authorizer at the user pool and its app client, and grants it nothing beyond the baseline", () => {
      const fn = one(s, "aws:lambda/function:Function", "customers-authorizer-fn").inputs;
      expect(fn.environment).to.deep.equal({
        variables: {
          METRIC_NAMESPACE: `gridrail/${stack}`,
          USER_POOL_ID: outputOf(s, "aws:cognito/userPool:UserPool", "customers-users", "id"),
          CLIENT_ID: outputOf(s, "aws:cognito/userPoolClient:UserPoolClient", "customers-web-client", "id"),
        },
      });
      expect(rolePolicy(s, "customers-authorizer").Statement.map((st) => st.Sid)).to.deep.equal(["WriteOwnLogs", "WriteTraces", "DecryptEnvironment"]);
    });

    it(`access-logs and throttles the stage at ${THROTTLE[stack][0]} rps / burst ${THROTTLE[stack][1]}`, () => {
      const stage = one(s, "aws:apigatewayv2/stage:Stage", "customers-stage").inputs;
      expect(stage.defaultRouteSettings).to.deep.equal({
        throttlingRateLimit: THROTTLE[stack][0],
        throttlingBurstLimit: THROTTLE[stack][1],
        detailedMetricsEnabled: true,
      });
      const accessLogs = one(s, "aws:cloudwatch/logGroup:LogGroup", "customers-access-logs").outputs.arn;
      expect((stage.accessLogSettings as { destinationArn: string }).destinationArn).to.equal(accessLogs);
      expect(JSON.parse((stage.accessLogSettings as { format: string }).format)).to.include({
        requestId: "$context.requestId",
        status: "$context.status",
        // the throttle alarm's filter reads both as strings
        integrationStatus: "$context.integrationStatus",
        customerId: "$context.authorizer.customerId",
      });
    });

    it("alarms on server errors, and on more than 20 requests the throttle refuses in 5 minutes, counted from the access log", () => {
      const actions = stack === "prod" ? [one(s, "aws:sns/topic:Topic", "alerts-topic").outputs.arn] : [];
      const routed = { treatMissingData: "notBreaching", alarmActions: actions, okActions: actions };
      const apiId = outputOf(s, "aws:apigatewayv2/api:Api", "customers-api", "id");
      const { alarmDescription: serverErrors, ...fivexx } = one(s, "aws:cloudwatch/metricAlarm:MetricAlarm", "customers-5xx-alarm").inputs;
      expect(serverErrors).to.equal("Customer API returns server errors");
      expect(fivexx).to.deep.equal({
        namespace: "AWS/ApiGateway",
        metricName: "5xx",
        dimensions: { ApiId: apiId, Stage: "$default" },
        statistic: "Sum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: 5,
        period: 60,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
        ...routed,
      });
      expect(one(s, "aws:cloudwatch/logMetricFilter:LogMetricFilter", "customers-throttled-count").inputs).to.deep.equal({
        logGroupName: outputOf(s, "aws:cloudwatch/logGroup:LogGroup", "customers-access-logs", "name"),
        pattern: '{ ($.status = "429") && ($.integrationStatus != "200") }',
        metricTransformation: { namespace: `gridrail/${stack}`, name: "customers-requests-throttled", value: "1", unit: "Count" },
      });
      const { alarmDescription: throttled, ...throttles } = one(s, "aws:cloudwatch/metricAlarm:MetricAlarm", "customers-throttled-alarm").inputs;
      expect(throttled).to.match(/^More than 20 customer API requests refused by the stage's throttle \(429\) in 5 minutes/);
      expect(throttles).to.deep.equal({
        namespace: `gridrail/${stack}`,
        metricName: "customers-requests-throttled",
        dimensions: {},
        statistic: "Sum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: 20,
        period: 300,
        evaluationPeriods: 1,
        datapointsToAlarm: 1,
        ...routed,
      });
    });

    it("stops every route function before API Gateway gives up on it (10 s), so no call succeeds after its 503", () => {
      const integrations = ofType(s, "aws:apigatewayv2/integration:Integration")
        .map((i) => [i.name, i.inputs.timeoutMilliseconds])
        .sort();
      expect(integrations).to.deep.equal([
        ["customers-profileApi-integration", 10000],
        ["customers-reportUrl-integration", 10000],
      ]);
      const timeouts = ["authorizer", "profile", "report-url"].map((f) => one(s, "aws:lambda/function:Function", `customers-${f}-fn`).inputs.timeout);
      expect(timeouts).to.deep.equal([9, 9, 9]);
    });

    it("lets API Gateway invoke only the wired functions from this API", () => {
      const api = one(s, "aws:apigatewayv2/api:Api", "customers-api").outputs.executionArn;
      const permissions = ofType(s, "aws:lambda/permission:Permission")
        .filter((p) => p.name.startsWith("customers-"))
        .map((p) => [p.name, p.inputs.principal, p.inputs.sourceArn])
        .sort();
      const authorizerId = outputOf(s, "aws:apigatewayv2/authorizer:Authorizer", "customers-authorizer", "id");
      expect(permissions).to.deep.equal([
        ["customers-authorizer-invoke", "apigateway.amazonaws.com", `${api}/authorizers/${authorizerId}`],
        ["customers-profileApi-invoke", "apigateway.amazonaws.com", `${api}/*/*`],
        ["customers-reportUrl-invoke", "apigateway.amazonaws.com", `${api}/*/*`],
      ]);
    });

    it("stores profiles in a KMS-encrypted table with point-in-time recovery", () => {
      const keyArn = outputOf(s, "aws:kms/key:Key", "customers-key", "arn");
      expect(one(s, "aws:dynamodb/table:Table", "customers-profiles").inputs).to.deep.include({
        hashKey: "customerId",
        pointInTimeRecovery: { enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: keyArn },
        ttl: { attributeName: "expiresAtEpoch", enabled: true },
      });
    });

    it("lets the profile function read, update, put and delete profile and claim items (a link's transaction is three updates, an erase a tombstone put and a delete), use the customer key for them, and delete users of its own pool only", () => {
      const keyArn = outputOf(s, "aws:kms/key:Key", "customers-key", "arn");
      const poolArn = outputOf(s, "aws:cognito/userPool:UserPool", "customers-users", "arn");
      const doc = rolePolicy(s, "customers-profile");
      expect(doc.Statement.slice(3)).to.deep.equal([
        {
          Sid: "OwnProfiles",
          Effect: "Allow",
          Action: ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem", "dynamodb:DeleteItem"],
          Resource: PROFILE_TABLE_ARN,
        },
        { Sid: "ProfileKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: [keyArn] },
        { Sid: "EraseAccounts", Effect: "Allow", Action: ["cognito-idp:AdminDeleteUser"], Resource: poolArn },
      ]);
      expect(one(s, "aws:lambda/function:Function", "customers-profile-fn").inputs.environment).to.deep.equal({
        variables: {
          METRIC_NAMESPACE: `gridrail/${stack}`,
          PROFILE_TABLE: "customers-profiles",
          USER_POOL_ID: outputOf(s, "aws:cognito/userPool:UserPool", "customers-users", "id"),
        },
      });
    });

    it("presigns report URLs with read-only access to the reports bucket and the profile table", () => {
      const doc = rolePolicy(s, "customers-report-url");
      expect(doc.Statement.map((st) => st.Sid)).to.deep.equal([
        "WriteOwnLogs",
        "WriteTraces",
        "DecryptEnvironment",
        "ReadReports",
        "FindReports",
        "DecryptReports",
        "ReadProfiles",
        "ProfileKey",
      ]);
      expect(doc.Statement.slice(3)).to.deep.equal([
        { Sid: "ReadReports", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::meters-reports-bucket/*" },
        { Sid: "FindReports", Effect: "Allow", Action: ["s3:ListBucket"], Resource: "arn:aws:s3:::meters-reports-bucket" },
        { Sid: "DecryptReports", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [outputOf(s, "aws:kms/key:Key", "meters-key", "arn")] },
        { Sid: "ReadProfiles", Effect: "Allow", Action: ["dynamodb:GetItem"], Resource: PROFILE_TABLE_ARN },
        { Sid: "ProfileKey", Effect: "Allow", Action: ["kms:Decrypt"], Resource: [outputOf(s, "aws:kms/key:Key", "customers-key", "arn")] },
      ]);
      expect(one(s, "aws:lambda/function:Function", "customers-report-url-fn").inputs.environment).to.deep.equal({
        variables: {
          METRIC_NAMESPACE: `gridrail/${stack}`,
          PROFILE_TABLE: "customers-profiles",
          REPORTS_BUCKET: "meters-reports-bucket",
          URL_TTL_SECONDS: "300",
        },
      });
    });
  });
}
