import * as pulumi from "@pulumi/pulumi";
import { createFunctionAlarms } from "../shared/alarms";
import { AwsContext } from "../shared/awsContext";
import { Deployment } from "../shared/deployment";
import { createBundledFunction } from "../shared/lambdaFunction";
import { allow, kmsStatement, projectedGetStatement } from "../shared/policyDocuments";
import { createFailedRunQueue, createScheduledInvocation, failedRunStatements } from "../shared/schedule";
import { SecureBucket } from "../shared/secureBucket";
import { meterDefaults } from "./defaults";
import { DAILY_ANALYSIS_VARIABLES } from "../../functions/dailyAnalysis/variables";
import { HOUSEHOLD_ATTRIBUTES, HOUSEHOLD_KEY_PATTERNS } from "../../functions/dailyAnalysis/dynamoHouseholds";
import { variableValues } from "../../functions/shared/environment";
import { HelperOptions } from "../shared/options";

export interface DailyAnalysisArgs {
  readonly lake: SecureBucket;
  readonly reports: SecureBucket;
  readonly kmsKeyArn: pulumi.Output<string>;
  readonly ctx: AwsContext;
  readonly deployment: Deployment;
  /** The customer API's profile table, whose claim items give each meter's household's first day, and its key. */
  readonly households: HouseholdTable;
}

export interface HouseholdTable {
  readonly tableName: pulumi.Input<string>;
  readonly tableArn: pulumi.Input<string>;
  readonly keyArn: pulumi.Input<string>;
}

/**
 * EventBridge Scheduler invokes the analysis daily with its scheduled time; the handler derives "yesterday".
 * Prod splits the clients over several schedules (`meterDefaults.analysisShards`).
 */
export function createDailyAnalysis(name: string, args: DailyAnalysisArgs, opts: HelperOptions) {
  const { lake, reports, kmsKeyArn, ctx, deployment, households } = args;
  const failedRuns = createFailedRunQueue(name, { kmsKeyArn }, opts);
  const analysis = createBundledFunction(
    name,
    {
      source: "dailyAnalysis",
      description: "Analyses the previous day's meter data and writes reports",
      kmsKeyArn,
      timeout: meterDefaults.analysisTimeoutSeconds,
      memorySize: meterDefaults.analysisMemoryMb,
      environment: variableValues(DAILY_ANALYSIS_VARIABLES, {
        LAKE_BUCKET: lake.name,
        REPORTS_BUCKET: reports.name,
        HOUSEHOLD_TABLE: pulumi.output(households.tableName),
      }),
      statements: pulumi
        .all([lake.arn, reports.arn, kmsKeyArn, failedRuns.arn, households.tableArn, households.keyArn])
        .apply(([lakeArn, reportsArn, keyArn, failedRunsArn, tableArn, tableKeyArn]) => [
          allow("ReadLake", ["s3:GetObject", "s3:ListBucket"], [lakeArn, `${lakeArn}/*`]),
          // GetObject reads the client's earlier reports (history for the detector, recent-days comparison);
          // ListBucket makes a missing report a 404 (NoSuchKey) rather than a 403.
          allow("ReadWriteReports", ["s3:GetObject", "s3:PutObject"], `${reportsArn}/reports/*`),
          allow("ListReports", ["s3:ListBucket"], reportsArn),
          kmsStatement("UseMeterKey", [keyArn], ["kms:Decrypt", "kms:GenerateDataKey"]),
          ...failedRunStatements(failedRunsArn, keyArn),
          // of the profile table, only a meter's claim and owner items, and of them only the household's first day (dynamoHouseholds.ts)
          projectedGetStatement("ReadHouseholds", tableArn, HOUSEHOLD_KEY_PATTERNS, HOUSEHOLD_ATTRIBUTES),
          kmsStatement("ProfileKey", [tableKeyArn], ["kms:Decrypt"]),
        ]),
      deployment,
    },
    opts,
  );
  const schedules = createScheduledInvocation(
    name,
    {
      description: "Hands the previous day's meter data to the analysis",
      expression: meterDefaults.dailyAnalysisSchedule,
      target: analysis,
      dlq: failedRuns,
      input: { scheduledTime: "<aws.scheduler.scheduled-time>", window: "previous-day" },
      shards: meterDefaults.analysisShards[deployment.environment],
      kmsKeyArn,
      ctx,
      deployment,
    },
    opts,
  );
  createFunctionAlarms(name, { functionName: analysis.fn.name, deployment }, opts);
  return { analysis, schedules };
}
