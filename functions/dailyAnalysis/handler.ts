import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { LambdaContext, count, createObservability, invocation, logPort } from "../shared/observability";
import { analyseDay, RunSummary } from "./analyseDay";
import { dynamoHouseholds } from "./dynamoHouseholds";
import { reportDayOf, shardOf } from "./reportDay";
import { s3Lake, s3Reports } from "./s3Ports";
import { requireVariables } from "../shared/environment";
import { DAILY_ANALYSIS_VARIABLES } from "./variables";

/**
 * Lambda entry point, invoked daily by EventBridge Scheduler with `{ scheduledTime, window: "previous-day" }`
 * (or by hand with `{ date: "YYYY-MM-DD" }`), plus `{ shard, shards }` when the stack splits its clients
 * over several schedules (each invocation then analyses one part; by hand, leave them out for all).
 * Writes every client's report, then fails the invocation if any client failed, so the error alarm fires
 * and a retry re-runs the day (idempotent).
 */
let s3: S3Client | undefined;
let dynamo: DynamoDBClient | undefined;
const o = createObservability("dailyAnalysis");

/** Clients with a failure (a client's day, or one of its revisions, or `*` for the run's own listings), each once. */
export const failedClients = (summary: RunSummary): number => new Set(summary.failed.map((f) => f.clientId)).size;

/** The run's outcome as metrics: ReportsWritten, ReportsRevised, ClientsFailed, RejectedLines, ReadingsTooLate, UnusualHalfHours. */
export function countRun(summary: RunSummary): [string, number][] {
  return [
    ["ReportsWritten", summary.reportsWritten],
    ["ReportsRevised", summary.reportsRevised],
    ["ClientsFailed", failedClients(summary)],
    ["RejectedLines", summary.rejectedLines],
    ["ReadingsTooLate", summary.readingsTooLate],
    ["UnusualHalfHours", summary.unusualHalfHours],
  ];
}

export async function handler(event: unknown, context?: LambdaContext): Promise<RunSummary> {
  return invocation(o, context, {}, async () => {
    const { LAKE_BUCKET, REPORTS_BUCKET, HOUSEHOLD_TABLE } = requireVariables(process.env, DAILY_ANALYSIS_VARIABLES.required);
    const day = reportDayOf(event);
    const shard = shardOf(event);
    o.logger.appendKeys({ reportDate: day.iso, shard: `${shard.index + 1}/${shard.count}` });
    s3 ??= o.tracer.captureAWSv3Client(new S3Client({}));
    dynamo ??= o.tracer.captureAWSv3Client(new DynamoDBClient({}));
    const summary = await analyseDay(s3Lake(s3, LAKE_BUCKET), s3Reports(s3, REPORTS_BUCKET), day, {
      shard,
      households: dynamoHouseholds(dynamo, HOUSEHOLD_TABLE),
      log: logPort(o.logger),
      ...(context?.getRemainingTimeInMillis ? { remainingMs: () => context.getRemainingTimeInMillis!() } : {}),
    });
    for (const [name, value] of countRun(summary)) count(o, name, value);
    if (summary.failed.length) {
      throw new Error(
        `daily analysis of ${summary.date}: ${failedClients(summary)} of ${summary.clients} client(s) failed (${summary.failed.length} failure(s)), first ${summary.failed[0].clientId}: ${summary.failed[0].error}`,
      );
    }
    return summary;
  });
}
