import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createAlarm, createFunctionAlarms } from "../shared/alarms";
import { AwsContext } from "../shared/awsContext";
import { Deployment, statefulOptions } from "../shared/deployment";
import { handler as redshiftLoaderHandler } from "../../functions/redshiftLoader/handler";
import { createCallbackFunction } from "../shared/callbackFunction";
import { identifier } from "../shared/naming";
import { allow, kmsStatement, Statement } from "../shared/policyDocuments";
import { createServiceRole, grant } from "../shared/role";
import { createFailedRunQueue, createScheduledInvocation, failedRunStatements } from "../shared/schedule";
import { SecureBucket } from "../shared/secureBucket";
import { REDSHIFT_LOADER_VARIABLES } from "../../functions/redshiftLoader/variables";
import { variableValues } from "../../functions/shared/environment";
import { HelperOptions } from "../shared/options";

export interface WarehouseArgs {
  /** The loader's role, made first: the raw bucket's network policy exempts it by ARN. */
  readonly loaderRole: aws.iam.Role;
  readonly raw: SecureBucket;
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly securityGroupId: pulumi.Input<string>;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly nodeType: string;
  readonly nodeCount: number;
  readonly port: number;
  readonly snapshotRetentionDays: number;
  readonly ctx: AwsContext;
  readonly deployment: Deployment;
}

export const LOADER_DESCRIPTION = "COPYs the last hour of shared readings into Redshift via the Data API";

export const REDSHIFT_LOG_EXPORTS = ["connectionlog", "useractivitylog", "userlog"] as const;

/**
 * What the loader itself does on the raw bucket: list the Firehose output under `readings/` (the prefix
 * condition keeps it from listing anything else) and write COPY manifests under `manifests/` (SSE-KMS with the
 * sharing key, so GenerateDataKey; one small PutObject, no multipart, so no Decrypt for it). Redshift reads
 * the manifest and the data with the COPY role, not with these.
 */
export function loaderS3Statements(rawArn: string, keyArn: string): Statement[] {
  return [
    { ...allow("ListReadings", ["s3:ListBucket"], rawArn), Condition: { StringLike: { "s3:prefix": ["readings/*"] } } },
    allow("WriteManifests", ["s3:PutObject"], `${rawArn}/manifests/*`),
    kmsStatement("EncryptManifests", [keyArn], ["kms:GenerateDataKey"]),
  ];
}

/**
 * Redshift in private subnets: encrypted with the sharing key, TLS required, non-default port, no public
 * endpoint, enhanced VPC routing (COPY goes through the S3 gateway endpoint), audit logs to CloudWatch, and a
 * Secrets-Manager-managed admin password (no secret in config or state). An hourly loader runs the COPYs.
 */
export function createWarehouse(name: string, args: WarehouseArgs, opts: HelperOptions) {
  const { raw, kmsKeyArn, ctx, deployment } = args;
  const clusterIdentifier = identifier(["gridrail", deployment.stack, "warehouse"]);

  const copyRole = createServiceRole(
    `${name}-copy`,
    {
      service: "redshift.amazonaws.com",
      description: "Redshift COPY reads the shared raw data",
    },
    opts,
  );
  grant(
    `${name}-copy`,
    {
      role: copyRole,
      statements: pulumi
        .all([raw.arn, kmsKeyArn])
        .apply(([rawArn, keyArn]) => [
          allow("ReadRaw", ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"], [rawArn, `${rawArn}/*`]),
          kmsStatement("DecryptRaw", [keyArn], ["kms:Decrypt"]),
        ]),
    },
    opts,
  );

  const subnetGroup = new aws.redshift.SubnetGroup(
    `${name}-subnets`,
    {
      description: "Private subnets of the data-sharing VPC",
      subnetIds: args.subnetIds,
    },
    { ...opts },
  );
  const parameterGroup = new aws.redshift.ParameterGroup(
    `${name}-params`,
    {
      family: "redshift-1.0",
      description: "TLS required, user activity logged",
      parameters: [
        { name: "require_ssl", value: "true" },
        { name: "enable_user_activity_logging", value: "true" },
      ],
    },
    { ...opts },
  );

  // Pre-create the audit log groups Redshift writes to, so they get the stack's retention and the key.
  const auditLogs = REDSHIFT_LOG_EXPORTS.map(
    (log) =>
      new aws.cloudwatch.LogGroup(
        `${name}-${log}-logs`,
        {
          name: `/aws/redshift/cluster/${clusterIdentifier}/${log}`,
          retentionInDays: deployment.logRetentionDays,
          kmsKeyId: kmsKeyArn,
        },
        { ...opts },
      ),
  );

  const cluster = new aws.redshift.Cluster(
    `${name}-cluster`,
    {
      clusterIdentifier,
      nodeType: args.nodeType,
      clusterType: args.nodeCount > 1 ? "multi-node" : "single-node",
      numberOfNodes: args.nodeCount,
      port: args.port,
      databaseName: "gridrail",
      masterUsername: "gridrail_admin",
      manageMasterPassword: true,
      masterPasswordSecretKmsKeyId: kmsKeyArn,
      encrypted: "true", // a string in @pulumi/aws 7
      kmsKeyId: kmsKeyArn,
      publiclyAccessible: false,
      enhancedVpcRouting: true,
      clusterSubnetGroupName: subnetGroup.name,
      clusterParameterGroupName: parameterGroup.name,
      vpcSecurityGroupIds: [args.securityGroupId],
      iamRoles: [copyRole.arn],
      defaultIamRoleArn: copyRole.arn,
      automatedSnapshotRetentionPeriod: args.snapshotRetentionDays,
      skipFinalSnapshot: !deployment.retainOnDelete,
      finalSnapshotIdentifier: deployment.retainOnDelete ? `${clusterIdentifier}-final` : undefined,
      preferredMaintenanceWindow: "sun:03:00-sun:03:30",
      allowVersionUpgrade: true,
    },
    statefulOptions(deployment, opts),
  );

  new aws.redshift.Logging(
    `${name}-audit-logging`,
    {
      clusterIdentifier: cluster.clusterIdentifier,
      logDestinationType: "cloudwatch",
      logExports: [...REDSHIFT_LOG_EXPORTS],
    },
    { ...opts, dependsOn: auditLogs },
  );

  const failedRuns = createFailedRunQueue(`${name}-loader`, { kmsKeyArn }, opts);
  const loader = createCallbackFunction(
    `${name}-loader`,
    {
      description: LOADER_DESCRIPTION,
      // inline: the context's request id names the run and its remaining time bounds the polling
      callback: async (event: unknown, context: aws.lambda.Context) => redshiftLoaderHandler(event, context),
      kmsKeyArn,
      role: args.loaderRole,
      timeout: 300,
      reservedConcurrency: deployment.reservedConcurrency.redshiftLoader,
      environment: variableValues(REDSHIFT_LOADER_VARIABLES, {
        CLUSTER_ID: cluster.clusterIdentifier,
        DATABASE: "gridrail",
        SECRET_ARN: cluster.masterPasswordSecretArn,
        RAW_BUCKET: raw.name,
        COPY_ROLE_ARN: copyRole.arn,
      }),
      // The Data API authenticates with the managed admin secret, so no redshift:GetClusterCredentials* grant.
      statements: pulumi
        .all([cluster.arn, cluster.masterPasswordSecretArn, kmsKeyArn, raw.arn, failedRuns.arn])
        .apply(([clusterArn, secretArn, keyArn, rawArn, failedRunsArn]) => [
          allow("RunCopy", ["redshift-data:ExecuteStatement", "redshift-data:BatchExecuteStatement"], clusterArn),
          // Statement ids are per caller; these actions have no resource-level permissions.
          allow("FollowStatements", ["redshift-data:DescribeStatement", "redshift-data:GetStatementResult"], "*"),
          allow("AdminSecret", ["secretsmanager:GetSecretValue"], secretArn),
          kmsStatement("DecryptSecret", [keyArn], ["kms:Decrypt"]),
          ...loaderS3Statements(rawArn, keyArn),
          ...failedRunStatements(failedRunsArn, keyArn),
        ]),
      deployment,
    },
    opts,
  );
  createScheduledInvocation(
    `${name}-loader`,
    {
      description: "Hourly COPY of new shared readings into Redshift",
      expression: "cron(5 * * * ? *)",
      target: loader,
      dlq: failedRuns,
      input: { scheduledTime: "<aws.scheduler.scheduled-time>", window: "previous-hour" },
      kmsKeyArn,
      ctx,
      deployment,
    },
    opts,
  );
  createFunctionAlarms(`${name}-loader`, { functionName: loader.fn.name, deployment }, opts);

  const dims = { ClusterIdentifier: cluster.clusterIdentifier };
  createAlarm(
    `${name}-health`,
    {
      description: "Redshift cluster is unhealthy",
      namespace: "AWS/Redshift",
      metricName: "HealthStatus",
      dimensions: dims,
      statistic: "Minimum",
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
      deployment,
    },
    opts,
  );
  createAlarm(
    `${name}-cpu`,
    {
      description: "Redshift CPU above 90%",
      namespace: "AWS/Redshift",
      metricName: "CPUUtilization",
      dimensions: dims,
      statistic: "Average",
      comparisonOperator: "GreaterThanThreshold",
      threshold: 90,
      periodSeconds: 300,
      evaluationPeriods: 3,
      deployment,
    },
    opts,
  );
  createAlarm(
    `${name}-disk`,
    {
      description: "Redshift disk above 80%",
      namespace: "AWS/Redshift",
      metricName: "PercentageDiskSpaceUsed",
      dimensions: dims,
      statistic: "Maximum",
      comparisonOperator: "GreaterThanThreshold",
      threshold: 80,
      periodSeconds: 300,
      evaluationPeriods: 1,
      deployment,
    },
    opts,
  );

  return { cluster, copyRole, loader };
}
