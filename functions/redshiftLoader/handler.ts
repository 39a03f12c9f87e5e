import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { DataApi } from "./dataApi";
import { LoadReport, loadReadings, ObjectStorage } from "./loadReadings";
import { loaderSettings } from "./settings";

/** Margin left for the row-count follow-up and the log lines when the Lambda's own timeout nears. */
const DEADLINE_MARGIN_MS = 20_000;
const clients: { s3?: S3Client; data?: RedshiftDataClient } = {};

interface LambdaContext {
  readonly awsRequestId?: string;
  getRemainingTimeInMillis?(): number;
}

export function s3Storage(s3: S3Client, bucket: string): ObjectStorage {
  return {
    async list(prefix) {
      const out = [];
      let token: string | undefined;
      do {
        const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
        for (const o of page.Contents ?? []) {
          out.push({ key: o.Key!, etag: (o.ETag ?? "").replace(/"/g, ""), size: o.Size ?? 0, lastModified: o.LastModified?.getTime() ?? 0 });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return out;
    },
    async put(key, body) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "application/json" }));
    },
  };
}

/** Hourly schedule `{ scheduledTime, window: "previous-hour" }` → COPY of the new raw objects into Redshift. */
export async function handler(event: unknown, context: LambdaContext = {}): Promise<LoadReport> {
  const settings = loaderSettings(process.env);
  clients.s3 ??= new S3Client({});
  clients.data ??= new RedshiftDataClient({});
  const remaining = context.getRemainingTimeInMillis?.() ?? 300_000;
  const dataApi = new DataApi(clients.data, settings, {
    deadline: Date.now() + remaining - DEADLINE_MARGIN_MS,
    now: Date.now,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  });
  return loadReadings(event, {
    settings,
    storage: s3Storage(clients.s3, settings.rawBucket),
    dataApi,
    runId: context.awsRequestId ?? `run-${Date.now()}`,
    now: Date.now,
    log: (entry) => console.log(JSON.stringify(entry)),
  });
}
