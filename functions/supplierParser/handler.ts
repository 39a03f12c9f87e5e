import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { Readable } from "stream";
import { ObjectStore } from "./processObject";
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
  const storeFor = (uploads: string): ObjectStore => ({
    async get(key) {
      const out = await client.send(new GetObjectCommand({ Bucket: uploads, Key: key }));
      if (!out.Body) throw new Error(`s3://${uploads}/${key} has no body`);
      return out.Body as Readable;
    },
    async put(key, body, contentType) {
      await client.send(new PutObjectCommand({ Bucket: lake, Key: key, Body: body, ContentType: contentType }));
    },
  });
  const { batchItemFailures } = await processBatch(event.Records ?? [], storeFor, (entry) => console.log(JSON.stringify(entry)));
  return { batchItemFailures };
}
