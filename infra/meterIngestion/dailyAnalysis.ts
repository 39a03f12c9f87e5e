import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createFunctionAlarms, createQueueDepthAlarm } from "../shared/alarms";
import { AwsContext } from "../shared/awsContext";
import { Deployment } from "../shared/deployment";
import { createBundledFunction } from "../shared/lambdaFunction";
import { allow, kmsStatement } from "../shared/policyDocuments";
import { createDlq } from "../shared/queue";
import { createServiceRole, grant } from "../shared/role";
import { SecureBucket } from "../shared/secureBucket";
import { meterDefaults } from "./defaults";

export interface DailyAnalysisArgs {
    readonly lake: SecureBucket;
    readonly reports: SecureBucket;
    readonly kmsKeyArn: pulumi.Output<string>;
    readonly ctx: AwsContext;
    readonly deployment: Deployment;
}

/** EventBridge Scheduler invokes the analysis daily with its scheduled time; the handler derives "yesterday". */
export function createDailyAnalysis(name: string, args: DailyAnalysisArgs, parent: pulumi.Resource) {
    const { lake, reports, kmsKeyArn, ctx, deployment } = args;
    const analysis = createBundledFunction(name, {
        source: "dailyAnalysis",
        description: "Analyses the previous day's meter data and writes reports",
        kmsKeyArn,
        timeout: meterDefaults.analysisTimeoutSeconds,
        memorySize: 1024,
        environment: { LAKE_BUCKET: lake.name, REPORTS_BUCKET: reports.name },
        statements: pulumi.all([lake.arn, reports.arn, kmsKeyArn]).apply(([lakeArn, reportsArn, keyArn]) => [
            allow("ReadLake", ["s3:GetObject", "s3:ListBucket"], [lakeArn, `${lakeArn}/*`]),
            allow("WriteReports", ["s3:PutObject"], `${reportsArn}/*`),
            kmsStatement("UseMeterKey", [keyArn], ["kms:Decrypt", "kms:GenerateDataKey"]),
        ]),
    }, deployment, parent);

    const dlq = createDlq(`${name}-schedule`, kmsKeyArn, parent);
    const schedulerRole = createServiceRole(`${name}-scheduler`, {
        service: "scheduler.amazonaws.com", sourceAccount: ctx.accountId, description: "Scheduler invokes the daily analysis",
    }, parent);
    const schedulerPolicy = grant(`${name}-scheduler`, schedulerRole, pulumi.all([analysis.fn.arn, dlq.arn, kmsKeyArn]).apply(([fnArn, dlqArn, keyArn]) => [
        allow("InvokeAnalysis", ["lambda:InvokeFunction"], fnArn),
        allow("DeadLetter", ["sqs:SendMessage"], dlqArn),
        kmsStatement("EncryptDeadLetters", [keyArn], ["kms:GenerateDataKey", "kms:Decrypt"]),
    ]), parent);

    const schedule = new aws.scheduler.Schedule(`${name}-schedule`, {
        description: "Hands the previous day's meter data to the analysis",
        scheduleExpression: meterDefaults.dailyAnalysisSchedule,
        scheduleExpressionTimezone: "UTC",
        flexibleTimeWindow: { mode: "OFF" },
        kmsKeyArn,
        target: {
            arn: analysis.fn.arn,
            roleArn: schedulerRole.arn,
            input: JSON.stringify({ scheduledTime: "<aws.scheduler.scheduled-time>", window: "previous-day" }),
            retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
            deadLetterConfig: { arn: dlq.arn },
        },
    }, { parent, dependsOn: [schedulerPolicy] });

    createFunctionAlarms(name, analysis.fn.name, deployment, parent);
    createQueueDepthAlarm(`${name}-schedule`, dlq.name, deployment, parent);
    return { analysis, schedule };
}
