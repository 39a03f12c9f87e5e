import { S3Client } from "@aws-sdk/client-s3";
import { ObjectStore } from "./processObject";
import { s3ObjectStore } from "./s3Store";
import { settingsFromEnv } from "./settings";
import { processBatch, SqsRecord } from "./sqsBatch";

/**
 * Lambda entry point (SQS event source with ReportBatchItemFailures): reads each uploaded supplier file
 * from the upload bucket named in its S3 event, writes readings and the quarantine report to LAKE_BUCKET.
 */
let s3: S3Client | undefined;

export async function handler(event: { Records?: SqsRecord[] }): Promise<{ batchItemFailures: { itemIdentifier: string }[] }> {
  const lake = process.env.LAKE_BUCKET;
  if (!lake) throw new Error("environment variable LAKE_BUCKET must be set");
  s3 ??= new S3Client({});
  const client = s3;
  const storeFor = (uploads: string): ObjectStore => s3ObjectStore(client, uploads, lake);
  const { batchItemFailures } = await processBatch(event.Records ?? [], storeFor, (entry) => console.log(JSON.stringify(entry)), settingsFromEnv(process.env));
  return { batchItemFailures };
}
