import type { SQSBatchResponse } from "aws-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { LambdaContext, count, createObservability, invocation, logPort } from "../shared/observability";
import { ObjectStore } from "./processObject";
import { s3ObjectStore } from "./s3Store";
import { settingsFromEnv } from "./settings";
import { BatchOutcome, processBatch, SqsRecord } from "./sqsBatch";
import { requireVariables } from "../shared/environment";
import { SUPPLIER_PARSER_VARIABLES } from "./variables";
/**
 * Lambda entry point (SQS event source with ReportBatchItemFailures): reads each uploaded supplier file
 * from the upload bucket named in its S3 event, writes readings and the quarantine report to LAKE_BUCKET.
 */
let s3: S3Client | undefined;
const o = createObservability("supplierParser");

/**
 * A batch's outcome as metrics. FilesQuarantined counts files of which nothing reached the lake: a refused key,
 * or every row rejected. ReadingsUnreported are readings of days no daily report reads their file for. MessagesRetried are handed back to SQS (after maxReceiveCount they reach the DLQ).
 */
export function countBatch(outcome: BatchOutcome): [string, number][] {
  const sum = (f: (p: BatchOutcome["processed"][number]) => number) => outcome.processed.reduce((a, p) => a + f(p), 0);
  return [
    ["FilesProcessed", outcome.processed.length],
    ["RowsAccepted", sum((p) => p.accepted)],
    ["RowsRejected", sum((p) => p.rejected)],
    ["ReadingsUnreported", sum((p) => p.unreported)],
    ["FilesQuarantined", outcome.invalidKeys.length + outcome.processed.filter((p) => p.accepted === 0).length],
    ["InvalidKeys", outcome.invalidKeys.length],
    ["MessagesRetried", outcome.batchItemFailures.length],
  ];
}

export async function handler(event: { Records?: SqsRecord[] }, context?: LambdaContext): Promise<SQSBatchResponse> {
  return invocation(o, context, {}, async () => {
    const lake = requireVariables(process.env, SUPPLIER_PARSER_VARIABLES.required).LAKE_BUCKET;
    s3 ??= o.tracer.captureAWSv3Client(new S3Client({}));
    const client = s3;
    const storeFor = (uploads: string): ObjectStore => s3ObjectStore(client, uploads, lake);
    const outcome = await processBatch(event.Records ?? [], storeFor, logPort(o.logger), settingsFromEnv(process.env));
    for (const [name, value] of countBatch(outcome)) count(o, name, value);
    return { batchItemFailures: outcome.batchItemFailures };
  });
}
