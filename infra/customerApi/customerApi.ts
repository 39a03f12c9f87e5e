import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createAlarm, createFunctionAlarms } from "../shared/alarms";
import { awsContext } from "../shared/awsContext";
import { createCustomerObservability } from "./observability";
import { Deployment, statefulOptions } from "../shared/deployment";
import { createKmsKey } from "../shared/kmsKey";
import { BundledFunction, createBundledFunction } from "../shared/lambdaFunction";
import { createLogGroup } from "../shared/logGroup";
import { identifier } from "../shared/naming";
import { allow, kmsStatement } from "../shared/policyDocuments";
import { corsFor } from "./webOrigin";
import { ACCESS_LOG_FORMAT, REPORT_URL_TTL_SECONDS, ROUTES, RouteTarget, passwordPolicyDefaults, tokenDefaults } from "./defaults";

export interface CustomerApiArgs {
  /** Stack-wide settings (retention, destroy behaviour, alarm actions). Required. */
  readonly deployment: Deployment;
  /** Bucket holding the daily reports (from MeterIngestion). Required. */
  readonly reportsBucketName: pulumi.Input<string>;
  readonly reportsBucketArn: pulumi.Input<string>;
  /** Key the reports are encrypted with (presigned GETs decrypt through it). Required. */
  readonly reportsKeyArn: pulumi.Input<string>;
  /** Stage throttling, requests per second and burst. Required. */
  readonly throttleRateLimit: number;
  readonly throttleBurstLimit: number;
  /** The browser origin allowed by CORS (`gridrail:webOrigin`). Default none: no CORS configuration. */
  readonly webOrigin?: string;
}

/**
 * Customer API: Cognito sign-up/sign-in, an HTTP API whose every route goes through a Lambda authorizer,
 * the DynamoDB profile table, and the presigned report URL route. Access-logged and throttled.
 */
export class CustomerApi extends pulumi.ComponentResource {
  public readonly apiEndpoint: pulumi.Output<string>;
  public readonly userPoolId: pulumi.Output<string>;
  public readonly userPoolClientId: pulumi.Output<string>;
  public readonly profileTableName: pulumi.Output<string>;
  /** The component's CloudWatch dashboard. */
  public readonly dashboardName: pulumi.Output<string>;
  /** Outcome alarms (authorizer denial bursts). */
  public readonly alarmNames: pulumi.Output<string[]>;

  constructor(name: string, args: CustomerApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gridrail:customer:CustomerApi", name, {}, opts);
    const { deployment } = args;
    const ctx = awsContext(this);
    const key = createKmsKey(name, { purpose: "customer-data", services: ["logs"] }, ctx, deployment, this);

    const userPool = new aws.cognito.UserPool(
      `${name}-users`,
      {
        usernameAttributes: ["email"],
        autoVerifiedAttributes: ["email"],
        passwordPolicy: { ...passwordPolicyDefaults },
        mfaConfiguration: "OPTIONAL",
        softwareTokenMfaConfiguration: { enabled: true },
        accountRecoverySetting: { recoveryMechanisms: [{ name: "verified_email", priority: 1 }] },
        adminCreateUserConfig: { allowAdminCreateUserOnly: false },
        userAttributeUpdateSettings: { attributesRequireVerificationBeforeUpdates: ["email"] },
        deletionProtection: deployment.environment === "prod" ? "ACTIVE" : "INACTIVE",
      },
      statefulOptions(deployment, this),
    );
    const client = new aws.cognito.UserPoolClient(
      `${name}-web-client`,
      {
        userPoolId: userPool.id,
        generateSecret: false,
        explicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        preventUserExistenceErrors: "ENABLED",
        enableTokenRevocation: true,
        supportedIdentityProviders: ["COGNITO"],
        accessTokenValidity: tokenDefaults.accessTokenMinutes,
        idTokenValidity: tokenDefaults.idTokenMinutes,
        refreshTokenValidity: tokenDefaults.refreshTokenDays,
        tokenValidityUnits: { accessToken: "minutes", idToken: "minutes", refreshToken: "days" },
      },
      { parent: this },
    );
    // Federated identities only for signed-in users; no role mapping, so no AWS credentials are handed out.
    new aws.cognito.IdentityPool(
      `${name}-identities`,
      {
        identityPoolName: identifier(["gridrail", deployment.stack, "customers"], "_", 128),
        allowUnauthenticatedIdentities: false,
        allowClassicFlow: false,
        cognitoIdentityProviders: [{ clientId: client.id, providerName: userPool.endpoint, serverSideTokenCheck: true }],
      },
      { parent: this },
    );

    const profiles = new aws.dynamodb.Table(
      `${name}-profiles`,
      {
        billingMode: "PAY_PER_REQUEST",
        hashKey: "customerId",
        attributes: [{ name: "customerId", type: "S" }],
        pointInTimeRecovery: { enabled: true },
        // failed claim-attempt counters carry expiresAtEpoch; profiles, claims and meter owners never do
        ttl: { attributeName: "expiresAtEpoch", enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
        deletionProtectionEnabled: deployment.environment === "prod",
      },
      statefulOptions(deployment, this),
    );

    const authorizerFn = createBundledFunction(
      `${name}-authorizer`,
      {
        source: "authorizer",
        description: "Verifies Cognito tokens for the customer API",
        kmsKeyArn: key.arn,
        timeout: 10,
        environment: { USER_POOL_ID: userPool.id, CLIENT_ID: client.id },
      },
      deployment,
      this,
    );
    const targets: Record<RouteTarget, BundledFunction> = {
      profileApi: createBundledFunction(
        `${name}-profile`,
        {
          source: "profileApi",
          description: "GET/PUT/DELETE the signed-in customer's profile; link their meter by claim code",
          kmsKeyArn: key.arn,
          environment: { PROFILE_TABLE: profiles.name, USER_POOL_ID: userPool.id },
          // PUT is one UpdateItem (it never names clientId, which onboarding owns), so no PutItem
          statements: pulumi.all([profiles.arn, key.arn, userPool.arn]).apply(([tableArn, keyArn, poolArn]) => [
            allow("OwnProfiles", ["dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"], tableArn),
            kmsStatement("ProfileKey", [keyArn], ["kms:Decrypt", "kms:GenerateDataKey"]),
            // DELETE /profile ends with the customer's account; only this pool, only deletion
            allow("EraseAccounts", ["cognito-idp:AdminDeleteUser"], poolArn),
          ]),
        },
        deployment,
        this,
      ),
      reportUrl: createBundledFunction(
        `${name}-report-url`,
        {
          source: "reportUrl",
          description: "Lists the signed-in customer's reports and presigns a GET of one",
          kmsKeyArn: key.arn,
          environment: { PROFILE_TABLE: profiles.name, REPORTS_BUCKET: args.reportsBucketName, URL_TTL_SECONDS: String(REPORT_URL_TTL_SECONDS) },
          statements: pulumi.all([args.reportsBucketArn, args.reportsKeyArn, profiles.arn, key.arn]).apply(([bucketArn, keyArn, tableArn, profileKeyArn]) => [
            allow("ReadReports", ["s3:GetObject"], `${bucketArn}/*`),
            // without ListBucket, HeadObject answers 403 instead of 404 for a report not written yet
            allow("FindReports", ["s3:ListBucket"], bucketArn),
            kmsStatement("DecryptReports", [keyArn], ["kms:Decrypt"]),
            // the caller's meter id comes from their profile
            allow("ReadProfiles", ["dynamodb:GetItem"], tableArn),
            kmsStatement("ProfileKey", [profileKeyArn], ["kms:Decrypt"]),
          ]),
        },
        deployment,
        this,
      ),
    };

    const api = new aws.apigatewayv2.Api(
      `${name}-api`,
      {
        protocolType: "HTTP",
        description: "gridrail customer API",
        // API Gateway answers the preflight itself, before any authorizer
        ...(args.webOrigin === undefined ? {} : { corsConfiguration: corsFor(args.webOrigin) }),
      },
      { parent: this },
    );
    const authorizer = new aws.apigatewayv2.Authorizer(
      `${name}-authorizer`,
      {
        apiId: api.id,
        name: "cognito-lambda",
        authorizerType: "REQUEST",
        authorizerUri: authorizerFn.fn.invokeArn,
        authorizerPayloadFormatVersion: "2.0",
        enableSimpleResponses: true,
        identitySources: ["$request.header.Authorization"],
        authorizerResultTtlInSeconds: 300,
      },
      { parent: this },
    );
    new aws.lambda.Permission(
      `${name}-authorizer-invoke`,
      {
        action: "lambda:InvokeFunction",
        function: authorizerFn.fn.name,
        principal: "apigateway.amazonaws.com",
        sourceArn: pulumi.interpolate`${api.executionArn}/authorizers/${authorizer.id}`,
      },
      { parent: this },
    );

    const integrations = Object.fromEntries(
      (Object.keys(targets) as RouteTarget[]).map((target) => {
        const fn = targets[target].fn;
        new aws.lambda.Permission(
          `${name}-${target}-invoke`,
          {
            action: "lambda:InvokeFunction",
            function: fn.name,
            principal: "apigateway.amazonaws.com",
            sourceArn: pulumi.interpolate`${api.executionArn}/*/*`,
          },
          { parent: this },
        );
        return [
          target,
          new aws.apigatewayv2.Integration(
            `${name}-${target}-integration`,
            {
              apiId: api.id,
              integrationType: "AWS_PROXY",
              integrationUri: fn.arn,
              payloadFormatVersion: "2.0",
              timeoutMilliseconds: 10000,
            },
            { parent: this },
          ),
        ];
      }),
    ) as Record<RouteTarget, aws.apigatewayv2.Integration>;

    const routes = ROUTES.map(
      (route) =>
        new aws.apigatewayv2.Route(
          `${name}-${route.routeKey
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, "-")
            .replace(/-$/, "")}`,
          {
            apiId: api.id,
            routeKey: route.routeKey,
            authorizationType: "CUSTOM",
            authorizerId: authorizer.id,
            target: pulumi.interpolate`integrations/${integrations[route.target].id}`,
          },
          { parent: this },
        ),
    );

    const accessLogs = createLogGroup(`${name}-access`, `apigateway/${name}-access`, key.arn, deployment, this);
    new aws.apigatewayv2.Stage(
      `${name}-stage`,
      {
        apiId: api.id,
        name: "$default",
        autoDeploy: true,
        accessLogSettings: { destinationArn: accessLogs.arn, format: ACCESS_LOG_FORMAT },
        defaultRouteSettings: {
          throttlingRateLimit: args.throttleRateLimit,
          throttlingBurstLimit: args.throttleBurstLimit,
          detailedMetricsEnabled: true,
        },
      },
      { parent: this, dependsOn: routes },
    );

    createAlarm(
      `${name}-5xx`,
      {
        description: "Customer API returns server errors",
        namespace: "AWS/ApiGateway",
        metricName: "5xx",
        dimensions: { ApiId: api.id, Stage: "$default" },
        statistic: "Sum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: 5,
      },
      deployment,
      this,
    );
    createFunctionAlarms(`${name}-authorizer`, authorizerFn.fn.name, deployment, this);
    for (const target of Object.keys(targets) as RouteTarget[]) {
      createFunctionAlarms(`${name}-${target}`, targets[target].fn.name, deployment, this);
    }

    const observed = createCustomerObservability(
      name,
      {
        authorizer: authorizerFn,
        profile: targets.profileApi,
        reportUrl: targets.reportUrl,
        ctx,
        deployment,
      },
      this,
    );

    this.apiEndpoint = api.apiEndpoint;
    this.userPoolId = userPool.id;
    this.userPoolClientId = client.id;
    this.profileTableName = profiles.name;
    this.dashboardName = observed.dashboard.dashboardName;
    this.alarmNames = pulumi.all(observed.alarms.map((a) => a.name));
    this.registerOutputs({
      apiEndpoint: this.apiEndpoint,
      userPoolId: this.userPoolId,
      userPoolClientId: this.userPoolClientId,
      profileTableName: this.profileTableName,
      dashboardName: this.dashboardName,
      alarmNames: this.alarmNames,
    });
  }
}
