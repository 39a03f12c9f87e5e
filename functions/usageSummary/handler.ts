import { AthenaClient } from "@aws-sdk/client-athena";
import { PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { AthenaEngine } from "./athenaEngine";
import { SummaryEvent, writeDailySummary } from "./dailySummary";

/**
 * Scheduled daily: runs the usage summary queries in WORKGROUP/DATABASE for the previous UTC day and writes
 * `summaries/{YYYY-MM-DD}.json` to RESULTS_BUCKET. The 300 s function timeout bounds the whole run, so each
 * query gets at most 60 s of polling.
 */
const REQUIRED = ["WORKGROUP", "DATABASE", "RESULTS_BUCKET"] as const;
let athena: AthenaClient | undefined;
let s3: S3Client | undefined;

export async function handler(event: SummaryEvent): Promise<{ key: string; date: string }> {
  const missing = REQUIRED.filter((name) => !process.env[name]);
  if (missing.length > 0) throw new Error(`environment variable${missing.length > 1 ? "s" : ""} ${missing.join(", ")} must be set`);
  const [workgroup, database, bucket] = REQUIRED.map((name) => process.env[name] as string);
  athena ??= new AthenaClient({});
  s3 ??= new S3Client({});
  const client = s3;
  const engine = new AthenaEngine(athena, {
    workgroup, database, timeoutMs: 60_000,
    onProgress: (p) => { if (p.state !== "QUEUED" && p.state !== "RUNNING") console.log(JSON.stringify({ message: "summary query finished", ...p })); },
  });
  const { key, summary } = await writeDailySummary(engine, {
    async put(k, body) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: body, ContentType: "application/json" }));
    },
  }, event ?? {});
  console.log(JSON.stringify({ message: "usage summary written", bucket, key, ...summary, trains: summary.trains.length }));
  return { key, date: summary.date };
}
