import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createFunctionAlarms } from "../shared/alarms";
import { awsContext } from "../shared/awsContext";
import { Deployment, statefulOptions } from "../shared/deployment";
import { createKmsKey } from "../shared/kmsKey";
import { RouteTarget } from "./defaults";
import { createHttpApi } from "./httpApi";
import { createCustomerIdentity } from "./identity";
import { EmailSender } from "./emailSender";
import { CUSTOMER_DASHBOARD } from "./observability";
import { createServiceObservability } from "../shared/serviceObservability";
import { createRouteFunctions } from "./routeFunctions";
import { reportsCorsFor } from "./webOrigin";

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
  /** SES for Cognito's mail (`gridrail:customerEmailSender`). Default none: Cognito's built-in sender. */
  readonly emailSender?: EmailSender;
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
  /** The profile table's ARN and the key it is encrypted with (the daily analysis reads the claims' household first days). */
  public readonly profileTableArn: pulumi.Output<string>;
  public readonly profileKeyArn: pulumi.Output<string>;
  /** The component's CloudWatch dashboard. */
  public readonly dashboardName: pulumi.Output<string>;
  /** Outcome alarms (authorizer denial bursts). */
  public readonly alarmNames: pulumi.Output<string[]>;

  constructor(name: string, args: CustomerApiArgs, opts?: pulumi.ComponentResourceOptions) {
    super("gridrail:customer:CustomerApi", name, {}, opts);
    const { deployment } = args;
    const ctx = awsContext(this);
    const key = createKmsKey(name, { purpose: "customer-data", services: ["logs"], ctx, deployment }, { parent: this });

    const { userPool, client } = createCustomerIdentity(name, { deployment, emailSender: args.emailSender }, { parent: this });

    const profiles = new aws.dynamodb.Table(
      `${name}-profiles`,
      {
        billingMode: "PAY_PER_REQUEST",
        hashKey: "customerId",
        attributes: [{ name: "customerId", type: "S" }],
        pointInTimeRecovery: { enabled: true },
        // failed claim-attempt counters and erased accounts' tombstones carry expiresAtEpoch; profiles, claims and
        // meter owners never do
        ttl: { attributeName: "expiresAtEpoch", enabled: true },
        serverSideEncryption: { enabled: true, kmsKeyArn: key.arn },
        deletionProtectionEnabled: deployment.environment === "prod",
      },
      statefulOptions(deployment, { parent: this }),
    );

    const { authorizerFn, targets } = createRouteFunctions(
      name,
      {
        userPoolId: userPool.id,
        userPoolArn: userPool.arn,
        clientId: client.id,
        profilesName: profiles.name,
        profilesArn: profiles.arn,
        key,
        reportsBucketName: args.reportsBucketName,
        reportsBucketArn: args.reportsBucketArn,
        reportsKeyArn: args.reportsKeyArn,
        deployment,
      },
      { parent: this },
    );
    const api = createHttpApi(
      name,
      {
        authorizerFn,
        targets,
        keyArn: key.arn,
        throttleRateLimit: args.throttleRateLimit,
        throttleBurstLimit: args.throttleBurstLimit,
        webOrigin: args.webOrigin,
        deployment,
      },
      { parent: this },
    );

    // the app reads a JSON report from its presigned URL on the reports bucket: the same origin, read only
    if (args.webOrigin !== undefined) {
      new aws.s3.BucketCorsConfiguration(
        `${name}-reports-cors`,
        { bucket: args.reportsBucketName, corsRules: [reportsCorsFor(args.webOrigin)] },
        { parent: this },
      );
    }

    createFunctionAlarms(`${name}-authorizer`, { functionName: authorizerFn.fn.name, deployment }, { parent: this });
    for (const target of Object.keys(targets) as RouteTarget[]) {
      createFunctionAlarms(`${name}-${target}`, { functionName: targets[target].fn.name, deployment }, { parent: this });
    }

    const observed = createServiceObservability(
      name,
      { ctx, deployment, functions: { authorizer: authorizerFn, profileApi: targets.profileApi, reportUrl: targets.reportUrl }, layout: CUSTOMER_DASHBOARD },
      { parent: this },
    );

    this.apiEndpoint = api.apiEndpoint;
    this.userPoolId = userPool.id;
    this.userPoolClientId = client.id;
    this.profileTableName = profiles.name;
    this.profileTableArn = profiles.arn;
    this.profileKeyArn = key.arn;
    this.dashboardName = observed.dashboard.dashboardName;
    this.alarmNames = pulumi.all(observed.alarms.map((a) => a.name));
    this.registerOutputs({
      apiEndpoint: this.apiEndpoint,
      userPoolId: this.userPoolId,
      userPoolClientId: this.userPoolClientId,
      profileTableName: this.profileTableName,
      profileTableArn: this.profileTableArn,
      profileKeyArn: this.profileKeyArn,
      dashboardName: this.dashboardName,
      alarmNames: this.alarmNames,
    });
  }
}
