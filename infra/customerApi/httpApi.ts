import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createAlarm, createLogCountAlarm } from "../shared/alarms";
import { observabilityDefaults } from "../shared/defaults";
import { BundledFunction } from "../shared/lambdaFunction";
import { createLogGroup } from "../shared/logGroup";
import { ACCESS_LOG_FORMAT, INTEGRATION_TIMEOUT_MS, ROUTES, RouteTarget } from "./defaults";
import { corsFor } from "./webOrigin";
import { HelperOptions, WithDeployment } from "../shared/options";

export interface HttpApiArgs {
  readonly authorizerFn: BundledFunction;
  readonly targets: Record<RouteTarget, BundledFunction>;
  readonly keyArn: pulumi.Input<string>;
  readonly throttleRateLimit: number;
  readonly throttleBurstLimit: number;
  readonly webOrigin?: string;
}

/**
 * The HTTP API: every route behind the Lambda authorizer, one proxy integration per target function, an
 * access-logged and throttled `$default` stage, and alarms on server errors and on throttled requests.
 */
export function createHttpApi(name: string, args: HttpApiArgs & WithDeployment, opts: HelperOptions): aws.apigatewayv2.Api {
  const { deployment } = args;
  const { authorizerFn, targets } = args;
  const key = { arn: args.keyArn };
  const api = new aws.apigatewayv2.Api(
    `${name}-api`,
    {
      protocolType: "HTTP",
      description: "gridrail customer API",
      // API Gateway answers the preflight itself, before any authorizer
      ...(args.webOrigin === undefined ? {} : { corsConfiguration: corsFor(args.webOrigin) }),
    },
    { ...opts },
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
    { ...opts },
  );
  new aws.lambda.Permission(
    `${name}-authorizer-invoke`,
    {
      action: "lambda:InvokeFunction",
      function: authorizerFn.fn.name,
      principal: "apigateway.amazonaws.com",
      sourceArn: pulumi.interpolate`${api.executionArn}/authorizers/${authorizer.id}`,
    },
    { ...opts },
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
        { ...opts },
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
            timeoutMilliseconds: INTEGRATION_TIMEOUT_MS,
          },
          { ...opts },
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
        { ...opts },
      ),
  );

  const accessLogs = createLogGroup(`${name}-access`, { path: `apigateway/${name}-access`, kmsKeyArn: key.arn, deployment }, opts);
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
    { ...opts, dependsOn: routes },
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
      deployment,
    },
    opts,
  );
  createThrottledAlarm(name, accessLogs.name, deployment, opts);
  return api;
}

/** The metric counting requests the stage's throttle refused (429), from the access log. */
export const throttledMetric = (name: string) => `${name}-requests-throttled`;

/**
 * Requests refused by the stage's throttle reach no function and no authorizer, so no outcome metric sees them:
 * a metric filter counts the access log's 429s that no function answered, and more than `throttledRequestsPer5Minutes` in 5 minutes alarm.
 */
function createThrottledAlarm(name: string, logGroupName: pulumi.Input<string>, deployment: WithDeployment["deployment"], opts: HelperOptions): void {
  const limit = observabilityDefaults.throttledRequestsPer5Minutes;
  createLogCountAlarm(
    `${name}-throttled`,
    {
      filterName: `${name}-throttled-count`,
      logGroupName,
      // the access log writes both as strings (ACCESS_LOG_FORMAT); a route's own 429 (too many claim attempts) comes
      // from a function that ran, whose invocation Lambda answered 200
      pattern: '{ ($.status = "429") && ($.integrationStatus != "200") }',
      metricName: throttledMetric(name),
      threshold: limit,
      description: `More than ${limit} customer API requests refused by the stage's throttle (429) in 5 minutes: a client retrying in a loop, or the limits too low for the traffic (docs/operations.md).`,
      deployment,
    },
    opts,
  );
}
