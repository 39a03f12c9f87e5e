import { RedshiftDataClient } from "@aws-sdk/client-redshift-data";
import { PutObjectCommand, S3Client, paginateListObjectsV2 } from "@aws-sdk/client-s3";
import { LambdaContext, Observability, count, createObservability, invocation, logPort } from "../shared/observability";
import { DataApi } from "./dataApi";
import { isLoadError } from "./errors";
import { LoadReport, loadReadings, ObjectStorage } from "./loadReadings";
import { loaderSettings } from "./settings";
import { warmState } from "../shared/warmState";

/** Margin left for the row-count follow-up and the log lines when the Lambda's own timeout nears. */
const DEADLINE_MARGIN_MS = 20_000;
interface Warm {
  o: Observability;
  s3: S3Client;
  data: RedshiftDataClient;
}

/** A run's outcome as metrics; LoadsMerged is 1 for a run whose transaction committed new objects. */
export function countLoad(report: LoadReport): [string, number][] {
  return [
    ["LoadsMerged", report.loaded.length > 0 ? 1 : 0],
    ["ObjectsLoaded", report.loaded.length],
    ["RowsLoaded", report.rowsWritten ?? 0],
    ["ObjectsSkipped", report.skipped.length],
    ["ObjectsDeferred", report.deferred],
    ["ObjectsRejected", report.rejected.length],
  ];
}

export function s3Storage(s3: S3Client, bucket: string): ObjectStorage {
  return {
    async list(prefix) {
      const out = [];
      for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
        for (const o of page.Contents ?? []) {
          out.push({ key: o.Key!, etag: (o.ETag ?? "").replace(/"/g, ""), size: o.Size ?? 0, lastModified: o.LastModified?.getTime() ?? 0 });
        }
      }
      return out;
    },
    async put(key, body) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: "application/json" }));
    },
  };
}

/**
 * Hourly schedule `{ scheduledTime, window: "previous-hour" }` → COPY of the new raw objects into Redshift. A failed
 * load counts LoadsFailed and its error line carries the Data API statement id and the manifest key.
 */
export async function handler(event: unknown, context?: LambdaContext): Promise<LoadReport> {
  const warm = warmState<Warm>("redshiftLoader");
  const o = (warm.o ??= createObservability("redshiftLoader"));
  return invocation(o, context, {}, async () => {
    const settings = loaderSettings(process.env);
    const s3 = (warm.s3 ??= o.tracer.captureAWSv3Client(new S3Client({})));
    const data = (warm.data ??= o.tracer.captureAWSv3Client(new RedshiftDataClient({})));
    const remaining = context?.getRemainingTimeInMillis?.() ?? 300_000;
    const dataApi = new DataApi(data, settings, {
      deadline: Date.now() + remaining - DEADLINE_MARGIN_MS,
      now: Date.now,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });
    try {
      const report = await loadReadings(event, {
        settings,
        storage: s3Storage(s3, settings.rawBucket),
        dataApi,
        runId: context?.awsRequestId ?? `run-${Date.now()}`,
        now: Date.now,
        log: logPort(o.logger),
      });
      for (const [name, value] of countLoad(report)) count(o, name, value);
      return report;
    } catch (e) {
      count(o, "LoadsFailed", 1);
      // objects the run set aside before it failed (loadReadings.ts puts their number on any error it throws)
      const rejected = (e as { rejected?: unknown } | undefined)?.rejected;
      count(o, "ObjectsRejected", typeof rejected === "number" ? rejected : 0);
      if (isLoadError(e)) o.logger.appendKeys({ statementId: e.statementId, manifestKey: e.manifestKey });
      throw e;
    }
  });
}
