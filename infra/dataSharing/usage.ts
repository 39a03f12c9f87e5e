import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createFunctionAlarms } from "../shared/alarms";
import { AwsContext } from "../shared/awsContext";
import { Deployment } from "../shared/deployment";
import { handler as usageSummaryHandler } from "../../functions/usageSummary/handler";
import { SummaryEvent } from "../../functions/usageSummary/dailySummary";
import { createCallbackFunction } from "../shared/callbackFunction";
import { allow, kmsStatement } from "../shared/policyDocuments";
import { createFailedRunQueue, createScheduledInvocation, failedRunStatements } from "../shared/schedule";
import { SecureBucket } from "../shared/secureBucket";
import { RESULTS_PREFIXES } from "./catalogDefinitions";
import { variableValues } from "../../functions/shared/environment";
import { USAGE_SUMMARY_VARIABLES } from "../../functions/usageSummary/variables";
import { HelperOptions } from "../shared/options";

export interface UsageArgs {
  readonly raw: SecureBucket;
  readonly logs: SecureBucket;
  readonly results: SecureBucket;
  /** Explicit trail name: the log bucket policy must name the trail ARN before the trail exists. */
  readonly trailName: string;
  readonly trailArn: pulumi.Output<string>;
  readonly workgroup: aws.athena.Workgroup;
  readonly database: aws.glue.CatalogDatabase;
  readonly kmsKeyArn: pulumi.Output<string>;
  /** Customer-facing sources the summary counts and queries (MeterIngestion, CustomerApi). */
  readonly sources: UsageSources;
  readonly ctx: AwsContext;
  readonly deployment: Deployment;
}

export interface UsageSources {
  /** Profile table: its PutItem/UpdateItem data events are the profile updates. */
  readonly profileTableArn: pulumi.Input<string>;
  /** Reports bucket: GetObject data events under `reports/` are the report downloads. */
  readonly reportsBucketArn: pulumi.Input<string>;
  /** Meter lake (quarantine reports) and supplier uploads, queried by the summary; encrypted with meterKeyArn. */
  readonly meterLakeBucketArn: pulumi.Input<string>;
  readonly supplierUploadBucketArn: pulumi.Input<string>;
  readonly meterKeyArn: pulumi.Input<string>;
}

/** Trail selectors: object access to the raw data, report downloads, profile writes; exact ARNs, data events only. */
export function trailSelectors(rawArn: string, reportsArn: string, profileTableArn: string) {
  return [
    {
      name: "Object-level access to the shared raw data",
      fieldSelectors: [
        { field: "eventCategory", equals: ["Data"] },
        { field: "resources.type", equals: ["AWS::S3::Object"] },
        { field: "resources.ARN", startsWiths: [`${rawArn}/`] },
      ],
    },
    {
      name: "Customer report downloads",
      fieldSelectors: [
        { field: "eventCategory", equals: ["Data"] },
        { field: "resources.type", equals: ["AWS::S3::Object"] },
        { field: "eventName", equals: ["GetObject"] },
        { field: "resources.ARN", startsWiths: [`${reportsArn}/reports/`] },
      ],
    },
    {
      name: "Customer profile updates",
      fieldSelectors: [
        { field: "eventCategory", equals: ["Data"] },
        { field: "resources.type", equals: ["AWS::DynamoDB::Table"] },
        { field: "eventName", equals: ["PutItem", "UpdateItem"] },
        { field: "resources.ARN", equals: [profileTableArn] },
      ],
    },
  ];
}

/**
 * Who used the shared data: a CloudTrail trail of S3 data events on the raw bucket (plus its server access
 * logs), report downloads and profile updates lands in the log bucket; a daily Lambda runs the summary
 * queries in the workgroup and writes `summaries/{YYYY-MM-DD}.json` to the results bucket.
 */
export function createUsage(name: string, args: UsageArgs, opts: HelperOptions) {
  const { raw, logs, results, kmsKeyArn, sources, ctx, deployment } = args;
  const trail = new aws.cloudtrail.Trail(
    `${name}-trail`,
    {
      name: args.trailName,
      s3BucketName: logs.name,
      s3KeyPrefix: "cloudtrail",
      kmsKeyId: kmsKeyArn,
      enableLogFileValidation: true,
      includeGlobalServiceEvents: false,
      isMultiRegionTrail: false,
      advancedEventSelectors: pulumi
        .all([raw.arn, sources.reportsBucketArn, sources.profileTableArn])
        .apply(([rawArn, reportsArn, tableArn]) => trailSelectors(rawArn, reportsArn, tableArn)),
    },
    { ...opts, dependsOn: [logs.policy] },
  );

  const failedRuns = createFailedRunQueue(`${name}-summary`, { kmsKeyArn }, opts);
  const summary = createCallbackFunction(
    `${name}-summary`,
    {
      description: "Daily usage summary (meters, supplier files, customers, trains) from Athena",
      // inline: the context carries the request id every log line needs
      callback: async (event: SummaryEvent, context: aws.lambda.Context) => usageSummaryHandler(event, context),
      kmsKeyArn,
      timeout: 300,
      reservedConcurrency: deployment.reservedConcurrency.usageSummary,
      environment: variableValues(USAGE_SUMMARY_VARIABLES, { WORKGROUP: args.workgroup.name, DATABASE: args.database.name, RESULTS_BUCKET: results.name }),
      statements: pulumi
        .all([
          args.workgroup.arn,
          raw.arn,
          logs.arn,
          results.arn,
          sources.meterLakeBucketArn,
          sources.supplierUploadBucketArn,
          kmsKeyArn,
          sources.meterKeyArn,
          ctx.partition,
          ctx.region,
          ctx.accountId,
          args.database.name,
          failedRuns.arn,
        ])
        .apply(([workgroupArn, rawArn, logsArn, resultsArn, lakeArn, uploadsArn, keyArn, meterKeyArn, partition, region, accountId, db, failedRunsArn]) => [
          allow("RunQueries", ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution"], workgroupArn),
          allow(
            "ReadCatalog",
            ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"],
            [
              `arn:${partition}:glue:${region}:${accountId}:catalog`,
              `arn:${partition}:glue:${region}:${accountId}:database/${db}`,
              `arn:${partition}:glue:${region}:${accountId}:table/${db}/*`,
            ],
          ),
          // Athena reads S3 with the caller's permissions: exactly the prefixes the summary's tables cover.
          allow("ListQueriedBuckets", ["s3:ListBucket", "s3:GetBucketLocation"], [rawArn, logsArn, lakeArn, uploadsArn]),
          allow("ReadQueriedObjects", ["s3:GetObject"], [`${rawArn}/readings/*`, `${logsArn}/cloudtrail/*`, `${lakeArn}/quarantine/*`, `${uploadsArn}/*`]),
          // Athena writes and reads query results under athena/ (the workgroup's output location) with the
          // caller's permissions; the summary itself writes summaries/
          allow("ResultsBucket", ["s3:ListBucket", "s3:GetBucketLocation"], resultsArn),
          allow("QueryResults", ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"], `${resultsArn}/${RESULTS_PREFIXES.queryResults}*`),
          allow("WriteSummaries", ["s3:PutObject"], `${resultsArn}/${RESULTS_PREFIXES.summaries}*`),
          kmsStatement("UseSharingKey", [keyArn], ["kms:Decrypt", "kms:GenerateDataKey"]),
          kmsStatement("DecryptMeterData", [meterKeyArn], ["kms:Decrypt"]),
          ...failedRunStatements(failedRunsArn, keyArn),
        ]),
      deployment,
    },
    opts,
  );
  createScheduledInvocation(
    `${name}-summary`,
    {
      description: "Daily usage summary of the shared data",
      expression: "cron(0 2 * * ? *)",
      target: summary,
      dlq: failedRuns,
      input: { scheduledTime: "<aws.scheduler.scheduled-time>", window: "previous-day" },
      kmsKeyArn,
      ctx,
      deployment,
    },
    opts,
  );
  createFunctionAlarms(`${name}-summary`, { functionName: summary.fn.name, deployment }, opts);
  return { trail, summary };
}
