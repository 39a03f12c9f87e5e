import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createFunctionAlarms } from "../shared/alarms";
import { AwsContext } from "../shared/awsContext";
import { Deployment } from "../shared/deployment";
import { createBundledFunction } from "../shared/lambdaFunction";
import { allow, kmsStatement } from "../shared/policyDocuments";
import { createScheduledInvocation } from "../shared/schedule";
import { SecureBucket } from "../shared/secureBucket";

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
    readonly ctx: AwsContext;
    readonly deployment: Deployment;
}

/**
 * Who used the shared data: a CloudTrail trail of S3 data events on the raw bucket (plus its server access
 * logs) lands in the log bucket; a daily Lambda runs the summary queries in the workgroup.
 */
export function createUsage(name: string, args: UsageArgs, parent: pulumi.Resource) {
    const { raw, logs, results, kmsKeyArn, ctx, deployment } = args;
    const trail = new aws.cloudtrail.Trail(`${name}-trail`, {
        name: args.trailName,
        s3BucketName: logs.name,
        s3KeyPrefix: "cloudtrail",
        kmsKeyId: kmsKeyArn,
        enableLogFileValidation: true,
        includeGlobalServiceEvents: false,
        isMultiRegionTrail: false,
        advancedEventSelectors: [{
            name: "Object-level access to the shared raw data",
            fieldSelectors: [
                { field: "eventCategory", equals: ["Data"] },
                { field: "resources.type", equals: ["AWS::S3::Object"] },
                { field: "resources.ARN", startsWiths: [pulumi.interpolate`${raw.arn}/`] },
            ],
        }],
    }, { parent, dependsOn: [logs.policy] });

    const summary = createBundledFunction(`${name}-summary`, {
        source: "usageSummary",
        description: "Daily summary of who read the shared data",
        kmsKeyArn,
        timeout: 300,
        environment: { WORKGROUP: args.workgroup.name, DATABASE: args.database.name, RESULTS_BUCKET: results.name },
        statements: pulumi.all([args.workgroup.arn, logs.arn, results.arn, kmsKeyArn, ctx.partition, ctx.region, ctx.accountId, args.database.name])
            .apply(([workgroupArn, logsArn, resultsArn, keyArn, partition, region, accountId, db]) => [
                allow("RunQueries", ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:GetNamedQuery", "athena:ListNamedQueries"], workgroupArn),
                allow("ReadCatalog", ["glue:GetDatabase", "glue:GetTable", "glue:GetPartitions"], [
                    `arn:${partition}:glue:${region}:${accountId}:catalog`,
                    `arn:${partition}:glue:${region}:${accountId}:database/${db}`,
                    `arn:${partition}:glue:${region}:${accountId}:table/${db}/*`,
                ]),
                allow("ReadLogs", ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"], [logsArn, `${logsArn}/*`]),
                allow("WriteResults", ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:AbortMultipartUpload"], [resultsArn, `${resultsArn}/*`]),
                kmsStatement("UseSharingKey", [keyArn], ["kms:Decrypt", "kms:GenerateDataKey"]),
            ]),
    }, deployment, parent);
    createScheduledInvocation(`${name}-summary`, {
        description: "Daily usage summary of the shared data",
        expression: "cron(0 2 * * ? *)",
        functionArn: summary.fn.arn,
        input: { scheduledTime: "<aws.scheduler.scheduled-time>", window: "previous-day" },
        kmsKeyArn, ctx, deployment,
    }, parent);
    createFunctionAlarms(`${name}-summary`, summary.fn.name, deployment, parent);
    return { trail, summary };
}
